/**
 * `dipnet token` and token-priced products as a user runs them (a child process per command)
 * against a real validator and its relay on 127.0.0.1: issue, transfer, mint, balance and show
 * (by id and by SYMBOL@issuer), a refused mint, a product priced in the token and an order placed
 * and shown in it — every result checked against the node's state.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ContractKey, StateKey, TokenKey, addressOf, decodeAccount, decodeOrderRecord, decodeProductRecord, decodeTemplateRecord, decodeTokenBalance, decodeTokenRecord,
  dpn, formatAddress, fromHex, toHex, type KeyPair, type TxBody,
} from '@dipnet/protocol';
import { devCommitteeKey } from '../devnet/genesis.ts';
import { devKey } from '../devnet/dev-keys.ts';
import { signedTx, waitFor } from '../testing/fixtures.ts';
import { startCliHarness } from '../testing/cli-harness.ts';
import { loadBaseTemplate } from '../contracts/base-templates.ts';

const h = await startCliHarness({ name: 'tokens-cli' });
after(() => h.stop());
const { node, cli, ok, keyFile, state } = h;
const nonceOf = (k: KeyPair) => {
  const raw = state(StateKey.account(addressOf(k.publicKey)));
  return raw ? decodeAccount(raw).nonce : 0n;
};
/** Signs and submits directly to the node (setup the CLI test does not need to exercise). */
async function submit(k: KeyPair, bodies: TxBody[], fee = dpn(1) / 10n): Promise<void> {
  const n = nonceOf(k);
  for (let i = 0; i < bodies.length; i++) {
    await node.submitTx(signedTx(h.chainId, k, n + BigInt(i), bodies[i]!, fee));
  }
  await waitFor(() => nonceOf(k) === n + BigInt(bodies.length), { timeoutMs: 10_000, what: 'setup txs' });
}

const maker = devKey('tokens-cli/maker'), viewer = devKey('tokens-cli/viewer'), designer = devKey('tokens-cli/designer');
const files = { maker: keyFile('maker', maker), viewer: keyFile('viewer', viewer) };
const bom = loadBaseTemplate('bill-of-materials');

test('help: token and its place in the top-level help', async () => {
  const r = await cli(['token', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: dipnet token <issue\|transfer\|mint\|balance\|show>/);
  assert.match((await cli(['--help'])).stdout, /^\s+token\s/m);
  assert.match((await cli(['product', '--help'])).stdout, /--currency <token>/);
});

test('token issue → transfer → mint → balance/show; a refused mint; a product and an order in the token', async () => {
  await waitFor(() => node.chain.head.height >= 1n, { timeoutMs: 10_000, what: 'block 1' });
  await submit(devKey('sale'), [designer, devCommitteeKey(0), devCommitteeKey(1), maker, viewer].map((k) => ({ type: 'transfer', to: addressOf(k.publicKey), amount: dpn(1000), memo: '' })), dpn(1));
  await submit(designer, [{ type: 'submitTemplate', code: bom.code, designerFee: dpn(1) / 2n }]);
  await submit(devCommitteeKey(0), [{ type: 'reviewTemplate', template: bom.id, approve: true }]);
  await submit(devCommitteeKey(1), [{ type: 'reviewTemplate', template: bom.id, approve: true }]);
  assert.equal(decodeTemplateRecord(state(ContractKey.template(bom.id))!).status, 'approved');

  const makerAddr = formatAddress(addressOf(maker.publicKey)), viewerAddr = formatAddress(addressOf(viewer.publicKey));
  const issued = await ok<{ token: string; ref: string; supply: string; status: string }>(['token', 'issue', '--symbol', 'LAMP', '--name', 'Lamp Co. token', '--supply', '1000.5', '--decimals', '2', '--mintable', '--key', files.maker, '--wait']);
  assert.equal(issued.status, 'committed');
  assert.equal(issued.ref, `LAMP@${makerAddr}`);
  const id = fromHex(issued.token);
  const rec = decodeTokenRecord(state(TokenKey.token(id))!);
  assert.equal(rec.supply, 100_050n);
  assert.equal(rec.decimals, 2);
  const bal = (k: KeyPair) => { const raw = state(TokenKey.balance(id, addressOf(k.publicKey))); return raw ? decodeTokenBalance(raw) : 0n; };

  await ok(['token', 'transfer', issued.ref, '--to', viewerAddr, '--amount', '40.25', '--key', files.maker, '--wait']);
  assert.equal(bal(viewer), 4025n);
  await ok(['token', 'mint', issued.token, '--to', viewerAddr, '--amount', '0.75', '--key', files.maker, '--wait']);
  assert.equal(bal(viewer), 4100n);
  const shown = await ok<{ symbol: string; supply: string; issuer: string; mintable: boolean }>(['token', 'show', issued.ref]);
  assert.deepEqual([shown.symbol, shown.supply, shown.issuer, shown.mintable], ['LAMP', '1001.25', makerAddr, true]);
  const b = await ok<{ balance: string; units: string }>(['token', 'balance', issued.token, viewerAddr]);
  assert.deepEqual([b.balance, b.units], ['41', '4100']);
  const mine = await ok<{ balance: string; holder: string }>(['token', 'balance', issued.ref, '--key', files.maker]);
  assert.deepEqual([mine.balance, mine.holder], ['960.25', makerAddr]);

  // The relay refuses what the chain refuses; nothing is signed into state.
  const refused = await cli(['token', 'mint', issued.ref, '--to', viewerAddr, '--amount', '1', '--key', files.viewer, '--wait']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /TOKEN_MINT_UNAUTHORIZED/);
  const unknown = await cli(['token', 'show', `NOPE@${makerAddr}`]);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /TOKEN_UNKNOWN/);
  assert.equal(decodeTokenRecord(state(TokenKey.token(id))!).supply, 100_125n);

  const params = { parts: [], guarantee: [], inspection: [], logistics: [], graceMs: 60_000, confirmWindowMs: 60_000 };
  const made = await ok<{ product: string; currency: { symbol: string }; receipt: { ok: boolean } }>([
    'product', 'create', '--template', 'bill-of-materials', '--name', 'Desk lamp', '--price', '12.5', '--lead-time', '10m', '--params', JSON.stringify(params),
    '--currency', issued.ref, '--key', files.maker, '--wait',
  ]);
  assert.equal(made.receipt.ok, true);
  const p = decodeProductRecord(state(ContractKey.product(fromHex(made.product)))!);
  assert.deepEqual([p.price, toHex(p.currency)], [1250n, issued.token]);
  const ps = await ok<{ price: string; currency: { symbol: string } }>(['product', 'show', made.product]);
  assert.deepEqual([ps.price, ps.currency.symbol], ['12.5', 'LAMP']);

  // The default --max-total is the token price; the designer's fee is DPN on top.
  const placed = await ok<{ order: string; maxTotal: string; designerFeeDpn: string; receipt: { ok: boolean } }>(['order', 'place', made.product, '--quantity', '2', '--key', files.viewer, '--wait']);
  assert.equal(placed.receipt.ok, true);
  assert.deepEqual([placed.maxTotal, placed.designerFeeDpn], ['25', '0.5']);
  assert.equal(bal(viewer), 4100n - 2500n);
  const o = decodeOrderRecord(state(ContractKey.order(fromHex(placed.order)))!);
  assert.equal(toHex(o.currency), issued.token);
  const os = await ok<{ price: string; escrow: string; designerFee: string; currency: { symbol: string } }>(['order', 'show', placed.order]);
  assert.deepEqual([os.price, os.escrow, os.designerFee, os.currency.symbol], ['25', '25', '0.5', 'LAMP']);
});
