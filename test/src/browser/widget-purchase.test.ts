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
 * - behind a relay that lies about the price, the panel refuses to show any price and says which
 *   relay it no longer trusts and why; a relay that lied and recovered is trusted again after its
 *   backoff ("Try again").
 * The page sends a strict Content-Security-Policy (no inline script or style, no eval). Any page or
 * console error (a CSP violation included) fails the test. Needs Debian's `chromium` (or CHROMIUM_PATH).
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import axe from 'axe-core';
import { addressOf, dpn, toHex, fromHex, parseAddress, ContractKey, decodeOrderRecord } from '@dipnet/protocol';
import { devKey } from '@dipnet/bootstrap-node';
import { shippingCommitment } from '@dipnet/light-client/contracts';
import { launchChromium, pauseAt, MAKE_VIDEO } from './harness.ts';
import { startShopSite, SHIPPING, type ShopSite } from './shop-site.ts';

const CHAIN = 'dipnet-widget-buy';
const T0 = Date.now();
const say = (msg: string): void => console.log(`# [purchase +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

let shop: ShopSite;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];
const noErrors = (step: string): void => assert.deepEqual(pageErrors, [], `page errors by ${step}:\n${pageErrors.join('\n')}`);
const commitAll: ShopSite['commitAll'] = (txs) => shop.commitAll(txs);

before(async () => {
  shop = await startShopSite(CHAIN);
  say(`seeded: jacket ${shop.jacket.slice(0, 12)}… at height ${shop.net.nodes[0]!.chain.head.height}`);
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await shop?.close();
});

async function openPage(path: string): Promise<Page> {
  const p = await (await browser!.newContext({ viewport: { width: 900, height: 640 } })).newPage();
  p.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  p.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`worker console.error: ${m.text()}`); }));
  await p.goto(`${shop.base}${path}`);
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
  const order = decodeOrderRecord(shop.net.nodes[0]!.chain.store.getValue(ContractKey.order(fromHex(placed[0]!.orderId)))!);
  assert.equal(toHex(order.shipping), placed[0]!.commitment);
  assert.equal(toHex(shippingCommitment(placed[0]!.shipping, fromHex(placed[0]!.salt))), placed[0]!.commitment);
  assert.deepEqual(placed[0]!.shipping, SHIPPING);

  // A producer's milestone lands; the graph in the panel follows without a reload.
  const liningOrder = toHex(order.children[0]!);
  await commitAll([[shop.liningMaker, { type: 'fireTransition', order: fromHex(liningOrder), transition: 'finish', args: new Uint8Array() }]]);
  await page.waitForFunction((id) => {
    const li = document.querySelector('dip-shoppable-video')?.shadowRoot?.querySelector('dip-product-panel')?.shadowRoot?.querySelector(`li[data-order="${id}"]`);
    return li?.textContent?.includes('Ready');
  }, liningOrder, { timeout: 20_000 });
  assert.match(await panelText(page), /Tracking|Production: In production/);
  await page.screenshot({ path: join(tmpdir(), 'dipnet-widget-purchase.png') });

  // axe finds nothing wrong in the open dialog.
  await page.addScriptTag({ url: `${shop.base}/axe.js` });
  const violations = await page.evaluate(async () => {
    const a = (window as unknown as { axe: typeof axe }).axe;
    const res = await a.run(document.querySelector('dip-shoppable-video')!);
    return res.violations.map((x) => `${x.id}: ${x.help} — ${x.nodes.map((n) => JSON.stringify(n.target)).join('; ')}`);
  });
  assert.deepEqual(violations, [], 'axe violations with the panel open');

  // Every step told the host, in order (a relay's hints come whenever it answers: informational only);
  // Esc closes the dialog and hands focus back to the hotspot.
  const events = (await page.evaluate(() => (window as unknown as { events: string[] }).events)).filter((e) => e !== 'dip-purchase-hint');
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
  await waitShown(liar, panel.locator('ul.sources li'));
  const text = await panelText(liar);
  say(`liar: ${text.replace(/\s+/g, ' ')}`);
  assert.match(text, /could not be verified/);
  assert.doesNotMatch(text, /DPN/, 'no price from an unverifiable answer');
  assert.match(text, /Not trusted: http:\/\/127\.0\.0\.1:\d+ served data that failed verification \(LC_PROOF_INVALID\); asked again in \d+ s/, 'the panel says which source was written off and why');
  // The widget's verification failures are reported in the panel, not as page errors.
  noErrors('the lying relay');
});

test('a relay that lied and then recovered is trusted again: "Try again" shows the verified price', async () => {
  shop.flaky.lying = true;
  const p = await openPage('/flaky');
  await p.locator('dip-shoppable-video button[part~="hotspot"][data-id="jacket"]').click();
  const panel = p.locator('dip-product-panel');
  await waitShown(p, panel.locator('ul.sources li'));
  assert.match(await panelText(p), /Not trusted: .*\(LC_PROOF_MALFORMED\); asked again in \d+ s/);
  assert.doesNotMatch(await panelText(p), /DPN/);
  shop.flaky.lying = false;
  // An undecodable answer is backed off for ~5 s (a proof that fails its check: ~30 s).
  await p.waitForTimeout(7_000);
  await panel.locator('button', { hasText: 'Try again' }).click();
  await waitShown(p, panel.getByText(/Verified at block \d+/));
  assert.match(await panelText(p), /120 DPN/);
  noErrors('the recovered relay');
});

test('a relay that freezes the head: the card says how old the verified block is, then that it is stale, and buying waits until a newer block is verified', async () => {
  // The chain keeps making blocks (with `stale-after="2"`, an idle devnet's head would be stale too).
  let busy = true;
  const sink = parseAddress(`dpn${'11'.repeat(20)}`);
  const blocks = (async () => {
    for (let i = 0; busy; i++) await commitAll([[shop.liningMaker, { type: 'transfer', to: sink, amount: 1n, memo: `block ${i}` }]]);
  })();
  try {
    const p = await openPage('/frozen');
    await p.locator('dip-shoppable-video button[part~="hotspot"][data-id="jacket"]').click();
    const panel = p.locator('dip-product-panel');
    await waitShown(p, panel.getByText(/Verified at block \d+ · \d+ s ago/));
    const buy = panel.locator('button.primary', { hasText: 'Buy' });
    assert.equal(await buy.isDisabled(), false);
    shop.frozen.freezeAt = shop.net.nodes[0]!.chain.head.height;
    const frozenAt = shop.frozen.freezeAt;
    try {
      await waitShown(p, panel.locator('p.stale[role="alert"]'), 20_000);
      assert.match(await panelText(p), new RegExp(`Last verified block ${frozenAt}, \\d+ s ago — the network may be unreachable or hiding newer blocks`));
      assert.equal(await buy.isDisabled(), true, 'no purchase on a stale head');
    } finally {
      shop.frozen.freezeAt = null;
    }
    await panel.locator('p.stale').waitFor({ state: 'detached', timeout: 20_000 });
    assert.equal(await buy.isDisabled(), false, 'buying is offered again once a newer block is verified');
    noErrors('the frozen relay');
  } finally {
    busy = false;
    await blocks;
  }
});

test('a frozen head while the payment is forwarded: "sent, not confirmed yet", never "failed"; then the proven order, and dip-order-placed exactly once', async () => {
  const { p, panel } = await toConfirm(await funded('widget-buy/pending-payer'));
  const pay = panel.getByRole('button', { name: 'Sign and pay' });
  // The relay now hides every new block (it still forwards the payment); the chain moves on.
  shop.frozen.freezeAt = shop.net.nodes[0]!.chain.head.height;
  try {
    await pay.click();
    const clicked = Date.now();
    await waitShown(p, panel.getByText('Payment sent — not confirmed yet'), 40_000);
    const waited = Date.now() - clicked;
    say(`pending after ${waited} ms`);
    assert.ok(waited < 20_000, `pending after the page's confirm-wait (6 s), not the default 30 s: ${waited} ms`);
    const text = await panelText(p);
    assert.doesNotMatch(text, /did not go through/, 'never reported as failed on a hidden outcome');
    const orderId = (await panel.locator('p.note code').first().textContent())!;
    assert.match(orderId, /^[0-9a-f]{8}…[0-9a-f]{6}$/);
    assert.equal(await p.evaluate(() => (window as unknown as { placed: unknown[] }).placed.length), 0);
  } finally {
    shop.frozen.freezeAt = null;
  }
  // The relay turns honest (a new block arrives): the order is proven, the panel follows it.
  await commitAll([[devKey('sale'), { type: 'transfer', to: parseAddress(`dpn${'22'.repeat(20)}`), amount: 1n, memo: 'a new head' }]]);
  await waitShown(p, panel.getByText('Order placed'), 30_000);
  const placed = await p.evaluate(() => (window as unknown as { placed: { orderId: string; shipping: Record<string, string>; salt: string; commitment: string }[] }).placed);
  assert.equal(placed.length, 1, 'dip-order-placed fired exactly once');
  assert.deepEqual(placed[0]!.shipping, SHIPPING);
  assert.equal(toHex(shippingCommitment(placed[0]!.shipping, fromHex(placed[0]!.salt))), placed[0]!.commitment);
  const events = await p.evaluate(() => (window as unknown as { events: string[] }).events);
  assert.ok(events.includes('dip-purchase-pending') && !events.includes('dip-purchase-failed'), events.join(' '));
  noErrors('the pending payment');
});

