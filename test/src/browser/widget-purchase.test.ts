/**
 * Buying a prop from a third-party page, in real headless Chromium: the site embeds
 * `<dip-shoppable-video>` with only attributes (chain id, pinned genesis hash, relay URL, worker
 * script) over its own `<video>`; the element starts the light client in a Web Worker and reaches
 * the chain only through it. Against a real in-process validator and relay:
 *
 * - a hotspot click opens the product panel with the verified price, "Verified at block N", and
 *   the image only because its bytes match the hash in the metadata the chain pins; the video pauses;
 * - the viewer creates a wallet in the browser, is funded, fills shipping details, sees exactly what
 *   will be signed (total, fee bound, shipping fingerprint), pays, and follows the production graph
 *   live as a producer's milestone lands;
 * - only the shipping commitment is on chain (the page gets details + salt in `dip-order-placed`);
 * - behind a relay that lies about the price, the panel refuses to show any price.
 * Any page or console error fails the test. Needs Debian's `chromium` (or CHROMIUM_PATH).
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import {
  addressOf, dpn, genesisHash, toHex, fromHex, parseAddress, templateId, parseTemplate, encodeProductParams, paramsFromJson, productId,
  ContractKey, decodeOrderRecord, type KeyPair, type TxBody,
} from '@dipnet/protocol';
import { startNet, startProxy, devKey, waitFor, type TestNet } from '../../../light-client/src/testing/devnet.ts';
import { devCommitteeKey } from '../../../bootstrap-node/src/devnet/genesis.ts';
import { shippingCommitment } from '../../../light-client/src/contracts.ts';
import axe from 'axe-core';
import { launchChromium, serveStatic, pauseAt, MAKE_VIDEO } from './harness.ts';

const CHAIN = 'dipnet-widget-buy';
const T0 = Date.now();
const say = (msg: string): void => console.log(`# [purchase +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

const sha256 = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');
const IMAGE = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 80"><rect width="120" height="80" fill="#135"/><path d="M40 10h40l15 20-10 5v35H35V35l-10-5z" fill="#2a9"/></svg>`;
const META = JSON.stringify({ description: 'Waxed cotton field jacket, as worn in episode 3.', image: 'jacket.svg', imageSha256: sha256(IMAGE) });
const SHIPPING = { name: 'Ada Viewer', address: '1 Screen Street', postcode: '10001', country: 'Korea', email: 'ada@example.test' };

let net: TestNet;
let proxy: Awaited<ReturnType<typeof startProxy>>;
let site: Awaited<ReturnType<typeof serveStatic>> | undefined;
let browser: Browser | undefined;
let page: Page;
let outDir = '';
let jacket = '';
let lining = '';
const liningMaker = devKey('widget-buy/lining');
const pageErrors: string[] = [];
const noErrors = (step: string): void => assert.deepEqual(pageErrors, [], `page errors by ${step}:\n${pageErrors.join('\n')}`);

/** Submits txs to node 0 with consecutive nonces per signer and waits until all are committed. */
async function commitAll(txs: [KeyPair, TxBody][]): Promise<void> {
  const n0 = net.nodes[0]!;
  const next = new Map<string, bigint>();
  const hashes: Uint8Array[] = [];
  const { encodeSignedTx, signTx } = await import('@dipnet/protocol');
  for (const [k, body] of txs) {
    const id = toHex(k.publicKey);
    const nonce = next.get(id) ?? net.nonce(k);
    next.set(id, nonce + 1n);
    hashes.push(await n0.submitTx(encodeSignedTx(signTx({ chainId: CHAIN, signer: k.publicKey, nonce, fee: dpn(1), body }, k.secretKey))));
  }
  await waitFor(() => hashes.every((h) => n0.txStatus(h).status === 'committed'), 20_000, 'txs to commit');
}

