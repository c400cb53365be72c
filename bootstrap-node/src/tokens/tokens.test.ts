/**
 * Tokens issued by production units, on the real state machine (BlockRunner): issuing,
 * transferring and minting; a jacket made entirely by its maker, paid and settled in the maker's
 * token through the base templates (bill of materials, supply, inspection, logistics,
 * guarantee); a cancelled token order refunded to the unit; and every bad input with its code and
 * no change to state. Token conservation (balances + escrows = supply) and DPN conservation
 * (accounts + stakes + unbondings + escrows + fees held by token orders = TOTAL_SUPPLY) are checked
 * after every block of the order tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOf, dpn, toHex, fromHex, equalBytes, DipnetError, ErrorCode, StateNs, ContractNs, ContractKey, TokenKey, TokenNs, TOTAL_SUPPLY, MAX_TOKEN_SUPPLY,
  tokenId, decodeTokenRecord, decodeTokenBalance, decodeAccount, decodeValidatorRecord, decodeUnbondingQueue, decodeOrderRecord, decodeTxReceipt,
  isDpnCurrency, productAddress, productId, paramsFromJson, encodeProductParams, txHash, requiredFee,
  type KeyPair, type TxBody, type TokenRecord,
} from '@dipnet/protocol';
import { devnetGenesis, DEVNET_PARAMS } from '../devnet/genesis.ts';
import { devKey } from '../devnet/dev-keys.ts';
import { BlockRunner } from '../testing/block-runner.ts';
import { ContractFixture } from '../testing/contract-fixture.ts';
import type { BaseTemplateName } from '../contracts/base-templates.ts';

const DPN = dpn(1);
const FEES: Partial<Record<BaseTemplateName, bigint>> = { 'bill-of-materials': DPN, supply: DPN / 2n, tender: DPN / 2n, logistics: DPN / 5n, inspection: DPN / 5n, guarantee: DPN / 10n };
const DIRECT = { parts: [], guarantee: [], inspection: [], logistics: [], graceMs: 60_000, confirmWindowMs: 60_000 };
const TX_FEE = dpn(1) / 100n;
/** One MKR is 100 units (2 decimals). */
const MKR = 100n;
const hex = toHex;
const addr = (k: KeyPair | Uint8Array) => (k instanceof Uint8Array ? k : addressOf(k.publicKey));
let worlds = 0;

function world(actors: KeyPair[]): { runner: BlockRunner; c: ContractFixture } {
  const runner = new BlockRunner(devnetGenesis({ chainId: `tokens-${worlds++}`, validators: 4, genesisTime: 1_700_000_000_000n }));
  const c = new ContractFixture(runner, FEES);
  c.publishBaseTemplates();
  c.fund(actors);
  return { runner, c };
}

const issue = (symbol: string, supply: bigint, mintable = true, decimals = 2): TxBody => ({ type: 'issueToken', symbol, name: `${symbol} token`, decimals, supply, mintable });

/** Issues a token in its own block and returns its id. */
function issued(c: ContractFixture, key: KeyPair, body: TxBody): Uint8Array {
  c.ok([c.tx(key, body, TX_FEE)]);
  return tokenId(addr(key), c.runner.lastNonce(key));
}

const tokenOf = (r: BlockRunner, id: Uint8Array): TokenRecord => decodeTokenRecord(r.get(TokenKey.token(id))!);
const tokenBalance = (r: BlockRunner, id: Uint8Array, k: KeyPair | Uint8Array): bigint => {
  const raw = r.get(TokenKey.balance(id, addr(k)));
  return raw ? decodeTokenBalance(raw) : 0n;
};

/** Balances + escrows of token orders = supply, for every token in state. */
function assertTokensConserved(r: BlockRunner): void {
  const held = new Map<string, bigint>();
  const add = (id: string, n: bigint) => held.set(id, (held.get(id) ?? 0n) + n);
  const supplies = new Map<string, bigint>();
  for (const [k, v] of r.entries()) {
    const ns = parseInt(k.slice(0, 2), 16);
    if (ns === TokenNs.token) supplies.set(k.slice(2), decodeTokenRecord(v).supply);
    if (ns === TokenNs.balance) {
      const b = decodeTokenBalance(v);
      assert.ok(b > 0n, 'a zero balance is never stored');
      add(k.slice(2, 66), b);
    }
    if (ns === ContractNs.order) {
      const o = decodeOrderRecord(v);
      if (!isDpnCurrency(o.currency)) add(hex(o.currency), o.escrowIn - o.escrowOut);
      else assert.equal(o.currency.length, 32);
    }
  }
  for (const [id, supply] of supplies) assert.equal(held.get(id) ?? 0n, supply, `token ${id.slice(0, 8)}: balances + escrows = supply`);
  for (const id of held.keys()) assert.ok(supplies.has(id), 'every balance or escrow belongs to an issued token');
}

