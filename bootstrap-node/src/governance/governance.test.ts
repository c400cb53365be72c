/**
 * Governance rules on the real state machine (BlockRunner, chain time under test control):
 * coin-age edge cases, a whole election, resolutions (unanimity, deadlines, activation height,
 * the committee's limits), lockups, and bad input that must change nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOf, dpn, toHex, DipnetError, ErrorCode, GovKey, ContractKey, decodeElection, decodeBody, decodeResolution, decodeUpgradePlan,
  decodeHolderBallot, decodeParams, StateKey, resolutionId, compareBytes, decodeTemplateRecord,
  type KeyPair, type TxBody, type GovParams, type Params, type Election, type Resolution,
} from '@dipnet/protocol';
import type { TxOutcome } from '../state/executor.ts';
import { devnetGenesis, devBoardKey, devCommitteeKey, DEVNET_PARAMS } from '../devnet/genesis.ts';
import { devKey } from '../devnet/dev-keys.ts';
import { BlockRunner } from '../testing/block-runner.ts';
import { ContractFixture } from '../testing/contract-fixture.ts';

const T0 = 1_700_000_000_000n;
const FEE = dpn(1);
const GOV: GovParams = { boardTermMs: 100_000n, votingPeriodMs: 20_000n, boardVotePeriodMs: 10_000n, coinAgeCapMs: 50_000n, maxResolutionMs: 60_000n };
const sale = devKey('sale');
const board = Array.from({ length: 5 }, (_, i) => devBoardKey(i));
const A = (k: KeyPair) => addressOf(k.publicKey);

/** A chain whose board and committee members hold DPN for fees. */
function chain(gov: GovParams = GOV, params: Partial<Params> = {}): BlockRunner {
  const g = devnetGenesis({ chainId: 'gov-test', validators: 1, genesisTime: T0, govParams: gov });
  const r = new BlockRunner({ ...g, params: { ...g.params, ...params } });
  r.block([...board, devCommitteeKey(0), devCommitteeKey(1), devCommitteeKey(2)].map((k) => r.tx(sale, { type: 'transfer', to: addressOf(k.publicKey), amount: dpn(100), memo: '' }, FEE)), 500n);
  return r;
}

/** Runs one block and returns each tx's outcome, throwing the error of the first refused one. */
function ok(r: BlockRunner, txs: [KeyPair, TxBody][], advanceMs = 1000n): TxOutcome[] {
  const res = r.block(txs.map(([k, b]) => r.tx(k, b, FEE)), advanceMs);
  return res.results.map((x) => {
    if (x instanceof DipnetError) throw x;
    return x;
  });
}

/**
 * The tx must be refused with `code` and change nothing: the only state that may differ after
 * its block is end-of-block bookkeeping (election phases and the clock, the board they seat).
 */
function refused(r: BlockRunner, k: KeyPair, body: TxBody, code: string): void {
  const before = new Map(r.entries());
  const res = r.block([r.tx(k, body, FEE)], 0n).results[0];
  assert.ok(res instanceof DipnetError, `expected ${code}, the tx was included`);
  assert.equal(res.code, code, res.message);
  const after = new Map(r.entries());
  const clockwork = (key: string) => ['42', '43', '4b'].includes(key.slice(0, 2)) || (key.startsWith('44') && sameVotes(before.get(key), after.get(key)));
  for (const [key, v] of after) if ((!before.has(key) || toHex(before.get(key)!) !== toHex(v)) && !clockwork(key)) assert.fail(`state changed at ${key}`);
  for (const key of before.keys()) assert.ok(after.has(key), `state lost ${key}`);
}
/** An election record whose phase moved but whose candidates and votes did not. */
function sameVotes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b) return !a && !b ? true : !a; // a newly opened election is clockwork too
  const x = decodeElection(a), y = decodeElection(b);
  return x.voters === y.voters && x.totalWeight === y.totalWeight && x.candidates.map(toHex).join() === y.candidates.map(toHex).join();
}

