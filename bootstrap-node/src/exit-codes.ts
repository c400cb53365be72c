/**
 * Exit codes of `dipnet node`, documented in the README ("Running a node") so a supervisor can
 * tell a damaged store (do not restart: resync into a fresh directory) from a crash (restart).
 */
import { StoreDamagedError, SigningStateError } from './store/store-errors.ts';

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
} as const;
export type NodeExitCode = (typeof NodeExitCode)[keyof typeof NodeExitCode];

export function exitCodeOf(e: unknown): NodeExitCode {
  if (e instanceof StoreDamagedError) return NodeExitCode.STORE_DAMAGED;
  if (e instanceof SigningStateError) return NodeExitCode.SIGNING_STATE;
  return NodeExitCode.ERROR;
}
