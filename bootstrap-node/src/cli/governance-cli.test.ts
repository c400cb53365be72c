/**
 * `dipnet gov` as a user runs it (a child process per command) against one real validator and
 * its relay in this process, on a genesis whose board term ends seconds after it starts: every
 * sub-command takes part in a whole election and a resolution, next to txs sent directly.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOf, formatAddress, dpn, toHex, GovKey, decodeElectionClock, decodeElection, decodeResolution, resolutionId,
  type KeyPair, type TxBody,
} from '@dipnet/protocol';
import { devnetGenesis, devnetGovParams } from '../devnet/genesis.ts';
import { devKey } from '../devnet/dev-keys.ts';
import { waitFor, signedTx } from '../testing/fixtures.ts';
import { startCliHarness } from '../testing/cli-harness.ts';

// A term must outlast its election (32 s ≥ 20 + 12), so genesis is dated 12 s back: the election
// opens 20 s after start, time to start and fund everyone first. Each phase leaves room for the
// CLI processes it runs (tsx start-up alone takes seconds when other test files share the cores).
const genesis = devnetGenesis({
  chainId: 'dipnet-gov-cli-test', validators: 1, genesisTime: BigInt(Date.now()) - 12_000n,
  govParams: devnetGovParams({ boardTermMs: 32_000n, votingPeriodMs: 20_000n, boardVotePeriodMs: 12_000n, coinAgeCapMs: 60_000n }),
});
// Chain time only moves with blocks: keep them coming so phases change on time.
const h = await startCliHarness({ name: 'gov-cli', genesis, timeouts: { emptyBlockIntervalMs: 200 } });
after(() => h.stop());
const { node, cli, ok, keyFile, state } = h;

const nonces = new Map<string, bigint>();
/** A tx sent straight to the node (next to the CLI's), with nonces tracked here. */
async function direct(k: KeyPair, body: TxBody): Promise<void> {
  const id = toHex(k.publicKey);
  const nonce = nonces.get(id) ?? 0n;
  nonces.set(id, nonce + 1n);
  await node.submitTx(signedTx(h.chainId, k, nonce, body));
}
const election = (id: bigint) => decodeElection(state(GovKey.election(id))!);

