/** The SSE client's line splitting: a line end may arrive split across chunks (WHATWG SSE: CR, LF or CRLF). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribeSse } from './sse.ts';

/** Feeds `chunks` as one event-stream response, then collects events until `count` arrived. */
function events(chunks: readonly string[], count: number): Promise<Array<[string, string, string | undefined]>> {
  const seen: Array<[string, string, string | undefined]> = [];
  const encoder = new TextEncoder();
  return new Promise((resolve) => {
    const sub = subscribeSse('http://sse.test/', {
      fetch: async () => new Response(new ReadableStream<Uint8Array>({
        start(c) {
          for (const chunk of chunks) c.enqueue(encoder.encode(chunk));
          // Left open: an ended stream would make the client reconnect.
        },
      }), { headers: { 'content-type': 'text/event-stream' } }),
      onEvent: (event, data, id) => {
        seen.push([event, data, id]);
        if (seen.length === count) { sub.close(); resolve(seen); }
      },
    });
  });
}

const STREAM = 'id: 7\r\nevent: head\r\ndata: a\r\ndata: b\r\n\r\n: heartbeat\r\ndata: next\r\n\r\n';

test('a CRLF split between chunks ends one line, not the event', async () => {
  assert.deepEqual(await events(['event: head\r\ndata: a\r', '\ndata: b\r\n\r\n'], 1), [['head', 'a\nb', undefined]]);
});

test('a stream fed one character at a time gives the same events as in one chunk', async () => {
  const whole = await events([STREAM], 2);
  assert.deepEqual(whole, [['head', 'a\nb', '7'], ['message', 'next', undefined]]);
  assert.deepEqual(await events([...STREAM], 2), whole);
});

test('a lone CR still ends a line', async () => {
  assert.deepEqual(await events(['data: x\r', '\r', 'data: y\n\n'], 2), [['message', 'x', undefined], ['message', 'y', undefined]]);
});
