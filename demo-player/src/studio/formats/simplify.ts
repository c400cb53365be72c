/**
 * Dense per-frame boxes (a MOT file, the sample scene's ground truth) to the fewest keyframes that
 * reproduce every frame under the widget's linear interpolation (`boxAt`).
 */
import type { Box, StudioKeyframe } from './track.ts';

export interface Sample {
  frame: number;
  box: Box;
  occluded?: boolean;
}

const close = (a: Box, b: Box, tol: number): boolean =>
  Math.abs(a.x - b.x) <= tol && Math.abs(a.y - b.y) <= tol && Math.abs(a.w - b.w) <= tol && Math.abs(a.h - b.h) <= tol;

const lerp = (a: Box, b: Box, f: number): Box => ({
  x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f, w: a.w + (b.w - a.w) * f, h: a.h + (b.h - a.h) * f,
});

/** Whether keyframes at run[a] and run[c] reproduce every sample between them. */
function fits(run: readonly Sample[], a: number, c: number, tol: number): boolean {
  const A = run[a]!;
  const C = run[c]!;
  for (let i = a + 1; i < c; i++) {
    const s = run[i]!;
    // `occluded` comes from the earlier keyframe, so it must hold over the whole span.
    if ((s.occluded ?? false) !== (A.occluded ?? false)) return false;
    if (!close(s.box, lerp(A.box, C.box, (s.frame - A.frame) / (C.frame - A.frame)), tol)) return false;
  }
  return true;
}

const key = (s: Sample): StudioKeyframe => (s.occluded ? { frame: s.frame, box: s.box, occluded: true } : { frame: s.frame, box: s.box });

/**
 * Keyframes for one object seen at `samples` (sorted by frame, one per frame). A gap of more than
 * `maxGap` frames means the object was out of frame: it gets an `outside` keyframe on the frame
 * after it was last seen, as does the end of its last run when that is before `lastFrame` (the
 * sequence's last frame), because a track otherwise holds its last box forever.
 * `tol` is in normalised units: every sample is reproduced within it.
 */
export function keyframesFromSamples(samples: readonly Sample[], lastFrame: number, tol = 1e-6, maxGap = 1): StudioKeyframe[] {
  const out: StudioKeyframe[] = [];
  let start = 0;
  while (start < samples.length) {
    let end = start;
    while (end + 1 < samples.length && samples[end + 1]!.frame - samples[end]!.frame <= maxGap) end++;
    const run = samples.slice(start, end + 1);
    out.push(key(run[0]!));
    let a = 0;
    while (a < run.length - 1) {
      let c = a + 1;
      while (c + 1 < run.length && fits(run, a, c + 1, tol)) c++;
      out.push(key(run[c]!));
      a = c;
    }
    // A box holds after a track's last keyframe and before a bare `outside`: a run that ends at
    // rest needs no keyframe on its last frame.
    const lastKf = out[out.length - 1]!;
    const before = out[out.length - 2];
    // (Every sample between them was reproduced by interpolating the two, so they all equal it.)
    if (before?.box && lastKf.box && before.frame >= run[0]!.frame && close(before.box, lastKf.box, tol) && (before.occluded ?? false) === (lastKf.occluded ?? false)) out.pop();
    const last = run[run.length - 1]!.frame;
    if (last < lastFrame) out.push({ frame: last + 1, outside: true });
    start = end + 1;
  }
  return out;
}
