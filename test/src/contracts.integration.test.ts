/**
 * The jacket scenario of bootstrap-node/src/contracts/jacket.test.ts, across four validator
 * processes and their relays: the demo catalogue is seeded through the relay API
 * (seed-contracts.ts, then re-run to show it is idempotent), a viewer orders the jacket, three
 * producers bid in the fabric tender, the window closes on real chain time, producers finish,
 * the carrier delivers, the inspector passes and everything settles. Every order and balance is
 * read with a Merkle proof against a committed header, and every balance is checked to the unit,
 * net of each actor's fees as its TxReceipts state them.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOf, dpn, sha256, utf8, toHex, fromHex, equalBytes, rootOrderId, encodeArgs, txHash, encodeSignedTx, signTx, decodeAccount, decodeOrderRecord,
  decodeHeader, StateKey, ContractKey, REVIEW_POOL,
  type KeyPair, type TxBody, type TxReceipt, type OrderRecord, type Value,
} from '@dipnet/protocol';
import { DEVNET_PARAMS, devKey, loadBaseTemplates, type BaseTemplateName } from '@dipnet/bootstrap-node';
import {
  seedContracts, relaySeedChain, DEMO_ACTOR_NAMES, DEMO_DESIGNER_FEES, type DemoActorName, type SeedResult,
} from '@dipnet/bootstrap-node';
import { DevnetHarness } from './devnet-harness.ts';
import { testAccount } from './load.ts';

const DPN = dpn(1);
/** Generous: unused gas is refunded, and the fee actually charged is read from each receipt. */
const FEE = DPN / 100n;
const TENDER_WINDOW_MS = 10_000n;

