import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planLightPath, MAX_PATH_BLOCKS, type PathChain } from './light-path.ts';
import { makeValidatorSet, type ValidatorSet } from './validator-set.ts';
import { testKey } from './test-fixtures.ts';
import type { Commit } from './vote.ts';

/**
 * Sets of 5 equal validators turning over every `epoch` heights, `carried` kept from the last; everyone signs.
 * Sets are made only for the epochs asked about: a binary search over 100,000 heights must not
 * derive the keys of every epoch before the one it probes (that took 150 s).
 */
function chain(height: number, epoch: number, carried: number, signers = 5): PathChain & { sets: Map<number, ValidatorSet> } {
  const sets = new Map<number, ValidatorSet>();
  const setAt = (h: bigint): ValidatorSet => {
    const e = Number((h - 1n) / BigInt(epoch));
    let set = sets.get(e);
    if (!set) sets.set(e, (set = makeValidatorSet(Array.from({ length: 5 }, (_, k) => ({ publicKey: testKey(`path/${e * (5 - carried) + k}`).publicKey, power: 10n })))));
    return set;
  };
  return {
    sets,
    validatorSet: (h) => (h >= 1n && h <= BigInt(height) + 1n ? setAt(h) : undefined),
    commit: (h): Commit | undefined => (h >= 1n && h <= BigInt(height)
      ? { height: h, round: 0, blockHash: new Uint8Array(32), signatures: Array.from({ length: signers }, (_, i) => ({ validatorIndex: i, signature: new Uint8Array(64) })) }
      : undefined),
  };
}

test('a stable set: one step to the target', () => {
  assert.deepEqual(planLightPath(chain(10_000, 1_000_000, 5), 1n, 9_216n), [9_216n]);
});

test('a set turning over every epoch with 2 of 5 kept: each step the furthest the trusted set still signs', () => {
  // From the last height of an epoch, the trusted set is the next epoch's (the header announced
  // it): its whole epoch and the one after (2 of 5 carried, > 1/3) are in reach, not further.
  assert.deepEqual(planLightPath(chain(10_000, 1_000, 2), 1n, 9_216n), [2_000n, 4_000n, 6_000n, 8_000n, 9_216n]);
});

test('no step where too few sign; long paths stop at MAX_PATH_BLOCKS; missing heights end the plan', () => {
  // 1 of 5 kept: 20% < 1/3, so a step reaches only to the end of the epoch it trusts.
  assert.deepEqual(planLightPath(chain(400, 10, 1), 1n, 400n), Array.from({ length: 40 }, (_, i) => BigInt(10 * (i + 1))));
  assert.equal(planLightPath(chain(100_000, 2, 1), 1n, 100_000n).length, MAX_PATH_BLOCKS);
  // Commits signed by 1 of 5 only: nothing beyond the adjacent height is in reach.
  assert.deepEqual(planLightPath(chain(50, 1_000, 5, 1), 1n, 3n), [2n, 3n]);
  assert.deepEqual(planLightPath(chain(50, 1_000, 5), 1n, 60n), [50n], 'as far as the store has commits');
});
