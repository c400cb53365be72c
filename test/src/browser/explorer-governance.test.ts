/**
 * The explorer's governance view (`demo-player/explorer.html#/governance`, built by Vite) in real
 * headless Chromium against real in-process validators and their relays, with short devnet terms
 * so an election runs inside the test. Everything on the view is read through the light client in
 * a Web Worker ("verified at block N"); the test compares it with what node 0 holds:
 *   - the genesis board of five and the technical committee (3 members, 2 must agree);
 *   - a board resolution made here by the devnet board keys, open → passed → executed as the
 *     page follows new heads, and a second one left open;
 *   - an election: candidates ranked by coin-age weight, the representatives and the new board,
 *     and the open resolution expired because the board changed.
 * Any page or console error fails the test. Screenshots: /tmp/explorer-governance.png (genesis
 * board and resolutions) and /tmp/explorer-governance-election.png.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import type axe from 'axe-core';
import type { Page } from 'playwright-core';
import {
  addressOf, genesisHash, toHex, dpn, formatAddress, resolutionId, compareBytes, GovKey, decodeCandidateTally, decodeElection, decodeResolution, fromHex,
  type GovParams, type KeyPair, type TxBody,
} from '@dipnet/protocol';
import { startNet, type TestNet } from '@dipnet/light-client/testing/devnet';
import { devKey, DEVNET_PARAMS, devBoardKey, devCommitteeKey, devnetGenesis } from '@dipnet/bootstrap-node';
import { freshElection, tick, untilChainTime } from '@dipnet/light-client/testing/governance';
import { ExplorerSession } from './explorer-site.ts';

const T0 = Date.now();
const say = (msg: string): void => console.log(`# [explorer-governance +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);
const CHAIN = 'dipnet-explorer-governance';
/** The genesis board's term ends 20 s after genesis; then 10 s of holder voting and 5 s of board vote. */
const GOV: GovParams = { boardTermMs: 20_000n, votingPeriodMs: 10_000n, boardVotePeriodMs: 5_000n, coinAgeCapMs: 600_000n, maxResolutionMs: 600_000n };

let net: TestNet | undefined;
let page: Page;
let explorer: ExplorerSession | undefined;
const noErrors = (step: string): void => explorer!.errors.none(step);

const board = [0, 1, 2, 3, 4].map(devBoardKey);
const committee = [0, 1, 2].map(devCommitteeKey);
const holders = [0, 1, 2, 3, 4, 5].map((i) => devKey(`explorer-gov/holder-${i}`));
const text = (k: KeyPair) => formatAddress(addressOf(k.publicKey));
const value = (key: Uint8Array) => net!.nodes[0]!.chain.store.getValue(key);

/** `data-member` of every member the page lists in a governance section. */
const members = (section: string): Promise<string[]> =>
  page.$$eval(`[data-gov="${section}"] ol.members > li[data-member]`, (lis) => lis.map((li) => li.getAttribute('data-member')!));
const row = (id: string) => `tr[data-resolution="${id}"]`;
/** Waits for `selector`; on a timeout says what the page showed (its error, the block it verified) and the node's head. */
async function pageShows(selector: string, timeout = 20_000): Promise<void> {
  try {
    await page.waitForSelector(selector, { timeout });
  } catch (e) {
    const seen = await page.evaluate(() => ({
      error: document.querySelector('p.error')?.textContent ?? null,
      verifiedAt: document.querySelector('[data-verified-height]')?.getAttribute('data-verified-height') ?? null,
    })).catch(() => null);
    throw new Error(`${selector} not shown in ${timeout} ms; the page: ${JSON.stringify(seen)}; node head ${net!.nodes[0]!.chain.head.height}`, { cause: e });
  }
}

