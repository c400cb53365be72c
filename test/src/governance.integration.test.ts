/**
 * Governance on four validator processes (issue 7's must-show). 100 holders are funded at
 * different times before an election opens — some move coins away (their age restarts), some
 * receive a second transfer (their age is averaged down) — and the coin-age cap is chosen so some
 * holders hit it and others do not. 40 candidates stand; every holder votes. The test computes
 * the 30 representatives and the 5 board members itself, from the definitions, the block times of
 * the txs that moved coins, and the amounts it sent — and compares with every node's proven
 * Election and Body records. Then the new board passes a unanimous fee-schedule resolution (the
 * fee charged changes exactly at its activation height) and lets a 4-of-5 resolution expire.
 * Bad governance input is refused at the relay with its specific code; the `dipnet gov` CLI reads
 * and acts on the same chain.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addressOf, dpn, encodeSignedTx, signTx, toHex, fromHex, formatAddress, equalBytes, stateKeyHash, verifySmtProof, decodeSmtProof,
  StateKey, GovKey, EMPTY_ACCOUNT, decodeAccount, decodeBody, decodeCandidateTally, decodeElection, decodeElectionClock, decodeParams,
  decodeResolution, decodeResolutionIndex, resolutionId, DipnetError, txHash, REPRESENTATIVES, BOARD_SIZE,
  type Election, type Header, type KeyPair, type Params, type TxBody,
} from '@dipnet/protocol';
import { waitFor } from '@dipnet/protocol/testing';
import { devKey, DEVNET_PARAMS, type RelayClient } from '@dipnet/bootstrap-node';
import { DevnetHarness } from './devnet-harness.ts';
import { runDipnet } from '@dipnet/bootstrap-node/testing';

/**
 * The board's term ends 84 s after genesis: time for four processes to start (~12 s on CI; the
 * schedule holds while they are up within 46 s) and for funding rounds 44, 34, 20, 13 and 7 s
 * before the election opens (each commits within about a second). With a 26 s cap the first two
 * rounds are capped and the later ones are not.
 */
const GOV = { boardTermMs: 84_000n, votingPeriodMs: 14_000n, boardVotePeriodMs: 9_000n, coinAgeCapMs: 26_000n, maxResolutionMs: 120_000n };
const CAP = GOV.coinAgeCapMs;
const HOLDERS = 100;
const CANDIDATES = 40;
/** Declared fee: covers both fee schedules; the chain charges what its schedule asks, not this. */
const FEE = dpn(1) / 20n;

const hex = (a: Uint8Array) => toHex(a);
const byWeightThenAddress = (w: (a: string) => bigint) => (a: string, b: string) => {
  const d = w(b) - w(a);
  return d > 0n ? 1 : d < 0n ? -1 : a < b ? -1 : a > b ? 1 : 0;
};
const sleepUntil = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));

/** A key with the next nonce tracked locally (every account here starts fresh or is read once). */
class Signer {
  readonly address: Uint8Array;
  constructor(readonly key: KeyPair, private readonly chainId: string, public nonce = 0n) {
    this.address = addressOf(key.publicKey);
  }
  get hex(): string {
    return hex(this.address);
  }
  /** Signs with the next nonce and consumes it. */
  next(body: TxBody): Uint8Array {
    return this.sign(body, this.nonce++);
  }
  /** Signs with the next nonce without consuming it: for txs the chain must refuse. */
  probe(body: TxBody): Uint8Array {
    return this.sign(body, this.nonce);
  }
  private sign(body: TxBody, nonce: bigint): Uint8Array {
    return encodeSignedTx(signTx({ chainId: this.chainId, signer: this.key.publicKey, nonce, fee: FEE, body }, this.key.secretKey));
  }
}

/** State values proven against one verified header of one node. */
async function proven(client: RelayClient, at?: bigint) {
  const status = await client.status();
  const header: Header = await client.verifiedHeader(status.chainId, at ?? BigInt(status.height));
  const get = async (key: Uint8Array): Promise<Uint8Array | undefined> => {
    const r = await client.get<{ value: string | null; proof: string; stateRoot: string }>(`/v1/state/${toHex(key)}?height=${header.height}`);
    const value = r.value === null ? undefined : fromHex(r.value);
    assert.ok(equalBytes(fromHex(r.stateRoot), header.stateRoot) && verifySmtProof(header.stateRoot, stateKeyHash(key), value, decodeSmtProof(fromHex(r.proof))), `proof of ${toHex(key)} verifies`);
    return value;
  };
  const must = async (key: Uint8Array): Promise<Uint8Array> => {
    const v = await get(key);
    assert.ok(v, `state holds ${toHex(key)}`);
    return v;
  };
  return { header, get, must };
}

