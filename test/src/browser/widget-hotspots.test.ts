/**
 * `<dip-shoppable-video>` in real headless Chromium on a plain third-party-style page: a
 * letterboxed `<video>` (object-fit: contain, 16:9 frame in a 6:5 box) whose WebM the page records
 * itself from a canvas with MediaRecorder (nothing is downloaded), annotated by a JSON file.
 *
 * Proves: the hotspot sits over the prop's interpolated box centre (within 2% of the video size)
 * at a paused time and follows a seek; clicking it fires `dip-hotspot-click` with the prop id;
 * hostile label HTML stays inert text; a malformed file yields a clear error (`error` property,
 * `dip-error`, visible message) and no hotspots from it; a WebVTT metadata track's cue is read. Any page error or console error fails the test.
 * Needs Debian's `chromium` (or CHROMIUM_PATH); fails, never skips, without.
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
const say = (msg: string): void => console.log(`# [widget +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

const C = '1f'.repeat(32);
const HOSTILE = '<img src=x onerror="window.__pwned=1">Lamp & <b>co</b>';
// "lamp" moves from the top-left to the centre-right over 2 s and grows; "evil" stands still.
const LAMP = [{ t: 0, box: { x: 0.1, y: 0.2, w: 0.2, h: 0.2 } }, { t: 2, box: { x: 0.6, y: 0.5, w: 0.3, h: 0.4 } }];
const GOOD = {
  version: 1,
  props: [
    { id: 'lamp', label: 'Desk lamp', product: { contract: C }, track: LAMP },
    { id: 'evil', label: HOSTILE, product: { contract: C }, track: [{ t: 0, box: { x: 0.75, y: 0.05, w: 0.2, h: 0.2 } }] },
  ],
};
const BAD = { ...GOOD, props: [{ ...GOOD.props[0], track: [LAMP[1], LAMP[0]] }] }; // times go backwards

// A WebVTT metadata track with one segment of a third prop (no `default`: the element sets mode hidden).
const VTT = `WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n${JSON.stringify({ id: 'mug', label: 'Blue mug', product: { contract: C }, track: [{ t: 0, box: { x: 0.4, y: 0.6, w: 0.1, h: 0.2 } }] })}\n`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>Some streaming site</title>
<style>body{margin:20px;font:16px sans-serif} #film{width:480px;height:400px;object-fit:contain;background:#000;display:block}</style>
<h1>Tonight's film</h1>
<dip-shoppable-video src="/props.json"><video id="film" muted playsinline><track kind="metadata" src="/props.vtt"></video></dip-shoppable-video>
<p>Comments below the player.</p>
<script type="module" src="/widget.js"></script>`;


let site: Awaited<ReturnType<typeof serveStatic>> | undefined;
let browser: Browser | undefined;
let page: Page;
let outDir = '';
const pageErrors: string[] = [];
const noErrors = (step: string): void => assert.deepEqual(pageErrors, [], `page errors by ${step}:\n${pageErrors.join('\n')}`);

type Geometry = { hotspot: { x: number; y: number; w: number; h: number } | null; video: { x: number; y: number; w: number; h: number; vw: number; vh: number }; t: number };

/** Pauses, seeks to `t`, waits for two frames, then measures the hotspot of `id` and the video. */
async function at(t: number, id: string): Promise<Geometry> {
  await pauseAt(page, t);
  return page.evaluate(([pid]) => {
    const v = document.getElementById('film') as HTMLVideoElement;
    const el = document.querySelector('dip-shoppable-video')!;
    const b = el.shadowRoot!.querySelector(`button[part~="hotspot"][data-id="${pid}"]`);
    const r = b?.getBoundingClientRect();
    const vr = v.getBoundingClientRect();
    return {
      hotspot: r ? { x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width, h: r.height } : null,
      video: { x: vr.x + v.clientLeft, y: vr.y + v.clientTop, w: v.clientWidth, h: v.clientHeight, vw: v.videoWidth, vh: v.videoHeight },
      t: v.currentTime,
    };
  }, [id] as const);
}