const send = (to: KeyPair, amount: bigint): TxBody => ({ type: 'transfer', to: A(to), amount, memo: '' });
const election = (r: BlockRunner, id: bigint): Election => decodeElection(r.get(GovKey.election(id))!);
const resolution = (r: BlockRunner, id: Uint8Array): Resolution => decodeResolution(r.get(GovKey.resolution(id))!);

/** Advances chain time in 1 s blocks until `pred`. */
function until(r: BlockRunner, pred: () => boolean, what: string, max = 10_000): void {
  for (let i = 0; i < max && !pred(); i++) r.block([], 1000n);
  assert.ok(pred(), what);
}

test('coin-age: moving resets it, fees do not, receiving keeps weight, it stops at the cap', () => {
  const r = chain();
  const h1 = devKey('gov/h1'), h2 = devKey('gov/h2'), h3 = devKey('gov/h3');
  ok(r, [[sale, send(h1, dpn(1000))], [sale, send(h2, dpn(500))]]);
  const t1 = r.time;
  assert.equal(r.account(A(h1)).ageSince, t1, 'fresh coins start at the block time');
  r.block([], 10_000n);
  // (That paying only a fee keeps coin-age is checked with vote txs in the election test.)
  ok(r, [[h1, send(h3, dpn(1))]]);
  assert.equal(r.account(A(h1)).ageSince, r.time, 'an outflow resets coin-age');
  // Inflow: h2 held 500 DPN for (now - t1); receiving 500 more halves its age, so its weight is unchanged.
  r.block([], 9_000n);
  const before = r.account(A(h2));
  const ageBefore = r.time + 1000n - before.ageSince;
  ok(r, [[sale, send(h2, dpn(500))]]);
  const after = r.account(A(h2));
  assert.equal(after.balance, dpn(1000));
  const ageAfter = r.time - after.ageSince;
  assert.equal(ageAfter, (dpn(500) * ageBefore) / dpn(1000), 'the new age is the weighted age, rounded down');
  assert.ok(after.balance * ageAfter <= before.balance * ageBefore, 'receiving never creates weight');
  // Cap: after the cap, age stops growing — an inflow then averages from the capped age.
  r.block([], GOV.coinAgeCapMs * 3n);
  const capped = r.account(A(h2));
  ok(r, [[sale, send(h2, dpn(1000))]]);
  assert.equal(r.time - r.account(A(h2)).ageSince, (capped.balance * GOV.coinAgeCapMs) / dpn(2000), 'inflow averages the capped age, not the raw one');
});

/** Opens an election on a fresh chain: candidates and holders funded at chosen times first. */
function electionSetup(holders: { key: KeyPair; amount: bigint; fundAt: bigint }[]): BlockRunner {
  const r = chain();
  for (const h of [...holders].sort((a, b) => (a.fundAt < b.fundAt ? -1 : 1))) {
    if (r.time < T0 + h.fundAt) r.block([], T0 + h.fundAt - r.time - 1000n);
    ok(r, [[sale, send(h.key, h.amount)]]);
  }
  until(r, () => r.get(GovKey.election(1n)) !== undefined, 'election 1 opens when the board term ends');
  return r;
}