before(async () => {
  explorer = new ExplorerSession();
  // One block a second at most: a passed resolution makes the chain produce blocks back to back until
  // its activation height, and at the fast test pace that left "passed" on the page for a few hundred
  // milliseconds, which a loaded machine missed (CI, twice).
  net = await startNet({ chainId: CHAIN, validators: 3, relays: 2, timeouts: { blockTimeMs: 1000 }, genesis: devnetGenesis({ chainId: CHAIN, validators: 3, govParams: GOV }) });
  // Fees for the board; varied balances for the election's holders (all aged from this block).
  await net.commitAll([
    ...board.map((b): [KeyPair, TxBody] => [devKey('sale'), { type: 'transfer', to: addressOf(b.publicKey), amount: dpn(10), memo: '' }]),
    ...holders.map((h, i): [KeyPair, TxBody] => [devKey('sale'), { type: 'transfer', to: addressOf(h.publicKey), amount: dpn(100 * (i + 1)), memo: '' }]),
  ]);
  page = await explorer.open({ chainId: CHAIN, genesisHash: toHex(genesisHash(net.genesis)), relays: net.relayUrls, products: {} });
  say(`vite built and served the explorer (${Object.keys(explorer.files).length} files); head ${net.nodes[0]!.chain.head.height}`);
});

after(async () => {
  await explorer?.close();
  await net?.stop().catch(() => undefined);
});

test('the governance view shows the genesis board of five and the technical committee, verified', async () => {
  await page.goto(`${explorer!.base}/explorer.html#/governance`);
  await page.waitForSelector('[data-gov="board"] ol.members > li[data-member]', { timeout: 30_000 });
  assert.deepEqual(await members('board'), board.map(text));
  assert.equal(await page.getAttribute('[data-gov="board"] [data-election]', 'data-election'), '0');
  assert.match((await page.textContent('[data-gov="board"] [data-election]'))!, /genesis/);
  assert.deepEqual(await members('committee'), committee.map(text));
  assert.equal(await page.getAttribute('[data-gov="committee"] [data-threshold]', 'data-threshold'), '2');
  assert.match((await page.textContent('[data-gov="representatives"]'))!, /None yet/);
  const verified = await page.getAttribute('.view[data-view="governance"] .badge.verified', 'data-verified-height');
  assert.ok(verified && BigInt(verified) >= 1n, 'a "verified at block N" mark');
  assert.equal(await page.getAttribute('.xp-tabs a[href="#/governance"]', 'aria-current'), 'page');
  say(`genesis board of ${board.length} and committee of ${committee.length}, verified at ${verified}`);
  noErrors('genesis board');
});

let passed = '';
let leftOpen = '';
test('a board resolution made here appears and follows its status: open → passed → executed', async () => {
  const n0 = net!.nodes[0]!;
  const proposer = board[0]!;
  passed = toHex(resolutionId(addressOf(proposer.publicKey), net!.nonce(proposer)));
  const head = n0.chain.head;
  // Passed from about head + 3; then a block a second until activation: several seconds to see "passed".
  const activation = head.height + 10n;
  await net!.commit(proposer, {
    type: 'proposeResolution', body: 'board', action: { type: 'setParams', params: { ...DEVNET_PARAMS, reviewFee: dpn(42) } }, deadline: head.time + 300_000n, activationHeight: activation,
  });
  await pageShows(`${row(passed)}[data-status="open"]`);
  assert.equal(await page.getAttribute(`${row(passed)} [data-approvals]`, 'data-approvals'), '1');
  assert.match((await page.textContent(`${row(passed)} td.summary`))!, /review fee 42 DPN/);

  await net!.commitAll(board.slice(1).map((k): [KeyPair, TxBody] => [k, { type: 'decideResolution', resolution: fromHex(passed), approve: true }]));
  assert.equal(decodeResolution(value(GovKey.resolution(fromHex(passed)))!).status, 'passed');
  await pageShows(`${row(passed)}[data-status="passed"]`);
  assert.match((await page.textContent(`${row(passed)} [data-approvals]`))!, /5\/5/);

  while (n0.chain.head.height < activation) await tick(net!);
  assert.equal(decodeResolution(value(GovKey.resolution(fromHex(passed)))!).status, 'executed');
  await pageShows(`${row(passed)}[data-status="executed"]`);

  // A second one stays open: one approval of five.
  const second = board[1]!;
  leftOpen = toHex(resolutionId(addressOf(second.publicKey), net!.nonce(second)));
  const now = n0.chain.head;
  await net!.commit(second, { type: 'proposeResolution', body: 'board', action: { type: 'setGovParams', gov: GOV }, deadline: now.time + 300_000n, activationHeight: now.height + 500n });
  await pageShows(`${row(leftOpen)}[data-status="open"]`);
  const rows = await page.$$eval('tr[data-resolution]', (trs) => trs.map((tr) => [tr.getAttribute('data-resolution'), tr.getAttribute('data-status')]));
  assert.deepEqual(rows, [[leftOpen, 'open'], [passed, 'executed']], 'newest first, each with its status');
  await page.screenshot({ path: '/tmp/explorer-governance.png', fullPage: true });
  say(`resolution ${passed.slice(0, 12)}… executed at #${activation}; ${leftOpen.slice(0, 12)}… open`);
  noErrors('resolutions');
});

