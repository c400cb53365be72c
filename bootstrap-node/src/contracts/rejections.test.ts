/**
 * Contract rules, the unhappy paths: every bad input gets its specific error code, and a failed
 * tx changes nothing but its fee. Each rejection snapshots the whole state (runner.entries())
 * before the block and diffs after it: the only changes allowed are the signer's account (nonce
 * + 1, balance − fee), the validators' fee credits, the tx receipt (0x07) and the timer cursor /
 * buckets (0x23, 0x24) the block end walks. The second half covers refunds and timeouts, each
 * checked to the unit for every party.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOf, dpn, toHex, fromHex, utf8, concatBytes, DipnetError, ErrorCode, StateKey, EMPTY_ACCOUNT, decodeAccount, decodeTxReceipt, encodeTxReceipt,
  ContractKey, REVIEW_POOL, MAX_ORDER_DEPTH, txHash, signTx, encodeSignedTx, decodeSignedTx, requiredFee, templateId, templateParseGas,
  encodeProductParams, paramsFromJson, parseTemplate, orderAddress, productAddress, productId, rootOrderId, committeeActionId, decodeCommitteeProposal,
  type KeyPair, type TxBody, type CommitteeAction, type Template,
} from '@dipnet/protocol';
import { applyTx, type TxOutcome } from '../state/executor.ts';
import { StateView } from '../state/state-view.ts';
import { devnetGenesis, DEVNET_PARAMS } from '../devnet/genesis.ts';
import { devKey } from '../devnet/dev-keys.ts';
import { BlockRunner } from '../testing/block-runner.ts';
import { ContractFixture, CONTRACT_FEE } from '../testing/contract-fixture.ts';
import type { BaseTemplateName } from './base-templates.ts';

const DPN = dpn(1);
const GENESIS_TIME = 1_700_000_000_000n;
const FEES: Partial<Record<BaseTemplateName, bigint>> = { 'bill-of-materials': DPN, supply: DPN / 2n, tender: DPN / 2n, logistics: DPN / 5n, inspection: DPN / 5n, guarantee: DPN / 10n };
/** A bill of materials with no sub-contracts: an order goes straight to producing. */
const DIRECT = { parts: [], guarantee: [], inspection: [], logistics: [], graceMs: 60_000, confirmWindowMs: 60_000 };
const hex = (b: Uint8Array) => toHex(b);
const addr = (k: KeyPair | Uint8Array) => (k instanceof Uint8Array ? k : addressOf(k.publicKey));
const actor = (name: string) => devKey(`rejections/${name}`);

interface World { runner: BlockRunner; c: ContractFixture }
let worlds = 0;
/** A fresh chain with the base templates approved (designer fees as given) and these actors funded. */
function world(actors: KeyPair[], fees = FEES): World {
  const runner = new BlockRunner(devnetGenesis({ chainId: `rejections-${worlds++}`, validators: 4, genesisTime: GENESIS_TIME }));
  const c = new ContractFixture(runner, fees);
  c.publishBaseTemplates();
  if (actors.length > 0) c.fund(actors);
  return { runner, c };
}

const bom = (c: ContractFixture, producer: KeyPair, name: string, price: bigint, over: Record<string, unknown> = {}, leadTimeMs?: bigint) =>
  c.product(producer, 'bill-of-materials', { name, price, ...(leadTimeMs !== undefined ? { leadTimeMs } : {}), params: { ...DIRECT, ...over } });

/** Places an order that must succeed; returns its id. */
function buy(c: ContractFixture, consumer: KeyPair, product: Uint8Array, maxTotal: bigint, advanceMs = 1000n): Uint8Array {
  const { id, tx } = c.orderTx(consumer, product, maxTotal);
  c.ok([tx], advanceMs);
  return id;
}

/** Net gain of each party from now on, not counting the fees it pays for its own txs. */
function ledger(c: ContractFixture, parties: (KeyPair | Uint8Array)[]): (k: KeyPair | Uint8Array) => bigint {
  const total = (k: KeyPair | Uint8Array) => c.balance(addr(k)) + c.runner.feesPaid(addr(k));
  const start = new Map(parties.map((k) => [hex(addr(k)), total(k)]));
  return (k) => total(k) - start.get(hex(addr(k)))!;
}

/** The order and all its sub-orders, recursively. */
function tree(c: ContractFixture, root: Uint8Array): Uint8Array[] {
  return [root, ...c.order(root).children.flatMap((x) => tree(c, x))];
}

function assertAllRefunded(c: ContractFixture, root: Uint8Array): void {
  for (const id of tree(c, root)) {
    const o = c.order(id);
    assert.equal(o.status, 'refunded', `${o.tag || 'root'} ${hex(id).slice(0, 8)} is ${o.status}/${o.state}`);
    assert.equal(o.escrowIn, o.escrowOut, `${o.tag || 'root'} still holds escrow`);
  }
}

// ---------------------------------------------------------------------------------------------
// State diffing

type Snapshot = Map<string, string>;
const snapshot = (r: BlockRunner): Snapshot => new Map([...r.entries()].map(([k, v]) => [k, toHex(v)]));
const nsOf = (keyHex: string) => parseInt(keyHex.slice(0, 2), 16);
const ACCOUNT_NS = StateKey.account(new Uint8Array(20))[0]!;
const RECEIPT_NS = ContractKey.txReceipt(new Uint8Array(32))[0]!;
const TIMER_NS = new Set([ContractKey.timerBucket(0n)[0]!, ContractKey.timerCursor()[0]!]);

interface Charge { readonly key: KeyPair; readonly tx: Uint8Array; readonly outcome: TxOutcome }

/**
 * Asserts that between `before` and now, state changed only by the fees of `charged` (each an
 * included, failed contract tx): signer accounts, validators' fee credits, receipts, timers.
 */
