/**
 * The studio (`demo-player/studio.html`, built by Vite) in real headless Chromium on the sample
 * scene the project renders itself and ships (demo-player/public, made by scripts/make-scene.ts).
 *
 * Proves: the scene and its ground truth load; a box drawn by dragging starts a track; keyframes
 * set at two frames interpolate at a frame between them; F/D/K/O/R/E and Ctrl+Z/Ctrl+Shift+Z do
 * what CVAT users expect; a resize handle works; CVAT XML and MOT files import with pixel boxes
 * normalised; validation blocks export (bad product, box out of frame, the product hook) and then
 * the exported JSON parses with the widget's parseAnnotations and holds every track, and the
 * WebVTT export reads back to the same tracks. Any page error or console error fails the test.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { parseAnnotationText } from '@dipnet/widget/annotations';
import { checkSceneVideo, SCENE_FILES } from '@dipnet/demo-player/scripts/make-scene';
import { importWebVtt } from '@dipnet/demo-player/studio/formats/webvtt';
import { launchChromium, PageErrors, serveStatic, staticFilesIn } from './harness.ts';

const T0 = Date.now();
const say = (msg: string): void => console.log(`# [studio +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);
const DEMO = fileURLToPath(new URL('./', import.meta.resolve('@dipnet/demo-player/package.json')));
const SHOTS = '/tmp/dipnet-studio';
const FPS = 25;

// A CVAT "for video 1.1" export of a 1280×720 task: one track keyed at frames 5 and 30 (the
// interpolated frame 10 in between is dropped), outside at 40; the second box of the other track
// reaches past the right edge, as CVAT allows, so validation has something to clip.
const CVAT = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta><task><id>7</id><name>living room</name><size>375</size><mode>interpolation</mode>
    <labels><label><name>Sofa &amp; cushion</name></label><label><name>plant</name></label></labels>
    <original_size><width>1280</width><height>720</height></original_size></task></meta>
  <track id="0" label="Sofa &amp; cushion" source="manual">
    <box frame="5" outside="0" occluded="0" keyframe="1" xtl="128.00" ytl="72.00" xbr="384.00" ybr="360.00" z_order="0"></box>
    <box frame="10" outside="0" occluded="0" keyframe="0" xtl="140.00" ytl="72.00" xbr="396.00" ybr="360.00" z_order="0"></box>
    <box frame="30" outside="0" occluded="1" keyframe="1" xtl="640.00" ytl="360.00" xbr="896.00" ybr="648.00" z_order="0"></box>
    <box frame="40" outside="1" occluded="0" keyframe="1" xtl="640.00" ytl="360.00" xbr="896.00" ybr="648.00" z_order="0"></box>
  </track>
  <track id="1" label="plant" source="manual">
    <box frame="0" outside="0" occluded="0" keyframe="1" xtl="1100" ytl="100" xbr="1200" ybr="300"><attribute name="x">y</attribute></box>
    <box frame="20" outside="0" occluded="0" keyframe="1" xtl="1200" ytl="100" xbr="1300" ybr="300"></box>
  </track>
</annotations>`;

// MOT: id 7 moves 6.4 px/frame right over MOT frames 1–11 (one linear run: keyframes at studio
// frames 0 and 10); id 8 is seen on frames 1–3, missing 4–6, seen again 7–11.
const MOT = [
  ...Array.from({ length: 11 }, (_, i) => `${i + 1},7,${64 + 6.4 * i},36,64,72,1,-1,-1,-1`),
  ...[1, 2, 3, 7, 8, 9, 10, 11].map((f) => `${f},8,320,180,32,36,1,-1,-1,-1`),
].join('\n');

const PRODUCT = (n: number): string => n.toString(16).padStart(2, '0').repeat(32);

let site: Awaited<ReturnType<typeof serveStatic>> | undefined;
let browser: Browser | undefined;
let page: Page;
let outDir = '';
const errors = new PageErrors();
const noErrors = (step: string): void => errors.none(step);

type Kf = { frame: number; box?: { x: number; y: number; w: number; h: number }; outside?: boolean; occluded?: boolean };
type Track = { id: string; label: string; product: string; keyframes: Kf[] };

const tracks = (): Promise<Track[]> => page.evaluate(() => JSON.parse(JSON.stringify(document.querySelector('dip-studio')!.tracks)) as Track[]);
const frame = (): Promise<number> => page.evaluate(() => document.querySelector('dip-studio')!.frame);
/** Waits until a track with `id` exists (imports read the file asynchronously). */
const waitTrack = (id: string): Promise<unknown> => page.waitForFunction((i) => document.querySelector('dip-studio')!.tracks.some((t) => t.id === i), id);
const track = async (id: string): Promise<Track> => {
  const t = (await tracks()).find((x) => x.id === id);
  assert.ok(t, `track ${id} exists`);
  return t;
};

