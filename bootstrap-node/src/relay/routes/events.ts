/**
 * Server-Sent Events: one `event: head` per finalised block (head-stream.ts delivers them, with
 * replay after a reconnect). Each connection subscribes to the node, sends a comment heartbeat
 * every `heartbeatMs`, and unsubscribes when the client goes away or when the relay closes.
 */
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { NodeApi } from '../../node-api.ts';
import { RelayError, RelayErrorCode } from '../errors.ts';
import { HeadStream } from '../head-stream.ts';
import { heightString, parseHeight, withErrors } from '../schemas.ts';

export interface EventRoutesOptions {
  readonly node: NodeApi;
  readonly heartbeatMs: number;
  /** Concurrent streams one client IP may hold; more → 429 RELAY_RATE_LIMITED. */
  readonly maxStreamsPerIp: number;
  /** Most missed heads replayed to a reconnecting client (HeadStream's replayLimit). */
  readonly replayLimit: number;
  /** The `retry:` the stream announces: how long EventSource waits before reconnecting. */
  readonly retryMs: number;
  /** Called with +1 / -1 as SSE clients connect and leave (metrics). */
  readonly onClientCount?: (delta: number) => void;
}

export const eventRoutes: FastifyPluginAsync<EventRoutesOptions> = async (app, { node, heartbeatMs, maxStreamsPerIp, replayLimit, retryMs, onClientCount }) => {
  const open = new Set<() => void>();
  const perIp = new Map<string, number>();

  // End every stream before the server stops accepting, so close() does not wait on them.
  app.addHook('preClose', (done) => {
    for (const end of [...open]) end();
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
        'Comment heartbeats keep proxies from closing the stream.',
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
    const ip = req.ip;
    const held = perIp.get(ip) ?? 0;
    if (held >= maxStreamsPerIp) {
      throw new RelayError(RelayErrorCode.RELAY_RATE_LIMITED, `at most ${maxStreamsPerIp} open event streams per client`);
    }
    perIp.set(ip, held + 1);
    const stream = new PassThrough();
    let closed = false;
    let heartbeat: NodeJS.Timeout | undefined;
    let unsubscribe: (() => void) | undefined;

    const cleanup = (): void => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe?.();
      open.delete(end);
      const n = (perIp.get(ip) ?? 1) - 1;
      if (n > 0) perIp.set(ip, n);
      else perIp.delete(ip);
      onClientCount?.(-1);
    };
    const end = (): void => {
      cleanup();
      stream.end();
    };

    open.add(end);
    onClientCount?.(1);
    // Flushes the headers at once and tells EventSource how long to wait before reconnecting.
    stream.write(`retry: ${retryMs}\n\n`);
    const heads = new HeadStream({
      node,
      out: stream,
      replayLimit,
      onFailure: (err) => {
        req.log.error({ err }, 'sse: cannot read or encode a finalised head; ending the stream');
        cleanup();
        stream.destroy();
      },
    }, resumeAfter);
    if (!closed) {
      // No await since HeadStream read the head, so no block can be finalised unseen in between.
      unsubscribe = node.onFinalized((e) => heads.onFinalized(e));
      heartbeat = setInterval(() => {
        if (heads.idle) stream.write(': heartbeat\n\n');
      }, heartbeatMs);
      heartbeat.unref();
    }

    // Fastify destroys the payload stream when the response closes; either side closing cleans up.
    stream.on('close', cleanup);
    reply.raw.on('close', cleanup);

    reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache, no-transform')
      .header('x-accel-buffering', 'no');
    return reply.send(stream);
  });
};
