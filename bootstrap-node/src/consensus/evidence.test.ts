/**
 * Double signing: a byzantine peer gossips two different prevotes signed with validator 3's key
 * for the height the network is deciding. The honest validators must turn them into evidence,
 * put it in a block, slash validator 3 by slashBps into the community pool, jail it, drop it
 * from the validator set two heights later, and never apply the same evidence twice.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOf, dpn, equalBytes, toHex, headerHash, signVote, makeEvidence, evidenceHash, evidenceRootOf, sha256, utf8, isDipnetError,
  StateKey, COMMUNITY_POOL, TOTAL_SUPPLY, VoteType, ErrorCode,
  decodeAccount, decodeValidatorRecord, decodeRoster, decodeUnbondingQueue,
  type Block, type SignedVote,
} from '@dipnet/protocol';
import { devnetGenesis } from '../devnet/genesis.ts';
import { devKey, devValidatorKey } from '../devnet/dev-keys.ts';
import { transfer, waitFor, startMemoryValidators } from '../testing/fixtures.ts';
import { encodeConsensusMessage } from './messages.ts';
import { StateView } from '../state/state-view.ts';
import { applyEvidence } from '../state/executor.ts';

const CHAIN_ID = 'dipnet-evidence-test';

const genesis = devnetGenesis({ chainId: CHAIN_ID, validators: 4 });
const { hub, nodes, stop } = await startMemoryValidators(genesis, { dirPrefix: 'dipnet-evidence-' });
after(async () => {
  await byzantine.stop();
  await stop();
});
// No empty blocks: the chain moves only when there is work (txs or evidence), so the test can
// also check that once the evidence is on chain nothing is left pending and the nodes go idle.
// A peer that only gossips: it answers no requests (block sync skips it).
const byzantine = hub.join('byzantine', {
  onGossip: () => 'ignore',
  onRequest: async () => { throw new Error('byzantine peer serves nothing'); },
});
const n0 = nodes[0]!;
const v3 = devValidatorKey(3);
const v3Addr = addressOf(v3.publicKey);
const sale = devKey('sale');
const saleNonce = (): bigint => decodeAccount(n0.chain.store.getValue(StateKey.account(addressOf(sale.publicKey)))!).nonce;

const valueAt = (key: Uint8Array, h: bigint) => n0.getStateProof(key, h).value;
const balanceAt = (addr: Uint8Array, h: bigint): bigint => {
  const raw = valueAt(StateKey.account(addr), h);
  return raw ? decodeAccount(raw).balance : 0n;
};
const recordAt = (h: bigint) => decodeValidatorRecord(valueAt(StateKey.validator(v3Addr), h)!);
const inSet = (h: bigint): boolean => {
  const set = n0.getValidatorSet(h);
  assert.ok(set, `no validator set for height ${h}`);
  return set.validators.some((v) => equalBytes(v.publicKey, v3.publicKey));
};

function evidenceBlocks(from: bigint): { height: bigint; block: Block }[] {
  const out: { height: bigint; block: Block }[] = [];
  for (let h = from; h <= n0.chain.head.height; h++) {
    const block = n0.getBlock(h);
    if (block && block.evidence.length > 0) out.push({ height: h, block });
  }
  return out;
}

const prevote = (height: bigint, round: number, tag: string): SignedVote => signVote(CHAIN_ID, {
  type: VoteType.prevote, height, round, blockHash: sha256(utf8(`byzantine block ${tag} at ${height}/${round}`)), validator: v3Addr,
}, v3.secretKey);

/** Submits a transfer from the sale key and waits until node 0 has committed it. */
async function commitTransfer(to: string): Promise<bigint> {
  const hash = await n0.submitTx(transfer(CHAIN_ID, sale, devKey(to), dpn(1), saleNonce()));
  let height = 0n;
  await waitFor(() => {
    const s = n0.txStatus(hash);
    if (s.status === 'committed') height = s.height;
    return s.status === 'committed';
  }, { timeoutMs: 20_000, what: `transfer to ${to}` });
  return height;
}

