/**
 * Accessibility and CSP of `<dip-shoppable-video>` in real headless Chromium, on a plain
 * third-party-style page served with a strict Content-Security-Policy (no inline script or style;
 * the page's own CSS is a same-origin file), the element over a letterboxed `<video>` whose WebM
 * the page records itself (nothing is downloaded).
 *
 * Proves: axe-core finds no violations in the element (its open shadow root included) with two
 * hotspots and the scene list showing; keyboard alone reaches every hotspot and the scene-list
 * toggle with Tab, each a real `<button>` ≥ 24×24 CSS px named by its prop label, with a visible
 * focus outline; Enter and Space activate them (`dip-hotspot-click`, toggle `aria-expanded`);
 * hover cards per WCAG 1.4.13 — hovering or focusing a hotspot shows its label as a tooltip card
 * (no price: nothing was verified here) that the pointer can move onto, that stays until hover and
 * focus leave, and that Esc dismisses without moving focus (axe clean with a card shown);
 * and the widget does nothing the CSP blocks — any `securitypolicyviolation`, page error or
 * console error fails the test (a final canary shows the policy is enforced and the detector works).
 * axe is served same-origin and added with `addScriptTag({ url })`: inline `content` would itself
 * be an inline script the policy refuses. Needs Debian's `chromium` (or CHROMIUM_PATH).
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serveStatic, MAKE_VIDEO, type StaticFiles } from './harness.ts';

const T0 = Date.now();
const say = (msg: string): void => console.log(`# [a11y +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

/** Strict: no inline script or style anywhere; Lit's constructable stylesheets are not governed by style-src. */
const CSP = "default-src 'self'; script-src 'self'; media-src 'self' blob:; style-src 'self'; object-src 'none'; base-uri 'none'";

const C = '2e'.repeat(32);
const LABELS = { lamp: 'Desk lamp', vase: 'Ceramic vase' } as const;
const PROPS = {
  version: 1,
  props: [
    { id: 'lamp', label: LABELS.lamp, product: { contract: C }, track: [{ t: 0, box: { x: 0.1, y: 0.3, w: 0.2, h: 0.3 } }] },
    { id: 'vase', label: LABELS.vase, product: { contract: C }, track: [{ t: 0, box: { x: 0.55, y: 0.5, w: 0.15, h: 0.3 } }] },
  ],
};

