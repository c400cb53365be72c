/**
 * The contract routes against a real validator (LMDB store, consensus, contract index) seeded
 * with real txs: the base templates submitted and reviewed by the devnet committee, products,
 * an order whose tender sub-order is awarded by a timer (a sub-order no tx names), a contract tx
 * that is included and fails. Then the index survives a restart and is rebuilt from the stored
 * blocks when its directory is deleted.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  ContractKey, StateKey, addressOf, decodeAccount, decodeSmtProof, dpn, encodeArgs, encodeProductParams, encodeSignedTx, formatAddress, fromHex,
  paramsFromJson, productId, rootOrderId, signTx, stateKeyHash, templateId, toHex, verifySmtProof, equalBytes, decodeOrderRecord,
  type KeyPair, type TxBody,
} from '@dipnet/protocol';
import { DipnetNode } from '../node.ts';
import { MemoryHub } from '../testing/memory-network.ts';
import { devnetGenesis } from '../devnet/genesis.ts';
import { devCommitteeKey } from '../devnet/genesis.ts';
import { devKey, devValidatorKey } from '../devnet/dev-keys.ts';
import { FAST_TIMEOUTS, tempDir, waitFor } from '../testing/fixtures.ts';
import { loadBaseTemplates } from '../contracts/base-templates.ts';
import { INDEX_DIR } from '../contracts-index/contract-index.ts';
import { createRelay } from './relay.ts';

const CHAIN_ID = 'dipnet-contract-routes-test';
const genesis = devnetGenesis({ chainId: CHAIN_ID, validators: 1 });
const dir = await tempDir('dipnet-contract-routes-');
const start = (validator: boolean) => DipnetNode.start({
  dataDir: dir.path, genesis, ...(validator ? { validatorSecret: devValidatorKey(0).secretKey } : {}),
  // Empty blocks keep chain time moving so the tender's window timer fires without more txs.
  timeouts: { ...FAST_TIMEOUTS, emptyBlockIntervalMs: 300 },
  network: async (h) => new MemoryHub().join('node-0', h),
});
let node = await start(true);
let app: FastifyInstance = await createRelay(node, { rateLimit: { max: 10_000, timeWindowMs: 60_000 } });
after(async () => {
  await app.close();
  await node.stop();
  await dir.cleanup();
});

const FEE = dpn(1) / 100n;
const T = loadBaseTemplates();
const nonces = new Map<string, bigint>();
const addr = (k: KeyPair) => addressOf(k.publicKey);
function nextNonce(k: KeyPair): bigint {
  const id = toHex(k.publicKey);
  const raw = node.chain.store.getValue(StateKey.account(addr(k)));
  const n = nonces.get(id) ?? (raw ? decodeAccount(raw).nonce : 0n);
  nonces.set(id, n + 1n);
  return n;
}
function sign(k: KeyPair, body: TxBody, fee = FEE): { bytes: Uint8Array; nonce: bigint } {
  const nonce = nextNonce(k);
  return { bytes: encodeSignedTx(signTx({ chainId: CHAIN_ID, signer: k.publicKey, nonce, fee, body }, k.secretKey)), nonce };
}
const get = async (url: string) => app.inject(url);
async function submit(bytes: Uint8Array): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/txs', payload: { tx: toHex(bytes) } });
  assert.equal(res.statusCode, 202, res.body);
  return res.json().hash as string;
}
/** Submits the txs in order and waits until all are committed. */
async function run(...txs: Uint8Array[]): Promise<string[]> {
  const hashes: string[] = [];
  for (const t of txs) hashes.push(await submit(t));
  await waitFor(() => hashes.every((h) => node.txStatus(fromHex(h)).status === 'committed'), { timeoutMs: 15_000, what: `${hashes.length} txs committed` });
  return hashes;
}
/** Checks a single-object answer exactly as GET /v1/state/:key's: the proof verifies against the header at `height`. */
function assertProven(body: { height: string; key: string; value: string; proof: string; stateRoot: string }, key: Uint8Array): void {
  assert.equal(body.key, toHex(key));
  const header = node.getHeader(BigInt(body.height))!;
  assert.equal(body.stateRoot, toHex(header.stateRoot));
  assert.ok(verifySmtProof(header.stateRoot, stateKeyHash(key), fromHex(body.value), decodeSmtProof(fromHex(body.proof))), 'proof verifies');
}

