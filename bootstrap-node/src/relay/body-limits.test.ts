/**
 * The body limits ERRORS.md states are the ones the relay enforces: a body of exactly the stated
 * size passes the limit and one byte more is refused with 413 RELAY_BODY_TOO_LARGE; and the
 * largest txs the batch route takes, as the table says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { encodeTxBatch } from '../tx-gossip.ts';
import { EMPTY_CONTRACTS, TestNode, buildChain, relay } from '../testing/relay-fixture.ts';
import { MAX_BATCH_TXS } from './routes/txs.ts';

/** route → largest body in bytes, from the *Body limits* table of ERRORS.md. */
function documentedLimits(): Map<string, number> {
  const md = readFileSync(new URL('./ERRORS.md', import.meta.url), 'utf8');
  const limits = new Map<string, number>();
  for (const line of md.split('\n')) {
    const m = /^\|\s*`(POST \S+)`\s*\|\s*([\d,]+)\s*\|/.exec(line);
    if (m) limits.set(m[1]!, Number(m[2]!.replaceAll(',', '')));
  }
  return limits;
}

/** A JSON body of exactly `bytes` bytes: one string field padded with hex. */
const jsonOfSize = (field: string, bytes: number): string => JSON.stringify({ [field]: 'a'.repeat(bytes - `{"${field}":""}`.length) });

/** The error code of a POST, or undefined when it succeeded. */
async function codeOf(app: FastifyInstance, req: InjectOptions): Promise<string | undefined> {
  const res = await app.inject({ method: 'POST', ...req });
  return res.statusCode < 400 ? undefined : (res.json() as { error: { code: string } }).error.code;
}

const BODIES: ReadonlyArray<readonly [string, string, (bytes: number) => string | Buffer]> = [
  ['POST /v1/txs', 'application/json', (n) => jsonOfSize('tx', n)],
  ['POST /v1/txs', 'application/octet-stream', (n) => Buffer.alloc(n, 1)],
  ['POST /v1/txs/batch', 'application/json', (n) => jsonOfSize('txs', n)],
  ['POST /v1/txs/batch', 'application/octet-stream', (n) => Buffer.alloc(n, 1)],
  ['POST /v1/txs/simulate', 'application/json', (n) => jsonOfSize('tx', n)],
  ['POST /v1/evidence', 'application/json', (n) => jsonOfSize('evidence', n)],
];

test('every POST route accepts a body of exactly the size ERRORS.md states, and refuses one byte more with 413', async (t) => {
  const app = await relay(t, new TestNode(buildChain(), EMPTY_CONTRACTS), { rateLimit: { max: 1000, timeWindowMs: 60_000 } });
  const limits = documentedLimits();
  assert.deepEqual([...limits.keys()].sort(), [...new Set(BODIES.map(([route]) => route))].sort(), 'ERRORS.md lists every POST route');
  for (const [route, type, body] of BODIES) {
    const limit = limits.get(route)!;
    const url = route.slice('POST '.length);
    const at = body(limit);
    assert.equal(Buffer.byteLength(at), limit);
    assert.notEqual(await codeOf(app, { url, headers: { 'content-type': type }, payload: at }), 'RELAY_BODY_TOO_LARGE', `${route} ${type}: ${limit} bytes pass the limit`);
    assert.equal(await codeOf(app, { url, headers: { 'content-type': type }, payload: body(limit + 1) }), 'RELAY_BODY_TOO_LARGE', `${route} ${type}: ${limit + 1} bytes`);
  }
});

test(`POST /v1/txs/batch takes ${MAX_BATCH_TXS} txs of up to 1,028 bytes as JSON and 2,055 bytes as binary, as ERRORS.md says`, async (t) => {
  const app = await relay(t, new TestNode(), { rateLimit: { max: 1000, timeWindowMs: 60_000 } });
  const txs = (size: number) => Array.from({ length: MAX_BATCH_TXS }, () => new Uint8Array(size).fill(1));
  const json = (size: number): InjectOptions => ({ url: '/v1/txs/batch', payload: { txs: txs(size).map((b) => Buffer.from(b).toString('hex')) } });
  const binary = (size: number): InjectOptions => ({ url: '/v1/txs/batch', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(encodeTxBatch(txs(size))) });
  // Each tx is refused on its own (junk bytes): the batch itself is accepted, with one verdict per tx.
  assert.equal(await codeOf(app, json(1028)), undefined);
  assert.equal(await codeOf(app, json(1029)), 'RELAY_BODY_TOO_LARGE');
  assert.equal(await codeOf(app, binary(2055)), undefined);
  assert.equal(await codeOf(app, binary(2056)), 'RELAY_BODY_TOO_LARGE');
});
