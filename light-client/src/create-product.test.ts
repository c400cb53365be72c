/**
 * createProduct through the light client, against real in-process validators and their relays:
 * a producer's wallet makes a bill-of-materials product from an approved template (parameters in
 * their JSON form, typed by the proven template), gets back productId(signer, nonce) and the new
 * record proven at a verified height; the chain's record matches byte for byte. A template that
 * is not approved, parameters that fail the schema and a part that does not exist are refused with
 * the chain's codes; the action also crosses the comlink worker boundary.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  addressOf, formatAddress, toHex, fromHex, templateId, parseTemplate, encodeProductParams, paramsFromJson, productId,
  ContractKey, decodeProductRecord, StateKey, decodeAccount, LightErrorCode, ErrorCode, sha256,
  utf8, type KeyPair, type TxBody, dpn,
} from '@dipnet/protocol';
import type { ContractTxStage } from './index.ts';
import { startNet } from './testing/devnet.ts';
import { devKey, devCommitteeKey } from '@dipnet/bootstrap-node';
import { testClients } from './testing/clients.ts';
import { chainCode, lightCode, refusedWith } from './testing/errors.ts';

const CHAIN = 'dipnet-lc-create-product';
const DAY = 86_400_000;
const net = await startNet({ chainId: CHAIN, validators: 2, relays: 1 });
const n0 = net.nodes[0]!;
const lcs = testClients(net);
after(async () => {
  await lcs.close();
  await net.stop();
});
const addr = (k: KeyPair) => addressOf(k.publicKey);
const state = (key: Uint8Array) => n0.chain.store.getValue(key);
const nonceOf = (k: KeyPair) => decodeAccount(state(StateKey.account(addr(k)))!).nonce;
const commitAll = (txs: [KeyPair, TxBody][]) => net.commitAll(txs);

const load = (name: string) => {
  const code = new Uint8Array(readFileSync(new URL(import.meta.resolve(`@dipnet/protocol/templates/${name}.json`))));
  return { code, id: templateId(code), template: parseTemplate(code) };
};
const bom = load('bill-of-materials');
const logistics = load('logistics');
const tender = load('tender'); // submitted, never approved
const sale = devKey('sale');
const k = (n: string) => devKey(`lc-create-product/${n}`);
const designer = k('designer'), carrier = k('carrier'), maker = k('maker');
const committee = [0, 1].map(devCommitteeKey);

await commitAll([
  [sale, { type: 'transfer', to: addr(designer), amount: dpn(500), memo: '' }],
  ...[...committee, carrier, maker].map((x): [KeyPair, TxBody] => [sale, { type: 'transfer', to: addr(x), amount: dpn(10), memo: '' }]),
]);
await commitAll([
  [designer, { type: 'submitTemplate', code: bom.code, designerFee: dpn(1) }],
  [designer, { type: 'submitTemplate', code: logistics.code, designerFee: dpn(1) / 5n }],
  [designer, { type: 'submitTemplate', code: tender.code, designerFee: dpn(1) / 2n }],
]);
await commitAll(committee.flatMap((m) => [bom, logistics].map((t): [KeyPair, TxBody] => [m, { type: 'reviewTemplate', template: t.id, approve: true }])));
const courier = productId(addr(carrier), net.nonce(carrier));
await commitAll([[carrier, {
  type: 'createProduct', template: logistics.id, name: 'Courier', metadataUri: '', metadataHash: new Uint8Array(32), price: dpn(8), leadTimeMs: 600_000n,
  params: encodeProductParams(logistics.template, paramsFromJson(logistics.template, { deliveryWindowMs: 600_000 })),
}]]);

const lc = await lcs.open({ relays: net.relayUrls });
await lc.importWallet(maker.secretKey);

const metadata = utf8(JSON.stringify({ description: 'An oak chair' }));
const metadataUri = `data:application/json;base64,${Buffer.from(metadata).toString('base64')}`;
const chairParams = { parts: [], guarantee: [], inspection: [], logistics: [toHex(courier)], graceMs: 3_600_000, confirmWindowMs: 60_000n };

test('createProduct makes a product from an approved template: productId(signer, nonce), the record proven', async () => {
  const nonce = nonceOf(maker);
  const stages: ContractTxStage[] = [];
  const r = await lc.createProduct({
    template: bom.id, name: 'Oak chair', metadataUri, metadataHash: sha256(metadata), price: dpn(80), leadTimeMs: 10n * BigInt(DAY), params: chairParams,
  }, (s) => stages.push(s));
  assert.deepEqual(stages.map((s) => s.stage).filter((s) => s !== 'hint'), ['signed', 'submitted', 'finalised']);
  assert.equal(r.productId, toHex(productId(addr(maker), nonce)));
  assert.equal(r.nonce, nonce);
  assert.equal(r.receipt.code, '');
  assert.ok(r.gasUsed > 0n && r.feePaid <= r.fee);

  // What the client proved is what the chain holds.
  const rec = decodeProductRecord(state(ContractKey.product(fromHex(r.productId)))!);
  assert.equal(toHex(rec.template), toHex(bom.id));
  assert.equal(formatAddress(rec.producer), formatAddress(addr(maker)));
  assert.deepEqual([rec.name, rec.price, rec.leadTimeMs, rec.metadataUri, toHex(rec.metadataHash)], ['Oak chair', dpn(80), 10n * BigInt(DAY), metadataUri, toHex(sha256(metadata))]);
  const p = r.product;
  assert.equal(p.id, r.productId);
  assert.deepEqual([p.name, p.producer, p.price, p.open, p.template.name], ['Oak chair', formatAddress(addr(maker)), dpn(80), true, 'bill-of-materials']);
  assert.deepEqual(p.params, { parts: [], guarantee: [], inspection: [], logistics: [toHex(courier)], graceMs: '3600000', confirmWindowMs: '60000' });
  assert.ok(p.height >= r.includedAt);

  // A fresh read agrees.
  const again = await lc.getProduct(r.productId);
  assert.equal(again.name, 'Oak chair');
});

test('refusals carry the chain\'s codes, before anything is signed', async () => {
  const nonce = nonceOf(maker);
  const base = { template: bom.id, name: 'Stool', price: dpn(5), leadTimeMs: 60_000n, params: chairParams };
  await assert.rejects(lc.createProduct({ ...base, template: tender.id }), chainCode(ErrorCode.TEMPLATE_NOT_APPROVED, /pending/));
  await assert.rejects(lc.createProduct({ ...base, template: 'ab'.repeat(32) }), chainCode(ErrorCode.TEMPLATE_UNKNOWN));
  await assert.rejects(lc.createProduct({ ...base, params: { ...chairParams, graceMs: 'soon' } }), chainCode(ErrorCode.PARAMS_INVALID, /graceMs/));
  await assert.rejects(lc.createProduct({ ...base, params: { ...chairParams, colour: 'red' } }), chainCode(ErrorCode.PARAMS_INVALID, /no parameter "colour"/));
  await assert.rejects(lc.createProduct({ ...base, name: ' ' }), lightCode(LightErrorCode.LC_INVALID_ARGUMENT));
  await assert.rejects(lc.createProduct({ ...base, metadataUri: 'x'.repeat(257) }), lightCode(LightErrorCode.LC_INVALID_ARGUMENT));
  await assert.rejects(lc.createProduct({ ...base, price: -1n }), lightCode(LightErrorCode.LC_INVALID_ARGUMENT));
  assert.equal(nonceOf(maker), nonce, 'nothing was sent');
  // A part that does not exist: the relay refuses it with the chain's code — its word, still checked on chain.
  await assert.rejects(lc.createProduct({ ...base, params: { ...chairParams, parts: ['cd'.repeat(32)] } }), refusedWith(ErrorCode.PRODUCT_UNKNOWN));
});

test('createProduct crosses the comlink worker boundary', async () => {
  const wlc = await lcs.openWorker();
  await wlc.importWallet(carrier.secretKey);
  const nonce = nonceOf(carrier);
  const r = await wlc.createProduct({ template: logistics.id, name: 'Express courier', price: dpn(12), leadTimeMs: 86_400_000n, params: { deliveryWindowMs: '86400000' } });
  assert.equal(r.productId, toHex(productId(addr(carrier), nonce)));
  assert.deepEqual([r.product.name, r.product.price, r.product.template.name], ['Express courier', dpn(12), 'logistics']);
  await assert.rejects(wlc.createProduct({ template: tender.id, name: 'x', price: 1n, leadTimeMs: 1n, params: {} }), chainCode(ErrorCode.TEMPLATE_NOT_APPROVED));
});