const sale = devKey('sale');
const designer = devKey('routes/designer');
const [c0, c1] = [devCommitteeKey(0), devCommitteeKey(1)];
const maker = devKey('routes/maker'), f1 = devKey('routes/fabric-1'), viewer = devKey('routes/viewer'), viewer2 = devKey('routes/viewer-2');
const direct = { parts: [], guarantee: [], inspection: [], logistics: [], graceMs: 60_000, confirmWindowMs: 60_000 };

// Seeded below, read by the tests.
const ids = {} as {
  bom: Uint8Array; tender: Uint8Array; inspection: Uint8Array; fabric: Uint8Array; tenderP: Uint8Array; jacket: Uint8Array; order: Uint8Array;
  tenderOrder: Uint8Array; okTx: string; failedTx: string; transferTx: string;
};

test('seed: templates reviewed, products created, an order placed, a bid, a timer award, a failed tx', async () => {
  await waitFor(() => node.chain.head.height >= 1n, { timeoutMs: 10_000, what: 'block 1' });
  await run(...[designer, c0, c1, maker, f1, viewer, viewer2].map((k) => sign(sale, { type: 'transfer', to: addr(k), amount: dpn(10_000), memo: '' }, dpn(1)).bytes));
  ids.bom = T['bill-of-materials'].id;
  ids.tender = T.tender.id;
  ids.inspection = T.inspection.id;
  await run(...[T['bill-of-materials'], T.tender, T.inspection].map((t) => sign(designer, { type: 'submitTemplate', code: t.code, designerFee: 0n }, dpn(1) / 10n).bytes));
  await run(
    ...[c0, c1].flatMap((m) => [
      sign(m, { type: 'reviewTemplate', template: ids.bom, approve: true }).bytes,
      sign(m, { type: 'reviewTemplate', template: ids.tender, approve: true }).bytes,
      sign(m, { type: 'reviewTemplate', template: ids.inspection, approve: false }).bytes,
    ]),
  );
  const product = (k: KeyPair, name: keyof typeof T, p: { name: string; price: bigint; params: Record<string, unknown> }) => {
    const t = T[name];
    const s = sign(k, {
      type: 'createProduct', template: t.id, name: p.name, metadataUri: 'https://example.test/p', metadataHash: new Uint8Array(32), price: p.price, leadTimeMs: 60_000n,
      params: encodeProductParams(t.template, paramsFromJson(t.template, p.params)),
    });
    return { id: productId(addr(k), s.nonce), tx: s.bytes };
  };
  const fabric = product(f1, 'bill-of-materials', { name: 'Fabric', price: dpn(25), params: direct });
  const tender = product(maker, 'tender', { name: 'Fabric (tender)', price: dpn(35), params: { maxUnitPrice: dpn(30).toString(), maxLeadTimeMs: 120_000, windowMs: 1_500 } });
  await run(fabric.tx, tender.tx);
  ids.fabric = fabric.id;
  ids.tenderP = tender.id;
  const jacket = product(maker, 'bill-of-materials', { name: 'Jacket', price: dpn(100), params: { ...direct, parts: [toHex(tender.id)] } });
  await run(jacket.tx);
  ids.jacket = jacket.id;

  const place = sign(viewer, { type: 'placeOrder', product: jacket.id, quantity: 1, maxTotal: dpn(100), shipping: new Uint8Array(32).fill(7) });
  ids.order = rootOrderId(addr(viewer), place.nonce);
  ids.okTx = (await run(place.bytes))[0]!;
  const root = decodeOrderRecord(node.chain.store.getValue(ContractKey.order(ids.order))!);
  ids.tenderOrder = root.children[0]!;
  const bidArgs = encodeArgs(T.tender.template.transitions.find((x) => x.name === 'bid')!.args, new Map([['offer', fabric.id]]));
  // The viewer's transfer goes first, so its failing transition ('finish' while sourcing) is only prechecked by the
  // mempool and gets included: it pays its fee and leaves a receipt with the error.
  const transfer = sign(viewer, { type: 'transfer', to: addr(viewer2), amount: 1n, memo: '' });
  const badState = sign(viewer, { type: 'fireTransition', order: ids.order, transition: 'finish', args: new Uint8Array() });
  await run(sign(f1, { type: 'fireTransition', order: ids.tenderOrder, transition: 'bid', args: bidArgs }).bytes);
  // One batch request: both reach the mempool before any block can commit the transfer (a block
  // between two requests would leave the viewer's queue empty, and the mempool would refuse the
  // failing transition outright).
  const batch = await app.inject({ method: 'POST', url: '/v1/txs/batch', payload: { txs: [toHex(transfer.bytes), toHex(badState.bytes)] } });
  assert.equal(batch.statusCode, 202, batch.body);
  const hashes = (batch.json().results as { hash?: string; error?: { code: string } }[]).map((r) => {
    assert.ok(r.hash, `accepted: ${JSON.stringify(r)}`);
    return r.hash;
  });
  await waitFor(() => hashes.every((h) => node.txStatus(fromHex(h)).status === 'committed'), { timeoutMs: 15_000, what: 'the transfer and the failing transition committed' });
  [ids.transferTx, ids.failedTx] = [hashes[0]!, hashes[1]!];
  // The window closes in a later block: the award creates the supplier sub-order.
  await waitFor(() => decodeOrderRecord(node.chain.store.getValue(ContractKey.order(ids.tenderOrder))!).children.length === 1, { timeoutMs: 15_000, what: 'the tender award' });
  await waitFor(() => node.contracts.index.indexedHeight === node.chain.head.height, { timeoutMs: 5_000, what: 'index at head' });
});

