/**
 * HTTP caching policy of every relay route, in one place, so any HTTP cache (a browser, nginx, a
 * CDN) can serve a streaming audience without reaching the relay (README, "Relays behind a CDN or
 * nginx"). Three kinds:
 *
 * - `immutable`: data at a finalised height (headers, commits, sets, light blocks, blocks, state
 *   at a pinned height with its proof, genesis). BFT finality is instant, so once a node answers
 *   200 for a height the bytes never change: cached for a year, never revalidated.
 * - `moving`: the head and what is read at it (status, lists, contract objects at the head): a
 *   max-age of about one block time, then served stale while a fresh copy is fetched. Clients verify
 *   what they read against the head they trust, so a second-old answer misleads no one.
 * - `no-store`: answers where any staleness misleads: health (a load balancer must see a stall at
 *   once), metrics, a pending or unknown tx (its client polls until it commits), writes.
 *
 * Only 2xx answers get `immutable` or `moving`; every error (404 for a height not yet finalised,
 * 429, …) is `no-store`, so a "not yet" never outlives the moment. 2xx answers of cacheable kinds
 * carry a strong ETag (a hash of the exact body bytes) and `If-None-Match` is answered 304 with no
 * body. A cache is just another untrusted relay: clients verify every object whatever served it.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type CacheKind = 'immutable' | 'moving' | 'no-store';

/** ≈ one block under load (blocks come every ~1 s while there are txs). */
export const MOVING_MAX_AGE_S = 1;
/** How long a cache may keep answering with a moving object while it refetches it. */
export const MOVING_STALE_S = 5;

export const CACHE_CONTROL: Readonly<Record<CacheKind, string>> = {
  immutable: 'public, max-age=31536000, immutable',
  moving: `public, max-age=${MOVING_MAX_AGE_S}, stale-while-revalidate=${MOVING_STALE_S}`,
  'no-store': 'no-store',
};

/**
 * Each GET route's kind (by its Fastify route pattern). Routes whose kind depends on the request
 * (a pinned or unpinned height, a committed or pending tx) name their default here and refine it
 * with `cacheAs`. A route missing from this table is `no-store` (relay.test.ts checks that every
 * documented GET route is listed).
 */
export const ROUTE_CACHE: Readonly<Record<string, CacheKind>> = {
  '/v1/genesis': 'immutable',
  '/v1/headers/:height': 'immutable',
  '/v1/commits/:height': 'immutable',
  // The set of latest + 1 too: header `latest` already fixed it (nextValidatorsHash).
  '/v1/validators/:height': 'immutable',
  '/v1/light-blocks/:height': 'immutable',
  '/v1/light-blocks': 'immutable',
  '/v1/light-blocks/path/:from/:to': 'immutable',
  '/v1/blocks/:height': 'immutable',
  // `?height=` pinned: immutable; unpinned: moving, pointing at the pinned URL (state.ts).
  '/v1/state/:key': 'moving',
  '/v1/status': 'moving',
  // A full page from an explicit `from` is immutable (chain.ts); the latest headers move.
  '/v1/headers': 'moving',
  // Committed: immutable (txs.ts); pending or unknown: the client is polling for the change.
  '/v1/txs/:hash': 'no-store',
  '/v1/templates': 'moving',
  '/v1/templates/:id': 'moving',
  '/v1/products': 'moving',
  '/v1/products/:id': 'moving',
  '/v1/orders': 'moving',
  '/v1/orders/:id': 'moving',
  '/v1/orders/:id/tree': 'moving',
  '/v1/txs/:hash/receipt': 'moving',
  '/v1/contract-txs': 'moving',
  '/v1/committee': 'moving',
  '/v1/health': 'no-store',
  '/metrics': 'no-store',
  // Streams set their own (no-cache, no-transform).
  '/v1/events/heads': 'no-store',
  '/openapi.json': 'moving',
};

const chosen = new WeakMap<FastifyReply, CacheKind>();

/** Overrides the route's kind for this answer (e.g. a request pinned to a finalised height). */
export function cacheAs(reply: FastifyReply, kind: CacheKind): void {
  chosen.set(reply, kind);
}

/** The kind an answer gets: errors and writes are never cached. */
export function kindOf(req: FastifyRequest, reply: FastifyReply): CacheKind {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || reply.statusCode < 200 || reply.statusCode >= 300) return 'no-store';
  return chosen.get(reply) ?? ROUTE_CACHE[req.routeOptions.url ?? ''] ?? 'no-store';
}

