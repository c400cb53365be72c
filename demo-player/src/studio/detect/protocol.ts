/** Messages between the studio and its detector worker. */
import type { Box } from '../formats/track.ts';

/**
 * The picture to look at: decoded from the video by the worker (exactly the frame the studio
 * shows, as tracking does), or — for videos it cannot decode — a bitmap the page took.
 */
export interface DetectRequest {
  id: number;
  modelBase: string;
  source: { url: string; frame: number; fps: number } | { bitmap: ImageBitmap };
}

/** A box the detector proposes, with its COCO class name and confidence. */
export interface Proposal { label: string; score: number; box: Box }

export type DetectReply = { id: number; proposals: Proposal[] } | { id: number; error: string; code?: string };
