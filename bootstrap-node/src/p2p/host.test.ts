import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@dipnet/protocol/testing';
import { releaseWebRtcNative } from '../testing/webrtc-native.ts';
import { createLibp2p, type Libp2p } from 'libp2p';
import { webSockets } from '@libp2p/websockets';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { multiaddr } from '@multiformats/multiaddr';
import { DipnetError, ErrorCode, FrameDecoder, concatBytes, toHex, decodeWireResult, encodeFrame, encodeFramePrefix, isDipnetError, wireProtocolId } from '@dipnet/protocol';
import { createP2PHost, P2PRequestError, type P2PHost, type P2PTuning, type GossipTopic } from './host.ts';

const CHAIN = 'dipnet-p2p-test';
const GOSSIP_PROTOCOL = `/dipnet/${CHAIN}/gossip/1`;
const REJECT_MARK = 0xee;

const TUNING: Partial<P2PTuning> = { backoffInitialMs: 100, backoffMaxMs: 600, banMs: 60_000, requestTimeoutMs: 3_000, dialTimeoutMs: 2_000 };

interface Received {
  topic: GossipTopic;
  from: string;
  data: Uint8Array;
  at: number;
}

interface TestHost {
  name: string;
  host: P2PHost;
  received: Received[];
  gossipPeers: Set<string>;
}

const live = new Set<{ stop(): void | Promise<void> }>();

const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polled every 5 ms: the gossip test times deliveries. */
const FAST = { timeoutMs: 5_000, intervalMs: 5 } as const;

async function startHost(name: string, n: number, opts: { ws?: string; webrtc?: boolean; bootstrap?: string[]; tuning?: Partial<P2PTuning> } = {}): Promise<TestHost> {
  const received: Received[] = [];
  const gossipPeers = new Set<string>();
  const host = await createP2PHost(
    {
      privateKeySeed: seed(n),
      listen: { ...(opts.ws === '' ? {} : { ws: opts.ws ?? '/ip4/127.0.0.1/tcp/0/ws' }), ...(opts.webrtc ? { webrtcDirect: '/ip4/127.0.0.1/udp/0/webrtc-direct' } : {}) },
      bootstrap: opts.bootstrap ?? [],
      chainId: CHAIN,
      requestMethods: ['status', 'block', 'proof', 'headers'],
      tuning: { ...TUNING, ...opts.tuning },
    },
    {
      onGossip(topic, from, data) {
        received.push({ topic, from, data, at: performance.now() });
        return data[0] === REJECT_MARK ? 'reject' : 'accept';
      },
      async onRequest(method, body) {
        switch (method) {
          case 'status':
            return Uint8Array.from(body).reverse();
          case 'block':
            throw new DipnetError(ErrorCode.HEIGHT_NOT_AVAILABLE, 'no block at that height');
          case 'proof':
            throw new Error('disk on fire');
          case 'headers':
            await sleep(1_000);
            return new Uint8Array(0);
          default:
            throw new Error('unreachable');
        }
      },
      onPeer(peerId, up) {
        if (up) gossipPeers.add(peerId);
        else gossipPeers.delete(peerId);
      },
    },
  );
  live.add(host);
  return { name, host, received, gossipPeers };
}

async function stopHost(h: { host: P2PHost }): Promise<void> {
  live.delete(h.host);
  await h.host.stop();
}

const wsAddr = (h: TestHost): string => {
  const a = h.host.multiaddrs().find((m) => m.includes('/ws/'));
  assert.ok(a, `${h.name} has a ws address`);
  return a;
};

const payload = (size: number, first = 1): Uint8Array => {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + first) & 0xff;
  b[0] = first;
  crypto.getRandomValues(b.subarray(1, Math.min(size, 17)));
  return b;
};

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const count = (h: TestHost, data: Uint8Array): number => h.received.filter((r) => same(r.data, data)).length;

after(async () => {
  await Promise.allSettled([...live].map(async (h) => h.stop()));
  await releaseWebRtcNative();
});

let A: TestHost;
let B: TestHost;
let C: TestHost;
let aPort = 0;

test('three hosts connect through bootstrap and form a gossip mesh', async () => {
  A = await startHost('A', 1, { webrtc: true });
  assert.ok(A.host.multiaddrs().some((m) => m.includes('/webrtc-direct/')), 'A listens on webrtc-direct');
  aPort = Number(multiaddr(wsAddr(A)).getComponents().find((c) => c.name === 'tcp')!.value);
  B = await startHost('B', 2, { bootstrap: [wsAddr(A)] });
  C = await startHost('C', 3, { bootstrap: [wsAddr(A), wsAddr(B)] });
  await waitFor(() => [A, B, C].every((h) => h.gossipPeers.size === 2), { ...FAST, what: 'full gossip mesh' });
  assert.deepStrictEqual(new Set(A.host.connectedPeers()), new Set([B.host.peerId, C.host.peerId]));
});