test('election: weights by balance × coin-age at the opening, top 30 → representatives, their votes → board of 5', () => {
  // 36 candidates, 40 holders; holders vote with different balances and ages.
  const cands = Array.from({ length: 36 }, (_, i) => devKey(`gov/cand-${i}`));
  const holders = Array.from({ length: 40 }, (_, i) => ({ key: devKey(`gov/holder-${i}`), amount: dpn(100 + ((i * 37) % 11) * 50), fundAt: BigInt(2_000 + ((i * 7919) % 90) * 1000) }));
  const r = electionSetup([...holders, ...cands.map((k) => ({ key: k, amount: dpn(10), fundAt: 1_000n }))]);
  const e = election(r, 1n);
  assert.equal(e.phase, 'voting');
  ok(r, cands.map((k) => [k, { type: 'registerCandidate', election: 1n }] as [KeyPair, TxBody]));
  // Each holder votes for candidate (i mod 36): the expected weight is computed here from the definitions.
  const expected = new Map<string, bigint>();
  for (const [i, h] of holders.entries()) {
    const acct = r.account(A(h.key));
    const age = e.opensAt - acct.ageSince > GOV.coinAgeCapMs ? GOV.coinAgeCapMs : e.opensAt - acct.ageSince;
    const c = toHex(A(cands[i % 36]!));
    expected.set(c, (expected.get(c) ?? 0n) + acct.balance * age);
  }
  ok(r, holders.map((h, i) => [h.key, { type: 'electionVote', election: 1n, candidate: A(cands[i % 36]!) }] as [KeyPair, TxBody]));
  // Ballots keep each holder's weight; a vote tx's fee did not reset the age.
  const b0 = decodeHolderBallot(r.get(GovKey.holderBallot(1n, A(holders[0]!.key)))!);
  assert.ok(b0.weight > 0n);
  assert.equal(r.account(A(holders[0]!.key)).ageSince < e.opensAt, true, 'paying a fee is not moving coins');
  until(r, () => election(r, 1n).phase === 'boardVoting', 'holder voting ends');
  const ranked = [...expected.entries()].filter(([, w]) => w > 0n).sort((a, b) => (a[1] === b[1] ? (a[0] < b[0] ? -1 : 1) : a[1] > b[1] ? -1 : 1)).slice(0, 30).map(([c]) => c);
  const reps = election(r, 1n).representatives.map(toHex);
  assert.deepEqual(reps, ranked, 'the 30 heaviest candidates, ties by address');
  assert.deepEqual(decodeBody(r.get(GovKey.representatives())!).members.map(toHex), ranked);
  // Representatives vote: reps[j] votes for reps[j % 7] → the first seven get 5,5,4,4,4,4,4 votes.
  const repKeys = new Map(cands.map((k) => [toHex(A(k)), k]));
  const loser = cands.find((k) => !reps.includes(toHex(A(k))))!;
  refused(r, loser, { type: 'boardVote', election: 1n, candidate: A(repKeys.get(reps[0]!)!) }, ErrorCode.GOV_NOT_MEMBER);
  refused(r, repKeys.get(reps[0]!)!, { type: 'boardVote', election: 1n, candidate: A(loser) }, ErrorCode.ELECTION_NOT_CANDIDATE);
  refused(r, holders[0]!.key, { type: 'electionVote', election: 1n, candidate: A(cands[0]!) }, ErrorCode.ELECTION_CLOSED);
  ok(r, reps.map((rep, j) => [repKeys.get(rep)!, { type: 'boardVote', election: 1n, candidate: A(repKeys.get(reps[j % 7]!)!) }] as [KeyPair, TxBody]));
  refused(r, repKeys.get(reps[0]!)!, { type: 'boardVote', election: 1n, candidate: A(repKeys.get(reps[1]!)!) }, ErrorCode.ELECTION_ALREADY_VOTED);
  until(r, () => election(r, 1n).phase === 'closed', 'board voting ends');
  const votes = new Map<string, number>();
  reps.forEach((_, j) => votes.set(reps[j % 7]!, (votes.get(reps[j % 7]!) ?? 0) + 1));
  const expectBoard = [...reps].sort((a, b) => (votes.get(b) ?? 0) - (votes.get(a) ?? 0) || (expected.get(a)! === expected.get(b)! ? (a < b ? -1 : 1) : expected.get(a)! > expected.get(b)! ? -1 : 1)).slice(0, 5);
  const newBoard = decodeBody(r.get(GovKey.board())!);
  assert.deepEqual(newBoard.members.map(toHex), expectBoard);
  assert.equal(newBoard.election, 1n);
  assert.equal(newBoard.termEnd - newBoard.termStart, GOV.boardTermMs);
});

