/**
 * Coin-age and lockups: the account rules elections and vesting rest on.
 *
 * Coin-age. Every account has `ageSince`, the chain time from which its balance counts as held.
 * Its coin-age at time t is `min(t - ageSince, cap)` (never negative), and its weight is
 * `balance × coin-age` in unit·ms.
 * - Moving DPN out (a transfer, a bond, paying for an order) resets `ageSince` to now: the
 *   account's whole balance starts again from zero. Fees alone do not count as moving.
 * - Receiving DPN keeps the account's weight as it was: the received coins arrive with age zero
 *   and `ageSince` moves forward so that `new balance × new age = old balance × old capped age`
 *   (rounded so weight is never created).
 * - An election measures every holder's age at its opening instant, so coins moved or received
 *   after an election opened add nothing to it (they can only lower the recipient's weight:
 *   an account's weight in an open election never rises). With one ballot per account this makes
 *   counting the same coins twice impossible.
 *
 * Locks. An account carries up to 16 tranches `{amount, unlockAt}`; the founders' one-year lock
 * is one tranche set in genesis, and a board resolution can add more. Locked DPN can be bonded
 * and votes (it is in the balance), but cannot leave the account before its tranche unlocks.
 * `lockBonded` counts how much of the locked amount is currently bonded, so bonding locked coins
 * does not also freeze unlocked ones.
 */
import { Reader, Writer } from '../codec.ts';
import { ErrorCode, fail } from '../errors.ts';

export const MAX_LOCK_TRANCHES = 16;

export interface LockTranche {
  readonly amount: bigint;
  /** Chain time (ms) at which this tranche becomes spendable. */
  readonly unlockAt: bigint;
}

export function writeLockTranches(w: Writer, t: readonly LockTranche[]): void {
  w.array(t, MAX_LOCK_TRANCHES, (w, x) => w.u128(x.amount).u64(x.unlockAt));
}
export function readLockTranches(r: Reader): LockTranche[] {
  const t = r.array(MAX_LOCK_TRANCHES, (r) => ({ amount: r.u128('amount'), unlockAt: r.u64('unlockAt') }), 'lock tranches');
  for (let i = 0; i < t.length; i++) {
    if (t[i]!.amount === 0n) fail(ErrorCode.DECODE_NON_CANONICAL, 'lock tranche of zero');
    if (i > 0 && t[i]!.unlockAt < t[i - 1]!.unlockAt) fail(ErrorCode.DECODE_NON_CANONICAL, 'lock tranches must be sorted by unlock time');
  }
  return t;
}

/** The account fields these rules read. */
export interface AgedLockedBalance {
  readonly balance: bigint;
  readonly ageSince: bigint;
  readonly locks: readonly LockTranche[];
  readonly lockBonded: bigint;
}

/** DPN still locked at `now`. */
export function lockedAt(a: Pick<AgedLockedBalance, 'locks'>, now: bigint): bigint {
  let sum = 0n;
  for (const t of a.locks) if (t.unlockAt > now) sum += t.amount;
  return sum;
}

/** Locked DPN that must stay in the balance: the locked amount not already bonded. */
export function lockedInBalance(a: Pick<AgedLockedBalance, 'locks' | 'lockBonded'>, now: bigint): bigint {
  const locked = lockedAt(a, now);
  return locked > a.lockBonded ? locked - a.lockBonded : 0n;
}

/** Balance that may leave the account at `now`. */
export function spendable(a: Pick<AgedLockedBalance, 'balance' | 'locks' | 'lockBonded'>, now: bigint): bigint {
  const held = lockedInBalance(a, now);
  return a.balance > held ? a.balance - held : 0n;
}

/** The next time some locked DPN unlocks (0 if none is locked at `now`). */
export function nextUnlock(a: Pick<AgedLockedBalance, 'locks'>, now: bigint): bigint {
  for (const t of a.locks) if (t.unlockAt > now) return t.unlockAt;
  return 0n;
}

/** Held-unmoved time at `t`, capped; zero before `ageSince`. */
export function coinAge(ageSince: bigint, t: bigint, cap: bigint): bigint {
  if (t <= ageSince) return 0n;
  const age = t - ageSince;
  return age > cap ? cap : age;
}

/** The `ageSince` after `amount` arrives at `now` (weight preserved, never created). */
export function ageSinceAfterInflow(a: Pick<AgedLockedBalance, 'balance' | 'ageSince'>, amount: bigint, now: bigint, cap: bigint): bigint {
  const total = a.balance + amount;
  if (total === 0n) return now;
  const weight = a.balance * coinAge(a.ageSince, now, cap);
  return now - weight / total; // floor: the new age rounds down
}

/** Voting weight in an election that opened at `opensAt`. */
export function electionWeight(a: Pick<AgedLockedBalance, 'balance' | 'ageSince'>, opensAt: bigint, cap: bigint): bigint {
  return a.balance * coinAge(a.ageSince, opensAt, cap);
}

/** Tranches still locked at `now` (unlocked ones are dropped when the account is written). */
export const liveTranches = (t: readonly LockTranche[], now: bigint): LockTranche[] => t.filter((x) => x.unlockAt > now);

/** Merges tranches keeping them sorted by unlock time. */
export function mergeTranches(a: readonly LockTranche[], b: readonly LockTranche[]): LockTranche[] {
  const all = [...a, ...b].sort((x, y) => (x.unlockAt < y.unlockAt ? -1 : x.unlockAt > y.unlockAt ? 1 : 0));
  if (all.length > MAX_LOCK_TRANCHES) fail(ErrorCode.TX_INVALID, `an account holds at most ${MAX_LOCK_TRANCHES} lock tranches`);
  return all;
}
