/**
 * The Fastify relay: the node's HTTP front door for browsers and tools when libp2p cannot
 * connect. It serves exactly what `NodeApi` offers (no chain logic here): data the client
 * verifies itself (headers, commits, validator sets, state proofs), tx and evidence submission,
 * and a Server-Sent Events stream of finalised heads.
 *
 * One plugin per area (routes/): chain, health, state, txs, events, evidence, contracts, docs, metrics. Cross-cutting
 * policy lives here: error shape (errors.ts; early-errors.ts for errors before routing; schema
 * messages in validation-messages.ts), body limit, content types, CORS, rate limits and HTTP
 * caching (http-cache.ts: which answers caches keep, ETags, 304s).
 *
 * `createRelay` returns an app that is not listening; the caller runs `.listen({ port, host })`
 * and `.close()`.
 */
import { fastify, LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Registry } from 'prom-client';
import type { NodeApi } from '../node-api.ts';
import { RelayError, RelayErrorCode, mapError } from './errors.ts';
import { MAX_STATE_KEY_BYTES } from './schemas.ts';
import { RULE_KEYWORD, formatSchemaErrors } from './validation-messages.ts';
import { chainRoutes } from './routes/chain.ts';
import { healthRoutes } from './routes/health.ts';
import { stateRoutes } from './routes/state.ts';
import { txRoutes } from './routes/txs.ts';
import { eventRoutes } from './routes/events.ts';
import { evidenceRoutes } from './routes/evidence.ts';
import { contractRoutes } from './routes/contracts.ts';
import { docsPlugin } from './routes/docs.ts';
import { createRelayMetrics, metricsPlugin } from './routes/metrics.ts';
import { earlyErrors } from './early-errors.ts';
import { installHttpCache, ImmutableAnswers, DEFAULT_IMMUTABLE_CACHE_BYTES } from './http-cache.ts';
import { HeadFanout } from './head-fanout.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Long-lived Server-Sent Events route (excluded from the duration histogram). */
    sse?: boolean;
  }
}

export interface RelayRateLimit {
  /** Requests per IP per window on POST routes. */
  readonly max: number;
  readonly timeWindowMs: number;
  /** Requests per IP per window on each read route (default: max × READ_LIMIT_FACTOR). */
  readonly readMax?: number;
}

export interface RelayOptions {
  /** Fastify's pino logger: false (default), true, or pino options. Logs are JSON lines. */
  readonly logger?: boolean | object;
  /** Memory for encoded immutable answers the relay keeps (http-cache.ts; default 64 MiB, 0 = none). */
  readonly immutableCacheBytes?: number;
  /** Log every request (default: only errors). */
  readonly logRequests?: boolean;
  /** Largest accepted request body in bytes (default 64 KiB); larger → 413 RELAY_BODY_TOO_LARGE. */
  readonly bodyLimit?: number;
  readonly rateLimit?: RelayRateLimit;
  /** Lets the caller add its own metrics to the relay's prom-client registry (served at /metrics). */
  readonly metrics?: (register: Registry) => void;
  /** Interval of SSE comment heartbeats (default 15 s). */
  readonly sseHeartbeatMs?: number;
  /** Concurrent SSE streams per client IP (default 16); more → 429 RELAY_SSE_PER_IP. */
  readonly sseMaxStreamsPerIp?: number;
  /** Concurrent SSE streams of the whole relay (default 10,000); more → 503 RELAY_SSE_FULL. */
  readonly sseMaxStreams?: number;
  /** An SSE client whose connection accepts nothing for this long is dropped (default 10 s). */
  readonly sseSlowMs?: number;
  /** An SSE client with more unsent bytes than this is dropped at once (default 1 MiB). */
  readonly sseMaxBufferedBytes?: number;
  /** Most missed heads an SSE client is replayed after a reconnect (default 128); further behind → a resync event. */
  readonly sseReplayLimit?: number;
  /** The reconnect delay SSE streams announce to EventSource (`retry:`, default 3 s). */
  readonly sseRetryMs?: number;
  /** Trust X-Forwarded-For for the client IP (rate limits); only behind a trusted proxy. */
  readonly trustProxy?: boolean;
  /** Time a client has to send its request line and headers (default 60 s, Node's); then 408 RELAY_REQUEST_TIMEOUT. */
  readonly headersTimeoutMs?: number;
}

