/**
 * Regenerates the demo's sample scene, which ships in the repository (`public/scene.webm`, its
 * exact ground-truth annotations `public/scene.annotations.json` and `public/scene.vtt`), so that
 * `npm start` needs no browser. From nothing downloaded: records `drawScene` (a living room of
 * canvas shapes) in headless Chromium through canvas.captureStream + MediaRecorder, checks the
 * recording against the ground truth by sampling each prop's colour, and writes the annotations
 * from the same motion.
 *
 *   node --import tsx scripts/make-scene.ts [--annotations-only] [--hard]     (npm run make-scene -w demo-player)
 *
 * --annotations-only rewrites the annotations (after a change to the scene's motion or to the
 * exporters) without re-recording. Needs Debian's chromium (or CHROMIUM_PATH) for the video.
 * --hard makes the harder clip the tracker is measured on instead (`src/scene/scene-hard.ts`:
 * camera pan and zoom, a prop that grows, one hidden for a while, one that leaves and comes back):
 * `public/scene-hard.webm` and its per-frame ground truth `public/scene-hard.truth.json`. Its
 * frames are drawn one by one and encoded by ffmpeg (the static binary of the optional dependency
 * `@ffmpeg-installer/linux-x64`) at exact timestamps, so video frame n *is* truth frame n — a
 * real-time MediaRecorder take can be a frame off, which would blur a tracker's measurement.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import { PROPS, SCENE, rectAt } from '../src/scene/scene.ts';
import { HARD_PROPS, HARD_SCENE, hardTruth, toScreen } from '../src/scene/scene-hard.ts';
import { sceneAnnotations, shippedProducts } from '../src/scene/scene-annotations.ts';
import { setWebmDuration } from './webm-duration.ts';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { ffmpegBinary } from '@dipnet/test/browser/players-site';

export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
export const SCENE_FILES = {
  video: `${PUBLIC_DIR}scene.webm`,
  json: `${PUBLIC_DIR}scene.annotations.json`,
  vtt: `${PUBLIC_DIR}scene.vtt`,
} as const;

export const HARD_FILES = {
  video: `${PUBLIC_DIR}scene-hard.webm`,
  truth: `${PUBLIC_DIR}scene-hard.truth.json`,
} as const;

/** The harder clip's per-frame ground truth as shipped (one line per prop keeps diffs readable). */
export function hardTruthJson(): string {
  const t = hardTruth();
  const round = (v: number): number => Math.round(v * 1e6) / 1e6;
  const props = t.props.map((p) => JSON.stringify({
    ...p,
    frames: p.frames.map((f) => ({ ...f, visibility: round(f.visibility), box: f.box && { x: round(f.box.x), y: round(f.box.y), w: round(f.box.w), h: round(f.box.h) } })),
  }));
  const { props: _p, ...head } = t;
  return `${JSON.stringify(head).slice(0, -1)},"props":[\n${props.join(',\n')}\n]}\n`;
}

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
  return probeVideo(page, webm, SCENE, probes);
}

/** The harder clip's probes: a point of each prop's flat colour (world offset in its rectangle) at a moment it is fully seen. */
export async function checkHardVideo(page: Page, webm: Uint8Array): Promise<SceneVideoCheck> {
  const spec = [['book', 1.2, 3, 25, [0xc0, 0x39, 0x2b]], ['vase', 8.0, 23, 20, [0x2e, 0x8b, 0x57]], ['car', 0.8, 5, 12, [0x8e, 0x44, 0xad]], ['car', 8.5, 5, 12, [0x8e, 0x44, 0xad]]] as const;
  const probes = spec.map(([id, t, dx, dy, rgb]) => {
    const f = Math.round(t * HARD_SCENE.fps);
    const r = HARD_PROPS.find((q) => q.id === id)!.rect(f);
    const s = toScreen({ x: r.x + dx, y: r.y + dy, w: 0, h: 0 }, f);
    return { id, t, x: Math.round(s.x), y: Math.round(s.y), want: rgb };
  });
  return probeVideo(page, webm, HARD_SCENE, probes);
}

type Probe = { id: string; t: number; x: number; y: number; want: readonly number[] };

async function probeVideo(page: Page, webm: Uint8Array, size: { width: number; height: number }, probes: Probe[]): Promise<SceneVideoCheck> {
  const arg = { webm: Buffer.from(webm).toString('base64'), width: size.width, height: size.height, probes };
  type Seen = { id: string; t: number; want: readonly number[]; got: number[] };
  const r = await page.evaluate(`(${PROBE})(${JSON.stringify(arg)})`) as { duration: number; w: number; h: number; seen: Seen[] };
  return { duration: r.duration, w: r.w, h: r.h, probes: r.seen.length, mismatches: r.seen.filter((s) => s.want.some((c, i) => Math.abs(c - s.got[i]!) > 40)) };
}

