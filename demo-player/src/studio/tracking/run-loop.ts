/**
 * One tracking run over a stream of frames, whatever decodes them (WebCodecs in the worker, or a
 * seeking <video> on the page for containers the worker cannot demux).
 */
import { BoxTracker, type Pixels } from './matcher.ts';
import { clipBox } from '../model.ts';
import type { Box } from '../formats/track.ts';
import type { TrackRun } from './protocol.ts';

export interface RunInput {
  from: number;
  to: number;
  box: Box;
  frames: AsyncIterable<{ frame: number; pixels: Pixels }>;
  stopped: () => boolean;
  onProgress: (frame: number, box: Box, score: number) => void;
}

export async function trackFrames(input: RunInput): Promise<TrackRun> {
  const { from, to } = input;
  const dir = to >= from ? 1 : -1;
  const t0 = performance.now();
  const boxes: TrackRun['boxes'] = [];
  let tracker: BoxTracker | undefined;
  let size = { w: 0, h: 0 };
  const done = (end: TrackRun['end'], endFrame: number): TrackRun =>
    ({ from, dir, boxes, end, endFrame, fps: boxes.length / Math.max(1e-3, (performance.now() - t0) / 1000) });
  for await (const { frame, pixels } of input.frames) {
    if (input.stopped()) return done('stopped', boxes[boxes.length - 1]?.frame ?? from);
    if (!tracker) {
      size = { w: pixels.width, h: pixels.height };
      const b = input.box;
      tracker = new BoxTracker(pixels, { x: b.x * size.w, y: b.y * size.h, w: b.w * size.w, h: b.h * size.h });
      boxes.push({ frame, box: input.box, score: 1 });
      continue;
    }
    const r = tracker.step(pixels);
    const box = clipBox({ x: r.box.x / size.w, y: r.box.y / size.h, w: r.box.w / size.w, h: r.box.h / size.h });
    if (r.kind !== 'ok' || !box) return done(r.kind === 'ok' ? 'outside' : r.kind, frame);
    boxes.push({ frame, box, score: r.score });
    input.onProgress(frame, box, r.score);
  }
  return done('end', boxes[boxes.length - 1]?.frame ?? from);
}
