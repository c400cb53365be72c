/**
 * Per-frame ground truth of a generated clip, the yardstick of the studio's tracker: for every
 * prop on every frame, its box (the part inside the picture, normalised) and how much of it can be
 * seen. Both generated clips are described this way (`sceneTruth` for the sample scene,
 * `hardTruth` in scene-hard.ts).
 */
import type { Box } from '../studio/formats/track.ts';
import { PROPS, SCENE, overlap, rectAt, visible } from './scene.ts';

export interface FrameTruth {
  frame: number;
  /** The prop's box inside the picture, normalised; null when it is wholly out of the picture. */
  box: Box | null;
  /** Unhidden area inside the picture over the prop's whole area: 1 fully seen, 0 out of frame or wholly hidden. */
  visibility: number;
  /** Covered by more than a quarter of what is in the picture (the annotations' `occluded`). */
  occluded: boolean;
}

export interface PropTruth { id: string; label: string; frames: FrameTruth[] }

export interface SceneTruth { name: string; width: number; height: number; fps: number; frames: number; props: PropTruth[] }

/**
 * A prop counts as on screen when at least half of it can be seen: below that (mostly out of the
 * picture or behind something) a tracker may stop or hold, and the frame is scored neither way.
 */
export const ON_SCREEN = 0.5;

/** The sample scene's truth per frame, from the same motion that paints it. */
export function sceneTruth(): SceneTruth {
  const props = PROPS.map((p, i) => ({
    id: p.id, label: p.label,
    frames: Array.from({ length: SCENE.frames }, (_, f): FrameTruth => {
      const full = rectAt(p, f);
      const v = visible(full);
      if (!v) return { frame: f, box: null, visibility: 0, occluded: false };
      // Props in front of one another overlap only pairwise here, so the sum is the covered area.
      const covered = PROPS.slice(i + 1).reduce((n, q) => {
        const r = visible(rectAt(q, f));
        return r ? n + overlap(v, r) : n;
      }, 0);
      return {
        frame: f,
        box: { x: v.x / SCENE.width, y: v.y / SCENE.height, w: v.w / SCENE.width, h: v.h / SCENE.height },
        visibility: Math.max(0, v.w * v.h - covered) / (full.w * full.h),
        occluded: covered > 0.25 * v.w * v.h,
      };
    }),
  }));
  return { name: 'scene', width: SCENE.width, height: SCENE.height, fps: SCENE.fps, frames: SCENE.frames, props };
}

/** Runs of consecutive frames where the prop is on screen (visibility ≥ ON_SCREEN): [first, last] inclusive. */
export function onScreenSpans(p: PropTruth): [number, number][] {
  const spans: [number, number][] = [];
  for (const t of p.frames) {
    if (t.visibility < ON_SCREEN || !t.box) continue;
    const last = spans[spans.length - 1];
    if (last && last[1] === t.frame - 1) last[1] = t.frame;
    else spans.push([t.frame, t.frame]);
  }
  return spans;
}

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}
