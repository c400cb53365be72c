/**
 * Governance and tokens through the light client, against real in-process validators and their
 * Fastify relays. The genesis board (five devnet keys) and the technical committee are read with
 * proofs; a board resolution is driven by the board keys (proposed by one, approved by the other
 * four through the light client's own decideResolution) and read open → passed → executed, its
 * effect (the review fee) proven in the chain's params at its activation height; a rejected
 * resolution and bad decisions surface the chain's codes; an election runs in chain time (short
 * devnet terms) and its tallies, ballots and the new board are read proven; an issued token's
 * record and balances are proven (absent = 0). Relays that alter any of it are caught.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOf, formatAddress, toHex, fromHex, compareBytes, resolutionId, tokenId, GovKey, TokenKey,
  decodeBody, encodeBody, decodeResolution, encodeResolution, decodeElection, decodeCandidateTally, decodeHolderBallot, decodeTokenBalance,
  encodeTokenBalance, decodeParams, StateKey, LightErrorCode, ErrorCode,
  type KeyPair, type TxBody, type GovParams, type ElectionClock, dpn,
} from '@dipnet/protocol';
import type { LightClient } from './index.ts';
import { startNet, startProxy } from './testing/devnet.ts';
import { devKey, DEVNET_PARAMS, devBoardKey, devCommitteeKey, devnetGenesis } from '@dipnet/bootstrap-node';
import { testClients } from './testing/clients.ts';
import { chainCode, lightCode, refusedWith } from './testing/errors.ts';
import { electionClock, freshElection, tick as tickOn, untilChainTime } from './testing/governance.ts';

const CHAIN = 'dipnet-lc-governance';
/** Short terms so an election runs inside the test: the board's term ends 20 s after genesis. */
const GOV: GovParams = { boardTermMs: 20_000n, votingPeriodMs: 10_000n, boardVotePeriodMs: 10_000n, coinAgeCapMs: 600_000n, maxResolutionMs: 600_000n };
const genesis = devnetGenesis({ chainId: CHAIN, validators: 3, govParams: GOV });
const net = await startNet({ chainId: CHAIN, validators: 3, relays: 2, genesis });
const n0 = net.nodes[0]!;
const lcs = testClients(net);
after(async () => {
  await lcs.close();
  await net.stop();
});
const open = lcs.open;
const addr = (k: KeyPair) => addressOf(k.publicKey);
const text = (k: KeyPair) => formatAddress(addr(k));
const state = (key: Uint8Array) => n0.chain.store.getValue(key);
const clock = (): ElectionClock => electionClock(net);
const commitAll = (txs: [KeyPair, TxBody][]) => net.commitAll(txs);
const tick = () => tickOn(net);
const until = (t: bigint) => untilChainTime(net, t);
const sale = devKey('sale');

const board = [0, 1, 2, 3, 4].map(devBoardKey);
const committee = [0, 1, 2].map(devCommitteeKey);
const holders = [0, 1, 2, 3, 4, 5].map((i) => devKey(`lc-gov/holder-${i}`));
await commitAll([
  ...board.map((b): [KeyPair, TxBody] => [sale, { type: 'transfer', to: addr(b), amount: dpn(10), memo: '' }]),
  // Varied balances: the election's weights differ by balance (all age from the same block).
  ...holders.map((h, i): [KeyPair, TxBody] => [sale, { type: 'transfer', to: addr(h), amount: dpn(100 * (i + 1)), memo: '' }]),
]);
const lc = await open({ relays: net.relayUrls, follow: true });

// ------------------------------------------------------------------ bodies