test('election bad input: outside the window, twice, moved weight, split weight, non-candidates, non-representatives', () => {
  const h1 = devKey('gov/bad-h1'), h2 = devKey('gov/bad-h2'), fresh = devKey('gov/bad-fresh'), c1 = devKey('gov/bad-c1');
  const r = electionSetup([{ key: h1, amount: dpn(1000), fundAt: 5_000n }, { key: h2, amount: dpn(1000), fundAt: 5_000n }, { key: c1, amount: dpn(5), fundAt: 5_000n }]);
  refused(r, h1, { type: 'electionVote', election: 2n, candidate: A(c1) }, ErrorCode.ELECTION_UNKNOWN);
  refused(r, h1, { type: 'electionVote', election: 1n, candidate: A(c1) }, ErrorCode.ELECTION_NOT_CANDIDATE);
  ok(r, [[c1, { type: 'registerCandidate', election: 1n }]]);
  refused(r, c1, { type: 'registerCandidate', election: 1n }, ErrorCode.ELECTION_ALREADY_CANDIDATE);
  // Coins that arrive after the opening carry no weight into this election.
  ok(r, [[sale, send(fresh, dpn(50))]]);
  refused(r, fresh, { type: 'electionVote', election: 1n, candidate: A(c1) }, ErrorCode.ELECTION_WEIGHT_MOVED);
  ok(r, [[h1, { type: 'electionVote', election: 1n, candidate: A(c1) }]]);
  const w1 = decodeHolderBallot(r.get(GovKey.holderBallot(1n, A(h1)))!).weight;
  refused(r, h1, { type: 'electionVote', election: 1n, candidate: A(c1) }, ErrorCode.ELECTION_ALREADY_VOTED);
  // After voting, h1 moves everything to a fresh account: that account cannot vote with it.
  const fresh2 = devKey('gov/bad-fresh2');
  ok(r, [[h1, send(fresh2, dpn(990))]]);
  refused(r, fresh2, { type: 'electionVote', election: 1n, candidate: A(c1) }, ErrorCode.ELECTION_WEIGHT_MOVED);
  // h2 splits its coins with h1 after the opening: h1 already voted, and h2's own weight cannot rise.
  const h2Before = r.account(A(h2));
  ok(r, [[sale, send(h2, dpn(1000))]]);
  ok(r, [[h2, { type: 'electionVote', election: 1n, candidate: A(c1) }]]);
  const e = election(r, 1n);
  const w2 = decodeHolderBallot(r.get(GovKey.holderBallot(1n, A(h2)))!).weight;
  assert.ok(w2 <= h2Before.balance * (e.opensAt - h2Before.ageSince), 'coins received after the opening add no weight');
  assert.equal(e.totalWeight, w1 + w2, 'each coin counted once');
  // A board vote during holder voting, and a board vote by a non-representative later.
  refused(r, h1, { type: 'boardVote', election: 1n, candidate: A(c1) }, ErrorCode.ELECTION_CLOSED);
  until(r, () => election(r, 1n).phase !== 'voting', 'voting ends');
  refused(r, c1, { type: 'registerCandidate', election: 1n }, ErrorCode.ELECTION_CLOSED);
  // One candidate is fewer than a board: the election fails, the genesis board stays, a new one opens.
  assert.equal(election(r, 1n).phase, 'failed');
  assert.deepEqual(decodeBody(r.get(GovKey.board())!).members.map(toHex), board.map((k) => toHex(A(k))));
  r.block([], 1000n);
  assert.equal(election(r, 2n).phase, 'voting', 'a new election opens at once');
});

