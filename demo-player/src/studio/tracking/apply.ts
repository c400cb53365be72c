/**
 * A tracking run written into a track as keyframes: only where the motion changes (the dense
 * boxes are reduced with the studio's own simplification), and an `outside` keyframe on the frame
 * where the prop was lost, so the track neither drifts nor holds a box over nothing.
 */
import { keyframesFromSamples } from '../formats/simplify.ts';
import type { Box, StudioKeyframe, StudioTrack } from '../formats/track.ts';
import type { TrackRun } from './protocol.ts';

export interface FrameSize { width: number; height: number }

/** How far (pixels) an interpolated box may be from a tracked one: tracking (and a real-time recording) jitters by a pixel or two. */
export function keyframeTolerancePx(boxes: readonly Box[], size: FrameSize): number {
  const side = Math.min(...boxes.map((b) => Math.min(b.w * size.width, b.h * size.height)));
  return Math.max(2, 0.05 * side);
}

const toPx = (b: Box, s: FrameSize): Box => ({ x: b.x * s.width, y: b.y * s.height, w: b.w * s.width, h: b.h * s.height });
const toNorm = (b: Box, s: FrameSize): Box => ({ x: b.x / s.width, y: b.y / s.height, w: b.w / s.width, h: b.h / s.height });

/**
 * The track with the run's frames replaced by the fewest keyframes that follow the tracked boxes
 * within `keyframeTolerancePx`; the keyframe the run started from is kept as it was.
 */
export function applyRun(track: StudioTrack, run: TrackRun, size: FrameSize): StudioTrack {
  const frames = run.boxes.map((b) => b.frame);
  const lo = Math.min(...frames, run.from);
  const hi = Math.max(...frames, run.from);
  const lost = run.end === 'lost' || run.end === 'outside';
  const tol = keyframeTolerancePx(run.boxes.map((b) => b.box), size);
  const samples = [...run.boxes].sort((a, b) => a.frame - b.frame).map((b) => ({ frame: b.frame, box: toPx(b.box, size) }));
  const made: StudioKeyframe[] = keyframesFromSamples(samples, hi, tol).map((k) => (k.box ? { ...k, box: toNorm(k.box, size) } : k));
  const start = track.keyframes.find((k) => k.frame === run.from);
  const keep = track.keyframes.filter((k) => k.frame < lo || k.frame > hi);
  const inRun = made.filter((k) => k.frame !== run.from);
  if (start) inRun.push(start);
  // Lost going forwards: hidden from that frame on. Going backwards, the track simply starts after
  // it — unless earlier keyframes exist, which then stop showing at the lost frame.
  if (lost && (run.dir > 0 || keep.some((k) => k.frame < lo))) {
    const at = track.keyframes.find((k) => k.frame === run.endFrame);
    if (run.dir > 0 || !at) inRun.push({ frame: run.endFrame, outside: true });
  }
  const merged = [...keep.filter((k) => !(lost && k.frame === run.endFrame && run.dir > 0)), ...inRun].sort((a, b) => a.frame - b.frame);
  return { ...track, keyframes: merged };
}
