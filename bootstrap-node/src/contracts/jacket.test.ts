/**
 * The whitepaper's purchase flow on the real state machine (BlockRunner): a jacket made from a
 * bill of materials — fabric by tender (three bidders), buttons by supply (two suppliers, the
 * cheaper selected), lining directly — with logistics and an inspection. Every balance is
 * checked to the unit, including designer fees and the review pool.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, dpn, REVIEW_POOL, toHex } from '@dipnet/protocol';
import type { TxOutcome } from '../state/executor.ts';
import { devnetGenesis, DEVNET_PARAMS } from '../devnet/genesis.ts';
import { devKey } from '../devnet/dev-keys.ts';
import { BlockRunner } from '../testing/block-runner.ts';
import { ContractFixture } from '../testing/contract-fixture.ts';

const DPN = dpn(1);
const fees = { 'bill-of-materials': DPN, supply: DPN / 2n, tender: DPN / 2n, logistics: DPN / 5n, inspection: DPN / 5n, guarantee: DPN / 10n };

test('jacket: order → cascade → bids → milestones → delivery → settlement, every unit accounted', () => {
  const runner = new BlockRunner(devnetGenesis({ chainId: 'jacket-test', validators: 4, genesisTime: 1_700_000_000_000n }));
  const c = new ContractFixture(runner, fees);
  c.publishBaseTemplates();
  const k = (n: string) => devKey(`jacket/${n}`);
  const maker = k('maker'), lining = k('lining'), b1 = k('buttons-1'), b2 = k('buttons-2'), f1 = k('fabric-1'), f2 = k('fabric-2'), f3 = k('fabric-3');
  const carrier = k('carrier'), inspector = k('inspector'), viewer = k('viewer');
  const actors = [maker, lining, b1, b2, f1, f2, f3, carrier, inspector, viewer];
  c.fund(actors);
  const direct = { parts: [], guarantee: [], inspection: [], logistics: [], graceMs: 60_000, confirmWindowMs: 60_000 };
  const liningP = c.product(lining, 'bill-of-materials', { name: 'Lining', price: 20n * DPN, params: direct });
  const b1P = c.product(b1, 'bill-of-materials', { name: 'Buttons A', price: 5n * DPN, params: direct });
  const b2P = c.product(b2, 'bill-of-materials', { name: 'Buttons B', price: 4n * DPN, params: direct });
  const f1P = c.product(f1, 'bill-of-materials', { name: 'Fabric 1', price: 30n * DPN, params: direct });
  const f2P = c.product(f2, 'bill-of-materials', { name: 'Fabric 2', price: 25n * DPN, params: direct });
  const f3P = c.product(f3, 'bill-of-materials', { name: 'Fabric 3', price: 28n * DPN, params: direct });
  const buttons = c.product(maker, 'supply', { name: 'Buttons (supply)', price: 6n * DPN, params: { suppliers: [b1P, b2P].map(hex), rule: 'cheapest' } });
  const fabric = c.product(maker, 'tender', { name: 'Fabric (tender)', price: 35n * DPN, params: { maxUnitPrice: (32n * DPN).toString(), maxLeadTimeMs: 120_000, windowMs: 5_000 } });
  const ship = c.product(carrier, 'logistics', { name: 'Courier', price: 8n * DPN, params: { deliveryWindowMs: 600_000 } });
  const inspect = c.product(inspector, 'inspection', { name: 'Quality check', price: 3n * DPN, params: { checklist: '11'.repeat(32) } });
  const jacket = c.product(maker, 'bill-of-materials', {
    name: 'Jacket', price: 120n * DPN, leadTimeMs: 600_000n,
    params: { parts: [fabric, buttons, liningP].map(hex), guarantee: [], inspection: [hex(inspect)], logistics: [hex(ship)], graceMs: 60_000, confirmWindowMs: 60_000 },
  });

  // Gains are measured from here, net of the fees each actor pays for its own txs.
  const before = new Map(actors.map((a) => [a, c.balance(a) + runner.feesPaid(addressOf(a.publicKey))]));
  const designerBefore = c.balance(c.designer);
  const poolBefore = c.balance(REVIEW_POOL);
  assert.equal(poolBefore, 6n * DEVNET_PARAMS.reviewFee);

  // The viewer buys: one tx escrows price + designer fee and starts every contract.
  const { id: order, tx } = c.orderTx(viewer, jacket, 121n * DPN);
  c.ok([tx]);
  const root = c.order(order);
  assert.equal(root.state, 'sourcing');
  assert.deepEqual(root.children.map((x) => c.order(x).tag), ['part', 'part', 'part', 'inspect', 'ship']);
  const tender = c.child(order, 'part', 0), supply = c.child(order, 'part', 1), liningO = c.child(order, 'part', 2);
  assert.equal(c.order(tender).state, 'bidding');
  assert.equal(c.order(supply).state, 'ordered');
  const buttonsO = c.child(supply, 'supplier');
  assert.deepEqual(c.order(buttonsO).product, b2P, 'the cheaper button supplier is selected');
  assert.equal(c.order(buttonsO).state, 'producing', 'a part with no parts of its own starts producing at once');

  // Three bids: each beats the last; a worse one is refused.
  const bidKeys: [typeof f1, Uint8Array][] = [[f1, f1P], [f3, f3P], [f2, f2P]];
  for (const [key, p] of bidKeys) c.ok([c.fireTx(key, tender, 'bid', { offer: hex(p) })], 500n);
  const worse = runner.block([c.fireTx(f1, tender, 'bid', { offer: hex(f1P) })]);
  assert.match(String((worse.results[0] as TxOutcome).failure?.message), /cheaper or equal offer/);
  // The window closes: the best bid is ordered.
  c.ok([], 5_000n);
  assert.equal(c.order(tender).state, 'awarded');
  const fabricO = c.child(tender, 'supplier');
  assert.deepEqual(c.order(fabricO).product, f2P);

  // Producers finish their parts; the jacket proceeds by itself.
  c.ok([c.fireTx(f2, fabricO, 'finish'), c.fireTx(b2, buttonsO, 'finish'), c.fireTx(lining, liningO, 'finish')]);
  assert.equal(c.order(tender).state, 'supplied');
  assert.equal(c.order(supply).state, 'supplied');
  assert.equal(c.order(order).state, 'producing');
  c.ok([c.fireTx(maker, order, 'finish')]);
  assert.equal(c.order(order).state, 'ready');
  const shipO = c.child(order, 'ship'), inspectO = c.child(order, 'inspect');
  c.ok([c.fireTx(inspector, inspectO, 'pass'), c.fireTx(carrier, shipO, 'pickup')]);
  c.ok([c.fireTx(carrier, shipO, 'deliver')]);
  // Delivered and inspected: the whole graph settles.
  for (const id of [order, tender, supply, liningO, buttonsO, fabricO, shipO, inspectO]) assert.equal(c.order(id).status, 'settled', c.order(id).tag);

  const gained = (key: typeof f1) => c.balance(key) + runner.feesPaid(addressOf(key.publicKey)) - before.get(key)!;
  // Each producer gains its price minus what its sub-orders cost.
  assert.equal(gained(f2), 25n * DPN);
  assert.equal(gained(b2), 4n * DPN);
  assert.equal(gained(lining), 20n * DPN);
  assert.equal(gained(carrier), 8n * DPN);
  assert.equal(gained(inspector), 3n * DPN);
  assert.equal(gained(f1), 0n);
  assert.equal(gained(b1), 0n);
  // The maker: jacket 120 − (35.5 + 6.5 + 21 + 3.2 + 8.2) + tender margin (35 − 26) + supply margin (6 − 5).
  assert.equal(gained(maker), 120n * DPN - 74_400_000_000n + 9n * DPN + 1n * DPN);
  assert.equal(gained(viewer), -121n * DPN);
  // Designer: four BOM orders, one supply, one tender, one logistics, one inspection.
  assert.equal(c.balance(c.designer) - designerBefore, 4n * DPN + DPN / 2n + DPN / 2n + DPN / 5n + DPN / 5n);
  assert.equal(c.balance(REVIEW_POOL), poolBefore);
});

const hex = toHex;
