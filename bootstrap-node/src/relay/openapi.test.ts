/**
 * The served OpenAPI document is valid by a real linter (Redocly's, the library behind
 * `@redocly/cli lint`, with its `recommended` rules) and says what clients rely on: a public API,
 * one operationId per route, and the always-present fields of each answer as `required`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { EMPTY_CONTRACTS, TestNode, buildChain, relay } from '../testing/relay-fixture.ts';

type Json = Record<string, unknown>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

async function servedDocument(t: Parameters<typeof relay>[0]): Promise<{ source: string; doc: Json }> {
  // With the contract index, so the contract routes are in the document too.
  const app = await relay(t, new TestNode(buildChain(), EMPTY_CONTRACTS));
  const res = await app.inject('/openapi.json');
  assert.equal(res.statusCode, 200);
  return { source: res.body, doc: res.json() as Json };
}

const operations = (doc: Json): [string, Json][] =>
  Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([m, op]) => [`${m.toUpperCase()} ${path}`, op as Json] as [string, Json]));

test("the served document passes Redocly's recommended rules with no errors, and lints offline", async (t) => {
  const { source } = await servedDocument(t);
  // Nothing may come from the network: the rules ship with the package and the document has no remote $ref.
  const fetchCalls = t.mock.method(globalThis, 'fetch', async () => {
    throw new Error('the lint tried to fetch');
  });
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config });
  const shown = (p: (typeof problems)[number]) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`;
  assert.deepEqual(problems.filter((p) => p.severity === 'error').map(shown), []);
  // The one warning left: the project has no license yet, so the document names none by URL or SPDX id (routes/docs.ts).
  assert.deepEqual(problems.map((p) => p.ruleId), ['info-license-strict'], problems.map(shown).join('\n'));
  assert.equal(fetchCalls.mock.callCount(), 0);
});

test('the document declares the API public and licensed, and names every operation uniquely', async (t) => {
  const { doc } = await servedDocument(t);
  assert.deepEqual(doc.security, [], 'no credentials on any route');
  assert.equal(typeof (doc.info as { license?: { name?: unknown } }).license?.name, 'string');
  const ops = operations(doc);
  assert.ok(ops.length >= 27, `${ops.length} operations`);
  const ids = ops.map(([what, op]) => {
    assert.equal(typeof op.operationId, 'string', `${what} has an operationId`);
    return op.operationId as string;
  });
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

/** Object schemas with properties but no `required` list, under `value`, by JSON path. */
function objectsWithoutRequired(value: unknown, path: string): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const schema = value as Json;
  const here = typeof schema.properties === 'object' && schema.properties !== null && !Array.isArray(schema.required) ? [path] : [];
  return [...here, ...Object.entries(schema).flatMap(([k, v]) => objectsWithoutRequired(v, `${path}.${k}`))];
}

test('every object in every response lists its always-present fields as required', async (t) => {
  const { doc } = await servedDocument(t);
  const missing = operations(doc).flatMap(([what, op]) => objectsWithoutRequired(op.responses, what));
  assert.deepEqual(missing, []);
});
