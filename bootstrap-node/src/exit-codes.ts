/**
 * Exit codes of `dipnet node`, documented in the README ("Running a node") so a supervisor can
 * tell a damaged store (do not restart: resync into a fresh directory) from a crash (restart)
 * and from a disk it cannot write (free space, then restart).
 */
import { StoreDamagedError, SigningStateError, WriteStallError } from './store/store-errors.ts';

export const NodeExitCode = {
  OK: 0,
  /** Unknown command or bad usage. */
  USAGE: 1,
  /** Any other error (bad config, port in use, ...). */
  ERROR: 2,
  /** The chain store is damaged (on open or while running): it will be refused on every start. */
  STORE_DAMAGED: 3,
  /** The validator's signing state file is unreadable, unwritable or belongs to another chain. */
  SIGNING_STATE: 4,
  /** The store could not be written (full disk, quota, read-only) for longer than --max-write-stall. */
  CANNOT_WRITE: 5,
} as const;
export type NodeExitCode = (typeof NodeExitCode)[keyof typeof NodeExitCode];

export function exitCodeOf(e: unknown): NodeExitCode {
  if (e instanceof StoreDamagedError) return NodeExitCode.STORE_DAMAGED;
  if (e instanceof SigningStateError) return NodeExitCode.SIGNING_STATE;
  if (e instanceof WriteStallError) return NodeExitCode.CANNOT_WRITE;
  return NodeExitCode.ERROR;
}
