/**
 * The relay's HTTP caching (http-cache.ts) as a cache sees it: immutable answers with a strong
 * ETag and 304s on every route at a finalised height; a short max-age on moving ones; no-store on
 * errors, heights not yet final, health, metrics and pending txs; the table covers every GET route;
 * CORS lets other origins read the validators.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { toHex, txHash } from '@dipnet/protocol';
import { EMPTY_CONTRACTS, TestNode, buildChain, relay, signedTransfer } from '../testing/relay-fixture.ts';
import { CACHE_CONTROL, ROUTE_CACHE, etagOf, matchesIfNoneMatch } from './http-cache.ts';

const node = () => new TestNode(buildChain(), EMPTY_CONTRACTS);

test('every route at a finalised height: immutable, a strong ETag of the exact bytes, 304 on If-None-Match', async (t) => {
  const n = node();
  const app = await relay(t, n);
  const key = toHex(n.chain.userKey);
  const immutable = [
    '/v1/genesis', '/v1/headers/2', '/v1/commits/2', '/v1/validators/2', '/v1/validators/4', '/v1/blocks/2',
    '/v1/light-blocks/2', '/v1/light-blocks/2?validators=both', '/v1/light-blocks?heights=1,3',
    `/v1/state/${key}?height=2`, '/v1/headers?from=1&limit=3', `/v1/txs/${toHex(txHash(n.chain.committedTx))}`,
  ];
  for (const url of immutable) {
    const res = await app.inject(url);
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', url);
    const etag = String(res.headers.etag);
    assert.match(etag, /^"[A-Za-z0-9_-]{22}"$/, `${url}: strong ETag`);
    assert.equal(etag, `"${createHash('sha256').update(res.rawPayload).digest('base64url').slice(0, 22)}"`, `${url}: hash of the body sent`);
    const again = await app.inject({ url, headers: { 'if-none-match': `"other", ${etag}` } });
    assert.equal(again.statusCode, 304, url);
    assert.equal(again.rawPayload.length, 0, `${url}: 304 has no body`);
    assert.equal(again.headers.etag, etag, url);
    assert.equal(again.headers['cache-control'], CACHE_CONTROL.immutable, url);
    const changed = await app.inject({ url, headers: { 'if-none-match': '"not-it"' } });
    assert.equal(changed.statusCode, 200, `${url}: another tag gets the body`);
  }
});

test('moving targets: a short max-age with stale-while-revalidate, and revalidation by ETag', async (t) => {
  const n = node();
  const app = await relay(t, n);
  const moving = ['/v1/status', '/v1/headers', '/v1/headers?from=2&limit=5', `/v1/state/${toHex(n.chain.userKey)}`, '/v1/templates', '/v1/contract-txs'];
  for (const url of moving) {
    const res = await app.inject(url);
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.headers['cache-control'], 'public, max-age=1, stale-while-revalidate=5', url);
    assert.ok(res.headers.etag, url);
    assert.equal((await app.inject({ url, headers: { 'if-none-match': String(res.headers.etag) } })).statusCode, 304, url);
  }
  // The head moves: the same URL answers other bytes, hence another tag.
  const before = await app.inject('/v1/status');
  n.produceBlock();
  const after = await app.inject({ url: '/v1/status', headers: { 'if-none-match': String(before.headers.etag) } });
  assert.equal(after.statusCode, 200);
  assert.notEqual(after.headers.etag, before.headers.etag);
});

test('an unpinned state read names its height-pinned URL, which answers the same bytes, immutable', async (t) => {
  const n = node();
  const app = await relay(t, n);
  const key = toHex(n.chain.userKey);
  const head = await app.inject(`/v1/state/${key}`);
  assert.equal(head.headers['content-location'], `/v1/state/${key}?height=3`);
  const pinned = await app.inject(String(head.headers['content-location']));
  assert.equal(pinned.headers['cache-control'], CACHE_CONTROL.immutable);
  assert.equal(pinned.body, head.body);
  assert.equal(pinned.headers.etag, head.headers.etag);
});

test('never cached: heights not yet final, errors, health, metrics, pending and unknown txs, writes', async (t) => {
  const n = node();
  const app = await relay(t, n);
  const pending = signedTransfer(n.chain.user, 0n);
  await n.submitTx(pending);
  const cases: [string, number][] = [
    ['/v1/headers/4', 404], ['/v1/commits/4', 404], ['/v1/blocks/4', 404], ['/v1/validators/5', 404], ['/v1/light-blocks/4', 404],
    ['/v1/light-blocks?heights=2,4', 404], [`/v1/state/${toHex(n.chain.userKey)}?height=4`, 404], ['/v1/headers/x', 400],
    ['/v1/health', 200], ['/metrics', 200], [`/v1/txs/${toHex(txHash(pending))}`, 200], [`/v1/txs/${'ab'.repeat(32)}`, 200], ['/v1/nope', 404],
  ];
  for (const [url, status] of cases) {
    const res = await app.inject(url);
    assert.equal(res.statusCode, status, url);
    assert.equal(res.headers['cache-control'], 'no-store', url);
    assert.equal(res.headers.etag, undefined, url);
  }
  // Once height 4 is final, its URL becomes immutable.
  n.produceBlock();
  assert.equal((await app.inject('/v1/headers/4')).headers['cache-control'], CACHE_CONTROL.immutable);
  const post = await app.inject({ method: 'POST', url: '/v1/txs', payload: { tx: toHex(signedTransfer(n.chain.user, 1n)) } });
  assert.equal(post.statusCode, 202);
  assert.equal(post.headers['cache-control'], 'no-store');
});

test('every documented GET route has a caching kind', async (t) => {
  const app = await relay(t, node());
  const doc = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
  const gets = Object.entries(doc.paths).filter(([, ops]) => 'get' in ops).map(([p]) => p.replace(/\{(\w+)\}/g, ':$1'));
  assert.ok(gets.length > 20);
  for (const p of gets) assert.ok(p in ROUTE_CACHE, `${p} has no entry in ROUTE_CACHE`);
});

test('CORS: any origin reads immutable answers and their ETag, with nothing varying by origin', async (t) => {
  const app = await relay(t, node());
  const res = await app.inject({ url: '/v1/headers/1', headers: { origin: 'https://viewer.example' } });
  assert.equal(res.headers['access-control-allow-origin'], '*');
  assert.match(String(res.headers['access-control-expose-headers']), /\betag\b/);
  assert.doesNotMatch(String(res.headers.vary ?? ''), /origin/i);
});

test('If-None-Match parsing: lists, weak prefixes, *', () => {
  const e = etagOf('{"a":1}');
  assert.ok(matchesIfNoneMatch(e, e));
  assert.ok(matchesIfNoneMatch(`W/${e}`, e));
  assert.ok(matchesIfNoneMatch(`"x", ${e}`, e));
  assert.ok(matchesIfNoneMatch('*', e));
  assert.ok(!matchesIfNoneMatch('"x"', e));
  assert.ok(!matchesIfNoneMatch(undefined, e));
});
