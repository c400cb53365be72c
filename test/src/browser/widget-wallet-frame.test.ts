/**
 * The viewer's wallet belongs to the viewer, in real headless Chromium under its default storage
 * rules. Three sites on loopback: the streaming site as `localhost` and as `127.0.0.1` (two
 * sites), and the embed origin on `127.0.0.2` serving the element, the wallet frame and the
 * wallet window. The site embeds the element with one script tag under a strict CSP that allows
 * the page no chain access and no workers.
 *
 * - By mouse on site A: the product opens in the wallet frame (verified card), the viewer confirms,
 *   the wallet window opens, the viewer imports a key there, signs, and the site gets
 *   `dip-order-placed` with the shipping details; the page's own storage holds nothing of the
 *   wallet's, and the frame gets no storage at all (cross-site).
 * - By keyboard on site B: the same wallet (the window's first-party storage) signs at once.
 * - A hostile page tries everything it controls: every method on the element, forged messages to
 *   the frame and to a wallet window it opened itself, reaching into the frame, a layer over the
 *   frame, a faded frame, a click too soon after the confirm step appeared, a trust root of its own.
 *   Nothing signs, each attempt is refused with a logged reason, and the viewer's account on chain
 *   moves only for the viewer's own purchase at the end.
 * - The wallet's relay hides new blocks while the window pays: the frame says "sent — not confirmed
 *   yet" (never "failed"); once a block proves the order, the window tells the frame and the site
 *   gets `dip-order-placed` (`provenLate`) exactly once.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, ConsoleMessage, Frame, FrameLocator, Page } from 'playwright-core';
import { addressOf, formatAddress, parseAddress, toHex, fromHex, ContractKey, decodeOrderRecord } from '@dipnet/protocol';
import { devKey } from '@dipnet/bootstrap-node';
import { shippingCommitment } from '@dipnet/light-client';
import { launchChromium, pauseAt, MAKE_VIDEO } from './harness.ts';
import { startShopSite, SHIPPING, LONG_NAME, type ShopSite } from './shop-site.ts';
import { HOSTILE_JS } from './wallet-frame-hostile.ts';

const CHAIN = 'dipnet-wallet-frame';
const T0 = Date.now();
const say = (msg: string): void => console.log(`# [wallet +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

let site: ShopSite;
let browser: Browser | undefined;
let context: BrowserContext;
const errors: string[] = [];
/** Every console line of every page and frame of the context, with where it came from. */
const logs: { url: string; type: string; text: string }[] = [];
const noErrors = (step: string): void => assert.deepEqual(errors, [], `page errors by ${step}:\n${errors.join('\n')}`);
const viewerAddress = (): string => formatAddress(addressOf(site.viewer.publicKey));

before(async () => {
  site = await startShopSite(CHAIN, HOSTILE_JS);
  say(`seeded; embed origin ${site.embed}, sites ${site.siteA} and ${site.siteB}`);
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  context = await browser.newContext({ viewport: { width: 900, height: 640 } });
  const watch = (p: Page): void => {
    p.on('pageerror', (e) => errors.push(`pageerror (${p.url()}): ${e.message}`));
    p.on('console', (m: ConsoleMessage) => {
      logs.push({ url: m.location().url, type: m.type(), text: m.text() });
      // Chromium's own refusal of the hostile page's javascript: navigation of the frame is the expected outcome.
      if (m.type() === 'error' && !m.text().startsWith('Unsafe attempt to initiate navigation')) errors.push(`console.error: ${m.text()} (${m.location().url})`);
    });
  };
  context.on('page', watch);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await site?.close();
});

async function openSite(base: string, path: string): Promise<Page> {
  const p = await context.newPage();
  await p.goto(`${base}${path}`);
  await p.evaluate(MAKE_VIDEO);
  await p.waitForFunction(() => document.querySelector('dip-shoppable-video')?.props.length === 1);
  await pauseAt(p, 1);
  return p;
}

