/**
 * Regenerates the demo's sample scene, which ships in the repository (`public/scene.webm`, its
 * exact ground-truth annotations `public/scene.annotations.json` and `public/scene.vtt`), so that
 * `npm start` needs no browser. From nothing downloaded: records `drawScene` (a living room of
 * canvas shapes) in headless Chromium through canvas.captureStream + MediaRecorder, checks the
 * recording against the ground truth by sampling each prop's colour, and writes the annotations
 * from the same motion.
 *
 *   node --import tsx scripts/make-scene.ts [--annotations-only]     (npm run make-scene -w demo-player)
 *
 * --annotations-only rewrites the annotations (after a change to the scene's motion or to the
 * exporters) without re-recording. Needs Debian's chromium (or CHROMIUM_PATH) for the video.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import { PROPS, SCENE, rectAt } from '../src/scene/scene.ts';
import { SCENE_DURATION_S, sceneAnnotations, shippedProducts } from '../src/scene/scene-annotations.ts';
import { setWebmDuration } from './webm-duration.ts';

export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
export const SCENE_FILES = {
  video: `${PUBLIC_DIR}scene.webm`,
  json: `${PUBLIC_DIR}scene.annotations.json`,
  vtt: `${PUBLIC_DIR}scene.vtt`,
} as const;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Writes the ground-truth annotations (JSON and WebVTT) that ship with the scene. */
export async function writeAnnotations(): Promise<void> {
  const { json, vtt } = sceneAnnotations(shippedProducts());
  await mkdir(PUBLIC_DIR, { recursive: true });
  await writeFile(SCENE_FILES.json, json);
  await writeFile(SCENE_FILES.vtt, vtt);
}

// Runs in the page: plays the scene in real time into a MediaRecorder.
const RECORD = `async ({ scene }) => {
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
  const bytes = new Uint8Array(await new Blob(chunks, { type: 'video/webm' }).arrayBuffer());
  let bin = ''; for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}`;

// Runs in the page: decodes a WebM and samples one pixel per probe at its time.
const PROBE = `async ({ webm, width, height, probes }) => {
  const bytes = Uint8Array.from(atob(webm), (c) => c.charCodeAt(0));
  const v = document.createElement('video'); v.muted = true; v.src = URL.createObjectURL(new Blob([bytes], { type: 'video/webm' }));
  await new Promise((r, j) => { v.addEventListener('loadedmetadata', r, { once: true }); v.addEventListener('error', () => j(new Error('the video does not decode')), { once: true }); });
  if (!Number.isFinite(v.duration)) {
    v.currentTime = 1e101;
    await new Promise((r) => v.addEventListener('durationchange', r, { once: true }));
  }
  const check = document.createElement('canvas'); check.width = width; check.height = height;
  const cg = check.getContext('2d', { willReadFrequently: true });
  const seen = [];
  for (const p of probes) {
    v.currentTime = p.t;
    await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    cg.drawImage(v, 0, 0);
    const d = cg.getImageData(p.x, p.y, 1, 1).data;
    seen.push({ ...p, got: [d[0], d[1], d[2]] });
  }
  return { duration: v.duration, w: v.videoWidth, h: v.videoHeight, seen };
}`;

export interface SceneVideoCheck {
  duration: number;
  w: number;
  h: number;
  /** Probes whose pixel is not the prop's colour (±40 per channel): empty when the video matches. */
  mismatches: { id: string; t: number; want: readonly number[]; got: number[] }[];
  probes: number;
}

/**
 * Checks a WebM against the scene's ground truth in a browser page: each prop's probe colour,
 * sampled mid-way through motions and rests (away from stops, where a frame of jitter moves < 2 px).
 */
export async function checkSceneVideo(page: Page, webm: Uint8Array): Promise<SceneVideoCheck> {
  const probes = ([['jacket', 3.0], ['jacket', 6.5], ['mug', 5.0], ['mug', 9.0], ['chair', 10.0], ['lamp', 1.0]] as const).map(([id, t]) => {
    const p = PROPS.find((q) => q.id === id)!;
    const r = rectAt(p, t * SCENE.fps);
    return { id, t, x: Math.round(r.x + p.probe.dx), y: Math.round(r.y + p.probe.dy), want: p.probe.rgb };
  });
  const arg = { webm: Buffer.from(webm).toString('base64'), width: SCENE.width, height: SCENE.height, probes };
  type Seen = { id: string; t: number; want: readonly number[]; got: number[] };
  const r = await page.evaluate(`(${PROBE})(${JSON.stringify(arg)})`) as { duration: number; w: number; h: number; seen: Seen[] };
  return { duration: r.duration, w: r.w, h: r.h, probes: r.seen.length, mismatches: r.seen.filter((s) => s.want.some((c, i) => Math.abs(c - s.got[i]!) > 40)) };
}

/** Records the scene video in Chromium (about SCENE.frames / fps seconds of real time). */
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
    // Recording runs in real time: on a loaded machine a frame can be late, and a probe then sees
    // the wrong frame. Such a take is discarded and recorded again; three bad takes fail.
    for (let take = 1; ; take++) {
      log(`recording ${SCENE_DURATION_S} s of the scene in Chromium${take > 1 ? ` (take ${take})` : ''}…`);
      const raw = new Uint8Array(Buffer.from(await page.evaluate(`(${RECORD})(${JSON.stringify({ scene: SCENE })})`) as string, 'base64'));
      const check = await checkSceneVideo(page, raw);
      if (check.mismatches.length) {
        if (take >= 3) throw new Error(`the recording does not match the ground truth: ${JSON.stringify(check.mismatches)}`);
        log(`take ${take} does not match the ground truth (${JSON.stringify(check.mismatches)}); recording again`);
        continue;
      }
      const webm = setWebmDuration(raw, check.duration);
      await mkdir(PUBLIC_DIR, { recursive: true });
      await writeFile(SCENE_FILES.video, webm);
      log(`wrote ${SCENE_FILES.video}: ${check.w}×${check.h}, ${check.duration.toFixed(2)} s, ${(webm.length / 1024).toFixed(0)} KiB; ${check.probes} probe colours match the ground truth`);
      return;
    }
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeAnnotations();
  console.log(`wrote ${SCENE_FILES.json} and ${SCENE_FILES.vtt}`);
  if (!process.argv.includes('--annotations-only')) await recordVideo();
}