interface Clip {
  entry: string;
  out: string;
  scene: { width: number; height: number; fps: number; frames: number };
  check: (page: Page, webm: Uint8Array) => Promise<SceneVideoCheck>;
  /** Drawn frame by frame and encoded by ffmpeg, instead of recorded in real time. */
  exact?: boolean;
}

// Runs in the page: draws frames [from, to) and returns each as a PNG data URL.
const FRAMES = `({ scene, from, to }) => {
  const c = document.createElement('canvas'); c.width = scene.width; c.height = scene.height;
  const g = c.getContext('2d');
  const out = [];
  for (let f = from; f < to; f++) { g.setTransform(1, 0, 0, 1, 0, 0); window.dipScene.drawScene(g, f); out.push(c.toDataURL('image/png')); }
  return out;
}`;

/** Draws every frame in the page and encodes them with ffmpeg (VP8, a key frame every 2 s). */
async function encodeFrames(page: Page, scene: Clip['scene']): Promise<Uint8Array> {
  const ffmpeg = await ffmpegBinary(tmpdir());
  const proc = spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'image2pipe', '-framerate', String(scene.fps), '-i', '-',
    '-c:v', 'libvpx', '-b:v', '900k', '-g', String(scene.fps * 2), '-auto-alt-ref', '0', '-pix_fmt', 'yuv420p', '-f', 'webm', '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  proc.stdout.on('data', (d: Buffer) => chunks.push(d));
  const exited = new Promise<number | null>((r) => proc.on('close', r));
  for (let from = 0; from < scene.frames; from += 25) {
    const urls = await page.evaluate(`(${FRAMES})(${JSON.stringify({ scene, from, to: Math.min(scene.frames, from + 25) })})`) as string[];
    for (const u of urls) if (!proc.stdin.write(Buffer.from(u.slice(u.indexOf(',') + 1), 'base64'))) await new Promise((r) => proc.stdin.once('drain', r));
  }
  proc.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg failed (exit ${code})`);
  return new Uint8Array(Buffer.concat(chunks));
}

const CLIPS = {
  scene: { entry: '../src/scene/scene.ts', out: SCENE_FILES.video, scene: SCENE, check: checkSceneVideo },
  hard: { entry: '../src/scene/scene-hard.ts', out: HARD_FILES.video, scene: HARD_SCENE, check: checkHardVideo, exact: true },
} satisfies Record<string, Clip>;

/** Records a clip's video in Chromium (about frames / fps seconds of real time). */
export async function recordVideo(log: (m: string) => void = console.log, which: keyof typeof CLIPS = 'scene'): Promise<void> {
  const clip: Clip = CLIPS[which];
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL(clip.entry, import.meta.url))],
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
      log(`${clip.exact ? 'drawing and encoding' : 'recording'} ${clip.scene.frames / clip.scene.fps} s of ${which} in Chromium${take > 1 ? ` (take ${take})` : ''}…`);
      const raw = clip.exact ? await encodeFrames(page, clip.scene)
        : new Uint8Array(Buffer.from(await page.evaluate(`(${RECORD})(${JSON.stringify({ scene: clip.scene })})`) as string, 'base64'));
      const check = await clip.check(page, raw);
      if (check.mismatches.length) {
        if (take >= 3) throw new Error(`the recording does not match the ground truth: ${JSON.stringify(check.mismatches)}`);
        log(`take ${take} does not match the ground truth (${JSON.stringify(check.mismatches)}); recording again`);
        continue;
      }
      const webm = setWebmDuration(raw, check.duration);
      await mkdir(PUBLIC_DIR, { recursive: true });
      await writeFile(clip.out, webm);
      log(`wrote ${clip.out}: ${check.w}×${check.h}, ${check.duration.toFixed(2)} s, ${(webm.length / 1024).toFixed(0)} KiB; ${check.probes} probe colours match the ground truth`);
      return;
    }
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--hard')) {
    await mkdir(PUBLIC_DIR, { recursive: true });
    await writeFile(HARD_FILES.truth, hardTruthJson());
    console.log(`wrote ${HARD_FILES.truth}`);
    if (!process.argv.includes('--annotations-only')) await recordVideo(console.log, 'hard');
  } else {
    await writeAnnotations();
    console.log(`wrote ${SCENE_FILES.json} and ${SCENE_FILES.vtt}`);
    if (!process.argv.includes('--annotations-only')) await recordVideo();
  }
}