/** DPN: accounts + stakes + unbondings + DPN escrows + the fees active token orders hold = TOTAL_SUPPLY. */
function assertDpnConserved(r: BlockRunner): void {
  let total = 0n;
  for (const [k, v] of r.entries()) {
    switch (parseInt(k.slice(0, 2), 16)) {
      case StateNs.account: total += decodeAccount(v).balance; break;
      case StateNs.validator: total += decodeValidatorRecord(v).stake; break;
      case StateNs.unbondingQueue: total += decodeUnbondingQueue(v).reduce((s, u) => s + u.amount, 0n); break;
      case ContractNs.order: {
        const o = decodeOrderRecord(v);
        total += isDpnCurrency(o.currency) ? o.escrowIn - o.escrowOut : o.status === 'active' ? o.designerFee : 0n;
        break;
      }
    }
  }
  assert.equal(total, TOTAL_SUPPLY, 'DPN supply is conserved');
}

function conserved(r: BlockRunner): void {
  assertTokensConserved(r);
  assertDpnConserved(r);
}

/** A createProduct tx priced in `currency` (the fixture's helper has no currency). */
function productTx(c: ContractFixture, producer: KeyPair, template: BaseTemplateName, name: string, price: bigint, params: Record<string, unknown>, currency: Uint8Array): { id: Uint8Array; tx: Uint8Array } {
  const t = c.templates[template];
  const tx = c.tx(producer, {
    type: 'createProduct', template: t.id, name, metadataUri: `https://example.test/${encodeURIComponent(name)}`, metadataHash: new Uint8Array(32),
    price, leadTimeMs: 600_000n, params: encodeProductParams(t.template, paramsFromJson(t.template, params)), currency,
  });
  return { id: productId(addr(producer), c.runner.lastNonce(producer)), tx };
}
function product(c: ContractFixture, producer: KeyPair, template: BaseTemplateName, name: string, price: bigint, params: Record<string, unknown>, currency: Uint8Array): Uint8Array {
  const { id, tx } = productTx(c, producer, template, name, price, params, currency);
  c.ok([tx]);
  conserved(c.runner);
  return id;
}

/** A block that must succeed; both currencies are checked after it. */
function step(c: ContractFixture, txs: Uint8Array[], advanceMs = 1000n): void {
  c.ok(txs, advanceMs);
  conserved(c.runner);
}

// ---------------------------------------------------------------------------------------------
// State diffing for rejections

type Snapshot = Map<string, string>;
const snapshot = (r: BlockRunner): Snapshot => new Map([...r.entries()].map(([k, v]) => [k, hex(v)]));
const TIMER_NS = new Set<number>([ContractNs.timerBucket, ContractNs.timerCursor]);

/** Keys that changed between `before` and now, but for the timer cursor a block end always walks. */
function changedKeys(r: BlockRunner, before: Snapshot): string[] {
  const after = snapshot(r);
  return [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k) && !TIMER_NS.has(parseInt(k.slice(0, 2), 16)));
}

/** A non-contract tx refused with `code`: it is left out of the block and no state changes at all. */
function refused(r: BlockRunner, tx: Uint8Array, code: string): void {
  const before = snapshot(r);
  const out = r.block([tx]).results[0]!;
  assert.ok(out instanceof DipnetError, `expected ${code}, but the tx was included`);
  assert.equal(out.code, code, out.message);
  assert.deepEqual(changedKeys(r, before), [], 'a refused tx changes nothing');
}

/**
 * A contract tx included and failed with `code`: it pays its fee (the signer's balance − fee,
 * nonce + 1, the validators' credits, its receipt) and changes nothing else — no token balance,
 * no product, no order.
 */
