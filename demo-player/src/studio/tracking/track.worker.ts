/**
 * The tracking worker: decodes the video and follows a box through it off the main thread, so the
 * studio stays responsive and can stop a run at any frame.
 */
import { VideoFrames } from './video-frames.ts';
import { TrackError } from './errors.ts';
import { trackFrames } from './run-loop.ts';
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
  return trackFrames({
    from: req.from, to: req.to, box: req.box,
    frames: video.frames(req.from, req.to, req.fps),
    stopped: () => stopped.has(req.id),
    onProgress: (frame, box, score) => post({ type: 'progress', id: req.id, frame, box, score }),
  });
}

onmessage = (e: MessageEvent<TrackRequest | StopRequest>): void => {
  const m = e.data;
  if (m.type === 'stop') { stopped.add(m.id); return; }
  run(m).then(
    (r) => post({ type: 'done', id: m.id, run: r }),
    (err: unknown) => post({ type: 'error', id: m.id, code: err instanceof TrackError ? err.code : 'DECODE_FAILED', message: (err as Error).message }),
  ).finally(() => stopped.delete(m.id));
};