/** Strong validator of the exact bytes sent: 128 bits of SHA-256 are plenty to tell bodies apart. */
export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

/** RFC 9110 §13.1.2: `*` or a list of tags; weak comparison (a W/ prefix still names the same bytes here). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = etag.slice(1, -1);
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag.slice(1, -1) === bare;
  });
}

/**
 * Reads answer `Access-Control-Allow-Origin: *` whatever the Origin (relay.ts, CORS_READ), but
 * @fastify/cors says `Vary: Origin` because the policy is picked per request: that would split
 * every cached object into one copy per embedding site (and one for clients without an Origin).
 */
function dropVaryOrigin(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  if (vary === undefined) return;
  const rest = String(vary).split(',').map((v) => v.trim()).filter((v) => v !== '' && v.toLowerCase() !== 'origin');
  if (rest.length === 0) reply.removeHeader('vary');
  else reply.header('vary', rest.join(', '));
}

interface Encoded { readonly body: string | Buffer; readonly etag: string; readonly contentType: string; readonly size: number }

/**
 * The relay's own cache of immutable answers, by URL: the encoded body and its ETag, kept in
 * least-recently-used order within `maxBytes`. A cold start without a CDN asks for the same
 * finalised objects as every other viewer's; answering them from here skips reading the store,
 * encoding and hashing (the cost of a request drops to HTTP and routing).
 */
export class ImmutableAnswers {
  private readonly byUrl = new Map<string, Encoded>();
  private bytes = 0;
  hits = 0;

  constructor(readonly maxBytes: number) {}

  get(url: string): Encoded | undefined {
    const e = this.byUrl.get(url);
    if (!e) return undefined;
    this.byUrl.delete(url);
    this.byUrl.set(url, e);
    this.hits++;
    return e;
  }

  put(url: string, e: Encoded): void {
    if (e.size > this.maxBytes / 16 || this.byUrl.has(url)) return;
    this.byUrl.set(url, e);
    this.bytes += e.size;
    for (const [oldest, old] of this.byUrl) {
      if (this.bytes <= this.maxBytes) break;
      this.byUrl.delete(oldest);
      this.bytes -= old.size;
    }
  }

  get size(): number {
    return this.byUrl.size;
  }
}

/** Default memory for the relay's immutable answers (RelayOptions.immutableCacheBytes). */
export const DEFAULT_IMMUTABLE_CACHE_BYTES = 64 * 1024 * 1024;

/** Answers 304 when the request already holds these bytes; returns the payload to send. */
function withValidator(req: FastifyRequest, reply: FastifyReply, etag: string, payload: string | Buffer): string | Buffer | null {
  reply.header('etag', etag);
  if (!matchesIfNoneMatch(req.headers['if-none-match'], etag)) return payload;
  // 304: the validators and caching headers of the 200, no body (Node drops it for 304 anyway).
  reply.code(304);
  reply.removeHeader('content-length');
  reply.removeHeader('content-type');
  return null;
}

/**
 * Installs the policy on every route of `app` (call before routes are registered, at the root,
 * after CORS and rate limits: a remembered answer still passes both).
 */
export function installHttpCache(app: FastifyInstance, memo: ImmutableAnswers | null = new ImmutableAnswers(DEFAULT_IMMUTABLE_CACHE_BYTES)): void {
  const served = new WeakSet<FastifyReply>();
  if (memo) {
    app.addHook('onRequest', async (req, reply) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return;
      const e = memo.get(req.url);
      if (!e) return;
      served.add(reply);
      reply.header('cache-control', CACHE_CONTROL.immutable).header('content-type', e.contentType);
      dropVaryOrigin(reply);
      return reply.send(withValidator(req, reply, e.etag, e.body));
    });
  }
  app.addHook('onSend', async (req, reply, payload) => {
    if (served.has(reply) || reply.hasHeader('cache-control')) return payload;
    const kind = kindOf(req, reply);
    reply.header('cache-control', CACHE_CONTROL[kind]);
    if (kind === 'no-store' || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
    dropVaryOrigin(reply);
    const etag = etagOf(payload);
    if (memo && kind === 'immutable' && req.method === 'GET') {
      memo.put(req.url, { body: payload, etag, contentType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'), size: payload.length + req.url.length + 64 });
    }
    return withValidator(req, reply, etag, payload);
  });
}