const walletFrame = (p: Page): FrameLocator => p.frameLocator('dip-shoppable-video iframe.wallet-frame');
/** The wallet frame as a Frame (to evaluate in it). */
const frameOf = (p: Page): Frame => {
  const f = p.frames().find((x) => x.url().startsWith(`${site.embed}/`));
  assert.ok(f, 'the wallet frame is loaded');
  return f;
};
const panelText = async (p: Page): Promise<string> =>
  (await walletFrame(p).locator('dip-product-panel').evaluate((el) => Array.from(el.shadowRoot!.children, (c) => (c as HTMLElement).innerText ?? '').join('\n'))).replace(/\s+/g, ' ');

/** Hotspot → card → form → confirm, by mouse; returns with the confirm step shown. */
async function toConfirm(p: Page): Promise<void> {
  await p.locator('dip-shoppable-video button[part~="hotspot"][data-id="jacket"]').click();
  const panel = walletFrame(p).locator('dip-product-panel');
  await panel.locator('.price').waitFor({ timeout: 30_000 });
  await panel.getByRole('button', { name: 'Buy' }).click();
  for (const [k, v] of Object.entries(SHIPPING)) await panel.locator(`input[name="${k}"]`).fill(v);
  await panel.getByRole('button', { name: 'Review order' }).click();
  await panel.getByRole('button', { name: 'Pay with my DIPNET wallet' }).waitFor();
}

const placedOn = (p: Page) => p.evaluate(() => (window as unknown as { placed: { orderId: string; commitment: string; salt: string; shipping: Record<string, string>; provenLate?: boolean }[] }).placed);

function checkOnChain(placed: { orderId: string; commitment: string; salt: string; shipping: Record<string, string> }): void {
  const order = decodeOrderRecord(site.net.nodes[0]!.chain.store.getValue(ContractKey.order(fromHex(placed.orderId)))!);
  assert.equal(toHex(order.shipping), placed.commitment, 'only the shipping commitment is on chain');
  assert.equal(toHex(shippingCommitment(placed.shipping, fromHex(placed.salt))), placed.commitment);
  assert.equal(formatAddress(order.buyer), viewerAddress(), 'the viewer\'s wallet paid');
  assert.deepEqual(placed.shipping, SHIPPING);
}