/** The overlay's page rectangle: normalised (x, y) → page pixels. */
async function toPage(x: number, y: number): Promise<{ x: number; y: number }> {
  const r = await page.locator('dip-studio .overlay').boundingBox();
  assert.ok(r);
  return { x: r.x + x * r.width, y: r.y + y * r.height };
}

async function drag(from: { x: number; y: number }, to: { x: number; y: number }, shift = false): Promise<void> {
  const a = await toPage(from.x, from.y);
  const b = await toPage(to.x, to.y);
  if (shift) await page.keyboard.down('Shift');
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
  if (shift) await page.keyboard.up('Shift');
}

/** The box of `id` as drawn on the overlay, normalised. */
async function shownBox(id: string): Promise<{ x: number; y: number; w: number; h: number } | null> {
  return page.evaluate((pid) => {
    const root = document.querySelector('dip-studio')!.shadowRoot!;
    const el = root.querySelector<HTMLElement>(`.box[data-id="${pid}"]`);
    const o = root.querySelector<HTMLElement>('.overlay')!.getBoundingClientRect();
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { x: (r.x - o.x) / o.width, y: (r.y - o.y) / o.height, w: r.width / o.width, h: r.height / o.height };
  }, id);
}

/** Waits until the video shows the editor's frame (seeks are asynchronous), for screenshots. */
async function settled(): Promise<void> {
  await page.waitForFunction(() => {
    const s = document.querySelector('dip-studio')!;
    const v = s.shadowRoot!.querySelector('video')!;
    return !v.seeking && Math.abs(v.currentTime - s.frame / 25) < 1e-3;
  });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

async function press(key: string, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
}

const near = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (±${tol})`);

before(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'dipnet-studio-'));
  await build({ root: DEMO, configFile: join(DEMO, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const served = await staticFilesIn(outDir);
  served['/'] = served['/index.html']!;
  say(`vite built the demo: ${Object.keys(served).length} files`);
  site = await serveStatic(served);
  browser = await launchChromium();
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page = await ctx.newPage();
  // Served without `npm start`, the studio's chain panel finds no /demo-config.json: that 404 is expected.
  errors.watch(page, (m) => /\/demo-config\.json$/.test(m.location().url) && /404|Not Found/i.test(m.text()));
  await page.goto(`${site.base}/studio.html`);
  await page.waitForFunction(() => customElements.get('dip-studio') !== undefined);
  await page.evaluate(() => document.querySelector('dip-studio')!.ready);
  await (await import('node:fs/promises')).mkdir(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await site?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

test('the built pages carry no way to derive devnet keys: the studio gets its one key from the demo server', async () => {
  const { readdir, readFile } = await import('node:fs/promises');
  const scripts = (await readdir(outDir, { recursive: true })).filter((f) => f.endsWith('.js'));
  assert.ok(scripts.length > 0);
  for (const f of scripts) {
    // devKey(name) = sha256("dipnet-devnet-key/" + name): that prefix in a bundle means every devnet key, validators' included.
    assert.ok(!(await readFile(join(outDir, f), 'utf8')).includes('dipnet-devnet-key/'), `${f} can derive devnet keys`);
  }
});

test('the shipped scene video decodes in Chromium and shows each prop where its ground truth says', async () => {
  const check = await checkSceneVideo(page, await readFile(SCENE_FILES.video));
  assert.deepEqual([check.w, check.h], [640, 360]);
  assert.ok(Math.abs(check.duration - 15) < 0.2, `duration ${check.duration}`);
  assert.ok(check.probes >= 6);
  assert.deepEqual(check.mismatches, []);
});

test('the studio opens the generated scene with its ground-truth tracks, and blocks export until products are set', async () => {
  const info = await page.evaluate(() => {
    const s = document.querySelector('dip-studio')!;
    const v = s.shadowRoot!.querySelector('video')!;
    return { w: v.videoWidth, h: v.videoHeight, last: s.lastFrame, errors: s.errors.map((e) => e.message) };
  });
  say(`scene ${info.w}×${info.h}, last frame ${info.last}; ${info.errors.length} blocking problem(s)`);
  assert.deepEqual([info.w, info.h], [640, 360]);
  assert.ok(info.last >= 360 && info.last <= 376, `about 15 s at 25 fps (${info.last})`);
  assert.deepEqual((await tracks()).map((t) => t.id), ['lamp', 'mug', 'chair', 'jacket']);
  assert.equal(info.errors.length, 4);
  assert.match(info.errors[0]!, /Track "lamp": no product/);
  assert.equal(await page.locator('dip-studio button', { hasText: 'Export JSON' }).isDisabled(), true);
  // The mug's ground truth at 5 s: sliding along the table (x 372 → 500 px over frames 75–175).
  await page.evaluate(() => document.querySelector('dip-studio')!.seekFrame(125));
  const mug = await shownBox('mug');
  assert.ok(mug);
  near(mug.x * 640, 436, 1.5, 'mug x (px) at frame 125');
  await settled();
  await page.screenshot({ path: `${SHOTS}/studio-scene.png` });
  noErrors('load');
});

test('drawing a box starts a track; keyframes at two frames interpolate between them', async () => {
  await page.evaluate(() => document.querySelector('dip-studio')!.seekFrame(20));
  // Draw around the picture on the wall (84..176 × 36..104 px of 640×360).
  await drag({ x: 84 / 640, y: 36 / 360 }, { x: 176 / 640, y: 104 / 360 });
  const t = await track('prop-5');
  assert.equal(t.keyframes.length, 1);
  assert.equal(t.keyframes[0]!.frame, 20);
  const b = t.keyframes[0]!.box!;
  near(b.x, 84 / 640, 0.004, 'drawn x'); near(b.y, 36 / 360, 0.004, 'drawn y');
  near(b.w, 92 / 640, 0.004, 'drawn w'); near(b.h, 68 / 360, 0.004, 'drawn h');
  assert.equal(await page.evaluate(() => document.querySelector('dip-studio')!.selectedIndex), 4, 'the new track is selected');

  await press('f', 40); // F: next frame
  assert.equal(await frame(), 60);
  // Drag the box body 0.25 right and 0.2 down: a keyframe on frame 60.
  await drag({ x: b.x + b.w / 2, y: b.y + b.h / 2 }, { x: b.x + b.w / 2 + 0.25, y: b.y + b.h / 2 + 0.2 });
  const moved = await track('prop-5');
  assert.deepEqual(moved.keyframes.map((k) => k.frame), [20, 60]);
  const b2 = moved.keyframes[1]!.box!;
  near(b2.x - b.x, 0.25, 0.004, 'moved by dx'); near(b2.y - b.y, 0.2, 0.004, 'moved by dy');

  await press('d', 20); // D: previous frame
  assert.equal(await frame(), 40);
  const mid = await shownBox('prop-5');
  assert.ok(mid, 'shown between keyframes');
  say(`frame 40: box at (${mid.x.toFixed(4)}, ${mid.y.toFixed(4)}), keyframes at (${b.x.toFixed(4)}, ${b.y.toFixed(4)}) and (${b2.x.toFixed(4)}, ${b2.y.toFixed(4)})`);
  near(mid.x, (b.x + b2.x) / 2, 0.003, 'interpolated x at the middle frame');
  near(mid.y, (b.y + b2.y) / 2, 0.003, 'interpolated y at the middle frame');
  near(mid.w, b.w, 0.003, 'width holds');
  assert.equal(await page.locator('dip-studio [data-testid="kf-state"]').textContent(), 'interpolated');
  noErrors('draw and interpolate');
});

test('R/E jump between keyframes, K toggles a keyframe, O outside, and the resize handle keys a box', async () => {
  await press('e');
  assert.equal(await frame(), 20, 'E: previous keyframe');
  await press('r');
  assert.equal(await frame(), 60, 'R: next keyframe');
  await press('d', 20);
  await press('k');
  assert.deepEqual((await track('prop-5')).keyframes.map((k) => k.frame), [20, 40, 60], 'K adds a keyframe with the interpolated box');
  await press('k');
  assert.deepEqual((await track('prop-5')).keyframes.map((k) => k.frame), [20, 60], 'K again removes it');

  await press('r'); // frame 60
  await press('f', 5); // frame 65
  await press('o');
  let kfs = (await track('prop-5')).keyframes;
  assert.deepEqual(kfs.map((k) => [k.frame, k.outside ?? false]), [[20, false], [60, false], [65, true]]);
  assert.equal(await shownBox('prop-5'), null, 'outside: no box from frame 65');
  await press('d');
  assert.ok(await shownBox('prop-5'), 'still in frame on 64');

  // Resize with the south-east handle on frame 60.
  await press('e'); // 60
  const before60 = (await track('prop-5')).keyframes[1]!.box!;
  const se = page.locator('dip-studio .box.selected .handle[data-handle="se"]');
  const h = await se.boundingBox();
  assert.ok(h);
  const o = await page.locator('dip-studio .overlay').boundingBox();
  await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
  await page.mouse.down();
  await page.mouse.move(h.x + h.width / 2 + 0.05 * o!.width, h.y + h.height / 2 + 0.05 * o!.height, { steps: 5 });
  await page.mouse.up();
  kfs = (await track('prop-5')).keyframes;
  near(kfs[1]!.box!.w - before60.w, 0.05, 0.004, 'resized width');
  near(kfs[1]!.box!.h - before60.h, 0.05, 0.004, 'resized height');
  near(kfs[1]!.box!.x, before60.x, 1e-9, 'the north-west corner stays');
  noErrors('shortcuts');
});

test('Ctrl+Z undoes and Ctrl+Shift+Z redoes, one command at a time', async () => {
  const resized = (await track('prop-5')).keyframes[1]!.box!;
  await press('Control+z');
  const undone = (await track('prop-5')).keyframes[1]!.box!;
  assert.notDeepEqual(undone, resized, 'the resize is undone');
  await press('Control+z');
  assert.deepEqual((await track('prop-5')).keyframes.map((k) => k.frame), [20, 60], 'the outside keyframe is undone');
  await press('Control+Shift+z');
  await press('Control+Shift+z');
  assert.deepEqual((await track('prop-5')).keyframes[1]!.box, resized, 'both redone');
  assert.equal((await track('prop-5')).keyframes[2]!.outside, true);
  noErrors('undo/redo');
});

test('CVAT XML and MOT files import with pixel boxes normalised to the frame', async () => {
  const input = page.locator('dip-studio input[type="file"]');
  await input.setInputFiles({ name: 'living-room.xml', mimeType: 'application/xml', buffer: Buffer.from(CVAT) });
  await waitTrack('plant-1');
  const sofa = await track('sofa-cushion-0');
  assert.equal(sofa.label, 'Sofa & cushion');
  assert.deepEqual(sofa.keyframes, [
    { frame: 5, box: { x: 0.1, y: 0.1, w: 0.2, h: 0.4 } },
    { frame: 30, box: { x: 0.5, y: 0.5, w: 0.2, h: 0.4 }, occluded: true },
    { frame: 40, box: { x: 0.5, y: 0.5, w: 0.2, h: 0.4 }, outside: true },
  ]);
  const plant = await track('plant-1');
  near(plant.keyframes[1]!.box!.x + plant.keyframes[1]!.box!.w, 1300 / 1280, 1e-9, 'CVAT box past the edge kept as is');

  await input.setInputFiles({ name: 'tracker.txt', mimeType: 'text/plain', buffer: Buffer.from(MOT) });
  await waitTrack('mot-8');
  const m7 = await track('mot-7');
  assert.deepEqual(m7.keyframes.map((k) => k.frame), [0, 10], 'a linear MOT run is two keyframes');
  near(m7.keyframes[1]!.box!.x, 128 / 640, 1e-9, 'MOT x normalised by the video width');
  near(m7.keyframes[0]!.box!.h, 72 / 360, 1e-9, 'MOT h normalised by the video height');
  const m8 = await track('mot-8');
  assert.deepEqual(m8.keyframes.map((k) => [k.frame, k.outside ?? false]), [[0, false], [3, true], [6, false]], 'missing frames become outside');
  const notes = await page.locator('dip-studio .notes').textContent();
  assert.match(notes ?? '', /Imported 2 track\(s\) from tracker\.txt \(MOT\)/);
  noErrors('imports');
});

test('validation blocks export until fixed; the exported JSON parses with parseAnnotations; WebVTT reads back', async () => {
  const all = await tracks();
  // Give every track a product through the UI; one malformed first.
  for (const [i, t] of all.entries()) {
    await page.locator('dip-studio .tracks button').nth(i).click();
    const field = page.locator('dip-studio input[name="product"]');
    await field.fill(i === 0 ? 'not-a-product' : PRODUCT(i + 1));
    await field.press('Enter');
    assert.equal((await track(t.id)).product, i === 0 ? 'not-a-product' : PRODUCT(i + 1));
  }
  let errors = await page.evaluate(() => document.querySelector('dip-studio')!.errors.map((e) => e.message));
  assert.ok(errors.some((m) => /Track "lamp": "not-a-product" is not a product id \(64 lowercase hex\)/.test(m)), errors.join('\n'));
  assert.ok(errors.some((m) => /Track "plant-1", frame 20 \(0\.80 s\): the box leaves the frame/.test(m)), errors.join('\n'));
  assert.equal(await page.locator('dip-studio button', { hasText: 'Export JSON' }).isDisabled(), true);
  await page.screenshot({ path: `${SHOTS}/studio-validation.png` });

  await page.locator('dip-studio .tracks button').first().click();
  await page.locator('dip-studio input[name="product"]').fill(PRODUCT(1));
  await page.locator('dip-studio input[name="product"]').press('Enter');
  await page.locator('dip-studio button', { hasText: 'Clip boxes to the frame' }).click();

  // The pluggable product check: a product the "chain" does not know blocks export.
  await page.evaluate((bad) => {
    document.querySelector('dip-studio')!.validateProduct = (p) => Promise.resolve(p === bad ? 'no such product on chain' : null);
  }, PRODUCT(2));
  await page.waitForFunction(() => document.querySelector('dip-studio')!.errors.length === 1);
  errors = await page.evaluate(() => document.querySelector('dip-studio')!.errors.map((e) => e.message));
  assert.deepEqual(errors, ['Track "mug": no such product on chain']);
  await page.evaluate(() => { document.querySelector('dip-studio')!.validateProduct = () => Promise.resolve(null); });
  await page.waitForFunction(() => document.querySelector('dip-studio')!.errors.length === 0);

  await page.locator('dip-studio .tracks button').nth(4).click();
  await page.evaluate(() => document.querySelector('dip-studio')!.seekFrame(40));
  await settled();
  await page.screenshot({ path: `${SHOTS}/studio-ready.png` });
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('dip-studio button', { hasText: 'Export JSON' }).click()]);
  const text = await readFile((await download.path())!, 'utf8');
  const doc = parseAnnotationText(text, download.suggestedFilename());
  assert.deepEqual(doc.props.map((p) => p.id), ['lamp', 'mug', 'chair', 'jacket', 'prop-5', 'sofa-cushion-0', 'plant-1', 'mot-7', 'mot-8']);
  const drawn = doc.props.find((p) => p.id === 'prop-5')!;
  assert.deepEqual(drawn.track.map((k) => [k.t, k.outside ?? false]), [[20 / FPS, false], [60 / FPS, false], [65 / FPS, true]]);
  assert.equal(drawn.product.contract, PRODUCT(5), 'the product id is the contract id');
  assert.ok(doc.props.every((p) => p.track.every((k) => !k.box || k.box.x + k.box.w <= 1 + 1e-9)), 'all boxes in frame');
  say(`exported ${text.length} bytes of JSON: ${doc.props.length} props, parsed by the widget`);

  const [vtt, duration] = await page.evaluate(() => {
    const studio = document.querySelector('dip-studio')!;
    return [studio.exportVtt(), studio.shadowRoot!.querySelector('video')!.duration] as const;
  });
  const back = importWebVtt(vtt, FPS, 'export.vtt', duration);
  assert.deepEqual(back.tracks.map((t) => t.id), doc.props.map((p) => p.id), 'WebVTT export reads back to the same tracks, in order');
  assert.deepEqual(back.warnings, [], 'with no warning (no keyframe moved, no extra outside keyframe at the end)');
  assert.deepEqual(back.tracks.find((t) => t.id === 'prop-5')!.keyframes.map((k) => k.frame), [20, 60, 65], 'and the same keyframes');
  noErrors('export');
});
