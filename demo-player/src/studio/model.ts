/**
 * Pure edits of studio tracks. Every function returns new objects (or the same one when nothing
 * changes), which is what lets the history keep whole states as undo points.
 */
import { boxAt, type BoxAt } from '@dipnet/widget/box-at';
import type { Keyframe } from '@dipnet/widget/annotations';
import type { Box, StudioKeyframe, StudioTrack } from './formats/track.ts';

/** Smallest box side a drag can make (normalised): about 3 px on a 640 px frame. */
export const MIN_SIDE = 0.005;

const asKeyframes = (t: StudioTrack): Keyframe[] => t.keyframes.map((k) => ({ ...k, t: k.frame }));

/**
 * The track's box at a (possibly fractional) frame, with the widget's own interpolation: boxAt
 * works in any time unit, here frames.
 */
export const boxAtFrame = (track: StudioTrack, frame: number): BoxAt | undefined => boxAt(asKeyframes(track), frame);

export const keyframeAt = (track: StudioTrack, frame: number): StudioKeyframe | undefined => track.keyframes.find((k) => k.frame === frame);

/** The nearest box the track has around `frame`: its box there, else the last one before, else the first after. */
export function nearestBox(track: StudioTrack, frame: number): Box | undefined {
  const here = boxAtFrame(track, frame);
  if (here) return { x: here.x, y: here.y, w: here.w, h: here.h };
  const before = [...track.keyframes].reverse().find((k) => k.frame <= frame && k.box);
  return (before ?? track.keyframes.find((k) => k.box))?.box;
}

/** Inserts or replaces the keyframe on `kf.frame` (all keyframes on that frame, should an import have doubled it). */
export function putKeyframe(track: StudioTrack, kf: StudioKeyframe): StudioTrack {
  const rest = track.keyframes.filter((k) => k.frame !== kf.frame);
  const i = rest.findIndex((k) => k.frame > kf.frame);
  rest.splice(i < 0 ? rest.length : i, 0, kf);
  return { ...track, keyframes: rest };
}

export function removeKeyframe(track: StudioTrack, frame: number): StudioTrack {
  const keyframes = track.keyframes.filter((k) => k.frame !== frame);
  return keyframes.length === track.keyframes.length ? track : { ...track, keyframes };
}

/** K: removes the keyframe on `frame`, or makes one there from the box the track shows (or its nearest box). */
export function toggleKeyframe(track: StudioTrack, frame: number): StudioTrack {
  if (keyframeAt(track, frame)) return removeKeyframe(track, frame);
  const shown = boxAtFrame(track, frame);
  const box = nearestBox(track, frame);
  if (!box) return track;
  return putKeyframe(track, shown?.occluded ? { frame, box, occluded: true } : { frame, box });
}

/** Sets the box on `frame` (a move, a resize, a redraw): the keyframe there is made or updated and brought in frame. */
export function setBox(track: StudioTrack, frame: number, box: Box): StudioTrack {
  const existing = keyframeAt(track, frame);
  const occluded = existing ? existing.occluded : boxAtFrame(track, frame)?.occluded;
  return putKeyframe(track, occluded ? { frame, box, occluded: true } : { frame, box });
}

/**
 * O: from this frame the prop is out of frame (a keyframe is made, keeping the box it has here,
 * which is where it leaves), or, on an `outside` keyframe, back in frame.
 */
export function toggleOutside(track: StudioTrack, frame: number): StudioTrack {
  const k = keyframeAt(track, frame);
  const box = k?.box ?? nearestBox(track, frame);
  if (k?.outside) {
    if (!box) return track;
    const { outside: _drop, ...rest } = k;
    return putKeyframe(track, { ...rest, box });
  }
  const kf: StudioKeyframe = { frame, outside: true };
  if (box) kf.box = box;
  return putKeyframe(track, kf);
}

/** Q: toggles `occluded` on this frame's keyframe (made from the shown box when there is none). */
export function toggleOccluded(track: StudioTrack, frame: number): StudioTrack {
  const base = keyframeAt(track, frame) ?? toggleKeyframe(track, frame).keyframes.find((k) => k.frame === frame);
  if (!base) return track;
  const kf: StudioKeyframe = { ...base };
  if (kf.occluded) delete kf.occluded;
  else kf.occluded = true;
  return putKeyframe(track, kf);
}