/** Expected hotspot centre (page px) of `lamp` at `t`, computed independently of the widget. */
function expectedLamp(g: Geometry): { x: number; y: number; frameW: number; frameH: number; frameY: number } {
  const scale = Math.min(g.video.w / g.video.vw, g.video.h / g.video.vh); // object-fit: contain
  const frameW = g.video.vw * scale;
  const frameH = g.video.vh * scale;
  const frameX = (g.video.w - frameW) / 2;
  const frameY = (g.video.h - frameH) / 2;
  const f = Math.min(1, g.t / 2);
  const [a, b] = [LAMP[0]!.box, LAMP[1]!.box];
  const lerp = (p: number, q: number): number => p + (q - p) * f;
  const cx = lerp(a.x, b.x) + lerp(a.w, b.w) / 2;
  const cy = lerp(a.y, b.y) + lerp(a.h, b.h) / 2;
  return { x: g.video.x + frameX + cx * frameW, y: g.video.y + frameY + cy * frameH, frameW, frameH, frameY };
}

function assertOver(g: Geometry, label: string): { x: number; y: number } {
  assert.ok(g.hotspot, `${label}: the lamp hotspot is shown`);
  const e = expectedLamp(g);
  const dx = Math.abs(g.hotspot.x - e.x);
  const dy = Math.abs(g.hotspot.y - e.y);
  say(`${label}: t=${g.t.toFixed(3)} hotspot (${g.hotspot.x.toFixed(1)}, ${g.hotspot.y.toFixed(1)}) expected (${e.x.toFixed(1)}, ${e.y.toFixed(1)}); frame ${e.frameW}×${e.frameH} letterboxed at y+${e.frameY}`);
  assert.ok(dx <= 0.02 * e.frameW && dy <= 0.02 * e.frameH, `${label}: off by (${dx.toFixed(2)}, ${dy.toFixed(2)}) px, limit (${(0.02 * e.frameW).toFixed(2)}, ${(0.02 * e.frameH).toFixed(2)})`);
  assert.ok(g.hotspot.w >= 24 && g.hotspot.h >= 24, `hotspot is at least 24×24 (${g.hotspot.w}×${g.hotspot.h})`);
  return g.hotspot;
}

before(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'dipnet-widget-'));
  const res = await build({
    entryPoints: { widget: new URL(import.meta.resolve('@dipnet/widget/dip-shoppable-video')).pathname },
    outdir: outDir, bundle: true, platform: 'browser', format: 'esm', target: 'chrome120', minify: true,
    metafile: true, logLevel: 'error', write: true,
  });
  const leaked = Object.keys(res.metafile.inputs).filter((p) => p.startsWith('node:'));
  assert.deepEqual(leaked, [], 'no Node built-ins in the widget bundle');
  const files: Record<string, [string, string | Buffer]> = {
    '/': ['text/html; charset=utf-8', PAGE],
    '/widget.js': ['text/javascript; charset=utf-8', await readFile(join(outDir, 'widget.js'))],
    '/props.json': ['application/json', JSON.stringify(GOOD)],
    '/bad.json': ['application/json', JSON.stringify(BAD)],
    '/props.vtt': ['text/vtt; charset=utf-8', VTT],
  };
  say(`bundled the element: ${files['/widget.js']![1].length} bytes minified`);
  site = await serveStatic(files);
  const url = `${site.base}/`;
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  page = await (await browser.newContext({ viewport: { width: 800, height: 700 } })).newPage();
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  await page.addInitScript(() => {
    const w = window as unknown as { dipEvents: { type: string; detail: unknown }[] };
    w.dipEvents = [];
    for (const type of ['dip-hotspot-shown', 'dip-hotspot-click', 'dip-annotations-loaded', 'dip-error']) {
      document.addEventListener(type, (e) => w.dipEvents.push({ type, detail: (e as CustomEvent).detail }));
    }
  });
  await page.goto(url);
  const v = await page.evaluate(MAKE_VIDEO) as { w: number; h: number; duration: number; bytes: number };
  say(`page recorded its own video: ${v.w}×${v.h}, ${v.duration.toFixed(2)} s, ${v.bytes} bytes of WebM`);
  assert.ok(v.duration >= 2, `recorded video long enough (${v.duration})`);
  await page.waitForFunction(() => (window as unknown as { dipEvents: { type: string }[] }).dipEvents.some((e) => e.type === 'dip-annotations-loaded'));
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await site?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

let first: { x: number; y: number };