const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Some streaming site</title>
<link rel="stylesheet" href="/page.css">
<header><h1>Tonight's film</h1></header>
<main>
<dip-shoppable-video src="/props.json"><video id="film" muted playsinline aria-label="Tonight's film"></video></dip-shoppable-video>
<p>Comments below the player.</p>
</main>
<script type="module" src="/widget.js"></script></html>`;
const PAGE_CSS = 'body{margin:20px;font:16px sans-serif} #film{width:480px;height:400px;object-fit:contain;background:#000;display:block}';

type Win = { dipEvents: { type: string; detail: { id: string; via: string } }[]; cspViolations: string[] };
type Stop = { tag: string; part: string | null; id: string | null; expanded: string | null; outline: string; w: number; h: number };

let site: Awaited<ReturnType<typeof serveStatic>> | undefined;
let browser: Browser | undefined;
let page: Page;
let outDir = '';
const pageErrors: string[] = [];

/** Fails on any page error, console error or CSP violation so far. */
async function noErrors(step: string): Promise<void> {
  const csp = await page.evaluate(() => (window as unknown as Win).cspViolations);
  assert.deepEqual([...pageErrors, ...csp], [], `page errors / CSP violations by ${step}`);
}

/** The focused element, through shadow roots, with what a sighted keyboard user sees of it. */
const focused = (): Promise<Stop | null> => page.evaluate(() => {
  let a: Element | null = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  if (!a || a === document.body) return null;
  const cs = getComputedStyle(a);
  const r = a.getBoundingClientRect();
  return {
    tag: a.localName, part: a.getAttribute('part'), id: a.getAttribute('data-id'), expanded: a.getAttribute('aria-expanded'),
    outline: cs.outlineStyle === 'none' ? 'none' : `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`, w: r.width, h: r.height,
  };
});
const keyOf = (s: Stop | null): string => (s ? `${s.part}${s.id ? `:${s.id}` : ''}` : 'body');

/** Presses Tab from the top of the page until `key` has focus (keyboard only). */
async function tabTo(key: string): Promise<Stop> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const s = await focused();
    if (keyOf(s) === key) return s!;
  }
  throw new Error(`Tab never reached ${key}`);
}

const clicks = (): Promise<{ id: string; via: string }[]> => page.evaluate(() => (window as unknown as Win).dipEvents
  .filter((e) => e.type === 'dip-hotspot-click').map((e) => ({ id: e.detail.id, via: e.detail.via })));

before(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'dipnet-a11y-'));
  await build({
    entryPoints: { widget: new URL(import.meta.resolve('@dipnet/widget/dip-shoppable-video')).pathname },
    outdir: outDir, bundle: true, platform: 'browser', format: 'esm', target: 'chrome120', minify: true, logLevel: 'error', write: true,
  });
  const files: StaticFiles = {
    '/': ['text/html; charset=utf-8', PAGE, { 'content-security-policy': CSP }],
    '/page.css': ['text/css; charset=utf-8', PAGE_CSS],
    '/widget.js': ['text/javascript; charset=utf-8', await readFile(join(outDir, 'widget.js'))],
    '/axe.js': ['text/javascript; charset=utf-8', axe.source],
    '/props.json': ['application/json', JSON.stringify(PROPS)],
  };
  site = await serveStatic(files);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 800, height: 700 } })).newPage();
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  await page.addInitScript(() => {
    const w = window as unknown as Win;
    w.dipEvents = [];
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.cspViolations.push(`CSP ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
    });
    for (const type of ['dip-hotspot-shown', 'dip-hotspot-click', 'dip-annotations-loaded', 'dip-error']) {
      document.addEventListener(type, (e) => w.dipEvents.push({ type, detail: (e as CustomEvent).detail }));
    }
  });
  const resp = await page.goto(`${site.base}/`);
  assert.equal(resp?.headers()['content-security-policy'], CSP, 'the page is served with the strict CSP');
  const v = await page.evaluate(MAKE_VIDEO) as { w: number; h: number; duration: number };
  say(`page recorded its own video: ${v.w}×${v.h}, ${v.duration.toFixed(2)} s, under CSP: ${CSP}`);
  await page.waitForFunction(() => (window as unknown as Win).dipEvents.some((e) => e.type === 'dip-annotations-loaded'));
  await page.evaluate(async () => {
    const v = document.getElementById('film') as HTMLVideoElement;
    v.pause();
    const seeked = new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    v.currentTime = 0.5;
    await seeked;
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
  });
  await page.waitForFunction(() => document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelectorAll('button[part~="hotspot"]').length === 2);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await site?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

test('axe-core finds no violations in the element with hotspots and the scene list showing', async () => {
  const state = await page.evaluate(() => {
    const root = document.querySelector('dip-shoppable-video')!.shadowRoot!;
    const v = document.getElementById('film') as HTMLVideoElement;
    const vr = v.getBoundingClientRect();
    return {
      hotspots: root.querySelectorAll('button[part~="hotspot"]').length,
      listHidden: root.querySelector<HTMLElement>('[part~="scene-list"]')!.hidden,
      items: root.querySelectorAll('[part~="scene-item"]').length,
      letterbox: vr.height - v.videoHeight * (vr.width / v.videoWidth),
    };
  });
  assert.deepEqual({ ...state, letterbox: state.letterbox > 20 }, { hotspots: 2, listHidden: false, items: 2, letterbox: true }, 'two hotspots and the open scene list over a letterboxed video');
  await page.addScriptTag({ url: `${site!.base}/axe.js` });
  const r = await page.evaluate(async () => {
    const a = (window as unknown as { axe: typeof axe }).axe;
    const res = await a.run(document.querySelector('dip-shoppable-video')!);
    // (No named helpers in here: tsx would wrap them in a `__name` the page lacks.)
    return {
      violations: res.violations.map((x) => `${x.id} (${x.impact}): ${x.help} — ${x.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('; ')}`),
      incomplete: res.incomplete.map((x) => x.id), passes: res.passes.length, version: a.version,
      // axe names a node in a shadow root by a path: [host selector, selector inside the root].
      namedInShadow: res.passes.find((x) => x.id === 'button-name')?.nodes.filter((n) => Array.isArray(n.target[0])).length ?? 0,
    };
  });
  say(`axe ${r.version}: ${r.passes} rules passed, needs review: ${r.incomplete.join(', ') || 'none'}`);
  assert.deepEqual(r.violations, [], 'axe violations');
  assert.ok(r.passes > 10, 'axe actually checked the element');
  assert.equal(r.namedInShadow, 5, 'axe looked inside the shadow root: 2 hotspots, the toggle and 2 scene items have names');
  await noErrors('axe');
});

