/** Shared helpers for transports: strict decoding into typed errors, backoff, sleeping. */
import { DipnetError, ErrorCode, LightError, LightErrorCode, fromHex } from '@dipnet/protocol';

/** Runs a decoder; any failure becomes `code` (the source sent bytes that are not what it claims). */
export function decodeAs<T>(code: LightErrorCode, what: string, source: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof LightError) throw e;
    throw new LightError(code, `${source} sent a malformed ${what}: ${(e as Error)?.message ?? e}`, { source });
  }
}

export const hexField = (v: unknown, what: string): Uint8Array => {
  if (typeof v !== 'string') throw new TypeError(`${what} is not a hex string`);
  return fromHex(v);
};

const NOT_AVAILABLE_CODES = new Set<string>(['NOT_FOUND', 'HEIGHT_NOT_AVAILABLE']);

/** Maps a node's error code to the light client's view of it. */
export function remoteError(source: string, remoteCode: string | null, message: string, op: string): LightError {
  const details = { source, remoteCode };
  if (remoteCode && NOT_AVAILABLE_CODES.has(remoteCode)) return new LightError(LightErrorCode.LC_NOT_AVAILABLE, `${source}: ${op}: ${message}`, details);
  // A node refusing a tx by a chain rule (any protocol code but a full mempool) is a verdict on
  // the tx, not an outage: other sources would refuse it too.
  if (op === 'submit-tx' && remoteCode && remoteCode !== ErrorCode.TX_MEMPOOL_FULL && (Object.values(ErrorCode) as string[]).includes(remoteCode)) {
    return new LightError(LightErrorCode.LC_TX_REJECTED, `${source} rejected the tx: ${remoteCode}: ${message}`, details);
  }
  return new LightError(LightErrorCode.LC_SOURCE_UNAVAILABLE, `${source}: ${op} failed: ${remoteCode ?? 'error'}: ${message}`, details);
}

export function unavailable(source: string, op: string, err: unknown): LightError {
  if (err instanceof LightError) return err;
  if (err instanceof DipnetError) return remoteError(source, err.code as ErrorCode, err.message, op);
  return new LightError(LightErrorCode.LC_SOURCE_UNAVAILABLE, `${source}: ${op} failed: ${(err as Error)?.message ?? err}`, { source });
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Exponential backoff with ±25% jitter (one definition, in the protocol's format module). */
export { backoffMs } from '@dipnet/protocol';
