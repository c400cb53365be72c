/**
 * A real nginx cache (Debian's package, deploy/nginx/dipnet-relay-cache.conf) in front of a real
 * relay of in-process validators (issue 20, part 2):
 *  1. a Node light client cold-starts through nginx to a verified head; the relay sees one request
 *     per immutable object (its own request counter, /metrics) and nginx logs exactly one MISS for
 *     each immutable URL;
 *  2. a second client's cold start is served by the cache: the relay sees no immutable request;
 *  3. through nginx, every immutable route answers immutable + ETag, a cache HIT and a 304 on
 *     If-None-Match; moving routes are short-lived or not cached;
 *  4. a tampering cache (altered body, or another height's body, under the same cache headers) is
 *     caught by the light client with its usual errors;
 *  5. the head stream goes through unbuffered and uncached (last: it makes a block).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LightErrorCode, StateKey, decodeCommit, encodeCommit, fromHex, genesisHash, isLightError, toHex, addressOf, dpn } from '@dipnet/protocol';
import { createLightClient, type LightClient, type LightClientOptions } from '@dipnet/light-client';
import { startNet } from '@dipnet/light-client/testing/devnet';
import { devKey } from '@dipnet/bootstrap-node';
import { startNginxCache, nginxBinary } from '@dipnet/bootstrap-node/testing';

const CHAIN = 'dipnet-relay-cache-test';
const IMMUTABLE = 'public, max-age=31536000, immutable';

const skip = nginxBinary() ? false : 'nginx is not installed (scripts/ensure-nginx.sh)';
const net = await startNet({ chainId: CHAIN, validators: 4, relays: 1 });
const relay = new URL(net.relayUrls[0]!);
const nginx = skip ? null : await startNginxCache(relay.host);
const clients: LightClient[] = [];
const servers: Server[] = [];
after(async () => {
  for (const c of clients) await c.close();
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await nginx?.stop();
  await net.stop();
});

// A few blocks, so a sync has heights to skip.
const sale = devKey('sale');
for (let i = 0; i < 3; i++) await net.commit(sale, { type: 'transfer', to: addressOf(devKey(`cache/${i}`).publicKey), amount: dpn(1), memo: '' });

const options = (url: string): LightClientOptions => ({
  chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, trustingPeriodMs: 86_400_000, relays: [url], store: 'memory', follow: false,
});
const open = async (url: string): Promise<LightClient> => {
  const c = await createLightClient(options(url));
  clients.push(c);
  return c;
};

/** The relay's own count of answers per route (dipnet_relay_http_requests_total), straight from it. */
async function relayCounts(): Promise<Map<string, number>> {
  const text = await (await fetch(`${relay.origin}/metrics`)).text();
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^dipnet_relay_http_requests_total\{([^}]*)\} (\d+)/gm)) {
    const route = /route="([^"]*)"/.exec(m[1]!)![1]!;
    if (!/method="GET"/.test(m[1]!)) continue;
    out.set(route, (out.get(route) ?? 0) + Number(m[2]));
  }
  return out;
}
const IMMUTABLE_ROUTES = ['/v1/genesis', '/v1/light-blocks/:height', '/v1/validators/:height', '/v1/state/:key', '/v1/headers/:height', '/v1/commits/:height'];
const diff = (a: Map<string, number>, b: Map<string, number>, routes: string[]) => Object.fromEntries(routes.map((r) => [r, (b.get(r) ?? 0) - (a.get(r) ?? 0)]));

test('a light client syncs through nginx; the relay sees each immutable object once; a second cold start comes from the cache', { skip }, async () => {
  const before = await relayCounts();
  const a = await open(nginx!.url);
  const head = net.nodes[0]!.status().height;
  assert.ok(a.head().height >= 3n && a.head().height <= head, `verified head ${a.head().height}`);
  // A proven read at the verified head (an immutable, height-pinned state URL).
  await a.getAccount(addressOf(sale.publicKey));
  const afterA = await relayCounts();
  const log = await nginx!.accessLog();
  const immutableUris = log.filter((e) => !e.uri.startsWith('/v1/status') && e.uri !== '/nginx-probe');
  assert.ok(immutableUris.length > 0);
  const misses = new Map<string, number>();
  for (const e of immutableUris) if (e.cache === 'MISS') misses.set(e.uri, (misses.get(e.uri) ?? 0) + 1);
  for (const [uri, n] of misses) assert.equal(n, 1, `${uri} reached the relay ${n} times`);
  const seen = diff(before, afterA, IMMUTABLE_ROUTES);
  const relayTotal = Object.values(seen).reduce((s, n) => s + n, 0);
  assert.equal(relayTotal, misses.size, `relay answered ${JSON.stringify(seen)} for ${misses.size} distinct immutable URLs`);

  // Same head (no block in between): every immutable object comes from nginx.
  const b = await open(nginx!.url);
  await b.getAccount(addressOf(sale.publicKey));
  assert.equal(b.head().hash, a.head().hash);
  const afterB = await relayCounts();
  assert.deepEqual(diff(afterA, afterB, IMMUTABLE_ROUTES), Object.fromEntries(IMMUTABLE_ROUTES.map((r) => [r, 0])));
  const bLog = (await nginx!.accessLog()).slice(log.length).filter((e) => e.uri !== '/v1/status');
  assert.ok(bLog.length > 0 && bLog.every((e) => e.cache === 'HIT'), JSON.stringify(bLog));
});

