/**
 * "Find props in this frame" in the studio (demo-player/studio.html, built by Vite) in real
 * headless Chromium: the detector (`@vladmandic/human`'s CenterNet, COCO, its weights served from
 * the build — nothing fetched elsewhere) proposes a box on the harder clip's vase that agrees with
 * the truth (IoU ≥ 0.5, class "vase"); clicking it starts a track there, which then tracks forward.
 * Any page error fails it.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { Browser } from 'playwright-core';
import { launchChromium, PageErrors, serveStatic, staticFilesIn } from './harness.ts';
import { hardTruth } from '@dipnet/demo-player/scene/scene-hard';
import { iou } from '@dipnet/demo-player/scene/truth';
import { shownTruth, spanIous } from '@dipnet/demo-player/scene/track-score';
import { demuxWebm } from '@dipnet/demo-player/studio/tracking/webm-demux';
import type { StudioTrack } from '@dipnet/demo-player/studio/formats/track';

const DEMO = fileURLToPath(new URL('./', import.meta.resolve('@dipnet/demo-player/package.json')));
const FRAME = 225;

let site: Awaited<ReturnType<typeof serveStatic>> | undefined;
let browser: Browser | undefined;
let outDir = '';
const errors = new PageErrors();

before(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'dipnet-studio-detect-'));
  await build({ root: DEMO, configFile: join(DEMO, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  site = await serveStatic(await staticFilesIn(outDir));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await site?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

test('the detector proposes the vase; a click on the proposal starts a track that then tracks', async () => {
  const truth = shownTruth(hardTruth(), demuxWebm(await readFile(join(DEMO, 'public', 'scene-hard.webm'))).frames);
  const vase = truth.props.find((p) => p.id === 'vase')!;
  const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
  errors.watch(page, (m) => /\/demo-config\.json$/.test(m.location().url) && /404|Not Found/i.test(m.text()));
  await page.goto(`${site!.base}/studio.html?video=/scene-hard.webm&annotations=`);
  await page.waitForFunction(() => customElements.get('dip-studio') !== undefined);
  await page.evaluate((f) => document.querySelector('dip-studio')!.ready.then(() => document.querySelector('dip-studio')!.seekFrame(f)), FRAME);

  await page.getByRole('button', { name: 'Find props in this frame' }).click();
  await page.waitForFunction(() => document.querySelector('dip-studio')!.proposals.length > 0, undefined, { timeout: 120_000 });
  const proposals = await page.evaluate(() => document.querySelector('dip-studio')!.proposals.map((p) => ({ ...p })));
  console.log(`# proposals on frame ${FRAME}: ${proposals.map((p) => `${p.label} ${p.score.toFixed(2)}`).join(', ')}`);
  const k = proposals.findIndex((p) => p.label === 'vase' && iou(p.box, vase.frames[FRAME]!.box!) >= 0.5);
  assert.ok(k >= 0, 'a vase proposal on the vase');

  await page.locator(`dip-studio .proposal[data-proposal="${k}"]`).click();
  const track = await page.evaluate(() => JSON.parse(JSON.stringify(document.querySelector('dip-studio')!.tracks[0])) as StudioTrack);
  assert.equal(track.label, 'Vase');
  assert.deepEqual(track.keyframes, [{ frame: FRAME, box: proposals[k]!.box }]);
  assert.equal(await page.evaluate(() => document.querySelector('dip-studio')!.selectedIndex), 0);

  await page.keyboard.press('Shift+T');
  await page.waitForFunction(() => document.querySelector('dip-studio')!.tracking);
  await page.waitForFunction(() => !document.querySelector('dip-studio')!.tracking, undefined, { timeout: 60_000 });
  const tracked = await page.evaluate(() => JSON.parse(JSON.stringify(document.querySelector('dip-studio')!.tracks[0])) as StudioTrack);
  assert.equal(tracked.keyframes[0]!.frame, 0, 'tracked back to the first frame');
  const ious = spanIous(tracked, vase, 0, FRAME);
  assert.ok(ious.reduce((a, b) => a + b, 0) / ious.length >= 0.5, 'and stays on the vase');
  errors.none('detect');
  await page.close();
});
