/**
 * How a track compares with a clip's per-frame truth: the tracker's benchmark and tests score with
 * these. Frames where a prop is partly seen (0 < visibility < ON_SCREEN) are scored neither way.
 */
import { boxAtFrame } from '../studio/model.ts';
import type { Box, StudioTrack } from '../studio/formats/track.ts';
import { frameIndexAt, type EncodedFrame } from '../studio/tracking/webm-demux.ts';
import { iou, ON_SCREEN, type PropTruth, type SceneTruth } from './truth.ts';

/**
 * The truth of what the studio shows on each frame of a video: the sample scene was recorded in
 * real time and its frame timestamps jitter, so studio frame f can show recorded frame f − 1.
 * Recorded frame i is drawn frame i, which needs exactly one recorded frame per drawn one.
 */
export function shownTruth(t: SceneTruth, frames: readonly EncodedFrame[]): SceneTruth {
  if (frames.length !== t.frames) throw new Error(`${t.name}: the video has ${frames.length} frames, its truth ${t.frames}`);
  return { ...t, props: t.props.map((p) => ({ ...p, frames: p.frames.map((_, f) => ({ ...p.frames[frameIndexAt(frames, f, t.fps)]!, frame: f })) })) };
}

/** IoU of the track's box with the truth on each frame of [first, last] (0 where the track shows none). */
export function spanIous(track: StudioTrack, truth: PropTruth, first: number, last: number): number[] {
  const out: number[] = [];
  for (let f = first; f <= last; f++) {
    const t = truth.frames[f]!;
    if (!t.box || t.visibility < ON_SCREEN) continue;
    const b = boxAtFrame(track, f);
    out.push(b ? iou(b, t.box) : 0);
  }
  return out;
}

/** Frames where the track shows a box while the prop cannot be seen at all (out of the picture or wholly hidden). */
export function lostFrames(track: StudioTrack, truth: PropTruth): number[] {
  return truth.frames.filter((t) => t.visibility === 0 && boxAtFrame(track, t.frame) !== undefined).map((t) => t.frame);
}

const lerp = (a: Box, b: Box, f: number): Box => ({ x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f, w: a.w + (b.w - a.w) * f, h: a.h + (b.h - a.h) * f });

/**
 * Keyframes a person needs by hand so that the interpolated track has IoU ≥ `min` on every frame
 * of the span [first, last]: greedily, each keyframe reaches as far as interpolation stays good.
 */
export function handKeyframes(truth: PropTruth, first: number, last: number, min: number): number {
  const box = (f: number): Box => truth.frames[f]!.box!;
  let n = 1;
  let a = first;
  while (a < last) {
    let c = a + 1;
    const ok = (end: number): boolean => {
      for (let f = a + 1; f < end; f++) if (iou(lerp(box(a), box(end), (f - a) / (end - a)), box(f)) < min) return false;
      return true;
    };
    while (c + 1 <= last && ok(c + 1)) c++;
    n++;
    a = c;
  }
  return n;
}

export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))]! : NaN;
}
