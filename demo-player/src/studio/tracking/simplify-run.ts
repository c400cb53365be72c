/**
 * A tracking run's per-frame boxes reduced to keyframes, bounded by overlap rather than pixels:
 * a tracked box is dropped only when the studio's linear interpolation between the keyframes kept
 * around it overlaps it with IoU ≥ `minIou`. IoU does not depend on a prop's size, so a small
 * prop is held as closely as a large one, where a pixel tolerance on each edge either lets a small
 * box slide off or keeps every jitter of a large one.
 *
 * The reduction sees only the tracker's output. It is Ramer–Douglas–Peucker with IoU as the error:
 * between two kept samples, unless every sample in between is within the bound, the worst-fitting
 * one (by generalised IoU) is kept and both halves are reduced again, so keyframes land where the
 * motion turns rather than wherever a greedy reach happens to stop.
 */
import type { Box } from '../formats/track.ts';

export interface RunSample { frame: number; box: Box }

/** Intersection over union of two boxes (any units, the same for both). */
export function boxIou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : a.x === b.x && a.y === b.y ? 1 : 0;
}

/**
 * Generalised IoU (Rezatofighi et al., 2019): IoU less the share of the boxes' enclosing box that
 * neither covers. Equal to IoU for boxes that fill their enclosure, and still ordering boxes that
 * do not overlap at all (IoU 0) by how far apart they are.
 */
export function boxGiou(a: Box, b: Box): number {
  const cw = Math.max(a.x + a.w, b.x + b.w) - Math.min(a.x, b.x);
  const ch = Math.max(a.y + a.h, b.y + b.h) - Math.min(a.y, b.y);
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const union = a.w * a.h + b.w * b.h - ix * iy;
  const hull = cw * ch;
  return union > 0 && hull > 0 ? (ix * iy) / union - (hull - union) / hull : boxIou(a, b);
}

export const lerpBox = (a: Box, b: Box, t: number): Box => ({
  x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t, w: a.w + (b.w - a.w) * t, h: a.h + (b.h - a.h) * t,
});

/**
 * The run with each box's edges (left, top, right, bottom) replaced by their running medians over
 * 2 × `radius` + 1 frames (by sample; the window shrinks symmetrically at the ends, so the first
 * and last boxes are unchanged). A median drops the tracker's one- and two-frame dithering — its
 * scale search flipping between steps on a still prop, a frame's mismatch — and leaves any
 * monotone stretch exactly as tracked: a stall-and-jump motion, a start, a stop, a box shrinking
 * as it leaves the picture. (A mean would smear those, and the video shows them.) Each edge's
 * median is one of that edge's tracked values and each right edge is right of its left edge, so
 * the boxes stay in the picture and keep an area.
 */
export function medianRun<S extends RunSample>(samples: readonly S[], radius: number): S[] {
  const n = samples.length;
  const edges = [
    samples.map((s) => s.box.x), samples.map((s) => s.box.y),
    samples.map((s) => s.box.x + s.box.w), samples.map((s) => s.box.y + s.box.h),
  ] as const;
  return samples.map((s, i) => {
    const r = Math.min(radius, i, n - 1 - i);
    if (r <= 0) return s;
    const [x0, y0, x1, y1] = edges.map((v) => v.slice(i - r, i + r + 1).sort((a, b) => a - b)[r]!) as [number, number, number, number];
    return { ...s, box: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } };
  });
}

/**
 * The samples to keep as keyframes (a subset of `samples`, in frame order, first and last always
 * included) so that every dropped sample's box has IoU ≥ `minIou` with the interpolation, by frame,
 * between the kept samples on either side of it. `samples` must be sorted by frame.
 */
export function simplifyRun<S extends RunSample>(samples: readonly S[], minIou: number): S[] {
  const n = samples.length;
  if (n <= 2) return [...samples];
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  // An explicit stack: a long run must not recurse hundreds of calls deep.
  const stack: [number, number][] = [[0, n - 1]];
  while (stack.length) {
    const [a, c] = stack.pop()!;
    if (c - a < 2) continue;
    const A = samples[a]!;
    const C = samples[c]!;
    let worst = -1;
    let worstGiou = Infinity;
    let fits = true;
    for (let i = a + 1; i < c; i++) {
      const s = samples[i]!;
      const at = lerpBox(A.box, C.box, (s.frame - A.frame) / (C.frame - A.frame));
      if (boxIou(s.box, at) < minIou) fits = false;
      // The split goes where the interpolation is furthest off: by GIoU, which still tells apart
      // frames where it misses the box entirely (IoU 0 on all of them in a sharp turn).
      const g = boxGiou(s.box, at);
      if (g < worstGiou) { worstGiou = g; worst = i; }
    }
    if (fits) continue;
    keep[worst] = 1;
    stack.push([a, worst], [worst, c]);
  }
  return samples.filter((_, i) => keep[i] === 1);
}