test('dipnet gov: status, candidate, vote, board-vote, propose, decide, resolution through a whole election', { timeout: 120_000 }, async () => {
  const holders = Array.from({ length: 5 }, (_, i) => devKey(`gov-cli-holder-${i}`));
  const cands = Array.from({ length: 5 }, (_, i) => devKey(`gov-cli-candidate-${i}`));
  const sale = devKey('sale');
  for (const [i, k] of [...holders, ...cands].entries()) await direct(sale, { type: 'transfer', to: addressOf(k.publicKey), amount: dpn(100 + i * 10), memo: '' });
  await waitFor(() => nonces.get(toHex(sale.publicKey)) === BigInt(holders.length + cands.length) && node.mempool.size === 0, { timeoutMs: 10_000, what: 'funding' });

  // Before the board's term ends there is no election to vote in.
  const early = await cli(['gov', 'vote', formatAddress(addressOf(cands[0]!.publicKey)), '--key', keyFile('h0', holders[0]!)]);
  assert.equal(early.code, 2, early.stdout);
  assert.match(early.stderr, /ELECTION_CLOSED/);
  const s0 = await ok<{ board: { members: string[] }; election: unknown; params: { boardTermMs: string } }>(['gov', 'status']);
  assert.deepEqual(s0.board.members, genesis.governance.board.map(formatAddress));
  assert.equal(s0.election, null);
  assert.equal(s0.params.boardTermMs, '32000');

  await waitFor(() => decodeElectionClock(state(GovKey.electionClock())!).open, { timeoutMs: 40_000, what: 'the election to open' });
  const id = decodeElectionClock(state(GovKey.electionClock())!).latest;
  for (const c of cands.slice(1)) await direct(c, { type: 'registerCandidate', election: id });
  const reg = await ok<{ election: string; status: string }>(['gov', 'candidate', '--key', keyFile('c0', cands[0]!), '--wait']);
  assert.deepEqual([reg.election, reg.status], [id.toString(), 'committed']);
  nonces.set(toHex(cands[0]!.publicKey), 1n);
  await waitFor(() => election(id).candidates.length === 5, { timeoutMs: 5_000, what: 'five candidates' });

  for (const [i, h] of holders.entries()) if (i > 0) await direct(h, { type: 'electionVote', election: id, candidate: addressOf(cands[i]!.publicKey) });
  const vote = await ok<{ candidate: string; status: string }>(['gov', 'vote', formatAddress(addressOf(cands[0]!.publicKey)), '--key', keyFile('h0', holders[0]!), '--wait']);
  assert.equal(vote.status, 'committed');
  const again = await cli(['gov', 'vote', formatAddress(addressOf(cands[1]!.publicKey)), '--key', keyFile('h0', holders[0]!)]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /ELECTION_ALREADY_VOTED/);

  await waitFor(() => election(id).phase === 'boardVoting', { timeoutMs: 40_000, what: 'the board vote' });
  const reps = election(id).representatives;
  assert.equal(reps.length, 5);
  for (const c of cands.slice(1)) await direct(c, { type: 'boardVote', election: id, candidate: addressOf(cands[0]!.publicKey) });
  const bv = await ok<{ status: string }>(['gov', 'board-vote', formatAddress(addressOf(cands[0]!.publicKey)), '--key', keyFile('c0', cands[0]!), '--wait']);
  assert.equal(bv.status, 'committed');
  nonces.set(toHex(cands[0]!.publicKey), 2n);

  await waitFor(() => election(id).phase === 'closed', { timeoutMs: 30_000, what: 'the board' });
  const s1 = await ok<{ board: { members: string[]; election: string }; election: { phase: string; board: string[]; tallies: { candidate: string; boardVotes: number }[] } }>(['gov', 'status']);
  assert.equal(s1.election.phase, 'closed');
  assert.deepEqual(s1.board.members, s1.election.board);
  assert.deepEqual([...s1.board.members].sort(), cands.map((c) => formatAddress(addressOf(c.publicKey))).sort());
  assert.equal(s1.board.members[0], formatAddress(addressOf(cands[0]!.publicKey)), 'five board votes put candidate 0 first');
  assert.equal(s1.election.tallies.find((t) => t.candidate === s1.board.members[0])!.boardVotes, 5);

  // The new board: a fee change proposed and decided from the CLI, next to direct approvals.
  const proposerNonce = nonces.get(toHex(cands[0]!.publicKey))!;
  const prop = await ok<{ resolution: string; status: string; action: { params: { feeBase: string } } }>([
    'gov', 'propose', 'setParams', '--set', 'feeBase=2000000', '--deadline', '60s', '--activation', '+400', '--key', keyFile('c0', cands[0]!), '--wait',
  ]);
  assert.equal(prop.status, 'committed');
  assert.equal(prop.resolution, toHex(resolutionId(addressOf(cands[0]!.publicKey), proposerNonce)));
  assert.equal(prop.action.params.feeBase, '2000000');
  const rid = resolutionId(addressOf(cands[0]!.publicKey), proposerNonce);
  for (const c of cands.slice(1, 4)) await direct(c, { type: 'decideResolution', resolution: rid, approve: true });
  await waitFor(() => decodeResolution(state(GovKey.resolution(rid))!).approvals.length === 4, { timeoutMs: 5_000, what: 'three approvals' });
  const last = await ok<{ resolutionStatus: string }>(['gov', 'decide', toHex(rid), '--approve', '--key', keyFile('c4', cands[4]!), '--wait']);
  assert.equal(last.resolutionStatus, 'passed');
  const shown = await ok<{ status: string; approvals: string[]; activationHeight: string; action: { type: string } }>(['gov', 'resolution', toHex(rid)]);
  assert.equal(shown.status, 'passed');
  assert.equal(shown.approvals.length, 5);
  assert.equal(shown.action.type, 'setParams');

  const badSet = await cli(['gov', 'propose', 'setParams', '--set', 'noSuchParam=1', '--deadline', '60s', '--activation', '+10', '--key', keyFile('c0', cands[0]!)]);
  assert.equal(badSet.code, 2);
  assert.match(badSet.stderr, /INVALID_ARGUMENT/);
});