test('GET /v1/templates lists every submitted template with status from state; /:id proves the record and parses the document', async () => {
  const list = (await get('/v1/templates')).json();
  assert.deepEqual(list.templates.map((t: { id: string }) => t.id), [ids.inspection, ids.tender, ids.bom].map(toHex), 'newest submission first');
  assert.deepEqual(list.templates.map((t: { name: string; status: string }) => [t.name, t.status]), [['inspection', 'rejected'], ['tender', 'approved'], ['bill-of-materials', 'approved']]);
  const tender = list.templates[1];
  assert.equal(tender.designer, formatAddress(addr(designer)));
  assert.equal(tender.designerFee, '0');
  assert.deepEqual(tender.approvals, [c0, c1].map((k) => formatAddress(addr(k))));

  const page1 = (await get('/v1/templates?limit=2')).json();
  assert.equal(page1.templates.length, 2);
  assert.equal(page1.next, toHex(ids.tender));
  const page2 = (await get(`/v1/templates?limit=2&after=${page1.next}`)).json();
  assert.deepEqual(page2.templates.map((t: { id: string }) => t.id), [toHex(ids.bom)]);
  assert.equal(page2.next, null);

  const one = await get(`/v1/templates/${toHex(ids.tender)}`);
  assert.equal(one.statusCode, 200, one.body);
  const body = one.json();
  assertProven(body, ContractKey.template(ids.tender));
  assert.ok(equalBytes(templateId(new TextEncoder().encode(body.template.code)), ids.tender), 'the code is the document the id hashes');
  assert.equal(body.template.document.name, 'tender');
  assert.deepEqual(body.template.document.params.map((p: { name: string }) => p.name), ['maxUnitPrice', 'maxLeadTimeMs', 'windowMs']);
});

