/**
 * The WebRTC-direct bridge in Node, against a real node's libp2p host: the worker API
 * (createWorkerApi behind comlink on one end of a MessageChannel, as in a worker) with the page
 * side's `startWebRtcBridge` on the other. The node must see the bridge's own peer (WebRTC-direct
 * only) serving the sync, a proven read, a transfer and the heads stream; a closed bridge fails
 * over to WebSockets; a page that tampers with bytes is caught by verification.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { expose, transfer } from 'comlink';
import { addressOf, formatAddress, genesisHash, toHex, headerHash, dpn, StateKey, decodeAccount, WireMethod, type ErrorCode } from '@dipnet/protocol';
import { createP2PHost, createRelay, DipnetNode, devKey, devValidatorKey, devnetGenesis } from '@dipnet/bootstrap-node';
import { releaseWebRtcNative, tempDir, transfer as transferTx, waitFor } from '@dipnet/bootstrap-node/testing';
import { FAST } from '../testing/devnet.ts';
import { connectLightClientWorker, createWorkerApi, installErrorTransfer, type WorkerLightClientOptions } from '../worker.ts';
import { Libp2pConnector } from './libp2p.ts';
import { createWebRtcBridgeApi, startWebRtcBridge, type WebRtcBridgeApi } from './webrtc-bridge-page.ts';

const CHAIN = 'dipnet-lc-bridge-test';
const genesis = devnetGenesis({ chainId: CHAIN, validators: 1 });
const dir = await tempDir('dipnet-lc-bridge-');
/** Methods the node served, with the peer that asked. */
const served: { method: string; from: string }[] = [];
const node = await DipnetNode.start({
  dataDir: dir.path, genesis, validatorSecret: devValidatorKey(0).secretKey, timeouts: FAST,
  network: (h) => createP2PHost({
    privateKeySeed: new Uint8Array(32).fill(11),
    listen: { ws: '/ip4/127.0.0.1/tcp/0/ws', webrtcDirect: '/ip4/127.0.0.1/udp/0/webrtc-direct' },
    bootstrap: [], chainId: CHAIN,
  }, { ...h, onRequest: (method, body, from) => { served.push({ method, from }); return h.onRequest(method, body, from); } }),
});
const relay = await createRelay(node, { rateLimit: { max: 100_000, timeWindowMs: 60_000 } });
const relayUrl = await relay.listen({ host: '127.0.0.1', port: 0 });
const cleanups: (() => Promise<unknown> | unknown)[] = [];
/** A close that hangs (a WebRTC channel that never reports closed) must not hold the file until its timeout. */
const bounded = (what: string, p: Promise<unknown> | unknown): Promise<unknown> => Promise.race([
  Promise.resolve(p),
  new Promise((resolve) => setTimeout(() => { console.warn(`# cleanup: ${what} did not finish in 10 s; going on`); resolve(undefined); }, 10_000).unref()),
]);
after(async () => {
  for (const c of cleanups.reverse()) await bounded('a worker pair', c());
  await bounded('the relay', relay.close());
  await bounded('the node', node.stop());
  await dir.cleanup();
  await releaseWebRtcNative();
});
await waitFor(() => node.chain.head.height >= 1n, { timeoutMs: 10_000, what: 'block 1' });
const addrs = node.network.multiaddrs();
const ws = addrs.find((a) => a.includes('/ws/'))!;
const webrtc = addrs.find((a) => a.includes('/webrtc-direct/'))!;
const balance = (addr: Uint8Array): bigint => {
  const raw = node.chain.store.getValue(StateKey.account(addr));
  return raw ? decodeAccount(raw).balance : 0n;
};
const options = (over: Partial<WorkerLightClientOptions> = {}): WorkerLightClientOptions => ({
  chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(genesis)) }, trustingPeriodMs: 86_400_000, store: 'memory',
  multiaddrs: [ws, webrtc], relays: [relayUrl], follow: false, libp2pOptions: { timeoutMs: 5000 }, ...over,
});

/** The worker API served on one end of a MessageChannel; the page's comlink handle on the other. */
function workerPair() {
  installErrorTransfer();
  const ch = new MessageChannel();
  expose(createWorkerApi(), ch.port1);
  const lc = connectLightClientWorker(ch.port2);
  cleanups.push(async () => { await lc.close(); ch.port1.close(); ch.port2.close(); });
  return lc;
}

