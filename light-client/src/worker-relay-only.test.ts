/**
 * The relay-only worker API (`@dipnet/light-client/worker-relay-only`) in a real worker thread
 * (Node's stand-in for a Web Worker), against a real validator and its relay: it syncs a verified
 * head, proves a read and follows heads; multiaddrs it would have to dial itself are refused with
 * a typed error across the boundary. (That its bundle holds no libp2p is test/src/relay-only-bundle.test.ts.)
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, genesisHash, toHex, headerHash, dpn, LightErrorCode, isLightError } from '@dipnet/protocol';
import { proxy } from './worker-relay-only.ts';
import { startNet } from './testing/devnet.ts';
import { startWorkerThread } from './testing/worker-thread.ts';
import { devKey } from '@dipnet/bootstrap-node';
import { waitFor } from '@dipnet/bootstrap-node/testing';

const CHAIN = 'dipnet-lc-worker-relay-only-test';
const net = await startNet({ chainId: CHAIN, validators: 1 });
const { lc, stop } = startWorkerThread('worker-relay-only-entry.ts');
after(async () => {
  await stop();
  await net.stop();
});
const sale = devKey('sale');
const carol = addressOf(devKey('relay-only-worker/carol').publicKey);
const options = { chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, trustingPeriodMs: 86_400_000, store: 'memory' as const };

test('the relay-only worker syncs over relays, proves a read and follows heads', async () => {
  await net.commit(sale, { type: 'transfer', to: carol, amount: dpn(7), memo: '' });
  const head = await lc.start({ ...options, relays: net.relayUrls });
  assert.equal(head.hash, toHex(headerHash(net.nodes[0]!.getHeader(head.height)!)));
  assert.equal((await lc.getAccount(carol)).account.balance, dpn(7));
  const heads: bigint[] = [];
  const off = await lc.onHead(proxy((h) => void heads.push(h.height)));
  const h = await net.commit(sale, { type: 'transfer', to: carol, amount: dpn(1), memo: '' });
  await waitFor(() => heads.includes(h), { timeoutMs: 10_000, what: 'the head to arrive from the relay-only worker' });
  await off();
});

test('a multiaddr the relay-only worker would dial itself is refused with LC_INVALID_ARGUMENT, and leaves no client started', async () => {
  await assert.rejects(
    lc.start({ ...options, relays: net.relayUrls, multiaddrs: ['/ip4/127.0.0.1/tcp/4001/ws/p2p/12D3KooWQyG6YFfuBzFTqbVNfXNR7cpXcqNZfGbxzTyHhvPA6YjD'] }),
    (e: unknown) => isLightError(e, LightErrorCode.LC_INVALID_ARGUMENT) && /relay-only/.test((e as Error).message),
  );
  // The failed start replaced the started client: nothing answers as if it were started.
  await assert.rejects(lc.getAccount(carol), (e: unknown) => isLightError(e, LightErrorCode.LC_CLOSED));
});
