/**
 * The libp2p transport against a real node's libp2p host (the same `createP2PHost` the node runs):
 * sync, proven reads and a transfer over WebSockets and over WebRTC-direct, following heads over
 * the `heads` push stream (no status polling), and the fallback to the HTTP relay when the libp2p
 * address cannot be reached.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, formatAddress, genesisHash, toHex, headerHash, dpn, StateKey, decodeAccount } from '@dipnet/protocol';
import { createP2PHost, createRelay, DipnetNode, devKey, devValidatorKey, devnetGenesis } from '@dipnet/bootstrap-node';
import { releaseWebRtcNative, tempDir, transfer, waitFor } from '@dipnet/bootstrap-node/testing';
import { createLightClient, type LightClient, type LightClientOptions } from '../index.ts';
import { FAST } from '../testing/devnet.ts';

const CHAIN = 'dipnet-lc-p2p-test';
const genesis = devnetGenesis({ chainId: CHAIN, validators: 1 });
const dir = await tempDir('dipnet-lc-p2p-');
/** Request/response methods the node served, in order (to tell push from polling). */
const served: string[] = [];
const node = await DipnetNode.start({
  dataDir: dir.path, genesis, validatorSecret: devValidatorKey(0).secretKey, timeouts: FAST,
  network: (h) => createP2PHost({
    privateKeySeed: new Uint8Array(32).fill(7),
    listen: { ws: '/ip4/127.0.0.1/tcp/0/ws', webrtcDirect: '/ip4/127.0.0.1/udp/0/webrtc-direct' },
    bootstrap: [], chainId: CHAIN,
  }, { ...h, onRequest: (method, body, from) => { served.push(method); return h.onRequest(method, body, from); } }),
});
const relay = await createRelay(node, { rateLimit: { max: 100_000, timeWindowMs: 60_000 } });
const relayUrl = await relay.listen({ host: '127.0.0.1', port: 0 });
const clients: LightClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
  await relay.close();
  await node.stop();
  await dir.cleanup();
  await releaseWebRtcNative();
});
await waitFor(() => node.chain.head.height >= 1n, { timeoutMs: 10_000, what: 'block 1' });
const addrs = node.network.multiaddrs();
const ws = addrs.find((a) => a.includes('/ws/'))!;
const webrtc = addrs.find((a) => a.includes('/webrtc-direct/'))!;
const open = async (over: Partial<LightClientOptions>): Promise<LightClient> => {
  const c = await createLightClient({ chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(genesis)) }, trustingPeriodMs: 86_400_000, store: 'memory', follow: false, ...over });
  clients.push(c);
  return c;
};
const balance = (addr: Uint8Array): bigint => {
  const raw = node.chain.store.getValue(StateKey.account(addr));
  return raw ? decodeAccount(raw).balance : 0n;
};

test('over WebSockets: sync, a proven read and a transfer, all on the request/response protocols', async () => {
  assert.ok(ws, `the node listens on ws: ${addrs.join(' ')}`);
  const lc = await open({ multiaddrs: [ws], follow: true, libp2pOptions: { headPollMs: 200 } });
  assert.deepEqual(lc.sources().map((s) => s.kind), ['libp2p']);
  assert.equal(lc.head().hash, toHex(headerHash(node.getHeader(lc.head().height)!)));
  const sale = devKey('sale');
  const acct = await lc.getAccount(addressOf(sale.publicKey));
  assert.equal(acct.account.balance, balance(addressOf(sale.publicKey)));
  await lc.importWallet(sale.secretKey);
  const to = addressOf(devKey('p2p/dave').publicKey);
  const r = await lc.transfer({ to: formatAddress(to), amount: dpn(4) });
  assert.equal(balance(to), dpn(4));
  assert.ok(r.height >= 2n);
  assert.equal(lc.sources()[0]!.health, 'ok');
});

test('follows heads over the libp2p push stream, verified, without polling status', async () => {
  const lc = await open({ multiaddrs: [ws], follow: true, libp2pOptions: { headPollMs: 50 } });
  const src = (lc as unknown as { pool: { all(): { headsVia?: string }[] } }).pool.all()[0]!;
  await waitFor(() => src.headsVia === 'push', { timeoutMs: 10_000, what: 'the heads stream' });
  const before = served.filter((m) => m === 'status').length;
  const sale = devKey('sale');
  const nonce = ((): bigint => {
    const raw = node.chain.store.getValue(StateKey.account(addressOf(sale.publicKey)));
    return raw ? decodeAccount(raw).nonce : 0n;
  })();
  // The chain makes blocks only for txs: the tx's block is past the head seen before submitting it
  // (read after, a loaded machine could already have committed it, and no later block would come).
  const target = node.chain.head.height + 1n;
  await node.submitTx(transfer(CHAIN, sale, devKey('p2p/erin'), dpn(1), nonce));
  await waitFor(() => lc.head().height >= target, { timeoutMs: 20_000, what: `verified head ${target}` });
  assert.equal(lc.head().hash, toHex(headerHash(node.getHeader(lc.head().height)!)));
  assert.ok(lc.stats().headersVerified > 0);
  assert.equal(served.filter((m) => m === 'status').length, before, 'no status polls while following');
});

test('over WebRTC-direct', async () => {
  assert.ok(webrtc, `the node listens on webrtc-direct: ${addrs.join(' ')}`);
  const lc = await open({ multiaddrs: [webrtc] });
  assert.equal(lc.head().height, node.chain.head.height);
  assert.equal((await lc.getAccount(addressOf(devKey('p2p/dave').publicKey))).account.balance, dpn(4));
});

test('an unreachable libp2p address falls back to the HTTP relay', async () => {
  const dead = ws.replace(/\/tcp\/\d+\//, '/tcp/9/');
  const lc = await open({ multiaddrs: [dead], relays: [relayUrl], libp2pOptions: { timeoutMs: 2000 } });
  assert.equal(lc.head().height, node.chain.head.height);
  const info = lc.sources();
  assert.equal(info[0]!.kind, 'libp2p');
  assert.equal(info[0]!.health, 'unavailable');
  assert.equal(info[1]!.health, 'ok');
});
