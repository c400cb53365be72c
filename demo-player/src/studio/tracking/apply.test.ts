import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRun, RUN_MEDIAN_RADIUS, RUN_MIN_IOU } from './apply.ts';
import { boxIou, medianRun } from './simplify-run.ts';
import { boxAtFrame } from '../model.ts';
import type { StudioTrack } from '../formats/track.ts';
import type { TrackRun } from './protocol.ts';

const track = (keyframes: StudioTrack['keyframes']): StudioTrack => ({ id: 'p', label: 'P', product: '', keyframes });
/** A box that moves right 2 px a frame until frame 20, then holds, with ±0.4 px of tracking jitter. */
const boxAt = (f: number) => ({ x: (100 + 2 * Math.min(f, 20) + (f % 2 ? 0.4 : -0.4)) / 640, y: 0.5, w: 0.1, h: 0.1 });
const run = (from: number, frames: number[], end: TrackRun['end'], endFrame: number, dir: 1 | -1 = 1): TrackRun =>
  ({ from, dir, boxes: frames.map((f) => ({ frame: f, box: boxAt(f), score: 0.9 })), end, endFrame, fps: 50 });

test('a run becomes keyframes only where the motion changes, within the IoU bound of every (filtered) tracked box', () => {
  const frames = Array.from({ length: 41 }, (_, i) => i);
  const out = applyRun(track([{ frame: 0, box: boxAt(0) }]), run(0, frames, 'end', 40));
  assert.ok(out.keyframes.length <= 4, `${out.keyframes.length} keyframes: ${out.keyframes.map((k) => k.frame)}`);
  const filtered = medianRun(run(0, frames, 'end', 40).boxes, RUN_MEDIAN_RADIUS);
  for (const f of frames) {
    assert.ok(boxIou(boxAtFrame(out, f)!, filtered[f]!.box) >= RUN_MIN_IOU - 1e-9, `frame ${f}`);
    assert.ok(Math.abs(boxAtFrame(out, f)!.x - boxAt(f).x) * 640 <= 2 + 1e-9, `frame ${f}`);
  }
});

test('a run that loses the prop marks that frame outside; later keyframes stay', () => {
  const later = { frame: 90, box: boxAt(90) };
  const out = applyRun(track([{ frame: 0, box: boxAt(0) }, later]), run(0, [0, 1, 2, 3, 4, 5], 'lost', 6));
  assert.deepEqual(out.keyframes.find((k) => k.frame === 6), { frame: 6, outside: true });
  assert.equal(boxAtFrame(out, 7), undefined);
  assert.deepEqual(out.keyframes[out.keyframes.length - 1], later);
});

test('backwards, a lost prop just starts the track later (no outside keyframe before it)', () => {
  const out = applyRun(track([{ frame: 30, box: boxAt(30) }]), run(30, [30, 29, 28, 27, 26, 25], 'outside', 24, -1));
  assert.equal(out.keyframes[0]!.frame, 25);
  assert.ok(out.keyframes.every((k) => !k.outside));
  assert.deepEqual(out.keyframes.find((k) => k.frame === 30), { frame: 30, box: boxAt(30) });
});