test('double-sign evidence lands on chain, slashes, jails and is applied once', async () => {
  await waitFor(() => n0.chain.head.height >= 1n, { timeoutMs: 10_000, what: 'block 1' });
  const start = n0.chain.head.height + 1n;
  assert.ok(inSet(start) && inSet(start + 1n));

  // Gossip two conflicting prevotes for the height the nodes are deciding; retry at fresh heights.
  let sent: SignedVote[] = [];
  let found: { height: bigint; block: Block }[] = [];
  for (let attempt = 0; attempt < 10 && found.length === 0; attempt++) {
    const height = n0.chain.head.height + 1n;
    sent = [prevote(height, 0, 'a'), prevote(height, 0, 'b')];
    for (const sv of sent) byzantine.publish('consensus', encodeConsensusMessage({ kind: 'vote', vote: sv }));
    try {
      await waitFor(() => (found = evidenceBlocks(start)).length > 0, { timeoutMs: 3000, what: 'a block with evidence' });
    } catch {
      // The nodes had moved past that height before the votes arrived: try the next one.
    }
  }
  assert.ok(found.length > 0, 'no block carried the double-sign evidence');
  const { height: e, block } = found[0]!;
  // Validator 3's own honest prevote in that round may conflict with ours too, so there can be
  // several pieces: each must be about validator 3 at that one height and round.
  const ev = block.evidence[0]!;
  for (const x of block.evidence) {
    assert.ok(equalBytes(x.voteA.vote.validator, v3Addr));
    assert.equal(x.voteA.vote.height, sent[0]!.vote.height);
    assert.equal(x.voteA.vote.round, 0);
    assert.notDeepEqual(x.voteA.vote.blockHash, x.voteB.vote.blockHash);
    assert.ok(x.voteA.vote.height < e, 'evidence is for an earlier height than its block');
  }

  // Two more blocks, then every node has finalised the same evidence block.
  await commitTransfer('bob');
  await commitTransfer('carol');
  await waitFor(() => nodes.every((n) => n.chain.head.height >= e + 2n), { timeoutMs: 20_000, what: 'all nodes past the evidence block' });
  assert.equal(new Set(nodes.map((n) => toHex(headerHash(n.getHeader(e)!)))).size, 1);

  // Slash: stake reduced by slashBps/10000, exactly that much into the community pool, jailed.
  const before = recordAt(e - 1n);
  const jailed = recordAt(e);
  assert.equal(before.jailed, false);
  const slash = (before.stake * BigInt(genesis.params.slashBps)) / 10_000n;
  assert.ok(slash > 0n);
  assert.equal(jailed.jailed, true);
  assert.equal(jailed.stake, before.stake - slash, 'slashed exactly once, by slashBps');
  assert.equal(jailed.slashed, before.slashed + slash);
  assert.equal(balanceAt(COMMUNITY_POOL, e), balanceAt(COMMUNITY_POOL, e - 1n) + slash, 'the pool gets exactly one slash');
  for (const x of block.evidence) assert.ok(valueAt(StateKey.processedEvidence(evidenceHash(x)), e), 'evidence recorded as processed');

  // Validator 3 leaves the set two heights after the evidence block, and the chain goes on without it.
  assert.ok(inSet(e), 'still signs the evidence block');
  assert.ok(inSet(e + 1n), 'still in the set at e + 1 (announced before the slash)');
  assert.ok(!inSet(e + 2n), 'jailed validator is out of the set at e + 2');
  assert.equal(n0.getValidatorSet(e + 2n)!.validators.length, 3);
  assert.deepEqual(n0.getHeader(e + 1n)!.nextValidatorsHash, n0.getHeader(e + 2n)!.validatorsHash);
  const later = await commitTransfer('dave');
  assert.ok(later >= e + 2n);
  assert.ok(n0.getCommit(later)!.signatures.length >= 3);

  // The same evidence again is not applied twice.
  // (1) Gossiping the votes again changes nothing (their height is past).
  for (const sv of sent) byzantine.publish('consensus', encodeConsensusMessage({ kind: 'vote', vote: sv }));
  const again = makeEvidence(ev.voteB, ev.voteA);
  assert.deepEqual(evidenceHash(again), evidenceHash(ev), 'evidence is canonical whatever the vote order');
  // (2) The state machine refuses an identical copy and writes nothing.
  const view = new StateView((k) => n0.chain.store.getValue(k));
  assert.throws(() => applyEvidence(view, again, 0n), (err: unknown) => isDipnetError(err, ErrorCode.EVIDENCE_INVALID));
  assert.equal(view.size, 0, 'a refused evidence writes nothing');
  // (3) Another pair from the same double sign (a third conflicting vote) does not slash again.
  const third = makeEvidence(sent[0]!, prevote(sent[0]!.vote.height, 0, 'c'));
  const view2 = new StateView((k) => n0.chain.store.getValue(k));
  applyEvidence(view2, third, 0n);
  assert.deepEqual([...view2.entries()].map((x) => toHex(x.key)), [toHex(StateKey.processedEvidence(evidenceHash(third)))], 'only recorded as processed');
  // (4) A block builder leaves an identical copy out, and a block that carries it anyway is invalid.
  const head = n0.chain.head;
  const built = await n0.chain.buildBlock(head.time + 1n, addressOf(devValidatorKey(0).publicKey), [], [again], n0.getCommit(head.height) ?? null);
  assert.equal(built.block.evidence.length, 0, 'already-processed evidence is left out of new blocks');
  if (n0.chain.head.height === head.height) {
    const forged: Block = { ...built.block, evidence: [again], header: { ...built.block.header, evidenceRoot: evidenceRootOf([again]) } };
    await assert.rejects(n0.chain.validateBlock(forged, null), (err: unknown) => isDipnetError(err, ErrorCode.EVIDENCE_INVALID));
  }
  // (5) On chain: each piece at most once, one slash in total.
  await commitTransfer('erin');
  const all = evidenceBlocks(start).flatMap((b) => b.block.evidence.map((x) => toHex(evidenceHash(x))));
  assert.equal(new Set(all).size, all.length, 'a piece of evidence was included twice');
  const now = n0.chain.head.height;
  assert.equal(recordAt(now).stake, jailed.stake);
  assert.equal(recordAt(now).slashed, slash);
  assert.equal(balanceAt(COMMUNITY_POOL, now), balanceAt(COMMUNITY_POOL, e));

  // Nothing is left pending: with no txs the nodes stop making blocks.
  await waitFor(() => nodes.every((n) => n.mempool.size === 0), { timeoutMs: 10_000, what: 'mempools to drain' });
  await new Promise((r) => setTimeout(r, 500));
  const idle = nodes.map((n) => n.chain.head.height);
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(nodes.map((n) => n.chain.head.height), idle, 'blocks keep coming with no work: pending evidence was never drained');

  // Total supply: slashing moves DPN, it does not destroy it.
  const h = n0.chain.head.height;
  let sum = 0n;
  const holders = [
    ...genesis.accounts.map((a) => a.address), COMMUNITY_POOL,
    ...['bob', 'carol', 'dave', 'erin'].map((n) => addressOf(devKey(n).publicKey)),
    ...[0, 1, 2, 3].map((i) => addressOf(devValidatorKey(i).publicKey)),
  ];
  for (const a of holders) sum += balanceAt(a, h);
  for (const v of decodeRoster(valueAt(StateKey.validatorRoster(), h)!)) sum += decodeValidatorRecord(valueAt(StateKey.validator(v), h)!).stake;
  const q = valueAt(StateKey.unbondingQueue(), h);
  for (const u of q ? decodeUnbondingQueue(q) : []) sum += u.amount;
  assert.equal(sum, TOTAL_SUPPLY);
});
