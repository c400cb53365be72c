/**
 * The main job end to end: `npm start`'s orchestrator (demo-player/scripts/start.ts) on a temp
 * directory and free ports — 4 validator processes with relays, seeding by real txs, the Vite
 * build, the demo server — and the viewer page in real headless Chromium.
 *
 * Proves: the light client in the page's Web Worker verifies the devnet from its genesis hash; a
 * wallet made in the browser gets test DPN from the devnet faucet and shows the proven balance;
 * pausing while the jacket is on screen and clicking its hotspot opens the product panel with the
 * verified price and "Verified at block N"; shipping details, confirmation and payment place the
 * order on chain, and the panel tracks its production graph (tender, supply, lining, inspection,
 * logistics). A page on another origin, made of the embed snippet the demo prints, sells the lamp
 * through the element and worker loaded cross-origin from the demo server.
 * No page or console errors. Then Ctrl-C (SIGINT) stops every process, and a second
 * run on the same directory resumes the chain and sends 0 seeding txs.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, pauseAt, serveStatic } from './harness.ts';
import { startDemo, stopDemo, leftovers, type Run } from './demo-run.ts';

const T0 = Date.now();
const say = (msg: string): void => console.log(`# [demo +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);
const SHOTS = '/tmp/dipnet-demo';
const DPN = 1_000_000_000n;
/** The jacket rests in front of the lamp from 5 s to 8 s (demo-player/src/scene/scene.ts). */
const JACKET_TIME = 6.5;


let dir = '';
let run: Run | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];
const noErrors = (step: string): void => assert.deepEqual(pageErrors, [], `page errors by ${step}:\n${pageErrors.join('\n')}`);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dipnet-demo-'));
  await mkdir(SHOTS, { recursive: true });
  run = await startDemo(dir, 5000);
  say(`demo up at ${run.url} (data in ${dir})`);
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
});