test('by mouse on one site: the card in the wallet frame, the key and the signature in the wallet window', async () => {
  const page = await openSite(site.siteA, '/wallet');
  await toConfirm(page);
  const confirm = await panelText(page);
  say(`confirm: ${confirm}`);
  assert.match(confirm, /121 DPN/, 'the total: price + designer fee');
  assert.match(confirm, /opens in its own window/);
  await page.waitForTimeout(700); // the confirm step must be on screen ≥ 500 ms before its click counts

  const popup = context.waitForEvent('page');
  await walletFrame(page).getByRole('button', { name: 'Pay with my DIPNET wallet' }).click();
  const wallet = await popup;
  assert.ok(wallet.url().startsWith(`${site.embed}/dipnet-wallet.html`), `the wallet window is on the wallet's origin (${wallet.url()})`);
  // First visit: no wallet in this browser. The viewer imports the key they have (funded at seeding).
  await wallet.getByLabel(/Import a secret key/).fill(toHex(site.viewer.secretKey), { timeout: 30_000 });
  assert.equal(await wallet.locator('dd.site').textContent(), site.siteA, 'the window says which site the order comes from');
  await wallet.getByRole('button', { name: 'Import' }).click();
  await wallet.getByText(viewerAddress().slice(0, 9)).first().waitFor();
  const pay = wallet.getByRole('button', { name: 'Sign and pay' });
  await pay.waitFor();
  await assert.doesNotReject(() => wallet.waitForFunction(() => !(document.querySelector('button.primary') as HTMLButtonElement).disabled, undefined, { timeout: 20_000 }));
  await pay.click();
  await walletFrame(page).locator('dip-product-panel').getByText('Order placed').waitFor({ timeout: 30_000 });
  await wallet.waitForEvent('close', { timeout: 10_000 });
  say(`tracking: ${await panelText(page)}`);

  const placed = await placedOn(page);
  assert.equal(placed.length, 1);
  checkOnChain(placed[0]!);
  const events = await page.evaluate(() => (window as unknown as { events: string[] }).events);
  for (const e of ['dip-hotspot-click', 'dip-card-open', 'dip-purchase-request', 'dip-purchase-start', 'dip-purchase-finalised', 'dip-order-placed']) assert.ok(events.includes(e), `the site got ${e} (${events.join(', ')})`);

  // The page holds nothing of the wallet's; the cross-site frame gets no storage at all.
  const mine = await page.evaluate(async () => ({ dbs: (await indexedDB.databases()).map((d) => d.name), local: Object.keys(localStorage) }));
  assert.deepEqual(mine, { dbs: [], local: [] });
  const inFrame = await frameOf(page).evaluate(async () => {
    const out: Record<string, string> = {};
    try { localStorage.length; out.localStorage = 'available'; } catch (e) { out.localStorage = (e as Error).name; }
    out.indexedDB = await new Promise<string>((ok) => {
      const r = indexedDB.open('probe');
      r.onsuccess = () => ok('available');
      r.onerror = () => ok(r.error?.name ?? 'error');
    });
    out.hasStorageAccess = String(await document.hasStorageAccess());
    return out;
  });
  say(`storage in the cross-site wallet frame: ${JSON.stringify(inFrame)}`);
  assert.notEqual(inFrame.indexedDB, 'available', 'Chromium gives a cross-site frame no IndexedDB (so the key cannot live there)');
  // ✕ in the frame closes the panel on the page; the frame told the page what it verified, so a
  // hover card now shows the price with its block (and never a price the frame did not prove).
  await walletFrame(page).locator('dip-product-panel button.close').click();
  await page.waitForFunction(() => (window as unknown as { events: string[] }).events.includes('dip-panel-close'));
  await page.locator('dip-shoppable-video button[part~="hotspot"][data-id="jacket"]').hover();
  const tip = page.locator('dip-shoppable-video [part="hotspot-card"]');
  await tip.waitFor();
  assert.match(await tip.innerText(), /120 DPN[\s\S]*Verified at block \d+/);
  noErrors('the mouse purchase');
  await page.close();
});

test('by keyboard on another site: the same wallet, kept by the wallet window, signs at once', async () => {
  const page = await openSite(site.siteB, '/wallet');
  const hotspot = page.locator('dip-shoppable-video button[part~="hotspot"][data-id="jacket"]');
  await hotspot.focus();
  await page.keyboard.press('Enter');
  const panel = walletFrame(page).locator('dip-product-panel');
  await panel.locator('.price').waitFor({ timeout: 30_000 });
  // The card's first control has focus inside the frame: Buy.
  await page.waitForFunction(() => document.activeElement?.tagName === 'DIP-SHOPPABLE-VIDEO');
  await panel.getByRole('button', { name: 'Buy' }).waitFor();
  await page.keyboard.press('Enter'); // Buy
  await panel.locator('select[name="quantity"]').waitFor();
  for (const v of Object.values(SHIPPING)) {
    await page.keyboard.press('Tab');
    await page.keyboard.type(v);
  }
  await page.keyboard.press('Enter'); // submits the form: the confirm step
  const payButton = panel.getByRole('button', { name: 'Pay with my DIPNET wallet' });
  await payButton.waitFor();
  await page.waitForTimeout(700);
  assert.equal(await payButton.evaluate((b) => b.matches(':focus')), true, 'the confirm step focuses Pay');
  const popup = context.waitForEvent('page');
  await page.keyboard.press('Enter');
  const wallet = await popup;
  // No click in the window: the wallet exists and holds enough, and the viewer confirmed in the frame.
  await panel.getByText('Order placed').waitFor({ timeout: 30_000 });
  await wallet.waitForEvent('close', { timeout: 10_000 }).catch(() => undefined);
  const placed = await placedOn(page);
  assert.equal(placed.length, 1);
  checkOnChain(placed[0]!);
  say(`second site: order ${placed[0]!.orderId.slice(0, 12)}… paid by the same wallet ${viewerAddress()}`);
  noErrors('the keyboard purchase');
  await page.close();
});