function failsCharged(r: BlockRunner, key: KeyPair, tx: Uint8Array, code: string): void {
  const before = snapshot(r);
  const out = r.block([tx]).results[0]!;
  if (out instanceof DipnetError) assert.fail(`expected inclusion with ${code}, but the tx was refused: ${out.message}`);
  assert.equal(out.failure?.code, code, out.failure?.message ?? 'the tx succeeded');
  assert.equal(out.fee, requiredFee(DEVNET_PARAMS, tx.length) + BigInt(out.gasUsed) * DEVNET_PARAMS.gasPrice);
  const validators = new Set(r.genesis.validators.map((v) => hex(StateKeyAccount(addressOf(v.publicKey)))));
  const signer = hex(StateKeyAccount(addr(key)));
  const receipt = hex(ContractKey.txReceipt(txHash(tx)));
  let gain = 0n;
  for (const k of changedKeys(r, before)) {
    if (k === receipt) { assert.equal(decodeTxReceipt(r.get(fromHex(k))!).code, code); continue; }
    if (k === signer) {
      const a = decodeAccount(fromHex(snapshot(r).get(k)!)), b = decodeAccount(fromHex(before.get(k)!));
      assert.equal(a.balance, b.balance - out.fee, 'the signer pays exactly the fee');
      assert.equal(a.nonce, b.nonce + 1n);
      continue;
    }
    if (validators.has(k)) {
      gain += decodeAccount(r.get(fromHex(k))!).balance - decodeAccount(fromHex(before.get(k)!)).balance;
      continue;
    }
    assert.fail(`state key ${k.slice(0, 24)}… changed (namespace 0x${k.slice(0, 2)})`);
  }
  assert.equal(gain, out.fee, "the validators' credits are exactly the fee");
}
const StateKeyAccount = (a: Uint8Array) => new Uint8Array([StateNs.account, ...a]);

// ---------------------------------------------------------------------------------------------

test('token life: issue, transfer, mint; balances provable at their keys, zero balances deleted, fees in DPN', () => {
  const maker = devKey('tokens/maker'), holder = devKey('tokens/holder'), other = devKey('tokens/other');
  const { runner, c } = world([maker, holder, other]);

  const dpnBefore = c.balance(maker) + runner.feesPaid(addr(maker));
  const nonce = runner.account(addr(maker)).nonce;
  const mkr = issued(c, maker, issue('MKR', 1_000_000n * MKR));
  assert.deepEqual(mkr, tokenId(addr(maker), nonce), 'the id comes from the issuer and the nonce');
  const rec = tokenOf(runner, mkr);
  assert.deepEqual(rec, { issuer: addr(maker), symbol: 'MKR', name: 'MKR token', decimals: 2, supply: 1_000_000n * MKR, mintable: true, createdAt: runner.time });
  assert.deepEqual(runner.get(TokenKey.issuerSymbol(addr(maker), 'MKR')), mkr, 'the symbol names the token for its issuer');
  assert.equal(tokenBalance(runner, mkr, maker), 1_000_000n * MKR, 'the whole supply goes to the issuer');
  assert.equal(c.balance(maker) + runner.feesPaid(addr(maker)), dpnBefore, 'issuing costs only the DPN fee');
  assert.ok(runner.feesPaid(addr(maker)) > 0n);

  step(c, [c.tx(maker, { type: 'tokenTransfer', token: mkr, to: addr(holder), amount: 250n * MKR }, TX_FEE)]);
  assert.equal(tokenBalance(runner, mkr, maker), 999_750n * MKR);
  assert.equal(tokenBalance(runner, mkr, holder), 250n * MKR);
  assert.equal(c.balance(holder), dpn(10_000), "receiving a token leaves the holder's DPN alone");

  // Spending a whole balance deletes its key.
  step(c, [c.tx(holder, { type: 'tokenTransfer', token: mkr, to: addr(other), amount: 250n * MKR }, TX_FEE)]);
  assert.equal(runner.get(TokenKey.balance(mkr, addr(holder))), undefined);
  assert.equal(tokenBalance(runner, mkr, other), 250n * MKR);

  step(c, [c.tx(maker, { type: 'tokenMint', token: mkr, to: addr(holder), amount: 5n * MKR }, TX_FEE)]);
  assert.equal(tokenOf(runner, mkr).supply, 1_000_005n * MKR);
  assert.equal(tokenBalance(runner, mkr, holder), 5n * MKR);

  // Symbols are unique per issuer only; a fixed-supply token to the maximum is fine.
  const other1 = issued(c, other, issue('MKR', MAX_TOKEN_SUPPLY, false, 0));
  assert.notDeepEqual(other1, mkr);
  assert.equal(tokenBalance(runner, other1, other), MAX_TOKEN_SUPPLY);
  conserved(runner);
});