test('gossip reaches every other host exactly once, fast', async () => {
  const latencies: number[] = []; // until the last of the two others has it
  const firstHop: number[] = []; // until the first of them has it
  for (let i = 0; i < 60; i++) {
    const origin = [A, B, C][i % 3]!;
    const others = [A, B, C].filter((h) => h !== origin);
    const msg = payload(150, 1);
    const t0 = performance.now();
    origin.host.publish('consensus', msg);
    await waitFor(() => others.every((h) => count(h, msg) >= 1), { ...FAST, timeoutMs: 2_000, what: 'delivery' });
    const at = others.map((h) => h.received.find((r) => same(r.data, msg))!.at - t0);
    if (i >= 10) { // the first ones warm up the JIT
      latencies.push(Math.max(...at));
      firstHop.push(Math.min(...at));
    }
    await sleep(2);
  }
  // A large proposal-sized message and a tx.
  const big = payload(1024 * 1024, 2);
  const t0 = performance.now();
  B.host.publish('consensus', big);
  await waitFor(() => count(A, big) === 1 && count(C, big) === 1, { ...FAST, what: '1 MiB delivery' });
  const bigMs = performance.now() - t0;
  const tx = payload(300, 3);
  C.host.publish('txs', tx);
  await waitFor(() => count(A, tx) === 1 && count(B, tx) === 1, { ...FAST, what: 'tx delivery' });
  assert.equal(A.received.find((r) => same(r.data, tx))!.topic, 'txs');
  assert.equal(A.received.find((r) => same(r.data, tx))!.from, C.host.peerId);

  await sleep(150); // let forwarded copies arrive: they must be dropped as duplicates
  for (const h of [A, B, C]) {
    const seen = new Map<string, number>();
    for (const r of h.received) seen.set(toHex(r.data), (seen.get(toHex(r.data)) ?? 0) + 1);
    assert.ok([...seen.values()].every((n) => n === 1), `${h.name} delivered a duplicate`);
  }
  assert.equal(A.received.length, 40 + 2); // 60 messages, A originated 20 of them; plus the big one and the tx
  latencies.sort((x, y) => x - y);
  firstHop.sort((x, y) => x - y);
  const median = latencies[latencies.length >> 1]!;
  const p95 = latencies[Math.floor(latencies.length * 0.95)]!;
  console.log(`gossip latency (3 hosts in one process): first peer median ${firstHop[firstHop.length >> 1]!.toFixed(2)} ms; ` +
    `both peers median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms; 1 MiB to both: ${bigMs.toFixed(1)} ms`);
  assert.ok(median < 50, `median latency ${median} ms`);

  assert.throws(() => A.host.publish('txs', new Uint8Array(64 * 1024 + 1)), RangeError);
  assert.throws(() => A.host.publish('consensus', new Uint8Array(4 * 1024 * 1024 + 1)), RangeError);
});

test('request/response: body, typed errors, timeouts, unknown methods', async () => {
  const body = payload(1000, 9);
  const res = await B.host.request(A.host.peerId, 'status', body);
  assert.ok(same(res, Uint8Array.from(body).reverse()));

  const empty = await C.host.request(B.host.peerId, 'status', new Uint8Array(0));
  assert.equal(empty.length, 0);

  await assert.rejects(B.host.request(A.host.peerId, 'block', new Uint8Array(8)), (e) => {
    assert.ok(isDipnetError(e, ErrorCode.HEIGHT_NOT_AVAILABLE), String(e));
    assert.equal((e as DipnetError).message, 'no block at that height');
    return true;
  });
  await assert.rejects(B.host.request(A.host.peerId, 'proof', new Uint8Array(1)), (e) => e instanceof P2PRequestError && e.kind === 'remote' && e.message.includes('disk on fire'));
  const t0 = Date.now();
  await assert.rejects(B.host.request(A.host.peerId, 'headers', new Uint8Array(1), 200), (e) => e instanceof P2PRequestError && e.kind === 'timeout');
  assert.ok(Date.now() - t0 < 900);
  await assert.rejects(B.host.request(A.host.peerId, 'no-such-method', new Uint8Array(1), 2_000), (e) => e instanceof P2PRequestError);
  await assert.rejects(B.host.request(A.host.peerId, 'status', new Uint8Array(64 * 1024 + 1)), RangeError);

  // The exchange as a light client does it by hand: one frame each way, and the server closes
  // its half after answering, so the stream ends cleanly on both sides.
  const client = await createLibp2p({ transports: [webSockets()], connectionEncrypters: [noise()], streamMuxers: [yamux()], connectionGater: { denyDialMultiaddr: () => false } });
  live.add(client);
  try {
    const s = await client.dialProtocol(multiaddr(wsAddr(A)), wireProtocolId(CHAIN, 'status'));
    const chunks: Uint8Array[] = [];
    s.addEventListener('message', (evt) => chunks.push(evt.data.subarray()));
    const closed = new Promise<void>((resolve) => s.addEventListener('close', () => resolve()));
    s.send(encodeFrame(Uint8Array.of(1, 2, 3)));
    await s.close();
    await closed;
    assert.equal(s.status, 'closed');
    const frames = new FrameDecoder(1 << 20).push(concatBytes(...chunks));
    assert.equal(frames.length, 1);
    assert.deepStrictEqual(decodeWireResult(frames[0]!), { ok: true, body: Uint8Array.of(3, 2, 1) });
  } finally {
    live.delete(client);
    await client.stop();
  }

  // Many concurrent requests on one connection.
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => C.host.request(A.host.peerId, 'status', Uint8Array.of(i, 1))));
  answers.forEach((a, i) => assert.deepStrictEqual([...a], [1, i]));
});

