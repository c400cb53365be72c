/**
 * The comlink worker API, run in a real worker thread (Node's stand-in for a Web Worker) against
 * real validators: start, proven reads, head subscriptions through proxies, and typed errors
 * surviving the thread boundary.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, genesisHash, toHex, headerHash, dpn, LightErrorCode, isLightError } from '@dipnet/protocol';
import { proxy } from './worker.ts';
import { startNet } from './testing/devnet.ts';
import { startWorkerThread } from './testing/worker-thread.ts';
import { devKey } from '@dipnet/bootstrap-node';
import { waitFor } from '@dipnet/bootstrap-node/testing';

const CHAIN = 'dipnet-lc-worker-test';
const net = await startNet({ chainId: CHAIN, validators: 4 });
const { lc, stop } = startWorkerThread('worker-entry.ts');
after(async () => {
  await stop();
  await net.stop();
});
const sale = devKey('sale');
const bob = addressOf(devKey('w/bob').publicKey);

test('a light client in a worker thread syncs, proves and follows heads through comlink', async () => {
  await net.commit(sale, { type: 'transfer', to: bob, amount: dpn(3), memo: '' });
  const head = await lc.start({ chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, trustingPeriodMs: 86_400_000, relays: net.relayUrls, store: 'memory' });
  assert.equal(head.hash, toHex(headerHash(net.nodes[0]!.getHeader(head.height)!)));
  const acct = await lc.getAccount(bob);
  assert.equal(acct.account.balance, dpn(3));
  const heads: bigint[] = [];
  const off = await lc.onHead(proxy((h) => void heads.push(h.height)));
  const h = await net.commit(sale, { type: 'transfer', to: bob, amount: dpn(1), memo: '' });
  await waitFor(() => heads.includes(h), { timeoutMs: 10_000, what: 'the head to arrive from the worker' });
  await off();
  await assert.rejects(lc.getAccount('not-an-address'), (e: unknown) => isLightError(e, LightErrorCode.LC_INVALID_ARGUMENT));
});