function assertOnlyFees(runner: BlockRunner, before: Snapshot, charged: readonly Charge[]): void {
  const after = snapshot(runner);
  const validators = new Set(runner.genesis.validators.map((v) => hex(addressOf(v.publicKey))));
  const signers = new Map<string, { txs: bigint; fee: bigint }>();
  const receipts = new Map<string, Charge>();
  let fees = 0n;
  for (const ch of charged) {
    const a = hex(addr(ch.key));
    const s = signers.get(a) ?? { txs: 0n, fee: 0n };
    signers.set(a, { txs: s.txs + 1n, fee: s.fee + ch.outcome.fee });
    receipts.set(hex(ContractKey.txReceipt(txHash(ch.tx))), ch);
    fees += ch.outcome.fee;
  }
  const seen = new Set<string>();
  let validatorGain = 0n;
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(k), a = after.get(k);
    if (a === b) continue;
    const ns = nsOf(k);
    if (ns === ACCOUNT_NS) {
      const who = k.slice(2);
      const A = a ? decodeAccount(fromHex(a)) : EMPTY_ACCOUNT, B = b ? decodeAccount(fromHex(b)) : EMPTY_ACCOUNT;
      assert.deepEqual(A.locks, B.locks, `account ${who}: locks changed`);
      const s = signers.get(who);
      // Paying a fee keeps coin-age; only validators, which receive fees, may see it move.
      if (!validators.has(who)) assert.equal(A.ageSince, B.ageSince, `account ${who}: ageSince changed`);
      if (s) {
        assert.equal(A.nonce, B.nonce + s.txs, `signer ${who}: nonce`);
        assert.equal(A.balance, B.balance - s.fee, `signer ${who}: balance must drop by exactly the fee`);
        seen.add(who);
      } else if (validators.has(who)) {
        assert.equal(A.nonce, B.nonce, `validator ${who}: nonce changed`);
        assert.ok(A.balance > B.balance, `validator ${who}: balance fell`);
        validatorGain += A.balance - B.balance;
      } else {
        assert.fail(`account ${who} changed (${B.balance} → ${A.balance})`);
      }
    } else if (ns === RECEIPT_NS) {
      const ch = receipts.get(k);
      assert.ok(ch, `unexpected receipt ${k.slice(0, 20)}…`);
      assert.equal(b, undefined, 'a receipt was overwritten');
      const r = decodeTxReceipt(fromHex(a!));
      assert.equal(toHex(encodeTxReceipt(r)), a, 'the receipt is canonical');
      assert.equal(r.code, ch.outcome.failure?.code);
      assert.equal(r.fee, ch.outcome.fee);
      assert.equal(r.gasUsed, BigInt(ch.outcome.gasUsed));
      seen.add(k);
    } else if (!TIMER_NS.has(ns)) {
      assert.fail(`state key ${k.slice(0, 24)}… changed (namespace 0x${k.slice(0, 2)})`);
    }
  }
  for (const s of signers.keys()) assert.ok(seen.has(s), `signer ${s} paid no fee`);
  for (const r of receipts.keys()) assert.ok(seen.has(r), 'a failed contract tx left no receipt');
  assert.equal(validatorGain, fees, "the validators' credits are exactly the fees");
}

/**
 * One block with one contract tx that must be included and fail with `code`; state must change
 * by its fee only. The fee is exactly the base fee plus the gas used at the gas price.
 */
function failsCharged(w: World, key: KeyPair, tx: Uint8Array, code: ErrorCode, opts: { advanceMs?: bigint; message?: RegExp } = {}): TxOutcome {
  const before = snapshot(w.runner);
  const r = w.runner.block([tx], opts.advanceMs ?? 1000n);
  const out = r.results[0]!;
  if (out instanceof DipnetError) assert.fail(`expected inclusion with ${code}, but the tx was refused: ${out.message}`);
  assert.ok(out.failure, `expected ${code}, but the tx succeeded`);
  assert.equal(out.failure.code, code, out.failure.message);
  if (opts.message) assert.match(out.failure.message, opts.message);
  assert.equal(out.fee, requiredFee(DEVNET_PARAMS, tx.length) + BigInt(out.gasUsed) * DEVNET_PARAMS.gasPrice);
  assertOnlyFees(w.runner, before, [{ key, tx, outcome: out }]);
  return out;
}

/** One block with one tx that must be left out with `code`; state must not change at all. */
function refused(w: World, tx: Uint8Array, code: ErrorCode): void {
  const before = snapshot(w.runner);
  const out = w.runner.block([tx]).results[0];
  assert.ok(out instanceof DipnetError, 'expected the tx to be refused');
  assert.equal(out.code, code, out.message);
  assertOnlyFees(w.runner, before, []);
}

