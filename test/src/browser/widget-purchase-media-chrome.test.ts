/**
 * The purchase inside Mux's media-chrome, in real headless Chromium against a real in-process
 * validator and relay (shop-site.ts, page `/mc`): the site's player is a `<media-controller>` with
 * a control bar, and `<dip-shoppable-video for="film">` sits inside it. The page's CSP allows no
 * inline or eval script; it allows inline styles only because media-chrome itself applies them.
 *
 * - Hovering the hotspot before anything was verified shows a card with the prop's label only —
 *   no price, and the light client is not even loaded (no worker).
 * - The player's keyboard shortcuts are live (a control: "k" on the focused hotspot toggles play).
 * - A hotspot click opens the panel and pauses the video THROUGH media-chrome: the element sends
 *   `mediapauserequest`, and the controller reflects `mediapaused`.
 * - Typing "k" and space in the panel's shipping form types them; the player does not toggle.
 * - The wallet: "Import a key" (folded beside "Create a wallet") rejects a malformed key, then
 *   takes a funded viewer's 64-hex key straight into the light client; the confirm step shows the
 *   address and its verified balance; the key is nowhere left in the panel (axe clean with the
 *   import form and its error shown).
 * - Buy → verified order → a producer's milestone appears in the production graph.
 * - Esc returns focus to the hotspot, whose card now shows the price the light client verified;
 *   Esc dismisses the card without moving focus. Reopened, the card step shows the wallet.
 * Any page, worker or console error (a CSP violation included) fails the test.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { toHex, fromHex, formatAddress, addressOf, ContractKey, decodeOrderRecord } from '@dipnet/protocol';
import { launchChromium, pauseAt, MAKE_VIDEO } from './harness.ts';
import { startShopSite, SHIPPING, type ShopSite } from './shop-site.ts';

const CHAIN = 'dipnet-widget-mc';
const T0 = Date.now();
const say = (msg: string): void => console.log(`# [mc-purchase +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

let shop: ShopSite;
let browser: Browser | undefined;
const pageErrors: string[] = [];

before(async () => {
  shop = await startShopSite(CHAIN);
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await shop?.close();
});

const panelText = (p: Page): Promise<string> =>
  p.locator('dip-product-panel').evaluate((el) => Array.from(el.shadowRoot!.children, (c) => (c as HTMLElement).innerText ?? c.textContent ?? '').join('\n'));

/** What media-chrome and the video say about playback. */
const playback = (p: Page): Promise<{ paused: boolean; mediapaused: boolean }> => p.evaluate(() => ({
  paused: (document.getElementById('film') as HTMLVideoElement).paused,
  mediapaused: document.getElementById('mc')!.hasAttribute('mediapaused'),
}));

/** The hover card's text, or null when none is shown. */
const cardText = (p: Page): Promise<string | null> => p.evaluate(() =>
  (document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelector('[part~="hotspot-card"]') as HTMLElement | null)?.innerText ?? null);

const focusedId = (p: Page): Promise<string | null> => p.evaluate(() =>
  (document.querySelector('dip-shoppable-video')!.shadowRoot!.activeElement as HTMLElement | null)?.dataset.id ?? null);

