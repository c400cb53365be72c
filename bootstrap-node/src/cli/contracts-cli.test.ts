/**
 * `dipnet template|product|order` as a user runs them (a child process per command) against a
 * real validator and its relay on 127.0.0.1: a template submitted and approved by the devnet
 * committee, a product from a base template, an order with a shipping commitment, a transition,
 * a refused transition, and the order graph — every result checked against the node's state.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import {
  ContractKey, StateKey, addressOf, decodeAccount, decodeOrderRecord, decodeProductRecord, decodeTemplateRecord, dpn, encodeSignedTx, formatAddress, fromHex,
  parseDpn, signTx, toHex,
} from '@dipnet/protocol';
import { devCommitteeKey } from '../devnet/genesis.ts';
import { devKey } from '../devnet/dev-keys.ts';
import { waitFor } from '../testing/fixtures.ts';
import { PKG_DIR, startCliHarness } from '../testing/cli-harness.ts';
import { loadBaseTemplate } from '../contracts/base-templates.ts';
import { shippingCommitment } from './contracts.ts';

const h = await startCliHarness({ name: 'contracts-cli' });
after(() => h.stop());
const { node, cli, ok, keyFile, state } = h;

const designer = devKey('cli/designer'), producer = devKey('cli/producer'), viewer = devKey('cli/viewer');
const files = { designer: keyFile('designer', designer), c0: keyFile('c0', devCommitteeKey(0)), c1: keyFile('c1', devCommitteeKey(1)), producer: keyFile('producer', producer), viewer: keyFile('viewer', viewer) };
const bom = loadBaseTemplate('bill-of-materials');
const TEMPLATE_FILE = join(PKG_DIR, '..', 'protocol', 'templates', 'bill-of-materials.json');

interface Sent { hash: string; status: string; fee: { declared: string; simulatedGas?: string; rule: string }; receipt?: { ok: boolean; gasUsed: string; fee: string; code: string } }

test('help: template, product and order document their sub-commands', async () => {
  for (const c of ['template', 'product', 'order']) {
    const r = await cli([c, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`^Usage: dipnet ${c} `));
  }
  const top = await cli(['--help']);
  for (const c of ['template', 'product', 'order']) assert.match(top.stdout, new RegExp(`^\\s+${c}\\s`, 'm'));
});

test('template submit → review ×2 → list; product create/show; order place/fire/show --tree', async () => {
  await waitFor(() => node.chain.head.height >= 1n, { timeoutMs: 10_000, what: 'block 1' });
  const sale = devKey('sale');
  const saleNonce = decodeAccount(state(StateKey.account(addressOf(sale.publicKey)))!).nonce;
  const funded = [designer, devCommitteeKey(0), devCommitteeKey(1), producer, viewer].map((k, i) =>
    encodeSignedTx(signTx({ chainId: h.chainId, signer: sale.publicKey, nonce: saleNonce + BigInt(i), fee: dpn(1), body: { type: 'transfer', to: addressOf(k.publicKey), amount: dpn(1000), memo: '' } }, sale.secretKey)));
  for (const t of funded) await node.submitTx(t);
  await waitFor(() => state(StateKey.account(addressOf(viewer.publicKey))) !== undefined, { timeoutMs: 10_000, what: 'funding' });

  // Submit: the fee is sized by a dry run (base + gas × 1.2) and covers what the chain charged.
  const sub = await ok<Sent & { template: string; name: string }>(['template', 'submit', TEMPLATE_FILE, '--fee', '0.5', '--key', files.designer, '--wait']);
  assert.equal(sub.template, toHex(bom.id));
  assert.equal(sub.name, 'bill-of-materials');
  assert.equal(sub.receipt?.ok, true);
  assert.ok(BigInt(sub.fee.simulatedGas!) > 0n);
  assert.match(sub.fee.rule, /1\.2/);
  assert.ok(parseDpn(sub.fee.declared) >= parseDpn(sub.receipt!.fee), 'the declared fee covers the charged fee');
  assert.equal(decodeTemplateRecord(state(ContractKey.template(bom.id))!).designerFee, dpn(1) / 2n);

  const r0 = await ok<Sent & { templateStatus: string }>(['template', 'review', sub.template, '--approve', '--key', files.c0, '--wait']);
  assert.equal(r0.templateStatus, 'pending');
  const r1 = await ok<Sent & { templateStatus: string }>(['template', 'review', sub.template, '--approve', '--key', files.c1, '--wait']);
  assert.equal(r1.templateStatus, 'approved');
  const list = await ok<{ templates: { id: string; status: string; designerFee: string }[] }>(['template', 'list']);
  assert.deepEqual(list.templates.map((t) => [t.id, t.status, t.designerFee]), [[sub.template, 'approved', '0.5']]);

  const params = { parts: [], guarantee: [], inspection: [], logistics: [], graceMs: 60_000, confirmWindowMs: '60000' };
  const made = await ok<Sent & { product: string; templateName: string }>([
    'product', 'create', '--template', 'bill-of-materials', '--name', 'Desk lamp', '--price', '12.5', '--lead-time', '10m', '--params', JSON.stringify(params), '--key', files.producer, '--wait',
  ]);
  assert.equal(made.receipt?.ok, true);
  const p = decodeProductRecord(state(ContractKey.product(fromHex(made.product)))!);
  assert.equal(p.name, 'Desk lamp');
  assert.equal(p.price, parseDpn('12.5'));
  assert.equal(p.leadTimeMs, 600_000n);
  assert.equal(formatAddress(p.producer), formatAddress(addressOf(producer.publicKey)));
  const shown = await ok<{ templateName: string; price: string; params: Record<string, unknown>; verifiedAtHeight: string }>(['product', 'show', made.product]);
  assert.equal(shown.templateName, 'bill-of-materials');
  assert.equal(shown.price, '12.5');
  assert.deepEqual(shown.params, { ...params, graceMs: '60000' });

  const shipFile = join(h.dir, 'shipping.txt');
  writeFileSync(shipFile, 'Ada Lovelace\n12 Analytical Row\nLondon\n');
  const placed = await ok<Sent & { order: string; maxTotal: string; shipping: { commitment: string; salt: string; note: string } }>(['order', 'place', made.product, '--shipping-file', shipFile, '--key', files.viewer, '--wait']);
  assert.equal(placed.receipt?.ok, true);
  assert.equal(placed.maxTotal, '13', 'price + designer fee, from verified state');
  assert.match(placed.shipping.note, /off chain/);
  const order = decodeOrderRecord(state(ContractKey.order(fromHex(placed.order)))!);
  assert.equal(toHex(order.shipping), placed.shipping.commitment);
  assert.equal(toHex(shippingCommitment(fromHex(placed.shipping.salt), new TextEncoder().encode('Ada Lovelace\n12 Analytical Row\nLondon\n'))), placed.shipping.commitment);
  assert.equal(order.state, 'producing', 'no parts: production starts at once');

  const fired = await ok<Sent & { state: string }>(['order', 'fire', placed.order, 'finish', '--key', files.producer, '--wait']);
  assert.equal(fired.receipt?.ok, true);
  const after = decodeOrderRecord(state(ContractKey.order(fromHex(placed.order)))!);
  assert.notEqual(after.state, 'producing');
  assert.equal(fired.state, after.state);

  // The viewer may not finish the producer's work: the dry run refuses, nothing is sent.
  const height = node.chain.head.height;
  const refused = await cli(['order', 'fire', placed.order, 'finish', '--key', files.viewer]);
  assert.equal(refused.code, 2, refused.stdout);
  assert.match(refused.stderr, /error ORDER_(WRONG_PARTY|BAD_STATE): the dry run says this tx would fail/);
  assert.equal(node.mempool.size, 0);
  const viewerNonce = decodeAccount(state(StateKey.account(addressOf(viewer.publicKey)))!).nonce;
  assert.equal(viewerNonce, 1n, 'only the order was signed and sent');
  assert.ok(node.chain.head.height >= height);

  const badArg = await cli(['order', 'fire', placed.order, 'finish', '--arg', 'offer=00', '--key', files.producer]);
  assert.equal(badArg.code, 2);
  assert.match(badArg.stderr, /INVALID_ARGUMENT: .*no argument "offer"/);

  const tree = await ok<{ root: string; nodes: { id: string; product: string; state: string; producer: string }[] }>(['order', 'show', placed.order, '--tree']);
  assert.equal(tree.root, placed.order);
  assert.deepEqual(tree.nodes.map((n) => [n.id, n.product, n.state]), [[placed.order, 'Desk lamp', after.state]]);
  const one = await ok<{ state: string; escrow: string; consumer: string }>(['order', 'show', placed.order]);
  assert.equal(one.state, after.state);
  assert.equal(one.consumer, formatAddress(addressOf(viewer.publicKey)));
});