after(async () => {
  await browser?.close().catch(() => undefined);
  if (run) await stopDemo(run).catch(() => undefined);
  for (const l of leftovers(dir)) {
    const pid = Number(l.trim().split(/\s+/)[0]);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  if (dir) await rm(dir, { recursive: true, force: true });
  say(`cleaned up (screenshots in ${SHOTS})`);
});

test('the start script seeds the devnet by txs and prints where everything is', () => {
  const out = run!.output.join('');
  assert.match(out, /seed: done, \d+ txs sent/);
  assert.match(out, /Faucet:\s+POST http:\/\/127\.0\.0\.1:\d+\/faucet .*devnet only/);
  assert.match(out, /Embed:\s+<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/embed\/dip-shoppable-video\.js">/);
  for (const prop of ['lamp', 'mug', 'chair', 'jacket']) assert.match(out, new RegExp(`${prop}\\s+→ product [0-9a-f]{64}`));
});

test('the served annotations link every prop to its seeded product', async () => {
  const config = (await (await fetch(new URL('/demo-config.json', run!.url))).json()) as { products: Record<string, string>; genesisHash: string };
  const doc = (await (await fetch(new URL('/scene.annotations.json', run!.url))).json()) as { props: { id: string; product: { contract: string } }[] };
  assert.equal(doc.props.length, 4);
  for (const p of doc.props) assert.equal(p.product.contract, config.products[p.id], `prop ${p.id}`);
  assert.ok(!JSON.stringify(doc).includes('0'.repeat(64)), 'no placeholder product ids');
  const vtt = await (await fetch(new URL('/scene.vtt', run!.url))).text();
  assert.ok(vtt.includes(config.products.jacket!) && !vtt.includes('0'.repeat(64)));
});

test('the viewer page verifies the chain, funds a browser wallet and buys the jacket', async () => {
  await page.goto(run!.url);
  await page.waitForSelector('#lc-card[data-state="synced"]', { timeout: 30_000 });
  const height = Number(await page.getAttribute('#lc-card', 'data-height'));
  say(`light client verified height ${height}`);
  assert.ok(height >= 1);
  await page.waitForSelector('#scene-products li[data-prop="jacket"] .verified-at', { timeout: 15_000 });
  // The worker reads the chain over WebRTC-direct, dialled by the page's bridge (no RTCPeerConnection in workers).
  const sources = await page.evaluate('Promise.resolve(window.dipnetDemo.lc.sources()).then((s) => s.map((x) => ({ kind: x.kind, health: x.health, id: x.id })))') as { kind: string; health: string; id: string }[];
  say(`light-client sources: ${sources.map((x) => `${x.kind}:${x.health}`).join(', ')}`);
  assert.ok(sources.some((x) => x.kind === 'libp2p-webrtc-bridge' && x.health === 'ok' && x.id.includes('/webrtc-direct')), JSON.stringify(sources));
  noErrors('sync');

  // A wallet in the browser, funded by the devnet faucet; the balance is the proven one.
  await page.click('#wallet-create');
  await page.waitForSelector('#wallet-card[data-address^="dpn"]', { timeout: 15_000 });
  await page.click('#wallet-faucet');
  await page.waitForFunction((min) => BigInt(document.getElementById('wallet-card')!.dataset.balance ?? '0') >= BigInt(min), String(1000n * DPN), { timeout: 30_000 });
  say(`wallet funded: ${await page.textContent('#wallet-balance')}`);
  await page.screenshot({ path: join(SHOTS, '1-funded.png') });
  noErrors('faucet');

  // Pause while the jacket is on screen and click its hotspot.
  await pauseAt(page, JACKET_TIME);
  const hotspot = page.locator('dip-shoppable-video .hotspot[data-id="jacket"]');
  await hotspot.click();
  const panel = page.locator('dip-product-panel');
  await panel.locator('.price').waitFor({ timeout: 30_000 });
  assert.match((await panel.locator('h2').textContent()) ?? '', /Jacket/);
  assert.match((await panel.locator('.price').textContent()) ?? '', /^120\s*DPN$/);
  const verified = (await panel.locator('.verified').first().textContent()) ?? '';
  assert.match(verified, /^Verified at block \d+ · \d+ (s|min) ago$/);
  say(`product panel: ${verified}`);
  await page.screenshot({ path: join(SHOTS, '2-product.png') });

  // Shipping details, confirmation, payment.
  await panel.getByRole('button', { name: 'Buy' }).click();
  await panel.locator('input[name="name"]').fill('Ada Viewer');
  await panel.locator('input[name="address"]').fill('1 Film Street, Lyon');
  await panel.locator('input[name="postcode"]').fill('69001');
  await panel.locator('input[name="country"]').fill('France');
  await panel.locator('input[name="email"]').fill('ada@example.org');
  await panel.getByRole('button', { name: 'Review order' }).click();
  await panel.getByRole('heading', { name: 'Confirm and sign' }).waitFor({ timeout: 15_000 });
  await page.screenshot({ path: join(SHOTS, '3-confirm.png') });
  await panel.getByRole('button', { name: 'Sign and pay' }).click();

  // Tracking: the jacket's production graph, verified.
  await panel.locator('ul.tree li').nth(5).waitFor({ timeout: 60_000 });
  const tree = (await panel.locator('ul.tree').textContent()) ?? '';
  for (const part of ['Jacket', 'Fabric (tender)', 'Buttons (supply)', 'Lining', 'Quality check', 'Courier']) assert.ok(tree.includes(part), `the graph shows ${part}: ${tree}`);
  assert.match((await panel.locator('[role="status"]').first().textContent()) ?? '', /Order placed/);
  say(`order placed; graph of ${await panel.locator('ul.tree li').count()} orders`);
  await page.waitForSelector('#orders li[data-order]', { timeout: 15_000 });
  await page.screenshot({ path: join(SHOTS, '4-tracking.png') });
  noErrors('purchase');
});

test('another site embeds the widget from the demo server with one script tag and sells the lamp', async () => {
  // The page `npm start` offers for embedding, served by another site (`localhost`, while the demo
  // server is 127.0.0.1): the element, the wallet frame and window, the annotations, the video and
  // the products' metadata all come from the demo server; the key stays in the wallet window.
  const html = await (await fetch(new URL('/embed.html', run!.url))).text();
  assert.match(html, /<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/embed\/dip-shoppable-video\.js">/);
  const site = await serveStatic({ '/': ['text/html; charset=utf-8', html] });
  const siteUrl = site.base.replace('127.0.0.1', 'localhost');
  const context = await browser!.newContext({ viewport: { width: 1100, height: 800 } });
  const errors: string[] = [];
  try {
    context.on('page', (p) => {
      p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      p.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()} (${m.location().url})`); });
    });
    const p = await context.newPage();
    await p.goto(`${siteUrl}/`);
    await p.waitForFunction(() => (document.querySelector('dip-shoppable-video') as unknown as { props?: unknown[] } | null)?.props?.length === 4, undefined, { timeout: 20_000 });
    await pauseAt(p, 1);
    await p.locator('dip-shoppable-video .hotspot[data-id="lamp"]').click();
    const panel = p.frameLocator('dip-shoppable-video iframe.wallet-frame').locator('dip-product-panel');
    await panel.locator('.price').waitFor({ timeout: 30_000 });
    assert.match((await panel.locator('.price').textContent()) ?? '', /^45\s*DPN$/);
    assert.match((await panel.locator('.verified').first().textContent()) ?? '', /^Verified at block \d+ · \d+ (s|min) ago$/);
    // The metadata's relative URI is taken from the demo server (metadata-base), checked against its on-chain hash.
    await panel.locator('img[src^="blob:"]').waitFor({ timeout: 15_000 });
    assert.match((await panel.evaluate((el) => el.shadowRoot!.textContent ?? '')) ?? '', /Charcoal steel floor lamp/);
    await p.screenshot({ path: join(SHOTS, '5-embedded-elsewhere.png') });

    await panel.getByRole('button', { name: 'Buy' }).click();
    for (const [k, v] of Object.entries({ name: 'Bo Viewer', address: '2 Frame Road', postcode: '04524', country: 'Korea', email: 'bo@example.org' })) {
      await panel.locator(`input[name="${k}"]`).fill(v);
    }
    await panel.getByRole('button', { name: 'Review order' }).click();
    const pay = panel.getByRole('button', { name: 'Pay with my DIPNET wallet' });
    await pay.waitFor();
    await p.waitForTimeout(600); // the confirm step must be on screen ≥ 500 ms before its click counts
    const popup = context.waitForEvent('page');
    await pay.click();
    const wallet = await popup;
    // The wallet window: a new wallet, funded by the devnet faucet it offers, then signed there.
    await wallet.getByRole('button', { name: 'Create a wallet' }).click({ timeout: 30_000 });
    await wallet.getByRole('button', { name: 'Get test DPN from the devnet faucet' }).click();
    await wallet.waitForFunction(() => !(document.querySelector('button.primary') as HTMLButtonElement | null)?.disabled, undefined, { timeout: 30_000 });
    await wallet.screenshot({ path: join(SHOTS, '6-wallet-window.png') });
    await wallet.getByRole('button', { name: 'Sign and pay' }).click();
    await panel.locator('ul.tree li').first().waitFor({ timeout: 60_000 });
    assert.match((await panel.locator('[role="status"]').first().textContent()) ?? '', /Order placed/);
    say('a page on another site sold the lamp through the embedded widget; the wallet window signed');
    assert.deepEqual(errors, [], errors.join('\n'));
  } finally {
    await context.close().catch(() => undefined);
    await site.close();
  }
});

test('a validator killed under the viewer: the page follows the others, the faucet and a purchase still work', async () => {
  // validator-0 serves the first relay and multiaddr the page prefers.
  const v0 = leftovers(dir).find((l) => l.includes('validator-0'));
  assert.ok(v0, `validator-0 is running:\n${leftovers(dir).join('\n')}`);
  const before = BigInt((await page.getAttribute('#wallet-card', 'data-balance')) ?? '0');
  const height = Number(await page.getAttribute('#lc-card', 'data-height'));
  process.kill(Number(v0.trim().split(/\s+/)[0]), 'SIGKILL');
  say(`killed validator-0 at light-client height ${height}`);
  await page.click('#wallet-faucet');
  await page.waitForFunction((min) => BigInt(document.getElementById('wallet-card')!.dataset.balance ?? '0') >= BigInt(min), String(before + 1000n * DPN), { timeout: 30_000 });
  assert.ok(Number(await page.getAttribute('#lc-card', 'data-height')) > height, 'the light client verified new heads without validator-0');

  await pauseAt(page, 1);
  await page.locator('dip-shoppable-video .hotspot[data-id="lamp"]').click();
  const panel = page.locator('dip-product-panel');
  await panel.locator('.price').waitFor({ timeout: 30_000 });
  await panel.getByRole('button', { name: 'Buy' }).click();
  for (const [k, v] of Object.entries({ name: 'Ada Viewer', address: '1 Film Street, Lyon', postcode: '69001', country: 'France', email: 'ada@example.org' })) {
    await panel.locator(`input[name="${k}"]`).fill(v);
  }
  await panel.getByRole('button', { name: 'Review order' }).click();
  await panel.getByRole('button', { name: 'Sign and pay' }).click();
  await panel.locator('ul.tree li').first().waitFor({ timeout: 60_000 });
  assert.match((await panel.locator('[role="status"]').first().textContent()) ?? '', /Order placed/);
  say(`lamp bought with validator-0 down (light client at height ${await page.getAttribute('#lc-card', 'data-height')})`);
  noErrors('the purchase with a validator down');
});

test('Ctrl-C stops every process; a second start resumes the chain and seeds nothing', async () => {
  const first = run!.output.join('');
  const ids = [...first.matchAll(/(\w+)\s+→ product ([0-9a-f]{64})/g)].map((m) => `${m[1]}=${m[2]}`);
  assert.equal(await stopDemo(run!), 0);
  assert.deepEqual(leftovers(dir), [], 'no validator left running');
  run = await startDemo(dir, 5000);
  const again = run.output.join('');
  assert.match(again, /resuming devnet/);
  assert.match(again, /the chain already holds the demo: 0 txs sent/);
  assert.deepEqual([...again.matchAll(/(\w+)\s+→ product ([0-9a-f]{64})/g)].map((m) => `${m[1]}=${m[2]}`), ids);
  assert.equal(await stopDemo(run), 0);
  assert.deepEqual(leftovers(dir), []);
});