function throwsCode(fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DipnetError, `expected a DipnetError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Custom templates and raw txs

/** A base template's document with one field changed: new bytes, so a new (unreviewed) template. */
function variant(c: ContractFixture, name: BaseTemplateName, summary: string): { code: Uint8Array; id: Uint8Array; template: Template } {
  const doc = JSON.parse(new TextDecoder().decode(c.templates[name].code)) as Record<string, unknown>;
  const code = utf8(JSON.stringify({ ...doc, summary }));
  return { code, id: templateId(code), template: parseTemplate(code) };
}

function submit(c: ContractFixture, code: Uint8Array, approvers: number): void {
  c.ok([c.tx(c.designer, { type: 'submitTemplate', code, designerFee: 0n }, DPN / 10n)]);
  for (const m of c.committee.slice(0, approvers)) c.ok([c.tx(m, { type: 'reviewTemplate', template: templateId(code), approve: true })]);
}

function productTx(c: ContractFixture, producer: KeyPair, template: Uint8Array, name: string, params: Uint8Array, price = 10n * DPN): { id: Uint8Array; tx: Uint8Array } {
  const tx = c.tx(producer, { type: 'createProduct', template, name, metadataUri: 'https://example.test/p', metadataHash: new Uint8Array(32), price, leadTimeMs: 60_000n, params });
  return { id: productId(addr(producer), c.runner.lastNonce(producer)), tx };
}

function deprecate(c: ContractFixture, template: Uint8Array): void {
  const action: CommitteeAction = { template, reporter: addr(c.committee[2]!), bounty: 0n, deprecate: true, reason: 'unsafe' };
  for (const m of c.committee.slice(0, 2)) c.ok([c.tx(m, { type: 'committeeVote', action, approve: true })]);
  assert.equal(c.templateRecord(template).status, 'deprecated');
}

test('the state diff: it accepts a failed tx\'s fee and catches any other change', () => {
  const maker = actor('maker'), viewer = actor('viewer');
  const w = world([maker, viewer]);
  const { c, runner } = w;
  const stool = bom(c, maker, 'Stool', 10n * DPN);
  // A successful order moves escrow and writes an order: the diff must object.
  let before = snapshot(runner);
  const { tx } = c.orderTx(viewer, stool, 11n * DPN);
  const ok = runner.block([tx]).results[0] as TxOutcome;
  assert.equal(ok.failure, undefined);
  assert.throws(() => assertOnlyFees(runner, before, [{ key: viewer, tx, outcome: ok }]), /changed|balance/);
  // A failed tx whose fee is not declared: the signer's account change is unexplained.
  before = snapshot(runner);
  const bad = c.orderTx(viewer, stool, 1n).tx;
  const failed = runner.block([bad]).results[0] as TxOutcome;
  assert.equal(failed.failure?.code, ErrorCode.ORDER_UNDERPAID);
  assert.throws(() => assertOnlyFees(runner, before, []), /changed/);
  assertOnlyFees(runner, before, [{ key: viewer, tx: bad, outcome: failed }]);
});

// =============================================================================================
// Templates

test('submitTemplate: invalid → refused by the mempool simulation; in a block, included and charged its parse gas', () => {
  const w = world([]);
  const { runner, c } = w;
  c.fund([c.designer]);
  const code = utf8('{"dipnet":"template/1","name":"x","states":["a"],"initial":"a","transitions":[],"bogus":1}');
  const tx = c.tx(c.designer, { type: 'submitTemplate', code, designerFee: 0n }, DPN / 10n);
  // The mempool simulates a sender's first pending contract tx strictly: a failure refuses it.
  const view = new StateView((k) => runner.get(k));
  const ctx = { chainId: runner.genesis.chainId, height: runner.height + 1n, time: runner.time + 1000n, proposer: runner.proposer };
  throwsCode(() => applyTx(view, ctx, decodeSignedTx(tx), tx.length, { simulate: true, txId: txHash(tx) }), ErrorCode.TEMPLATE_INVALID);
  assert.equal(view.size, 0, 'a refused simulation writes nothing');
  // A block proposer includes it anyway: it pays base fee + the parse gas, and no template exists.
  const out = failsCharged(w, c.designer, tx, ErrorCode.TEMPLATE_INVALID, { message: /unknown key "bogus"/ });
  assert.equal(out.gasUsed, Number(templateParseGas(code.length)));
  assert.equal(runner.get(ContractKey.template(templateId(code))), undefined);
});

test('submitTemplate: hostile bytes (control characters quoted in the error, not JSON, not UTF-8, huge) are charged, never crash', () => {
  const w = world([]);
  const { runner, c } = w;
  c.fund([c.designer]);
  const cases: [string, Uint8Array][] = [
    // The error message quotes the key: the receipt must still encode (control chars are cleaned).
    ['control char in a key', utf8('{"dipnet":"template/1","a\\u0007\\u009b":1}')],
    ['control char quoted by JSON.parse', utf8('\u0007\u0000{')],
    ['lone surrogate in a key', utf8('{"\\ud800x":1}')],
    ['non-NFC key', utf8('{"e\\u0301":1}')],
    ['not JSON', utf8('template, please')],
    ['not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    // (A template over MAX_TEMPLATE_BYTES cannot even be put in a tx; template.test.ts covers it.)
    ['huge unicode summary', utf8(`{"dipnet":"template/1","name":"x","states":["a"],"initial":"a","transitions":[],"summary":"${'💥'.repeat(2900)}"}`)],
  ];
  for (const [what, code] of cases) {
    const out = failsCharged(w, c.designer, c.tx(c.designer, { type: 'submitTemplate', code, designerFee: 0n }, DPN), ErrorCode.TEMPLATE_INVALID);
    assert.ok(out.failure!.message.length > 0, what);
  }
  assert.equal(runner.account(REVIEW_POOL).balance, 6n * DEVNET_PARAMS.reviewFee, 'no review fee was taken');
});

test('submitTemplate: the same bytes twice → TEMPLATE_EXISTS, no second review fee', () => {
  const w = world([]);
  const { c } = w;
  const t = c.templates.supply;
  const before = c.templateRecord(t.id);
  failsCharged(w, c.designer, c.tx(c.designer, { type: 'submitTemplate', code: t.code, designerFee: 7n }, DPN / 10n), ErrorCode.TEMPLATE_EXISTS);
  assert.equal(c.templateRecord(t.id).designerFee, before.designerFee, 'the first submission stands');
});

test('createProduct: from a pending and from a rejected template → TEMPLATE_NOT_APPROVED', () => {
  const maker = actor('maker');
  const w = world([maker]);
  const { c } = w;
  const v = variant(c, 'logistics', 'A courier, resubmitted.');
  submit(c, v.code, 0);
  assert.equal(c.templateRecord(v.id).status, 'pending');
  const params = encodeProductParams(v.template, paramsFromJson(v.template, { deliveryWindowMs: 1000 }));
  failsCharged(w, maker, productTx(c, maker, v.id, 'Courier', params).tx, ErrorCode.TEMPLATE_NOT_APPROVED, { message: /pending/ });
  // Two of three reject: approval can no longer reach the threshold.
  for (const m of c.committee.slice(0, 2)) c.ok([c.tx(m, { type: 'reviewTemplate', template: v.id, approve: false })]);
  assert.equal(c.templateRecord(v.id).status, 'rejected');
  failsCharged(w, maker, productTx(c, maker, v.id, 'Courier', params).tx, ErrorCode.TEMPLATE_NOT_APPROVED, { message: /rejected/ });
  // An unknown template id is its own error.
  failsCharged(w, maker, productTx(c, maker, new Uint8Array(32).fill(9), 'Courier', params).tx, ErrorCode.TEMPLATE_UNKNOWN);
});

// =============================================================================================
// Committee

test('committee: a non-member may not review or vote → COMMITTEE_NOT_MEMBER', () => {
  const outsider = actor('outsider');
  const w = world([outsider]);
  const { c } = w;
  const v = variant(c, 'inspection', 'An inspection, resubmitted.');
  submit(c, v.code, 0);
  failsCharged(w, outsider, c.tx(outsider, { type: 'reviewTemplate', template: v.id, approve: true }), ErrorCode.COMMITTEE_NOT_MEMBER);
  const action: CommitteeAction = { template: c.templates.tender.id, reporter: addr(outsider), bounty: 1n, deprecate: true, reason: 'me' };
  failsCharged(w, outsider, c.tx(outsider, { type: 'committeeVote', action, approve: true }), ErrorCode.COMMITTEE_NOT_MEMBER);
  assert.equal(c.templateRecord(v.id).approvals.length, 0);
});

test('committee: a member reviewing the same template twice → COMMITTEE_ALREADY_VOTED', () => {
  const w = world([]);
  const { c } = w;
  const v = variant(c, 'inspection', 'An inspection, resubmitted again.');
  submit(c, v.code, 1);
  assert.equal(c.templateRecord(v.id).status, 'pending', 'one approval of two needed');
  const m = c.committee[0]!;
  failsCharged(w, m, c.tx(m, { type: 'reviewTemplate', template: v.id, approve: true }), ErrorCode.COMMITTEE_ALREADY_VOTED);
  failsCharged(w, m, c.tx(m, { type: 'reviewTemplate', template: v.id, approve: false }), ErrorCode.COMMITTEE_ALREADY_VOTED);
  // The same holds for committee actions.
  const action: CommitteeAction = { template: c.templates.tender.id, reporter: addr(m), bounty: 0n, deprecate: true, reason: 'twice' };
  c.ok([c.tx(m, { type: 'committeeVote', action, approve: true })]);
  failsCharged(w, m, c.tx(m, { type: 'committeeVote', action, approve: true }), ErrorCode.COMMITTEE_ALREADY_VOTED);
});

test('committee: reviewing a decided template → COMMITTEE_CLOSED', () => {
  const w = world([]);
  const { c } = w;
  const third = c.committee[2]!;
  assert.equal(c.templateRecord(c.templates.supply.id).status, 'approved');
  failsCharged(w, third, c.tx(third, { type: 'reviewTemplate', template: c.templates.supply.id, approve: false }), ErrorCode.COMMITTEE_CLOSED);
});

test('committee: a bounty larger than the review pool → TX_INSUFFICIENT_FUNDS at the deciding vote; the proposal stays open', () => {
  const w = world([]);
  const { c } = w;
  const pool = c.balance(REVIEW_POOL);
  const reporter = addr(actor('reporter'));
  const action: CommitteeAction = { template: c.templates.tender.id, reporter, bounty: pool + 1n, deprecate: true, reason: 'overflow in bids' };
  c.ok([c.tx(c.committee[0]!, { type: 'committeeVote', action, approve: true })]);
  failsCharged(w, c.committee[1]!, c.tx(c.committee[1]!, { type: 'committeeVote', action, approve: true }), ErrorCode.TX_INSUFFICIENT_FUNDS);
  const p = decodeCommitteeProposal(c.runner.get(ContractKey.committeeProposal(committeeActionId(action)))!);
  assert.equal(p.status, 'open');
  assert.equal(p.approvals.length, 1);
  assert.equal(c.templateRecord(c.templates.tender.id).status, 'approved', 'a failed action deprecates nothing');
  assert.equal(c.balance(reporter), 0n);
});

test('committee: a bounty with deprecation pays the reporter from the review pool to the unit and deprecates the template', () => {
  const maker = actor('maker');
  const w = world([maker]);
  const { c } = w;
  const reporter = addr(actor('reporter'));
  const pool = c.balance(REVIEW_POOL);
  const bounty = 250n * DPN + 1n;
  const action: CommitteeAction = { template: c.templates.tender.id, reporter, bounty, deprecate: true, reason: 'a tender could supply itself' };
  c.ok([c.tx(c.committee[0]!, { type: 'committeeVote', action, approve: true })]);
  assert.equal(c.balance(reporter), 0n, 'one vote of two executes nothing');
  c.ok([c.tx(c.committee[2]!, { type: 'committeeVote', action, approve: true })]);
  assert.equal(c.balance(reporter), bounty);
  assert.equal(c.balance(REVIEW_POOL), pool - bounty);
  assert.equal(c.templateRecord(c.templates.tender.id).status, 'deprecated');
  assert.equal(decodeCommitteeProposal(c.runner.get(ContractKey.committeeProposal(committeeActionId(action)))!).status, 'executed');
  // Once executed, the proposal takes no more votes (it cannot pay twice).
  const m = c.committee[1]!;
  failsCharged(w, m, c.tx(m, { type: 'committeeVote', action, approve: true }), ErrorCode.COMMITTEE_CLOSED);
  // And no product can be made from the template any more.
  const t = c.templates.tender;
  const params = encodeProductParams(t.template, paramsFromJson(t.template, { maxUnitPrice: '1', maxLeadTimeMs: 1, windowMs: 1 }));
  failsCharged(w, maker, productTx(c, maker, t.id, 'Late tender', params).tx, ErrorCode.TEMPLATE_DEPRECATED);
});

// =============================================================================================
// Deprecation and the contracts already made

test('deprecation: orders already made continue to settlement and refund; new orders, root or cascading, → TEMPLATE_DEPRECATED', () => {
  const maker = actor('maker'), carrier = actor('carrier'), viewer = actor('viewer');
  const w = world([maker, carrier, viewer]);
  const { c } = w;
  const ship = c.product(carrier, 'logistics', { name: 'Courier', price: 8n * DPN, params: { deliveryWindowMs: 600_000 } });
  const chair = bom(c, maker, 'Boxed chair', 50n * DPN, { logistics: [hex(ship)] });
  const gain = ledger(c, [maker, carrier, viewer, c.designer]);
  const o1 = buy(c, viewer, chair, 51n * DPN);
  const o2 = buy(c, viewer, chair, 51n * DPN);
  deprecate(c, c.templates.logistics.id);

  // o1 runs to settlement through its logistics sub-order, whose template is now deprecated.
  c.ok([c.fireTx(maker, o1, 'finish')]);
  const ship1 = c.child(o1, 'ship');
  c.ok([c.fireTx(carrier, ship1, 'pickup')]);
  c.ok([c.fireTx(carrier, ship1, 'deliver')]);
  assert.equal(c.order(o1).state, 'delivered');
  c.ok([c.fireTx(viewer, o1, 'confirm')]);
  assert.equal(c.order(o1).status, 'settled');
  assert.equal(c.order(ship1).status, 'settled');
  // o2 fails: everything comes back to the viewer, the courier's escrow too.
  c.ok([c.fireTx(maker, o2, 'fail')]);
  assertAllRefunded(c, o2);
  assert.equal(gain(viewer), -51n * DPN, 'only o1 was paid for');
  assert.equal(gain(carrier), 8n * DPN);
  assert.equal(gain(maker), 50n * DPN - 8n * DPN - DPN / 5n);
  assert.equal(gain(c.designer), DPN + DPN / 5n);

  // New orders: the chair cascades into the deprecated courier; the courier itself is closed.
  failsCharged(w, viewer, c.orderTx(viewer, chair, 51n * DPN).tx, ErrorCode.TEMPLATE_DEPRECATED, { message: /Courier/ });
  failsCharged(w, viewer, c.orderTx(viewer, ship, 9n * DPN).tx, ErrorCode.TEMPLATE_DEPRECATED);
});

test('deprecation of the order\'s own template: existing orders settle and time out normally; new ones are refused', () => {
  const maker = actor('maker'), viewer = actor('viewer');
  const w = world([maker, viewer]);
  const { c, runner } = w;
  const stool = bom(c, maker, 'Stool', 10n * DPN, {}, 60_000n);
  const gain = ledger(c, [maker, viewer, c.designer]);
  const o1 = buy(c, viewer, stool, 11n * DPN);
  const o2 = buy(c, viewer, stool, 11n * DPN);
  const placed = runner.time;
  deprecate(c, c.templates['bill-of-materials'].id);
  c.ok([c.fireTx(maker, o1, 'finish')]);
  c.ok([c.fireTx(viewer, o1, 'confirm')]);
  assert.equal(c.order(o1).status, 'settled');
  // o2's `late` timer (lead time + grace) still fires.
  c.ok([], placed + 120_000n - runner.time);
  assertAllRefunded(c, o2);
  assert.equal(gain(viewer), -11n * DPN);
  assert.equal(gain(maker), 10n * DPN);
  assert.equal(gain(c.designer), DPN);
  failsCharged(w, viewer, c.orderTx(viewer, stool, 11n * DPN).tx, ErrorCode.TEMPLATE_DEPRECATED);
});

test('deprecation between a bid and the award: the tender refunds at window end instead of holding the escrow forever', () => {
  const maker = actor('maker'), f1 = actor('fabric-1'), viewer = actor('viewer');
  const w = world([maker, f1, viewer]);
  const { c, runner } = w;
  const fabric = bom(c, f1, 'Fabric 1', 20n * DPN);
  const tender = c.product(maker, 'tender', { name: 'Fabric (tender)', price: 30n * DPN, params: { maxUnitPrice: (30n * DPN).toString(), maxLeadTimeMs: 600_000, windowMs: 10_000 } });
  const gain = ledger(c, [maker, f1, viewer, c.designer]);
  const o = buy(c, viewer, tender, 31n * DPN);
  const placed = runner.time;
  c.ok([c.fireTx(f1, o, 'bid', { offer: hex(fabric) })]);
  deprecate(c, c.templates['bill-of-materials'].id);
  c.ok([], placed + 10_000n - runner.time);
  assert.equal(c.order(o).children.length, 0, 'the deprecated winner was not ordered');
  assertAllRefunded(c, o);
  assert.equal(gain(viewer), 0n);
  assert.equal(gain(maker) + gain(f1) + gain(c.designer), 0n);
});

// =============================================================================================
// Products

test('createProduct: parameters that fail the schema → PARAMS_INVALID; naming a missing product → PRODUCT_UNKNOWN', () => {
  const maker = actor('maker'), b1 = actor('buttons-1');
  const w = world([maker, b1]);
  const { c } = w;
  const buttons = bom(c, b1, 'Buttons', 5n * DPN);
  const t = c.templates.supply;
  const good = encodeProductParams(t.template, paramsFromJson(t.template, { suppliers: [hex(buttons)], rule: 'fastest' }));
  // The last byte is the choice index (0..2).
  assert.equal(good[good.length - 1], 1);
  const bad: [string, Uint8Array][] = [
    ['truncated', good.slice(0, -1)],
    ['empty', new Uint8Array()],
    ['bad choice index', concatBytes(good.slice(0, -1), new Uint8Array([3]))],
    ['trailing bytes', concatBytes(good, new Uint8Array([0]))],
    ['list longer than its max', encodeProductParams({ ...t.template, params: [{ name: 'suppliers', type: 'products', max: 64 }, t.template.params[1]!] }, new Map<string, never>([['suppliers', Array(17).fill(buttons) as never], ['rule', 'cheapest' as never]]))],
  ];
  for (const [what, params] of bad) {
    const out = failsCharged(w, maker, productTx(c, maker, t.id, `Buttons (${what})`, params).tx, ErrorCode.PARAMS_INVALID);
    assert.match(out.failure!.message, /parameters do not match/, what);
  }
  const ghost = new Uint8Array(32).fill(0xab);
  const params = encodeProductParams(t.template, paramsFromJson(t.template, { suppliers: [hex(buttons), hex(ghost)], rule: 'cheapest' }));
  failsCharged(w, maker, productTx(c, maker, t.id, 'Buttons (ghost)', params).tx, ErrorCode.PRODUCT_UNKNOWN, { message: /abababab/ });
  // The well-formed parameters do make a product (the rejections above were about the bytes).
  const { id, tx } = productTx(c, maker, t.id, 'Buttons (supply)', good);
  c.ok([tx]);
  assert.equal(c.productRecord(id).name, 'Buttons (supply)');
});

test('hostile text: names with invisible or huge unicode are stored verbatim; blank names are refused; control chars never reach a block', () => {
  const maker = actor('maker'), viewer = actor('viewer');
  const w = world([maker, viewer]);
  const { c, runner } = w;
  const t = c.templates['bill-of-materials'];
  const params = encodeProductParams(t.template, paramsFromJson(t.template, DIRECT));
  // 16 four-byte emoji: exactly the 64-byte limit; bidi overrides and zero-width joiners are text.
  for (const name of ['💥'.repeat(16), '\u202egnp.exe\u200d\u2066x', 'Ｊａｃｋｅｔ 𝕵']) {
    const { id, tx } = productTx(c, maker, t.id, name, params);
    c.ok([tx]);
    assert.equal(c.productRecord(id).name, name);
  }
  failsCharged(w, maker, productTx(c, maker, t.id, '\u00a0\u2003 \u3000', params).tx, ErrorCode.PARAMS_INVALID, { message: /needs a name/ });
  // Control characters, oversize and non-NFC names cannot be encoded, or are refused on decoding —
  // before any state is read, so not even a fee is due.
  const body = (name: string): TxBody => ({ type: 'createProduct', template: t.id, name, metadataUri: '', metadataHash: new Uint8Array(32), price: 1n, leadTimeMs: 1n, params });
  const sign = (b: TxBody) => encodeSignedTx(signTx({ chainId: runner.genesis.chainId, signer: maker.publicKey, nonce: 0n, fee: CONTRACT_FEE, body: b }, maker.secretKey));
  assert.throws(() => sign(body('bell\u0007')), RangeError);
  assert.throws(() => sign(body('💥'.repeat(17))), RangeError);
  assert.throws(() => sign(body('cafe\u0301')), RangeError);
  // Hand-made bytes: a BEL, and a combining accent after "e" (not NFC), patched into a signed tx.
  const clean = sign(body('cafeXY'));
  const at = Buffer.from(clean).indexOf(Buffer.from('XY'));
  for (const patch of [[0x07, 0x41], [0xcc, 0x81]]) {
    const patched = clean.slice();
    patched.set(patch, at);
    throwsCode(() => decodeSignedTx(patched), ErrorCode.DECODE_NON_CANONICAL);
  }
  // A hostile transition name is just an unknown transition.
  const stool = bom(c, maker, 'Stool', DPN);
  const o = buy(c, viewer, stool, 2n * DPN);
  failsCharged(w, viewer, c.tx(viewer, { type: 'fireTransition', order: o, transition: '💥'.repeat(8), args: new Uint8Array() }), ErrorCode.ORDER_TRANSITION_UNKNOWN);
});

test('hostile text: a guard message with control characters in an approved template fails cleanly (the receipt is sanitised)', () => {
  const maker = actor('maker'), viewer = actor('viewer');
  const w = world([maker, viewer]);
  const { c } = w;
  const code = utf8(JSON.stringify({
    dipnet: 'template/1', name: 'bell', states: ['open'], initial: 'open',
    transitions: [{ name: 'ring', from: ['open'], by: 'anyone', to: 'open', when: [[false, 'ding\u0007\u001b[2J\u202e e\u0301']] }],
  }));
  submit(c, code, 2);
  const bell = productTx(c, maker, templateId(code), 'Bell', new Uint8Array(), DPN);
  c.ok([bell.tx]);
  const o = buy(c, viewer, bell.id, DPN);
  const tx = c.tx(viewer, { type: 'fireTransition', order: o, transition: 'ring', args: new Uint8Array() });
  failsCharged(w, viewer, tx, ErrorCode.ORDER_GUARD_FAILED);
  const receipt = decodeTxReceipt(c.runner.get(ContractKey.txReceipt(txHash(tx)))!);
  assert.equal(receipt.message, 'ORDER_GUARD_FAILED: ding\uFFFD\uFFFD[2J\u202e \u00e9');
});

// =============================================================================================
// Order graphs

test('cycle: the jacket\'s producer bids the jacket itself on the jacket\'s fabric tender → CONTRACT_CYCLE', () => {
  const maker = actor('maker'), f1 = actor('fabric-1'), viewer = actor('viewer');
  // No designer fees, so the jacket's price fits the tender's budget and only the cycle is wrong.
  const w = world([maker, f1, viewer], {});
  const { c } = w;
  const fabric = c.product(maker, 'tender', { name: 'Fabric (tender)', price: 50n * DPN, params: { maxUnitPrice: (50n * DPN).toString(), maxLeadTimeMs: 600_000, windowMs: 60_000 } });
  const jacket = bom(c, maker, 'Jacket', 50n * DPN, { parts: [hex(fabric)] });
  const fabric1 = bom(c, f1, 'Fabric 1', 40n * DPN);
  const o = buy(c, viewer, jacket, 50n * DPN);
  const tender = c.child(o, 'part');
  assert.equal(c.order(tender).state, 'bidding');
  failsCharged(w, maker, c.fireTx(maker, tender, 'bid', { offer: hex(jacket) }), ErrorCode.CONTRACT_CYCLE, { message: /Jacket/ });
  assert.equal(c.order(tender).vars.length, 0, 'the cyclic bid was not recorded');
  // An honest bid still goes in.
  c.ok([c.fireTx(f1, tender, 'bid', { offer: hex(fabric1) })]);
  assert.equal(c.order(tender).vars.length, 2);
});

test(`too deep: ${MAX_ORDER_DEPTH} nested bills of materials order fine; ${MAX_ORDER_DEPTH + 1} → CONTRACT_TOO_DEEP`, () => {
  const maker = actor('maker'), viewer = actor('viewer');
  const w = world([maker, viewer], {});
  const { c } = w;
  const levels: Uint8Array[] = [];
  for (let i = 0; i <= MAX_ORDER_DEPTH; i++) levels.push(bom(c, maker, `Level ${i + 1}`, 10n * DPN, i === 0 ? {} : { parts: [hex(levels[i - 1]!)] }));
  // MAX_ORDER_DEPTH levels: the deepest sub-order is at depth MAX_ORDER_DEPTH - 1.
  const ok = buy(c, viewer, levels[MAX_ORDER_DEPTH - 1]!, 10n * DPN);
  const all = tree(c, ok);
  assert.equal(all.length, MAX_ORDER_DEPTH);
  assert.equal(Math.max(...all.map((x) => c.order(x).depth)), MAX_ORDER_DEPTH - 1);
  const { id, tx } = c.orderTx(viewer, levels[MAX_ORDER_DEPTH]!, 10n * DPN);
  failsCharged(w, viewer, tx, ErrorCode.CONTRACT_TOO_DEEP);
  assert.equal(c.runner.get(ContractKey.order(id)), undefined);
});

// =============================================================================================
// Gas and payment

test('gas: an order whose fee buys too little gas → GAS_EXHAUSTED, included, charged base fee + the whole limit, no order', () => {
  const maker = actor('maker'), viewer = actor('viewer');
  const w = world([maker, viewer]);
  const { c, runner } = w;
  const stool = bom(c, maker, 'Stool', 10n * DPN);
  const body: TxBody = { type: 'placeOrder', product: stool, quantity: 1, maxTotal: 11n * DPN, shipping: new Uint8Array(32) };
  // The encoding is fixed-width in the fee, so the base fee is known before signing.
  const probe = encodeSignedTx(signTx({ chainId: runner.genesis.chainId, signer: viewer.publicKey, nonce: 0n, fee: 0n, body }, viewer.secretKey));
  const base = requiredFee(DEVNET_PARAMS, probe.length);
  const limit = 1_000n;
  const tx = c.tx(viewer, body, base + limit * DEVNET_PARAMS.gasPrice);
  assert.equal(tx.length, probe.length);
  const out = failsCharged(w, viewer, tx, ErrorCode.GAS_EXHAUSTED);
  assert.equal(out.gasUsed, Number(limit));
  assert.equal(out.fee, base + limit * DEVNET_PARAMS.gasPrice);
  assert.equal(runner.get(ContractKey.order(rootOrderId(addr(viewer), runner.account(addr(viewer)).nonce - 1n))), undefined);
  // With a normal fee the same order goes through, and pays only the gas it used.
  const { id, tx: okTx } = c.orderTx(viewer, stool, 11n * DPN);
  const r = c.ok([okTx]).results[0] as TxOutcome;
  assert.ok(r.gasUsed > Number(limit) && r.fee < CONTRACT_FEE);
  assert.equal(c.order(id).state, 'producing');
});

test('payment: maxTotal below price + designer fee → ORDER_UNDERPAID', () => {
  const maker = actor('maker'), viewer = actor('viewer');
  const w = world([maker, viewer]);
  const { c } = w;
  const stool = bom(c, maker, 'Stool', 10n * DPN);
  const { id, tx } = c.orderTx(viewer, stool, 11n * DPN - 1n);
  failsCharged(w, viewer, tx, ErrorCode.ORDER_UNDERPAID, { message: /costs 11000000000/ });
  assert.equal(c.runner.get(ContractKey.order(id)), undefined);
});

test('transfers: a plain transfer to an order\'s or a product\'s contract address is refused (TX_INVALID)', () => {
  const maker = actor('maker'), viewer = actor('viewer');
  const w = world([maker, viewer]);
  const { c } = w;
  const ship = c.product(maker, 'logistics', { name: 'Courier', price: DPN, params: { deliveryWindowMs: 1000 } });
  const chair = bom(c, maker, 'Chair', 10n * DPN, { logistics: [hex(ship)] });
  const o = buy(c, viewer, chair, 12n * DPN);
  for (const to of [orderAddress(o), orderAddress(c.child(o, 'ship')), productAddress(chair)]) {
    refused(w, c.tx(viewer, { type: 'transfer', to, amount: 1n, memo: 'tip' }, DPN / 100n), ErrorCode.TX_INVALID);
  }
});

// =============================================================================================
// Signed transitions

/** A direct stool order in `producing`, with its maker and buyer. */
function stoolOrder(): World & { maker: KeyPair; viewer: KeyPair; stranger: KeyPair; o: Uint8Array } {
  const maker = actor('maker'), viewer = actor('viewer'), stranger = actor('stranger');
  const w = world([maker, viewer, stranger]);
  const stool = bom(w.c, maker, 'Stool', 10n * DPN);
  const o = buy(w.c, viewer, stool, 11n * DPN);
  assert.equal(w.c.order(o).state, 'producing');
  return { ...w, maker, viewer, stranger, o };
}

test('transitions: a milestone signed by the wrong party → ORDER_WRONG_PARTY', () => {
  const w = stoolOrder();
  failsCharged(w, w.viewer, w.c.fireTx(w.viewer, w.o, 'finish'), ErrorCode.ORDER_WRONG_PARTY, { message: /producer/ });
  failsCharged(w, w.stranger, w.c.fireTx(w.stranger, w.o, 'fail'), ErrorCode.ORDER_WRONG_PARTY);
  w.c.ok([w.c.fireTx(w.maker, w.o, 'finish')]);
  // Only the consumer confirms delivery.
  failsCharged(w, w.maker, w.c.fireTx(w.maker, w.o, 'confirm'), ErrorCode.ORDER_WRONG_PARTY, { message: /consumer/ });
});

test('transitions: a second delivery confirmation → ORDER_CLOSED', () => {
  const w = stoolOrder();
  w.c.ok([w.c.fireTx(w.maker, w.o, 'finish')]);
  w.c.ok([w.c.fireTx(w.viewer, w.o, 'confirm')]);
  assert.equal(w.c.order(w.o).status, 'settled');
  failsCharged(w, w.viewer, w.c.fireTx(w.viewer, w.o, 'confirm'), ErrorCode.ORDER_CLOSED);
});

test('transitions: unknown order → ORDER_UNKNOWN; unknown or unsigned transition → ORDER_TRANSITION_UNKNOWN; wrong state → ORDER_BAD_STATE', () => {
  const w = stoolOrder();
  const { c, viewer, o } = w;
  const fire = (order: Uint8Array, transition: string) => c.tx(viewer, { type: 'fireTransition', order, transition, args: new Uint8Array() });
  failsCharged(w, viewer, fire(rootOrderId(addr(viewer), 999n), 'confirm'), ErrorCode.ORDER_UNKNOWN);
  failsCharged(w, viewer, fire(o, 'teleport'), ErrorCode.ORDER_TRANSITION_UNKNOWN);
  // Automatic and timer transitions exist but cannot be fired by a tx.
  failsCharged(w, viewer, fire(o, 'partsDone'), ErrorCode.ORDER_TRANSITION_UNKNOWN);
  failsCharged(w, viewer, fire(o, 'late'), ErrorCode.ORDER_TRANSITION_UNKNOWN);
  failsCharged(w, viewer, fire(o, 'confirm'), ErrorCode.ORDER_BAD_STATE, { message: /"producing"/ });
  assert.equal(c.order(o).state, 'producing', 'none of them moved the order');
});

test('transitions: malformed argument bytes → PARAMS_INVALID', () => {
  const maker = actor('maker'), f1 = actor('fabric-1'), viewer = actor('viewer');
  const w = world([maker, f1, viewer]);
  const { c } = w;
  const fabric1 = bom(c, f1, 'Fabric 1', 20n * DPN);
  const tenderP = c.product(maker, 'tender', { name: 'Fabric (tender)', price: 30n * DPN, params: { maxUnitPrice: (30n * DPN).toString(), maxLeadTimeMs: 600_000, windowMs: 60_000 } });
  const o = buy(c, viewer, tenderP, 31n * DPN);
  const fire = (key: KeyPair, transition: string, args: Uint8Array) => c.tx(key, { type: 'fireTransition', order: o, transition, args });
  // `bid` takes one product id (32 bytes).
  for (const args of [new Uint8Array(), fabric1.slice(0, 31), concatBytes(fabric1, new Uint8Array([0]))]) {
    failsCharged(w, f1, fire(f1, 'bid', args), ErrorCode.PARAMS_INVALID, { message: /arguments do not match/ });
  }
  assert.equal(c.order(o).vars.length, 0);
  // The same 32 bytes are a valid bid.
  c.ok([fire(f1, 'bid', fabric1)]);
  assert.equal(c.order(o).vars.length, 2);
  // A transition without arguments takes no bytes either.
  const stool = bom(c, maker, 'Stool', DPN);
  const s = buy(c, viewer, stool, 2n * DPN);
  failsCharged(w, maker, c.tx(maker, { type: 'fireTransition', order: s, transition: 'finish', args: new Uint8Array([0]) }), ErrorCode.PARAMS_INVALID);
});

test('transitions: the consumer cancelling after production began → ORDER_BAD_STATE', () => {
  const w = stoolOrder();
  failsCharged(w, w.viewer, w.c.fireTx(w.viewer, w.o, 'cancel'), ErrorCode.ORDER_BAD_STATE, { message: /only in sourcing/ });
  assert.equal(w.c.order(w.o).status, 'active');
});

test('tender: a bid after the window → ORDER_GUARD_FAILED "the bidding window is closed"', () => {
  const maker = actor('maker'), f1 = actor('fabric-1'), f2 = actor('fabric-2'), viewer = actor('viewer');
  const w = world([maker, f1, f2, viewer]);
  const { c, runner } = w;
  const fabric1 = bom(c, f1, 'Fabric 1', 25n * DPN), fabric2 = bom(c, f2, 'Fabric 2', 20n * DPN);
  const tenderP = c.product(maker, 'tender', { name: 'Fabric (tender)', price: 30n * DPN, params: { maxUnitPrice: (30n * DPN).toString(), maxLeadTimeMs: 600_000, windowMs: 5_000 } });
  // Ordered half-way through a second: the window ends at x.5 s, its timer fires only at x+1 s,
  // so a block exactly at the window's end sees the guard fail while the award is still pending.
  const o = buy(c, viewer, tenderP, 31n * DPN, 1500n);
  const placed = runner.time;
  assert.equal(placed % 1000n, 500n);
  c.ok([c.fireTx(f1, o, 'bid', { offer: hex(fabric1) })], 4_999n);
  failsCharged(w, f2, c.fireTx(f2, o, 'bid', { offer: hex(fabric2) }), ErrorCode.ORDER_GUARD_FAILED, { advanceMs: 1n, message: /^the bidding window is closed$/ });
  assert.equal(runner.time, placed + 5_000n);
  // The award then goes to the bid made in time.
  c.ok([], 1000n);
  assert.deepEqual(c.order(c.child(o, 'supplier')).product, fabric1);
});

// =============================================================================================
// Refunds and timeouts

test('refund: the consumer cancelling in sourcing gets every unit back, including escrow already moved into sub-orders', () => {
  const maker = actor('maker'), lining = actor('lining'), f1 = actor('fabric-1'), guarantor = actor('guarantor'), carrier = actor('carrier'), inspector = actor('inspector'), viewer = actor('viewer');
  const w = world([maker, lining, f1, guarantor, carrier, inspector, viewer]);
  const { c } = w;
  const liningP = bom(c, lining, 'Lining', 20n * DPN);
  const fabric1 = bom(c, f1, 'Fabric 1', 25n * DPN);
  const fabric = c.product(maker, 'tender', { name: 'Fabric (tender)', price: 35n * DPN, params: { maxUnitPrice: (32n * DPN).toString(), maxLeadTimeMs: 600_000, windowMs: 60_000 } });
  const bond = c.product(guarantor, 'guarantee', { name: 'Bond', price: 2n * DPN, params: { deposit: (10n * DPN).toString() } });
  const ship = c.product(carrier, 'logistics', { name: 'Courier', price: 8n * DPN, params: { deliveryWindowMs: 600_000 } });
  const inspect = c.product(inspector, 'inspection', { name: 'Check', price: 3n * DPN, params: { checklist: '11'.repeat(32) } });
  const jacket = bom(c, maker, 'Jacket', 120n * DPN, { parts: [hex(fabric), hex(liningP)], guarantee: [hex(bond)], inspection: [hex(inspect)], logistics: [hex(ship)] }, 600_000n);
  const parties = [maker, lining, f1, guarantor, carrier, inspector, viewer, c.designer, REVIEW_POOL];
  const gain = ledger(c, parties);
  const o = buy(c, viewer, jacket, 121n * DPN);
  c.ok([c.fireTx(guarantor, c.child(o, 'guarantee'), 'post'), c.fireTx(f1, c.child(o, 'part', 0), 'bid', { offer: hex(fabric1) })]);
  assert.equal(gain(guarantor), -10n * DPN, 'the deposit is in escrow');
  assert.equal(c.order(o).state, 'sourcing');
  assert.ok(c.order(o).escrowOut > 0n, 'the root has funded its sub-orders');
  c.ok([c.fireTx(viewer, o, 'cancel')]);
  assertAllRefunded(c, o);
  assert.equal(tree(c, o).length, 6);
  for (const p of parties) assert.equal(gain(p), 0n, `${p instanceof Uint8Array ? 'pool' : hex(addr(p))} is whole`);
  // The tender's award timer, due later, finds the order refunded and does nothing.
  c.ok([], 120_000n);
  assertAllRefunded(c, o);
  for (const p of parties) assert.equal(gain(p), 0n);
});

test('refund: the producer\'s `fail` refunds the consumer', () => {
  const w = stoolOrder();
  const gain = ledger(w.c, [w.maker, w.viewer, w.c.designer]);
  const paid = w.c.order(w.o).escrowIn;
  w.c.ok([w.c.fireTx(w.maker, w.o, 'fail')]);
  assertAllRefunded(w.c, w.o);
  assert.equal(gain(w.viewer), paid);
  assert.equal(gain(w.maker), 0n);
  assert.equal(gain(w.c.designer), 0n);
});

test('refund: the `late` timer refunds after lead time + grace of chain time, not a second earlier', () => {
  const maker = actor('maker'), viewer = actor('viewer');
  const w = world([maker, viewer]);
  const { c, runner } = w;
  const stool = bom(c, maker, 'Stool', 10n * DPN, { graceMs: 30_000 }, 90_000n);
  const gain = ledger(c, [maker, viewer, c.designer]);
  const o = buy(c, viewer, stool, 11n * DPN);
  const placed = runner.time;
  c.ok([], placed + 119_999n - runner.time);
  assert.equal(c.order(o).status, 'active');
  assert.equal(gain(viewer), -11n * DPN);
  c.ok([], 1n);
  assert.equal(runner.time, placed + 120_000n);
  assertAllRefunded(c, o);
  assert.equal(c.order(o).history.at(-1)!.event, 'refunded:late');
  assert.equal(gain(viewer), 0n);
  assert.equal(gain(maker) + gain(c.designer), 0n);
});

test('refund: a tender with no bids refunds at the end of its window', () => {
  const maker = actor('maker'), viewer = actor('viewer');
  const w = world([maker, viewer]);
  const { c, runner } = w;
  const tenderP = c.product(maker, 'tender', { name: 'Fabric (tender)', price: 30n * DPN, params: { maxUnitPrice: (30n * DPN).toString(), maxLeadTimeMs: 600_000, windowMs: 5_000 } });
  const gain = ledger(c, [maker, viewer, c.designer]);
  const o = buy(c, viewer, tenderP, 31n * DPN);
  const placed = runner.time;
  c.ok([], 4_000n);
  assert.equal(c.order(o).state, 'bidding');
  c.ok([], placed + 5_000n - runner.time);
  assertAllRefunded(c, o);
  assert.equal(c.order(o).history.at(-1)!.event, 'refunded:noBids');
  assert.equal(gain(viewer), 0n);
  assert.equal(gain(maker) + gain(c.designer), 0n);
});

/** A bed made of one part, backed by a guarantee whose deposit the guarantor has posted. */
function guaranteed() {
  const maker = actor('maker'), frame = actor('frame'), guarantor = actor('guarantor'), viewer = actor('viewer');
  const w = world([maker, frame, guarantor, viewer]);
  const { c } = w;
  const frameP = bom(c, frame, 'Frame', 40n * DPN);
  const bond = c.product(guarantor, 'guarantee', { name: 'Bond', price: 2n * DPN, params: { deposit: (15n * DPN).toString() } });
  const bed = bom(c, maker, 'Bed', 100n * DPN, { parts: [hex(frameP)], guarantee: [hex(bond)] });
  const gain = ledger(c, [maker, frame, guarantor, viewer, c.designer]);
  const o = buy(c, viewer, bed, 101n * DPN);
  const g = c.child(o, 'guarantee');
  c.ok([c.fireTx(guarantor, g, 'post')]);
  assert.equal(c.order(g).state, 'active');
  assert.equal(c.order(o).state, 'sourcing', 'the frame is not made yet');
  return { ...w, maker, frame, guarantor, viewer, o, g, gain, deposit: 15n * DPN };
}

test('guarantee: on the consumer\'s cancel the deposit returns to the guarantor', () => {
  const x = guaranteed();
  x.c.ok([x.c.fireTx(x.viewer, x.o, 'cancel')]);
  assertAllRefunded(x.c, x.o);
  for (const p of [x.maker, x.frame, x.guarantor, x.viewer, x.c.designer]) assert.equal(x.gain(p), 0n);
});

test('guarantee: on the producer\'s failure the deposit goes to the consumer with the refund', () => {
  const x = guaranteed();
  x.c.ok([x.c.fireTx(x.maker, x.o, 'fail')]);
  assertAllRefunded(x.c, x.o);
  assert.equal(x.gain(x.viewer), x.deposit);
  assert.equal(x.gain(x.guarantor), -x.deposit);
  for (const p of [x.maker, x.frame, x.c.designer]) assert.equal(x.gain(p), 0n);
});

test('guarantee: on settlement the guarantor gets the deposit back with its fee', () => {
  const x = guaranteed();
  const { c } = x;
  c.ok([c.fireTx(x.frame, c.child(x.o, 'part'), 'finish')]);
  assert.equal(c.order(x.o).state, 'producing');
  c.ok([c.fireTx(x.maker, x.o, 'finish')]);
  assert.equal(c.order(x.o).state, 'delivered', 'no courier: delivered once ready');
  c.ok([c.fireTx(x.viewer, x.o, 'confirm')]);
  for (const id of tree(c, x.o)) assert.equal(c.order(id).status, 'settled');
  assert.equal(x.gain(x.guarantor), 2n * DPN);
  assert.equal(x.gain(x.frame), 40n * DPN);
  assert.equal(x.gain(x.viewer), -101n * DPN);
  assert.equal(x.gain(x.maker), 100n * DPN - 41n * DPN - (2n * DPN + DPN / 10n));
  assert.equal(x.gain(c.designer), 2n * DPN + DPN / 10n);
});

test('inspection: `reject` refunds the order and still pays the inspector', () => {
  const maker = actor('maker'), inspector = actor('inspector'), viewer = actor('viewer');
  const w = world([maker, inspector, viewer]);
  const { c } = w;
  const check = c.product(inspector, 'inspection', { name: 'Check', price: 3n * DPN, params: { checklist: '22'.repeat(32) } });
  const lamp = bom(c, maker, 'Lamp', 30n * DPN, { inspection: [hex(check)] });
  const gain = ledger(c, [maker, inspector, viewer, c.designer]);
  const o = buy(c, viewer, lamp, 31n * DPN);
  const i = c.child(o, 'inspect');
  // The inspector cannot attest goods not made yet.
  failsCharged(w, inspector, c.fireTx(inspector, i, 'reject'), ErrorCode.ORDER_GUARD_FAILED, { message: /not made yet/ });
  c.ok([c.fireTx(maker, o, 'finish')]);
  assert.equal(c.order(o).state, 'delivered');
  c.ok([c.fireTx(inspector, i, 'reject')]);
  assertAllRefunded(c, o);
  assert.equal(c.order(o).history.at(-1)!.event, 'refunded:inspectionFailed');
  assert.equal(gain(inspector), 3n * DPN);
  assert.equal(gain(viewer), -3n * DPN);
  assert.equal(gain(maker), 0n);
  assert.equal(gain(c.designer), 0n, 'no settlement, no designer fee');
});
