import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxGiou, boxIou, lerpBox, medianRun, simplifyRun, type RunSample } from './simplify-run.ts';
import { applyRun } from './apply.ts';
import { boxAtFrame } from '../model.ts';
import type { Box } from '../formats/track.ts';
import type { TrackRun } from './protocol.ts';

/** A deterministic pseudo-random sequence (xorshift), so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Every dropped sample against the interpolation between the kept samples around it. */
function worstDropped(samples: readonly RunSample[], kept: readonly RunSample[]): number {
  let worst = 1;
  let j = 0;
  for (const s of samples) {
    while (j + 1 < kept.length && kept[j + 1]!.frame <= s.frame) j++;
    const a = kept[j]!;
    if (a.frame === s.frame) continue;
    const c = kept[j + 1]!;
    worst = Math.min(worst, boxIou(s.box, lerpBox(a.box, c.box, (s.frame - a.frame) / (c.frame - a.frame))));
  }
  return worst;
}

/** A jerky tracked motion: a walk with turns and stalls (repeated frames), a growing box, jitter. */
function jerky(seed: number, n: number, side: number): RunSample[] {
  const r = rng(seed);
  const out: RunSample[] = [];
  let x = 100, y = 80, w = side, h = side * 0.7, vx = 2, vy = 0;
  for (let f = 0; f < n; f++) {
    if (r() < 0.05) { vx = (r() - 0.5) * 8; vy = (r() - 0.5) * 6; }
    if (r() > 0.15) { x += vx; y += vy; w *= 1.004; h *= 1.004; } // else a repeated frame
    const j = side / 40; // tracker jitter: ±0.5 px on a 40 px box
    out.push({ frame: f, box: { x: x + (r() - 0.5) * j, y: y + (r() - 0.5) * j, w: w + (r() - 0.5) * j, h: h + (r() - 0.5) * j } });
  }
  return out;
}

test('every dropped frame stays within the IoU bound of its tracked box; the ends are kept', () => {
  for (const minIou of [0.85, 0.9, 0.95, 0.98]) {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      for (const side of [14, 40, 120]) {
        const samples = jerky(seed * 7919 + side, 300, side);
        const kept = simplifyRun(samples, minIou);
        assert.equal(kept[0], samples[0]);
        assert.equal(kept[kept.length - 1], samples[samples.length - 1]);
        assert.ok(kept.every((k, i) => i === 0 || k.frame > kept[i - 1]!.frame), 'in frame order, no duplicates');
        assert.ok(kept.every((k) => samples.includes(k)), 'keyframes are tracked boxes, not made up');
        const worst = worstDropped(samples, kept);
        assert.ok(worst >= minIou, `minIou ${minIou}, seed ${seed}, side ${side}: a dropped frame at IoU ${worst.toFixed(4)}`);
        // (With a tight bound on a small box, ±1 px of jitter alone can keep every frame.)
        if (minIou <= 0.9) assert.ok(kept.length < samples.length / 2, `minIou ${minIou}, side ${side}: ${kept.length} of ${samples.length} kept`);
      }
    }
  }
});

test('a tighter bound keeps every keyframe a looser one keeps (the splits do not depend on it)', () => {
  const samples = jerky(42, 300, 40);
  const sets = [0.8, 0.9, 0.95, 0.99].map((m) => new Set(simplifyRun(samples, m)));
  for (let i = 1; i < sets.length; i++) for (const k of sets[i - 1]!) assert.ok(sets[i]!.has(k), `frame ${k.frame}`);
  assert.ok(sets[0]!.size < sets[3]!.size);
});

test('a straight motion (moving, growing) collapses to its two ends', () => {
  const a: Box = { x: 10, y: 20, w: 30, h: 15 };
  const b: Box = { x: 400, y: 60, w: 90, h: 45 };
  const samples = Array.from({ length: 200 }, (_, f) => ({ frame: f, box: lerpBox(a, b, f / 199) }));
  assert.deepEqual(simplifyRun(samples, 0.999).map((s) => s.frame), [0, 199]);
  // Gaps in the frames are interpolated by frame, not by sample index.
  const sparse = samples.filter((s) => s.frame % 3 !== 2);
  assert.deepEqual(simplifyRun(sparse, 0.999).map((s) => s.frame), [0, 199]);
  // At rest, with a sub-pixel jitter, the same.
  const still = Array.from({ length: 100 }, (_, f) => ({ frame: f, box: { ...b, x: b.x + (f % 2) * 0.3 } }));
  assert.equal(simplifyRun(still, 0.95).length, 2);
});

test('a turn is kept where it happens', () => {
  const samples = Array.from({ length: 61 }, (_, f) => ({ frame: f, box: { x: f <= 30 ? 5 * f : 150, y: f <= 30 ? 100 : 100 + 5 * (f - 30), w: 40, h: 40 } }));
  assert.deepEqual(simplifyRun(samples, 0.95).map((s) => s.frame), [0, 30, 60]);
});

