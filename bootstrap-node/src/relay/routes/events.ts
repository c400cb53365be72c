/**
 * Server-Sent Events: one `event: head` per finalised block. Each connection subscribes to the
 * node, sends a comment heartbeat every `heartbeatMs`, and unsubscribes when the client goes away,
 * when it falls too far behind, or when the relay closes.
 */
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { encodeCommit, encodeHeader, headerHash, toHex } from '@dipnet/protocol';
import type { FinalizedEvent, NodeApi } from '../../node-api.ts';
import { RelayError, RelayErrorCode } from '../errors.ts';
import { withErrors } from '../schemas.ts';

export interface EventRoutesOptions {
  readonly node: NodeApi;
  readonly heartbeatMs: number;
  /** Concurrent streams one client IP may hold; more → 429 RELAY_RATE_LIMITED. */
  readonly maxStreamsPerIp: number;
  /** Called with +1 / -1 as SSE clients connect and leave (metrics). */
  readonly onClientCount?: (delta: number) => void;
}

/** A client whose unread backlog exceeds this is disconnected rather than buffered without bound. */
export const SSE_MAX_BACKLOG_BYTES = 1024 * 1024;

export function formatHeadEvent(e: FinalizedEvent): string {
  const data = {
    height: e.header.height.toString(),
    hash: toHex(headerHash(e.header)),
    header: toHex(encodeHeader(e.header)),
    commit: toHex(encodeCommit(e.commit)),
    txCount: e.txCount,
  };
  return `id: ${data.height}\nevent: head\ndata: ${JSON.stringify(data)}\n\n`;
}

export const eventRoutes: FastifyPluginAsync<EventRoutesOptions> = async (app, { node, heartbeatMs, maxStreamsPerIp, onClientCount }) => {
  const open = new Set<() => void>();
  const perIp = new Map<string, number>();

  // End every stream before the server stops accepting, so close() does not wait on them.
  app.addHook('preClose', (done) => {
    for (const end of [...open]) end();
    done();
  });

  app.get('/v1/events/heads', {
    config: { sse: true },
    schema: {
      tags: ['events'],
      summary: 'Server-Sent Events stream of finalised heads',
      description:
        'text/event-stream. Each finalised block is one `event: head` whose `data` is JSON ' +
        '{height, hash, header (hex), commit (hex), txCount}; `id` is the height. Comment heartbeats keep proxies from closing the stream.',
      response: withErrors({
        200: { description: 'An endless event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      }),
    },
  }, async (req, reply) => {
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
    const write = (chunk: string): void => {
      if (closed) return;
      if (stream.writableLength > SSE_MAX_BACKLOG_BYTES) {
        req.log.warn('sse client too slow; disconnecting');
        cleanup();
        stream.destroy();
        return;
      }
      stream.write(chunk);
    };

    open.add(end);
    onClientCount?.(1);
    heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    const unsub = node.onFinalized((e) => {
      try {
        write(formatHeadEvent(e));
      } catch (err) {
        req.log.error({ err }, 'sse: cannot encode finalised head');
      }
    });
    if (closed) unsub();
    else unsubscribe = unsub;

    // Fastify destroys the payload stream when the response closes; either side closing cleans up.
    stream.on('close', cleanup);
    reply.raw.on('close', cleanup);

    reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache, no-transform')
      .header('x-accel-buffering', 'no');
    // Flushes the headers at once and tells EventSource how long to wait before reconnecting.
    stream.write('retry: 3000\n\n');
    return reply.send(stream);
  });
};
