/**
 * A verification path for a skipping light client: from a trusted height to a target, the heights
 * a client can verify one after another, each signed by more than 1/3 of the power the previous
 * one announced (the light client's trust rule, protocol/src/light-verify.ts) — so a cold start
 * needs one request instead of one per bisection step. The relay plans it because it has every
 * commit at hand (pure here, so fixtures plan the same); the client trusts none of it: it verifies each step as it would a bisection's
 * and bisects on from wherever the path stops holding. As Ethereum's light-client sync fetches a
 * range of sync-committee updates per request, the answer for a (from, to) pair never changes,
 * so an HTTP cache serves it to every client starting from the same trust root.
 */
import { prepareValidatorSet, type PreparedValidatorSet } from './light-verify.ts';
import type { ValidatorSet } from './validator-set.ts';
import type { Commit } from './vote.ts';

/** Most light blocks in one path answer; a longer path is asked for again from its last block. */
export const MAX_PATH_BLOCKS = 128;

export interface PathChain {
  validatorSet(height: bigint): ValidatorSet | undefined;
  commit(height: bigint): Commit | undefined;
}

/**
 * Heights after `from` up to `to`, greedily the furthest each step can reach (binary search on
 * "the commit's signers hold more than 1/3 of the trusted next set"), at most `max` of them.
 * Stops early, with what it has, where the store lacks a set or commit.
 */
export function planLightPath(chain: PathChain, from: bigint, to: bigint, max = MAX_PATH_BLOCKS): bigint[] {
  const prepared = new Map<ValidatorSet, PreparedValidatorSet>();
  const prep = (s: ValidatorSet): PreparedValidatorSet => {
    let p = prepared.get(s);
    if (!p) prepared.set(s, (p = prepareValidatorSet(s)));
    return p;
  };
  const out: bigint[] = [];
  let base = from;
  while (base < to && out.length < max) {
    const trustedSet = chain.validatorSet(base + 1n);
    if (!trustedSet) break;
    const trusted = prep(trustedSet);
    const reaches = (h: bigint): boolean => {
      const set = chain.validatorSet(h);
      const commit = chain.commit(h);
      if (!set || !commit) return false;
      const vals = prep(set);
      let power = 0n;
      for (const s of commit.signatures) power += trusted.powerByKey.get(vals.keyHex[s.validatorIndex] ?? '') ?? 0n;
      return power * 3n > trusted.total;
    };
    let next: bigint;
    if (reaches(to)) next = to;
    else {
      // base + 1 is always reachable (adjacent: its own set is the trusted next set).
      let lo = base + 1n;
      let hi = to;
      while (hi - lo > 1n) {
        const mid = lo + (hi - lo) / 2n;
        if (reaches(mid)) lo = mid;
        else hi = mid;
      }
      next = lo;
    }
    if (!chain.commit(next)) break;
    out.push(next);
    base = next;
  }
  return out;
}

