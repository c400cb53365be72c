/**
 * Every way a request can fail before or outside a route handler, over a real socket: each
 * answer has the documented body `{"error":{"code","message"}}`, a code from ERRORS.md with its
 * status, and is counted in dipnet_relay_http_requests_total.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxHeaderSize } from 'node:http';
import type { FastifyInstance } from 'fastify';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { toHex, txHash } from '@dipnet/protocol';
import { TestNode, listeningRelay, signedTransfer } from '../testing/relay-fixture.ts';
import { RawConnection, rawRequest, type RawResponse } from '../testing/raw-http.ts';
import { ERRORS } from './errors.ts';
import { DEFAULT_BODY_LIMIT, MAX_PARAM_LENGTH } from './relay.ts';

/** The response is exactly the documented error body, with a documented code at its documented status. */
function assertErrorBody(res: RawResponse, status: number, code: string, what: string): void {
  assert.equal(res.status, status, `${what}: status (body ${res.body.slice(0, 200)})`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${what}: content type`);
  const body = JSON.parse(res.body) as { error: Record<string, unknown> };
  assert.deepEqual(Object.keys(body), ['error'], what);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message'], what);
  assert.equal(body.error.code, code, what);
  assert.equal(ERRORS[code as keyof typeof ERRORS]?.status, status, `${what}: ${code} is documented with status ${status}`);
  assert.ok(typeof body.error.message === 'string' && body.error.message.length > 0, `${what}: message`);
}

const get = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: relay.test\r\n${extra}Connection: close\r\n\r\n`;
const postJson = (path: string, body: string, extra = ''): string =>
  `POST ${path} HTTP/1.1\r\nHost: relay.test\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`;

/** Answered by Node's parser or Fastify's router before any route: [what, request, status, code, method label]. */
const EARLY: ReadonlyArray<readonly [string, string, number, string, string]> = [
  ['malformed percent-encoding in the path', get('/v1/headers/%zz'), 400, 'RELAY_BAD_REQUEST', 'GET'],
  ['a path parameter over the router limit', get(`/v1/state/${'a'.repeat(MAX_PARAM_LENGTH + 1)}`), 414, 'RELAY_URI_TOO_LONG', 'GET'],
  ['a URL over the header size limit', get(`/v1/state/${'a'.repeat(maxHeaderSize)}`), 431, 'RELAY_HEADERS_TOO_LARGE', 'GET'],
  ['headers over the header size limit', get('/v1/status', `X-Padding: ${'a'.repeat(maxHeaderSize)}\r\n`), 431, 'RELAY_HEADERS_TOO_LARGE', 'GET'],
  ['a request line that is not HTTP', 'GARBAGE\r\n\r\n', 400, 'RELAY_BAD_REQUEST', 'unknown'],
  ['a header name with a space', 'GET /v1/status HTTP/1.1\r\nHo st: x\r\n\r\n', 400, 'RELAY_BAD_REQUEST', 'GET'],
  ['Content-Length together with Transfer-Encoding', 'POST /v1/txs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'RELAY_BAD_REQUEST', 'POST'],
  ['HTTP/2 without TLS', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400, 'RELAY_BAD_REQUEST', 'unknown'],
  ['CONNECT (the relay is no proxy)', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 404, 'RELAY_NOT_FOUND', 'CONNECT'],
];

test('early errors (parser, router, CONNECT) answer with the documented error body', async (t) => {
  const { port } = await listeningRelay(t);
  for (const [what, request, status, code] of EARLY) assertErrorBody(await rawRequest(port, request), status, code, what);
});

test('an HTTP/1.1 request without Host → 400 RELAY_BAD_REQUEST (not Node\'s empty 400)', async (t) => {
  const { port } = await listeningRelay(t);
  assertErrorBody(await rawRequest(port, 'GET /v1/status HTTP/1.1\r\nConnection: close\r\n\r\n'), 400, 'RELAY_BAD_REQUEST', 'no Host');
  assert.equal((await rawRequest(port, 'GET /v1/status HTTP/1.0\r\n\r\n')).status, 200, 'HTTP/1.0 needs no Host');
});

test('a request head that does not arrive within the headers timeout → 408 RELAY_REQUEST_TIMEOUT', async (t) => {
  const { port } = await listeningRelay(t, new TestNode(), { headersTimeoutMs: 200 });
  const conn = await RawConnection.open(port);
  t.after(() => conn.close());
  conn.send('GET /v1/status HTTP/1.1\r\nHost: x\r\n'); // the blank line that ends the head never comes
  assertErrorBody(await conn.response(), 408, 'RELAY_REQUEST_TIMEOUT', 'slow head');
  await conn.closedByServer();
});

test('an Expect the relay does not know is ignored, not answered with an empty 417', async (t) => {
  const { port } = await listeningRelay(t);
  const res = await rawRequest(port, get('/v1/status', 'Expect: something-else\r\n'));
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.body).chainId, 'dipnet-relay-test');
});

test('routed failures over the wire: unknown route or method, body size, media type, JSON', async (t) => {
  const { port } = await listeningRelay(t);
  const oversize = 'a'.repeat(DEFAULT_BODY_LIMIT);
  const routed: ReadonlyArray<readonly [string, string, number, string]> = [
    ['an unknown route', get('/v1/nope'), 404, 'RELAY_NOT_FOUND'],
    ['an unknown method on a known route', 'DELETE /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 404, 'RELAY_NOT_FOUND'],
    ['a body whose Content-Length is over the limit', postJson('/v1/txs', `{"tx":"${oversize}"}`), 413, 'RELAY_BODY_TOO_LARGE'],
    ['a chunked body that grows over the limit',
      `POST /v1/txs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${(DEFAULT_BODY_LIMIT + 1).toString(16)}\r\n${'a'.repeat(DEFAULT_BODY_LIMIT + 1)}\r\n0\r\n\r\n`,
      413, 'RELAY_BODY_TOO_LARGE'],
    ['a content type no route takes', postJson('/v1/txs', 'ab').replace('application/json', 'text/plain'), 415, 'RELAY_UNSUPPORTED_MEDIA_TYPE'],
    ['a content type that does not parse', postJson('/v1/txs', '{}').replace('application/json', ';;;'), 415, 'RELAY_UNSUPPORTED_MEDIA_TYPE'],
    ['JSON that does not parse', postJson('/v1/txs', '{"tx":'), 400, 'RELAY_BAD_REQUEST'],
    ['an empty JSON body', postJson('/v1/txs', ''), 400, 'RELAY_BAD_REQUEST'],
    ['JSON with __proto__', postJson('/v1/txs', '{"__proto__":{"polluted":true},"tx":"ab"}'), 400, 'RELAY_BAD_REQUEST'],
    ['a schema failure', get('/v1/headers/abc'), 400, 'RELAY_BAD_REQUEST'],
  ];
  for (const [what, request, status, code] of routed) assertErrorBody(await rawRequest(port, request), status, code, what);
});

test('a request that arrives while the relay closes → 503 RELAY_SHUTTING_DOWN, and the in-flight one completes', async (t) => {
  const node = new TestNode();
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let submitted = false;
  node.submitTx = async (bytes) => {
    submitted = true;
    await gate;
    return txHash(bytes);
  };
  const { app, port } = await listeningRelay(t, node);
  const conn = await RawConnection.open(port);
  t.after(() => conn.close());
  const tx = toHex(signedTransfer(node.chain.user, 1n));
  conn.send(postJson('/v1/txs', JSON.stringify({ tx })).replace('Connection: close\r\n', ''));
  for (let i = 0; i < 200 && !submitted; i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(submitted, 'the first request reached the node');

  const closed = app.close();
  // Once the server stops listening, close() is under way; the connection in use stays open.
  for (let i = 0; i < 200 && app.server.listening; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(app.server.listening, false, 'close() began');
  conn.send('GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n'); // pipelined on the same keep-alive connection
  release();
  assert.equal((await conn.response()).status, 202, 'the request in flight when close() began is answered');
  const late = await conn.response();
  assertErrorBody(late, 503, 'RELAY_SHUTTING_DOWN', 'request during close');
  assert.equal(late.headers.get('connection'), 'close');
  await closed;
});

/** dipnet_relay_http_requests_total samples from a scrape parsed as Prometheus text: "method route status" → count. */
async function requestCounts(app: FastifyInstance): Promise<Map<string, number>> {
  const res = await app.inject('/metrics');
  assert.match(res.headers['content-type'] ?? '', /^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(res.body); // throws on anything that is not the text format
  const family = families.find((f) => f.name === 'dipnet_relay_http_requests_total');
  assert.equal(family?.type, 'COUNTER');
  return new Map(family.metrics.map((m) => [`${m.labels?.method} ${m.labels?.route} ${m.labels?.status}`, Number(m.value)]));
}

test('early errors are counted in dipnet_relay_http_requests_total like routed responses (parsed as Prometheus text)', async (t) => {
  const { app, port } = await listeningRelay(t, new TestNode(), { headersTimeoutMs: 200 });
  const expected = new Map<string, number>();
  const counted = (key: string) => expected.set(key, (expected.get(key) ?? 0) + 1);
  for (const [, request, status, , method] of EARLY) {
    await rawRequest(port, request);
    counted(`${method} unmatched ${status}`);
  }
  const slow = await RawConnection.open(port);
  slow.send('GET /v1/status HTTP/1.1\r\nHost: x\r\n');
  assert.equal((await slow.response()).status, 408);
  slow.close();
  counted('unknown unmatched 408');
  await rawRequest(port, 'GET /v1/status HTTP/1.1\r\nConnection: close\r\n\r\n');
  counted('GET /v1/status 400');
  await rawRequest(port, get('/v1/status'));
  counted('GET /v1/status 200');

  const counts = await requestCounts(app);
  for (const [key, n] of expected) assert.equal(counts.get(key), n, `${key}: ${JSON.stringify([...counts])}`);
  assert.equal([...counts.values()].reduce((a, b) => a + b, 0), [...expected.values()].reduce((a, b) => a + b, 0), 'nothing counted twice or extra');
});