test('the genesis board and the technical committee are read with proofs', async () => {
  const before = lc.stats().proofsVerified;
  const g = await lc.getGovernance();
  assert.deepEqual(g.board.members, board.map(text));
  assert.equal(g.board.termStart, genesis.genesisTime);
  assert.equal(g.board.termEnd, genesis.genesisTime + GOV.boardTermMs);
  assert.equal(g.board.election, 0n);
  assert.deepEqual(g.board.powers, ['boardResolution']);
  assert.equal(g.representatives, null);
  assert.deepEqual(g.committee, { members: committee.map(text), threshold: 2 });
  assert.deepEqual(g.govParams, GOV);
  assert.equal(g.upgradePlan, null);
  assert.ok(g.height >= 1n && /^[0-9a-f]{64}$/.test(g.headerHash));
  // Board, representatives, committee, params, clock, upgrade plan: six proofs at one height.
  assert.equal(lc.stats().proofsVerified - before, 6);

  const m = await lc.isBoardMember(text(board[3]!));
  assert.deepEqual([m.member, m.address, m.board.members.length], [true, text(board[3]!), 5]);
  assert.equal((await lc.isBoardMember(addr(sale))).member, false);
  await assert.rejects(lc.isBoardMember('dpn1nope'), lightCode(LightErrorCode.LC_INVALID_ARGUMENT));
  // At an older verified height the same board.
  assert.deepEqual((await lc.getGovernance({ height: 1n })).board.members, board.map(text));
});

// ------------------------------------------------------------------ resolutions

let passedId = '';
test('a board resolution goes open → passed → executed, each status proven; it changes the params at its height', async () => {
  const proposer = board[0]!;
  const params = { ...DEVNET_PARAMS, reviewFee: dpn(42) };
  const id = toHex(resolutionId(addr(proposer), net.nonce(proposer)));
  const head = n0.chain.head;
  const activation = head.height + 14n;
  const proposedAt = await net.commit(proposer, { type: 'proposeResolution', body: 'board', action: { type: 'setParams', params }, deadline: head.time + 300_000n, activationHeight: activation });
  passedId = id;
  await lc.sync();

  const r0 = await lc.getResolution(id);
  assert.equal(r0.status, 'open');
  assert.deepEqual([r0.body, r0.proposer, r0.threshold, r0.activationHeight, r0.proposedAtHeight], ['board', text(proposer), 5, activation, proposedAt]);
  assert.deepEqual(r0.voters, board.map(text));
  assert.deepEqual(r0.approvals, [text(proposer)]);
  assert.deepEqual(r0.action, { type: 'setParams', params });
  assert.match(r0.summary, /review fee 42 DPN/);

  // The other four approve, each through a light client signing with its board key.
  const member = await open({ relays: net.relayUrls, follow: true });
  const stages: string[] = [];
  let passedAt = 0n;
  for (const [i, k] of board.slice(1).entries()) {
    await member.importWallet(k.secretKey);
    const d = await member.decideResolution({ resolution: id, approve: true }, (s) => stages.push(s.stage));
    assert.equal(d.resolution.approvals.length, i + 2, 'the decision is in the proven record');
    assert.equal(d.resolution.status, i < 3 ? 'open' : 'passed');
    assert.ok(d.height < activation, 'decided before the activation height');
    passedAt = d.height;
  }
  assert.deepEqual(stages.slice(0, 3), ['signed', 'submitted', 'finalised']);
  // Read at the block that passed it: a passed resolution makes the chain produce blocks back to back
  // until its activation height, so the latest block may already have executed it.
  await lc.sync();
  const passed = await lc.getResolution(id, { height: passedAt });
  assert.equal(passed.status, 'passed');
  assert.deepEqual(passed.approvals, board.map(text));
  const paramsThen = await lc.getState(StateKey.params(), { height: passedAt });
  assert.equal(decodeParams(paramsThen.value!).reviewFee, DEVNET_PARAMS.reviewFee, 'not in effect before its height');
  const list = await lc.getResolutions({ height: passedAt });
  assert.equal(list.recent[0]!.id, id);
  assert.ok(list.open.includes(id), 'a passed resolution waits in the open index for its height');

  while (n0.chain.head.height < activation) await tick();
  await lc.sync();
  const done = await lc.getResolution(id);
  assert.equal(done.status, 'executed');
  assert.equal(done.note, '');
  assert.equal((await lc.getParams()).params.reviewFee, dpn(42));
  assert.deepEqual(decodeParams(state(StateKey.params())!), params);
  // History stays provable: the block before activation still shows it passed.
  assert.equal((await lc.getResolution(id, { height: activation - 1n })).status, 'passed');
  assert.equal((await lc.getResolution(id, { height: activation })).status, 'executed');
  assert.equal((await lc.getResolution(id, { height: proposedAt })).status, 'open');
  assert.ok(!(await lc.getResolutions()).open.includes(id));
});