test('GET /v1/products by producer, paged; /:id gives params in JSON form and the template name', async () => {
  const all = (await get('/v1/products')).json();
  assert.deepEqual(all.products.map((p: { id: string }) => p.id), [ids.jacket, ids.tenderP, ids.fabric].map(toHex));
  const mine = (await get(`/v1/products?producer=${formatAddress(addr(maker))}&limit=1`)).json();
  assert.deepEqual(mine.products.map((p: { name: string }) => p.name), ['Jacket']);
  assert.equal(mine.next, toHex(ids.jacket));
  const more = (await get(`/v1/products?producer=${formatAddress(addr(maker))}&limit=1&after=${mine.next}`)).json();
  assert.deepEqual(more.products.map((p: { name: string }) => p.name), ['Fabric (tender)']);
  assert.equal(more.next, null);

  const res = await get(`/v1/products/${toHex(ids.tenderP)}`);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assertProven(body, ContractKey.product(ids.tenderP));
  assert.equal(body.product.templateName, 'tender');
  assert.equal(body.product.producer, formatAddress(addr(maker)));
  assert.equal(body.product.price, dpn(35).toString());
  assert.deepEqual(body.product.params, { maxUnitPrice: dpn(30).toString(), maxLeadTimeMs: '120000', windowMs: '1500' });
  const jacket = (await get(`/v1/products/${toHex(ids.jacket)}`)).json();
  assert.deepEqual(jacket.product.params.parts, [toHex(ids.tenderP)]);
  assert.equal(jacket.product.orders, '1');
});

test('GET /v1/orders by consumer (purchases) and by product (sub-orders too); /:id shows state, escrow, history, children', async () => {
  const mine = (await get(`/v1/orders?consumer=${formatAddress(addr(viewer))}`)).json();
  assert.deepEqual(mine.orders.map((o: { id: string }) => o.id), [toHex(ids.order)], 'only the root is the consumer\'s purchase');
  const ofTender = (await get(`/v1/orders?product=${toHex(ids.tenderP)}`)).json();
  assert.deepEqual(ofTender.orders.map((o: { id: string }) => o.id), [toHex(ids.tenderOrder)]);
  const both = (await get(`/v1/orders?consumer=${formatAddress(addr(viewer))}&product=${toHex(ids.jacket)}`)).json();
  assert.deepEqual(both.orders.map((o: { id: string }) => o.id), [toHex(ids.order)]);
  assert.deepEqual((await get(`/v1/orders?consumer=${formatAddress(addr(viewer2))}`)).json().orders, []);
  // The supplier sub-order was created by a timer at a block's end, not by any tx.
  const ofFabric = (await get(`/v1/orders?product=${toHex(ids.fabric)}`)).json();
  assert.equal(ofFabric.orders.length, 1);
  assert.equal(ofFabric.orders[0].tag, 'supplier');
  assert.equal(ofFabric.orders[0].parent, toHex(ids.tenderOrder));
  assert.equal((await get('/v1/orders')).json().orders.length, 3);

  const res = await get(`/v1/orders/${toHex(ids.order)}`);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assertProven(body, ContractKey.order(ids.order));
  const o = body.order;
  assert.equal(o.status, 'active');
  assert.equal(o.state, 'sourcing');
  assert.equal(o.parent, null);
  assert.equal(o.consumer, formatAddress(addr(viewer)));
  assert.deepEqual(o.children, [toHex(ids.tenderOrder)]);
  assert.equal(BigInt(o.escrow), BigInt(o.escrowIn) - BigInt(o.escrowOut));
  assert.equal(o.escrowIn, dpn(100).toString());
  assert.ok(o.history.length >= 1);
  assert.equal(o.shipping, '07'.repeat(32));
});

test('GET /v1/orders/:id/tree walks the whole graph from the root, whichever node is asked', async () => {
  const supplier = decodeOrderRecord(node.chain.store.getValue(ContractKey.order(ids.tenderOrder))!).children[0]!;
  const res = await get(`/v1/orders/${toHex(supplier)}/tree`);
  assert.equal(res.statusCode, 200, res.body);
  const tree = res.json();
  assert.equal(tree.root, toHex(ids.order));
  assert.deepEqual(tree.nodes.map((n: { id: string }) => n.id), [ids.order, ids.tenderOrder, supplier].map(toHex));
  assert.deepEqual(tree.nodes.map((n: { productName: string; tag: string; state: string }) => [n.productName, n.tag, n.state]), [
    ['Jacket', '', 'sourcing'], ['Fabric (tender)', 'part', 'awarded'], ['Fabric', 'supplier', 'producing'],
  ]);
  assert.equal(tree.nodes[2].producer, formatAddress(addr(f1)));
  assert.deepEqual(tree.edges, [
    { from: toHex(ids.order), to: toHex(ids.tenderOrder), tag: 'part' },
    { from: toHex(ids.tenderOrder), to: toHex(supplier), tag: 'supplier' },
  ]);
  assert.equal(tree.truncated, false);
});