test('board resolution: unanimous → fees change exactly at the activation height; 4 of 5 → expired, nothing changes', () => {
  const r = chain();
  const payer = devKey('gov/payer');
  ok(r, [[sale, send(payer, dpn(1000))]]);
  const newParams = { ...DEVNET_PARAMS, feeBase: DEVNET_PARAMS.feeBase * 10n, feePerByte: DEVNET_PARAMS.feePerByte * 3n };
  const H = r.height + 4n;
  ok(r, [[board[0]!, { type: 'proposeResolution', body: 'board', action: { type: 'setParams', params: newParams }, deadline: r.time + 30_000n, activationHeight: H }]]);
  const id = resolutionId(A(board[0]!), r.lastNonce(board[0]!));
  ok(r, board.slice(1).map((k) => [k, { type: 'decideResolution', resolution: id, approve: true }] as [KeyPair, TxBody]));
  assert.equal(resolution(r, id).status, 'passed');
  // Blocks before H charge the old fee, block H the new one — the same tx shape each time.
  const charged: bigint[] = [];
  while (r.height < H + 1n) charged.push(ok(r, [[payer, send(sale, 1n)]])[0]!.fee);
  const old = charged[0]!;
  assert.ok(charged.slice(0, -2).every((f) => f === old), `old fee until H-1: ${charged}`);
  assert.ok(charged.at(-2)! > old && charged.at(-1) === charged.at(-2), `new fee from H on: ${charged}`);
  assert.equal(resolution(r, id).status, 'executed');
  assert.deepEqual(decodeParams(r.get(StateKey.params())!), newParams);

  // 4 of 5: the fifth never approves; at the deadline it expires and the params stay.
  const H2 = r.height + 50n;
  ok(r, [[board[0]!, { type: 'proposeResolution', body: 'board', action: { type: 'setParams', params: DEVNET_PARAMS }, deadline: r.time + 5_000n, activationHeight: H2 }]]);
  const id2 = resolutionId(A(board[0]!), r.lastNonce(board[0]!));
  ok(r, board.slice(1, 4).map((k) => [k, { type: 'decideResolution', resolution: id2, approve: true }] as [KeyPair, TxBody]));
  until(r, () => resolution(r, id2).status !== 'open', 'the deadline passes');
  const x = resolution(r, id2);
  assert.equal(x.status, 'expired');
  assert.match(x.note, /RESOLUTION_NOT_UNANIMOUS: 4 of 5 approved by the deadline/);
  refused(r, board[4]!, { type: 'decideResolution', resolution: id2, approve: true }, ErrorCode.RESOLUTION_EXPIRED);
  until(r, () => r.height > H2, 'its activation height passes');
  assert.deepEqual(decodeParams(r.get(StateKey.params())!), newParams, 'a 4-of-5 resolution changes nothing');
});