test('a rejection closes a resolution; later, outsider and unknown decisions get the chain\'s codes', async () => {
  const proposer = board[0]!;
  const id = toHex(resolutionId(addr(proposer), net.nonce(proposer)));
  const head = n0.chain.head;
  await net.commit(proposer, { type: 'proposeResolution', body: 'board', action: { type: 'upgrade', version: '9.9.9', severity: 'major' }, deadline: head.time + 300_000n, activationHeight: head.height + 1000n });
  const member = await open({ relays: net.relayUrls, follow: true });
  // Someone outside the board: the relay refuses with the chain's code before anything is included.
  await member.importWallet(holders[0]!.secretKey);
  await assert.rejects(member.decideResolution({ resolution: id, approve: true }), refusedWith(ErrorCode.GOV_NOT_MEMBER));
  await member.importWallet(board[1]!.secretKey);
  const d = await member.decideResolution({ resolution: id, approve: false });
  assert.equal(d.resolution.status, 'rejected');
  assert.match(d.resolution.note, /^RESOLUTION_NOT_UNANIMOUS: 1 of 5 rejected/);
  assert.deepEqual(d.resolution.rejections, [text(board[1]!)]);
  await member.importWallet(board[2]!.secretKey);
  await assert.rejects(member.decideResolution({ resolution: id, approve: true }), refusedWith(ErrorCode.RESOLUTION_CLOSED));
  await assert.rejects(member.decideResolution({ resolution: 'ab'.repeat(32), approve: true }), refusedWith(ErrorCode.RESOLUTION_UNKNOWN));
  await assert.rejects(lc.getResolution('ab'.repeat(32)), chainCode(ErrorCode.RESOLUTION_UNKNOWN));
  await assert.rejects(lc.getResolution('xyz'), lightCode(LightErrorCode.LC_INVALID_ARGUMENT));
  await lc.sync();
  const list = await lc.getResolutions();
  assert.deepEqual(list.recent.map((r) => [r.id, r.status]), [[id, 'rejected'], [passedId, 'executed']]);
  assert.equal((await lc.getGovernance()).upgradePlan, null, 'a rejected upgrade schedules nothing');
});

// ------------------------------------------------------------------ an election