test('keyboard only: Tab reaches each hotspot and the scene toggle — named ≥ 24×24 buttons with a visible focus outline', async () => {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const stops: Stop[] = [];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    const s = await focused();
    if (!s || stops.some((p) => keyOf(p) === keyOf(s))) break;
    stops.push(s);
  }
  say(`Tab order: ${stops.map(keyOf).join(' → ')}`);
  const want = ['hotspot:lamp', 'hotspot:vase', 'scene-toggle'];
  for (const k of want) assert.ok(stops.some((s) => keyOf(s) === k), `Tab reaches ${k} (order: ${stops.map(keyOf).join(', ')})`);
  for (const s of stops.filter((x) => want.includes(keyOf(x)))) {
    assert.equal(s.tag, 'button', `${keyOf(s)} is a real button`);
    assert.ok(s.w >= 24 && s.h >= 24, `${keyOf(s)} is at least 24×24 CSS px (${s.w}×${s.h})`);
    assert.match(s.outline, /^solid [2-9](\.\d+)?px/, `${keyOf(s)} shows a focus outline when focused (${s.outline})`);
  }
  const unfocused = await page.evaluate(() => getComputedStyle(document.querySelector('dip-shoppable-video')!.shadowRoot!
    .querySelector('button[part~="hotspot"][data-id="lamp"]')!).outlineStyle);
  assert.equal(unfocused, 'none', 'the outline is the focus indicator (absent when not focused)');
  const host = page.locator('dip-shoppable-video');
  for (const [id, label] of Object.entries(LABELS)) {
    assert.equal(await host.locator(`button[part~="hotspot"][data-id="${id}"]`).ariaSnapshot(), `- button "${label}"`, `hotspot ${id} is named by its label`);
  }
  assert.match(await host.locator('button[part~="scene-toggle"]').ariaSnapshot(), /^- button "Shop this scene \(2\)" \[expanded\]/);
  await noErrors('Tab');
});

test('keyboard only: Enter and Space activate hotspots, scene items and the toggle', async () => {
  const before = (await clicks()).length;
  await tabTo('hotspot:lamp');
  await page.keyboard.press('Enter');
  await tabTo('hotspot:vase');
  await page.keyboard.press('Space');
  await tabTo('scene-item:vase');
  await page.keyboard.press('Enter');
  assert.deepEqual((await clicks()).slice(before), [
    { id: 'lamp', via: 'hotspot' }, { id: 'vase', via: 'hotspot' }, { id: 'vase', via: 'list' },
  ], 'dip-hotspot-click fired for each key activation, in order');

  await tabTo('scene-toggle');
  await page.keyboard.press('Enter');
  const closed = await focused();
  assert.equal(closed?.expanded, 'false', 'Enter folds the scene list');
  assert.equal(await page.evaluate(() => document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelector<HTMLElement>('[part~="scene-list"]')!.hidden), true);
  assert.equal(keyOf(closed), 'scene-toggle', 'focus stays on the toggle');
  await page.keyboard.press('Space');
  assert.equal((await focused())?.expanded, 'true', 'Space unfolds it again');
  assert.equal(await page.evaluate(() => document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelector<HTMLElement>('[part~="scene-list"]')!.hidden), false);
  await noErrors('keyboard activation');
});

type CardState = { id: string | null; text: string; role: string | null; rect: { x: number; y: number; w: number; h: number } } | null;

/** The hover card (if shown): which hotspot it is for, its text and box. */
const hoverCard = (): Promise<CardState> => page.evaluate(() => {
  const c = document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelector<HTMLElement>('[part~="hotspot-card"]');
  if (!c) return null;
  const r = c.getBoundingClientRect();
  return { id: c.dataset.id ?? null, text: c.innerText.trim(), role: c.getAttribute('role'), rect: { x: r.x, y: r.y, w: r.width, h: r.height } };
});

/** Centre of a hotspot, in page pixels. */
const centre = (id: string): Promise<{ x: number; y: number }> => page.evaluate((pid) => {
  const r = document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelector(`button[part~="hotspot"][data-id="${pid}"]`)!.getBoundingClientRect();
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}, id);

const waitCard = async (want: string | null): Promise<CardState> => {
  const t0 = Date.now();
  for (;;) {
    const c = await hoverCard();
    if ((c?.id ?? null) === want) return c;
    if (Date.now() - t0 > 3000) throw new Error(`hover card: wanted ${want}, have ${JSON.stringify(c)}`);
    await page.waitForTimeout(50);
  }
};