test('a small box is held as closely as a large one (the bound is IoU, not pixels)', () => {
  // A 14 px-high box that drifts up 2 px and back: a 2 px tolerance would drop it all.
  const samples = Array.from({ length: 21 }, (_, f) => ({ frame: f, box: { x: 500, y: 200 - 2 * Math.min(f, 20 - f) / 10, w: 44, h: 14 } }));
  const kept = simplifyRun(samples, 0.95);
  assert.ok(kept.length >= 3, `${kept.length}`);
  assert.ok(worstDropped(samples, kept) >= 0.95);
  // The same drift on a box ten times the size is within the bound: ends only.
  const big = samples.map((s) => ({ frame: s.frame, box: { ...s.box, w: 440, h: 140 } }));
  assert.equal(simplifyRun(big, 0.95).length, 2);
});

test('generalised IoU: IoU for nested-free overlaps, below 0 and ordered by distance when apart', () => {
  const a: Box = { x: 0, y: 0, w: 10, h: 10 };
  assert.equal(boxGiou(a, a), 1);
  assert.ok(Math.abs(boxGiou(a, { x: 5, y: 0, w: 10, h: 10 }) - (50 / 150 - 0)) < 1e-12);
  const near = boxGiou(a, { x: 20, y: 0, w: 10, h: 10 });
  const far = boxGiou(a, { x: 90, y: 0, w: 10, h: 10 });
  assert.ok(near < 0 && far < near && far > -1, `${near} ${far}`);
});

test('the running median drops one- and two-frame spikes, keeps monotone motion, steps and the ends exactly, and boxes in the picture', () => {
  const b = (x: number, w = 40): Box => ({ x, y: 100, w, h: 30 });
  // Stall-and-jump (a lagging recording), then a stop: monotone, so unchanged.
  const xs = [0, 0, 6, 6, 12, 18, 18, 24, 24, 24, 24, 24];
  const mono = xs.map((x, f) => ({ frame: f, box: b(x) }));
  assert.deepEqual(medianRun(mono, 2).map((s) => s.box.x), xs);
  // A still prop whose tracked width dithers, with a one-frame mismatch: flattened.
  const dither = [40, 41.2, 40, 38.8, 40, 41.2, 40, 38.8, 40, 40, 40];
  const xsp = [10, 10, 10, 10, 10, 30, 10, 10, 10, 10, 10];
  const still = dither.map((w, f) => ({ frame: f, box: b(xsp[f]! + 20 - w / 2, w) }));
  const out = medianRun(still, 2);
  for (let f = 2; f < still.length - 2; f++) {
    const c = out[f]!.box.x + out[f]!.box.w / 2;
    assert.ok(Math.abs(out[f]!.box.w - 40) <= 1.2 && Math.abs(c - 30) <= 0.6, `frame ${f}: ${JSON.stringify(out[f]!.box)}`);
  }
  assert.equal(out[0], still[0]);
  assert.equal(out[out.length - 1], still[still.length - 1]);
  // A dithering box that leaves the picture (normalised, cut at 1) stays in it.
  const leaving = Array.from({ length: 20 }, (_, f) => {
    const x = 0.8 + 0.01 * f + (f % 3 === 1 ? 0.004 : 0);
    return { frame: f, box: { x, y: 0.5, w: Math.min(0.15 + (f % 2) * 0.006, 1 - x), h: 0.1 } };
  });
  for (const o of medianRun(leaving, 2)) assert.ok(o.box.w > 0 && o.box.x >= 0 && o.box.x + o.box.w <= 1 + 1e-12, JSON.stringify(o.box));
  // A step (the prop jumps and stays) stays a step.
  const step = Array.from({ length: 12 }, (_, f) => ({ frame: f, box: b(f < 6 ? 0 : 50) }));
  assert.deepEqual(medianRun(step, 2).map((s) => s.box.x), step.map((s) => s.box.x));
});

test('short runs are kept whole', () => {
  const one = [{ frame: 3, box: { x: 1, y: 1, w: 1, h: 1 } }];
  assert.deepEqual(simplifyRun(one, 0.95), one);
  assert.deepEqual(simplifyRun([], 0.95), []);
});

test('a run that loses the prop keeps its last tracked frame and the outside marker after it', () => {
  // Moving straight, then lost: the straight part is two keyframes, then the stop.
  const box = (f: number): Box => ({ x: 0.1 + 0.01 * f, y: 0.4, w: 0.1, h: 0.1 });
  const frames = Array.from({ length: 30 }, (_, f) => f + 10);
  const run: TrackRun = { from: 10, dir: 1, boxes: frames.map((f) => ({ frame: f, box: box(f), score: 0.9 })), end: 'lost', endFrame: 40, fps: 60 };
  const out = applyRun({ id: 'p', label: 'P', product: '', keyframes: [{ frame: 10, box: box(10) }] }, run);
  assert.deepEqual(out.keyframes.map((k) => [k.frame, k.outside ?? false]), [[10, false], [39, false], [40, true]]);
  assert.ok(boxIou(boxAtFrame(out, 39)!, box(39)) > 0.999);
  assert.equal(boxAtFrame(out, 40), undefined);
  // Backwards, the run's earliest frame starts the track.
  const back: TrackRun = { ...run, from: 39, dir: -1, boxes: [...run.boxes].reverse(), end: 'outside', endFrame: 9 };
  const outBack = applyRun({ id: 'p', label: 'P', product: '', keyframes: [{ frame: 39, box: box(39) }] }, back);
  assert.deepEqual(outBack.keyframes.map((k) => k.frame), [10, 39]);
});