export const RELAY_API_VERSION = '1.0.0';
export const DEFAULT_BODY_LIMIT = 64 * 1024;
export const DEFAULT_RATE_LIMIT: RelayRateLimit = { max: 60, timeWindowMs: 60_000 };
export const READ_LIMIT_FACTOR = 10;
export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;
export const DEFAULT_SSE_MAX_STREAMS_PER_IP = 16;
export const DEFAULT_SSE_MAX_STREAMS = 10_000;
export const DEFAULT_SSE_SLOW_MS = 10_000;
export const DEFAULT_SSE_MAX_BUFFERED_BYTES = 1024 * 1024;
export const DEFAULT_SSE_REPLAY_LIMIT = 128;
export const DEFAULT_SSE_RETRY_MS = 3_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
/** Longest path parameter the router matches: the longest hex state key, so the schema (not the router) names that limit. */
export const MAX_PARAM_LENGTH = 2 * MAX_STATE_KEY_BYTES + 64;

/** POST routes that browsers on any origin may call (txs are signed client-side). */
// Browsers submit txs and light clients report conflicting commits from any embedding page.
// Browser wallets size their fees with /v1/txs/simulate (it runs the tx on a throwaway view).
export const CROSS_ORIGIN_POSTS: ReadonlySet<string> = new Set(['/v1/txs', '/v1/txs/batch', '/v1/evidence', '/v1/txs/simulate']);

const RATE_LIMIT_HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after'];
/** Scripts on other origins may read a validator and the pinned URL a moving state read stands for (http-cache.ts). */
const CACHE_HEADERS = ['etag', 'content-location'];
const CORS_READ: FastifyCorsOptions = {
  // '*' (never a reflected Origin) keeps answers the same for every origin: no Vary, one cache entry.
  origin: '*',
  methods: ['GET', 'HEAD'],
  exposedHeaders: [...RATE_LIMIT_HEADERS, ...CACHE_HEADERS],
  maxAge: 600,
  strictPreflight: false,
};
const CORS_POST: FastifyCorsOptions = { ...CORS_READ, methods: ['GET', 'HEAD', 'POST'], allowedHeaders: ['content-type'] };
const CORS_NONE: FastifyCorsOptions = { origin: false };

/** CORS policy: any origin may read; of the writes only CROSS_ORIGIN_POSTS are open. */
function corsFor(req: FastifyRequest): FastifyCorsOptions {
  const preflight = req.method === 'OPTIONS';
  const method = preflight ? String(req.headers['access-control-request-method'] ?? '').toUpperCase() : req.method;
  if (method === 'GET' || method === 'HEAD') return CORS_READ;
  const path = preflight ? req.url.split('?', 1)[0]! : req.routeOptions.url;
  if (method === 'POST' && path !== undefined && CROSS_ORIGIN_POSTS.has(path)) return CORS_POST;
  return CORS_NONE;
}

/**
 * Node's server.close() ends idle keep-alive connections but waits (up to headersTimeout) for
 * connections that never sent a request, e.g. speculative pre-connects. Those carry no work, so
 * destroy them on close; connections with requests in flight finish normally.
 */
function closeUnusedConnectionsOnClose(app: FastifyInstance): void {
  const unused = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  app.server.on('request', (req: IncomingMessage) => unused.delete(req.socket));
  app.addHook('preClose', (done) => {
    for (const socket of unused) socket.destroy();
    done();
  });
}