test('with a bridge the worker prefers WebRTC-direct through the page: sync, proven read, transfer, heads', { timeout: 60_000 }, async () => {
  const lc = workerPair();
  const bridge = await startWebRtcBridge(lc);
  cleanups.push(() => bridge.close());
  const bridgePeer = await bridge.peerId();
  const head = await lc.start(options({ follow: true }));
  assert.equal(head.hash, toHex(headerHash(node.getHeader(head.height)!)));
  const sources = await lc.sources();
  // The bridged webrtc-direct source first although the page listed ws first; the worker's own libp2p keeps only ws.
  assert.deepEqual(sources.map((s) => [s.kind, s.id]), [['libp2p-webrtc-bridge', webrtc], ['libp2p', ws], ['relay-http', relayUrl]]);
  assert.equal(sources[0]!.health, 'ok');
  assert.ok((await bridge.connections()).some((a) => a.includes('/webrtc-direct')), 'the page node is connected over webrtc-direct');
  assert.ok(served.some((s) => s.from === bridgePeer && s.method === WireMethod.headers), 'headers served to the bridge peer');

  const sale = devKey('sale');
  const acct = await lc.getAccount(formatAddress(addressOf(sale.publicKey)));
  assert.equal(acct.account.balance, balance(addressOf(sale.publicKey)));
  assert.ok(served.some((s) => s.from === bridgePeer && s.method === WireMethod.proof));

  await lc.importWallet(sale.secretKey);
  const to = addressOf(devKey('bridge/bob').publicKey);
  const r = await lc.transfer({ to: formatAddress(to), amount: dpn(3), timeoutMs: 20_000 });
  assert.equal(r.account.account.balance, balance(addressOf(sale.publicKey)));
  assert.equal(balance(to), dpn(3));
  assert.deepEqual([...new Set(served.filter((s) => s.method === WireMethod.submitTx).map((s) => s.from))], [bridgePeer], 'the tx went through the bridge');
  // New heads arrive over the bridged `heads` push stream: the verified head follows a block made
  // by a tx sent straight to the node, without sync() and without status polls.
  const polls = served.filter((s) => s.method === WireMethod.status).length;
  const nonce = decodeAccount(node.chain.store.getValue(StateKey.account(addressOf(sale.publicKey)))!).nonce;
  // Read before submitting: blocks come only for txs, so a head read after could already hold it.
  const target = node.chain.head.height + 1n;
  await node.submitTx(transferTx(CHAIN, sale, devKey('bridge/dora'), dpn(1), nonce));
  await waitFor(async () => (await lc.head()).height >= target, { timeoutMs: 15_000, what: `verified head ${target} over the bridge` });
  assert.equal((await lc.head()).hash, toHex(headerHash(node.getHeader((await lc.head()).height)!)));
  assert.equal(served.filter((s) => s.method === WireMethod.status).length, polls, 'no status polls while following');
  assert.equal((await lc.sources())[0]!.health, 'ok');
});

test('a bridge that stops fails over to WebSockets, and back to nothing worse', { timeout: 60_000 }, async () => {
  const lc = workerPair();
  const bridge = await startWebRtcBridge(lc);
  await lc.start(options());
  assert.equal((await lc.sources())[0]!.health, 'ok');
  await bridge.close();
  const before = served.length;
  const acct = await lc.getAccount(formatAddress(addressOf(devKey('sale').publicKey)));
  assert.equal(acct.account.balance, balance(addressOf(devKey('sale').publicKey)));
  const s = await lc.sources();
  assert.equal(s[0]!.kind, 'libp2p-webrtc-bridge');
  assert.equal(s[0]!.health, 'unavailable');
  assert.equal(s[0]!.lastError?.code, 'LC_SOURCE_UNAVAILABLE');
  assert.equal(s[1]!.health, 'ok');
  assert.ok(served.slice(before).some((x) => x.method === WireMethod.proof), 'the read was served over ws');
});

test('a page that tampers with bytes or invents errors cannot make the worker trust or refuse anything', { timeout: 60_000 }, async () => {
  const connector = new Libp2pConnector('webrtc-direct');
  cleanups.push(() => connector.stop());
  const honest = createWebRtcBridgeApi(connector).api;
  let mode: 'flip' | 'reject' | 'junk' = 'flip';
  // The page's own code, lying: it flips a byte of every proof answer, or drops a tx and claims the node rejected it.
  const lying: WebRtcBridgeApi = {
    ...honest,
    async request(chainId, addr, method, body, timeoutMs) {
      // It drops the tx and claims the node refused it.
      if (method === WireMethod.submitTx && mode === 'reject') throw Object.assign(new Error('nope'), { name: 'LightError', code: 'LC_TX_REJECTED', details: { remoteCode: 'TX_BAD_NONCE' as ErrorCode } });
      const frame = await honest.request(chainId, addr, method, body, timeoutMs);
      if (method === WireMethod.proof && mode === 'flip') frame[frame.length - 1]! ^= 1;
      if (method === WireMethod.proof && mode === 'junk') return 'not bytes' as unknown as Uint8Array;
      return frame;
    },
  };
  const lc = workerPair();
  const ch = new MessageChannel();
  expose(lying, ch.port1);
  cleanups.push(() => ch.port1.close());
  await lc.attachWebRtcBridge(transfer(ch.port2, [ch.port2]));
  await lc.start(options({ multiaddrs: [webrtc, ws] }));
  const sale = addressOf(devKey('sale').publicKey);
  const acct = await lc.getAccount(formatAddress(sale));
  // The flipped proof failed verification: the bridge is faulty and the answer came from ws.
  assert.equal(acct.account.balance, balance(sale));
  const s = await lc.sources();
  assert.equal(s[0]!.health, 'faulty', JSON.stringify(s[0]));
  assert.match(s[0]!.lastError?.code ?? '', /^LC_(PROOF|VALUE)_/);
  assert.equal(s[1]!.health, 'ok');

  // A fresh client: invented error codes from the page are only "unavailable".
  mode = 'reject';
  await lc.start(options({ multiaddrs: [webrtc, ws] }));
  await lc.importWallet(devKey('sale').secretKey);
  const r = await lc.transfer({ to: formatAddress(addressOf(devKey('bridge/carol').publicKey)), amount: dpn(1), timeoutMs: 20_000 });
  assert.equal(balance(addressOf(devKey('bridge/carol').publicKey)), dpn(1));
  assert.ok(r.height > 0n);
  // The invented rejection counted as an outage (retried later, never faulty); ws carried the tx.
  const s2 = await lc.sources();
  assert.notEqual(s2[0]!.health, 'faulty');
  assert.equal(s2[0]!.lastError?.code, 'LC_SOURCE_UNAVAILABLE');
  assert.match(s2[0]!.lastError?.message ?? '', /via the page's WebRTC bridge/);

  mode = 'junk';
  await lc.start(options({ multiaddrs: [webrtc, ws] }));
  await lc.getAccount(formatAddress(sale));
  const s3 = await lc.sources();
  assert.equal(s3[0]!.health, 'faulty');
  assert.equal(s3[0]!.lastError?.code, 'LC_RESPONSE_MALFORMED');
});
