/**
 * `<dip-shoppable-video>` where overlays are hard, in real headless Chromium:
 * - fullscreen goes through the element (the wrapper, `toggleFullscreen()`), so the hotspots stay
 *   visible;
 * - fullscreen of the bare video (the browser's own button) stays fullscreen — the element never
 *   takes it away — and the props seen meanwhile are in the scene list when it ends;
 * - props seen earlier stay in the scene list after they leave the frame (the list for later, where
 *   no overlay can be drawn: picture-in-picture, iPhone native fullscreen).
 * Any page or console error fails the test. Needs Debian's `chromium` (or CHROMIUM_PATH).
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serveStatic, pauseAt, MAKE_VIDEO } from './harness.ts';

const C = '3c'.repeat(32);
// The mug is in frame until 1 s, then outside; the lamp stays.
const PROPS = {
  version: 1,
  props: [
    { id: 'lamp', label: 'Desk lamp', product: { contract: C }, track: [{ t: 0, box: { x: 0.1, y: 0.2, w: 0.2, h: 0.3 } }] },
    { id: 'mug', label: 'Blue mug', product: { contract: C }, track: [{ t: 0, box: { x: 0.6, y: 0.5, w: 0.1, h: 0.2 } }, { t: 1, outside: true }] },
  ],
};
const PAGE = `<!doctype html><meta charset="utf-8"><title>Fullscreen</title><link rel="stylesheet" href="/site.css">
<dip-shoppable-video src="/props.json"><video id="film" muted playsinline></video></dip-shoppable-video>
<button id="wrapper-fs">Fullscreen</button><button id="video-fs">Video fullscreen</button>
<script type="module" src="/widget.js"></script><script type="module" src="/page.js"></script>`;
const PAGE_JS = `const el = document.querySelector('dip-shoppable-video');
document.getElementById('wrapper-fs').addEventListener('click', () => el.toggleFullscreen());
// What the browser's own fullscreen button (or a double click) on a <video controls> does.
document.getElementById('video-fs').addEventListener('click', () => document.getElementById('film').requestFullscreen());`;

let site: Awaited<ReturnType<typeof serveStatic>> | undefined;
let browser: Browser | undefined;
let page: Page;
let outDir = '';
const pageErrors: string[] = [];

before(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'dipnet-fullscreen-'));
  await build({
    entryPoints: { widget: new URL(import.meta.resolve('@dipnet/widget/dip-shoppable-video')).pathname },
    outdir: outDir, bundle: true, platform: 'browser', format: 'esm', target: 'chrome120', minify: true, logLevel: 'error', write: true,
  });
  site = await serveStatic({
    '/': ['text/html; charset=utf-8', PAGE],
    '/site.css': ['text/css', 'body{margin:16px} #film{width:480px;height:270px;background:#000;display:block}'],
    '/widget.js': ['text/javascript; charset=utf-8', await readFile(join(outDir, 'widget.js'))],
    '/page.js': ['text/javascript; charset=utf-8', PAGE_JS],
    '/props.json': ['application/json', JSON.stringify(PROPS)],
  });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 800, height: 600 } })).newPage();
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`); });
  await page.goto(`${site.base}/`);
  await page.evaluate(MAKE_VIDEO);
  await page.waitForFunction(() => document.querySelector('dip-shoppable-video')?.props.length === 2);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await site?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** Which element is fullscreen, and whether the lamp's hotspot is painted inside the viewport. */
const state = (p: Page) => p.evaluate(() => {
  const el = document.querySelector('dip-shoppable-video')!;
  const b = el.shadowRoot!.querySelector('button[part~="hotspot"][data-id="lamp"]');
  const r = b?.getBoundingClientRect();
  return {
    fullscreen: document.fullscreenElement?.localName ?? null,
    hotspot: r ? r.width >= 24 && r.x >= 0 && r.y >= 0 && r.right <= innerWidth && r.bottom <= innerHeight : false,
    width: innerWidth,
  };
});

test('fullscreen goes through the wrapper, so the hotspots stay visible', async () => {
  await pauseAt(page, 0.5);
  await page.click('#wrapper-fs');
  await page.waitForFunction(() => document.fullscreenElement?.localName === 'dip-shoppable-video');
  await pauseAt(page, 0.5);
  assert.deepEqual({ ...(await state(page)), width: undefined }, { fullscreen: 'dip-shoppable-video', hotspot: true, width: undefined });
  await page.evaluate(() => document.exitFullscreen());
  await page.waitForFunction(() => document.fullscreenElement === null);

  assert.deepEqual(pageErrors, []);
});

test('the video made fullscreen by itself stays fullscreen; the props seen meanwhile are listed after', async () => {
  await pauseAt(page, 0.5);
  await page.evaluate(() => { (document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelector('[part~="scene-toggle"]') as HTMLElement).click(); });
  await page.click('#video-fs');
  await page.waitForFunction(() => document.fullscreenElement?.localName === 'video');
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => document.fullscreenElement?.localName ?? null), 'video', 'the widget left the viewer\'s fullscreen alone');
  await page.evaluate(() => document.exitFullscreen());
  await page.waitForFunction(() => document.fullscreenElement === null);
  // The element re-renders on the fullscreenchange event, which may come after the state the page sees.
  await assert.doesNotReject(() => page.waitForFunction(() => document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelector('[part~="scene-toggle"]')!.getAttribute('aria-expanded') === 'true', undefined, { timeout: 3000 }),
    'the list of props seen opens when fullscreen ends');
  assert.deepEqual(pageErrors, []);
});

test('props seen earlier stay in the scene list after they leave the frame', async () => {
  await pauseAt(page, 0.5);
  await pauseAt(page, 2);
  const list = await page.evaluate(() => {
    const root = document.querySelector('dip-shoppable-video')!.shadowRoot!;
    return {
      now: Array.from(root.querySelectorAll('[part~="scene-item"]:not([part~="scene-item-earlier"])'), (b) => (b as HTMLElement).dataset.id),
      earlier: Array.from(root.querySelectorAll('[part~="scene-item-earlier"]'), (b) => (b as HTMLElement).dataset.id),
      heading: root.querySelector('[part~="scene-earlier"]')?.textContent ?? null,
    };
  });
  assert.deepEqual(list, { now: ['lamp'], earlier: ['mug'], heading: 'Seen earlier' });
  assert.deepEqual(pageErrors, []);
});
