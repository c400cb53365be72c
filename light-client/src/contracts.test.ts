/**
 * Production contracts through the light client, against real in-process validators and their
 * relays. The chain is seeded with real txs (templates submitted by a designer and approved by two
 * committee members, a lining, a courier and a jacket product); then a viewer's light client reads
 * them proven, orders the jacket with off-chain shipping details, the lining's producer finishes
 * through a second light client while the viewer watches the order graph, underpaying surfaces the
 * chain's ORDER_UNDERPAID, and a relay that alters a price or an order state is caught.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  addressOf, formatAddress, headerHash, toHex, fromHex, utf8, templateId, parseTemplate, encodeProductParams, paramsFromJson, productId,
  rootOrderId, encodeSignedTx, signTx, decodeSignedTx, txHash, ContractKey, decodeProductRecord, encodeProductRecord, decodeOrderRecord,
  encodeOrderRecord, decodeTxReceipt, StateKey, decodeAccount, LightErrorCode, ErrorCode,
  type KeyPair, type TxBody, dpn,
} from '@dipnet/protocol';
import { shippingCommitment, checkShippingCommitment, type ContractTxStage, type VerifiedOrderTree } from './index.ts';
import { proxy as comlinkProxy } from './worker.ts';
import { startNet, startProxy } from './testing/devnet.ts';
import { devKey, devCommitteeKey } from '@dipnet/bootstrap-node';
import { waitFor } from '@dipnet/bootstrap-node/testing';
import { testClients } from './testing/clients.ts';
import { chainCode, lightCode } from './testing/errors.ts';

const CHAIN = 'dipnet-lc-contracts';
const net = await startNet({ chainId: CHAIN, validators: 3, relays: 2 });
const n0 = net.nodes[0]!;
const lcs = testClients(net);
after(async () => {
  await lcs.close();
  await net.stop();
});
const { open } = lcs;
const addr = (k: KeyPair) => addressOf(k.publicKey);
const state = (key: Uint8Array) => n0.chain.store.getValue(key);
const balance = (k: KeyPair) => decodeAccount(state(StateKey.account(addr(k)))!).balance;
const nonceOf = (k: KeyPair) => decodeAccount(state(StateKey.account(addr(k)))!).nonce;
const nodeOrder = (id: string | Uint8Array) => decodeOrderRecord(state(ContractKey.order(typeof id === 'string' ? fromHex(id) : id))!);

// ------------------------------------------------------------------ seeding, with real txs

const commitAll = (txs: [KeyPair, TxBody][]) => net.commitAll(txs);

const load = (name: string) => {
  const code = new Uint8Array(readFileSync(new URL(import.meta.resolve(`@dipnet/protocol/templates/${name}.json`))));
  return { code, id: templateId(code), template: parseTemplate(code) };
};
const bom = load('bill-of-materials');
const logistics = load('logistics');
const sale = devKey('sale');
const k = (n: string) => devKey(`lc-contracts/${n}`);
const designer = k('designer'), liningMaker = k('lining'), maker = k('maker'), carrier = k('carrier'), viewer = k('viewer');
const committee = [0, 1].map(devCommitteeKey);

await commitAll([
  [sale, { type: 'transfer', to: addr(designer), amount: dpn(300), memo: '' }],
  ...[...committee, liningMaker, maker, carrier].map((x): [KeyPair, TxBody] => [sale, { type: 'transfer', to: addr(x), amount: dpn(10), memo: '' }]),
  [sale, { type: 'transfer', to: addr(viewer), amount: dpn(1000), memo: '' }],
]);
await commitAll([
  [designer, { type: 'submitTemplate', code: bom.code, designerFee: dpn(1) }],
  [designer, { type: 'submitTemplate', code: logistics.code, designerFee: dpn(1) / 5n }],
]);
await commitAll(committee.flatMap((m) => [bom, logistics].map((t): [KeyPair, TxBody] => [m, { type: 'reviewTemplate', template: t.id, approve: true }])));

const productTx = (t: typeof bom, name: string, price: bigint, params: Record<string, unknown>): TxBody => ({
  type: 'createProduct', template: t.id, name, metadataUri: `https://example.test/${name}`, metadataHash: utf8(name.padEnd(32, '.')).slice(0, 32),
  price, leadTimeMs: 600_000n, params: encodeProductParams(t.template, paramsFromJson(t.template, params)),
});
const direct = { parts: [], guarantee: [], inspection: [], logistics: [], graceMs: 600_000, confirmWindowMs: 600_000 };
const liningP = productId(addr(liningMaker), net.nonce(liningMaker));
const shipP = productId(addr(carrier), net.nonce(carrier));
await commitAll([
  [liningMaker, productTx(bom, 'Lining', dpn(20), direct)],
  [carrier, productTx(logistics, 'Courier', dpn(8), { deliveryWindowMs: 600_000 })],
]);
const jacketP = productId(addr(maker), net.nonce(maker));
const jacketParams = { ...direct, parts: [toHex(liningP)], logistics: [toHex(shipP)] };
await commitAll([[maker, productTx(bom, 'Jacket', dpn(120), jacketParams)]]);
const JACKET = toHex(jacketP);

const viewerLc = await open({ relays: net.relayUrls, follow: true });
await viewerLc.importWallet(viewer.secretKey);
let orderId = '';

// ------------------------------------------------------------------ reads

test('templates and products read back from proven state, at a verified height', async () => {
  const lc = viewerLc;
  const t = await lc.getTemplate(bom.id);
  assert.equal(t.name, 'bill-of-materials');
  assert.equal(t.status, 'approved');
  assert.equal(t.designer, formatAddress(addr(designer)));
  assert.equal(t.designerFee, dpn(1));
  assert.deepEqual(t.record.approvals.map(toHex).sort(), committee.map((m) => toHex(addr(m))).sort());
  assert.deepEqual(t.template, bom.template);

  const p = await lc.getProduct(JACKET);
  const onNode = decodeProductRecord(state(ContractKey.product(jacketP))!);
  assert.equal(p.id, JACKET);
  assert.equal(p.name, onNode.name);
  assert.equal(p.producer, formatAddress(onNode.producer));
  assert.equal(p.price, onNode.price);
  assert.equal(p.price, dpn(120));
  assert.equal(p.priceDpn, '120');
  assert.equal(p.leadTimeMs, onNode.leadTimeMs);
  assert.equal(p.metadataUri, onNode.metadataUri);
  assert.equal(p.metadataHash, toHex(onNode.metadataHash));
  assert.equal(p.createdAt, onNode.createdAt);
  assert.deepEqual(p.template, { id: toHex(bom.id), name: 'bill-of-materials', status: 'approved', designerFee: dpn(1) });
  assert.equal(p.open, true);
  assert.deepEqual(p.params, { ...jacketParams, graceMs: '600000', confirmWindowMs: '600000' });
  // Proven at a verified header: the one the node has at that height.
  assert.ok(p.height > 0n && p.height <= lc.head().height);
  assert.equal(p.headerHash, toHex(headerHash(n0.getHeader(p.height)!)));

  const courier = await lc.getProduct(shipP);
  assert.deepEqual([courier.name, courier.template.name, courier.params], ['Courier', 'logistics', { deliveryWindowMs: '600000' }]);
});

test('unknown ids are typed errors proven at a height; malformed ids are refused before any request', async () => {
  const nobody = 'ab'.repeat(32);
  await assert.rejects(viewerLc.getProduct(nobody), (e: unknown) => {
    chainCode(ErrorCode.PRODUCT_UNKNOWN)(e);
    assert.equal((e as { details: { id: string } }).details.id, nobody);
    return true;
  });
  await assert.rejects(viewerLc.getOrder(nobody), chainCode(ErrorCode.ORDER_UNKNOWN));
  await assert.rejects(viewerLc.getOrderTree(nobody), chainCode(ErrorCode.ORDER_UNKNOWN));
  await assert.rejects(viewerLc.getTemplate(nobody), chainCode(ErrorCode.TEMPLATE_UNKNOWN));
  assert.equal(await viewerLc.getReceipt(nobody), null);
  await assert.rejects(viewerLc.getProduct('not-hex'), lightCode(LightErrorCode.LC_INVALID_ARGUMENT));
  await assert.rejects(viewerLc.placeOrder({ product: nobody, shipping: 'x', quantity: 0 }), lightCode(LightErrorCode.LC_INVALID_ARGUMENT));
  // Ordering an unknown product: the chain's verdict, and the relay stays trusted.
  await assert.rejects(viewerLc.placeOrder({ product: nobody, maxTotal: dpn(1), shipping: 'x' }), (e: unknown) => {
    lightCode(LightErrorCode.LC_TX_REJECTED)(e);
    assert.equal((e as { details: { remoteCode: string } }).details.remoteCode, ErrorCode.PRODUCT_UNKNOWN);
    return true;
  });
  assert.deepEqual(viewerLc.sources().map((s) => s.health), ['ok', 'ok']);
});

// ------------------------------------------------------------------ ordering and milestones

const shipping = { name: 'Ada Lovelace', street: '12 Analytical Way', city: 'London', postcode: 'N1 9GU' };

test('placeOrder puts only a salted shipping commitment on chain and escrows price + designer fee', async () => {
  const before = balance(viewer);
  const nonce = nonceOf(viewer);
  const stages: ContractTxStage[] = [];
  const r = await viewerLc.placeOrder({ product: JACKET, shipping }, (s) => stages.push(s));
  orderId = r.orderId;
  assert.deepEqual(stages.map((s) => s.stage).filter((s) => s !== 'hint'), ['signed', 'submitted', 'finalised']);
  assert.equal(r.orderId, toHex(rootOrderId(addr(viewer), nonce)));
  assert.equal(r.nonce, nonce);

  // The commitment binds the details and the salt, whatever the key order; nothing else is on chain.
  assert.match(r.salt, /^[0-9a-f]{64}$/);
  assert.equal(r.commitment, toHex(shippingCommitment(shipping, fromHex(r.salt))));
  const reordered = { postcode: shipping.postcode, city: shipping.city, street: shipping.street, name: shipping.name };
  assert.equal(checkShippingCommitment(reordered, r.salt, r.commitment), true);
  assert.equal(checkShippingCommitment({ ...shipping, street: '13 Analytical Way' }, r.salt, r.commitment), false);
  assert.equal(checkShippingCommitment(shipping, 'cd'.repeat(32), r.commitment), false);
  const rec = nodeOrder(r.orderId);
  assert.equal(toHex(rec.shipping), r.commitment);
  const block = n0.getBlock(r.includedAt)!;
  const raw = block.txs.find((t) => toHex(txHash(t)) === r.txHash)!;
  assert.ok(raw, 'the tx is in the block its receipt names');
  const body = decodeSignedTx(raw).tx.body;
  assert.equal(body.type, 'placeOrder');
  assert.equal(body.type === 'placeOrder' && toHex(body.shipping), r.commitment);
  // maxTotal defaulted to the proven price + designer fee.
  assert.equal(body.type === 'placeOrder' && body.maxTotal, dpn(121));
  for (const v of Object.values(shipping)) assert.equal(Buffer.from(raw).includes(Buffer.from(v)), false, `"${v}" must not be on chain`);

  // Fees: sized from proven params with a gas allowance; the chain charged base + gas used.
  assert.equal(r.receipt.code, '');
  assert.ok(r.gasUsed > 0n);
  assert.ok(r.feePaid < r.fee, `unused gas refunded: paid ${r.feePaid} of ${r.fee}`);
  assert.equal(r.feePaid, decodeTxReceipt(state(ContractKey.txReceipt(fromHex(r.txHash)))!).fee);
  assert.equal(balance(viewer), before - dpn(121) - r.feePaid);

  assert.deepEqual([r.order.state, r.order.status, r.order.quantity, r.order.price, r.order.designerFee], ['sourcing', 'active', 1, dpn(120), dpn(1)]);
  assert.equal(r.order.shipping, r.commitment);
  assert.equal(r.order.consumer, formatAddress(addr(viewer)));
  assert.equal(r.order.escrow, rec.escrowIn - rec.escrowOut);
  assert.equal(r.order.escrow, dpn(121) - dpn(21) - (dpn(8) + dpn(1) / 5n), 'the lining and the courier were ordered out of the escrow');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the order graph is proven at one height; a producer finishes through its own light client and the watcher sees it', async () => {
  assert.ok(orderId, 'needs the order of the previous test');
  const tree = await viewerLc.getOrderTree(orderId);
  assert.equal(tree.root, orderId);
  assert.equal(tree.truncated, false);
  assert.deepEqual(tree.orders.map((o) => [o.tag, o.state]), [['', 'sourcing'], ['part', 'producing'], ['ship', 'booked']]);
  assert.ok(tree.orders.every((o) => o.height === tree.height && o.headerHash === tree.headerHash));
  for (const o of tree.orders) {
    const rec = nodeOrder(o.id);
    assert.deepEqual([o.state, o.status, o.escrowIn, o.escrowOut, o.children], [rec.state, rec.status, rec.escrowIn, rec.escrowOut, rec.children.map(toHex)]);
  }
  const [root, lining, ship] = tree.orders;
  assert.deepEqual(root!.children, [lining!.id, ship!.id]);
  assert.deepEqual([lining!.parent, lining!.root, lining!.depth, lining!.product], [orderId, orderId, 1, toHex(liningP)]);
  assert.deepEqual([lining!.escrow, ship!.escrow], [dpn(21), dpn(8) + dpn(1) / 5n]);
  assert.ok(root!.history.some((h) => h.event === 'ordered'));

  const seen: VerifiedOrderTree[] = [];
  const errors: unknown[] = [];
  const off = viewerLc.watchOrder(orderId, (t) => seen.push(t), (e) => errors.push(e));
  await waitFor(() => seen.length === 1, { timeoutMs: 10_000, what: 'the first tree' });
  // No new heads, no reads: the watcher does not poll.
  const proofs = viewerLc.stats().proofsVerified;
  await sleep(1500);
  assert.equal(viewerLc.stats().proofsVerified, proofs, 'no reads without a new head');

  const producerLc = await open({ relays: [net.relayUrls[1]!], follow: true });
  await producerLc.importWallet(liningMaker.secretKey);
  const stages: string[] = [];
  const f = await producerLc.fireTransition({ order: lining!.id, transition: 'finish' }, (s) => stages.push(s.stage));
  assert.equal(stages.at(-1), 'finalised');
  assert.equal(f.receipt.code, '');
  assert.equal(f.order.state, 'ready');
  assert.equal(nodeOrder(lining!.id).state, 'ready');
  await waitFor(() => seen.some((t) => t.orders[0]!.state === 'producing' && t.orders[1]!.state === 'ready'), { timeoutMs: 15_000, what: 'the watcher to see the lining ready and the jacket in production' });
  assert.deepEqual(errors, []);
  assert.equal(new Set(seen.map((t) => JSON.stringify(t.orders.map((o) => [o.state, o.escrow.toString()])))).size, seen.length, 'a tree is reported only when it changed');

  // Unsubscribed: the maker's finish is not reported.
  off();
  const count = seen.length;
  await producerLc.importWallet(maker.secretKey);
  const g = await producerLc.fireTransition({ order: orderId, transition: 'finish' });
  assert.equal(g.order.state, 'ready');
  await waitFor(() => viewerLc.head().height >= g.includedAt, { timeoutMs: 10_000, what: 'the viewer to verify the block' });
  await sleep(300);
  assert.equal(seen.length, count);

  // The wrong party: the chain refuses it with its own code (and the relay stays trusted).
  // It arrives as the relay's word (still checked on chain: a relay may lie about a refusal).
  await assert.rejects(producerLc.fireTransition({ order: lining!.id, transition: 'finish' }), (e: unknown) => {
    lightCode(LightErrorCode.LC_TX_PENDING)(e);
    assert.ok([ErrorCode.ORDER_WRONG_PARTY, ErrorCode.ORDER_BAD_STATE].includes((e as { details: { remoteCode: never } }).details.remoteCode));
    return true;
  });
  assert.deepEqual(producerLc.sources().map((s) => s.health), ['ok']);
});

test("underpaying is the chain's ORDER_UNDERPAID: refused by the mempool, or included, charged and failed", async (t) => {
  // Refused by the mempool: the relay's word (LC_TX_PENDING, still checked); included and failed: a proven receipt (LC_TX_REJECTED).
  const underpaid = (included: boolean) => (e: unknown) => {
    lightCode(included ? LightErrorCode.LC_TX_REJECTED : LightErrorCode.LC_TX_PENDING)(e);
    const d = (e as { details: { remoteCode: string; included?: boolean } }).details;
    assert.equal(d.remoteCode, ErrorCode.ORDER_UNDERPAID, (e as Error).message);
    assert.equal(d.included ?? false, included);
    return true;
  };
  // Alone in the mempool, the tx is simulated and refused outright: no fee, no nonce spent.
  const before = { balance: balance(viewer), nonce: nonceOf(viewer) };
  await assert.rejects(viewerLc.placeOrder({ product: JACKET, maxTotal: dpn(120), shipping }), underpaid(false));
  assert.deepEqual({ balance: balance(viewer), nonce: nonceOf(viewer) }, before);
  assert.deepEqual(viewerLc.sources().map((s) => s.health), ['ok', 'ok'], 'a refusal is not an outage');

  // Queued behind the wallet's own pending tx, the mempool can only precheck it: it is included,
  // fails on chain and pays its fee. (If the first tx commits before it arrives, it is refused.)
  const tip = encodeSignedTx(signTx({ chainId: CHAIN, signer: viewer.publicKey, nonce: before.nonce, fee: dpn(1) / 100n, body: { type: 'transfer', to: addr(maker), amount: dpn(1), memo: 'tip' } }, viewer.secretKey));
  let failure: { included: boolean; fee?: bigint; height?: bigint } | null = null;
  // The tip enters node 0's mempool (synchronously) just before the client submits to it.
  const tipFirst = (s: ContractTxStage) => void (s.stage === 'signed' && n0.submitTx(tip));
  await assert.rejects(viewerLc.placeOrder({ product: JACKET, maxTotal: dpn(120), shipping, nonce: before.nonce + 1n }, tipFirst), (e: unknown) => {
    failure = { included: false, ...(e as { details: { included?: boolean; fee?: bigint; height?: bigint } }).details };
    return underpaid(failure.included)(e);
  });
  const f = failure! as { included: boolean; fee?: bigint; height?: bigint };
  const tipFee = decodeSignedTx(tip).tx.fee;
  await waitFor(() => n0.txStatus(txHash(tip)).status === 'committed', { timeoutMs: 10_000, what: 'the tip' });
  t.diagnostic(`queued underpaid order: ${f.included ? 'included and failed' : 'refused by the mempool'}`);
  if (f.included) {
    assert.ok(typeof f.fee === 'bigint' && f.fee > 0n);
    assert.equal(nonceOf(viewer), before.nonce + 2n);
    // Paid the tip, the tip's fee and the failed order's fee; nothing escrowed, no order.
    assert.ok(balance(viewer) <= before.balance - dpn(1) - f.fee && balance(viewer) >= before.balance - dpn(1) - tipFee - f.fee);
    assert.equal(state(ContractKey.order(rootOrderId(addr(viewer), before.nonce + 1n))), undefined);
  } else {
    t.diagnostic('the tip committed first: the order was refused by the mempool');
    assert.equal(nonceOf(viewer), before.nonce + 1n);
  }
});

// ------------------------------------------------------------------ lying relays

test("a relay that alters a product's price or an order's state is caught; never the altered value", async () => {
  assert.ok(orderId);
  const liar = await startProxy(net.relayUrls[0]!);
  lcs.onClose(() => liar.close());
  const productKey = `/v1/state/${toHex(ContractKey.product(jacketP))}`;
  const orderKey = `/v1/state/${toHex(ContractKey.order(fromHex(orderId)))}`;
  const cheaper = (p: string, b: any) => {
    if (!p.startsWith(productKey) || typeof b.value !== 'string') return b;
    const rec = decodeProductRecord(fromHex(b.value));
    return { ...b, value: toHex(encodeProductRecord({ ...rec, price: 1n })) };
  };
  const delivered = (p: string, b: any) => {
    if (!p.startsWith(orderKey) || typeof b.value !== 'string') return b;
    const rec = decodeOrderRecord(fromHex(b.value));
    return { ...b, value: toHex(encodeOrderRecord({ ...rec, state: 'delivered', escrowOut: rec.escrowIn })) };
  };

  // Alone: the read fails with a verification error and the relay is no longer trusted.
  const alone = await open({ relays: [liar.url] });
  liar.tamper = cheaper;
  await assert.rejects(alone.getProduct(JACKET), lightCode(LightErrorCode.LC_PROOF_INVALID));
  assert.deepEqual(alone.sources().map((s) => [s.health, s.lastError?.code]), [['faulty', LightErrorCode.LC_PROOF_INVALID]]);

  liar.tamper = null;
  const alone2 = await open({ relays: [liar.url] });
  liar.tamper = delivered;
  await assert.rejects(alone2.getOrder(orderId), lightCode(LightErrorCode.LC_PROOF_INVALID));
  await assert.rejects(alone2.getOrderTree(orderId), lightCode(LightErrorCode.LC_NO_SOURCES));

  // With an honest second source: the true values, and only the liar is dropped.
  liar.tamper = null;
  const both = await open({ relays: [liar.url, net.relayUrls[1]!] });
  liar.tamper = (p, b) => delivered(p, cheaper(p, b));
  const p = await both.getProduct(JACKET);
  assert.equal(p.price, dpn(120));
  const tree = await both.getOrderTree(orderId);
  assert.equal(tree.orders[0]!.state, nodeOrder(orderId).state);
  assert.notEqual(tree.orders[0]!.state, 'delivered');
  assert.deepEqual(both.sources().map((s) => s.health), ['faulty', 'ok']);
});

// ------------------------------------------------------------------ worker

test('contract reads cross the comlink worker boundary, errors keep their codes', async () => {
  assert.ok(orderId);
  const lc = await lcs.openWorker();
  const p = await lc.getProduct(jacketP);
  assert.deepEqual([p.name, p.price, p.open], ['Jacket', dpn(120), true]);
  const tree = await lc.getOrderTree(orderId);
  assert.deepEqual(tree.orders.map((o) => o.id), nodeOrder(orderId).children.map(toHex).reduce((a, c) => [...a, c], [orderId]));
  const seen: string[] = [];
  const off = await lc.watchOrder(orderId, comlinkProxy((t: VerifiedOrderTree) => void seen.push(t.orders[0]!.state)));
  await waitFor(() => seen.length > 0, { timeoutMs: 10_000, what: 'the watched tree from the worker' });
  assert.equal(seen[0], nodeOrder(orderId).state);
  await off();
  await assert.rejects(lc.getProduct('ab'.repeat(32)), chainCode(ErrorCode.PRODUCT_UNKNOWN));
  await assert.rejects(lc.getOrder('xyz'), lightCode(LightErrorCode.LC_INVALID_ARGUMENT));
});