test('receipts: a successful and a failed contract tx, proven; the recent-tx list carries both', async () => {
  const ok = (await get(`/v1/txs/${ids.okTx}/receipt`)).json();
  assertProven(ok, ContractKey.txReceipt(fromHex(ids.okTx)));
  assert.equal(ok.receipt.ok, true);
  assert.equal(ok.receipt.code, '');
  assert.ok(BigInt(ok.receipt.gasUsed) > 0n);
  const failed = (await get(`/v1/txs/${ids.failedTx}/receipt`)).json();
  assert.equal(failed.receipt.ok, false);
  assert.equal(failed.receipt.code, 'ORDER_BAD_STATE');
  const recent = (await get('/v1/contract-txs?limit=5')).json();
  const failedEntry = recent.txs.find((t: { hash: string }) => t.hash === ids.failedTx);
  assert.equal(failedEntry.type, 'fireTransition');
  assert.equal(failedEntry.subject, toHex(ids.order));
  assert.equal(failedEntry.receipt.code, 'ORDER_BAD_STATE');
  assert.ok(!recent.txs.some((t: { hash: string }) => t.hash === ids.transferTx), 'transfers are not contract txs');
});

test('GET /v1/committee: members, threshold and the review pool from state', async () => {
  const res = await get('/v1/committee');
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assertProven(body, ContractKey.committee());
  assert.deepEqual(body.committee.members, [0, 1, 2].map((i) => formatAddress(addr(devCommitteeKey(i)))));
  assert.equal(body.committee.threshold, 2);
  assert.equal(body.reviewPool.balance, (3n * genesis.params.reviewFee).toString());
  assert.deepEqual(body.proposals, []);
});

test('unknown ids → their specific 404 codes; malformed ids and addresses → 400', async () => {
  const zero = '00'.repeat(32);
  for (const [url, code] of [
    [`/v1/templates/${zero}`, 'TEMPLATE_UNKNOWN'], [`/v1/products/${zero}`, 'PRODUCT_UNKNOWN'], [`/v1/orders/${zero}`, 'ORDER_UNKNOWN'],
    [`/v1/orders/${zero}/tree`, 'ORDER_UNKNOWN'], [`/v1/txs/${zero}/receipt`, 'NOT_FOUND'], [`/v1/txs/${ids.transferTx}/receipt`, 'NOT_FOUND'],
  ] as const) {
    const res = await get(url);
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json().error.code, code, url);
  }
  for (const url of ['/v1/templates/xyz', `/v1/products/${zero}00`, '/v1/orders?consumer=dpnzz', '/v1/products?limit=0', `/v1/orders/${zero.slice(2)}/tree`, '/v1/templates?after=12']) {
    const res = await get(url);
    assert.equal(res.statusCode, 400, url);
    assert.equal(res.json().error.code, 'RELAY_BAD_REQUEST', url);
  }
  // A cursor the index does not know ends the listing rather than restarting it.
  assert.deepEqual((await get(`/v1/products?after=${zero}`)).json().products, []);
});