test('resolution bad input and the committee: non-members, outside powers, twice, a rejection, deadlines', () => {
  const r = chain();
  const outsider = devKey('gov/outsider');
  ok(r, [[sale, send(outsider, dpn(10))]]);
  const action = { type: 'setParams', params: { ...DEVNET_PARAMS, reviewFee: dpn(1) } } as const;
  const propose = (k: KeyPair, extra: Partial<Extract<TxBody, { type: 'proposeResolution' }>> = {}): TxBody =>
    ({ type: 'proposeResolution', body: 'board', action, deadline: r.time + 10_000n, activationHeight: r.height + 20n, ...extra });
  refused(r, outsider, propose(outsider), ErrorCode.GOV_NOT_MEMBER);
  refused(r, devCommitteeKey(0), propose(devCommitteeKey(0), { body: 'committee' }), ErrorCode.GOV_NOT_ALLOWED);
  refused(r, board[0]!, propose(board[0]!, { deadline: r.time }), ErrorCode.TX_INVALID);
  refused(r, board[0]!, propose(board[0]!, { deadline: r.time + GOV.maxResolutionMs + 5_000n }), ErrorCode.TX_INVALID);
  refused(r, board[0]!, propose(board[0]!, { activationHeight: r.height }), ErrorCode.TX_INVALID);
  refused(r, board[0]!, { type: 'decideResolution', resolution: new Uint8Array(32), approve: true }, ErrorCode.RESOLUTION_UNKNOWN);
  ok(r, [[board[0]!, propose(board[0]!)]]);
  const id = resolutionId(A(board[0]!), r.lastNonce(board[0]!));
  refused(r, outsider, { type: 'decideResolution', resolution: id, approve: true }, ErrorCode.GOV_NOT_MEMBER);
  refused(r, board[0]!, { type: 'decideResolution', resolution: id, approve: true }, ErrorCode.RESOLUTION_ALREADY_DECIDED);
  ok(r, [[board[1]!, { type: 'decideResolution', resolution: id, approve: false }]]);
  assert.equal(resolution(r, id).status, 'rejected', 'one rejection makes unanimity impossible');
  refused(r, board[2]!, { type: 'decideResolution', resolution: id, approve: true }, ErrorCode.RESOLUTION_CLOSED);

  // The committee (2 of 3) deprecates a template and signals a patch upgrade on its own.
  const c = new ContractFixture(r, { 'bill-of-materials': dpn(1), supply: dpn(1), tender: dpn(1), logistics: dpn(1), inspection: dpn(1), guarantee: dpn(1) });
  c.publishBaseTemplates();
  const tpl = c.templates.logistics.id;
  const [c0, c1] = [devCommitteeKey(0), devCommitteeKey(1)];
  ok(r, [[c0, { type: 'proposeResolution', body: 'committee', action: { type: 'deprecateTemplate', template: tpl }, deadline: r.time + 10_000n, activationHeight: r.height + 3n }]]);
  const dep = resolutionId(A(c0), r.lastNonce(c0));
  ok(r, [[c1, { type: 'decideResolution', resolution: dep, approve: true }]]);
  ok(r, [[c0, { type: 'proposeResolution', body: 'committee', action: { type: 'upgrade', version: '1.0.1', severity: 'patch' }, deadline: r.time + 10_000n, activationHeight: r.height + 10n }]]);
  const up = resolutionId(A(c0), r.lastNonce(c0));
  refused(r, c0, { type: 'proposeResolution', body: 'committee', action: { type: 'upgrade', version: '2.0.0', severity: 'major' }, deadline: r.time + 10_000n, activationHeight: r.height + 10n }, ErrorCode.GOV_NOT_ALLOWED);
  ok(r, [[c1, { type: 'decideResolution', resolution: up, approve: true }]]);
  const plan = decodeUpgradePlan(r.get(GovKey.upgradePlan())!);
  assert.equal(plan.version, '1.0.1', 'an upgrade is announced when it passes, before its height');
  until(r, () => resolution(r, dep).status === 'executed', 'the deprecation takes effect');
  assert.equal(decodeTemplateRecord(r.get(ContractKey.template(tpl))!).status, 'deprecated');
});

