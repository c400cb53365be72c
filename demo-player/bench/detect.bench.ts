/**
 * The studio's detector ("Find props in this frame": `@vladmandic/human`'s CenterNet, COCO) in
 * real headless Chromium through the built studio, on frames of both generated clips, against
 * their exact truth:
 * - studio.detect_recall_iou50: props of a COCO class on screen (visibility ≥ 0.5) with a proposal
 *   of that class at IoU ≥ 0.5;
 * - studio.detect_recall_any_class_iou50: the same, any class (a box the annotator can accept and rename);
 * - studio.detect_ms: time per frame (software WebGL in headless Chromium here; a GPU is far faster).
 *
 * Run: npm run bench -w demo-player (or node --import tsx bench/detect.bench.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { launchChromium, serveStatic, staticFilesIn } from '@dipnet/test/browser/harness';
import { iou, sceneTruth, ON_SCREEN } from '../src/scene/truth.ts';
import { hardTruth } from '../src/scene/scene-hard.ts';
import { shownTruth } from '../src/scene/track-score.ts';
import { demuxWebm } from '../src/studio/tracking/webm-demux.ts';
import { PROP_CLASSES } from '../src/studio/detect/coco.ts';
import type { Proposal } from '../src/studio/detect/protocol.ts';

const DEMO = fileURLToPath(new URL('../', import.meta.url));
const log = (m: string): void => console.error(`# ${m}`);
/** Frames looked at: every 75th (a detection takes seconds on this machine's software WebGL). */
const EVERY = 75;

const outDir = await mkdtemp(join(tmpdir(), 'dipnet-detect-bench-'));
await build({ root: DEMO, configFile: join(DEMO, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
const site = await serveStatic(await staticFilesIn(outDir));
const browser = await launchChromium();
let props = 0;
let found = 0;
let foundAny = 0;
let ms = 0;
let frames = 0;
try {
  for (const [raw, video] of [[sceneTruth(), 'scene.webm'], [hardTruth(), 'scene-hard.webm']] as const) {
    const truth = shownTruth(raw, demuxWebm(await readFile(join(DEMO, 'public', video))).frames);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${site.base}/studio.html?video=/${video}&annotations=`);
    await page.waitForFunction(() => customElements.get('dip-studio') !== undefined);
    await page.evaluate(() => document.querySelector('dip-studio')!.ready);
    for (let f = 0; f < truth.frames; f += EVERY) {
      const t0 = Date.now();
      const proposals = await page.evaluate(async (frame) => {
        const s = document.querySelector('dip-studio')!;
        s.seekFrame(frame);
        return s.findProps();
      }, f) as Proposal[] | null;
      if (!proposals) throw new Error(`the detector failed on ${video} frame ${f}`);
      if (frames > 0) ms += Date.now() - t0; // the first includes loading the model
      frames++;
      const seen: string[] = [];
      for (const p of truth.props) {
        const t = p.frames[f]!;
        const cls = PROP_CLASSES[p.id];
        if (!cls || !t.box || t.visibility < ON_SCREEN) continue;
        props++;
        const hit = proposals.some((q) => q.label === cls && iou(q.box, t.box!) >= 0.5);
        const any = proposals.some((q) => iou(q.box, t.box!) >= 0.5);
        if (hit) found++;
        if (any) foundAny++;
        seen.push(`${p.id}${hit ? ' ✓' : any ? ' ~' : ' ✗'}`);
      }
      log(`${truth.name} frame ${f}: ${seen.join(', ')} — proposals ${proposals.map((q) => `${q.label} ${q.score.toFixed(2)}`).join(', ')}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  await site.close();
  await rm(outDir, { recursive: true, force: true });
}
const bench = (name: string, value: number, unit: string): void => console.log(`BENCH ${JSON.stringify({ name, value, unit })}`);
bench('studio.detect_recall_iou50', Number((found / props).toFixed(3)), `of ${props} COCO-class props on screen`);
bench('studio.detect_recall_any_class_iou50', Number((foundAny / props).toFixed(3)), `of ${props}`);
bench('studio.detect_ms', Math.round(ms / Math.max(1, frames - 1)), 'ms/frame');
