/**
 * Double-sign evidence stays admissible for the whole unbonding period of chain time (while the
 * signer's stake can still be slashed), not for a fixed number of blocks — and not after it. On
 * real Chains (testing/chain-pair.ts) whose unbonding period is one hour of chain time.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, makeEvidence, sha256, signVote, utf8, VoteType, type DuplicateVoteEvidence } from '@dipnet/protocol';
import { devnetGenesis } from './devnet/genesis.ts';
import { devValidatorKey } from './devnet/dev-keys.ts';
import { ChainPair } from './testing/chain-pair.ts';

const HOUR = 3_600_000n;
const base = devnetGenesis({ chainId: 'dipnet-evidence-window-test', validators: 4 });
const pair = await ChainPair.start({ ...base, params: { ...base.params, unbondingPeriodMs: HOUR } });
after(() => pair.close());

/** Validator `i` prevoted for two different blocks at `height`. */
const doubleSign = (i: number, height: bigint): DuplicateVoteEvidence => {
  const key = devValidatorKey(i);
  const vote = (tag: string) => signVote(base.chainId, { type: VoteType.prevote, height, round: 0, blockHash: sha256(utf8(`${tag} ${height}`)), validator: addressOf(key.publicKey) }, key.secretKey);
  return makeEvidence(vote('a'), vote('b'));
};

async function next(o: Parameters<ChainPair['proposeWith']>[0]) {
  const r = await pair.proposeWith(o);
  await pair.finalize(r.block);
  return r;
}

test('evidence about a block 59 minutes of chain time old is admitted; 61 minutes old, refused', async () => {
  await next({});
  const early = pair.proposer.chain.head;
  for (let i = 0; i < 5; i++) await next({});
  // 59 minutes after block 1: validator 1's double sign there still counts.
  const inWindow = await next({ evidence: [doubleSign(1, early.height)], afterMs: 59n * 60_000n - (pair.proposer.chain.head.time - early.time) });
  assert.equal(inWindow.block.evidence.length, 1, 'admitted within the unbonding period');
  assert.deepEqual(inWindow.unusableEvidence, []);
  // Two more minutes of chain time: validator 2's double sign at the same height is too old.
  const late = await next({ evidence: [doubleSign(2, early.height)], afterMs: 2n * 60_000n });
  assert.equal(late.block.evidence.length, 0);
  assert.equal(late.unusableEvidence.length, 1, 'refused after the unbonding period');
});
