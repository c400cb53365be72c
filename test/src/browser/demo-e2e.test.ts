/**
 * The issue's end to end, on `npm start`'s real orchestrator (demo-player/scripts/start.ts) in a
 * fresh temp directory on free ports (always cleaned up), in real headless Chromium:
 *
 *   studio → annotate a NEW prop (the chair, starting from no tracks) with a box at two keyframes →
 *   make its product contract from the bill-of-materials template through the studio's form
 *   (inspection and courier picked from verified products; signed in the browser with the studio's
 *   devnet key, funded by the faucet) → export the annotations and hand them to the viewer
 *   (`/?annotations=studio`, localStorage; see demo-player/src/studio/handoff.ts) → between the two
 *   keyframes the hotspot is over the interpolated box (within 2% of the video size) → buy through
 *   the product panel → the explorer draws the order graph → the producer's, the carrier's and the
 *   inspector's milestones, fired by this test through the `dipnet order fire` CLI with their devnet
 *   keys, take it to delivered and settled, and the explorer's picture follows live.
 *
 * Also: the devnet finalises blocks (the viewer page is served, the height increases). Screenshots
 * of the three pages go to <os tmpdir>/dipnet-demo-e2e (not committed). Any page or console error fails.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, pauseAt } from './harness.ts';
import { ROOT, startDemo, stopDemo, leftovers, type Run } from './demo-run.ts';

const T0 = Date.now();
const say = (msg: string): void => console.log(`# [demo-e2e +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);
const DIPNET = join(ROOT, 'bootstrap-node/bin/dipnet.js');
const SHOTS = join(tmpdir(), 'dipnet-demo-e2e');
const DPN = 1_000_000_000n;
const FPS = 25;
/** The chair's ground truth (demo-player/src/scene/scene.ts): sliding in from the right, frames 214 → 225. */
const KF = [
  { frame: 214, box: { x: 0.85125, y: 0.4861111, w: 0.1484375, h: 0.4166667 } },
  { frame: 225, box: { x: 0.8203125, y: 0.4861111, w: 0.1484375, h: 0.4166667 } },
] as const;
const CHECK_TIME = 8.8; // frame 220: between the two keyframes

interface DemoConfig { relays: string[]; genesisHash: string; studio?: { devKey: string; secretKey: string; pin: string } }

let dir = '';
let run: Run | undefined;
let browser: Browser | undefined;
let ctx: BrowserContext;
let config: DemoConfig;
let relay = '';
let startHeight = 0n;
const pageErrors: string[] = [];
const noErrors = (step: string): void => assert.deepEqual(pageErrors, [], `page errors by ${step}:\n${pageErrors.join('\n')}`);

/** The `dipnet` CLI (real process, proof-checked reads, signed txs); resolves with its JSON output. */
async function dipnet(...args: string[]): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [DIPNET, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => { out += String(b); });
  child.stderr!.on('data', (b: Buffer) => { err += String(b); });
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  assert.equal(code, 0, `dipnet ${args.join(' ')} exited ${code}:\n${out}\n${err}`);
  try {
    return JSON.parse(out) as Record<string, unknown>;
  } catch {
    return { text: out };
  }
}

const height = async (): Promise<bigint> => BigInt(((await (await fetch(`${relay}/v1/status`)).json()) as { height: string }).height);
const relayGet = async <T>(path: string): Promise<T> => (await (await fetch(relay + path)).json()) as T;