test('an election: candidates ranked by coin-age weight, the representatives and the new board', async () => {
  const n0 = net!.nodes[0]!;
  const e = await freshElection(net!, 7_000n);
  const id = e.id;
  say(`election #${id} is taking votes until ${e.votingEndsAt}`);
  await net!.commitAll(holders.map((h): [KeyPair, TxBody] => [h, { type: 'registerCandidate', election: id }]));
  await net!.commitAll(holders.map((h): [KeyPair, TxBody] => [h, { type: 'electionVote', election: id, candidate: addressOf(h.publicKey) }]));
  // Registered (one block), then voted (the next): wait for the page to show every vote.
  await pageShows(`section.gov-election[data-election-id="${id}"][data-phase="voting"] [data-voters="${holders.length}"]`);
  const weight = (a: Uint8Array) => decodeCandidateTally(value(GovKey.candidateTally(id, a))!).weight;
  const ranked = holders.map((h) => addressOf(h.publicKey)).sort((a, b) => (weight(a) === weight(b) ? compareBytes(a, b) : weight(a) > weight(b) ? -1 : 1));
  const shown = await page.$$eval(`section.gov-election[data-election-id="${id}"] tr[data-candidate]`, (trs) => trs.map((tr) => [tr.getAttribute('data-candidate'), tr.getAttribute('data-weight')]));
  assert.deepEqual(shown, ranked.map((a) => [formatAddress(a), weight(a).toString()]), 'ranked by weight, each with the weight node 0 holds');

  await untilChainTime(net!, e.votingEndsAt);
  const picks = [5, 5, 4, 4, 3, 2];
  await net!.commitAll(holders.map((h, i): [KeyPair, TxBody] => [h, { type: 'boardVote', election: id, candidate: addressOf(holders[picks[i]!]!.publicKey) }]));
  await untilChainTime(net!, e.boardVoteEndsAt);
  const closed = decodeElection(value(GovKey.election(id))!);
  assert.equal(closed.phase, 'closed');
  await pageShows(`section.gov-election[data-election-id="${id}"][data-phase="closed"]`);
  const newBoard = closed.board.map(formatAddress);
  assert.deepEqual(newBoard, [5, 4, 3, 2, 1].map((i) => text(holders[i]!)));
  assert.deepEqual(await page.$$eval('[data-board-result]', (lis) => lis.map((li) => li.getAttribute('data-board-result'))), newBoard);
  await pageShows(`[data-gov="board"] [data-election="${id}"]`);
  assert.deepEqual(await members('board'), newBoard);
  assert.deepEqual(await members('representatives'), closed.representatives.map(formatAddress));
  // Unanimity was asked of the old board: its open resolution expired when the board changed.
  await pageShows(`${row(leftOpen)}[data-status="expired"]`);
  assert.match((await page.textContent(`${row(leftOpen)}`))!, /the board changed/);
  assert.equal(await page.getAttribute(`${row(passed)}`, 'data-status'), 'executed');
  await page.screenshot({ path: '/tmp/explorer-governance-election.png', fullPage: true });
  say(`election #${id} closed at #${n0.chain.head.height}: new board ${newBoard.map((a) => a.slice(0, 10)).join(', ')}`);
  noErrors('election');
});

test('axe-core finds no violations on the governance view', async () => {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ url: `${explorer!.base}/axe.js` });
  const violations = await page.evaluate(async () => {
    const a = (window as unknown as { axe: typeof axe }).axe;
    const r = await a.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(violations, []);
  noErrors('axe');
});
