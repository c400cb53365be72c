/**
 * The `heads` push stream against a real validator and its real libp2p host: frames for new
 * heights after a tx, cleanup when the client closes, the per-peer stream limit, and host stop.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createLibp2p } from 'libp2p';
import { webSockets } from '@libp2p/websockets';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { multiaddr } from '@multiformats/multiaddr';
import type { Stream } from '@libp2p/interface';
import {
  FrameDecoder, StateKey, WIRE_MAX_HEAD_FRAME_BYTES, WireMethod, addressOf, decodeAccount, decodeHeadEvent, dpn,
  encodeFrame, encodeHeadsRequest, encodeHeader, wireProtocolId, type HeaderWithCommit,
} from '@dipnet/protocol';
import { DipnetNode } from '../node.ts';
import { devnetGenesis } from '../devnet/genesis.ts';
import { devKey, devValidatorKey } from '../devnet/dev-keys.ts';
import { tempDir, transfer, waitFor } from '../testing/fixtures.ts';
import type { FinalizedEvent } from '../node-api.ts';
import { createP2PHost } from './host.ts';
import { toBytes } from './stream-io.ts';

const CHAIN = 'dipnet-heads-test';
const FAST = { proposeMs: 400, prevoteMs: 200, precommitMs: 200, deltaMs: 100, maxMs: 2000, blockTimeMs: 50, emptyBlockIntervalMs: 60_000 };
const genesis = devnetGenesis({ chainId: CHAIN, validators: 1 });
const dir = await tempDir('dipnet-heads-');
const node = await DipnetNode.start({
  dataDir: dir.path, genesis, validatorSecret: devValidatorKey(0).secretKey, timeouts: FAST,
  network: (h) => createP2PHost({ privateKeySeed: new Uint8Array(32).fill(9), listen: { ws: '/ip4/127.0.0.1/tcp/0/ws' }, bootstrap: [], chainId: CHAIN }, h),
});
// Count live subscriptions: the host subscribes through the node's onFinalized at stream time.
let subscribed = 0;
const onFinalized = node.onFinalized.bind(node);
node.onFinalized = (l: (e: FinalizedEvent) => void) => {
  subscribed++;
  const off = onFinalized(l);
  return () => {
    subscribed--;
    off();
  };
};
const client = await createLibp2p({
  transports: [webSockets()], connectionEncrypters: [noise()], streamMuxers: [yamux()],
  connectionGater: { denyDialMultiaddr: () => false }, services: { identify: identify() },
});
let nodeStopped = false;
after(async () => {
  await client.stop();
  if (!nodeStopped) await node.stop();
  await dir.cleanup();
});
const ws = multiaddr(node.network.multiaddrs().find((a) => a.includes('/ws/'))!);
const sale = devKey('sale');
let nonce = ((): bigint => {
  const raw = node.chain.store.getValue(StateKey.account(addressOf(sale.publicKey)));
  return raw ? decodeAccount(raw).nonce : 0n;
})();

interface HeadStream { stream: Stream; heads: HeaderWithCommit[]; closed: { error: Error | undefined } | null }

async function openHeads(): Promise<HeadStream> {
  const stream = await client.dialProtocol(ws, wireProtocolId(CHAIN, WireMethod.heads));
  const s: HeadStream = { stream, heads: [], closed: null };
  const decoder = new FrameDecoder(WIRE_MAX_HEAD_FRAME_BYTES);
  stream.addEventListener('message', (evt) => {
    for (const f of decoder.push(toBytes(evt.data))) s.heads.push(decodeHeadEvent(f));
  });
  stream.addEventListener('close', (evt) => { s.closed = { error: evt.error }; });
  // A refused stream may already be reset by the time the protocol is negotiated.
  try {
    stream.send(encodeFrame(encodeHeadsRequest()));
  } catch (err) {
    s.closed ??= { error: err as Error };
  }
  return s;
}

async function commitTx(): Promise<bigint> {
  const hash = await node.submitTx(transfer(CHAIN, sale, devKey('heads/bob'), dpn(1), nonce++));
  let height = 0n;
  await waitFor(() => {
    const st = node.txStatus(hash);
    if (st.status === 'committed') height = st.height;
    return st.status === 'committed';
  }, { timeoutMs: 20_000, what: 'tx to commit' });
  return height;
}

test('frames for new heights arrive, and the subscription ends when the client closes', async () => {
  const s = await openHeads();
  await waitFor(() => subscribed === 1, { timeoutMs: 5_000, what: 'the node to subscribe' });
  const h1 = await commitTx();
  const h2 = await commitTx();
  await waitFor(() => s.heads.some((h) => h.header.height === h2), { timeoutMs: 5_000, what: `head ${h2}` });
  for (const height of [h1, h2]) {
    const got = s.heads.find((h) => h.header.height === height);
    assert.ok(got, `head ${height} pushed`);
    assert.deepStrictEqual(encodeHeader(got.header), encodeHeader(node.getHeader(height)!));
    assert.equal(got.commit.height, height);
  }
  await s.stream.close();
  await waitFor(() => subscribed === 0, { timeoutMs: 5_000, what: 'the node to unsubscribe' });
  await waitFor(() => s.closed !== null, { timeoutMs: 5_000, what: 'the stream to close' });
});

test('at most 4 head streams per peer; an abort frees a slot', async () => {
  const streams: HeadStream[] = [];
  for (let i = 0; i < 4; i++) streams.push(await openHeads());
  await waitFor(() => subscribed === 4, { timeoutMs: 5_000, what: 'four subscriptions' });
  const fifth = await openHeads();
  await waitFor(() => fifth.closed !== null, { timeoutMs: 5_000, what: 'the fifth stream to be refused' });
  assert.equal(subscribed, 4);
  streams[0]!.stream.abort(new Error('bye'));
  await waitFor(() => subscribed === 3, { timeoutMs: 5_000, what: 'an aborted stream to unsubscribe' });
  const again = await openHeads();
  await waitFor(() => subscribed === 4, { timeoutMs: 5_000, what: 'the freed slot to be reused' });
  for (const s of [...streams.slice(1), again]) await s.stream.close();
  await waitFor(() => subscribed === 0, { timeoutMs: 5_000, what: 'all to unsubscribe' });
});

test('stopping the host ends open head streams', async () => {
  const s = await openHeads();
  await waitFor(() => subscribed === 1, { timeoutMs: 5_000, what: 'the node to subscribe' });
  nodeStopped = true;
  await node.stop();
  assert.equal(subscribed, 0);
  await waitFor(() => s.closed !== null, { timeoutMs: 5_000, what: 'the stream to close' });
});