test('hover cards (WCAG 1.4.13): shown on hover and focus, hoverable, persistent, dismissed by Esc without moving focus', async () => {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.mouse.move(5, 5);
  await waitCard(null);

  // Hover: the prop's label as text; no price, because nothing was verified (no light client here).
  const lamp = await centre('lamp');
  await page.mouse.move(lamp.x, lamp.y);
  const shown = await waitCard('lamp');
  say(`hover card: ${JSON.stringify(shown)}`);
  assert.equal(shown!.text, LABELS.lamp);
  assert.equal(shown!.role, 'tooltip');
  assert.doesNotMatch(shown!.text, /DPN/, 'no price that was not verified');
  const topAtCentre = await page.evaluate(({ x, y }) => (document.querySelector('dip-shoppable-video')!.shadowRoot!.elementFromPoint(x, y) as HTMLElement | null)?.dataset.id, lamp);
  assert.equal(topAtCentre, 'lamp', 'the card leaves the hotspot itself uncovered');

  // Hoverable: the pointer moves from the hotspot onto the card (in steps) and it stays, past the grace period.
  const r = shown!.rect;
  await page.mouse.move(r.x + r.w / 2, r.y + r.h / 2, { steps: 8 });
  await page.waitForTimeout(700);
  assert.equal((await hoverCard())?.id, 'lamp', 'the card stays while the pointer is on it');
  // Persistent: nothing times it out.
  await page.waitForTimeout(1500);
  assert.equal((await hoverCard())?.id, 'lamp', 'the card persists while hovered');

  // Dismissible: Esc hides it with the pointer still on it, and focus does not move.
  const before = await focused();
  await page.keyboard.press('Escape');
  await waitCard(null);
  assert.deepEqual(await focused(), before, 'Esc did not move focus');
  // Leaving and hovering again brings it back.
  await page.mouse.move(5, 5);
  await page.mouse.move(lamp.x, lamp.y, { steps: 4 });
  await waitCard('lamp');
  // The pointer leaves for empty space: the card goes (after the short grace period).
  await page.mouse.move(5, 5, { steps: 2 });
  await waitCard(null);

  // Focus: Tab to a hotspot shows its card; it persists; Esc hides it and focus stays on the hotspot.
  const stop = await tabTo('hotspot:vase');
  assert.equal(keyOf(stop), 'hotspot:vase');
  assert.equal((await waitCard('vase'))!.text, LABELS.vase);
  await page.waitForTimeout(1000);
  assert.equal((await hoverCard())?.id, 'vase', 'the focus card persists');
  assert.equal(await page.locator('dip-shoppable-video button[part~="hotspot"][data-id="vase"]').ariaSnapshot(), `- button "${LABELS.vase}"`, 'the card does not change the name');

  // axe with a card showing.
  const violations = await page.evaluate(async () => {
    const a = (window as unknown as { axe: typeof axe }).axe;
    const res = await a.run(document.querySelector('dip-shoppable-video')!);
    return res.violations.map((x) => `${x.id}: ${x.help} — ${x.nodes.map((n) => JSON.stringify(n.target)).join('; ')}`);
  });
  assert.deepEqual(violations, [], 'axe violations with a hover card shown');

  await page.keyboard.press('Escape');
  await waitCard(null);
  assert.equal(keyOf(await focused()), 'hotspot:vase', 'Esc dismissed the card; focus stayed on the hotspot');
  // Focus leaves: no card.
  await page.keyboard.press('Tab');
  await waitCard(null);
  await noErrors('hover cards');
});

test('the strict CSP is enforced and watched: the widget caused no violation, an inline style/script canary does', async () => {
  await noErrors('the whole session');
  await page.evaluate(() => {
    const s = document.createElement('style');
    s.textContent = 'p { color: red }';
    document.head.append(s);
    const j = document.createElement('script');
    j.textContent = 'window.__inline = 1';
    document.head.append(j);
  });
  await page.waitForFunction(() => (window as unknown as Win).cspViolations.length >= 2);
  const seen = await page.evaluate(() => ({ v: (window as unknown as Win).cspViolations, ran: (window as unknown as { __inline?: number }).__inline ?? null }));
  assert.equal(seen.ran, null, 'the inline script was refused');
  assert.ok(seen.v.some((x) => x.startsWith('CSP style-src-elem')) && seen.v.some((x) => x.startsWith('CSP script-src-elem')), seen.v.join('\n'));
  pageErrors.length = 0; // the canary's own "Refused to …" console errors
});
