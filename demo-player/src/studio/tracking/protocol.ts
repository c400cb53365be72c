/** Messages between the studio and its tracking worker. Boxes are normalised, as in the studio. */
import type { Box } from '../formats/track.ts';
import type { TrackErrorCode } from './errors.ts';

export interface TrackRequest {
  type: 'track';
  id: number;
  /** Absolute URL of the video (the worker fetches it; the browser's cache usually has it). */
  url: string;
  fps: number;
  /** The frame the box is on. */
  from: number;
  /** The last frame to track to, inclusive (before `from` to track backwards). */
  to: number;
  box: Box;
}

export interface StopRequest { type: 'stop'; id: number }

/**
 * How a run ended: it reached `to`, was stopped, or lost the prop at `endFrame` (`lost`: it no
 * longer matches — hidden or changed; `outside`: it has left the picture).
 */
export type RunEnd = 'end' | 'stopped' | 'lost' | 'outside';

export interface TrackRun {
  from: number;
  dir: 1 | -1;
  /** The box on every tracked frame, in tracking order, starting with `from`. */
  boxes: { frame: number; box: Box; score: number }[];
  end: RunEnd;
  /** The frame where the prop was lost (for `lost`/`outside`), else the last tracked frame. */
  endFrame: number;
  /** Frames tracked per second of wall time, decoding included. */
  fps: number;
}

export type WorkerReply =
  | { type: 'progress'; id: number; frame: number; box: Box; score: number }
  | { type: 'done'; id: number; run: TrackRun }
  | { type: 'error'; id: number; code: TrackErrorCode; message: string };
