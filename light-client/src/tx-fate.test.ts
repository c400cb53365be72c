/**
 * A payment's outcome is the chain's verdict, never a relay's (issue 17 §2–4). Through a proxy in
 * front of a real relay of in-process validators:
 * - a relay that forwards the tx and answers "refused (TX_INSUFFICIENT_FUNDS)": the client shows
 *   that as a hint and reports the payment done once a verified block proves it (transfer and order);
 * - a relay that drops the tx and says "in a block": never a finished step; the outcome is
 *   "pending, still checking" (LC_TX_PENDING), proven "not executed" once another tx spends its nonce;
 * - a frozen head while the tx is forwarded: "pending", never "failed", then proven executed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, formatAddress, genesisHash, toHex, LightErrorCode, isLightError, dpn, ErrorCode } from '@dipnet/protocol';
import { createLightClient, MemoryStore, type ContractTxStage, type TransferStage, type TxOutcome } from './index.ts';
import { netBehindProxy } from './testing/devnet.ts';
import { devKey, seedContracts, relaySeedChain, RelayClient } from '@dipnet/bootstrap-node';
import { waitFor } from '@dipnet/bootstrap-node/testing';

const CHAIN = 'dipnet-lc-tx-fate-test';
const { net, proxy, track } = await netBehindProxy({ chainId: CHAIN, validators: 4, relays: 2 });
const sale = devKey('sale');
const open = async (key: ReturnType<typeof devKey>) => {
  await net.commit(sale, { type: 'transfer', to: addressOf(key.publicKey), amount: dpn(1000), memo: 'fund' });
  const lc = track(await createLightClient({ chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, relays: [proxy.url], store: 'memory', follow: true, headWatchMs: 300 }));
  await lc.importWallet(key.secretKey);
  return lc;
};
const bob = formatAddress(addressOf(devKey('fate/bob').publicKey));

test('a relay that forwards the tx and claims it was refused: a hint, then the proven outcome', async () => {
  const payer = devKey('fate/refused');
  const lc = await open(payer);
  proxy.refuseTxs = ErrorCode.TX_INSUFFICIENT_FUNDS;
  try {
    const stages: TransferStage[] = [];
    const r = await lc.transfer({ to: bob, amount: dpn(1) }, (s) => stages.push(s));
    assert.ok(stages.some((s) => s.stage === 'hint' && s.hint.says === 'refused' && s.hint.code === ErrorCode.TX_INSUFFICIENT_FUNDS), JSON.stringify(stages.map((s) => s.stage)));
    assert.equal(stages.at(-1)!.stage, 'finalised');
    assert.equal(net.nonce(payer), 1n, 'it executed');
    assert.ok(r.height > 0n);
  } finally {
    proxy.refuseTxs = null;
  }
});

test('a relay that drops the tx and says it is in a block: never a finished step; pending, then proven not executed', async () => {
  const payer = devKey('fate/dropped');
  const lc = await open(payer);
  proxy.swallowTxs = true;
  proxy.tamper = (path, body) => (/^\/v1\/txs\/[0-9a-f]{64}$/.test(path) ? { status: 'committed', height: '3', index: 0, code: 'OK' } : body);
  const outcomes: TxOutcome[] = [];
  lc.onTxOutcome((o) => outcomes.push(o));
  try {
    const stages: TransferStage[] = [];
    await assert.rejects(lc.transfer({ to: bob, amount: dpn(1), timeoutMs: 2_000 }, (s) => stages.push(s)), (e: unknown) => {
      assert.ok(isLightError(e, LightErrorCode.LC_TX_PENDING), String(e));
      assert.match(e.message, /still checking/);
      return true;
    });
    assert.ok(stages.some((s) => s.stage === 'hint' && s.hint.says === 'in-block'), 'the relay\'s word was passed on as a hint');
    assert.ok(!stages.some((s) => s.stage === 'finalised'), 'and never as a finished step');
    assert.equal(lc.pendingTxs().length, 1);
    const pending = lc.pendingTxs()[0]!;
    // The same nonce is spent by another tx (sent straight to a validator): the dropped one can never execute.
    proxy.swallowTxs = false;
    proxy.tamper = null;
    await net.commit(payer, { type: 'transfer', to: addressOf(devKey('fate/carol').publicKey), amount: dpn(2), memo: 'takes the nonce' });
    await waitFor(() => outcomes.length > 0, { timeoutMs: 15_000, what: 'the pending tx to be proven' });
    assert.equal(outcomes[0]!.tx.hash, pending.hash);
    assert.equal(outcomes[0]!.outcome, 'not-executed');
    assert.deepEqual(lc.pendingTxs(), []);
  } finally {
    proxy.swallowTxs = false;
    proxy.tamper = null;
  }
});

test('a frozen head while the tx is forwarded: "pending", never "failed", then proven executed', async () => {
  const payer = devKey('fate/frozen');
  const lc = await open(payer);
  const outcomes: TxOutcome[] = [];
  lc.onTxOutcome((o) => outcomes.push(o));
  proxy.freezeAt = lc.head().height;
  try {
    await assert.rejects(lc.transfer({ to: bob, amount: dpn(1), timeoutMs: 2_000 }), (e: unknown) => isLightError(e, LightErrorCode.LC_TX_PENDING));
    assert.equal(net.nonce(payer), 1n, 'the chain executed it meanwhile');
  } finally {
    proxy.freezeAt = null;
  }
  await net.commit(sale, { type: 'transfer', to: addressOf(devKey('fate/sink').publicKey), amount: 1n, memo: 'a new head' });
  await waitFor(() => outcomes.length > 0, { timeoutMs: 15_000, what: 'the pending tx to be proven' });
  assert.equal(outcomes[0]!.outcome, 'executed');
});

test('an order through a relay that claims it was refused: the hint is shown, the order is proven placed', async () => {
  const seeded = await seedContracts(relaySeedChain(new RelayClient(net.relayUrls[1]!), CHAIN), { log: () => undefined });
  const viewer = devKey('fate/viewer');
  const lc = await open(viewer);
  proxy.refuseTxs = ErrorCode.ORDER_UNDERPAID;
  try {
    const stages: ContractTxStage[] = [];
    const r = await lc.placeOrder({ product: toHex(seeded.products.jacket), shipping: { name: 'Ada' } }, (s) => stages.push(s));
    assert.ok(stages.some((s) => s.stage === 'hint' && s.hint.code === ErrorCode.ORDER_UNDERPAID));
    assert.equal(stages.at(-1)!.stage, 'finalised');
    assert.equal(r.order.id, r.orderId);
  } finally {
    proxy.refuseTxs = null;
  }
});

test('a payment sent before a reload is still resolved after it: the pending record is kept with the wallet, its outcome told to the next session', async () => {
  const payer = devKey('fate/reload');
  await net.commit(sale, { type: 'transfer', to: addressOf(payer.publicKey), amount: dpn(1000), memo: 'fund' });
  const store = new MemoryStore();
  const options = { chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, relays: [proxy.url], store, follow: true, headWatchMs: 300 } as const;
  const first = await createLightClient(options);
  await first.importWallet(payer.secretKey);
  proxy.freezeAt = first.head().height;
  try {
    await assert.rejects(first.transfer({ to: bob, amount: dpn(1), timeoutMs: 1_500 }), (e: unknown) => isLightError(e, LightErrorCode.LC_TX_PENDING));
  } finally {
    proxy.freezeAt = null;
    await first.close();
  }
  assert.equal((await store.loadPending()).length, 1, 'kept across the reload');
  // The "reloaded page": a new client on the same store, which proves the outcome and tells it once.
  const second = track(await createLightClient(options));
  const outcomes: TxOutcome[] = [];
  second.onTxOutcome((o) => outcomes.push(o));
  await net.commit(sale, { type: 'transfer', to: addressOf(devKey('fate/sink').publicKey), amount: 1n, memo: 'a new head' });
  await waitFor(() => outcomes.length > 0, { timeoutMs: 15_000, what: 'the outcome after the reload' });
  assert.equal(outcomes[0]!.outcome, 'executed');
  assert.equal(outcomes.length, 1);
  assert.deepEqual(await store.loadPending(), [], 'nothing left to keep');
});