test('inside media-chrome: hover card, pause through the controller, no player shortcuts while typing, import a key, buy, follow production', async () => {
  const page = await (await browser!.newContext({ viewport: { width: 900, height: 640 } })).newPage();
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()} (${m.location().url})`); });
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`worker console.error: ${m.text()}`); }));
  const noErrors = (step: string): void => assert.deepEqual(pageErrors, [], `page errors by ${step}:\n${pageErrors.join('\n')}`);

  await page.goto(`${shop.base}/mc`);
  await page.evaluate(MAKE_VIDEO);
  await page.waitForFunction(() => document.querySelector('dip-shoppable-video')?.props.length === 1);
  assert.equal(await page.evaluate(() => (document.getElementById('mc') as unknown as { media?: Element }).media === document.getElementById('film')), true, 'media-chrome drives #film');
  await pauseAt(page, 1);
  // Count the media requests that reach the controller (the page's own listener, like analytics).
  await page.evaluate(() => {
    const w = window as unknown as { requests: string[] };
    w.requests = [];
    for (const t of ['mediapauserequest', 'mediaplayrequest']) document.getElementById('mc')!.addEventListener(t, () => w.requests.push(t));
  });
  const requests = (): Promise<string[]> => page.evaluate(() => (window as unknown as { requests: string[] }).requests);
  const hotspot = page.locator('dip-shoppable-video button[part~="hotspot"][data-id="jacket"]');

  // Hover before anything was verified: the label, no price, and the light client not loaded.
  await hotspot.hover();
  await page.waitForFunction(() => document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelector('[part~="hotspot-card"]'));
  const card0 = await cardText(page);
  say(`hover card before verification: ${JSON.stringify(card0)}`);
  assert.equal(card0?.trim(), 'Field jacket');
  assert.equal(page.workers().length, 0, 'hovering did not start the light client');

  // Control: the player's shortcuts work outside the panel ("k" on the focused hotspot toggles play).
  await hotspot.focus();
  await page.keyboard.press('k');
  // media-chrome reflects the play on its controller a moment after the video's own event: wait for both.
  await page.waitForFunction(() => !(document.getElementById('film') as HTMLVideoElement).paused && !document.getElementById('mc')!.hasAttribute('mediapaused'), undefined, { timeout: 5_000 }).catch(() => undefined);
  assert.deepEqual(await playback(page), { paused: false, mediapaused: false }, '"k" reached media-chrome and started playback');
  assert.deepEqual(await requests(), ['mediaplayrequest']);

  // A click while playing: the panel opens and the element asks media-chrome to pause.
  await hotspot.click();
  const panel = page.locator('dip-product-panel');
  await panel.locator('.price').waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => document.getElementById('mc')!.hasAttribute('mediapaused') && (document.getElementById('film') as HTMLVideoElement).paused, undefined, { timeout: 5_000 }).catch(() => undefined);
  assert.deepEqual(await playback(page), { paused: true, mediapaused: true }, 'paused, and media-chrome knows it');
  assert.deepEqual(await requests(), ['mediaplayrequest', 'mediapauserequest'], 'the pause went through media-chrome\'s request event');
  const card = await panelText(page);
  say(`card: ${card.replace(/\s+/g, ' ')}`);
  assert.match(card, /120 DPN/);
  assert.match(card, /Verified at block \d+/);
  assert.doesNotMatch(card, /Balance/, 'no wallet yet, so none is shown');

  // Typing "k" and space in the form: they go into the field; the player does not toggle.
  await panel.getByRole('button', { name: 'Buy' }).click();
  const name = panel.locator('input[name="name"]');
  await name.focus();
  await page.keyboard.type('k k ');
  await page.keyboard.press('Space');
  await page.waitForTimeout(300);
  assert.equal(await name.inputValue(), 'k k  ', 'the keys were typed into the field');
  assert.deepEqual(await playback(page), { paused: true, mediapaused: true }, 'still paused: the shortcuts did not fire');
  assert.deepEqual(await requests(), ['mediaplayrequest', 'mediapauserequest'], 'no play request reached media-chrome');

  for (const [k, v] of Object.entries(SHIPPING)) await panel.locator(`input[name="${k}"]`).fill(v);
  await panel.getByRole('button', { name: 'Review order' }).click();
  await panel.getByRole('button', { name: 'Create a wallet' }).waitFor();

  // "Import a key" is folded away beside "Create a wallet"; a malformed key is refused.
  const toggle = panel.getByRole('button', { name: 'Import a key' });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await panel.locator('input[name="secret"]').count(), 0, 'no key field until asked for');
  await toggle.click();
  const secret = panel.locator('input[name="secret"]');
  assert.equal(await secret.getAttribute('type'), 'password');
  await secret.fill('abc123');
  await panel.getByRole('button', { name: 'Use this key' }).click();
  await panel.locator('#import-error[role="alert"]').waitFor();
  assert.equal(await secret.getAttribute('aria-invalid'), 'true');
  assert.equal(await panel.locator('dd code[title^="dpn"]').count(), 0, 'nothing imported');
  await page.addScriptTag({ url: `${shop.base}/axe.js` });
  const violations = await page.evaluate(async () => {
    const a = (window as unknown as { axe: { run(el: Element): Promise<{ violations: { id: string; help: string }[] }> } }).axe;
    return (await a.run(document.querySelector('dip-shoppable-video')!)).violations.map((x) => `${x.id}: ${x.help}`);
  });
  assert.deepEqual(violations, [], 'axe violations with the import form and its error shown');

  const keyHex = toHex(shop.viewer.secretKey);
  const viewerAddress = formatAddress(addressOf(shop.viewer.publicKey));
  await secret.fill(keyHex);
  await panel.getByRole('button', { name: 'Use this key' }).click();
  await panel.locator('dd code[title^="dpn"]').waitFor({ timeout: 20_000 });
  assert.equal(await panel.locator('dd code[title^="dpn"]').getAttribute('title'), viewerAddress, 'the imported key is the paying wallet');
  const confirm = await panelText(page);
  say(`confirm after import: ${confirm.replace(/\s+/g, ' ')}`);
  assert.match(confirm, /Balance\s*500 DPN/, 'the verified balance of the imported wallet');
  const leaked = await panel.evaluate((el, k) => ({ html: el.shadowRoot!.innerHTML.toLowerCase().includes(k), field: el.shadowRoot!.querySelector('input[name="secret"]') !== null }), keyHex);
  assert.deepEqual(leaked, { html: false, field: false }, 'the key is not left in the panel');

  // Sign and pay → the verified order → a producer milestone lands in the graph.
  await page.waitForFunction(() => {
    const b = document.querySelector('dip-shoppable-video')?.shadowRoot?.querySelector('dip-product-panel')?.shadowRoot?.querySelector('button.primary') as HTMLButtonElement | null;
    return b && !b.disabled && b.textContent?.includes('Sign and pay');
  }, undefined, { timeout: 20_000 });
  await panel.getByRole('button', { name: 'Sign and pay' }).click();
  await panel.locator('svg.graph g.node').nth(1).waitFor({ timeout: 30_000 });
  const tracking = await panelText(page);
  say(`tracking: ${tracking.replace(/\s+/g, ' ')}`);
  assert.match(tracking, /Order placed/);
  const placed = await page.evaluate(() => (window as unknown as { placed: { orderId: string }[] }).placed);
  assert.equal(placed.length, 1);
  const order = decodeOrderRecord(shop.net.nodes[0]!.chain.store.getValue(ContractKey.order(fromHex(placed[0]!.orderId)))!);
  const liningOrder = toHex(order.children[0]!);
  await shop.commitAll([[shop.liningMaker, { type: 'fireTransition', order: fromHex(liningOrder), transition: 'finish', args: new Uint8Array() }]]);
  await page.waitForFunction((id) => {
    const g = document.querySelector('dip-shoppable-video')?.shadowRoot?.querySelector('dip-product-panel')?.shadowRoot?.querySelector(`svg.graph g.node[data-order="${id}"] text.state`);
    return g?.textContent?.includes('Ready');
  }, liningOrder, { timeout: 20_000 });
  say('the lining maker\'s milestone shows in the graph: Ready');
  assert.deepEqual(await playback(page), { paused: true, mediapaused: true }, 'the video stayed paused through the purchase');

  // Esc: the dialog closes, focus returns to the hotspot, whose card now has the verified price.
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('dip-shoppable-video')?.shadowRoot?.querySelector('dip-product-panel'));
  assert.equal(await focusedId(page), 'jacket');
  await page.waitForFunction(() => document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelector('[part~="hotspot-card"]'));
  const card1 = (await cardText(page)) ?? '';
  say(`hover card after verification: ${JSON.stringify(card1)}`);
  assert.match(card1, /Field jacket\s*120 DPN\s*Verified at block \d+/);
  assert.equal(await hotspot.getAttribute('aria-describedby'), 'tip-price', 'the price describes the hotspot');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelector('[part~="hotspot-card"]'));
  assert.equal(await focusedId(page), 'jacket', 'Esc dismissed the card without moving focus');

  // Reopened: the card step shows the wallet and its verified balance (less what the order spent).
  await page.keyboard.press('Enter');
  await panel.locator('.price').waitFor({ timeout: 20_000 });
  await panel.locator('dl.wallet dd code[title^="dpn"]').waitFor({ timeout: 20_000 });
  assert.equal(await panel.locator('dl.wallet dd code').getAttribute('title'), viewerAddress);
  const again = await panelText(page);
  say(`card with a wallet: ${again.replace(/\s+/g, ' ')}`);
  const balance = /Balance\s*([\d,.]+) DPN/.exec(again);
  assert.ok(balance && Number(balance[1]!.replace(/,/g, '')) < 500 - 121, `the balance after paying (${balance?.[1]})`);
  noErrors('the media-chrome purchase');
});