test('POST /v1/txs/simulate: gas and fee of a tx that would succeed, the code of one that would fail; state never changes', async () => {
  const before = { root: toHex(node.chain.head.stateRoot), height: node.chain.head.height, account: node.chain.store.getValue(StateKey.account(addr(viewer2))) };
  const nonce = decodeAccount(before.account!).nonce;
  const order = (maxTotal: bigint) => encodeSignedTx(signTx({ chainId: CHAIN_ID, signer: viewer2.publicKey, nonce, fee: dpn(1) / 10n, body: { type: 'placeOrder', product: ids.fabric, quantity: 2, maxTotal, shipping: new Uint8Array(32) } }, viewer2.secretKey));
  const ok = await app.inject({ method: 'POST', url: '/v1/txs/simulate', payload: { tx: toHex(order(dpn(50))) } });
  assert.equal(ok.statusCode, 200, ok.body);
  const s = ok.json();
  assert.equal(s.ok, true);
  assert.ok(Number(s.gasUsed) > 0);
  assert.equal(BigInt(s.fee), BigInt(s.baseFee) + BigInt(s.gasUsed) * BigInt(s.gasPrice));
  const under = (await app.inject({ method: 'POST', url: '/v1/txs/simulate', payload: { tx: toHex(order(dpn(49))) } })).json();
  assert.equal(under.ok, false);
  assert.equal(under.error.code, 'ORDER_UNDERPAID');
  const forged = order(dpn(50));
  forged[forged.length - 1]! ^= 1;
  assert.equal((await app.inject({ method: 'POST', url: '/v1/txs/simulate', payload: { tx: toHex(forged) } })).json().error.code, 'TX_BAD_SIGNATURE');
  const garbage = await app.inject({ method: 'POST', url: '/v1/txs/simulate', payload: { tx: 'abcd' } });
  assert.equal(garbage.statusCode, 400);
  assert.match(garbage.json().error.code, /^DECODE_/);

  assert.equal(node.mempool.size, 0, 'nothing was submitted');
  if (node.chain.head.height === before.height) assert.equal(toHex(node.chain.head.stateRoot), before.root);
  assert.deepEqual(node.chain.store.getValue(StateKey.account(addr(viewer2))), before.account, 'the account is untouched');
});

test('/openapi.json documents the contract routes', async () => {
  const spec = (await get('/openapi.json')).json();
  for (const [m, p] of [
    ['get', '/v1/templates'], ['get', '/v1/templates/{id}'], ['get', '/v1/products'], ['get', '/v1/products/{id}'], ['get', '/v1/orders'], ['get', '/v1/orders/{id}'],
    ['get', '/v1/orders/{id}/tree'], ['get', '/v1/txs/{hash}/receipt'], ['get', '/v1/contract-txs'], ['get', '/v1/committee'], ['post', '/v1/txs/simulate'],
  ] as const) {
    const op = spec.paths[p]?.[m];
    assert.ok(op, `${m} ${p} is documented`);
    assert.ok(op.responses['200'] && (op.responses['4XX'] ?? op.responses['4xx']), `${m} ${p} documents its responses`);
  }
});

test('the index survives a restart, and is rebuilt from the stored blocks when its directory is deleted', async () => {
  const snapshot = async () => {
    const urls = ['/v1/templates', '/v1/products', '/v1/orders', `/v1/orders?consumer=${formatAddress(addr(viewer))}`, `/v1/products?producer=${formatAddress(addr(maker))}`, '/v1/contract-txs?limit=100', '/v1/committee'];
    return Promise.all(urls.map(async (u) => (await get(u)).json()));
  };
  const restart = async (dropIndex: boolean) => {
    await app.close();
    await node.stop();
    if (dropIndex) await rm(join(dir.path, INDEX_DIR), { recursive: true });
    // Not a validator: the chain stays at the same height, so answers must be identical.
    node = await start(false);
    app = await createRelay(node, { rateLimit: { max: 10_000, timeWindowMs: 60_000 } });
  };
  await restart(false); // first as a follower too, so the snapshot is taken at a frozen height
  const height = node.chain.head.height;
  const before = await snapshot();
  assert.equal(before[2].orders.length, 3);
  await restart(false);
  assert.equal(node.contracts.index.indexedHeight, height);
  assert.deepEqual(await snapshot(), before);
  await restart(true);
  assert.equal(node.contracts.index.indexedHeight, height, 'replayed every stored block');
  assert.deepEqual(await snapshot(), before);
});
