/**
 * The studio's side of tracking: one run at a time, stoppable, with live progress. Runs in the
 * worker (WebCodecs) when it can decode the video, else on the page over a seeking <video>.
 */
import type { Box } from '../formats/track.ts';
import { TrackError } from './errors.ts';
import { trackFrames } from './run-loop.ts';
import { seekingFrames } from './seeking-frames.ts';
import type { TrackRequest, TrackRun, WorkerReply } from './protocol.ts';

export interface RunOptions { url: string; fps: number; from: number; to: number; box: Box }

export class TrackerClient {
  #worker: Worker | undefined;
  #seq = 0;
  #current: number | undefined;
  #stopPage = false;
  /** How the last run got its frames. */
  decoder: 'webcodecs' | 'seeking' | undefined;

  get running(): boolean { return this.#current !== undefined; }

  /** Tracks `box` from frame `from` towards `to`; `onProgress` sees each tracked frame's box. */
  async run(opts: RunOptions, onProgress: (frame: number, box: Box) => void = () => undefined): Promise<TrackRun> {
    if (this.#current !== undefined) throw new TrackError('BUSY', 'a tracking run is already going');
    try {
      const run = await this.#inWorker(opts, onProgress);
      this.decoder = 'webcodecs';
      return run;
    } catch (e) {
      if (!(e instanceof TrackError) || !['CODEC_UNSUPPORTED', 'WEBM_MALFORMED'].includes(e.code)) throw e;
    }
    this.#current = -1;
    this.#stopPage = false;
    this.decoder = 'seeking';
    try {
      return await trackFrames({
        ...opts, frames: seekingFrames(opts.url, opts.from, opts.to, opts.fps), stopped: () => this.#stopPage, onProgress,
      });
    } finally {
      this.#current = undefined;
    }
  }

  #inWorker(opts: RunOptions, onProgress: (frame: number, box: Box) => void): Promise<TrackRun> {
    const worker = (this.#worker ??= new Worker(new URL('./track.worker.ts', import.meta.url), { type: 'module' }));
    const id = ++this.#seq;
    this.#current = id;
    return new Promise<TrackRun>((resolve, reject) => {
      const onMessage = (e: MessageEvent<WorkerReply>): void => {
        const m = e.data;
        if (m.id !== id) return;
        if (m.type === 'progress') { onProgress(m.frame, m.box); return; }
        worker.removeEventListener('message', onMessage);
        this.#current = undefined;
        if (m.type === 'done') resolve(m.run);
        else reject(new TrackError(m.code, m.message));
      };
      worker.addEventListener('message', onMessage);
      worker.postMessage({ type: 'track', id, ...opts } satisfies TrackRequest);
    });
  }

  /** Stops the current run: it resolves with what was tracked so far (`end: 'stopped'`). */
  stop(): void {
    this.#stopPage = true;
    if (this.#current !== undefined) this.#worker?.postMessage({ type: 'stop', id: this.#current });
  }

  dispose(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#current = undefined;
  }
}
