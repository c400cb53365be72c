/**
 * `<dip-shoppable-video>` embedded the other ways issue 5 asks for, in real headless Chromium
 * with a WebM the page records itself (nothing is downloaded):
 * - plain page, `for="film"`: the element sits elsewhere in the page (after the player's
 *   container), not wrapping the video. The hotspot is over the interpolated box (within 2% of the
 *   frame) at a paused time, and again after the page resizes the container while paused (so the
 *   only update path is the ResizeObserver; the aspect flips from letterbox to pillarbox and the
 *   element itself moves).
 * - Mux's media-chrome: `<media-controller>` with `<video slot="media">` and a control bar, the
 *   element either wrapping the controller or inside it with `for=`. The hotspot is over the box
 *   at a seeked time, is the topmost element at its centre (over media-chrome's layers), and while
 *   the video plays it follows the box: two samples taken at presented frames
 *   (`requestVideoFrameCallback`) match the interpolation at that frame's media time within 4%.
 * Any page error or console error fails the test. Needs Debian's `chromium` (or CHROMIUM_PATH).
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serveStatic, pauseAt, MAKE_VIDEO } from './harness.ts';

const T0 = Date.now();
const say = (msg: string): void => console.log(`# [embed +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

const C = '2e'.repeat(32);
// "lamp" moves from the top-left to the centre-right over 2 s and grows.
const LAMP = [{ t: 0, box: { x: 0.1, y: 0.2, w: 0.2, h: 0.2 } }, { t: 2, box: { x: 0.6, y: 0.5, w: 0.3, h: 0.4 } }];
const PROPS = { version: 1, props: [{ id: 'lamp', label: 'Desk lamp', product: { contract: C }, track: LAMP }] };

const HEAD = `<!doctype html><meta charset="utf-8"><title>Some streaming site</title>
<style>body{margin:20px;font:16px sans-serif}</style><h1>Tonight's film</h1>`;
const TAIL = `<p>Comments below the player.</p><script type="module" src="/widget.js"></script>`;
const MC = `<script type="module" src="/media-chrome.js"></script>`;
const CONTROLS = `<media-control-bar><media-play-button></media-play-button><media-time-range></media-time-range><media-mute-button></media-mute-button></media-control-bar>`;
const VIDEO = `<video id="film" slot="media" muted playsinline></video>`;
const PAGES: Record<string, string> = {
  // The element points at a video in another part of the page; the container is resized later.
  '/for.html': `${HEAD}<style>#box{width:480px;height:400px;background:#000} #film{width:100%;height:100%;object-fit:contain;display:block}</style>
<div id="box"><video id="film" muted playsinline></video></div>
<aside><dip-shoppable-video for="film" src="/props.json"></dip-shoppable-video></aside>${TAIL}`,
  '/mc-wrap.html': `${HEAD}<style>media-controller{width:480px;height:270px}</style>
<dip-shoppable-video src="/props.json"><media-controller>${VIDEO}${CONTROLS}</media-controller></dip-shoppable-video>${MC}${TAIL}`,
  '/mc-for.html': `${HEAD}<style>media-controller{width:480px;height:270px}</style>
<media-controller>${VIDEO}<dip-shoppable-video for="film" src="/props.json"></dip-shoppable-video>${CONTROLS}</media-controller>${MC}${TAIL}`,
};


let site: Awaited<ReturnType<typeof serveStatic>> | undefined;
let browser: Browser | undefined;
let base = '';
let outDir = '';

type Rect = { x: number; y: number; w: number; h: number };
type Geometry = { hotspot: (Rect & { top: boolean }) | null; video: Rect & { vw: number; vh: number }; t: number; fit: string };

/** In the page: the lamp hotspot's centre, whether it is the topmost element there, and the video's content box. */
const MEASURE = `(t) => {
  const v = document.getElementById('film');
  const el = document.querySelector('dip-shoppable-video');
  const b = el.shadowRoot.querySelector('button[part~="hotspot"][data-id="lamp"]');
  const r = b ? b.getBoundingClientRect() : null;
  const vr = v.getBoundingClientRect();
  const x = r ? r.x + r.width / 2 : 0, y = r ? r.y + r.height / 2 : 0;
  return {
    hotspot: r ? { x, y, w: r.width, h: r.height, top: el.shadowRoot.elementFromPoint(x, y) === b } : null,
    video: { x: vr.x + v.clientLeft, y: vr.y + v.clientTop, w: v.clientWidth, h: v.clientHeight, vw: v.videoWidth, vh: v.videoHeight },
    t, fit: getComputedStyle(v).objectFit,
  };
}`;

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 800, height: 700 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  await page.addInitScript(() => {
    const w = window as unknown as { loaded: number };
    w.loaded = 0;
    document.addEventListener('dip-annotations-loaded', () => { w.loaded++; });
  });
  await page.goto(base + path);
  const v = await page.evaluate(MAKE_VIDEO) as { w: number; h: number; duration: number };
  say(`${path}: page recorded its own video ${v.w}×${v.h}, ${v.duration.toFixed(2)} s`);
  assert.ok(v.duration >= 2.5, `recorded video long enough (${v.duration})`);
  await page.waitForFunction(() => (window as unknown as { loaded: number }).loaded > 0);
  return { page, errors };
}

