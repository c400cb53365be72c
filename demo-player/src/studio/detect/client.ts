/** The studio's side of the detector worker ("Find props in this frame"). */
import { BaseError } from '@dipnet/protocol/base-error';
import type { DetectReply, DetectRequest, Proposal } from './protocol.ts';

/** Where the studio's build serves the detector's model (vite.config.ts copies it from the package). */
export const MODEL_BASE = '/models/';

export class DetectError extends BaseError<'DETECT_FAILED'> {
  override readonly name = 'DetectError';
  /** `cause` is the worker's TrackError code (CODEC_UNSUPPORTED, WEBM_MALFORMED…), when it sent one. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('DETECT_FAILED', message, options);
  }
}

export class DetectorClient {
  #worker: Worker | undefined;
  #seq = 0;

  /**
   * The detector's proposals for frame `frame` of the video at `url`: decoded by the worker when it
   * can (WebM), else the picture `video` shows now.
   */
  async find(url: string, frame: number, fps: number, video: HTMLVideoElement): Promise<Proposal[]> {
    try {
      return await this.#ask({ url, frame, fps });
    } catch (e) {
      if (!(e instanceof DetectError) || !['CODEC_UNSUPPORTED', 'WEBM_MALFORMED'].includes(e.cause as string)) throw e;
    }
    const bitmap = await createImageBitmap(video);
    return this.#ask({ bitmap }, [bitmap]);
  }

  #ask(source: DetectRequest['source'], transfer: Transferable[] = []): Promise<Proposal[]> {
    const worker = (this.#worker ??= new Worker(new URL('./detect.worker.ts', import.meta.url), { type: 'module' }));
    const id = ++this.#seq;
    return new Promise<Proposal[]>((resolve, reject) => {
      const onMessage = (e: MessageEvent<DetectReply>): void => {
        if (e.data.id !== id) return;
        worker.removeEventListener('message', onMessage);
        if ('error' in e.data) reject(new DetectError(`the detector failed: ${e.data.error}`, { cause: e.data.code }));
        else resolve(e.data.proposals);
      };
      worker.addEventListener('message', onMessage);
      worker.postMessage({ id, source, modelBase: new URL(MODEL_BASE, location.href).href } satisfies DetectRequest, transfer);
    });
  }

  dispose(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
  }
}