const page1 = (relay: string, genesis: string, id: string) => `<!doctype html><meta charset="utf-8"><title>StreamCo — Episode 3</title>
<style>body{margin:16px;font:15px system-ui,sans-serif;background:#111;color:#eee} #film{width:720px;height:405px;background:#000;display:block}</style>
<h1>StreamCo · The Atelier, episode 3</h1>
<dip-shoppable-video id="player" src="/props.json" chain-id="${CHAIN}" checkpoint="${genesis}" relay="${relay}" worker="/lc-worker.js" pause-on-open locale="en">
  <video id="film" muted playsinline></video>
</dip-shoppable-video>
<script type="module" src="/widget.js"></script>
<script type="module" src="/host.js"></script>`;

// The host's analytics: every widget event, in order (a module file: the page could run under a strict CSP).
const HOST_JS = `window.placed = []; window.events = [];
for (const t of ['dip-hotspot-click', 'dip-card-open', 'dip-purchase-request', 'dip-purchase-start', 'dip-purchase-finalised', 'dip-purchase-failed', 'dip-order-placed', 'dip-panel-close']) {
  document.addEventListener(t, (e) => {
    window.events.push(t);
    if (t === 'dip-order-placed') window.placed.push(JSON.parse(JSON.stringify(e.detail, (k, v) => typeof v === 'bigint' ? v.toString() : v)));
  });
}`;

const props = (id: string) => JSON.stringify({ version: 1, props: [{ id: 'jacket', label: 'Field jacket', product: { contract: id }, track: [{ t: 0, box: { x: 0.3, y: 0.2, w: 0.4, h: 0.6 } }] }] });

before(async () => {
  net = await startNet({ chainId: CHAIN, validators: 1, relays: 1 });
  proxy = await startProxy(net.relayUrls[0]!);
  // The lying relay changes every product record it serves (the proof then cannot match).
  proxy.tamper = (path, body) => {
    const b = body as { value?: string };
    if (path.startsWith(`/v1/state/${ContractNs()}`) && typeof b.value === 'string') b.value = b.value.slice(0, -2) + (b.value.endsWith('00') ? '01' : '00');
    return body;
  };

  // Seed with real txs: the bill-of-materials template approved by two committee members, a lining and a jacket.
  const code = new Uint8Array(await readFile(new URL('../../../protocol/templates/bill-of-materials.json', import.meta.url)));
  const bom = { code, id: templateId(code), template: parseTemplate(code) };
  const sale = devKey('sale');
  const designer = devKey('widget-buy/designer'), maker = devKey('widget-buy/maker');
  const committee = [0, 1].map(devCommitteeKey);
  await commitAll([designer, maker, liningMaker, ...committee].map((k): [KeyPair, TxBody] => [sale, { type: 'transfer', to: addressOf(k.publicKey), amount: dpn(500), memo: '' }]));
  await commitAll([[designer, { type: 'submitTemplate', code: bom.code, designerFee: dpn(1) }]]);
  await commitAll(committee.map((m): [KeyPair, TxBody] => [m, { type: 'reviewTemplate', template: bom.id, approve: true }]));
  const direct = { parts: [], guarantee: [], inspection: [], logistics: [], graceMs: 3_600_000, confirmWindowMs: 3_600_000 };
  const product = (name: string, price: bigint, params: Record<string, unknown>, uri: string, hash: string): TxBody => ({
    type: 'createProduct', template: bom.id, name, metadataUri: uri, metadataHash: fromHex(hash), price, leadTimeMs: 3n * 86_400_000n,
    params: encodeProductParams(bom.template, paramsFromJson(bom.template, params)),
  });
  lining = toHex(productId(addressOf(liningMaker.publicKey), net.nonce(liningMaker)));
  await commitAll([[liningMaker, product('Lining', dpn(20), direct, '/meta/lining.json', sha256('{}'))]]);
  jacket = toHex(productId(addressOf(maker.publicKey), net.nonce(maker)));
  await commitAll([[maker, product('Field jacket', dpn(120), { ...direct, parts: [lining] }, '/meta/jacket.json', sha256(META))]]);
  say(`seeded: jacket ${jacket.slice(0, 12)}… at height ${net.nodes[0]!.chain.head.height}`);

  outDir = await mkdtemp(join(tmpdir(), 'dipnet-purchase-'));
  await build({
    entryPoints: {
      widget: new URL('../../../widget/src/dip-shoppable-video.ts', import.meta.url).pathname,
      'lc-worker': new URL('../../../light-client/src/worker-entry.ts', import.meta.url).pathname,
    },
    outdir: outDir, bundle: true, platform: 'browser', format: 'esm', target: 'chrome120', minify: true, logLevel: 'error', write: true,
  });
  const genesis = toHex(genesisHash(net.genesis));
  const js = 'text/javascript; charset=utf-8';
  site = await serveStatic({
    '/': ['text/html; charset=utf-8', page1(net.relayUrls[0]!, genesis, jacket)],
    '/liar': ['text/html; charset=utf-8', page1(proxy.url, genesis, jacket)],
    '/widget.js': [js, await readFile(join(outDir, 'widget.js'))],
    '/lc-worker.js': [js, await readFile(join(outDir, 'lc-worker.js'))],
    '/props.json': ['application/json', props(jacket)],
    '/host.js': [js, HOST_JS],
    '/meta/jacket.json': ['application/json', META],
    '/meta/lining.json': ['application/json', '{}'],
    '/meta/jacket.svg': ['image/svg+xml', IMAGE],
    '/axe.js': ['text/javascript; charset=utf-8', axe.source],
  });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await site?.close();
  await proxy?.close();
  await net?.stop();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** The product-state namespace byte as hex, for the lying relay. */
function ContractNs(): string {
  return toHex(ContractKey.product(new Uint8Array(32))).slice(0, 2);
}

async function openPage(path: string): Promise<Page> {
  const p = await (await browser!.newContext({ viewport: { width: 900, height: 640 } })).newPage();
  p.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  p.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`worker console.error: ${m.text()}`); }));
  await p.goto(`${site!.base}${path}`);
  await p.evaluate(MAKE_VIDEO);
  await p.waitForFunction(() => document.querySelector('dip-shoppable-video')?.props.length === 1);
  await pauseAt(p, 1);
  return p;
}