/** Pauses, seeks to `t`, waits two frames, measures. */
async function at(page: Page, t: number): Promise<Geometry> {
  await pauseAt(page, t);
  return page.evaluate(([measure]) => {
    const v = document.getElementById('film') as HTMLVideoElement;
    return (0, eval)(measure)(v.currentTime);
  }, [MEASURE] as const) as Promise<Geometry>;
}

/** Plays from 0 and measures at the first presented frames at or after media times `ts`. */
async function whilePlaying(page: Page, ts: number[]): Promise<(Geometry & { paused: boolean })[]> {
  return page.evaluate(async ([times, measure]) => {
    const v = document.getElementById('film') as HTMLVideoElement;
    const m = (0, eval)(measure) as (t: number) => Geometry;
    v.pause();
    const seeked = new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    v.currentTime = 0;
    await seeked;
    await v.play();
    const out: (Geometry & { paused: boolean })[] = [];
    for (const want of times) {
      let meta: VideoFrameCallbackMetadata;
      do meta = await new Promise<VideoFrameCallbackMetadata>((r) => v.requestVideoFrameCallback((_now, md) => r(md)));
      while (meta.mediaTime < want);
      out.push({ ...m(meta.mediaTime), paused: v.paused }); // in the microtask right after the frame callbacks
    }
    v.pause();
    return out;
  }, [ts, MEASURE] as const);
}

/** Expected hotspot centre (page px) of `lamp` at `g.t`, computed independently of the widget. */
function expected(g: Geometry): { x: number; y: number; frameW: number; frameH: number; frameX: number; frameY: number } {
  const s = g.fit === 'cover' ? Math.max(g.video.w / g.video.vw, g.video.h / g.video.vh) : Math.min(g.video.w / g.video.vw, g.video.h / g.video.vh);
  const frameW = g.video.vw * s;
  const frameH = g.video.vh * s;
  const frameX = (g.video.w - frameW) / 2;
  const frameY = (g.video.h - frameH) / 2;
  const f = Math.min(1, g.t / 2);
  const [a, b] = [LAMP[0]!.box, LAMP[1]!.box];
  const lerp = (p: number, q: number): number => p + (q - p) * f;
  const cx = lerp(a.x, b.x) + lerp(a.w, b.w) / 2;
  const cy = lerp(a.y, b.y) + lerp(a.h, b.h) / 2;
  return { x: g.video.x + frameX + cx * frameW, y: g.video.y + frameY + cy * frameH, frameW, frameH, frameX, frameY };
}