function watch(p: Page): void {
  p.on('pageerror', (e) => pageErrors.push(`pageerror (${p.url()}): ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dipnet-e2e-'));
  await mkdir(SHOTS, { recursive: true });
  run = await startDemo(dir, 2000);
  config = (await (await fetch(new URL('/demo-config.json', run.url))).json()) as DemoConfig;
  relay = config.relays[0]!;
  startHeight = await height();
  say(`demo up at ${run.url} (data in ${dir}), height ${startHeight}`);
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  ctx.on('page', watch);
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

let studio: Page;
let viewer: Page;
let explorer: Page;
let chairProduct = '';
let exported = '';
let orderId = '';

test('the studio annotates a new prop, makes its product contract in the browser and exports it', async () => {
  studio = await ctx.newPage();
  await studio.goto(`${run!.url}studio.html?annotations=`);
  await studio.waitForFunction(() => customElements.get('dip-studio') !== undefined);
  await studio.evaluate(() => document.querySelector('dip-studio')!.ready);
  await studio.waitForSelector('dip-studio-chain[data-state="synced"]', { timeout: 30_000 });
  assert.equal(await studio.evaluate(() => document.querySelector('dip-studio')!.tracks.length), 0, 'starts with no tracks');

  // A box at two keyframes, drawn with the mouse.
  const overlay = async () => (await studio.locator('dip-studio .overlay').boundingBox())!;
  const seek = async (f: number) => {
    await studio.evaluate((fr) => document.querySelector('dip-studio')!.seekFrame(fr), f);
    await studio.waitForFunction((fr) => {
      const s = document.querySelector('dip-studio')!;
      const v = s.shadowRoot!.querySelector('video')!;
      return s.frame === fr && !v.seeking && Math.abs(v.currentTime - fr / 25) < 1e-3;
    }, f);
  };
  const drag = async (b: { x: number; y: number; w: number; h: number }, shift: boolean) => {
    const r = await overlay();
    if (shift) await studio.keyboard.down('Shift');
    await studio.mouse.move(r.x + b.x * r.width, r.y + b.y * r.height);
    await studio.mouse.down();
    await studio.mouse.move(r.x + (b.x + b.w / 2) * r.width, r.y + (b.y + b.h / 2) * r.height, { steps: 4 });
    await studio.mouse.move(r.x + (b.x + b.w) * r.width, r.y + (b.y + b.h) * r.height, { steps: 4 });
    await studio.mouse.up();
    if (shift) await studio.keyboard.up('Shift');
  };
  await seek(KF[0].frame);
  await drag(KF[0].box, false);
  await seek(KF[1].frame);
  await drag(KF[1].box, true);
  await studio.locator('dip-studio input[name="id"]').fill('chair');
  await studio.locator('dip-studio input[name="id"]').press('Enter');
  await studio.locator('dip-studio input[name="label"]').fill('Oak chair');
  await studio.locator('dip-studio input[name="label"]').press('Enter');
  const tracks = await studio.evaluate(() => JSON.parse(JSON.stringify(document.querySelector('dip-studio')!.tracks)) as { id: string; keyframes: { frame: number; box: { x: number; y: number; w: number; h: number } }[] }[]);
  assert.equal(tracks.length, 1);
  assert.equal(tracks[0]!.id, 'chair');
  assert.deepEqual(tracks[0]!.keyframes.map((k) => k.frame), [KF[0].frame, KF[1].frame]);
  for (const [i, k] of tracks[0]!.keyframes.entries()) {
    for (const c of ['x', 'y', 'w', 'h'] as const) assert.ok(Math.abs(k.box[c] - KF[i]!.box[c]) < 0.004, `keyframe ${i} ${c}: ${k.box[c]} vs ${KF[i]!.box[c]}`);
  }
  say(`drew the chair at frames ${KF[0].frame} and ${KF[1].frame}`);

  // The chain-backed validateProduct: an unknown id is "no such product contract".
  const productField = studio.locator('dip-studio input[name="product"]');
  await productField.fill('ab'.repeat(32));
  await productField.press('Enter');
  await studio.waitForFunction(() => /no such product contract/.test(document.querySelector('dip-studio')!.shadowRoot!.querySelector('#product-state')?.textContent ?? ''), undefined, { timeout: 20_000 });
  assert.ok((await studio.evaluate(() => document.querySelector('dip-studio')!.errors.map((e) => e.message))).some((m) => /no such product contract \(proven absent at block \d+\)/.test(m)));

  // The studio's wallet: the devnet studio key, funded by the faucet; the balance is the proven one.
  const panel = studio.locator('dip-studio-chain');
  await panel.getByRole('button', { name: 'Use devnet studio key' }).click();
  await studio.waitForSelector('dip-studio-chain #wallet[data-address^="dpn"]', { timeout: 15_000 });
  await panel.getByRole('button', { name: 'Get test DPN' }).click();
  await studio.waitForFunction(() => BigInt(document.querySelector('dip-studio-chain')!.shadowRoot!.querySelector<HTMLElement>('#wallet')!.dataset.balance || '0') > 0n, undefined, { timeout: 30_000 });
  say('studio wallet funded');

  // The verified product list names the seeded courier and inspection; link them through the form's pickers.
  const products = await relayGet<{ products: { id: string; name: string; templateName: string }[] }>('/v1/products?limit=100');
  const courier = products.products.find((p) => p.name === 'Courier')!.id;
  const inspection = products.products.find((p) => p.name === 'Quality check')!.id;
  await studio.waitForSelector(`dip-studio-chain li[data-product="${courier}"] .verified`, { timeout: 30_000 });
  await panel.getByRole('button', { name: 'Make a new product contract…' }).click();
  await studio.waitForSelector('dip-studio-chain input[name="param-graceMs"]', { timeout: 15_000 });
  assert.match(await panel.locator('select[name="template"] option:checked').textContent() ?? '', /bill-of-materials/);
  await panel.locator('input[name="name"]').fill('Oak chair');
  await panel.locator('input[name="price"]').fill('80');
  await panel.locator('input[name="leadTime"]').fill('10d');
  await panel.locator('textarea[name="description"]').fill('Solid oak chair with a red oil finish, made to order.');
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#f3efe7"/><rect x="18" y="8" width="6" height="48" fill="#b5523b"/><rect x="18" y="32" width="30" height="6" fill="#8f3f2c"/><rect x="42" y="32" width="6" height="24" fill="#b5523b"/></svg>';
  await panel.locator('input[name="image"]').setInputFiles({ name: 'chair.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) });
  await panel.locator('select[name="param-inspection-pick"]').selectOption(inspection);
  await panel.locator('select[name="param-logistics-pick"]').selectOption(courier);
  await panel.locator('input[name="param-graceMs"]').fill('1h');
  await panel.locator('input[name="param-confirmWindowMs"]').fill('10m');
  // A bad value is caught by the typed form before anything is signed.
  await panel.locator('input[name="param-parts"]').fill('not-a-product');
  await panel.getByRole('button', { name: 'Sign and create product' }).click();
  await studio.waitForSelector('dip-studio-chain #err-param-parts', { timeout: 5_000 });
  await panel.locator('input[name="param-parts"]').fill('');
  await panel.getByRole('button', { name: 'Sign and create product' }).click();
  const created = studio.locator('dip-studio-chain [data-created]');
  await created.waitFor({ timeout: 60_000 });
  chairProduct = (await created.getAttribute('data-created'))!;
  assert.match(chairProduct, /^[0-9a-f]{64}$/);
  say(`created product ${chairProduct.slice(0, 16)}… in the browser`);
  await studio.waitForFunction((id) => document.querySelector('dip-studio')!.tracks[0]!.product === id, chairProduct);
  await studio.waitForSelector(`dip-studio-chain [data-testid="linked"][data-product="${chairProduct}"]`, { timeout: 20_000 });
  await studio.waitForFunction(() => document.querySelector('dip-studio')!.errors.length === 0 && !document.querySelector('dip-studio')!.checkingProducts, undefined, { timeout: 20_000 });

  // The chain holds it as made: a proof-checked read by the CLI.
  const shown = await dipnet('product', 'show', chairProduct, '--relay', relay);
  assert.equal(shown.name, 'Oak chair');
  assert.equal(shown.templateName, 'bill-of-materials');
  assert.equal(shown.price, '80');
  assert.deepEqual((shown.params as { logistics: string[]; inspection: string[] }).logistics, [courier]);
  assert.deepEqual((shown.params as { logistics: string[]; inspection: string[] }).inspection, [inspection]);
  assert.match(String(shown.metadataUri), /^\/pinned\/[0-9a-f]{64}$/);
  const keyInfo = await dipnet('keys', 'devnet', config.studio!.devKey, '--key', join(dir, 'studio.key'));
  assert.equal(shown.producer, keyInfo.address, "the studio key is the producer");

  await studio.evaluate(() => document.querySelector('dip-studio')!.seekFrame(220));
  await studio.waitForTimeout(300);
  await studio.screenshot({ path: join(SHOTS, '1-studio.png'), fullPage: true });

  // Export JSON (a download), then hand the same export to the viewer.
  const [download] = await Promise.all([studio.waitForEvent('download'), studio.locator('dip-studio').getByRole('button', { name: 'Export JSON' }).click()]);
  exported = await readFile((await download.path())!, 'utf8');
  const doc = JSON.parse(exported) as { props: { id: string; product: { contract: string } }[] };
  assert.deepEqual(doc.props.map((p) => [p.id, p.product.contract]), [['chair', chairProduct]]);
  const [popup] = await Promise.all([ctx.waitForEvent('page'), studio.locator('dip-studio').getByRole('button', { name: /Watch in the viewer/ }).click()]);
  viewer = popup;
  assert.equal(await studio.evaluate(() => localStorage.getItem('dipnet.studio.annotations')), exported, 'the viewer gets exactly the export');
  noErrors('studio');
});

test('the viewer plays the studio\'s track: the hotspot follows the interpolated box; the chair is bought', async () => {
  assert.ok(viewer, 'needs the studio test');
  await viewer.waitForLoadState();
  assert.match(viewer.url(), /\/\?annotations=studio$/);
  await viewer.waitForSelector('dip-shoppable-video[data-annotations="studio"]');
  await viewer.waitForSelector('#lc-card[data-state="synced"]', { timeout: 30_000 });

  await viewer.click('#wallet-create');
  await viewer.waitForSelector('#wallet-card[data-address^="dpn"]', { timeout: 15_000 });
  await viewer.click('#wallet-faucet');
  await viewer.waitForFunction((min) => BigInt(document.getElementById('wallet-card')!.dataset.balance ?? '0') >= BigInt(min), String(1000n * DPN), { timeout: 30_000 })
    .catch(async (e: unknown) => {
      await viewer.screenshot({ path: join(SHOTS, 'fail-viewer-wallet.png') });
      throw new Error(`${(e as Error).message}; wallet says: ${await viewer.textContent('#wallet-status')}; balance ${await viewer.getAttribute('#wallet-card', 'data-balance')}`);
    });

  await pauseAt(viewer, CHECK_TIME);
  const g = await viewer.evaluate(() => {
    const el = document.querySelector('dip-shoppable-video')!;
    const b = el.shadowRoot!.querySelector('button[part~="hotspot"][data-id="chair"]');
    const v = document.getElementById('film') as HTMLVideoElement;
    const r = b?.getBoundingClientRect();
    const vr = v.getBoundingClientRect();
    return { hotspot: r ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : null, others: el.shadowRoot!.querySelectorAll('button[part~="hotspot"]').length, video: { x: vr.x, y: vr.y, w: vr.width, h: vr.height, vw: v.videoWidth, vh: v.videoHeight }, t: v.currentTime };
  });
  assert.ok(g.hotspot, 'the chair hotspot is shown');
  assert.equal(g.others, 1, 'only the studio\'s track is on the viewer');
  // Independently: the box interpolated between the two keyframes, in the letterboxed content rect.
  const f = g.t * FPS;
  const a = (f - KF[0].frame) / (KF[1].frame - KF[0].frame);
  const lerp = (k: 'x' | 'y' | 'w' | 'h') => KF[0].box[k] + (KF[1].box[k] - KF[0].box[k]) * a;
  const scale = Math.min(g.video.w / g.video.vw, g.video.h / g.video.vh);
  const cw = g.video.vw * scale;
  const ch = g.video.vh * scale;
  const cx = g.video.x + (g.video.w - cw) / 2 + (lerp('x') + lerp('w') / 2) * cw;
  const cy = g.video.y + (g.video.h - ch) / 2 + (lerp('y') + lerp('h') / 2) * ch;
  const dx = Math.abs(g.hotspot.x - cx) / cw;
  const dy = Math.abs(g.hotspot.y - cy) / ch;
  say(`t=${g.t.toFixed(3)} (frame ${f.toFixed(1)}): hotspot (${g.hotspot.x.toFixed(1)}, ${g.hotspot.y.toFixed(1)}) vs interpolated centre (${cx.toFixed(1)}, ${cy.toFixed(1)}): ${(dx * 100).toFixed(2)}% / ${(dy * 100).toFixed(2)}%`);
  assert.ok(f > KF[0].frame && f < KF[1].frame, 'between the keyframes');
  assert.ok(dx <= 0.02 && dy <= 0.02, `within 2% of the video size (${dx}, ${dy})`);

  await viewer.locator('dip-shoppable-video button[part~="hotspot"][data-id="chair"]').click();
  const panel = viewer.locator('dip-product-panel');
  await panel.locator('.price').waitFor({ timeout: 30_000 });
  assert.match((await panel.locator('h2').textContent()) ?? '', /Oak chair/);
  assert.match((await panel.locator('.price').textContent()) ?? '', /^80\s*DPN$/);
  assert.match((await panel.locator('.verified').first().textContent()) ?? '', /^Verified at block \d+ · \d+ (s|min) ago$/);
  await panel.getByRole('button', { name: 'Buy' }).click();
  await panel.locator('input[name="name"]').fill('Ada Viewer');
  await panel.locator('input[name="address"]').fill('1 Film Street, Lyon');
  await panel.locator('input[name="postcode"]').fill('69001');
  await panel.locator('input[name="country"]').fill('France');
  await panel.locator('input[name="email"]').fill('ada@example.org');
  await panel.getByRole('button', { name: 'Review order' }).click();
  await panel.getByRole('heading', { name: 'Confirm and sign' }).waitFor({ timeout: 15_000 });
  await panel.getByRole('button', { name: 'Sign and pay' }).click();
  await panel.locator('ul.tree li').nth(2).waitFor({ timeout: 60_000 });
  const li = viewer.locator('#orders li[data-order]').first();
  await li.waitFor({ timeout: 20_000 });
  orderId = (await li.getAttribute('data-order'))!;
  assert.match(orderId, /^[0-9a-f]{64}$/);
  say(`ordered the chair: ${orderId.slice(0, 16)}…`);
  await viewer.screenshot({ path: join(SHOTS, '2-viewer.png') });
  noErrors('purchase');
});

test('the explorer shows the order graph; the milestones take it to delivered and settled, live', async () => {
  assert.ok(orderId, 'needs the purchase');
  explorer = await ctx.newPage();
  await explorer.goto(`${run!.url}explorer.html#/order/${orderId}`);
  await explorer.waitForFunction(() => document.querySelectorAll('svg.twin-svg g.node').length === 3, undefined, { timeout: 30_000 });
  const rootNode = `svg.twin-svg g.node[data-order-id="${orderId}"]`;
  await explorer.waitForSelector(`${rootNode}[data-state="producing"]`, { timeout: 20_000 });
  await explorer.screenshot({ path: join(SHOTS, '3-explorer-ordered.png') });

  // The sub-orders, by tag (relay hints; the CLI proof-checks the order it fires on).
  const root = await relayGet<{ order: { children: string[] } }>(`/v1/orders/${orderId}`);
  const tags = new Map<string, string>();
  for (const c of root.order.children) tags.set((await relayGet<{ order: { tag: string } }>(`/v1/orders/${c}`)).order.tag, c);
  assert.deepEqual([...tags.keys()].sort(), ['inspect', 'ship']);
  const keys = { studio: join(dir, 'studio.key'), carrier: join(dir, 'carrier.key'), inspector: join(dir, 'inspector.key') };
  await dipnet('keys', 'devnet', 'demo/carrier', '--key', keys.carrier);
  await dipnet('keys', 'devnet', 'demo/inspector', '--key', keys.inspector);
  const fire = (order: string, transition: string, key: string) => dipnet('order', 'fire', order, transition, '--key', key, '--relay', relay, '--wait');

  await fire(orderId, 'finish', keys.studio); // the studio's key made the product: it is the producer
  await explorer.waitForSelector(`${rootNode}[data-state="ready"]`, { timeout: 20_000 });
  await fire(tags.get('ship')!, 'pickup', keys.carrier);
  await fire(tags.get('ship')!, 'deliver', keys.carrier);
  await explorer.waitForSelector(`${rootNode}[data-state="delivered"]`, { timeout: 20_000 });
  say('delivered (the explorer shows it)');
  await explorer.screenshot({ path: join(SHOTS, '4-explorer-delivered.png') });
  await fire(tags.get('inspect')!, 'pass', keys.inspector);
  await explorer.waitForSelector(`${rootNode}[data-status="settled"]`, { timeout: 20_000 });
  for (const id of tags.values()) await explorer.waitForSelector(`svg.twin-svg g.node[data-order-id="${id}"][data-status="settled"]`, { timeout: 20_000 });
  say('settled: every node of the picture');
  await explorer.screenshot({ path: join(SHOTS, '5-explorer-settled.png'), fullPage: true });
  const shown = await dipnet('order', 'show', orderId, '--relay', relay);
  assert.equal(shown.status, 'settled');
  assert.equal(shown.escrow, '0');
  noErrors('explorer');
});

test('the orchestrator\'s devnet finalises blocks and serves the viewer page', async () => {
  const page = await fetch(run!.url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /dip-shoppable-video/);
  const h = await height();
  say(`height ${startHeight} → ${h}`);
  assert.ok(h > startHeight, `the height increased (${startHeight} → ${h})`);
  noErrors('end');
});
