/**
 * Errors of the node's own files: the LMDB chain store and the validator's signing state.
 * Damage to either is fatal to a node (it must not serve or sign from them), so the `dipnet node`
 * process maps each to its own exit code (see ../exit-codes.ts and the README, "Running a node").
 * A store that cannot be written (full disk) is not damage: the node retries, and gives up with
 * its own exit code only after `--max-write-stall`.
 */
import { statfsSync } from 'node:fs';
import { constants } from 'node:os';
import { BaseError } from '@dipnet/protocol';

const osErrno = constants.errno;

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

export class StoreDamagedError extends BaseError<'STORE_DAMAGED', { kind: StoreDamageKind; path: string }> {
  override readonly name = 'StoreDamagedError';
  constructor(
    readonly kind: StoreDamageKind,
    /** The damaged file or store directory. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('STORE_DAMAGED', message, { details: { kind, path }, cause: options?.cause });
  }
}

export type SigningStateErrorCode =
  /** The signing state file exists but cannot be read or parsed. */
  | 'SIGNING_STATE_UNREADABLE'
  /** The signing state file cannot be written durably: nothing may be signed. */
  | 'SIGNING_STATE_UNWRITABLE'
  /** The signing state file was written for another chain (another genesis hash). */
  | 'SIGNING_STATE_OTHER_CHAIN';

export class SigningStateError extends BaseError<SigningStateErrorCode, { path: string }> {
  override readonly name = 'SigningStateError';
  constructor(code: SigningStateErrorCode, readonly path: string, message: string, options?: { cause?: unknown }) {
    super(code, message, { details: { path }, cause: options?.cause });
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

/** Why a store write failed without the store being damaged; the node keeps retrying. */
export type StoreWriteErrno = 'ENOSPC' | 'EDQUOT' | 'EFBIG' | 'EROFS' | 'EIO' | 'MDB_MAP_FULL';

/**
 * A write to the store failed for want of room (full disk, quota, map full) or a read-only
 * filesystem. Not damage: what is stored stays consistent (the LMDB transaction is aborted whole),
 * and the node commits again once it can write (see ../health-monitor.ts).
 */
export class StoreWriteError extends BaseError<'STORE_WRITE_FAILED', { errno: StoreWriteErrno; path: string }> {
  override readonly name = 'StoreWriteError';
  constructor(readonly errno: StoreWriteErrno, readonly path: string, message: string, options?: { cause?: unknown }) {
    super('STORE_WRITE_FAILED', message, { details: { errno, path }, cause: options?.cause });
  }

  /** One line for the operator: `STORE_WRITE_FAILED (ENOSPC): message` (the health route's lastCommitError). */
  get summary(): string {
    return `${this.code} (${this.errno}): ${this.message}`;
  }
}

/**
 * The node could not write its store for longer than its limit (`--max-write-stall`): `dipnet node`
 * exits with code 5 (../exit-codes.ts) so a supervisor sees it.
 */
export class WriteStallError extends BaseError<'STORE_WRITE_STALLED', { failingForMs: number }> {
  override readonly name = 'WriteStallError';
  constructor(readonly failingForMs: number, readonly lastError: StoreWriteError) {
    super('STORE_WRITE_STALLED', `the store could not be written for ${Math.round(failingForMs / 1000)} s (last: ${lastError.summary})`, { details: { failingForMs }, cause: lastError });
  }
}

/**
 * Below this much free space an EIO from a write is taken for a full disk: LMDB turns a short
 * pwrite (the disk filled up mid-write) into EIO, not ENOSPC. A commit writes far less than this.
 */
export const LOW_SPACE_BYTES = 64 * 1024 ** 2;

const errnoNames = new Map<number, StoreWriteErrno>(
  (['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS', 'EIO'] as const).map((n) => [osErrno[n], n]),
);
const WRITE_MESSAGES: readonly [RegExp, StoreWriteErrno][] = [
  [/No space left on device|\bENOSPC\b/, 'ENOSPC'],
  [/Disk quota exceeded|\bEDQUOT\b/, 'EDQUOT'],
  [/File too large|\bEFBIG\b/, 'EFBIG'],
  [/Read-only file system|\bEROFS\b/, 'EROFS'],
  [/MDB_MAP_FULL/, 'MDB_MAP_FULL'],
  [/Input\/output error|\bEIO\b/, 'EIO'],
];

/**
 * The errno of a write that failed for want of room (or a read-only filesystem), or null for any
 * other error. EIO counts only when the store's filesystem is (nearly) full; otherwise it is damage.
 */
export function writeFailureOf(e: unknown, storeDir: string): StoreWriteErrno | null {
  if (!(e instanceof Error)) return null;
  const code = (e as { code?: unknown }).code;
  const errno = (typeof code === 'number' ? errnoNames.get(Math.abs(code)) : undefined)
    ?? (typeof code === 'string' ? WRITE_MESSAGES.find(([re]) => re.test(code))?.[1] : undefined)
    ?? WRITE_MESSAGES.find(([re]) => re.test(e.message))?.[1]
    ?? null;
  if (errno !== 'EIO') return errno;
  try {
    const fs = statfsSync(storeDir);
    return fs.bavail * fs.bsize < LOW_SPACE_BYTES ? 'EIO' : null;
  } catch {
    return null;
  }
}