/** The relay's error code for a tx it must refuse (nothing is added to the pool then). */
async function refusal(client: RelayClient, tx: Uint8Array): Promise<string> {
  try {
    const hash = await client.submitTx(tx);
    return `accepted ${hash}`;
  } catch (e) {
    if (e instanceof DipnetError) return e.code;
    throw e;
  }
}

const runCli = (args: string[]) => runDipnet(args, { timeoutMs: 60_000 });

interface Model { balance: bigint; ageSince: bigint }
/** Coin-age by its definition: held-unmoved time, capped, never negative. */
const ageAt = (ageSince: bigint, t: bigint) => (t <= ageSince ? 0n : t - ageSince > CAP ? CAP : t - ageSince);

test('election of 30 representatives and a 5-member board by coin-age, then unanimous and 4-of-5 resolutions', { timeout: 300_000 }, async (t) => {
  const began = Date.now();
  const mark = (what: string) => t.diagnostic(`${((Date.now() - began) / 1000).toFixed(1)} s  ${what}`);
  const net = await DevnetHarness.start(4, { govParams: GOV, timeouts: { emptyBlockIntervalMs: 1000 } });
  after(() => net.stop());
  mark('4 validators up');
  const [c0, c1, c2] = [net.clients[0]!, net.clients[1]!, net.clients[2]!];
  const chainId = net.chainId;

  const headerTimes = new Map<bigint, bigint>();
  const blockTime = async (h: bigint): Promise<bigint> => {
    if (!headerTimes.has(h)) headerTimes.set(h, (await c0.verifiedHeader(chainId, h)).time);
    return headerTimes.get(h)!;
  };
  /** Submits txs (each must be admitted) and waits until all are committed; returns their heights. */
  const commit = async (txs: Uint8Array[], client = c0): Promise<bigint[]> => {
    const hashes: string[] = [];
    for (let i = 0; i < txs.length; i += 256) {
      for (const r of await client.submitTxBatch(txs.slice(i, i + 256))) {
        if ('error' in r) assert.fail(`tx refused: ${r.error.code} ${r.error.message}`);
        hashes.push(r.hash);
      }
    }
    const heights: bigint[] = [];
    const deadline = Date.now() + 30_000;
    for (const h of hashes) {
      const s = await waitFor(async () => { const t = await client.txStatus(h); return t.status === 'committed' && t; }, { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 100, what: `tx ${h} to commit` });
      heights.push(BigInt(s.height!));
    }
    return heights;
  };
  const election = async (client: RelayClient, id: bigint): Promise<Election> => decodeElection(await (await proven(client)).must(GovKey.election(id)));

  // ------------------------------------------------------------------ keys and the schedule
  const read0 = await proven(c0);
  const genesisBoard = decodeBody(await read0.must(GovKey.board()));
  assert.deepEqual(decodeParams(await read0.must(StateKey.params())), DEVNET_PARAMS);
  const T = genesisBoard.termEnd; // the election opens at the end of the first block at or after this chain time
  const saleAcct = await read0.get(StateKey.account(addressOf(devKey('sale').publicKey)));
  const sale = new Signer(devKey('sale'), chainId, (saleAcct ? decodeAccount(saleAcct) : EMPTY_ACCOUNT).nonce);
  const holders = Array.from({ length: HOLDERS }, (_, i) => new Signer(devKey(`gov-holder-${i}`), chainId));
  const candidates = Array.from({ length: CANDIDATES }, (_, j) => new Signer(devKey(`gov-candidate-${j}`), chainId));
  const byHex = new Map(candidates.map((c) => [c.hex, c]));
  const probes = [0, 1].map((k) => new Signer(devKey(`gov-probe-${k}`), chainId));
  const sink = addressOf(devKey('gov-sink').publicKey);

  // Holders 0 and 1 get equal balances in the first round: both capped, so their weights tie exactly.
  const round = (i: number): 'A' | 'B' | 'C' => (i < 2 || i % 5 <= 1 ? 'A' : i % 5 <= 3 ? 'B' : 'C');
  const firstAmount = (i: number): bigint => (i < 2 ? dpn(150) : dpn(50 + ((i * 37) % 97) * 7) + BigInt(i) * 123_457n);
  const moves = (i: number) => i % 10 === 3 || i % 10 === 8; // send a third away (age restarts)
  const receivesAgain = (i: number) => [2, 6, 8, 9].includes(i % 10); // a second inflow (age averaged down)
  const model: Model[] = holders.map(() => ({ balance: 0n, ageSince: 0n }));
  const eventTimes: bigint[] = [];
  const inflow = (m: Model, amount: bigint, at: bigint): Model => {
    const total = m.balance + amount;
    return { balance: total, ageSince: at - (m.balance * ageAt(m.ageSince, at)) / total };
  };

  /** The sale key sends `amount(i)` to holders `ids` (and extra transfers), then the model takes each inflow at its block's time. */
  const fundRound = async (ids: number[], amount: (i: number) => bigint, extra: { to: Uint8Array; amount: bigint }[] = []) => {
    const txs = [...ids.map((i) => sale.next({ type: 'transfer', to: holders[i]!.address, amount: amount(i), memo: '' })), ...extra.map((x) => sale.next({ type: 'transfer', to: x.to, amount: x.amount, memo: '' }))];
    const heights = await commit(txs);
    for (const [k, i] of ids.entries()) {
      const at = await blockTime(heights[k]!);
      model[i] = inflow(model[i]!, amount(i), at);
      eventTimes.push(at);
    }
  };
  const idsIn = (r: 'A' | 'B' | 'C') => holders.map((_, i) => i).filter((i) => round(i) === r);

  assert.ok(Date.now() < Number(T) - 38_000, `the validators took too long to start for the funding schedule (${Number(T) - Date.now()} ms left before the election)`);
  await sleepUntil(Number(T) - 44_000);
  await fundRound(idsIn('A'), firstAmount, [
    ...candidates.map((c) => ({ to: c.address, amount: dpn(5) })),
    ...probes.map((p) => ({ to: p.address, amount: dpn(200) })),
  ]);
  mark('round A funded (with candidates and probes)');
  await sleepUntil(Number(T) - 34_000);
  await fundRound(idsIn('B'), firstAmount);
  await sleepUntil(Number(T) - 20_000);
  await fundRound(idsIn('C'), firstAmount);
  mark('rounds B and C funded');

  // Some holders move a third of their coins away: the moved-from account restarts its age; the fee
  // (the schedule's, for the tx's size) comes off the balance too.
  await sleepUntil(Number(T) - 13_000);
  const movers = holders.map((_, i) => i).filter(moves);
  const moveTxs = movers.map((i) => holders[i]!.next({ type: 'transfer', to: sink, amount: model[i]!.balance / 3n, memo: '' }));
  const moveHeights = await commit(moveTxs);
  for (const [k, i] of movers.entries()) {
    const at = await blockTime(moveHeights[k]!);
    const fee = DEVNET_PARAMS.feeBase + DEVNET_PARAMS.feePerByte * BigInt(moveTxs[k]!.length);
    model[i] = { balance: model[i]!.balance - model[i]!.balance / 3n - fee, ageSince: at };
    eventTimes.push(at);
  }
  await sleepUntil(Number(T) - 7_000);
  await fundRound(holders.map((_, i) => i).filter(receivesAgain), (i) => dpn(40) + BigInt(i));
  mark('moves and second transfers done');

  // ------------------------------------------------------------------ the election opens
  let e: Election | undefined;
  await net.waitUntil(async () => {
    const clock = decodeElectionClock(await (await proven(c0)).must(GovKey.electionClock()));
    if (clock.open) e = await election(c0, clock.latest);
    return clock.open;
  }, { timeoutMs: 60_000, what: 'the election to open' });
  const E = e!;
  mark(`election ${E.id} open at chain time T + ${E.opensAt - T} ms`);
  assert.equal(E.phase, 'voting');
  assert.ok(E.opensAt >= T, 'opens once the board term ended');
  assert.ok(eventTimes.every((x) => x < E.opensAt), 'every funding and move happened before the election opened');

  // The chain's accounts are exactly the model: balances after fees, ageSince after every inflow rule.
  const atOpen = await proven(c1);
  for (const [i, h] of holders.entries()) {
    const a = decodeAccount(await atOpen.must(StateKey.account(h.address)));
    assert.equal(a.balance, model[i]!.balance, `holder ${i} balance`);
    assert.equal(a.ageSince, model[i]!.ageSince, `holder ${i} ageSince`);
  }
  const weight = model.map((m) => m.balance * ageAt(m.ageSince, E.opensAt));
  const capped = model.filter((m) => E.opensAt - m.ageSince >= CAP).length;
  t.diagnostic(`${capped} holders hit the ${CAP} ms cap, ${HOLDERS - capped} did not`);
  assert.ok(capped > 0 && capped < HOLDERS, 'some holders are capped and some are not');
  assert.ok(E.opensAt - model[0]!.ageSince >= CAP && weight[0] === weight[1] && weight[0]! > 0n, 'holders 0 and 1 tie exactly');

  // 40 candidates stand.
  await commit(candidates.map((c) => c.next({ type: 'registerCandidate', election: E.id })));
  assert.equal(await refusal(c1, candidates[0]!.probe({ type: 'registerCandidate', election: E.id })), 'ELECTION_ALREADY_CANDIDATE');

  // Votes. Holders 0 and 1 (equal weight w0) are the only voters of candidates 38 and 39; the
  // others fill 29 "strong" candidates to more than w0 each (heaviest holders first, each to the
  // lightest strong candidate) and 9 "weak" ones to less than w0 — so the 30th seat goes to 38 or
  // 39 by address alone.
  const w0 = weight[0]!;
  const choice: number[] = new Array(HOLDERS).fill(-1);
  choice[0] = 38;
  choice[1] = 39;
  const sums = new Array<bigint>(CANDIDATES).fill(0n);
  const strong = Array.from({ length: 29 }, (_, j) => j);
  const weak = Array.from({ length: 9 }, (_, j) => 29 + j);
  const lightest = (set: number[]) => set.reduce((a, b) => (sums[b]! < sums[a]! ? b : a));
  const others = holders.map((_, i) => i).filter((i) => i >= 2).sort((a, b) => (weight[b]! > weight[a]! ? 1 : weight[b]! < weight[a]! ? -1 : a - b));
  for (const i of others) {
    const s = lightest(strong);
    const w = lightest(weak);
    const c = sums[s]! <= w0 ? s : sums[w]! + weight[i]! < w0 ? w : s;
    choice[i] = c;
    sums[c]! += weight[i]!;
  }
  sums[38] = w0;
  sums[39] = w0;
  assert.ok(strong.every((j) => sums[j]! > w0) && weak.every((j) => sums[j]! < w0), 'vote plan puts the tie at the 30th seat');
  await commit(holders.map((h, i) => h.next({ type: 'electionVote', election: E.id, candidate: candidates[choice[i]!]!.address })));
  mark('40 candidates registered, 100 holders voted');

  // Voting twice, and a board vote before the board vote opens, are refused.
  assert.equal(await refusal(c2, holders[2]!.probe({ type: 'electionVote', election: E.id, candidate: candidates[5]!.address })), 'ELECTION_ALREADY_VOTED');
  assert.equal(await refusal(c2, candidates[0]!.probe({ type: 'boardVote', election: E.id, candidate: candidates[1]!.address })), 'ELECTION_CLOSED');

  // Expected representatives, from the definitions.
  const tally = new Map<string, bigint>(candidates.map((c) => [c.hex, 0n]));
  for (const [i] of holders.entries()) tally.set(candidates[choice[i]!]!.hex, tally.get(candidates[choice[i]!]!.hex)! + weight[i]!);
  const w = (a: string) => tally.get(a)!;
  const expectedReps = [...tally.keys()].filter((a) => w(a) > 0n).sort(byWeightThenAddress(w)).slice(0, REPRESENTATIVES);
  const tieWinner = [candidates[38]!.hex, candidates[39]!.hex].sort()[0]!;
  assert.equal(expectedReps[REPRESENTATIVES - 1], tieWinner, 'the 30th seat is the tie, broken by the smaller address');

  // Tallies on chain, proven, match the expected weights; the total is every holder's weight.
  const tallies = await proven(c0);
  for (const c of candidates) {
    const raw = await tallies.get(GovKey.candidateTally(E.id, c.address));
    assert.equal(raw ? decodeCandidateTally(raw).weight : 0n, w(c.hex), `tally of candidate ${c.hex}`);
  }
  const during = decodeElection(await tallies.must(GovKey.election(E.id)));
  assert.equal(during.voters, HOLDERS);
  assert.equal(during.totalWeight, weight.reduce((a, b) => a + b, 0n));

  // ------------------------------------------------------------------ representatives → board
  await net.waitUntil(async () => (await election(c0, E.id)).phase === 'boardVoting', { timeoutMs: 40_000, what: 'the board vote to open' });
  mark('holder voting closed');
  for (const [n, c] of net.clients.entries()) {
    assert.deepEqual((await election(c, E.id)).representatives.map(hex), expectedReps, `representatives on node ${n}`);
    const reps = decodeBody(await (await proven(c)).must(GovKey.representatives()));
    assert.deepEqual(reps.members.map(hex), expectedReps);
    assert.equal(reps.election, E.id);
  }
  const loser = candidates.find((c) => !expectedReps.includes(c.hex))!;
  assert.equal(await refusal(c1, holders[3]!.probe({ type: 'electionVote', election: E.id, candidate: candidates[0]!.address })), 'ELECTION_CLOSED');
  assert.equal(await refusal(c1, loser.probe({ type: 'registerCandidate', election: E.id })), 'ELECTION_CLOSED');
  assert.equal(await refusal(c1, loser.probe({ type: 'boardVote', election: E.id, candidate: byHex.get(expectedReps[0]!)!.address })), 'GOV_NOT_MEMBER');

  // Representative r votes for representative (11r + 5) mod 13: four get 3 votes, nine get 2, so
  // the fifth seat is decided among 2-vote representatives by holder weight.
  const target = (r: number) => expectedReps[(11 * r + 5) % 13]!;
  await commit(expectedReps.map((rep, r) => byHex.get(rep)!.next({ type: 'boardVote', election: E.id, candidate: byHex.get(target(r))!.address })));
  assert.equal(await refusal(c2, byHex.get(expectedReps[0]!)!.probe({ type: 'boardVote', election: E.id, candidate: byHex.get(expectedReps[1]!)!.address })), 'ELECTION_ALREADY_VOTED');
  const votes = new Map<string, number>(expectedReps.map((r) => [r, 0]));
  for (const [r] of expectedReps.entries()) votes.set(target(r), votes.get(target(r))! + 1);
  const expectedBoard = [...expectedReps].sort((a, b) => votes.get(b)! - votes.get(a)! || (w(b) > w(a) ? 1 : w(b) < w(a) ? -1 : a < b ? -1 : 1)).slice(0, BOARD_SIZE);
  assert.equal(votes.get(expectedBoard[4]!), 2, 'the fifth seat went to a 2-vote representative by weight');

  await net.waitUntil(async () => (await election(c0, E.id)).phase === 'closed', { timeoutMs: 40_000, what: 'the board vote to close' });
  mark('board elected');
  for (const [n, c] of net.clients.entries()) {
    const r = await proven(c);
    const closed = decodeElection(await r.must(GovKey.election(E.id)));
    assert.deepEqual(closed.board.map(hex), expectedBoard, `board on node ${n}`);
    const board = decodeBody(await r.must(GovKey.board()));
    assert.deepEqual(board.members.map(hex), expectedBoard, `board body on node ${n}`);
    assert.equal(board.election, E.id);
    for (const rep of expectedReps) assert.equal(decodeCandidateTally((await r.must(GovKey.candidateTally(E.id, fromHex(rep, 20))))).boardVotes, votes.get(rep));
  }

  // ------------------------------------------------------------------ a unanimous fee resolution
  const board = expectedBoard.map((a) => byHex.get(a)!);
  const before = await proven(c0);
  const params0: Params = decodeParams(await before.must(StateKey.params()));
  const params1: Params = { ...params0, feePerByte: params0.feePerByte * 3n, feeBase: params0.feeBase * 2n };
  const H = before.header.height + 8n;
  const proposer = board[0]!;
  const id1 = resolutionId(proposer.address, proposer.nonce);
  await commit([proposer.next({ type: 'proposeResolution', body: 'board', action: { type: 'setParams', params: params1 }, deadline: before.header.time + 60_000n, activationHeight: H })]);
  assert.equal(await refusal(c1, loser.probe({ type: 'decideResolution', resolution: id1, approve: true })), 'GOV_NOT_MEMBER');
  const decided = await commit(board.slice(1).map((m) => m.next({ type: 'decideResolution', resolution: id1, approve: true })));
  assert.ok(decided.every((h) => h < H), 'every approval landed before the activation height');
  // Read at the block that passed it: the chain then makes blocks back to back up to H.
  const passedAt = decided.reduce((a, b) => (a > b ? a : b));
  assert.equal(decodeResolution(await (await proven(c0, passedAt)).must(GovKey.resolution(id1))).status, 'passed');
  mark(`fee resolution passed 5/5, activation height ${H}`);

  // Two probe accounts send transfers every 60 ms through blocks H-2 … H+1; the fee of each
  // block's transfers is read off the probe's proven balance before and after the block.
  const sent: { probe: number; hash: string; amount: bigint }[] = [];
  let txBytes = 0;
  // Each probe tx goes to every node, in nonce order, so whichever validator proposes a block has
  // the probes' pending txs without waiting for gossip (a block without one would measure nothing).
  await Promise.all(probes.map(async (p, k) => {
    while ((await net.height(0)) <= H + 1n) {
      const amount = dpn(1) + BigInt(sent.length);
      const tx = p.next({ type: 'transfer', to: sink, amount, memo: '' });
      txBytes = tx.length;
      await Promise.all(net.clients.map((c) => c.submitTx(tx).catch((e: unknown) => {
        if (e instanceof DipnetError && (e.code === 'TX_DUPLICATE' || e.code === 'TX_NONCE_REPLAYED')) return; // it arrived by gossip first
        throw e;
      })));
      sent.push({ probe: k, hash: toHex(txHash(tx)), amount });
      await new Promise((r) => setTimeout(r, 60));
    }
  }));
  const heights = new Map<string, bigint>();
  for (const s of sent) {
    await net.waitUntil(async () => (await c0.txStatus(s.hash)).status === 'committed', { timeoutMs: 30_000, what: `probe tx ${s.hash}` });
    heights.set(s.hash, BigInt((await c0.txStatus(s.hash)).height!));
  }
  const oldFee = params0.feeBase + params0.feePerByte * BigInt(txBytes);
  const newFee = params1.feeBase + params1.feePerByte * BigInt(txBytes);
  assert.ok(newFee > oldFee);
  const measured = new Map<bigint, bigint>();
  for (const [k, p] of probes.entries()) {
    const perBlock = new Map<bigint, { n: bigint; amounts: bigint }>();
    for (const s of sent.filter((x) => x.probe === k)) {
      const h = heights.get(s.hash)!;
      const b = perBlock.get(h) ?? { n: 0n, amounts: 0n };
      perBlock.set(h, { n: b.n + 1n, amounts: b.amounts + s.amount });
    }
    for (const [h, b] of perBlock) {
      const balanceAt = async (x: bigint) => decodeAccount(await (await proven(c1, x)).must(StateKey.account(p.address))).balance;
      const spent = (await balanceAt(h - 1n)) - (await balanceAt(h));
      const fee = (spent - b.amounts) / b.n;
      assert.equal(fee * b.n, spent - b.amounts, `block ${h}: every probe tx paid the same fee`);
      assert.equal(fee, h < H ? oldFee : newFee, `block ${h} (activation at ${H}) charges the ${h < H ? 'old' : 'new'} schedule`);
      measured.set(h, fee);
    }
  }
  const feeHeights = [...measured.keys()].sort((a, b) => (a < b ? -1 : 1));
  t.diagnostic(`fees per transfer of ${txBytes} bytes by block: ${feeHeights.map((h) => `${h}${h === H ? '(H)' : ''}=${measured.get(h)}`).join(' ')}`);
  // Blocks come back to back while a passed resolution waits for its height, so one of them may
  // fall between two probe txs: then the blocks right around H show the switch (and the proven
  // params below pin it to H itself).
  assert.ok(feeHeights.some((h) => h >= H && h <= H + 1n), 'a probe transfer landed in block H or H+1');
  assert.ok(feeHeights.some((h) => h < H && h >= H - 2n), 'a probe transfer landed just before block H');
  // State says the same: old params and a passed resolution at H-1, new params and executed at H.
  const atPrev = await proven(c2, H - 1n);
  const atH = await proven(c2, H);
  assert.deepEqual(decodeParams(await atPrev.must(StateKey.params())), params0);
  assert.deepEqual(decodeParams(await atH.must(StateKey.params())), params1);
  assert.equal(decodeResolution(await atPrev.must(GovKey.resolution(id1))).status, 'passed');
  assert.equal(decodeResolution(await atH.must(GovKey.resolution(id1))).status, 'executed');
  mark('fees changed exactly at H');

  // ------------------------------------------------------------------ a 4-of-5 resolution expires
  const now = await proven(c0);
  const proposer2 = board[1]!;
  const id2 = resolutionId(proposer2.address, proposer2.nonce);
  const deadline2 = now.header.time + 8_000n;
  await commit([proposer2.next({ type: 'proposeResolution', body: 'board', action: { type: 'setParams', params: { ...params1, feeBase: params1.feeBase * 10n } }, deadline: deadline2, activationHeight: now.header.height + 1000n })]);
  await commit(board.slice(2).map((m) => m.next({ type: 'decideResolution', resolution: id2, approve: true })));
  assert.equal(await refusal(c1, board[2]!.probe({ type: 'decideResolution', resolution: id2, approve: true })), 'RESOLUTION_ALREADY_DECIDED');
  const open2 = decodeResolution(await (await proven(c0)).must(GovKey.resolution(id2)));
  assert.equal(open2.status, 'open');
  assert.equal(open2.approvals.length, 4);
  await net.waitUntil(async () => decodeResolution(await (await proven(c0)).must(GovKey.resolution(id2))).status === 'expired', { timeoutMs: 30_000, what: 'the 4-of-5 resolution to expire' });
  const after2 = await proven(c1);
  const expired = decodeResolution(await after2.must(GovKey.resolution(id2)));
  assert.match(expired.note, /^RESOLUTION_NOT_UNANIMOUS: 4 of 5 approved by the deadline/);
  assert.deepEqual(decodeParams(await after2.must(StateKey.params())), params1, 'nothing changed');
  assert.ok(!decodeResolutionIndex(await after2.must(GovKey.resolutionIndex())).open.some((x) => equalBytes(x, id2)));
  assert.ok(after2.header.time >= deadline2);
  assert.equal(await refusal(c2, board[0]!.probe({ type: 'decideResolution', resolution: id2, approve: true })), 'RESOLUTION_EXPIRED');
  mark('4-of-5 resolution expired');

  // ------------------------------------------------------------------ the CLI reads the same chain
  const relay = net.info.validators[3]!.relayUrl;
  const status = await runCli(['gov', 'status', '--relay', relay]);
  assert.equal(status.code, 0, status.stderr);
  const st = JSON.parse(status.stdout) as { board: { members: string[] }; election: { id: string; phase: string; representatives: string[]; board: string[] }; resolutions: { recent: { id: string; status: string }[] } };
  assert.deepEqual(st.board.members, expectedBoard.map((a) => formatAddress(fromHex(a, 20))));
  assert.deepEqual(st.election.representatives, expectedReps.map((a) => formatAddress(fromHex(a, 20))));
  assert.equal(st.election.phase, 'closed');
  assert.deepEqual(st.resolutions.recent.slice(0, 2).map((r) => [r.id, r.status]), [[toHex(id2), 'expired'], [toHex(id1), 'executed']]);
  const keyDir = await mkdtemp(join(tmpdir(), 'dipnet-gov-key-'));
  after(() => rm(keyDir, { recursive: true, force: true }));
  const keyFile = join(keyDir, 'member.key');
  await writeFile(keyFile, toHex(board[0]!.key.secretKey) + '\n', { mode: 0o600 });
  const late = await runCli(['gov', 'decide', toHex(id2), '--approve', '--key', keyFile, '--relay', relay]);
  assert.equal(late.code, 2);
  assert.match(late.stderr, /RESOLUTION_EXPIRED/);
  mark('CLI agrees');
});
