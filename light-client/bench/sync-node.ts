/**
 * Skipping sync in Node against the bench's synthetic chain (chain.ts) over the relay HTTP API:
 * the quick loop for profiling (`--cpu-prof`) what lc.bench.ts measures in Chromium.
 *
 * Run: node --import tsx bench/sync-node.ts [--cold] [--runs N]
 *   --cold   no warm-up sync: the fixture builds (signs) bodies during the timed sync
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toHex } from '@dipnet/protocol';
import { createLightClient } from '../src/index.ts';
import { SyntheticChain } from './chain.ts';

const HEIGHT = Number(process.env.LC_BENCH_HEIGHT ?? 100_000);
const cold = process.argv.includes('--cold');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

const chain = new SyntheticChain({ chainId: 'dipnet-lc-bench', height: HEIGHT, epoch: 1_000 });
let handlerMs = 0;
const server = createServer((req, resp) => {
  const t = performance.now();
  if (!chain.handle(req, resp)) resp.writeHead(404).end();
  handlerMs += performance.now() - t;
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

let inFlight = 0;
let waves = 0;
const counting: typeof fetch = async (input, init) => {
  if (inFlight++ === 0) waves++;
  try {
    const res = await fetch(input, init);
    return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
  } finally {
    inFlight--;
  }
};

const sync = async (): Promise<{ ms: number; waves: number; headers: number; signatures: number; bisections: number }> => {
  waves = 0;
  const t0 = performance.now();
  const lc = await createLightClient({
    chainId: 'dipnet-lc-bench', trust: { height: 1, hash: toHex(chain.hashAt(1)) }, trustingPeriodMs: 14 * 86_400_000, relays: [origin], relayOptions: { fetch: counting }, store: 'memory', follow: false,
  });
  const ms = performance.now() - t0;
  const s = lc.stats();
  if (lc.head().height !== BigInt(HEIGHT)) throw new Error(`sync ended at ${lc.head().height}`);
  await lc.close();
  return { ms, waves, headers: s.headersVerified, signatures: s.signaturesVerified, bisections: s.bisections };
};

if (!cold) {
  await sync();
  chain.resetCounters();
  handlerMs = 0;
}
for (let i = 0; i < (cold ? 1 : runs); i++) {
  const r = await sync();
  console.log(JSON.stringify({ ...r, ms: Math.round(r.ms), handlerMs: Math.round(handlerMs), requests: chain.requests, work: { ...chain.work, buildMs: Math.round(chain.work.buildMs), cachedMs: Math.round(chain.work.cachedMs) } }));
  chain.resetCounters();
  handlerMs = 0;
}
server.closeAllConnections();
server.close();
