/**
 * The mempool between blocks, on real Chains (testing/chain-pair.ts): after each block only the
 * touched senders are re-examined, usually by shifting off what the block committed; a tx
 * committed from elsewhere, spending elsewhere, or a tx a builder rejected sends the queue
 * through the full check. Queued txs stay in nonce order and never outspend their account.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, dpn, equalBytes, txHash, toHex, StateKey, decodeAccount, type KeyPair } from '@dipnet/protocol';
import { ChainPair } from './testing/chain-pair.ts';
import { devnetGenesis } from './devnet/genesis.ts';
import { devKey } from './devnet/dev-keys.ts';
import { transfer } from './testing/fixtures.ts';

const genesis = devnetGenesis({ chainId: 'mempool-test', validators: 4, genesisTime: BigInt(Date.now()) - 60_000n });
const pair = await ChainPair.start(genesis);
after(() => pair.close());
const pool = pair.validator.mempool;
const chainId = genesis.chainId;
const sale = devKey('sale');
const sink = devKey('mempool/sink');
let saleNonce = 0n;

const account = (k: KeyPair) => decodeAccount(pair.validator.chain.committedView().get(StateKey.account(addressOf(k.publicKey)))!);
/** The key's pooled txs' nonces, in the order a block builder would take them. */
const queued = (k: KeyPair): bigint[] => pool.candidates(1000).filter((c) => equalBytes(c.tx.tx.signer, k.publicKey)).map((c) => c.tx.tx.nonce);
async function fund(k: KeyPair, amount: bigint): Promise<void> {
  await pair.finalize(await pair.propose([transfer(chainId, sale, k, amount, saleNonce++)]));
}

test('a block that commits the head of a queue leaves the rest, in order', async () => {
  const alice = devKey('mempool/alice');
  await fund(alice, dpn(100));
  const txs = [0n, 1n, 2n, 3n, 4n].map((n) => transfer(chainId, alice, sink, dpn(1), n));
  for (const t of txs) pool.add(t);
  assert.deepEqual(queued(alice), [0n, 1n, 2n, 3n, 4n]);
  await pair.finalize(await pair.propose(txs.slice(0, 2)));
  assert.deepEqual(queued(alice), [2n, 3n, 4n]);
  await pair.finalize(await pair.propose(txs.slice(2)));
  assert.deepEqual(queued(alice), []);
  assert.equal(pool.size, 0);
});

test('a tx committed from elsewhere with a queued nonce drops the queued one; the later ones stay', async () => {
  const carol = devKey('mempool/carol');
  await fund(carol, dpn(100));
  for (const n of [0n, 1n, 2n]) pool.add(transfer(chainId, carol, sink, dpn(1), n));
  // Another node's pool had a different tx with nonce 0 (a different amount).
  await pair.finalize(await pair.propose([transfer(chainId, carol, sink, dpn(2), 0n)]));
  assert.deepEqual(queued(carol), [1n, 2n]);
});

test('spending elsewhere drops the queued txs the account can no longer pay for', async () => {
  const dave = devKey('mempool/dave');
  await fund(dave, dpn(100));
  for (const n of [0n, 1n, 2n]) pool.add(transfer(chainId, dave, sink, dpn(10), n));
  // Elsewhere, nonce 0 moves most of the balance: 100 − 80 − fee leaves room for one more 10 DPN transfer.
  await pair.finalize(await pair.propose([transfer(chainId, dave, sink, dpn(80), 0n)]));
  const left = account(dave).balance;
  assert.ok(left >= dpn(11) && left < dpn(22), `balance left ${left}`);
  assert.deepEqual(queued(dave), [1n]);
});

test('a tx removed from the middle of a queue takes the ones after it along', async () => {
  const erin = devKey('mempool/erin');
  await fund(erin, dpn(100));
  const txs = [0n, 1n, 2n, 3n].map((n) => transfer(chainId, erin, sink, dpn(1), n));
  for (const t of txs) pool.add(t);
  pool.remove([toHex(txHash(txs[1]!))]);
  assert.deepEqual(queued(erin), [0n]);
  // The queue is whole again: the next block shifts it as usual.
  pool.add(txs[1]!);
  pool.add(txs[2]!);
  await pair.finalize(await pair.propose(txs.slice(0, 1)));
  assert.deepEqual(queued(erin), [1n, 2n]);
});

test('a late copy of a committed tx is known by its id: add says replayed, addIfNew does nothing', async () => {
  const frank = devKey('mempool/frank');
  await fund(frank, dpn(100));
  const tx = transfer(chainId, frank, sink, dpn(1), 0n);
  // Committed by a proposal before this node's gossip copy arrived (it never was in this pool).
  await pair.finalize(await pair.propose([tx]));
  const size = pool.size;
  assert.equal(pool.addIfNew(tx), false);
  assert.throws(() => pool.add(tx), { code: 'TX_NONCE_REPLAYED' });
  assert.equal(pool.size, size);
  // A new tx is added by either; a pooled one is a duplicate to add and nothing new to addIfNew.
  const next = transfer(chainId, frank, sink, dpn(1), 1n);
  assert.equal(pool.addIfNew(next), true);
  assert.equal(pool.addIfNew(next), false);
  assert.throws(() => pool.add(next), { code: 'TX_DUPLICATE' });
  assert.deepEqual(queued(frank), [1n]);
});
