import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxAt } from './box-at.ts';
import type { Keyframe } from './annotations.ts';

const box = (x: number, y = 0.1, w = 0.2, h = 0.2) => ({ x, y, w, h });
const close = (got: ReturnType<typeof boxAt>, want: ReturnType<typeof boxAt>): void => {
  assert.ok(got && want, `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  for (const k of ['x', 'y', 'w', 'h'] as const) assert.ok(Math.abs(got[k] - want[k]) < 1e-12, `${k}: ${got[k]} vs ${want[k]}`);
  assert.equal(got.occluded, want.occluded);
};

const track: Keyframe[] = [
  { t: 1, box: box(0) },
  { t: 3, box: { x: 0.4, y: 0.3, w: 0.4, h: 0.6 }, occluded: true },
  { t: 4, outside: true },
  { t: 6, box: box(0.8) },
];

test('behavior: absent before the first keyframe', () => {
  assert.equal(boxAt(track, 0.999), undefined);
  close(boxAt(track, 1), { ...box(0), occluded: false });
});

test('behavior: linear interpolation between in-frame keyframes', () => {
  close(boxAt(track, 2), { x: 0.2, y: 0.2, w: 0.3, h: 0.4, occluded: false });
  close(boxAt(track, 1.5), { x: 0.1, y: 0.15, w: 0.25, h: 0.3, occluded: false });
  close(boxAt(track, 3), { x: 0.4, y: 0.3, w: 0.4, h: 0.6, occluded: true });
});

test('behavior: holds before an outside keyframe, absent from it until the next keyframe', () => {
  close(boxAt(track, 3.5), { x: 0.4, y: 0.3, w: 0.4, h: 0.6, occluded: true });
  assert.equal(boxAt(track, 4), undefined);
  assert.equal(boxAt(track, 5.999), undefined);
  close(boxAt(track, 6), { ...box(0.8), occluded: false });
});

test('behavior: holds after the last keyframe', () => {
  close(boxAt(track, 100), { ...box(0.8), occluded: false });
  close(boxAt([{ t: 0, box: box(0.5) }], 7), { ...box(0.5), occluded: false });
});

test('behavior: moves toward an outside keyframe that has a box, absent at it', () => {
  const exit: Keyframe[] = [{ t: 0, box: box(0) }, { t: 2, box: box(0.4), outside: true }];
  close(boxAt(exit, 1), { ...box(0.2), occluded: false });
  assert.equal(boxAt(exit, 2), undefined);
});

test('error: non-finite times and empty tracks give no box', () => {
  assert.equal(boxAt(track, Number.NaN), undefined);
  assert.equal(boxAt(track, Infinity), undefined);
  assert.equal(boxAt([], 1), undefined);
});

test('behavior: binary search agrees with a linear scan on a long track', () => {
  const long: Keyframe[] = Array.from({ length: 500 }, (_, i) => ({ t: i * 0.5, box: box((i % 10) / 20) }));
  for (const t of [0, 0.25, 13.3, 100.1, 249.5, 249.9]) {
    const i = Math.floor(t / 0.5);
    const a = long[i]!.box!;
    const b = long[i + 1]?.box ?? a;
    const f = long[i + 1] ? (t - i * 0.5) / 0.5 : 0;
    close(boxAt(long, t), { x: a.x + (b.x - a.x) * f, y: 0.1, w: 0.2, h: 0.2, occluded: false });
  }
});
