/**
 * The README's first command on a fresh copy of the checkout with no usable Chromium
 * (scripts/fresh-start.ts): `npm install`, then `npm start` timed from its spawn to the printed
 * Watch URL — a new devnet of 4 validators, seeding by real txs, the Vite build and the embed
 * bundle. Target: under 60 s on these machines.
 *
 * Run: npm run bench -w demo-player (`BENCH {json}` lines on stdout; progress on stderr).
 */
import { freshStart } from '../scripts/fresh-start.ts';

const fresh = await freshStart((m) => console.error(`# ${m}`));
try {
  console.log(`BENCH ${JSON.stringify({ name: 'demo.start_to_watch_s', value: Number((fresh.run.readyMs / 1000).toFixed(1)), unit: 's', target: 60, chromiumHidden: fresh.chromiumHidden })}`);
  console.log(`BENCH ${JSON.stringify({ name: 'demo.fresh_npm_install_s', value: Number((fresh.installMs / 1000).toFixed(1)), unit: 's' })}`);
} finally {
  await fresh.stop();
}