test('at a paused time the hotspot is over the prop\'s interpolated box centre in a letterboxed player', async () => {
  const g = await at(0.5, 'lamp');
  assert.ok(expectedLamp(g).frameY > 10, 'the player letterboxes (object-fit: contain, different aspect ratio)');
  first = assertOver(g, 'at 0.5 s');
  const outlines = await page.evaluate(() => document.querySelector('dip-shoppable-video')!.shadowRoot!.querySelectorAll('[part~="outline"]').length);
  assert.equal(outlines, 3, 'paused: every prop in frame is outlined');
  const mug = await page.evaluate(() => {
    const el = document.querySelector('dip-shoppable-video')!;
    const v = document.getElementById('film') as HTMLVideoElement;
    return { ids: el.visibleIds, mode: v.textTracks[0]?.mode };
  });
  assert.deepEqual(mug, { ids: ['lamp', 'evil', 'mug'], mode: 'hidden' }, 'the metadata track was switched to hidden and its cue read');
  noErrors('first hotspot');
});

test('after a seek the hotspot moves with the interpolated box', async () => {
  const g = await at(1.5, 'lamp');
  const now = assertOver(g, 'at 1.5 s');
  assert.ok(now.x - first.x > 50 && now.y - first.y > 20, `it moved right and down: (${first.x}, ${first.y}) → (${now.x}, ${now.y})`);
  noErrors('seek');
});

test('clicking the hotspot fires dip-hotspot-click with the prop id', async () => {
  await page.locator('dip-shoppable-video button[part~="hotspot"][data-id="lamp"]').click();
  const clicks = await page.evaluate(() => (window as unknown as { dipEvents: { type: string; detail: { id: string; via: string } }[] }).dipEvents
    .filter((e) => e.type === 'dip-hotspot-click').map((e) => e.detail));
  assert.equal(clicks.length, 1);
  assert.equal(clicks[0]!.id, 'lamp');
  assert.equal(clicks[0]!.via, 'hotspot');
  const shown = await page.evaluate(() => (window as unknown as { dipEvents: { type: string; detail: { id: string } }[] }).dipEvents
    .filter((e) => e.type === 'dip-hotspot-shown').map((e) => e.detail.id));
  assert.ok(shown.includes('lamp') && shown.includes('evil'), `dip-hotspot-shown for both: ${shown.join(',')}`);
  noErrors('click');
});

test('hostile label text is shown inert, as text, in the hotspot name and the scene list', async () => {
  const r = await page.evaluate(() => {
    const root = document.querySelector('dip-shoppable-video')!.shadowRoot!;
    return {
      hotspotText: root.querySelector('button[part~="hotspot"][data-id="evil"]')?.textContent,
      itemText: root.querySelector('button[part~="scene-item"][data-id="evil"]')?.textContent,
      images: root.querySelectorAll('img, b, script').length + document.querySelectorAll('img').length,
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
    };
  });
  assert.equal(r.hotspotText, HOSTILE, 'the hotspot\'s accessible name is the label, verbatim');
  assert.equal(r.itemText, HOSTILE);
  assert.equal(r.images, 0, 'no element was created from the label');
  assert.equal(r.pwned, null, 'no handler ran');
  const name = await page.locator('dip-shoppable-video button[part~="hotspot"][data-id="evil"]').getAttribute('aria-label');
  assert.equal(name, null, 'the name comes from text content, not an attribute');
  noErrors('hostile text');
});

test('a malformed annotation file gives a clear error, dip-error, and no hotspots', async () => {
  await page.evaluate(() => document.querySelector('dip-shoppable-video')!.setAttribute('src', '/bad.json'));
  await page.waitForFunction(() => (window as unknown as { dipEvents: { type: string }[] }).dipEvents.some((e) => e.type === 'dip-error'));
  const r = await page.evaluate(() => {
    const el = document.querySelector('dip-shoppable-video')!;
    const ev = (window as unknown as { dipEvents: { type: string; detail: unknown }[] }).dipEvents.find((e) => e.type === 'dip-error')!;
    return {
      error: el.error, event: ev.detail, hotspots: el.shadowRoot!.querySelectorAll('[part~="hotspot"]').length,
      shown: el.shadowRoot!.querySelector('[part~="error"]')?.textContent, hidden: el.shadowRoot!.querySelector<HTMLElement>('[part~="error"]')?.hidden,
    };
  });
  say(`error shown: ${r.shown}`);
  assert.deepEqual(r.event, r.error);
  assert.equal(r.error?.path, 'props[0].track[1].t');
  assert.match(r.error?.message ?? '', /^\/bad\.json: props\[0\]\.track\[1\]\.t: keyframe times must increase: 0 is not after 2$/);
  assert.equal(r.hotspots, 1, 'no hotspots from the rejected file (only the metadata track\'s mug)');
  assert.equal(r.hidden, false);
  assert.match(r.shown ?? '', /Annotations not loaded: .*props\[0\]\.track\[1\]\.t/);
  noErrors('malformed file');
});
