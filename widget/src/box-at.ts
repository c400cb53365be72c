import type { Box, Keyframe } from './annotations.ts';

/** A prop's box at one instant. */
export interface BoxAt extends Box { occluded: boolean }

/**
 * The prop's box at media time `t` (seconds), or `undefined` when the prop is not in frame.
 *
 * Semantics (CVAT-style tracks, see ANNOTATIONS.md): absent before the first keyframe; between two
 * in-frame keyframes the box is interpolated linearly; from an `outside` keyframe it is absent
 * until the next keyframe; before an `outside` keyframe without a box, and after the last
 * keyframe, it holds (toward an `outside` keyframe that has a box, it moves to that box).
 * `track` must be valid (times strictly increasing), as {@link parseAnnotations} guarantees.
 *
 * @example boxAt([{ t: 0, box: { x: 0, y: 0, w: 0.2, h: 0.2 } }, { t: 2, box: { x: 0.8, y: 0, w: 0.2, h: 0.2 } }], 1)
 * // → { x: 0.4, y: 0, w: 0.2, h: 0.2, occluded: false }
 */
export function boxAt(track: readonly Keyframe[], t: number): BoxAt | undefined {
  if (!Number.isFinite(t) || track.length === 0 || t < track[0]!.t) return undefined;
  // Binary search for the last keyframe at or before t.
  let lo = 0;
  let hi = track.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (track[mid]!.t <= t) lo = mid;
    else hi = mid - 1;
  }
  const a = track[lo]!;
  if (a.outside || !a.box) return undefined;
  const occluded = a.occluded === true;
  const b = track[lo + 1];
  if (!b || !b.box) return { ...a.box, occluded };
  const f = (t - a.t) / (b.t - a.t);
  const mix = (p: number, q: number): number => p + (q - p) * f;
  return { x: mix(a.box.x, b.box.x), y: mix(a.box.y, b.box.y), w: mix(a.box.w, b.box.w), h: mix(a.box.h, b.box.h), occluded };
}