test('an election in chain time: tallies, ballots, representatives and the new board, all proven', async () => {
  // The board's term ends 20 s after genesis; wait for an election with time left to register and vote.
  const id = (await freshElection(net, 7_000n)).id;
  let g = await lc.getGovernance({ height: (await lc.sync()).height });
  assert.deepEqual(g.electionClock, { latest: id, open: true });
  assert.equal((await lc.getElection(id)).phase, 'voting');

  await commitAll(holders.map((h): [KeyPair, TxBody] => [h, { type: 'registerCandidate', election: id }]));
  // Each holder votes for itself; holder 0 votes through the light client.
  await commitAll(holders.slice(1).map((h): [KeyPair, TxBody] => [h, { type: 'electionVote', election: id, candidate: addr(h) }]));
  const voter = await open({ relays: net.relayUrls, follow: true });
  await voter.importWallet(holders[0]!.secretKey);
  const v = await voter.vote({ election: id, candidate: text(holders[0]!) });
  const onNode = decodeHolderBallot(state(GovKey.holderBallot(id, addr(holders[0]!)))!);
  assert.deepEqual(v.ballot.ballot, { candidate: text(holders[0]!), weight: onNode.weight });
  assert.ok(onNode.weight > 0n);
  await assert.rejects(voter.vote({ election: id, candidate: text(holders[1]!) }), refusedWith(ErrorCode.ELECTION_ALREADY_VOTED));
  assert.equal((await lc.getHolderBallot(id, addr(sale))).ballot, null, 'proven absent: sale did not vote');

  await lc.sync();
  const voting = await lc.getElection(id, { tallies: true });
  assert.deepEqual(voting.candidates, holders.map(addr).sort(compareBytes).map(formatAddress));
  assert.equal(voting.voters, 6);
  // Ranked as the chain ranks: weight, then address. Computed here from the node's tallies.
  const nodeTally = (c: Uint8Array) => decodeCandidateTally(state(GovKey.candidateTally(id, c))!);
  const expected = holders.map(addr).sort((a, b) => {
    const wa = nodeTally(a).weight, wb = nodeTally(b).weight;
    return wa === wb ? compareBytes(a, b) : wa > wb ? -1 : 1;
  });
  assert.deepEqual(voting.tallies!.map((t) => t.candidate), expected.map(formatAddress));
  assert.deepEqual(voting.tallies!.map((t) => t.weight), expected.map((a) => nodeTally(a).weight));
  assert.equal(voting.tallies!.reduce((s, t) => s + t.weight, 0n), voting.totalWeight);
  assert.equal(voting.tallies![0]!.candidate, text(holders[5]!), 'the largest balance leads');
  const t3 = await lc.getCandidateTally(id, text(holders[3]!));
  assert.deepEqual([t3.weight, t3.voters, t3.boardVotes], [nodeTally(addr(holders[3]!)).weight, 1, 0]);
  assert.equal((await lc.getCandidateTally(id, addr(sale))).weight, 0n, 'proven absent: zero');

  // Holder voting ends; the six become representatives and vote for the board.
  await until(voting.votingEndsAt);
  await lc.sync();
  const reps = await lc.getElection(id);
  assert.equal(reps.phase, 'boardVoting');
  assert.deepEqual(reps.representatives, expected.map(formatAddress));
  g = await lc.getGovernance();
  assert.deepEqual(g.representatives?.members, expected.map(formatAddress));
  assert.equal(g.representatives?.election, id);
  const picks = [5, 5, 4, 4, 3, 2];
  await commitAll(holders.map((h, i): [KeyPair, TxBody] => [h, { type: 'boardVote', election: id, candidate: addr(holders[picks[i]!]!) }]));
  await until(reps.boardVoteEndsAt);
  await lc.sync();

  const closed = await lc.getElection(id, { tallies: true });
  assert.equal(closed.phase, 'closed');
  const nodeElection = decodeElection(state(GovKey.election(id))!);
  assert.deepEqual(closed.board, nodeElection.board.map(formatAddress));
  // Board votes first: 5 and 4 with two each, 3 and 2 with one, then the heavier of 1 and 0.
  assert.deepEqual(closed.board, [5, 4, 3, 2, 1].map((i) => text(holders[i]!)));
  assert.deepEqual(closed.tallies!.slice(0, 5).map((t) => t.candidate), closed.board);
  g = await lc.getGovernance();
  assert.deepEqual(g.board.members, closed.board);
  assert.equal(g.board.election, id);
  assert.deepEqual(g.electionClock, { latest: id, open: false });
  assert.equal((await lc.isBoardMember(text(holders[5]!))).member, true);
  assert.equal((await lc.isBoardMember(text(board[0]!))).member, false, 'the genesis board left');
  assert.equal((await lc.isBoardMember(text(board[0]!), { height: 1n })).member, true, 'and was the board at height 1');
  await assert.rejects(lc.getElection(id + 50n), chainCode(ErrorCode.ELECTION_UNKNOWN));
});

// ------------------------------------------------------------------ tokens

let tokenHex = '';
test("an issued token's record and balances are proven; an absent balance is a proven zero", async () => {
  const issuer = holders[2]!;
  const id = tokenId(addr(issuer), net.nonce(issuer));
  tokenHex = toHex(id);
  // The mempool checks a tx against committed state: the transfer waits for the token.
  await commitAll([[issuer, { type: 'issueToken', symbol: 'LMP', name: 'Lamp credit', decimals: 2, supply: 100_000n, mintable: true }]]);
  await commitAll([[issuer, { type: 'tokenTransfer', token: id, to: addr(holders[4]!), amount: 2_500n }]]);
  await lc.sync();
  const t = await lc.getToken(tokenHex);
  assert.deepEqual([t.id, t.issuer, t.symbol, t.name, t.decimals, t.supply, t.mintable], [tokenHex, text(issuer), 'LMP', 'Lamp credit', 2, 100_000n, true]);
  const got = await lc.getTokenBalance(id, text(holders[4]!));
  assert.deepEqual([got.balance, got.exists], [2_500n, true]);
  assert.equal((await lc.getTokenBalance(id, addr(issuer))).balance, 97_500n);
  assert.equal(decodeTokenBalance(state(TokenKey.balance(id, addr(issuer)))!), 97_500n);
  const none = await lc.getTokenBalance(id, addr(sale));
  assert.deepEqual([none.balance, none.exists], [0n, false]);
  await assert.rejects(lc.getToken('cd'.repeat(32)), chainCode(ErrorCode.TOKEN_UNKNOWN));
  await assert.rejects(lc.getTokenBalance('cd'.repeat(32), addr(sale)), chainCode(ErrorCode.TOKEN_UNKNOWN));
});