test('locks: locked funds cannot move but can be bonded and can vote; a resolution adds a vesting schedule', () => {
  // A short unbonding period: weeks of chain time would run every contract timer and election meanwhile.
  const r = chain(GOV, { unbondingPeriodMs: 60_000n });
  const founder = devKey('founder-0');
  const f = r.account(A(founder));
  assert.ok(f.locks.length === 1 && f.locks[0]!.amount === f.balance);
  refused(r, founder, send(sale, dpn(1)), ErrorCode.TX_FUNDS_LOCKED);
  // Fees need some unlocked DPN: give the founder a little.
  ok(r, [[sale, send(founder, dpn(10))]]);
  refused(r, founder, send(sale, dpn(11)), ErrorCode.TX_FUNDS_LOCKED);
  ok(r, [[founder, send(sale, dpn(5))]]);
  // Bond locked DPN to the validator; the unlocked remainder stays spendable.
  const validator = addressOf(r.genesis.validators[0]!.publicKey);
  ok(r, [[founder, { type: 'bond', validator, amount: dpn(1_000_000) }]]);
  assert.equal(r.account(A(founder)).lockBonded, dpn(1_000_000));
  ok(r, [[founder, send(sale, dpn(1))]]);
  // Unbond: back in the balance after the unbonding period, still locked.
  ok(r, [[founder, { type: 'unbond', validator, amount: dpn(1_000_000) }]]);
  r.block([], r.genesis.params.unbondingPeriodMs + 1000n);
  r.block([], 1000n);
  const back = r.account(A(founder));
  assert.equal(back.lockBonded, 0n);
  refused(r, founder, send(sale, dpn(10)), ErrorCode.TX_FUNDS_LOCKED);

  // The board locks a grant in two tranches; the holder can move each only after it vests.
  const grantee = devKey('gov/grantee');
  ok(r, [[sale, send(grantee, dpn(100))]]);
  const t1 = r.time + 20_000n, t2 = r.time + 40_000n;
  const H = r.height + 3n;
  ok(r, [[board[0]!, { type: 'proposeResolution', body: 'board', action: { type: 'addLock', account: A(grantee), tranches: [{ amount: dpn(40), unlockAt: t1 }, { amount: dpn(40), unlockAt: t2 }] }, deadline: r.time + 10_000n, activationHeight: H }]]);
  const id = resolutionId(A(board[0]!), r.lastNonce(board[0]!));
  ok(r, board.slice(1).map((k) => [k, { type: 'decideResolution', resolution: id, approve: true }] as [KeyPair, TxBody]));
  until(r, () => r.height >= H, 'activation');
  assert.equal(resolution(r, id).status, 'executed');
  refused(r, grantee, send(sale, dpn(25)), ErrorCode.TX_FUNDS_LOCKED);
  ok(r, [[grantee, send(sale, dpn(15))]]);
  until(r, () => r.time >= t1, 'first tranche vests');
  ok(r, [[grantee, send(sale, dpn(40))]]);
  refused(r, grantee, send(sale, dpn(10)), ErrorCode.TX_FUNDS_LOCKED);
  until(r, () => r.time >= t2, 'second tranche vests');
  ok(r, [[grantee, send(sale, dpn(40))]]);
  assert.equal(r.account(A(grantee)).locks.length, 0, 'vested tranches are dropped');
});

test('coin-age: splitting a balance across accounts before an election gains nothing', () => {
  const whole = devKey('gov/whole'), split = devKey('gov/split'), s1 = devKey('gov/split-1'), s2 = devKey('gov/split-2'), c = devKey('gov/split-cand');
  const r = chain();
  ok(r, [[sale, send(whole, dpn(1000))], [sale, send(split, dpn(1000))], [sale, send(c, dpn(1))]]);
  const funded = r.time;
  r.block([], 30_000n);
  ok(r, [[split, send(s1, dpn(300))], [split, send(s2, dpn(300))]]);
  until(r, () => r.get(GovKey.election(1n)) !== undefined, 'election opens');
  ok(r, [[c, { type: 'registerCandidate', election: 1n }]]);
  const wholeBalance = r.account(A(whole)).balance;
  ok(r, [whole, split, s1, s2].map((k) => [k, { type: 'electionVote', election: 1n, candidate: A(c) }] as [KeyPair, TxBody]));
  const w = (k: KeyPair) => decodeHolderBallot(r.get(GovKey.holderBallot(1n, A(k)))!).weight;
  const e = election(r, 1n);
  const age = e.opensAt - funded < GOV.coinAgeCapMs ? e.opensAt - funded : GOV.coinAgeCapMs;
  assert.equal(w(whole), wholeBalance * age, 'balance when voting × age at the opening');
  assert.ok(w(split) + w(s1) + w(s2) < w(whole), 'the split coins restarted their age: together they weigh less than the unsplit holding');
  assert.equal(e.totalWeight, w(whole) + w(split) + w(s1) + w(s2));
});

test('votes are ordered: candidates sorted, tallies and ballots provable as state values', () => {
  const c = [devKey('gov/o1'), devKey('gov/o2'), devKey('gov/o3')];
  const r = electionSetup(c.map((key) => ({ key, amount: dpn(10), fundAt: 1_000n })));
  ok(r, c.map((k) => [k, { type: 'registerCandidate', election: 1n }] as [KeyPair, TxBody]));
  const e = election(r, 1n);
  assert.deepEqual(e.candidates.map(toHex), c.map((k) => A(k)).sort(compareBytes).map(toHex));
});