test('an order paid and settled in the maker\'s token: every party to the unit, both currencies conserved', () => {
  const maker = devKey('tokens/jacket-maker'), viewer = devKey('tokens/jacket-viewer');
  const { runner, c } = world([maker, viewer]);
  const mkr = issued(c, maker, issue('JKT', 100_000n * MKR));
  step(c, [c.tx(maker, { type: 'tokenTransfer', token: mkr, to: addr(viewer), amount: 500n * MKR }, TX_FEE)]);

  // The whole graph is the maker's own: a token graph never mixes currencies.
  const liningP = product(c, maker, 'bill-of-materials', 'Lining', 20n * MKR, DIRECT, mkr);
  const b1P = product(c, maker, 'bill-of-materials', 'Buttons A', 5n * MKR, DIRECT, mkr);
  const b2P = product(c, maker, 'bill-of-materials', 'Buttons B', 4n * MKR, DIRECT, mkr);
  const buttons = product(c, maker, 'supply', 'Buttons (supply)', 6n * MKR, { suppliers: [b1P, b2P].map(hex), rule: 'cheapest' }, mkr);
  const ship = product(c, maker, 'logistics', 'Courier', 8n * MKR, { deliveryWindowMs: 600_000 }, mkr);
  const inspect = product(c, maker, 'inspection', 'Quality check', 3n * MKR, { checklist: '11'.repeat(32) }, mkr);
  const jacket = product(c, maker, 'bill-of-materials', 'Jacket', 120n * MKR, {
    ...DIRECT, parts: [buttons, liningP].map(hex), inspection: [hex(inspect)], logistics: [hex(ship)],
  }, mkr);
  assert.deepEqual(c.productRecord(jacket).currency, mkr);

  const dpnOf = (k: KeyPair) => c.balance(k) + runner.feesPaid(addr(k));
  const before = { makerDpn: dpnOf(maker), viewerDpn: dpnOf(viewer), designer: c.balance(c.designer), makerTok: tokenBalance(runner, mkr, maker), viewerTok: tokenBalance(runner, mkr, viewer) };

  // maxTotal bounds the token amount: exactly the price is enough; the DPN designer fee is on top.
  const { id: order, tx } = c.orderTx(viewer, jacket, 120n * MKR);
  step(c, [tx]);
  const root = c.order(order);
  assert.deepEqual(root.currency, mkr);
  assert.equal(root.price, 120n * MKR);
  assert.equal(root.designerFee, DPN);
  assert.equal(tokenBalance(runner, mkr, viewer), before.viewerTok - 120n * MKR);
  assert.equal(dpnOf(viewer), before.viewerDpn - DPN, 'the viewer pays the designer fee in DPN');
  // Sub-orders are funded in the token; their DPN designer fees come from the maker (their buyer).
  const supply = c.child(order, 'part', 0), liningO = c.child(order, 'part', 1), shipO = c.child(order, 'ship'), inspectO = c.child(order, 'inspect');
  const buttonsO = c.child(supply, 'supplier');
  assert.deepEqual(c.order(buttonsO).product, b2P, 'the cheaper supplier, compared in token units');
  for (const id of [supply, liningO, shipO, inspectO, buttonsO]) assert.deepEqual(c.order(id).currency, mkr);
  assert.equal(root.escrowIn - root.escrowOut, (120n - 6n - 20n - 8n - 3n) * MKR, 'the root keeps what its parts did not take');
  const subFees = DPN / 2n + DPN + DPN / 5n + DPN / 5n + DPN; // supply, lining, courier, inspection, buttons B
  assert.equal(dpnOf(maker), before.makerDpn - subFees);

  step(c, [c.fireTx(maker, buttonsO, 'finish'), c.fireTx(maker, liningO, 'finish')]);
  assert.equal(c.order(order).state, 'producing');
  step(c, [c.fireTx(maker, order, 'finish')]);
  step(c, [c.fireTx(maker, inspectO, 'pass'), c.fireTx(maker, shipO, 'pickup')]);
  step(c, [c.fireTx(maker, shipO, 'deliver')]);
  for (const id of [order, supply, liningO, buttonsO, shipO, inspectO]) {
    const o = c.order(id);
    assert.equal(o.status, 'settled', o.tag);
    assert.equal(o.escrowIn, o.escrowOut, `${o.tag || 'root'} is empty`);
  }

  // Settled: the viewer paid 120 JKT + 1 DPN; every token unit is back with the maker; the
  // designer got every fee in DPN: the root's from the viewer, the rest from the maker.
  assert.equal(tokenBalance(runner, mkr, viewer), before.viewerTok - 120n * MKR);
  assert.equal(tokenBalance(runner, mkr, maker), before.makerTok + 120n * MKR);
  assert.equal(dpnOf(viewer), before.viewerDpn - DPN);
  assert.equal(dpnOf(maker), before.makerDpn - subFees);
  assert.equal(c.balance(c.designer) - before.designer, DPN + subFees);
  assert.equal(tokenOf(runner, mkr).supply, 100_000n * MKR);
});

