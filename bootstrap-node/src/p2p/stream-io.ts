/** Small helpers over libp2p v3 streams (EventTarget streams: 'message', 'end', 'close'). */
import type { Stream } from '@libp2p/interface';
import { payloadBytes, readOneFrame as readFrame } from '@dipnet/protocol';

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
export const toBytes = payloadBytes;

/** Reads exactly one length-prefixed frame (protocol/src/frame-stream.ts), failing with P2PRequestError. */
export const readOneFrame = (stream: Stream, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> =>
  readFrame(stream, maxBytes, signal, (kind, message, cause) => new P2PRequestError(kind, message, { cause }));