// ------------------------------------------------------------------ lying relays

test('a relay that alters the board, a resolution, a tally or a token balance is caught', async () => {
  assert.ok(passedId && tokenHex);
  const liar = await startProxy(net.relayUrls[0]!);
  lcs.onClose(() => liar.close());
  const path = (k: Uint8Array) => `/v1/state/${toHex(k)}`;
  const strangers = [0, 1, 2, 3, 4].map((i) => addr(devKey(`lc-gov/stranger-${i}`)));
  const rewrite = (key: Uint8Array, f: (v: Uint8Array | null) => Uint8Array | null) => (p: string, b: any) => {
    if (!p.startsWith(path(key))) return b;
    const v = f(typeof b.value === 'string' ? fromHex(b.value) : null);
    return { ...b, value: v ? toHex(v) : null };
  };
  const boardSwap = rewrite(GovKey.board(), (v) => encodeBody({ ...decodeBody(v!), members: strangers }));
  const statusFlip = rewrite(GovKey.resolution(fromHex(passedId)), (v) => encodeResolution({ ...decodeResolution(v!), status: 'rejected', note: 'forged' }));
  const tallyHidden = rewrite(GovKey.candidateTally(clock().latest, addr(holders[5]!)), () => null);
  const richer = rewrite(TokenKey.balance(fromHex(tokenHex), addr(holders[4]!)), () => encodeTokenBalance(10n ** 12n));
  const cases: [string, (p: string, b: any) => unknown, (c: LightClient) => Promise<unknown>][] = [
    ['board', boardSwap, (c) => c.getGovernance()],
    ['board membership', boardSwap, (c) => c.isBoardMember(strangers[0]!)],
    ['resolution status', statusFlip, (c) => c.getResolution(passedId)],
    ['resolution list', statusFlip, (c) => c.getResolutions()],
    ['hidden tally', tallyHidden, (c) => c.getCandidateTally(clock().latest, addr(holders[5]!))],
    ['token balance', richer, (c) => c.getTokenBalance(tokenHex, addr(holders[4]!))],
  ];
  for (const [what, tamper, read] of cases) {
    liar.tamper = null;
    const alone = await open({ relays: [liar.url] });
    liar.tamper = tamper;
    await assert.rejects(read(alone), lightCode(LightErrorCode.LC_PROOF_INVALID), what);
    assert.deepEqual(alone.sources().map((s) => [s.health, s.lastError?.code]), [['faulty', LightErrorCode.LC_PROOF_INVALID]], what);
  }

  // With an honest second source: the true values, and only the liar is dropped.
  liar.tamper = null;
  const both = await open({ relays: [liar.url, net.relayUrls[1]!] });
  liar.tamper = (p, b) => richer(p, statusFlip(p, boardSwap(p, b)));
  const g = await both.getGovernance();
  assert.deepEqual(g.board.members, decodeBody(state(GovKey.board())!).members.map(formatAddress));
  assert.equal((await both.getResolution(passedId)).status, 'executed');
  assert.equal((await both.getTokenBalance(tokenHex, addr(holders[4]!))).balance, 2_500n);
  assert.deepEqual(both.sources().map((s) => s.health), ['faulty', 'ok']);
});

// ------------------------------------------------------------------ worker

test('governance reads cross the comlink worker boundary, errors keep their codes', async () => {
  const w = await lcs.openWorker();
  const g = await w.getGovernance();
  assert.deepEqual(g.board.members, decodeBody(state(GovKey.board())!).members.map(formatAddress));
  assert.deepEqual(g.committee.members, committee.map(text));
  const r = await w.getResolution(passedId);
  assert.deepEqual([r.status, r.action.type], ['executed', 'setParams']);
  assert.equal((await w.getResolutions()).recent.length, 2);
  await assert.rejects(w.getResolution('ab'.repeat(32)), chainCode(ErrorCode.RESOLUTION_UNKNOWN));
});