test('webrtc-direct dialling and circuit relay through a host', async () => {
  // A dial-only host reaching A over WebRTC-direct (what browsers do), then asking it something.
  const webrtcAddr = A.host.multiaddrs().find((m) => m.includes('/webrtc-direct/'))!;
  const W = await startHost('W', 6, { ws: '', bootstrap: [webrtcAddr] });
  try {
    await waitFor(() => W.host.connectedPeers().includes(A.host.peerId), { ...FAST, timeoutMs: 10_000, what: 'W connects over webrtc-direct' });
    assert.deepStrictEqual([...(await W.host.request(A.host.peerId, 'status', Uint8Array.of(1, 2)))], [2, 1]);
  } finally {
    await stopHost(W);
  }

  // Two relay clients (browser stand-ins): X reserves a slot on A, Y reaches X through A.
  const relayClient = () => createLibp2p({
    addresses: { listen: ['/p2p-circuit'] },
    transports: [webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: { identify: identify() },
  });
  const X = await relayClient();
  live.add(X);
  const Y = await relayClient();
  live.add(Y);
  try {
    await X.dial(multiaddr(wsAddr(A)));
    await waitFor(() => X.getMultiaddrs().some((m) => m.toString().includes('/p2p-circuit')), { ...FAST, timeoutMs: 10_000, what: 'X holds a reservation on A' });
    const circuit = X.getMultiaddrs().find((m) => m.toString().includes('/p2p-circuit'))!;
    await X.handle('/echo/1', (stream) => {
      stream.addEventListener('message', (evt) => stream.send(evt.data));
      stream.addEventListener('remoteCloseWrite', () => void stream.close());
    }, { runOnLimitedConnection: true });
    const stream = await Y.dialProtocol(circuit, '/echo/1', { runOnLimitedConnection: true, signal: AbortSignal.timeout(5_000) });
    const echoed = new Promise<Uint8Array>((resolve) => stream.addEventListener('message', (evt) => resolve(evt.data.subarray())));
    stream.send(Uint8Array.of(7, 7, 7));
    assert.deepStrictEqual([...(await echoed)], [7, 7, 7]);
    await stream.close();
  } finally {
    live.delete(X);
    live.delete(Y);
    await Promise.all([X.stop(), Y.stop()]);
  }
});

test('large messages are forwarded lazily (IHAVE/IWANT) to peers the origin does not reach', async () => {
  const D = await startHost('D', 4, { bootstrap: [wsAddr(A)] });
  try {
    await waitFor(() => D.gossipPeers.has(A.host.peerId) && A.gossipPeers.has(D.host.peerId), { ...FAST, what: 'D meshes with A' });
    assert.ok(!D.gossipPeers.has(B.host.peerId));
    const big = payload(200 * 1024, 5);
    B.host.publish('consensus', big);
    await waitFor(() => count(D, big) === 1, { ...FAST, what: 'D receives via A' });
    assert.equal(D.received.find((r) => same(r.data, big))!.from, A.host.peerId);
    const small = payload(100, 6);
    C.host.publish('consensus', small);
    await waitFor(() => count(D, small) === 1, { ...FAST, what: 'D receives small via A' });
    // Tx batches of any size are forwarded as IHAVE: D still gets C's small tx batch via A.
    const txBatch = payload(120, 7);
    C.host.publish('txs', txBatch);
    await waitFor(() => count(D, txBatch) === 1, { ...FAST, what: 'D receives a small tx batch via A' });
    assert.equal(D.received.find((r) => same(r.data, txBatch))!.from, A.host.peerId);
    await sleep(100);
    assert.equal(count(D, txBatch), 1);
    assert.equal(count(D, big), 1);
    assert.equal(count(A, big), 1);
  } finally {
    await stopHost(D);
  }
});

test('a peer whose gossip keeps being rejected is disconnected and kept out', async () => {
  const E = await startHost('E', 5, { bootstrap: [wsAddr(A)] });
  try {
    await waitFor(() => E.gossipPeers.has(A.host.peerId) && A.gossipPeers.has(E.host.peerId), { ...FAST, what: 'E meshes with A' });
    for (let i = 0; i < 12; i++) E.host.publish('consensus', payload(64, REJECT_MARK));
    await waitFor(() => !A.host.connectedPeers().includes(E.host.peerId), { ...FAST, timeoutMs: 3_000, what: 'A drops E' });
    const rejectedAtA = A.received.filter((r) => r.from === E.host.peerId).length;
    assert.ok(rejectedAtA >= 10 && rejectedAtA <= 12, `A validated ${rejectedAtA} of E's messages`);
    // Rejected messages are not forwarded.
    assert.equal(B.received.filter((r) => r.data[0] === REJECT_MARK).length, 0);
    // E's backoff keeps redialling A, but A refuses it while the ban lasts.
    await sleep(1_000);
    assert.ok(!A.host.connectedPeers().includes(E.host.peerId), 'banned peer got back in');
  } finally {
    await stopHost(E);
  }
});

test('a peer sending garbage frames is disconnected and refused', async () => {
  const raw: Libp2p = await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: { identify: identify() },
  });
  live.add(raw);
  try {
    const conn = await raw.dial(multiaddr(wsAddr(A)));
    const stream = await conn.newStream(GOSSIP_PROTOCOL);
    // Unknown frame kinds, an unknown topic, a malformed IHAVE: each charges the sender.
    const garbage = [Uint8Array.of(9, 1, 2), Uint8Array.of(0, 7, 1), Uint8Array.of(1, 1, 5), Uint8Array.of(9), Uint8Array.of(9)];
    for (const g of garbage) stream.send(encodeFrame(g));
    await waitFor(() => !A.host.connectedPeers().includes(raw.peerId.toString()), { ...FAST, timeoutMs: 3_000, what: 'A drops the garbage peer' });
    await assert.rejects(
      (async () => {
        const c = await raw.dial(multiaddr(wsAddr(A)), { signal: AbortSignal.timeout(2_000) });
        // Some transports finish the upgrade before the gater's verdict closes it; on a loaded
        // machine that close takes longer than 200 ms (seen with two test files at a time).
        for (const end = Date.now() + 3_000; c.status === 'open' && Date.now() < end;) await sleep(50);
        if (c.status === 'open') return;
        throw new Error('closed');
      })(),
    );
  } finally {
    live.delete(raw);
    await raw.stop();
  }

  // An oversize length prefix loses framing at once: the stream is reset and the peer charged.
  const raw2: Libp2p = await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
  });
  live.add(raw2);
  try {
    const conn = await raw2.dial(multiaddr(wsAddr(A)));
    // 50 points each; the score decays a little between streams, so the third one crosses -100.
    for (let i = 0; i < 3 && conn.status === 'open'; i++) {
      const s = await conn.newStream(GOSSIP_PROTOCOL);
      const closed = new Promise((r) => s.addEventListener('close', r));
      s.send(encodeFramePrefix(64 * 1024 * 1024));
      await closed;
    }
    await waitFor(() => !A.host.connectedPeers().includes(raw2.peerId.toString()), { ...FAST, timeoutMs: 3_000, what: 'A drops the oversize peer' });
  } finally {
    live.delete(raw2);
    await raw2.stop();
  }
});

test('a host that restarts on the same key is reconnected by the others', async () => {
  const oldId = A.host.peerId;
  await stopHost(A);
  await waitFor(() => !B.host.connectedPeers().includes(oldId) && !C.host.connectedPeers().includes(oldId), { ...FAST, what: 'B and C notice A is gone' });
  await sleep(700); // let the backoff grow a little while A is down
  A = await startHost('A', 1, { ws: `/ip4/127.0.0.1/tcp/${aPort}/ws` });
  assert.equal(A.host.peerId, oldId);
  const t0 = Date.now();
  await waitFor(() => B.host.connectedPeers().includes(oldId) && C.host.connectedPeers().includes(oldId), { ...FAST, timeoutMs: 5_000, what: 'B and C redial A' });
  await waitFor(() => A.gossipPeers.size === 2, { ...FAST, what: 'A meshes again' });
  console.log(`reconnected ${Date.now() - t0} ms after restart`);
  const msg = payload(100, 7);
  A.host.publish('consensus', msg);
  await waitFor(() => count(B, msg) === 1 && count(C, msg) === 1, { ...FAST, what: 'gossip from restarted A' });
});
