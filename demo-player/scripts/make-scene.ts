/**
 * Makes the demo's sample scene, here, from nothing downloaded: records `drawScene` (a living
 * room of canvas shapes) in headless Chromium through canvas.captureStream + MediaRecorder into
 * public/scene.webm, and writes its exact ground-truth annotations (public/scene.annotations.json
 * and public/scene.vtt, a WebVTT metadata track) from the same motion.
 *
 *   node --import tsx scripts/make-scene.ts [--if-missing | --force] [--annotations-only]
 *
 * --if-missing (npm run prepare-scene) does nothing when the files exist; --annotations-only
 * rewrites the annotations (e.g. after products were assigned) without re-recording.
 * Needs Debian's chromium (or CHROMIUM_PATH), like the browser tests.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { LAST_FRAME, PROPS, SCENE, groundTruth, rectAt, type ScenePropId } from '../src/scene/scene.ts';
import { SCENE_PRODUCTS } from '../src/scene/products.ts';
import { UNASSIGNED_PRODUCT } from '../src/studio/formats/product.ts';
import { exportJson, toAnnotationDocument } from '../src/studio/formats/widget-json.ts';
import { exportWebVtt } from '../src/studio/formats/webvtt.ts';
import { setWebmDuration } from './webm-duration.ts';

export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
export const SCENE_FILES = {
  video: `${PUBLIC_DIR}scene.webm`,
  json: `${PUBLIC_DIR}scene.annotations.json`,
  vtt: `${PUBLIC_DIR}scene.vtt`,
} as const;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DURATION = SCENE.frames / SCENE.fps;

const products = (): Record<ScenePropId, string> =>
  Object.fromEntries(Object.entries(SCENE_PRODUCTS).map(([id, p]) => [id, p || UNASSIGNED_PRODUCT])) as Record<ScenePropId, string>;

/** Writes the ground-truth annotations (JSON and WebVTT). */
export async function writeAnnotations(): Promise<void> {
  await mkdir(PUBLIC_DIR, { recursive: true });
  const tracks = groundTruth(products());
  await writeFile(SCENE_FILES.json, exportJson(tracks, SCENE.fps));
  await writeFile(SCENE_FILES.vtt, exportWebVtt(toAnnotationDocument(tracks, SCENE.fps), DURATION));
}

// Runs in the page: plays the scene in real time into a MediaRecorder, then checks the recording
// against the ground truth by sampling each prop's probe colour at a few times.
const RECORD = `async ({ scene, probes }) => {
  const c = document.createElement('canvas'); c.width = scene.width; c.height = scene.height;
  const g = c.getContext('2d');
  const rec = new MediaRecorder(c.captureStream(scene.fps), { mimeType: 'video/webm;codecs=vp8', videoBitsPerSecond: 600000 });
  const chunks = []; rec.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise((r) => { rec.onstop = r; });
  window.dipScene.drawScene(g, 0);
  rec.start(1000);
  const t0 = performance.now();
  let drawn = 0;
  await new Promise((done) => {
    const tick = () => {
      const f = Math.floor((performance.now() - t0) / 1000 * scene.fps);
      if (f >= scene.frames) return done();
      if (f !== drawn) { window.dipScene.drawScene(g, f); drawn = f; }
      requestAnimationFrame(tick);
    };
    tick();
  });
  rec.stop(); await stopped;
  const blob = new Blob(chunks, { type: 'video/webm' });
  const v = document.createElement('video'); v.muted = true; v.src = URL.createObjectURL(blob);
  await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
  if (!Number.isFinite(v.duration)) {
    v.currentTime = 1e101;
    await new Promise((r) => v.addEventListener('durationchange', r, { once: true }));
  }
  const duration = v.duration;
  const check = document.createElement('canvas'); check.width = scene.width; check.height = scene.height;
  const cg = check.getContext('2d', { willReadFrequently: true });
  const seen = [];
  for (const p of probes) {
    v.currentTime = p.t;
    await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    cg.drawImage(v, 0, 0);
    const d = cg.getImageData(p.x, p.y, 1, 1).data;
    seen.push({ ...p, got: [d[0], d[1], d[2]] });
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = ''; for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { webm: btoa(bin), duration, w: v.videoWidth, h: v.videoHeight, seen };
}`;

/** Records the scene video (about SCENE.frames / fps seconds of real time). */
export async function recordVideo(log: (m: string) => void = console.log): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('../src/scene/scene.ts', import.meta.url))],
    bundle: true, format: 'iife', globalName: 'dipScene', platform: 'browser', target: 'chrome120', write: false, logLevel: 'error',
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-background-timer-throttling', '--disable-renderer-backgrounding'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>scene</title>');
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    // Probe mid-way through motions and rests, away from stops, where a frame of jitter moves < 2 px.
    const probes = ([['jacket', 3.0], ['jacket', 6.5], ['mug', 5.0], ['mug', 9.0], ['chair', 10.0], ['lamp', 1.0]] as const).map(([id, t]) => {
      const p = PROPS.find((q) => q.id === id)!;
      const r = rectAt(p, t * SCENE.fps);
      return { id, t, x: Math.round(r.x + p.probe.dx), y: Math.round(r.y + p.probe.dy), want: p.probe.rgb };
    });
    type Recording = { webm: string; duration: number; w: number; h: number; seen: { id: string; t: number; want: number[]; got: number[] }[] };
    // Recording runs in real time: on a loaded machine a frame can be late, and a probe then sees
    // the wrong frame. Such a take is discarded and recorded again; three bad takes fail.
    let out: Recording | undefined;
    for (let take = 1; !out; take++) {
      log(`recording ${DURATION} s of the scene in Chromium${take > 1 ? ` (take ${take})` : ''}…`);
      const rec = await page.evaluate(`(${RECORD})(${JSON.stringify({ scene: SCENE, probes })})`) as Recording;
      const bad = rec.seen.filter((s) => s.want.some((c, i) => Math.abs(c - s.got[i]!) > 40));
      if (!bad.length) out = rec;
      else if (take >= 3) throw new Error(`the recording does not match the ground truth: ${JSON.stringify(bad)}`);
      else log(`take ${take} does not match the ground truth (${JSON.stringify(bad)}); recording again`);
    }
    const webm = setWebmDuration(new Uint8Array(Buffer.from(out.webm, 'base64')), out.duration);
    await mkdir(PUBLIC_DIR, { recursive: true });
    await writeFile(SCENE_FILES.video, webm);
    log(`wrote ${SCENE_FILES.video}: ${out.w}×${out.h}, ${out.duration.toFixed(2)} s, ${(webm.length / 1024).toFixed(0)} KiB; ${out.seen.length} probe colours match the ground truth`);
  } finally {
    await browser.close();
  }
}

/** Makes whatever is missing (or everything, with `force`). */
export async function prepareScene(opts: { force?: boolean; annotationsOnly?: boolean; log?: (m: string) => void } = {}): Promise<void> {
  const log = opts.log ?? console.log;
  if (opts.force || !existsSync(SCENE_FILES.json) || !existsSync(SCENE_FILES.vtt)) {
    await writeAnnotations();
    log(`wrote ${SCENE_FILES.json} and ${SCENE_FILES.vtt} (${PROPS.length} props, last frame ${LAST_FRAME})`);
  }
  if (!opts.annotationsOnly && (opts.force || !existsSync(SCENE_FILES.video))) await recordVideo(log);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = new Set(process.argv.slice(2));
  await prepareScene({ force: args.has('--force'), annotationsOnly: args.has('--annotations-only') });
}