test('a cancelled token order: tokens and deposit back in the token, DPN designer fees back to whoever paid them', () => {
  const maker = devKey('tokens/refund-maker'), viewer = devKey('tokens/refund-viewer');
  const { runner, c } = world([maker, viewer]);
  const mkr = issued(c, maker, issue('RFD', 10_000n * MKR));
  step(c, [c.tx(maker, { type: 'tokenTransfer', token: mkr, to: addr(viewer), amount: 300n * MKR }, TX_FEE)]);
  const part = product(c, maker, 'bill-of-materials', 'Part', 30n * MKR, DIRECT, mkr);
  const guarantee = product(c, maker, 'guarantee', 'Guarantee', 2n * MKR, { deposit: (50n * MKR).toString() }, mkr);
  const desk = product(c, maker, 'bill-of-materials', 'Desk', 100n * MKR, { ...DIRECT, parts: [hex(part)], guarantee: [hex(guarantee)] }, mkr);

  const tok = (k: KeyPair) => tokenBalance(runner, mkr, k);
  const dpnOf = (k: KeyPair) => c.balance(k) + runner.feesPaid(addr(k));
  const before = { makerDpn: dpnOf(maker), viewerDpn: dpnOf(viewer), designer: c.balance(c.designer), makerTok: tok(maker), viewerTok: tok(viewer) };

  const { id: order, tx } = c.orderTx(viewer, desk, 150n * MKR, 1);
  step(c, [tx]);
  const g = c.child(order, 'guarantee');
  // The guarantor's deposit moves the token out of the signer's balance into the escrow.
  step(c, [c.fireTx(maker, g, 'post')]);
  assert.equal(tok(maker), before.makerTok - 50n * MKR);
  assert.equal(c.order(g).escrowIn - c.order(g).escrowOut, 2n * MKR + 50n * MKR);
  assert.equal(dpnOf(maker), before.makerDpn - DPN - DPN / 10n, 'the maker paid the part and guarantee designer fees in DPN');

  step(c, [c.fireTx(viewer, order, 'cancel')]);
  for (const id of [order, c.child(order, 'part'), g]) {
    const o = c.order(id);
    assert.equal(o.status, 'refunded', o.tag);
    assert.equal(o.escrowIn, o.escrowOut);
  }
  assert.equal(tok(viewer), before.viewerTok, 'the viewer has every token unit back');
  assert.equal(tok(maker), before.makerTok, "the guarantor's deposit returned on a cancel");
  assert.equal(dpnOf(viewer), before.viewerDpn, "the viewer's DPN designer fee is back");
  assert.equal(dpnOf(maker), before.makerDpn, "the maker's DPN designer fees are back");
  assert.equal(c.balance(c.designer), before.designer, 'no designer is paid for a refunded order');
});

