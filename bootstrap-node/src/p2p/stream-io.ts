/** Small helpers over libp2p v3 streams (EventTarget streams: 'message', 'end', 'close'). */
import type { Stream } from '@libp2p/interface';
import { FrameDecoder } from '@dipnet/protocol';

/** Failure of a request/response exchange that is not a DipnetError sent by the remote. */
export class P2PRequestError extends Error {
  override readonly name = 'P2PRequestError';
  constructor(
    /** timeout: no answer in time; unreachable: could not open a stream; protocol: the remote broke framing; remote: the remote failed internally. */
    readonly kind: 'timeout' | 'unreachable' | 'protocol' | 'remote',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An error as one log-friendly line (AggregateErrors from dials list their causes). */
export function errText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const inner = err instanceof AggregateError && err.errors.length > 0 ? ` [${err.errors.map(errText).join('; ')}]` : '';
  return `${err.name}: ${err.message}${inner}`;
}

/** Stream message payloads may be a Uint8Array or a Uint8ArrayList; both have subarray(). */
export const toBytes = (data: Uint8Array | { subarray(): Uint8Array }): Uint8Array =>
  data instanceof Uint8Array ? data : data.subarray();

/**
 * Reads exactly one length-prefixed frame. Rejects on timeout/abort (`signal`), on a stream that
 * ends or closes first, on an oversize or malformed prefix (a DipnetError from the decoder), and
 * on bytes beyond the frame.
 */
export function readOneFrame(stream: Stream, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const decoder = new FrameDecoder(maxBytes);
    let done = false;
    const finish = (err: unknown, frame?: Uint8Array): void => {
      if (done) return;
      done = true;
      stream.removeEventListener('message', onMessage);
      stream.removeEventListener('end', onEnd);
      stream.removeEventListener('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (err !== null) reject(err);
      else resolve(frame!);
    };
    const onMessage = (evt: { data: Uint8Array | { subarray(): Uint8Array } }): void => {
      try {
        const frames = decoder.push(toBytes(evt.data));
        if (frames.length === 0) return;
        if (frames.length > 1 || decoder.pending > 0) {
          finish(new P2PRequestError('protocol', 'unexpected bytes after the frame'));
          return;
        }
        finish(null, frames[0]!);
      } catch (err) {
        finish(err);
      }
    };
    const onEnd = (): void => finish(new P2PRequestError('protocol', 'stream ended before a whole frame arrived'));
    const onClose = (evt: { error?: Error }): void =>
      finish(new P2PRequestError('protocol', `stream closed before a whole frame arrived${evt.error ? `: ${evt.error.message}` : ''}`, { cause: evt.error }));
    const onAbort = (): void => finish(new P2PRequestError('timeout', 'timed out waiting for a frame', { cause: signal.reason }));

    if (signal.aborted) {
      onAbort();
      return;
    }
    if (stream.readableEnded && stream.readBufferLength === 0) {
      onEnd();
      return;
    }
    signal.addEventListener('abort', onAbort);
    stream.addEventListener('message', onMessage);
    stream.addEventListener('end', onEnd);
    stream.addEventListener('close', onClose);
  });
}
