import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@dipnet/protocol/testing';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { TestNode, buildChain, listeningRelay } from '../testing/relay-fixture.ts';
import { HeadFanout } from './head-fanout.ts';


/** A raw HTTP/1.1 event-stream request from a chosen loopback source address; collects every byte. */
class RawSubscriber {
  text = '';
  closed = false;
  readonly socket: Socket;
  constructor(port: number, opts: { localAddress?: string; lastEventId?: string } = {}) {
    this.socket = connect({ port, host: '127.0.0.1', ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    const extra = opts.lastEventId === undefined ? '' : `Last-Event-ID: ${opts.lastEventId}\r\n`;
    this.socket.write(`GET /v1/events/heads HTTP/1.1\r\nHost: relay\r\nAccept: text/event-stream\r\n${extra}\r\n`);
    this.socket.setEncoding('latin1');
    this.socket.on('data', (d: string) => (this.text += d));
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('error', () => {});
  }
  get status(): number {
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(this.text)?.[1] ?? 0);
  }
  /** Heights of the head events received, in order. */
  heights(): string[] {
    return [...this.text.matchAll(/^id: (\d+)\nevent: head\n/gm)].map((m) => m[1]!);
  }
  /** The head events' bytes (HTTP chunk framing removed). */
  headFrames(): string[] {
    return [...this.text.matchAll(/^id: \d+\nevent: head\ndata: .*\n\n/gm)].map((m) => m[0]);
  }
  close(): void {
    this.socket.destroy();
  }
}

async function metric(port: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const family = parsePrometheusTextFormat(text).find((f) => f.name === name);
  assert.ok(family, `metric ${name} is exported`);
  const m = family.metrics.find((x) => Object.entries(labels).every(([k, v]) => (x as { labels?: Record<string, string> }).labels?.[k] === v));
  return Number((m as { value?: string } | undefined)?.value ?? NaN);
}

test('fan-out: each head is encoded once for all subscribers and the same bytes reach every one; a reconnect storm costs no more encodings', { timeout: 30_000 }, async (t) => {
  const node = new TestNode(buildChain(3));
  const { port } = await listeningRelay(t, node, { sseMaxStreamsPerIp: 100 });
  const subs = Array.from({ length: 40 }, () => new RawSubscriber(port));
  t.after(() => subs.forEach((s) => s.close()));
  await waitFor(() => subs.every((s) => s.text.includes('retry:')), { what: 'every stream open' });
  const before = await metric(port, 'dipnet_relay_sse_events_encoded_total');
  for (let i = 0; i < 3; i++) node.produceBlock(); // 4, 5, 6
  await waitFor(() => subs.every((s) => s.heights().length === 3), { what: 'heads 4-6 at every subscriber' });

  assert.equal(await metric(port, 'dipnet_relay_sse_events_encoded_total') - before, 3, 'three heads, three encodings, whatever the subscriber count');
  assert.equal(await metric(port, 'dipnet_relay_sse_events_sent_total'), 40 * 3);
  assert.equal(await metric(port, 'dipnet_relay_sse_clients'), 40);
  const first = subs[0]!.headFrames();
  for (const s of subs) assert.deepEqual(s.headFrames(), first, 'identical bytes at every subscriber');

  // The relay restarts its connections: every client comes back with Last-Event-ID 4 and gets 5, 6, 7 in order.
  subs.forEach((s) => s.close());
  await waitFor(() => node.listeners.size === 0, { what: 'old streams gone' });
  node.produceBlock(); // 7, while nobody listens
  const back = Array.from({ length: 40 }, () => new RawSubscriber(port, { lastEventId: '4' }));
  t.after(() => back.forEach((s) => s.close()));
  await waitFor(() => back.every((s) => s.heights().length === 3), { what: 'heads 5-7 replayed to every returning client' });
  for (const s of back) assert.deepEqual(s.heights(), ['5', '6', '7']);
  assert.equal(await metric(port, 'dipnet_relay_sse_events_encoded_total') - before, 4, 'the replay shares the frames of 5 and 6; only 7 was new');
});

test('caps: past the global cap → 503 RELAY_SSE_FULL, past the per-IP cap → 429 RELAY_SSE_PER_IP, both with Retry-After and counted', { timeout: 30_000 }, async (t) => {
  const node = new TestNode();
  const { port } = await listeningRelay(t, node, { sseMaxStreams: 3, sseMaxStreamsPerIp: 2 });
  const open: RawSubscriber[] = [];
  t.after(() => open.forEach((s) => s.close()));
  const sub = async (localAddress: string): Promise<RawSubscriber> => {
    const s = new RawSubscriber(port, { localAddress });
    open.push(s);
    await waitFor(() => s.status !== 0, { what: 'a status line' });
    return s;
  };
  assert.equal((await sub('127.0.0.2')).status, 200);
  assert.equal((await sub('127.0.0.2')).status, 200);
  const perIp = await sub('127.0.0.2');
  await waitFor(() => perIp.closed || perIp.text.includes('}}'), { what: 'the refusal body' });
  assert.equal(perIp.status, 429);
  assert.match(perIp.text, /"code":"RELAY_SSE_PER_IP"/);
  assert.match(perIp.text, /\r\nretry-after: \d+\r\n/i);
  assert.equal((await sub('127.0.0.3')).status, 200, 'another IP still gets in');
  const full = await sub('127.0.0.4');
  await waitFor(() => full.closed || full.text.includes('}}'), { what: 'the refusal body' });
  assert.equal(full.status, 503);
  assert.match(full.text, /"code":"RELAY_SSE_FULL"/);
  assert.match(full.text, /\r\nretry-after: \d+\r\n/i);
  assert.equal(await metric(port, 'dipnet_relay_sse_refused_total', { reason: 'per_ip' }), 1);
  assert.equal(await metric(port, 'dipnet_relay_sse_refused_total', { reason: 'full' }), 1);
  assert.equal(await metric(port, 'dipnet_relay_sse_clients'), 3);

  open[0]!.close();
  await waitFor(() => node.listeners.size === 1 && open[0]!.closed, { what: 'a slot freed' });
  await sleep(50);
  assert.equal((await sub('127.0.0.4')).status, 200, 'a freed slot is taken again');
});

test('a subscriber that never reads is dropped after slowMs, not buffered; the others keep getting heads', async () => {
  const node = new TestNode(buildChain(3));
  const fanout = new HeadFanout({ node, replayLimit: 8, maxSubscribers: 10, maxPerIp: 10, heartbeatMs: 60_000, slowMs: 100, maxBufferedBytes: 64 * 1024 });
  // A sink that accepts one frame and never completes it: a client that stopped reading.
  const stuck = new Writable({ highWaterMark: 1024, write: () => {} });
  const ended: string[] = [];
  fanout.subscribe({ ip: 'a', out: stuck, resumeAfter: undefined, end: (why) => ended.push(`stuck ${why}`) });
  const got: string[] = [];
  const reader = new Writable({ write: (chunk: Buffer, _e, cb) => (got.push(chunk.toString()), cb()) });
  fanout.subscribe({ ip: 'b', out: reader, resumeAfter: undefined, end: (why) => ended.push(`reader ${why}`) });
  for (let i = 0; i < 5; i++) node.produceBlock();
  assert.ok(stuck.writableLength < 4 * 1024, `at most one frame waits for the stuck client (${stuck.writableLength} bytes)`);
  await waitFor(() => ended.length > 0, { timeoutMs: 2_000, what: 'the drop' });
  assert.deepEqual(ended, ['stuck slow']);
  assert.equal(fanout.stats().droppedSlow, 1);
  assert.equal(fanout.stats().subscribers, 1);
  node.produceBlock();
  assert.equal(got.filter((f) => f.includes('event: head')).length, 6, 'the reading subscriber got every head');
  fanout.closeAll();
  assert.equal(node.listeners.size, 0);
});

test('a subscriber holding more unsent bytes than maxBufferedBytes is dropped at once', () => {
  const node = new TestNode(buildChain(3));
  const fanout = new HeadFanout({ node, replayLimit: 8, maxSubscribers: 10, maxPerIp: 10, heartbeatMs: 60_000, slowMs: 60_000, maxBufferedBytes: 512 });
  const stuck = new Writable({ highWaterMark: 64 * 1024, write: () => {} }); // takes frames, never sends them
  const ended: string[] = [];
  fanout.subscribe({ ip: 'a', out: stuck, resumeAfter: undefined, end: (why) => ended.push(why) });
  node.produceBlock();
  assert.deepEqual(ended, ['slow']);
  assert.equal(fanout.stats().droppedSlow, 1);
  assert.equal(node.listeners.size, 0, 'the last subscriber gone, the fan-out unsubscribes from the node');
});