/** Opens `/frozen-buy` (its relay behind `shop.frozen`), goes through to the confirm step with `payer`'s key imported. */
async function toConfirm(payer: ReturnType<typeof devKey>): Promise<{ p: Page; panel: ReturnType<Page['locator']> }> {
  const p = await openPage('/frozen-buy');
  await p.locator('dip-shoppable-video button[part~="hotspot"][data-id="jacket"]').click();
  const panel = p.locator('dip-product-panel');
  await waitShown(p, panel.locator('.price'));
  await panel.getByRole('button', { name: 'Buy' }).click();
  for (const [k, v] of Object.entries(SHIPPING)) await panel.locator(`input[name="${k}"]`).fill(v);
  await panel.getByRole('button', { name: 'Review order' }).click();
  await panel.getByRole('button', { name: 'Import a key' }).click();
  await panel.locator('input[name="secret"]').fill(toHex(payer.secretKey));
  await panel.getByRole('button', { name: 'Use this key' }).click();
  await panel.getByRole('button', { name: 'Sign and pay' }).waitFor();
  return { p, panel };
}

const funded = async (name: string): Promise<ReturnType<typeof devKey>> => {
  const k = devKey(name);
  await commitAll([[devKey('sale'), { type: 'transfer', to: addressOf(k.publicKey), amount: dpn(500), memo: '' }]]);
  return k;
};