function assertOver(g: Geometry, label: string, tol: number): { x: number; y: number } {
  assert.ok(g.hotspot, `${label}: the lamp hotspot is shown`);
  const e = expected(g);
  const dx = Math.abs(g.hotspot.x - e.x);
  const dy = Math.abs(g.hotspot.y - e.y);
  say(`${label}: t=${g.t.toFixed(3)} hotspot (${g.hotspot.x.toFixed(1)}, ${g.hotspot.y.toFixed(1)}) expected (${e.x.toFixed(1)}, ${e.y.toFixed(1)}); frame ${e.frameW.toFixed(0)}×${e.frameH.toFixed(0)} at +${e.frameX.toFixed(0)},+${e.frameY.toFixed(0)}`);
  assert.ok(dx <= tol * e.frameW && dy <= tol * e.frameH, `${label}: off by (${dx.toFixed(2)}, ${dy.toFixed(2)}) px, limit (${(tol * e.frameW).toFixed(2)}, ${(tol * e.frameH).toFixed(2)})`);
  assert.ok(g.hotspot.top, `${label}: the hotspot is the topmost element at its centre`);
  assert.ok(g.hotspot.w >= 24 && g.hotspot.h >= 24, `hotspot is at least 24×24 (${g.hotspot.w}×${g.hotspot.h})`);
  return g.hotspot;
}

before(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'dipnet-embed-'));
  await build({
    entryPoints: {
      widget: new URL(import.meta.resolve('@dipnet/widget/dip-shoppable-video')).pathname,
      'media-chrome': new URL(import.meta.resolve('media-chrome')).pathname,
    },
    outdir: outDir, bundle: true, platform: 'browser', format: 'esm', target: 'chrome120', minify: true,
    logLevel: 'error', write: true,
  });
  const files: Record<string, [string, string | Buffer]> = {
    '/widget.js': ['text/javascript; charset=utf-8', await readFile(join(outDir, 'widget.js'))],
    '/media-chrome.js': ['text/javascript; charset=utf-8', await readFile(join(outDir, 'media-chrome.js'))],
    '/props.json': ['application/json', JSON.stringify(PROPS)],
  };
  for (const [path, html] of Object.entries(PAGES)) files[path] = ['text/html; charset=utf-8', html];
  site = await serveStatic(files);
  base = site.base;
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await site?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

