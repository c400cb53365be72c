import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@dipnet/protocol/testing';
import { EventSource, type FetchLike } from 'eventsource';
import { TestNode, assertError, buildChain, listeningRelay, relay } from '../testing/relay-fixture.ts';
import { HeadFrames } from './head-frames.ts';
import { HeadStream } from './head-stream.ts';

interface Frame {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/** The events in SSE text (comments and `retry:` lines dropped). */
function framesOf(text: string): Frame[] {
  return text.split('\n\n').flatMap((block) => {
    const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
    const event = field('event');
    return event === undefined ? [] : [{ id: field('id'), event, data: field('data') ?? '' }];
  });
}

/** "head 4" or "resync 5-8 (id 8)": a frame in a form assertions read at a glance. */
function describe(f: Frame): string {
  const d = JSON.parse(f.data) as { height?: string; from?: string; to?: string };
  if (f.event === 'head') {
    assert.equal(f.id, d.height, 'a head event carries its height as id');
    return `head ${d.height}`;
  }
  return `${f.event} ${d.from}-${d.to} (id ${f.id})`;
}


const eventsUrl = (port: number): string => `http://127.0.0.1:${port}/v1/events/heads`;

test('an EventSource that loses its connection reconnects with Last-Event-ID and receives every height exactly once, in order', { timeout: 30_000 }, async (t) => {
  const node = new TestNode(); // heights 1-3 exist before the client connects
  const { app, port } = await listeningRelay(t, node, { sseRetryMs: 50 });
  const url = eventsUrl(port);
  const sockets = new Set<Socket>();
  app.server.on('connection', (s: Socket) => sockets.add(s));

  // The client's fetch records each request's Last-Event-ID, and holds the reconnect until the
  // test has finalised blocks the client cannot have seen live.
  const lastEventIds: (string | null)[] = [];
  let allowReconnect: () => void = () => {};
  const reconnectAllowed = new Promise<void>((resolve) => (allowReconnect = resolve));
  const recordingFetch: FetchLike = async (input, init) => {
    lastEventIds.push(init.headers['Last-Event-ID'] ?? null);
    if (lastEventIds.length > 1) await reconnectAllowed;
    return fetch(input, init);
  };
  const es = new EventSource(url, { fetch: recordingFetch });
  t.after(() => es.close());
  const received: string[] = [];
  es.addEventListener('head', (ev) => {
    const { height } = JSON.parse(ev.data) as { height: string };
    assert.equal(ev.lastEventId, height);
    received.push(height);
  });

  await waitFor(() => node.listeners.size === 1, { what: 'the first connection' });
  node.produceBlock();
  node.produceBlock();
  await waitFor(() => received.length === 2, { what: 'heads 4 and 5 live' });

  for (const s of sockets) s.destroy(); // the connection drops
  await waitFor(() => node.listeners.size === 0, { what: 'the relay to see the connection gone' });
  for (let i = 0; i < 3; i++) node.produceBlock(); // 6, 7, 8: finalised while the client is away
  allowReconnect();
  await waitFor(() => received.length === 5, { what: 'heads 6-8 replayed after the reconnect' });
  node.produceBlock();
  node.produceBlock();
  await waitFor(() => received.length === 7, { what: 'heads 9 and 10 live again' });
  await sleep(100); // time for any duplicate to arrive

  assert.deepEqual(received, ['4', '5', '6', '7', '8', '9', '10']);
  assert.deepEqual(lastEventIds, [null, '5'], 'the client reconnected by itself, naming the last height it had');
});

/** Reads an event stream until `count` events have arrived; the request is aborted after. */
async function readEvents(url: string, headers: Record<string, string>, count: number, whileOpen: () => void = () => {}): Promise<string[]> {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  assert.equal(res.status, 200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  try {
    for (let opened = false; framesOf(text).length < count;) {
      const { value, done } = await reader.read();
      if (done) assert.fail(`stream ended after ${JSON.stringify(text)}`);
      text += value;
      if (!opened) {
        opened = true;
        whileOpen();
      }
    }
  } finally {
    ac.abort();
    await reader.cancel().catch(() => {});
  }
  return framesOf(text).map(describe);
}

test('a client further behind than the replay limit gets one resync naming the skipped heights, then the last heads', async (t) => {
  const node = new TestNode(buildChain(10));
  const url = eventsUrl((await listeningRelay(t, node, { sseReplayLimit: 3 })).port);
  assert.deepEqual(await readEvents(url, { 'last-event-id': '2' }, 5, () => node.produceBlock()), [
    'resync 3-7 (id 7)',
    'head 8',
    'head 9',
    'head 10',
    'head 11',
  ]);
  // Within the limit: a plain replay. At the head: nothing replayed, the next new head comes first.
  assert.deepEqual(await readEvents(url, { 'last-event-id': '9' }, 2), ['head 10', 'head 11']);
  assert.deepEqual(await readEvents(url, { 'last-event-id': '11' }, 1, () => node.produceBlock()), ['head 12']);
  // A client ahead of this relay (it came from another) gets nothing it has already seen.
  assert.deepEqual(await readEvents(url, { 'last-event-id': '13' }, 1, () => [node.produceBlock(), node.produceBlock()]), ['head 14']);
});

test('a Last-Event-ID that is not a height → 400 RELAY_BAD_REQUEST naming the header', async (t) => {
  const app = await relay(t);
  for (const id of ['abc', '-1', '123456789012345678901', '18446744073709551616']) {
    const res = await app.inject({ url: '/v1/events/heads', headers: { 'last-event-id': id } });
    assertError(res, 400, 'RELAY_BAD_REQUEST');
    assert.match(res.json().error.message, /last-event-id/);
  }
});

/** A sink that takes one frame and holds the rest until `drainAll()`: a client that reads slowly. */
function slowReader(): { out: Writable; frames: string[]; drainAll: () => Promise<void> } {
  const frames: string[] = [];
  let held: (() => void) | undefined;
  const out = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, cb) {
      frames.push(chunk.toString());
      held = cb;
    },
  });
  const drainAll = async () => {
    for (let i = 0; i < 100; i++) {
      const cb = held;
      held = undefined;
      cb?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { out, frames, drainAll };
}

test('a slow reader is not buffered: heads are read from the store as it drains, and it skips ahead with a resync when too far behind', async () => {
  const node = new TestNode(buildChain(3));
  const { out, frames, drainAll } = slowReader();
  const shared = new HeadFrames(node, 2);
  const heads = new HeadStream({ node, frames: shared, out, replayLimit: 2, onFailure: (err) => assert.fail(String(err)) }, undefined);
  node.onFinalized((e) => {
    shared.add(e);
    heads.advance(e.header.height);
  });
  for (let i = 0; i < 7; i++) node.produceBlock(); // 4-10 while the reader holds the first frame
  assert.ok(out.writableLength < 4096, `nothing piles up in memory (${out.writableLength} bytes buffered)`);
  assert.equal(heads.idle, false, 'no heartbeat while frames wait');
  await drainAll();
  assert.deepEqual(frames.flatMap(framesOf).map(describe), ['head 4', 'resync 5-8 (id 8)', 'head 9', 'head 10']);
  assert.equal(heads.idle, true);
});

test('heights missing from the store are announced as one resync, and the stream goes on after them', async () => {
  const node = new TestNode(buildChain(8));
  const missing = (h: bigint) => h === 5n || h === 6n;
  const store = { getBlock: node.getBlock.bind(node), getHeader: node.getHeader.bind(node) };
  node.getBlock = (h) => (missing(h) ? undefined : store.getBlock(h));
  node.getHeader = (h) => (missing(h) ? undefined : store.getHeader(h));
  const frames: string[] = [];
  const out = new Writable({ write: (chunk: Buffer, _enc, cb) => (frames.push(chunk.toString()), cb()) });
  new HeadStream({ node, frames: new HeadFrames(node, 100), out, replayLimit: 100, onFailure: (err) => assert.fail(String(err)) }, 3n);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(frames.flatMap(framesOf).map(describe), ['head 4', 'resync 5-6 (id 6)', 'head 7', 'head 8']);
});