test('a relay that forwards the payment and claims it was refused: its word is passed on as a hint, never a failure, then the order is proven placed', async () => {
  const { p, panel } = await toConfirm(await funded('widget-buy/refused-payer'));
  shop.frozen.refuseTxs = 'TX_INSUFFICIENT_FUNDS';
  try {
    await panel.getByRole('button', { name: 'Sign and pay' }).click();
    // Shown while paying (briefly, when the chain proves the order fast) and told to the site.
    await p.waitForFunction(() => (window as unknown as { hints: { says: string; code: string }[] }).hints.some((h) => h.says === 'refused' && h.code === 'TX_INSUFFICIENT_FUNDS'));
  } finally {
    shop.frozen.refuseTxs = null;
  }
  await waitShown(p, panel.getByText('Order placed'), 60_000);
  const events = await p.evaluate(() => (window as unknown as { events: string[] }).events);
  assert.ok(!events.includes('dip-purchase-failed'), events.join(' '));
  assert.equal(events.filter((e) => e === 'dip-order-placed').length, 1);
  noErrors('the forged refusal');
});

test('a relay that drops the payment and says it is in a block: never ticked "Included in a block"; pending, then proven not to go through; the card warns before paying twice', async () => {
  const payer = await funded('widget-buy/dropped-payer');
  const { p, panel } = await toConfirm(payer);
  shop.frozen.swallowTxs = true;
  shop.frozen.tamper = (path, body) => (/^\/v1\/txs\/[0-9a-f]{64}$/.test(path) ? { status: 'committed', height: '3', index: 0, code: 'OK' } : body);
  try {
    await panel.getByRole('button', { name: 'Sign and pay' }).click();
    const clicked = Date.now();
    await waitShown(p, panel.getByText(/The relay says: in block 3/));
    const included = panel.locator('ol.stages li', { hasText: 'Included in a block' });
    assert.notEqual(await included.getAttribute('class'), 'done', 'a relay\'s word is not a finished step');
    await waitShown(p, panel.getByText('Payment sent — not confirmed yet'), 40_000);
    const waited = Date.now() - clicked;
    say(`pending after ${waited} ms`);
    assert.ok(waited < 20_000, `pending after the page's confirm-wait (6 s), not the default 30 s: ${waited} ms`);
  } finally {
    shop.frozen.swallowTxs = false;
    shop.frozen.tamper = null;
  }
  // Reopened, the card says an order of this product is still being confirmed.
  await p.locator('dip-shoppable-video').evaluate((el: HTMLElement & { closeProduct(): void }) => el.closeProduct());
  await p.locator('dip-shoppable-video button[part~="hotspot"][data-id="jacket"]').click();
  await waitShown(p, panel.locator('p.earlier-pending'));
  // Its nonce goes to another payment: proven, the dropped one never goes through.
  await commitAll([[payer, { type: 'transfer', to: parseAddress(`dpn${'33'.repeat(20)}`), amount: 1n, memo: 'takes the nonce' }]]);
  await p.waitForFunction(() => (window as unknown as { events: string[] }).events.includes('dip-purchase-pending'));
  const placed = await p.evaluate(() => (window as unknown as { placed: unknown[] }).placed.length);
  assert.equal(placed, 0, 'no order was placed');
  noErrors('the dropped payment');
});