test('through nginx: immutable routes are cached with ETag and 304; moving ones are short-lived or not kept', { skip }, async () => {
  const key = toHex(StateKey.account(addressOf(sale.publicKey)));
  const immutable = ['/v1/genesis', '/v1/headers/2', '/v1/commits/2', '/v1/validators/2', '/v1/blocks/2', '/v1/light-blocks/3?validators=both',
    '/v1/light-blocks?heights=1,2', '/v1/light-blocks/path/1/3', `/v1/state/${key}?height=2`, '/v1/headers?from=1&limit=2'];
  for (const path of immutable) {
    const first = await fetch(nginx!.url + path);
    assert.equal(first.status, 200, path);
    assert.equal(first.headers.get('cache-control'), IMMUTABLE, path);
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^"[A-Za-z0-9_-]{22}"$/, path);
    const second = await fetch(nginx!.url + path);
    assert.equal(second.headers.get('x-cache-status'), 'HIT', path);
    assert.equal(await second.text(), await first.text(), path);
    const cond = await fetch(nginx!.url + path, { headers: { 'if-none-match': etag! } });
    assert.equal(cond.status, 304, path);
    assert.equal((await cond.arrayBuffer()).byteLength, 0, path);
  }
  // Not cached at all: health, metrics, a height not yet final.
  const height = net.nodes[0]!.status().height;
  for (const path of ['/v1/health', '/metrics', `/v1/headers/${height + 100n}`]) {
    for (let i = 0; i < 2; i++) {
      const r = await fetch(nginx!.url + path);
      await r.arrayBuffer();
      assert.equal(r.headers.get('cache-control'), 'no-store', path);
      assert.equal(r.headers.get('x-cache-status'), 'MISS', `${path}: never served from the cache`);
      assert.equal(r.headers.get('etag'), null, path);
    }
  }
  // Moving: cached for about a block time, not a year.
  const status = await fetch(nginx!.url + '/v1/status');
  assert.match(status.headers.get('cache-control') ?? '', /^public, max-age=1, stale-while-revalidate=\d+$/);
  const unpinned = await fetch(nginx!.url + `/v1/state/${key}`);
  assert.match(unpinned.headers.get('content-location') ?? '', new RegExp(`^/v1/state/${key}\\?height=\\d+$`));
  assert.doesNotMatch(unpinned.headers.get('cache-control') ?? '', /immutable/);
});

/** A cache in front of nginx that lies under the same cache headers (status, ETag, Cache-Control). */
async function lyingCache(lie: (path: string, body: Record<string, unknown>) => Record<string, unknown> | null): Promise<string> {
  const server = createServer((req, res) => {
    void (async () => {
      const up = await fetch(nginx!.url + req.url!);
      const text = await up.text();
      const headers: Record<string, string> = { 'content-type': up.headers.get('content-type') ?? 'application/json' };
      for (const h of ['cache-control', 'etag', 'access-control-allow-origin']) if (up.headers.get(h)) headers[h] = up.headers.get(h)!;
      let out = text;
      if (up.ok && req.url!.startsWith('/v1/light-blocks/')) out = JSON.stringify(lie(req.url!, JSON.parse(text) as Record<string, unknown>) ?? JSON.parse(text));
      res.writeHead(up.status, headers).end(out);
    })().catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('a cache serving altered or misfiled objects is caught like any lying relay', { skip }, async () => {
  const head = net.nodes[0]!.status().height;
  const lb = async (h: bigint) => (await (await fetch(`${nginx!.url}/v1/light-blocks/${h}?validators=both`)).json()) as Record<string, unknown>;
  const older = await lb(head - 1n);
  const cases: [string[], (path: string, body: Record<string, unknown>) => Record<string, unknown> | null][] = [
    // A flipped bit in a commit signature.
    [[LightErrorCode.LC_SIGNATURE_INVALID, LightErrorCode.LC_COMMIT_MISMATCH], (_p, body) => {
      const c = decodeCommit(fromHex(String(body.commit)));
      const sig = c.signatures[0]!.signature.slice();
      sig[3]! ^= 1;
      return { ...body, commit: toHex(encodeCommit({ ...c, signatures: [{ ...c.signatures[0]!, signature: sig }, ...c.signatures.slice(1)] })) };
    }],
    // A stale object: the previous height's light block under the head's URL.
    [[LightErrorCode.LC_HEADER_INVALID], (path) => (path.startsWith(`/v1/light-blocks/${head}?`) ? older : null)],
  ];
  for (const [codes, lie] of cases) {
    const url = await lyingCache(lie);
    await assert.rejects(createLightClient(options(url)), (e: unknown) => {
      assert.ok(isLightError(e), String(e));
      assert.ok(codes.includes(e.code), `${e.code}: ${e.message}`);
      return true;
    });
  }
});

test('the head stream passes through nginx unbuffered and uncached: a new head arrives as it is final', { skip }, async () => {
  const ac = new AbortController();
  const res = await fetch(`${nginx!.url}/v1/events/heads`, { signal: ac.signal, headers: { accept: 'text/event-stream' } });
  try {
    assert.equal(res.status, 200);
    assert.notEqual(res.headers.get('x-cache-status'), 'HIT');
    const reader = res.body!.getReader();
    const target = net.nodes[0]!.status().height + 1n;
    let text = '';
    const seen = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before head ${target}: ${text.slice(-200)}`);
        text += new TextDecoder().decode(value);
        const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => BigInt(m[1]!));
        if (ids.some((h) => h >= target)) return;
      }
    })();
    await net.commit(sale, { type: 'transfer', to: addressOf(devKey('cache/sse').publicKey), amount: dpn(1), memo: '' });
    const committedAt = Date.now();
    await Promise.race([seen, new Promise((_, rej) => setTimeout(() => rej(new Error(`no head ${target} through nginx within 5 s: ${text.slice(-300)}`)), 5_000))]);
    assert.ok(Date.now() - committedAt < 5_000);
  } finally {
    ac.abort();
  }
});