test('a hostile host page cannot sign, read the key, or get a click through a covered frame', async () => {
  const nonceBefore = site.net.nonce(site.viewer);
  /** Windows the page (or its frames) opened. */
  const popups: string[] = [];
  let page = await openSite(site.siteA, '/hostile');
  const frameLogsFrom = (n: number) => logs.slice(n).filter((l) => l.url.startsWith(site.embed) && l.type === 'warning').map((l) => l.text);

  // 1. Its own storage: nothing of the wallet's.
  const storage = await page.evaluate(() => (window as unknown as { hostile: { storage(): Promise<unknown> } }).hostile.storage());
  assert.deepEqual(storage, { dbs: [], local: [], session: [], cookies: '' });

  // 2. Every method on the element, with every argument it can guess; nothing that signs exists.
  const calls = await page.evaluate(() => (window as unknown as { hostile: { callEverything(): Promise<{ called: string[]; signers: string[]; shop: unknown; windowKeys: string[] }> } }).hostile.callEverything());
  say(`called ${calls.called.length} element methods: ${calls.called.join(' ')}`);
  assert.deepEqual(calls.signers, [], 'no signing method on the element or the window');
  assert.equal(calls.shop, null, 'the element holds no chain client in the default mode');
  assert.deepEqual(calls.windowKeys, []);
  // Calling lifecycle callbacks with junk breaks the page's own element (its errors are its own doing): start afresh.
  if (errors.length) say(`the page broke its own element: ${errors.length} errors, e.g. ${errors[0]}`);
  errors.length = 0;
  await page.close();
  page = await openSite(site.siteA, '/hostile');
  page.on('popup', (p) => void popups.push(p.url()));

  // 3. The viewer opens the product; the page forges messages to the frame and reaches into it.
  await toConfirm(page);
  let mark = logs.length;
  const sent = await page.evaluate(() => (window as unknown as { hostile: { forgeToFrame(): number } }).hostile.forgeToFrame());
  await page.waitForTimeout(300);
  const refusals = frameLogsFrom(mark).filter((t) => t.includes('[dipnet wallet frame] refused a message from'));
  say(`frame refusals:\n  ${refusals.join('\n  ')}`);
  assert.equal(refusals.length, sent, 'every forged message is refused, with its reason');
  assert.ok(refusals.some((t) => /WALLET_MSG_TYPE: "sign-order" is not a message this side accepts/.test(t)));
  assert.ok(refusals.some((t) => /WALLET_MSG_VERSION/.test(t)));
  assert.ok(refusals.some((t) => /WALLET_MSG_FIELD: product/.test(t)));
  const reach = await page.evaluate(() => (window as unknown as { hostile: { reachIntoFrame(): Record<string, string> } }).hostile.reachIntoFrame());
  say(`reaching into the frame: ${JSON.stringify(reach)}`);
  assert.equal(reach.contentDocument, 'null');
  assert.equal(reach.click, 'SecurityError');
  assert.equal(reach.indexedDB, 'SecurityError');
  assert.notEqual(reach.navigate, 'allowed');

  // 4. A layer over the frame that the pointer passes through: the viewer's click reaches Pay, but does not count.
  const pay = walletFrame(page).getByRole('button', { name: 'Pay with my DIPNET wallet' });
  await page.waitForTimeout(700);
  for (const [how, arm] of [['a layer at 1% opacity', 'cover(0.01)'], ['a fully opaque decoy', 'cover(1)'], ['the frame faded to 40%', 'fade(0.4)']] as const) {
    const box = (await pay.boundingBox())!; // the refusal note above it moves it down
    await page.evaluate(`window.hostile.${arm}`);
    await page.waitForTimeout(700); // long enough for a naive "visible for 500 ms" timer
    mark = logs.length;
    const refused = page.waitForEvent('console', { predicate: (m) => m.text().includes('a confirm click did not count'), timeout: 5000 });
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const line = (await refused).text();
    say(`${how}: ${line}`);
    assert.match(line, /WALLET_NOT_VISIBLE/);
    assert.match(await panelText(page), /Nothing was signed: the wallet frame was covered/);
    await page.evaluate('window.hostile.uncover()');
  }
  // A click on Pay right after the confirm step appears (a double click on "Review order", which sits where Pay will): too soon to count.
  await walletFrame(page).getByRole('button', { name: 'Back' }).click();
  await walletFrame(page).locator('dip-product-panel').getByRole('button', { name: 'Review order' }).click();
  await pay.click();
  await walletFrame(page).locator('dip-product-panel').getByText(/WALLET_TOO_SOON/).waitFor({ timeout: 5000 });
  const hostSaw = await page.evaluate(() => (window as unknown as { events: string[] }).events.filter((e) => e === 'dip-wallet-refused').length);
  assert.equal(hostSaw, 4, 'the site is told each refusal (dip-wallet-refused)');
  assert.deepEqual(popups, [], 'no refused click opened the wallet window');

  // 5. The page opens the wallet window itself (on the viewer's click on its own button) and forges orders to it.
  await page.evaluate(`window.hostile.armWalletWindow(${JSON.stringify(`${site.embed}/dipnet-wallet.html`)})`);
  mark = logs.length;
  const gift = context.waitForEvent('page');
  await page.locator('#gift').click();
  const giftWindow = await gift;
  await giftWindow.waitForLoadState();
  await page.waitForTimeout(2500);
  const windowRefusals = logs.slice(mark).filter((l) => l.text.includes('[dipnet wallet window] refused a message from'));
  say(`wallet window refusals: ${windowRefusals.length}, e.g. ${windowRefusals[0]?.text}`);
  assert.ok(windowRefusals.length >= 10, 'the wallet window refuses every message from the page');
  assert.ok(windowRefusals.every((l) => l.text.includes('WALLET_MSG_ORIGIN')));
  await giftWindow.close();
  popups.length = 0;

  // 6. A trust root of the page's making: the frame refuses to verify against it.
  mark = logs.length;
  await page.evaluate('window.hostile.forgeRoot()');
  await walletFrame(page).locator('.frame-error').getByText(/WALLET_CHECKPOINT_MISMATCH/).waitFor({ timeout: 10_000 });

  assert.equal(site.net.nonce(site.viewer), nonceBefore, 'no attempt signed anything: the viewer\'s nonce did not move');
  assert.equal((await placedOn(page)).length, 0);

  // 7. The viewer's own purchase on the same page still goes through.
  await page.evaluate(() => (document.querySelector('dip-shoppable-video') as unknown as { closeProduct(): void }).closeProduct());
  await toConfirm(page);
  await page.waitForTimeout(700);
  const popup = context.waitForEvent('page');
  await walletFrame(page).getByRole('button', { name: 'Pay with my DIPNET wallet' }).click();
  await popup;
  await walletFrame(page).locator('dip-product-panel').getByText('Order placed').waitFor({ timeout: 30_000 });
  assert.equal(site.net.nonce(site.viewer), nonceBefore + 1n, 'exactly the viewer\'s purchase was signed');
  noErrors('the hostile page');
});