/** C: copies the box of the track's last keyframe before `frame` to a keyframe on `frame` (in frame). */
export function copyForward(track: StudioTrack, frame: number): StudioTrack {
  const prev = [...track.keyframes].reverse().find((k) => k.frame < frame && k.box);
  if (!prev?.box) return track;
  return putKeyframe(track, prev.occluded ? { frame, box: { ...prev.box }, occluded: true } : { frame, box: { ...prev.box } });
}

/** The keyframe frame after (dir 1) or before (dir -1) `frame` over `tracks`, or undefined. */
export function adjacentKeyframe(tracks: readonly StudioTrack[], frame: number, dir: 1 | -1): number | undefined {
  let best: number | undefined;
  for (const t of tracks) {
    for (const k of t.keyframes) {
      if (dir > 0 ? k.frame > frame && (best === undefined || k.frame < best) : k.frame < frame && (best === undefined || k.frame > best)) best = k.frame;
    }
  }
  return best;
}

/** The box cut to the frame; undefined when nothing of it is left. */
export function clipBox(b: Box): Box | undefined {
  const x0 = Math.max(0, b.x);
  const y0 = Math.max(0, b.y);
  const x1 = Math.min(1, b.x + b.w);
  const y1 = Math.min(1, b.y + b.h);
  if (x1 - x0 <= 0 || y1 - y0 <= 0) return undefined;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

export const boxInFrame = (b: Box): boolean => b.w > 0 && b.h > 0 && b.x >= 0 && b.y >= 0 && b.x + b.w <= 1 + 1e-9 && b.y + b.h <= 1 + 1e-9;

/**
 * Every box cut to the frame. A box wholly outside becomes an `outside` keyframe without a box
 * (or is dropped if that would start the track outside).
 */
export function clipTrack(track: StudioTrack): StudioTrack {
  if (track.keyframes.every((k) => !k.box || boxInFrame(k.box))) return track;
  const keyframes: StudioKeyframe[] = [];
  for (const k of track.keyframes) {
    if (!k.box || boxInFrame(k.box)) { keyframes.push(k); continue; }
    const box = clipBox(k.box);
    if (box) keyframes.push({ ...k, box });
    else if (keyframes.length) keyframes.push({ frame: k.frame, outside: true });
  }
  return { ...track, keyframes };
}

/** A box from two corner points, kept in frame. */
export function boxFromPoints(ax: number, ay: number, bx: number, by: number): Box {
  const c = (v: number): number => Math.min(1, Math.max(0, v));
  const x0 = c(Math.min(ax, bx));
  const y0 = c(Math.min(ay, by));
  return { x: x0, y: y0, w: c(Math.max(ax, bx)) - x0, h: c(Math.max(ay, by)) - y0 };
}

/** `box` moved by (dx, dy), kept wholly in frame. */
export function moveBox(box: Box, dx: number, dy: number): Box {
  return { ...box, x: Math.min(1 - box.w, Math.max(0, box.x + dx)), y: Math.min(1 - box.h, Math.max(0, box.y + dy)) };
}

export type Handle = 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw';
export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/** `box` with the edges named by `handle` dragged by (dx, dy), in frame and at least MIN_SIDE. */
export function resizeBox(box: Box, handle: Handle, dx: number, dy: number): Box {
  let x0 = box.x;
  let y0 = box.y;
  let x1 = box.x + box.w;
  let y1 = box.y + box.h;
  const c = (v: number): number => Math.min(1, Math.max(0, v));
  if (handle.includes('w')) x0 = Math.min(c(x0 + dx), x1 - MIN_SIDE);
  if (handle.includes('e')) x1 = Math.max(c(x1 + dx), x0 + MIN_SIDE);
  if (handle.includes('n')) y0 = Math.min(c(y0 + dy), y1 - MIN_SIDE);
  if (handle.includes('s')) y1 = Math.max(c(y1 + dy), y0 + MIN_SIDE);
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