test('jacket across 4 validator processes: seeded via the relay, ordered, bid, delivered, settled to the unit', { timeout: 150_000 }, async (t) => {
  const started = Date.now();
  const net = await DevnetHarness.start(4, { blockTimeMs: 300 });
  after(() => net.stop());
  const netUp = Date.now();
  const templates = loadBaseTemplates();

  // --- Seeding through the relay API; a second run (through another relay) finds it all done.
  const seed: SeedResult = await seedContracts(relaySeedChain(net.clients[0]!, net.chainId), { tenderWindowMs: TENDER_WINDOW_MS });
  const seededAt = Date.now();
  // 14 fundings (11 actors, 3 committee keys), 6 templates, 12 reviews, 11 products.
  assert.equal(seed.txCount, 14 + 6 + 12 + 11);
  const again = await seedContracts(relaySeedChain(net.clients[1]!, net.chainId), { tenderWindowMs: TENDER_WINDOW_MS });
  assert.equal(again.txCount, 0, 'a re-run on a seeded chain submits nothing');
  assert.deepEqual(again.products, seed.products);
  const a = seed.actors;
  const p = seed.products;
  for (const [name, st] of Object.entries(seed.templates)) {
    assert.ok(equalBytes(st.designer, addressOf(a.designer.publicKey)), `${name} designer`);
    assert.equal(st.designerFee, DEMO_DESIGNER_FEES[name as BaseTemplateName], `${name} designer fee`);
  }

  // The highest height of a tx this test has seen committed. Reads are made at it, on a node that
  // has reached it, so a node a block behind another cannot serve stale state.
  let seen = await net.height(0);
  const reach = (node: number, height: bigint) => net.waitUntil(async () => (await net.height(node)) >= height, { timeoutMs: 30_000, what: `node ${node} at height ${height}` });
  const committedAt = (height: bigint) => { if (height > seen) seen = height; return height; };
  // Verified reads: RelayClient.provenValue checks the header's commit and the SMT proof against its state root.
  const read = async (key: Uint8Array, height = seen, node = 0) => {
    await reach(node, height);
    return (await net.clients[node]!.provenValue(key, height)).value;
  };
  const balance = async (addr: Uint8Array, height = seen) => {
    const raw = await read(StateKey.account(addr), height);
    return raw ? decodeAccount(raw).balance : 0n;
  };
  const nonceOf = async (key: KeyPair, node = 0) => {
    const raw = await read(StateKey.account(addressOf(key.publicKey)), seen, node);
    return raw ? decodeAccount(raw).nonce : 0n;
  };
  const order = async (id: Uint8Array, height = seen, node = 0): Promise<OrderRecord> => {
    const raw = await read(ContractKey.order(id), height, node);
    assert.ok(raw, `order ${toHex(id).slice(0, 16)} exists`);
    return decodeOrderRecord(raw);
  };
  const childrenTagged = async (parent: OrderRecord, tag: string) => {
    const out: { id: Uint8Array; o: OrderRecord }[] = [];
    for (const id of parent.children) {
      const o = await order(id);
      if (o.tag === tag) out.push({ id, o });
    }
    return out;
  };

  // Every tx an actor sends from here on: its fee comes from its receipt.
  const feesPaid = new Map<DemoActorName, bigint>(DEMO_ACTOR_NAMES.map((n) => [n, 0n]));
  const send = async (who: DemoActorName, body: TxBody, node = 0): Promise<TxReceipt> => {
    const key = a[who];
    const tx = encodeSignedTx(signTx({ chainId: net.chainId, signer: key.publicKey, nonce: await nonceOf(key, node), fee: FEE, body }, key.secretKey));
    const [receipt] = await relaySeedChain(net.clients[node]!, net.chainId).submit([tx]);
    assert.ok(receipt, `${who}'s ${body.type} left a receipt`);
    committedAt(receipt.height);
    assert.ok(receipt.fee > 0n && receipt.fee <= FEE);
    feesPaid.set(who, feesPaid.get(who)! + receipt.fee);
    assert.equal(receipt.code, '', `${who}'s ${body.type} failed: ${receipt.message}`);
    return receipt;
  };
  const fire = (who: DemoActorName, id: Uint8Array, template: BaseTemplateName, transition: string, args: Record<string, Value> = {}, node = 0) => {
    const tr = templates[template].template.transitions.find((x) => x.name === transition);
    assert.ok(tr, `${template} has a transition ${transition}`);
    return send(who, { type: 'fireTransition', order: id, transition, args: encodeArgs(tr.args, new Map(Object.entries(args))) }, node);
  };

  // --- Balances before the purchase.
  const h0 = seen;
  const watched: [string, Uint8Array][] = [...DEMO_ACTOR_NAMES.map((n) => [n, addressOf(a[n].publicKey)] as [string, Uint8Array]), ['review pool', REVIEW_POOL]];
  const before = new Map<string, bigint>();
  for (const [n, addr] of watched) before.set(n, await balance(addr, h0));
  assert.equal(before.get('review pool'), 6n * DEVNET_PARAMS.reviewFee, 'six templates paid their review fee into the pool');

  // --- The viewer orders: one tx escrows price + designer fee; the shipping details stay off chain, committed by hash.
  const shipping = sha256(utf8(JSON.stringify({ name: 'A. Viewer', street: '1 Film Lane', city: 'Springfield', country: 'NL' })));
  const viewerNonce = await nonceOf(a.viewer);
  await send('viewer', { type: 'placeOrder', product: p.jacket, quantity: 1, maxTotal: 121n * DPN, shipping });
  const rootId = rootOrderId(addressOf(a.viewer.publicKey), viewerNonce);
  const root = await order(rootId);
  assert.equal(root.state, 'sourcing');
  assert.ok(equalBytes(root.shipping, shipping), 'the order carries the shipping commitment');
  assert.equal(root.price, 120n * DPN);
  assert.equal(root.designerFee, DPN);
  assert.equal(root.escrowIn, 121n * DPN);
  const kids = await Promise.all(root.children.map((id) => order(id)));
  assert.deepEqual(kids.map((k) => k.tag), ['part', 'part', 'part', 'inspect', 'ship'], 'the cascade started every sub-order');
  const [tenderId, supplyId, liningId, inspectId, shipId] = root.children as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  assert.deepEqual([kids[0]!.product, kids[1]!.product, kids[2]!.product], [p.fabric, p.buttons, p.lining]);
  assert.equal(kids[0]!.state, 'bidding');
  assert.equal(kids[1]!.state, 'ordered');
  const [buttons] = await childrenTagged(kids[1]!, 'supplier');
  assert.ok(buttons && equalBytes(buttons.o.product, p['buttons-b']), 'the cheaper button supplier is selected');
  assert.equal(buttons.o.state, 'producing');

  // --- Three bids, each through another relay, each cheaper than the last; a worse one is refused.
  await fire('fabric-1', tenderId, 'tender', 'bid', { offer: p['fabric-1'] }, 1);
  await fire('fabric-3', tenderId, 'tender', 'bid', { offer: p['fabric-3'] }, 2);
  await fire('fabric-2', tenderId, 'tender', 'bid', { offer: p['fabric-2'] }, 3);
  await assert.rejects(fire('fabric-1', tenderId, 'tender', 'bid', { offer: p['fabric-1'] }, 1), /cheaper or equal offer/);
  const bidding = await order(tenderId);
  assert.equal(bidding.state, 'bidding');
  // The tender holds the best offer and its cost (price + the bill-of-materials designer fee).
  assert.deepEqual([...bidding.vars].sort((x, y) => x.index - y.index).map((v) => v.value), [p['fabric-2'], 26n * DPN]);

  // --- The window closes: timers fire at the end of a block whose time is past the deadline's
  // second, and an idle devnet makes blocks only for work, so a tiny transfer makes one.
  const deadline = bidding.createdAt + TENDER_WINDOW_MS;
  const dueMs = ((deadline + 999n) / 1000n) * 1000n;
  await new Promise((r) => setTimeout(r, Math.max(0, Number(dueMs - BigInt(Date.now())) + 200)));
  const sale = devKey('sale');
  const tick = encodeSignedTx(signTx({
    chainId: net.chainId, signer: sale.publicKey, nonce: await nonceOf(sale), fee: FEE,
    body: { type: 'transfer', to: addressOf(testAccount('tick').publicKey), amount: 1n, memo: 'tick' },
  }, sale.secretKey));
  await relaySeedChain(net.clients[0]!, net.chainId).submit([tick]);
  const tickAt = committedAt(BigInt((await net.clients[0]!.txStatus(toHex(txHash(tick)))).height!));
  assert.ok((await net.clients[0]!.verifiedHeader(net.chainId, tickAt)).time >= dueMs, 'the tick block is past the deadline');
  const awarded = await order(tenderId);
  assert.equal(awarded.state, 'awarded');
  const [fabric] = await childrenTagged(awarded, 'supplier');
  assert.ok(fabric && equalBytes(fabric.o.product, p['fabric-2']), 'the cheapest bid won');
  const fabricId = fabric.id;

  // --- Producers finish their parts (three senders, three relays); the jacket proceeds by itself.
  await Promise.all([
    fire('fabric-2', fabricId, 'bill-of-materials', 'finish', {}, 1),
    fire('buttons-b', buttons.id, 'bill-of-materials', 'finish', {}, 2),
    fire('lining', liningId, 'bill-of-materials', 'finish', {}, 3),
  ]);
  assert.equal((await order(tenderId)).state, 'supplied');
  assert.equal((await order(supplyId)).state, 'supplied');
  assert.equal((await order(rootId)).state, 'producing');
  await fire('maker', rootId, 'bill-of-materials', 'finish');
  assert.equal((await order(rootId)).state, 'ready');
  await Promise.all([fire('inspector', inspectId, 'inspection', 'pass', {}, 1), fire('carrier', shipId, 'logistics', 'pickup', {}, 2)]);
  const last = await fire('carrier', shipId, 'logistics', 'deliver', {}, 3);

  // --- Everything settled, read at one final height on which all four nodes agree.
  const hf = last.height;
  await Promise.all([0, 1, 2, 3].map((i) => reach(i, hf)));
  const headers = await Promise.all(net.clients.map((c) => c.get<{ hash: string; header: string }>(`/v1/headers/${hf}`)));
  for (let i = 1; i < 4; i++) {
    assert.equal(headers[i]!.hash, headers[0]!.hash, `node ${i} has another block at height ${hf}`);
    assert.ok(equalBytes(decodeHeader(fromHex(headers[i]!.header)).stateRoot, decodeHeader(fromHex(headers[0]!.header)).stateRoot), `node ${i} has another state root`);
  }
  const all = [rootId, tenderId, supplyId, liningId, inspectId, shipId, fabricId, buttons.id];
  for (const [i, id] of all.entries()) {
    const o = await order(id, hf, i % 4);
    assert.equal(o.status, 'settled', `${o.tag || 'root'} order settled`);
    assert.equal(o.escrowIn, o.escrowOut, `${o.tag || 'root'} escrow is empty`);
  }

  const gained = new Map<string, bigint>();
  for (const [n, addr] of watched) gained.set(n, (await balance(addr, hf)) + (feesPaid.get(n as DemoActorName) ?? 0n) - before.get(n)!);
  const g = (n: string) => gained.get(n)!;
  // Each producer gains its price; the losing bidders and supplier gain nothing.
  assert.equal(g('fabric-2'), 25n * DPN);
  assert.equal(g('buttons-b'), 4n * DPN);
  assert.equal(g('lining'), 20n * DPN);
  assert.equal(g('carrier'), 8n * DPN);
  assert.equal(g('inspector'), 3n * DPN);
  assert.equal(g('fabric-1'), 0n);
  assert.equal(g('fabric-3'), 0n);
  assert.equal(g('buttons-a'), 0n);
  // The maker: jacket 120 − sub-orders (tender 35.5, supply 6.5, lining 21, inspection 3.2,
  // logistics 8.2) + tender margin (35 − 25 − 1) + supply margin (6 − 4 − 1).
  assert.equal(g('maker'), 120n * DPN - 74_400_000_000n + 9n * DPN + 1n * DPN);
  // The viewer paid exactly the price and the designer's fee (its tx fee is counted apart).
  assert.equal(g('viewer'), -121n * DPN);
  // Designer: four bill-of-materials orders (jacket, lining, buttons B, fabric 2), one supply,
  // one tender, one logistics, one inspection.
  assert.equal(g('designer'), 4n * DPN + DPN / 2n + DPN / 2n + DPN / 5n + DPN / 5n);
  assert.equal(g('review pool'), 0n);
  assert.equal(await balance(REVIEW_POOL, hf), 6n * DEVNET_PARAMS.reviewFee);
  // Nothing was created or lost among them: what the viewer paid is what the others gained.
  assert.equal([...gained.values()].reduce((x, y) => x + y, 0n), 0n);
  for (const n of ['viewer', 'fabric-1', 'fabric-2', 'fabric-3', 'buttons-b', 'lining', 'maker', 'carrier', 'inspector'] as const) {
    assert.ok(feesPaid.get(n)! > 0n, `${n} paid fees for its txs`);
  }
  assert.equal(feesPaid.get('designer'), 0n);
  t.diagnostic(`4 nodes up in ${netUp - started} ms; seeded in ${seededAt - netUp} ms (${seed.txCount} txs); settled at height ${hf} after ${Date.now() - started} ms`);
});