test('for="film": hotspots match the box when the element points at a video elsewhere, also after the container resizes', async () => {
  const { page, errors } = await open('/for.html');
  const found = await page.evaluate(() => document.querySelector('dip-shoppable-video')!.video === document.getElementById('film'));
  assert.ok(found, 'the element found the video by id');
  const g1 = await at(page, 0.5);
  assert.ok(expected(g1).frameY > 10, 'letterboxed before the resize');
  const before = assertOver(g1, 'for=, 0.5 s, 480×400', 0.02);
  const host0 = await page.evaluate(() => document.querySelector('dip-shoppable-video')!.getBoundingClientRect().y);
  // Paused: no frame callbacks; the only path that can move the hotspot is the ResizeObserver.
  await page.evaluate(async () => {
    const box = document.getElementById('box')!;
    box.style.width = '640px';
    box.style.height = '300px';
    for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
  });
  const g2 = await page.evaluate(async (measure) => (0, eval)(measure)((document.getElementById('film') as HTMLVideoElement).currentTime), MEASURE) as Geometry;
  const host1 = await page.evaluate(() => document.querySelector('dip-shoppable-video')!.getBoundingClientRect().y);
  assert.ok(expected(g2).frameX > 10 && Math.abs(expected(g2).frameY) < 1, 'pillarboxed after the resize');
  assert.ok(host0 - host1 > 90, `the element itself moved up with the shorter container (${host0} → ${host1})`);
  const after = assertOver(g2, 'for=, 0.5 s, after resize to 640×300', 0.02);
  assert.ok(Math.abs(after.x - before.x) > 20 || Math.abs(after.y - before.y) > 20, 'the hotspot moved');
  const g3 = await at(page, 1.5);
  assertOver(g3, 'for=, seek to 1.5 s after resize', 0.02);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [path, how] of [['/mc-wrap.html', 'wrapping <media-controller>'], ['/mc-for.html', 'inside <media-controller> with for=']] as const) {
  test(`media-chrome, ${how}: hotspot over the box at a seeked time and following it during playback`, async () => {
    const { page, errors } = await open(path);
    const state = await page.evaluate(() => ({
      controller: customElements.get('media-controller') !== undefined,
      found: document.querySelector('dip-shoppable-video')!.video === document.getElementById('film'),
      media: (document.querySelector('media-controller') as unknown as { media?: Element }).media === document.getElementById('film'),
    }));
    assert.deepEqual(state, { controller: true, found: true, media: true }, 'media-chrome is live and both it and the element drive the same video');
    const g = await at(page, 1.2);
    assertOver(g, `${path}: seeked to 1.2 s`, 0.02);
    const [s1, s2] = await whilePlaying(page, [0.5, 1.4]);
    assert.ok(!s1!.paused && !s2!.paused, 'both samples were taken while the video played');
    const p1 = assertOver(s1!, `${path}: playing, sample 1`, 0.04);
    const p2 = assertOver(s2!, `${path}: playing, sample 2`, 0.04);
    assert.ok(p2.x - p1.x > 40, `it followed the box during playback: x ${p1.x.toFixed(1)} → ${p2.x.toFixed(1)}`);
    // media-chrome hides its controls when the viewer idles during playback; the hotspots stay.
    const idle = await page.evaluate(async () => {
      const mc = document.querySelector('media-controller')!;
      mc.setAttribute('autohide', '0.2');
      const v = document.getElementById('film') as HTMLVideoElement;
      await v.play();
      const t0 = performance.now();
      while (!mc.hasAttribute('userinactive') && performance.now() - t0 < 1500) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 400)); // past the fade-out transition
      const hotspot = document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelector('button[part~="hotspot"]');
      let shown = hotspot ? 1 : -1; // effective opacity: the product up the composed tree
      for (let e: Element | null = hotspot; e; e = e.parentElement ?? ((e.getRootNode() as ShadowRoot).host ?? null)) shown *= Number(getComputedStyle(e).opacity);
      const r = { inactive: mc.hasAttribute('userinactive'), playing: !v.paused, controls: Number(getComputedStyle(mc.querySelector('media-control-bar')!).opacity), hotspot: shown };
      v.pause();
      return r;
    });
    say(`${path}: viewer idle while playing: ${JSON.stringify(idle)}`);
    assert.deepEqual(idle, { inactive: true, playing: true, controls: 0, hotspot: 1 }, 'controls auto-hid, the hotspot stayed fully visible');
    // The element follows the player's state as media-chrome reflects it on the controller: its
    // pause (requested through the controller, as its own buttons do) outlines the props, and
    // picture-in-picture (no overlay can be drawn) opens the list of props for later.
    // (A string, so tsx adds no helper names to the page's code.)
    const followed = await page.evaluate(`(async () => {
      const mc = document.querySelector('media-controller');
      const el = document.querySelector('dip-shoppable-video');
      const v = document.getElementById('film');
      const wait = async (pred) => { const t0 = performance.now(); while (!pred() && performance.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 20)); return pred(); };
      const outlines = () => el.shadowRoot.querySelectorAll('[part~="outline"]').length;
      const listOpen = () => el.shadowRoot.querySelector('[part~="scene-toggle"]')?.getAttribute('aria-expanded') === 'true';
      await v.play();
      const playing = await wait(() => !mc.hasAttribute('mediapaused') && outlines() === 0);
      mc.dispatchEvent(new Event('mediapauserequest'));
      const paused = await wait(() => mc.hasAttribute('mediapaused') && outlines() > 0);
      await v.play();
      await wait(() => !mc.hasAttribute('mediapaused'));
      const closedWhilePlaying = !listOpen();
      mc.setAttribute('mediaispip', '');
      const pip = await wait(listOpen);
      mc.removeAttribute('mediaispip');
      v.pause();
      return { playing, paused, closedWhilePlaying, pip };
    })()`);
    assert.deepEqual(followed, { playing: true, paused: true, closedWhilePlaying: true, pip: true }, 'player state followed through the controller');
    assert.deepEqual(errors, []);
    await page.close();
  });
}