test('a payment the wallet window cannot prove in time: pending in the frame, then the proven order reaches the site once', async () => {
  // `confirm-wait="6"`: the wait goes page → frame → window, so pending shows well before the default 30 s.
  const page = await openSite(site.siteA, '/wallet-confirm-wait');
  await toConfirm(page);
  await page.waitForTimeout(700);
  const panel = walletFrame(page).locator('dip-product-panel');
  // The wallet's relay now hides every new block (it still forwards the payment); the chain moves on.
  site.walletRelay.freezeAt = site.net.nodes[0]!.chain.head.height;
  let wallet: Page;
  try {
    const popup = context.waitForEvent('page');
    await panel.getByRole('button', { name: 'Pay with my DIPNET wallet' }).click();
    const clicked = Date.now();
    wallet = await popup;
    await panel.getByText('Payment sent — not confirmed yet').waitFor({ timeout: 40_000 });
    const waited = Date.now() - clicked;
    say(`pending after ${waited} ms`);
    assert.ok(waited < 20_000, `pending after the page's confirm-wait (6 s, as the wallet window got it), not the default 30 s: ${waited} ms`);
    assert.doesNotMatch(await panelText(page), /did not go through/, 'never reported as failed on a hidden outcome');
    await wallet.getByText('not proven yet').waitFor();
    assert.equal((await placedOn(page)).length, 0);
  } finally {
    site.walletRelay.freezeAt = null;
  }
  // The relay turns honest and a new block arrives: the window proves the order and tells the frame.
  await site.commitAll([[devKey('sale'), { type: 'transfer', to: parseAddress(`dpn${'23'.repeat(20)}`), amount: 1n, memo: 'a new head' }]]);
  await panel.getByText('Order placed').waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => (window as unknown as { placed: unknown[] }).placed.length > 0);
  await page.waitForTimeout(500);
  const placed = await placedOn(page);
  assert.equal(placed.length, 1, 'dip-order-placed fired exactly once');
  assert.equal(placed[0]!.provenLate, true);
  checkOnChain(placed[0]!);
  const events = await page.evaluate(() => (window as unknown as { events: string[] }).events);
  assert.ok(events.includes('dip-purchase-pending') && !events.includes('dip-purchase-failed'), events.join(' '));
  await wallet.waitForEvent('close', { timeout: 10_000 });
  noErrors('the pending payment');
  await page.close();
});

