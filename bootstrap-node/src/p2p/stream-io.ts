/** Small helpers over libp2p v3 streams (EventTarget streams: 'message', 'end', 'close'). */
import type { Stream } from '@libp2p/interface';
import { BaseError, payloadBytes, readOneFrame as readFrame } from '@dipnet/protocol';

export type P2PRequestErrorKind = 'timeout' | 'unreachable' | 'protocol' | 'remote';
/** The code of each kind of P2PRequestError. */
export const P2P_ERROR_CODES = { timeout: 'P2P_TIMEOUT', unreachable: 'P2P_UNREACHABLE', protocol: 'P2P_PROTOCOL', remote: 'P2P_REMOTE' } as const;
export type P2PErrorCode = (typeof P2P_ERROR_CODES)[P2PRequestErrorKind];

/** Failure of a request/response exchange that is not a DipnetError sent by the remote. */
export class P2PRequestError extends BaseError<P2PErrorCode, { kind: P2PRequestErrorKind }> {
  override readonly name = 'P2PRequestError';
  constructor(
    /** timeout: no answer in time; unreachable: could not open a stream; protocol: the remote broke framing; remote: the remote failed internally. */
    readonly kind: P2PRequestErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(P2P_ERROR_CODES[kind], message, { details: { kind }, cause: options?.cause });
  }
}

/** An error as one log-friendly line (AggregateErrors from dials list their causes). */
export function errText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const inner = err instanceof AggregateError && err.errors.length > 0 ? ` [${err.errors.map(errText).join('; ')}]` : '';
  return `${err instanceof BaseError ? String(err) : `${err.name}: ${err.message}`}${inner}`;
}

/** Stream message payloads may be a Uint8Array or a Uint8ArrayList; both have subarray(). */
export const toBytes = payloadBytes;

/** Reads exactly one length-prefixed frame (protocol/src/frame-stream.ts), failing with P2PRequestError. */
export const readOneFrame = (stream: Stream, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> =>
  readFrame(stream, maxBytes, signal, (kind, message, cause) => new P2PRequestError(kind, message, { cause }));
