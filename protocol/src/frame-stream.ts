/**
 * Reading one length-prefixed frame (see wire.ts) from a libp2p v3 stream. Node and light client
 * share it; the stream is described structurally, so the protocol package imports no libp2p.
 */
import { FrameDecoder } from './wire.ts';

type Payload = Uint8Array | { subarray(): Uint8Array };

/** The part of a libp2p v3 stream (an EventTarget of 'message', 'end', 'close') a reader uses. */
export interface FrameStream {
  readonly readableEnded: boolean;
  readonly readBufferLength: number;
  addEventListener(type: 'message' | 'end' | 'close', listener: (evt: Event) => void): void;
  removeEventListener(type: 'message' | 'end' | 'close', listener: (evt: Event) => void): void;
}

/** Why a frame could not be read: the peer broke framing, or time ran out. */
export type FrameReadFailure = 'protocol' | 'timeout';

/** Stream payloads are a Uint8Array or a Uint8ArrayList; both have subarray(). */
export const payloadBytes = (data: Payload): Uint8Array => (data instanceof Uint8Array ? data : data.subarray());

/**
 * Reads exactly one frame. Rejects on abort (`signal`), on a stream that ends or closes first,
 * on an oversize or malformed prefix (a DipnetError from the decoder), and on bytes beyond the
 * frame; `toError` lets each side raise its own error type.
 */
export function readOneFrame(
  stream: FrameStream,
  maxBytes: number,
  signal: AbortSignal,
  toError: (kind: FrameReadFailure, message: string, cause?: unknown) => Error = (_kind, message, cause) => new Error(message, { cause }),
): Promise<Uint8Array> {
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
    // libp2p's 'message' events carry `data`, its 'close' events an optional `error`.
    const onMessage = (evt: Event): void => {
      try {
        const frames = decoder.push(payloadBytes((evt as Event & { data: Payload }).data));
        if (frames.length === 0) return;
        if (frames.length > 1 || decoder.pending > 0) return finish(toError('protocol', 'unexpected bytes after the frame'));
        finish(null, frames[0]!);
      } catch (err) {
        finish(err);
      }
    };
    const onEnd = (): void => finish(toError('protocol', 'stream ended before a whole frame arrived'));
    const onClose = (evt: Event): void => {
      const error = (evt as Event & { error?: Error }).error;
      finish(toError('protocol', `stream closed before a whole frame arrived${error ? `: ${error.message}` : ''}`, error));
    };
    const onAbort = (): void => finish(toError('timeout', 'timed out waiting for a frame', signal.reason));
    if (signal.aborted) return onAbort();
    if (stream.readableEnded && stream.readBufferLength === 0) return onEnd();
    signal.addEventListener('abort', onAbort);
    stream.addEventListener('message', onMessage);
    stream.addEventListener('end', onEnd);
    stream.addEventListener('close', onClose);
  });
}