test('texts at their limits stay in their boxes: a 200-character label, a 64-character unbroken name with a bidi override, an unbroken description', async () => {
  const page = await openSite(site.siteA, '/wallet');
  const label = `${'Label'.repeat(38)}\u202Eabcdefghi`; // 200 characters, the annotation limit
  await page.evaluate(([id, l]) => (document.querySelector('dip-shoppable-video') as unknown as { openProduct(p: string, l: string): void }).openProduct(id!, l!), [site.longProduct, label]);
  const panel = walletFrame(page).locator('dip-product-panel');
  await panel.locator('.price').waitFor({ timeout: 30_000 });
  await panel.locator('p.description').waitFor({ timeout: 10_000 });
  const m = await panel.evaluate((el) => {
    const root = el.shadowRoot!;
    const h2 = root.querySelector('h2')!.getBoundingClientRect();
    const close = root.querySelector('button.close')!.getBoundingClientRect();
    const desc = root.querySelector('p.description') as HTMLElement;
    return {
      overlapsClose: h2.right > close.left && h2.top < close.bottom,
      panelScroll: el.scrollWidth - el.clientWidth,
      descScroll: desc.scrollWidth - desc.clientWidth,
      name: root.querySelector('h2')!.textContent ?? '',
      docScroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
  });
  say(`limits: ${JSON.stringify({ ...m, name: m.name.length })}`);
  assert.equal(m.overlapsClose, false, 'the name wraps before ✕');
  assert.equal(m.panelScroll, 0, 'the panel does not scroll sideways');
  assert.equal(m.descScroll, 0);
  assert.equal(m.docScroll, 0, 'the frame does not scroll sideways');
  assert.equal(m.name, LONG_NAME.replace('\u202E', ''), 'the bidi override is dropped from the shown name');
  noErrors('texts at their limits');
  await page.close();
});
