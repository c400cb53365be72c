/**
 * Following heads when the followed node goes away — the "killed validator" a viewer's page must
 * ride out. Four in-process validators with three relays; the light client follows relay 0.
 *
 * 1. Node 0 stops but its relay stays up and silent (a hung or partitioned node, or one that
 *    withholds heads): the head watch asks another relay, verifies the newer head from it and
 *    follows it.
 * 2. The relay now followed disappears (connection refused): the subscription's error moves the
 *    client on to the next relay at once. Heads keep arriving, all verified.
 * 3. A relay answers "accepted" to a transfer and drops it: the client re-sends the signed tx to
 *    its other sources and the transfer is finalised.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, formatAddress, genesisHash, toHex, headerHash, StateKey, decodeAccount, dpn } from '@dipnet/protocol';
import { createLightClient, type LightClient } from './index.ts';
import { startNet, startProxy } from './testing/devnet.ts';
import { devKey } from '@dipnet/bootstrap-node';
import { waitFor } from '@dipnet/bootstrap-node/testing';

const CHAIN = 'dipnet-lc-follow-failover';
const net = await startNet({ chainId: CHAIN, validators: 4, relays: 3 });
let lc: LightClient | undefined;
after(async () => {
  await lc?.close();
  await net.stop();
});

const sale = devKey('sale');
const bob = addressOf(devKey('lc/failover-bob').publicKey);
const pay = (via: number) => net.commit(sale, { type: 'transfer', to: bob, amount: dpn(1), memo: '' }, via);

test('a followed node that stops, then a followed relay that vanishes, are left for live ones', async () => {
  await pay(0);
  lc = await createLightClient({
    chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, trustingPeriodMs: 86_400_000,
    relays: net.relayUrls, store: 'memory', headWatchMs: 500,
  });
  const h1 = await pay(0);
  await waitFor(() => lc!.head().height >= h1, { timeoutMs: 10_000, what: 'the client to follow relay 0' });

  // 1. Node 0 stops; its relay keeps answering but announces nothing more.
  await net.stopNode(0);
  const h2 = await pay(1);
  await waitFor(() => lc!.head().height >= h2, { timeoutMs: 15_000, what: `the client to reach height ${h2} from another relay` });
  assert.equal(lc.head().hash, toHex(headerHash(net.nodes[1]!.getHeader(lc.head().height)!)));

  // 2. Relay 1 goes away entirely; the client must not wait on it.
  await net.relays[1]!.close();
  const h3 = await pay(2);
  await waitFor(() => lc!.head().height >= h3, { timeoutMs: 15_000, what: `the client to reach height ${h3} after relay 1 vanished` });
  const h4 = await pay(3);
  await waitFor(() => lc!.head().height >= h4, { timeoutMs: 15_000, what: `the client to keep following (height ${h4})` });
  assert.equal(lc.head().hash, toHex(headerHash(net.nodes[2]!.getHeader(lc.head().height)!)));
  const health = Object.fromEntries(lc.sources().map((s) => [s.id, s.health]));
  assert.equal(health[net.relayUrls[2]!], 'ok', JSON.stringify(health));
});

test('a relay that says "accepted" and drops the tx: the client sends it to its other sources', async () => {
  const alice = devKey('lc/failover-alice');
  await net.commit(sale, { type: 'transfer', to: addressOf(alice.publicKey), amount: dpn(10), memo: '' }, 2);
  const proxy = await startProxy(net.relayUrls[2]!);
  proxy.swallowTxs = true;
  const client = await createLightClient({
    chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, trustingPeriodMs: 86_400_000,
    relays: [proxy.url, net.relayUrls[2]!], store: 'memory',
  });
  try {
    await client.importWallet(alice.secretKey);
    const t0 = Date.now();
    const r = await client.transfer({ to: formatAddress(bob), amount: dpn(1) });
    assert.ok(proxy.paths.includes('POST /v1/txs'), 'the first submission went to the swallowing relay');
    const raw = net.nodes[2]!.chain.store.getValue(StateKey.account(addressOf(alice.publicKey)));
    assert.equal(decodeAccount(raw!).nonce, r.nonce + 1n, 'the transfer is on chain');
    console.log(`# finalised ${Date.now() - t0} ms after a relay swallowed it`);
  } finally {
    await client.close();
    await proxy.close();
  }
});