test('a lie in an order\'s state while it is tracked: the tracking view says so, keeps the last verified state, and resumes when the relay is honest again', async () => {
  const { p, panel } = await toConfirm(await funded('widget-buy/tracked-payer'));
  await panel.getByRole('button', { name: 'Sign and pay' }).click();
  await waitShown(p, panel.getByText('Order placed'), 60_000);
  const orderNs = toHex(ContractKey.order(new Uint8Array(32))).slice(0, 2);
  shop.frozen.tamper = (path, body) => {
    const b = body as { value?: string };
    if (path.startsWith(`/v1/state/${orderNs}`) && typeof b.value === 'string') b.value = b.value.slice(0, -2) + (b.value.endsWith('00') ? '01' : '00');
    return body;
  };
  try {
    await commitAll([[devKey('sale'), { type: 'transfer', to: parseAddress(`dpn${'44'.repeat(20)}`), amount: 1n, memo: 'a new head' }]]);
    await waitShown(p, panel.locator('p.track-error'), 30_000);
    // The lie itself (LC_PROOF_INVALID), or after it the relay written off until its backoff ends (LC_NO_SOURCES).
    assert.match(await panelText(p), /Tracking paused — the latest state could not be verified: .*\((LC_PROOF_INVALID|LC_NO_SOURCES)\)/);
    assert.match(await panelText(p), /Order placed/, 'the last verified state stays');
  } finally {
    shop.frozen.tamper = null;
  }
  // The relay is asked again after its backoff (~30 s): new heads keep coming until it is.
  const deadline = Date.now() + 90_000;
  while (await panel.locator('p.track-error').count() > 0) {
    assert.ok(Date.now() < deadline, 'the tracking view resumed');
    await commitAll([[devKey('sale'), { type: 'transfer', to: parseAddress(`dpn${'44'.repeat(20)}`), amount: 1n, memo: 'another head' }]]);
    await p.waitForTimeout(3_000);
  }
  // A lie after the order was proven is about tracking, never a failed payment.
  const events = await p.evaluate(() => (window as unknown as { events: string[] }).events);
  assert.ok(!events.includes('dip-purchase-failed'), events.join(' '));
  noErrors('the lie while tracking');
});

test('the page reloads in the middle of a payment: the reloaded page learns of the proven order (dip-order-placed, provenLate) without a click', async () => {
  const { p, panel } = await toConfirm(await funded('widget-buy/reload-payer'));
  shop.frozen.freezeAt = shop.net.nodes[0]!.chain.head.height;
  try {
    await panel.getByRole('button', { name: 'Sign and pay' }).click();
    await p.waitForFunction(() => (window as unknown as { events: string[] }).events.includes('dip-purchase-start'));
    await p.waitForTimeout(1_000); // signed and sent: the light client keeps it with the wallet
    await p.reload();
    await p.evaluate(MAKE_VIDEO);
  } finally {
    shop.frozen.freezeAt = null;
  }
  await commitAll([[devKey('sale'), { type: 'transfer', to: parseAddress(`dpn${'55'.repeat(20)}`), amount: 1n, memo: 'a new head' }]]);
  await p.waitForFunction(() => (window as unknown as { placed: unknown[] }).placed.length > 0, undefined, { timeout: 60_000 });
  const placed = await p.evaluate(() => (window as unknown as { placed: { shipping: Record<string, string>; salt: string; commitment: string; provenLate?: boolean }[] }).placed);
  assert.equal(placed.length, 1);
  assert.equal(placed[0]!.provenLate, true);
  assert.deepEqual(placed[0]!.shipping, SHIPPING);
  assert.equal(toHex(shippingCommitment(placed[0]!.shipping, fromHex(placed[0]!.salt))), placed[0]!.commitment);
  noErrors('the reload mid-payment');
});

test('a worker script that cannot load is reported in the panel, not waited on', async () => {
  // Its own context and listeners: the 404 of the missing script is expected here.
  const p = await (await browser!.newContext({ viewport: { width: 900, height: 640 } })).newPage();
  await p.goto(`${shop.base}/broken-worker`);
  await p.evaluate(MAKE_VIDEO);
  await p.waitForFunction(() => document.querySelector('dip-shoppable-video')?.props.length === 1);
  await pauseAt(p, 1);
  await p.locator('dip-shoppable-video button[part~="hotspot"][data-id="jacket"]').click();
  const panel = p.locator('dip-product-panel');
  await waitShown(p, panel.locator('p.warn[role="alert"]'), 15_000);
  const text = await panelText(p);
  say(`broken worker: ${text.replace(/\s+/g, ' ')}`);
  assert.match(text, /light-client worker .*no-such-worker\.js failed to load/);
  assert.doesNotMatch(text, /DPN/);
  await p.context().close();
});