export async function createRelay(node: NodeApi, opts: RelayOptions = {}): Promise<FastifyInstance> {
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const headersTimeout = opts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const rl = opts.rateLimit ?? DEFAULT_RATE_LIMIT;
  const writeLimit = { max: rl.max, timeWindow: rl.timeWindowMs };
  const readLimit = { max: rl.readMax ?? rl.max * READ_LIMIT_FACTOR, timeWindow: rl.timeWindowMs };

  const replayLimit = opts.sseReplayLimit ?? DEFAULT_SSE_REPLAY_LIMIT;
  const fanout = new HeadFanout({
    node,
    replayLimit,
    maxSubscribers: opts.sseMaxStreams ?? DEFAULT_SSE_MAX_STREAMS,
    maxPerIp: opts.sseMaxStreamsPerIp ?? DEFAULT_SSE_MAX_STREAMS_PER_IP,
    heartbeatMs: opts.sseHeartbeatMs ?? DEFAULT_SSE_HEARTBEAT_MS,
    slowMs: opts.sseSlowMs ?? DEFAULT_SSE_SLOW_MS,
    maxBufferedBytes: opts.sseMaxBufferedBytes ?? DEFAULT_SSE_MAX_BUFFERED_BYTES,
  });
  const metrics = createRelayMetrics(node, () => fanout.stats());
  opts.metrics?.(metrics.register);
  const early = earlyErrors({ countResponse: metrics.countResponse, maxParamLength: MAX_PARAM_LENGTH, headersTimeoutMs: headersTimeout });

  const app = fastify({
    logger: (opts.logger ?? false) as FastifyServerOptions['logger'],
    bodyLimit,
    // Reject properties the schemas do not allow instead of quietly stripping them (Fastify's default).
    // `verbose` hands the failing schema to formatSchemaErrors, which reads its rule in words.
    ajv: { customOptions: { removeAdditional: false, verbose: true, keywords: [RULE_KEYWORD] } },
    schemaErrorFormatter: formatSchemaErrors,
    // One log line per request drowns a devnet's logs; errors are still logged.
    logController: new LogController({ disableRequestLogging: opts.logRequests !== true }),
    trustProxy: opts.trustProxy ?? false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Early errors get the relay's error shape (early-errors.ts) instead of Node's or Fastify's.
    clientErrorHandler: early.clientErrorHandler,
    frameworkErrors: early.frameworkErrors,
    return503OnClosing: false,
    http: {
      requireHostHeader: false,
      headersTimeout,
      // Node checks for expired request heads this often (its default, 30 s, would let a short timeout run long).
      connectionsCheckingInterval: Math.min(30_000, Math.max(10, Math.floor(headersTimeout / 4))),
    },
  });
  closeUnusedConnectionsOnClose(app);

  // Every error becomes {"error":{"code","message"}} with the status from errors.ts.
  app.setErrorHandler((err, req, reply) => {
    const m = mapError(err);
    if (m.internal) req.log.error({ err }, 'relay: internal error');
    else req.log.info({ code: m.body.error.code, status: m.status }, m.body.error.message);
    return reply.code(m.status).send(m.body);
  });

  // Bodies: JSON (Fastify's parser) and raw bytes; anything else → 415.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  await app.register(fastifyCors, {
    hook: 'onRequest',
    delegator: (req, cb) => cb(null, corsFor(req)),
  });
  // After CORS, so the refusals it adds (no Host, closing) carry CORS headers too.
  early.install(app);

  await app.register(fastifyRateLimit, {
    global: true,
    ...readLimit,
    errorResponseBuilder: (_req, ctx) =>
      new RelayError(RelayErrorCode.RELAY_RATE_LIMITED, `rate limit of ${ctx.max} requests exceeded; retry in ${ctx.after}`),
  });

  app.setNotFoundHandler({ preHandler: app.rateLimit() }, (req, reply) => {
    const target = `${req.method} ${req.url}`.slice(0, 200);
    const m = mapError(new RelayError(RelayErrorCode.RELAY_NOT_FOUND, `no route ${target}`));
    return reply.code(m.status).send(m.body);
  });

  const memoBytes = opts.immutableCacheBytes ?? DEFAULT_IMMUTABLE_CACHE_BYTES;
  installHttpCache(app, memoBytes > 0 ? new ImmutableAnswers(memoBytes) : null);

  // Docs first: @fastify/swagger collects every route registered after it.
  await app.register(docsPlugin, { version: RELAY_API_VERSION });

  await app.register(metricsPlugin, { metrics });

  await app.register(chainRoutes, { node });
  await app.register(healthRoutes, { node });
  await app.register(stateRoutes, { node });
  await app.register(txRoutes, { node, rateLimit: writeLimit });
  await app.register(evidenceRoutes, { node, rateLimit: writeLimit });
  // Only nodes that keep the contract index serve (and document) the contract routes.
  if (node.contracts) await app.register(contractRoutes, { node, contracts: node.contracts, rateLimit: writeLimit });
  await app.register(eventRoutes, { fanout, replayLimit, retryMs: opts.sseRetryMs ?? DEFAULT_SSE_RETRY_MS });

  return app;
}
