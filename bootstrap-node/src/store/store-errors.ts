/**
 * Errors of the node's own files: the LMDB chain store and the validator's signing state.
 * Both are fatal to a node (it must not serve or sign from them), so the `dipnet node` process
 * maps each to its own exit code (see ../exit-codes.ts and the README, "Running a node").
 */

/** What is wrong with a store, in words an operator can act on. */
export type StoreDamageKind =
  /** data.mdb is shorter than the pages LMDB's meta page says are in use (or empty). */
  | 'truncated'
  /** A meta page (page 0 or 1) is not a valid LMDB meta page. */
  | 'meta'
  /** A page reachable from the current snapshot is not what its parent says it is. */
  | 'pages'
  /** The stored head does not match its block or the state tree. */
  | 'state-root'
  /** LMDB reported damage (MDB_CORRUPTED, MDB_PAGE_NOTFOUND, ...) while the node ran. */
  | 'runtime';

export class StoreDamagedError extends Error {
  override readonly name = 'StoreDamagedError';
  readonly code = 'STORE_DAMAGED';
  constructor(
    readonly kind: StoreDamageKind,
    /** The damaged file or store directory. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`STORE_DAMAGED (${kind}): ${message}`, options);
  }
}

export type SigningStateErrorCode =
  /** The signing state file exists but cannot be read or parsed. */
  | 'SIGNING_STATE_UNREADABLE'
  /** The signing state file cannot be written durably: nothing may be signed. */
  | 'SIGNING_STATE_UNWRITABLE'
  /** The signing state file was written for another chain (another genesis hash). */
  | 'SIGNING_STATE_OTHER_CHAIN';

export class SigningStateError extends Error {
  override readonly name = 'SigningStateError';
  constructor(readonly code: SigningStateErrorCode, readonly path: string, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
  }
}

/**
 * LMDB's error names for a store whose pages are not what they should be. A full disk (ENOSPC) is
 * not among them: the node recovers from it once space returns.
 */
const LMDB_DAMAGE = /MDB_(CORRUPTED|PAGE_NOTFOUND|INVALID|VERSION_MISMATCH|PANIC)|Input\/output error|\bEIO\b/;

/** True for an error that means the store's files are damaged (not a caller's mistake). */
export function isLmdbDamage(e: unknown): boolean {
  return e instanceof Error && LMDB_DAMAGE.test(`${e.message} ${(e as { code?: unknown }).code ?? ''}`);
}
