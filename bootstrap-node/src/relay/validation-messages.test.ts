import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { MAX_TX_BYTES } from '@dipnet/protocol';
import { EMPTY_CONTRACTS, TestNode, assertError, buildChain, relay } from '../testing/relay-fixture.ts';
import { RULE_KEYWORD } from './validation-messages.ts';

const seventeenHeights = Array.from({ length: 17 }, (_, i) => i + 1).join(',');
const post = (url: string, payload: object): InjectOptions => ({ method: 'POST', url, payload });

/** Each request breaks one rule; its message names the field and states the rule in words. */
const CASES: ReadonlyArray<readonly [string | InjectOptions, string]> = [
  [`/v1/light-blocks?heights=${seventeenHeights}`, 'query parameter heights must list at most 16 heights, as comma-separated decimal numbers of at most 20 digits'],
  ['/v1/light-blocks?heights=1,x', 'query parameter heights must list at most 16 heights, as comma-separated decimal numbers of at most 20 digits'],
  ['/v1/light-blocks', 'query parameter heights is required'],
  ['/v1/light-blocks/1?validators=all', 'query parameter validators must be one of: none, signing, both'],
  ['/v1/headers/abc', 'path parameter height must be a block height: a decimal number of at most 20 digits'],
  ['/v1/headers?limit=101', 'query parameter limit must be at most 100'],
  ['/v1/headers?limit=0', 'query parameter limit must be at least 1'],
  ['/v1/headers?limit=ten', 'query parameter limit must be an integer'],
  ['/v1/headers?page=2', 'query parameter page is not allowed here'],
  ['/v1/state/abc', 'path parameter key must be hex of 1 to 256 bytes (an even number of hex digits)'],
  [`/v1/txs/${'ab'.repeat(31)}`, 'path parameter hash must be 64 hex digits (32 bytes)'],
  [post('/v1/txs', {}), 'body field tx is required'],
  [post('/v1/txs', { tx: 'xyz' }), `body field tx must be hex of 1 to ${MAX_TX_BYTES} bytes (an even number of hex digits)`],
  [post('/v1/txs', { tx: 'ab', memo: 'hi' }), 'body field memo is not allowed here'],
  [post('/v1/txs/batch', { txs: [] }), 'body field txs must have at least 1 item'],
  [post('/v1/txs/batch', { txs: ['ab', 'x'] }), `body field txs[1] must be hex of 1 to ${MAX_TX_BYTES} bytes (an even number of hex digits)`],
  [{ method: 'POST', url: '/v1/txs', headers: { 'content-type': 'application/json' }, payload: '[]' }, 'the body must be an object'],
];

test('schema errors name the field and state the rule in words, never a regular expression', async (t) => {
  const app = await relay(t);
  for (const [req, message] of CASES) {
    const res = await app.inject(req);
    assertError(res, 400, 'RELAY_BAD_REQUEST');
    assert.equal(res.json().error.message, message, JSON.stringify(req));
    assert.doesNotMatch(res.json().error.message, /[\^$\\{}]|pattern/, 'no pattern syntax in the message');
  }
});

test('contract routes: an address query parameter states the address format', async (t) => {
  const app = await relay(t, new TestNode(buildChain(), EMPTY_CONTRACTS));
  const res = await app.inject('/v1/products?producer=dpn12');
  assertError(res, 400, 'RELAY_BAD_REQUEST');
  assert.equal(res.json().error.message, "query parameter producer must be an address: 'dpn' and 40 lowercase hex digits");
});

/** Every schema object under `value` that has a `pattern`, with its JSON path. */
function patterned(value: unknown, path = '$'): { path: string; schema: Record<string, unknown> }[] {
  if (typeof value !== 'object' || value === null) return [];
  const here = !Array.isArray(value) && typeof (value as Record<string, unknown>).pattern === 'string' ? [{ path, schema: value as Record<string, unknown> }] : [];
  return [...here, ...Object.entries(value).flatMap(([k, v]) => patterned(v, `${path}.${k}`))];
}

test('every request schema with a pattern states its rule in words', async (t) => {
  const app = await relay(t, new TestNode(buildChain(), EMPTY_CONTRACTS));
  const found = patterned((await app.inject('/openapi.json')).json().paths);
  assert.ok(found.length >= 8, `patterns found: ${found.length}`);
  for (const { path, schema } of found) assert.equal(typeof schema[RULE_KEYWORD], 'string', `${path} has a pattern but no ${RULE_KEYWORD}`);
});