/** The panel's rendered text (its shadow root's children; a host's innerText leaves shadow content out). */
const panelText = (p: Page): Promise<string> =>
  p.locator('dip-product-panel').evaluate((el) => Array.from(el.shadowRoot!.children, (c) => (c as HTMLElement).innerText ?? c.textContent ?? '').join('\n'));

/** Waits for a locator; on timeout, says what the panel showed and what the page logged. */
async function waitShown(p: Page, l: ReturnType<Page['locator']>, timeout = 30_000): Promise<void> {
  try {
    await l.waitFor({ timeout });
  } catch (e) {
    const text = await p.evaluate(() => {
      const el = document.querySelector('dip-shoppable-video');
      const panel = el?.shadowRoot?.querySelector('dip-product-panel');
      return `shop=${Boolean((el as unknown as { shop: unknown })?.shop)} panel=${panel ? panel.shadowRoot?.textContent : 'none'}`;
    }).catch((err: unknown) => `(evaluate failed: ${String(err)})`);
    throw new Error(`${(e as Error).message.split('\n')[0]}\npanel: ${text.replace(/\s+/g, ' ')}\npage errors: ${pageErrors.join(' | ')}`);
  }
}

test('a viewer buys the jacket from the product panel and follows its production', async () => {
  page = await openPage('/');
  await page.evaluate(() => (document.getElementById('film') as HTMLVideoElement).play());
  await page.locator('dip-shoppable-video button[part~="hotspot"][data-id="jacket"]').click();
  const panel = page.locator('dip-product-panel');
  await waitShown(page, panel.locator('.price'));
  const card = await panelText(page);
  say(`card: ${card.replace(/\s+/g, ' ')}`);
  assert.match(card, /Field jacket/);
  assert.match(card, /120 DPN/);
  assert.match(card, /Verified at block \d+/);
  assert.match(card, /3 days/);
  assert.equal(await page.evaluate(() => (document.getElementById('film') as HTMLVideoElement).paused), true, 'pause-on-open paused the video');
  await panel.locator('img[src^="blob:"]').waitFor({ timeout: 10_000 });
  assert.match(card + (await panelText(page)), /Waxed cotton/, 'the verified description is shown');

  await panel.getByRole('button', { name: 'Buy' }).click();
  for (const [k, v] of Object.entries(SHIPPING)) await panel.locator(`input[name="${k}"]`).fill(v);
  await panel.locator('select[name="quantity"]').selectOption('1');
  await panel.getByRole('button', { name: 'Review order' }).click();
  await panel.getByRole('button', { name: 'Create a wallet' }).click();
  await panel.locator('dd code[title^="dpn"]').waitFor();
  const address = await panel.locator('dd code[title^="dpn"]').getAttribute('title');
  assert.ok(address);
  const confirm = await panelText(page);
  say(`confirm: ${confirm.replace(/\s+/g, ' ')}`);
  assert.match(confirm, /121 DPN/, 'the total: price + designer fee');
  assert.match(confirm, /Your balance is too low/);
  const fingerprint = await panel.locator('dd code[title]:not([title^="dpn"])').getAttribute('title');
  assert.match(fingerprint ?? '', /^[0-9a-f]{64}$/, 'the shipping fingerprint is shown before signing');

  // Funds arrive (a faucet in a real deployment); the panel notices on its own.
  await commitAll([[devKey('sale'), { type: 'transfer', to: parseAddress(address), amount: dpn(200), memo: '' }]]);
  const pay = panel.getByRole('button', { name: 'Sign and pay' });
  await page.waitForFunction(() => {
    const b = document.querySelector('dip-shoppable-video')?.shadowRoot?.querySelector('dip-product-panel')?.shadowRoot?.querySelector('button.primary') as HTMLButtonElement | null;
    return b && !b.disabled && b.textContent?.includes('Sign and pay');
  }, undefined, { timeout: 20_000 });
  await pay.click();
  await panel.locator('ul.tree li').nth(1).waitFor({ timeout: 30_000 });
  const tracking = await panelText(page);
  say(`tracking: ${tracking.replace(/\s+/g, ' ')}`);
  assert.match(tracking, /Order placed/);
  assert.match(tracking, /Part · Lining/);

  // The page got the off-chain details and salt; the chain has only their commitment.
  const placed = await page.evaluate(() => (window as unknown as { placed: { orderId: string; commitment: string; salt: string; shipping: Record<string, string> }[] }).placed);
  assert.equal(placed.length, 1);
  const order = decodeOrderRecord(net.nodes[0]!.chain.store.getValue(ContractKey.order(fromHex(placed[0]!.orderId)))!);
  assert.equal(toHex(order.shipping), placed[0]!.commitment);
  assert.equal(toHex(shippingCommitment(placed[0]!.shipping, fromHex(placed[0]!.salt))), placed[0]!.commitment);
  assert.deepEqual(placed[0]!.shipping, SHIPPING);

  // A producer's milestone lands; the graph in the panel follows without a reload.
  const liningOrder = toHex(order.children[0]!);
  await commitAll([[liningMaker, { type: 'fireTransition', order: fromHex(liningOrder), transition: 'finish', args: new Uint8Array() }]]);
  await page.waitForFunction((id) => {
    const li = document.querySelector('dip-shoppable-video')?.shadowRoot?.querySelector('dip-product-panel')?.shadowRoot?.querySelector(`li[data-order="${id}"]`);
    return li?.textContent?.includes('Ready');
  }, liningOrder, { timeout: 20_000 });
  assert.match(await panelText(page), /Tracking|Production: In production/);
  await page.screenshot({ path: join(tmpdir(), 'dipnet-widget-purchase.png') });

  // axe finds nothing wrong in the open dialog.
  await page.addScriptTag({ url: `${site!.base}/axe.js` });
  const violations = await page.evaluate(async () => {
    const a = (window as unknown as { axe: typeof axe }).axe;
    const res = await a.run(document.querySelector('dip-shoppable-video')!);
    return res.violations.map((x) => `${x.id}: ${x.help} — ${x.nodes.map((n) => JSON.stringify(n.target)).join('; ')}`);
  });
  assert.deepEqual(violations, [], 'axe violations with the panel open');

  // Every step told the host, in order; Esc closes the dialog and hands focus back to the hotspot.
  const events = await page.evaluate(() => (window as unknown as { events: string[] }).events);
  assert.deepEqual(events.filter((e, i) => events.indexOf(e) === i),
    ['dip-hotspot-click', 'dip-card-open', 'dip-purchase-request', 'dip-purchase-start', 'dip-order-placed', 'dip-purchase-finalised']);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('dip-shoppable-video')?.shadowRoot?.querySelector('dip-product-panel'));
  const focused = await page.evaluate(() => (document.querySelector('dip-shoppable-video')!.shadowRoot!.activeElement as HTMLElement | null)?.dataset.id);
  assert.equal(focused, 'jacket', 'focus returned to the hotspot that opened the dialog');
  noErrors('the purchase');
});