test('bad token and currency input: a specific code each, and nothing changes', () => {
  const maker = devKey('tokens/bad-maker'), rival = devKey('tokens/bad-rival'), viewer = devKey('tokens/bad-viewer');
  const { runner, c } = world([maker, rival, viewer]);
  const mkr = issued(c, maker, issue('BAD', 1_000n * MKR));
  const fixed = issued(c, maker, issue('FIX', 10n, false));
  const rivalTok = issued(c, rival, issue('RIV', 1_000n));
  step(c, [c.tx(maker, { type: 'tokenTransfer', token: mkr, to: addr(viewer), amount: 10n * MKR }, TX_FEE)]);
  const tokenP = product(c, maker, 'bill-of-materials', 'Token lamp', 50n * MKR, DIRECT, mkr);
  const dpnP = c.product(maker, 'bill-of-materials', { name: 'DPN lamp', price: 5n * DPN, params: DIRECT });
  const t = (k: KeyPair, b: TxBody) => runner.tx(k, b, TX_FEE);

  // Token txs are refused outright: left out of the block, no fee, no nonce.
  refused(runner, t(viewer, { type: 'tokenMint', token: mkr, to: addr(viewer), amount: 1n }), ErrorCode.TOKEN_MINT_UNAUTHORIZED);
  refused(runner, t(maker, { type: 'tokenMint', token: fixed, to: addr(maker), amount: 1n }), ErrorCode.TOKEN_MINT_UNAUTHORIZED);
  refused(runner, t(maker, { type: 'tokenMint', token: mkr, to: addr(maker), amount: MAX_TOKEN_SUPPLY }), ErrorCode.TOKEN_SUPPLY_OVERFLOW);
  refused(runner, t(viewer, { type: 'tokenTransfer', token: mkr, to: addr(rival), amount: 10n * MKR + 1n }), ErrorCode.TOKEN_INSUFFICIENT_FUNDS);
  refused(runner, t(viewer, { type: 'tokenTransfer', token: new Uint8Array(32).fill(7), to: addr(rival), amount: 1n }), ErrorCode.TOKEN_UNKNOWN);
  refused(runner, t(maker, { type: 'tokenMint', token: new Uint8Array(32).fill(7), to: addr(maker), amount: 1n }), ErrorCode.TOKEN_UNKNOWN);
  refused(runner, t(viewer, { type: 'tokenTransfer', token: mkr, to: productAddress(tokenP), amount: 1n }), ErrorCode.TX_INVALID);
  refused(runner, t(maker, { type: 'tokenMint', token: mkr, to: productAddress(tokenP), amount: 1n }), ErrorCode.TX_INVALID);
  refused(runner, t(viewer, { type: 'tokenTransfer', token: mkr, to: addr(viewer), amount: 1n }), ErrorCode.TX_INVALID);
  refused(runner, t(viewer, { type: 'tokenTransfer', token: mkr, to: addr(rival), amount: 0n }), ErrorCode.TX_INVALID);
  refused(runner, t(maker, issue('BAD', 5n)), ErrorCode.TOKEN_SYMBOL_TAKEN);
  assert.equal(tokenBalance(runner, mkr, viewer), 10n * MKR);
  conserved(runner);

  // Contract txs are included and fail: they pay their fee and change nothing else.
  failsCharged(runner, maker, productTx(c, maker, 'bill-of-materials', 'Ghost', 1n, DIRECT, new Uint8Array(32).fill(9)).tx, ErrorCode.TOKEN_UNKNOWN);
  failsCharged(runner, maker, productTx(c, maker, 'bill-of-materials', 'Borrowed', 1n, DIRECT, rivalTok).tx, ErrorCode.CURRENCY_MISMATCH);
  failsCharged(runner, viewer, c.orderTx(viewer, tokenP, 50n * MKR).tx, ErrorCode.TOKEN_INSUFFICIENT_FUNDS);
  failsCharged(runner, viewer, c.orderTx(viewer, tokenP, 50n * MKR - 1n).tx, ErrorCode.ORDER_UNDERPAID);
  // A graph never mixes currencies: a DPN product with a token part, a token product with a DPN part.
  const mixedDpn = c.product(maker, 'bill-of-materials', { name: 'Mixed (DPN)', price: 20n * DPN, params: { ...DIRECT, parts: [hex(tokenP)] } });
  const mixedTok = product(c, maker, 'bill-of-materials', 'Mixed (token)', 1n * MKR, { ...DIRECT, parts: [hex(dpnP)] }, mkr);
  failsCharged(runner, viewer, c.orderTx(viewer, mixedDpn, 30n * DPN).tx, ErrorCode.CURRENCY_MISMATCH);
  failsCharged(runner, viewer, c.orderTx(viewer, mixedTok, 1n * MKR).tx, ErrorCode.CURRENCY_MISMATCH);
  assert.equal(tokenBalance(runner, mkr, viewer), 10n * MKR);
  assert.ok(equalBytes(c.productRecord(dpnP).currency, new Uint8Array(32)), 'a product without a currency is priced in DPN');
  conserved(runner);
});

// Guards the test itself: a refusal diff must notice a changed key.
test('the refusal diff notices a change', () => {
  const maker = devKey('tokens/diff-maker');
  const { runner, c } = world([maker]);
  const before = snapshot(runner);
  issued(c, maker, issue('DIF', 1n));
  assert.ok(changedKeys(runner, before).some((k) => parseInt(k.slice(0, 2), 16) === TokenNs.balance));
});
