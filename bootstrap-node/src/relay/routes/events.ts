/**
 * Server-Sent Events: one `event: head` per finalised block. The route only admits and wires a
 * connection; head-fanout.ts delivers (one encoding per head for all subscribers, replay after a
 * reconnect, caps, slow subscribers dropped, heartbeats).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { HeadFanout } from '../head-fanout.ts';
import { heightString, parseHeight, withErrors } from '../schemas.ts';

export interface EventRoutesOptions {
  readonly fanout: HeadFanout;
  /** Most missed heads replayed to a reconnecting client (documented in the route). */
  readonly replayLimit: number;
  /** The `retry:` the stream announces: how long EventSource waits before reconnecting. */
  readonly retryMs: number;
}

export const eventRoutes: FastifyPluginAsync<EventRoutesOptions> = async (app, { fanout, replayLimit, retryMs }) => {
  // End every stream before the server stops accepting, so close() does not wait on them.
  app.addHook('preClose', (done) => {
    fanout.closeAll();
    done();
  });

  app.get<{ Headers: { 'last-event-id'?: string } }>('/v1/events/heads', {
    config: { sse: true },
    schema: {
      tags: ['events'],
      operationId: 'streamHeads',
      summary: 'Server-Sent Events stream of finalised heads, replayed from Last-Event-ID after a reconnect',
      description:
        'text/event-stream. Each finalised block is one `event: head` whose `data` is JSON ' +
        '{height, hash, header (hex), commit (hex), txCount}; `id` is the height. A client that reconnects with ' +
        '`Last-Event-ID: N` (EventSource does so by itself) first gets every head from N+1 to the chain head, then new ones: ' +
        `each height exactly once, in order. At most ${replayLimit} heads are owed at a time: a client further behind ` +
        '(a long disconnect, or reading too slowly) gets one `event: resync` with data {from, to} (decimal heights it skipped; ' +
        'fetch them with GET /v1/light-blocks) and `id` = to, then the last heads. Without Last-Event-ID the stream starts at the next head. ' +
        'Comment heartbeats keep proxies from closing the stream. Each relay holds a bounded number of streams (503 RELAY_SSE_FULL) ' +
        'and of streams per client IP (429 RELAY_SSE_PER_IP); a client whose connection accepts nothing for a while is disconnected ' +
        'and resumes with Last-Event-ID.',
      headers: {
        type: 'object',
        properties: { 'last-event-id': { ...heightString, description: 'The `id` of the last event received: the stream resumes after that height.' } },
      },
      response: withErrors({
        200: { description: 'An endless event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      }),
    },
  }, async (req, reply) => {
    const lastEventId = req.headers['last-event-id'];
    const resumeAfter = lastEventId === undefined ? undefined : parseHeight(lastEventId, 'header last-event-id');
    const headers = {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    };
    if (req.method === 'HEAD') return reply.headers(headers).send();
    try {
      fanout.admit(req.ip); // the typed refusal, before anything is written
    } catch (err) {
      reply.header('retry-after', String(Math.max(1, Math.ceil(retryMs / 1000))));
      throw err;
    }

    // The fan-out writes the shared frames straight to the response: no stream per connection.
    reply.hijack();
    const res = reply.raw;
    for (const [name, value] of Object.entries({ ...reply.getHeaders(), ...headers })) if (value !== undefined) res.setHeader(name, value);
    // No chunked framing: the body is the event stream itself, ended by closing the connection
    // (which an endless stream does anyway), so every subscriber's socket gets the frame's bytes as
    // they are, with no per-connection chunk header.
    res.useChunkedEncodingByDefault = false;
    res.writeHead(200);
    // Flushes the headers at once and tells EventSource how long to wait before reconnecting.
    res.write(`retry: ${retryMs}\n\n`);
    const unsubscribe = fanout.subscribe({
      ip: req.ip,
      out: res,
      resumeAfter,
      end: (why, err) => {
        if (why === 'failed') req.log.error({ err }, 'sse: cannot read or encode a finalised head; ending the stream');
        // A dropped slow subscriber's unsent bytes are of no use: close the socket now.
        if (why === 'closing') res.end();
        else res.destroy();
      },
    });
    res.on('close', unsubscribe);
  });
};