test('keyboard only: the whole purchase without a pointer, focus kept inside the dialog', async () => {
  const kb = await openPage('/');
  // Tab from the page start to the hotspot, Enter opens the dialog with focus inside.
  await kb.keyboard.press('Tab');
  for (let i = 0; i < 5; i++) {
    const id = await kb.evaluate(() => (document.querySelector('dip-shoppable-video')!.shadowRoot!.activeElement as HTMLElement | null)?.dataset.id);
    if (id === 'jacket') break;
    await kb.keyboard.press('Tab');
  }
  await kb.keyboard.press('Enter');
  const panel = kb.locator('dip-product-panel');
  await waitShown(kb, panel.locator('.price'));
  const inPanel = () => kb.evaluate(() => {
    const p = document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelector('dip-product-panel')!;
    return (p.shadowRoot!.activeElement as HTMLElement | null)?.textContent?.trim() ?? null;
  });
  assert.equal(await inPanel(), 'Buy', 'focus moved into the dialog, on its action');
  // Tab cycles within the dialog (✕ and Buy), never back to the page.
  for (let i = 0; i < 4; i++) {
    await kb.keyboard.press('Tab');
    assert.ok(await inPanel(), `Tab ${i + 1} stays in the dialog`);
  }
  while ((await inPanel()) !== 'Buy') await kb.keyboard.press('Tab');
  await kb.keyboard.press('Enter');
  // The form: quantity first, then the shipping fields.
  await kb.keyboard.press('Tab');
  for (const v of Object.values(SHIPPING)) {
    await kb.keyboard.type(v);
    await kb.keyboard.press('Tab');
  }
  while ((await inPanel()) !== 'Review order') await kb.keyboard.press('Tab');
  await kb.keyboard.press('Enter');
  await waitShown(kb, panel.getByRole('button', { name: 'Create a wallet' }));
  assert.equal(await inPanel(), 'Create a wallet');
  await kb.keyboard.press('Enter');
  await waitShown(kb, panel.locator('dd code[title^="dpn"]'));
  const address = (await panel.locator('dd code[title^="dpn"]').getAttribute('title'))!;
  await commitAll([[devKey('sale'), { type: 'transfer', to: parseAddress(address), amount: dpn(200), memo: '' }]]);
  await kb.waitForFunction(() => {
    const b = document.querySelector('dip-shoppable-video')?.shadowRoot?.querySelector('dip-product-panel')?.shadowRoot?.querySelector('button.primary') as HTMLButtonElement | null;
    return b && !b.disabled && b.textContent?.includes('Sign and pay');
  }, undefined, { timeout: 20_000 });
  while ((await inPanel()) !== 'Sign and pay') await kb.keyboard.press('Tab');
  await kb.keyboard.press('Enter');
  await waitShown(kb, panel.locator('ul.tree li').nth(1));
  assert.match(await panelText(kb), /Order placed/);
  noErrors('the keyboard-only purchase');
});

test('behind a lying relay the panel shows no price', async () => {
  const liar = await openPage('/liar');
  await liar.locator('dip-shoppable-video button[part~="hotspot"][data-id="jacket"]').click();
  const panel = liar.locator('dip-product-panel');
  await waitShown(liar, panel.locator('p.warn[role="alert"]'));
  const text = await panelText(liar);
  say(`liar: ${text.replace(/\s+/g, ' ')}`);
  assert.match(text, /could not be verified/);
  assert.doesNotMatch(text, /DPN/, 'no price from an unverifiable answer');
  // The widget's verification failures are reported in the panel, not as page errors.
  noErrors('the lying relay');
});
