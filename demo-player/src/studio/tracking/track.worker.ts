/**
 * The tracking worker: decodes the video and follows a box through it off the main thread, so the
 * studio stays responsive and can stop a run at any frame.
 */
import { BoxTracker } from './matcher.ts';
import { VideoFrames } from './video-frames.ts';
import { TrackError } from './errors.ts';
import { clipBox } from '../model.ts';
import type { StopRequest, TrackRequest, TrackRun, WorkerReply } from './protocol.ts';

const videos = new Map<string, Promise<VideoFrames>>();
const stopped = new Set<number>();
const post = (m: WorkerReply): void => postMessage(m);

async function run(req: TrackRequest): Promise<TrackRun> {
  let open = videos.get(req.url);
  if (!open) {
    open = VideoFrames.open(req.url);
    videos.set(req.url, open);
    open.catch(() => videos.delete(req.url));
  }
  const video = await open;
  const W = video.width;
  const H = video.height;
  const dir = req.to >= req.from ? 1 : -1;
  const t0 = performance.now();
  const boxes: TrackRun['boxes'] = [];
  let tracker: BoxTracker | undefined;
  const done = (end: TrackRun['end'], endFrame: number): TrackRun =>
    ({ from: req.from, dir, boxes, end, endFrame, fps: boxes.length / Math.max(1e-3, (performance.now() - t0) / 1000) });
  for await (const { frame, pixels } of video.frames(req.from, req.to, req.fps)) {
    if (stopped.has(req.id)) return done('stopped', boxes[boxes.length - 1]?.frame ?? req.from);
    if (!tracker) {
      const b = req.box;
      tracker = new BoxTracker(pixels, { x: b.x * W, y: b.y * H, w: b.w * W, h: b.h * H });
      boxes.push({ frame, box: req.box, score: 1 });
      continue;
    }
    const r = tracker.step(pixels);
    const box = clipBox({ x: r.box.x / W, y: r.box.y / H, w: r.box.w / W, h: r.box.h / H });
    if (r.kind !== 'ok' || !box) return done(r.kind === 'ok' ? 'outside' : r.kind, frame);
    boxes.push({ frame, box, score: r.score });
    post({ type: 'progress', id: req.id, frame, box, score: r.score });
  }
  return done('end', boxes[boxes.length - 1]?.frame ?? req.from);
}

onmessage = (e: MessageEvent<TrackRequest | StopRequest>): void => {
  const m = e.data;
  if (m.type === 'stop') { stopped.add(m.id); return; }
  run(m).then(
    (r) => post({ type: 'done', id: m.id, run: r }),
    (err: unknown) => post({ type: 'error', id: m.id, code: err instanceof TrackError ? err.code : 'DECODE_FAILED', message: (err as Error).message }),
  ).finally(() => stopped.delete(m.id));
};
