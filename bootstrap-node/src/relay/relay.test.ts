import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { waitFor } from '@dipnet/protocol/testing';
import { Gauge } from 'prom-client';
import {
  DipnetError,
  ErrorCode,
  StateKey,
  addressOf,
  decodeBlock,
  decodeCommit,
  decodeHeader,
  decodeSmtProof,
  decodeValidatorSet,
  encodeValidatorSet,
  equalBytes,
  formatAddress,
  fromHex,
  generateKeyPair,
  genesisCommitmentHash,
  headerHash,
  makeValidatorSet,
  nobleVerifier,
  stateKeyHash,
  toHex,
  txHash,
  validatorSetHash,
  verifyCommit,
  verifySmtProof,
} from '@dipnet/protocol';
import { createRelay } from './relay.ts';
import { CHAIN_ID, TestNode, assertError, relay, signedTransfer } from '../testing/relay-fixture.ts';
import { ERRORS, RelayErrorCode } from './errors.ts';

// ---------------------------------------------------------------------------------------------
// Chain routes

test('GET /v1/status', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node);
  const res = await app.inject('/v1/status');
  assert.equal(res.statusCode, 200);
  const s = res.json();
  assert.equal(s.chainId, CHAIN_ID);
  assert.equal(s.height, '3');
  assert.equal(s.genesisHash, toHex(genesisCommitmentHash(node.chain.genesis)));
  assert.equal(s.headHash, toHex(headerHash(node.chain.headers[2]!)));
  assert.equal(s.headTime, node.chain.headers[2]!.time.toString());
  assert.equal(s.stateRoot, toHex(node.chain.stateRoot));
  assert.equal(s.earliestStateHeight, '1');
  assert.equal(s.validator.address, formatAddress(addressOf(node.chain.keys[0]!.publicKey)));
  assert.equal(s.validator.publicKey, toHex(node.chain.keys[0]!.publicKey));
  assert.equal(s.peers, 3);
  assert.equal(s.mempoolSize, 0);
  assert.deepEqual(s.multiaddrs, ['/ip4/127.0.0.1/tcp/4001/ws']);
  assert.deepEqual(s.health, { status: 'ok', height: '3', reasons: [], headAgeSeconds: 1.2, peerHeight: '3', commitFailures: 0 });
});

test('GET /v1/health answers 200 ok, and 503 stalled with reasons, the last write error and since when', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node);
  const ok = await app.inject('/v1/health');
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), { status: 'ok', height: '3', reasons: [], headAgeSeconds: 1.2, peerHeight: '3', commitFailures: 0 });

  const reasons = [
    { code: 'WRITES_FAILING' as const, message: '4 store write(s) failed in the last 9 s: no space' },
    { code: 'BEHIND_PEERS' as const, message: 'the head has stayed at height 3 for 40 s while peers are at 9' },
  ];
  node.healthState = { status: 'stalled', reasons, headAgeMs: 40_000, peerHeight: 9n, commitFailures: 4, lastCommitError: 'STORE_WRITE_FAILED (ENOSPC): no space', since: 1_750_000_000_000 };
  const stalled = await app.inject('/v1/health');
  assert.equal(stalled.statusCode, 503);
  assert.deepEqual(stalled.json(), {
    status: 'stalled', height: '3', reasons, headAgeSeconds: 40, peerHeight: '9', commitFailures: 4,
    lastCommitError: 'STORE_WRITE_FAILED (ENOSPC): no space', since: '1750000000000',
  });
  // /v1/status stays 200 (it describes the head) and carries the same health object.
  const status = await app.inject('/v1/status');
  assert.equal(status.statusCode, 200);
  assert.deepEqual(status.json().health, stalled.json());

  const metrics = (await app.inject('/metrics')).body;
  assert.match(metrics, /^dipnet_node_stalled 1$/m);
  assert.match(metrics, /^dipnet_commit_failures_total 4$/m);
  assert.match(metrics, /^dipnet_head_age_seconds 40$/m);
  assert.match(metrics, /^dipnet_peer_height 9$/m);
  assert.match(metrics, /^# TYPE dipnet_commit_failures_total counter$/m);
});

test('GET /v1/headers/:height returns the canonical header and decoded fields', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node);
  const res = await app.inject('/v1/headers/2');
  assert.equal(res.statusCode, 200);
  const body = res.json();
  const header = decodeHeader(fromHex(body.header));
  assert.equal(body.height, '2');
  assert.equal(body.hash, toHex(headerHash(header)));
  assert.equal(body.hash, toHex(headerHash(node.chain.headers[1]!)));
  assert.equal(body.fields.height, '2');
  assert.equal(body.fields.chainId, CHAIN_ID);
  assert.equal(body.fields.time, header.time.toString());
  assert.equal(body.fields.prevHash, toHex(headerHash(node.chain.headers[0]!)));
  assert.equal(body.fields.proposer, formatAddress(header.proposer));
  assert.match(body.hash, /^[0-9a-f]{64}$/);
});

test('GET /v1/headers pages headers (limit ≤ 100)', async (t) => {
  const app = await relay(t);
  const page = (await app.inject('/v1/headers?from=2&limit=5')).json();
  assert.deepEqual(page.headers.map((h: { height: string }) => h.height), ['2', '3']);
  const latest = (await app.inject('/v1/headers?limit=2')).json();
  assert.deepEqual(latest.headers.map((h: { height: string }) => h.height), ['2', '3']);
  const all = (await app.inject('/v1/headers')).json();
  assert.deepEqual(all.headers.map((h: { height: string }) => h.height), ['1', '2', '3']);
  assert.deepEqual((await app.inject('/v1/headers?from=50')).json(), { headers: [] });
  assertError(await app.inject('/v1/headers?limit=101'), 400, 'RELAY_BAD_REQUEST');
  assertError(await app.inject('/v1/headers?limit=0'), 400, 'RELAY_BAD_REQUEST');
  assertError(await app.inject('/v1/headers?from=-1'), 400, 'RELAY_BAD_REQUEST');
});

test('GET /v1/commits/:height + /v1/validators/:height verify end to end', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node);
  const c = (await app.inject('/v1/commits/3')).json();
  assert.equal(c.height, '3');
  assert.equal(c.signatures, 3);
  const v = await app.inject('/v1/validators/3');
  assert.equal(v.statusCode, 200);
  const vb = v.json();
  const set = decodeValidatorSet(fromHex(vb.validatorSet));
  assert.equal(vb.hash, toHex(validatorSetHash(set)));
  assert.equal(vb.totalPower, '46');
  assert.equal(vb.validators.length, 4);
  assert.deepEqual(vb.validators[0], {
    address: formatAddress(addressOf(set.validators[0]!.publicKey)),
    publicKey: toHex(set.validators[0]!.publicKey),
    power: set.validators[0]!.power.toString(),
  });
  const h = (await app.inject('/v1/headers/3')).json();
  const signed = await verifyCommit(CHAIN_ID, decodeHeader(fromHex(h.header)), decodeCommit(fromHex(c.commit)), set, nobleVerifier);
  assert.ok(signed > 0n);
  // The next height's set is served too.
  assert.equal((await app.inject('/v1/validators/4')).statusCode, 200);
});

test('GET /v1/blocks/:height', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node);
  const res = await app.inject('/v1/blocks/2');
  assert.equal(res.statusCode, 200);
  const body = res.json();
  const block = decodeBlock(fromHex(body.block));
  assert.equal(body.height, '2');
  assert.equal(body.hash, toHex(headerHash(block.header)));
  assert.equal(body.txCount, 1);
  assert.deepEqual(body.txs, [toHex(txHash(node.chain.committedTx))]);
  assert.ok(block.lastCommit && equalBytes(block.lastCommit.blockHash, headerHash(node.chain.headers[0]!)));
});

test('missing header, commit, block or validator set → 404 NOT_FOUND; unknown route → 404 RELAY_NOT_FOUND', async (t) => {
  const app = await relay(t);
  for (const url of ['/v1/headers/99', '/v1/headers/0', '/v1/commits/4', '/v1/blocks/99', '/v1/validators/99']) {
    assertError(await app.inject(url), 404, 'NOT_FOUND');
  }
  assertError(await app.inject('/v1/nope'), 404, 'RELAY_NOT_FOUND');
  assertError(await app.inject({ method: 'DELETE', url: '/v1/status' }), 404, 'RELAY_NOT_FOUND');
});

test('GET /v1/light-blocks/:height: header, commit and set in one answer, equal to the separate routes', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node);
  const res = await app.inject('/v1/light-blocks/2');
  assert.equal(res.statusCode, 200);
  const lb = res.json();
  assert.equal(lb.height, '2');
  assert.equal(lb.header, (await app.inject('/v1/headers/2')).json().header);
  assert.equal(lb.hash, toHex(headerHash(node.chain.headers[1]!)));
  assert.equal(lb.commit, (await app.inject('/v1/commits/2')).json().commit);
  assert.equal(lb.validatorSet, (await app.inject('/v1/validators/2')).json().validatorSet);
  assert.equal(lb.nextValidatorSet, null, 'the next set is the same: not repeated');
  const signed = await verifyCommit(CHAIN_ID, decodeHeader(fromHex(lb.header)), decodeCommit(fromHex(lb.commit)), decodeValidatorSet(fromHex(lb.validatorSet)), nobleVerifier);
  assert.ok(signed > 0n);
  const none = (await app.inject('/v1/light-blocks/2?validators=none')).json();
  assert.deepEqual([none.header, none.commit, none.validatorSet, none.nextValidatorSet], [lb.header, lb.commit, null, null]);
  assert.equal((await app.inject('/v1/light-blocks/2?validators=signing')).json().validatorSet, lb.validatorSet);
});

test('GET /v1/light-blocks/:height includes the next set when the header announces a change', async (t) => {
  const node = new TestNode();
  const nextSet = makeValidatorSet([{ publicKey: generateKeyPair().publicKey, power: 7n }]);
  const changed = { ...node.chain.headers[2]!, nextValidatorsHash: validatorSetHash(nextSet) };
  const app = await relay(t, Object.assign(Object.create(node) as TestNode, {
    getHeader: (h: bigint) => (h === 3n ? changed : node.getHeader(h)),
    getValidatorSet: (h: bigint) => (h === 4n ? nextSet : node.getValidatorSet(h)),
  }));
  const lb = (await app.inject('/v1/light-blocks/3')).json();
  assert.equal(lb.hash, toHex(headerHash(changed)));
  assert.ok(equalBytes(validatorSetHash(decodeValidatorSet(fromHex(lb.nextValidatorSet))), changed.nextValidatorsHash));
  assert.equal(lb.validatorSet, toHex(encodeValidatorSet(node.chain.set)));
  assert.equal((await app.inject('/v1/light-blocks/3?validators=signing')).json().nextValidatorSet, null);
});

test('GET /v1/light-blocks?heights= batches heights in the order asked; bad or missing heights are refused', async (t) => {
  const app = await relay(t);
  const res = await app.inject('/v1/light-blocks?heights=3,1');
  assert.equal(res.statusCode, 200);
  const { blocks } = res.json();
  assert.deepEqual(blocks, [(await app.inject('/v1/light-blocks/3')).json(), (await app.inject('/v1/light-blocks/1')).json()]);
  assert.equal((await app.inject('/v1/light-blocks?heights=2&validators=none')).json().blocks[0].validatorSet, null);
  for (const url of ['/v1/light-blocks/4', '/v1/light-blocks/0', '/v1/light-blocks?heights=1,9']) assertError(await app.inject(url), 404, 'NOT_FOUND');
  const seventeen = Array.from({ length: 17 }, (_, i) => i + 1).join(',');
  for (const url of ['/v1/light-blocks', '/v1/light-blocks?heights=', '/v1/light-blocks?heights=1,1', `/v1/light-blocks?heights=${seventeen}`, '/v1/light-blocks?heights=1,-2', '/v1/light-blocks/1?validators=all', '/v1/light-blocks?heights=99999999999999999999']) {
    assertError(await app.inject(url), 400, 'RELAY_BAD_REQUEST');
  }
});

test('GET /v1/light-blocks/path/:from/:to: the light blocks a skipping client verifies in turn, immutable; bad ranges refused', async (t) => {
  const app = await relay(t);
  const res = await app.inject('/v1/light-blocks/path/1/3');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['cache-control']), /immutable/);
  // One set signs every height of the test chain: straight to the target.
  assert.deepEqual(res.json(), { to: '3', blocks: [(await app.inject('/v1/light-blocks/3')).json()] });
  assertError(await app.inject('/v1/light-blocks/path/1/9'), 404, 'NOT_FOUND');
  for (const url of ['/v1/light-blocks/path/0/3', '/v1/light-blocks/path/3/3', '/v1/light-blocks/path/3/2', '/v1/light-blocks/path/1/x']) assertError(await app.inject(url), 400, 'RELAY_BAD_REQUEST');
});

// ---------------------------------------------------------------------------------------------
// State

test('GET /v1/state/:key serves inclusion and non-inclusion proofs', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node);
  const res = await app.inject(`/v1/state/${toHex(node.chain.userKey)}`);
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.height, '3');
  assert.equal(body.key, toHex(node.chain.userKey));
  assert.equal(body.value, toHex(node.chain.userAccount));
  assert.equal(body.stateRoot, toHex(node.chain.headers[2]!.stateRoot));
  assert.ok(verifySmtProof(fromHex(body.stateRoot), stateKeyHash(node.chain.userKey), fromHex(body.value), decodeSmtProof(fromHex(body.proof))));

  const absentKey = StateKey.account(addressOf(generateKeyPair().publicKey));
  const absent = (await app.inject(`/v1/state/${toHex(absentKey).toUpperCase()}?height=1`)).json();
  assert.equal(absent.height, '1');
  assert.equal(absent.value, null);
  assert.ok(verifySmtProof(fromHex(absent.stateRoot), stateKeyHash(absentKey), undefined, decodeSmtProof(fromHex(absent.proof))));

  assertError(await app.inject(`/v1/state/${toHex(node.chain.userKey)}?height=9`), 404, 'HEIGHT_NOT_AVAILABLE');
});

// ---------------------------------------------------------------------------------------------
// Schema rejections

test('schema rejections → 400 RELAY_BAD_REQUEST', async (t) => {
  const app = await relay(t);
  for (const url of [
    '/v1/headers/abc',
    '/v1/headers/1.5',
    '/v1/headers/123456789012345678901', // 21 digits
    '/v1/headers/18446744073709551616', // 20 digits, u64 max + 1
    '/v1/commits/-1',
    '/v1/state/zz',
    '/v1/state/abc', // odd length
    `/v1/state/${'ab'.repeat(257)}`,
    '/v1/state/01?height=x',
    `/v1/txs/${'ab'.repeat(31)}`,
    `/v1/txs/${'g'.repeat(64)}`,
  ]) {
    assertError(await app.inject(url), 400, 'RELAY_BAD_REQUEST');
  }
  for (const payload of [{}, { tx: 'xyz' }, { tx: 'abc' }, { tx: '' }, { tx: { x: 1 } }, { tx: 'ab'.repeat(16 * 1024 + 1) }]) {
    assertError(await app.inject({ method: 'POST', url: '/v1/txs', payload }), 400, 'RELAY_BAD_REQUEST');
  }
  assertError(await app.inject({ method: 'POST', url: '/v1/txs', headers: { 'content-type': 'application/json' }, payload: '{"tx":' }), 400, 'RELAY_BAD_REQUEST');
  assertError(await app.inject({ method: 'POST', url: '/v1/evidence', payload: { evidence: 'nothex' } }), 400, 'RELAY_BAD_REQUEST');
  assertError(await app.inject({ method: 'POST', url: '/v1/txs', headers: { 'content-type': 'text/plain' }, payload: 'ab' }), 415, 'RELAY_UNSUPPORTED_MEDIA_TYPE');
});

test('oversize body → 413 RELAY_BODY_TOO_LARGE (default 64 KiB, configurable)', async (t) => {
  const small = await relay(t, new TestNode(), { bodyLimit: 1024 });
  assertError(await small.inject({ method: 'POST', url: '/v1/txs', payload: { tx: 'ab'.repeat(600) } }), 413, 'RELAY_BODY_TOO_LARGE');
  assertError(
    await small.inject({ method: 'POST', url: '/v1/txs', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(2000, 1) }),
    413,
    'RELAY_BODY_TOO_LARGE',
  );
  const dflt = await relay(t);
  assertError(await dflt.inject({ method: 'POST', url: '/v1/evidence', payload: { evidence: 'ab'.repeat(33 * 1024) } }), 413, 'RELAY_BODY_TOO_LARGE');
});

test('rate limit on POST routes → 429 RELAY_RATE_LIMITED; reads get a lighter limit', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node, { rateLimit: { max: 2, timeWindowMs: 60_000 } });
  const post = () => app.inject({ method: 'POST', url: '/v1/txs', payload: { tx: toHex(signedTransfer(node.chain.user, 1n, String(Math.random()))) } });
  assert.equal((await post()).statusCode, 202);
  assert.equal((await post()).statusCode, 202);
  const limited = await post();
  assertError(limited, 429, 'RELAY_RATE_LIMITED');
  assert.ok(limited.headers['retry-after']);
  // Reads are still served (their limit is 10× the write limit).
  for (let i = 0; i < 5; i++) assert.equal((await app.inject('/v1/status')).statusCode, 200);
  const reads = await relay(t, node, { rateLimit: { max: 2, timeWindowMs: 60_000, readMax: 3 } });
  for (let i = 0; i < 3; i++) assert.equal((await reads.inject('/v1/status')).statusCode, 200);
  assertError(await reads.inject('/v1/status'), 429, 'RELAY_RATE_LIMITED');
});

// ---------------------------------------------------------------------------------------------
// Txs and evidence

test('POST /v1/txs accepts JSON hex and raw octet-stream; GET /v1/txs/:hash reports status', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node);
  const a = signedTransfer(node.chain.user, 1n, 'json');
  const res = await app.inject({ method: 'POST', url: '/v1/txs', payload: { tx: toHex(a) } });
  assert.equal(res.statusCode, 202);
  assert.deepEqual(res.json(), { hash: toHex(txHash(a)) });

  const b = signedTransfer(node.chain.user, 2n, 'raw');
  const raw = await app.inject({ method: 'POST', url: '/v1/txs', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(b) });
  assert.equal(raw.statusCode, 202);
  assert.deepEqual(raw.json(), { hash: toHex(txHash(b)) });

  assert.deepEqual((await app.inject(`/v1/txs/${toHex(txHash(a))}`)).json(), { status: 'pending' });
  assert.deepEqual((await app.inject(`/v1/txs/${toHex(txHash(node.chain.committedTx)).toUpperCase()}`)).json(), {
    status: 'committed',
    height: '2',
    index: 0,
    code: 'OK',
  });
  assert.deepEqual((await app.inject(`/v1/txs/${'00'.repeat(32)}`)).json(), { status: 'unknown' });

  // Node errors keep their code: duplicate → 409.
  assertError(await app.inject({ method: 'POST', url: '/v1/txs', payload: { tx: toHex(a) } }), 409, 'TX_DUPLICATE');
});

test('bad txs → 400 with the node code, never 500', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node);
  const tx = signedTransfer(node.chain.user, 1n);
  const forged = tx.slice();
  forged[forged.length - 1]! ^= 1;
  assertError(await app.inject({ method: 'POST', url: '/v1/txs', payload: { tx: toHex(forged) } }), 400, 'TX_BAD_SIGNATURE');
  const truncated = await app.inject({ method: 'POST', url: '/v1/txs', payload: { tx: toHex(tx.slice(0, 40)) } });
  assert.equal(truncated.statusCode, 400);
  assert.match(truncated.json().error.code, /^DECODE_/);
  assertError(
    await app.inject({ method: 'POST', url: '/v1/txs', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(16 * 1024 + 1) }),
    413,
    'TX_OVERSIZE',
  );
});

test('error mapping: node DipnetError codes and unexpected errors', async (t) => {
  const node = new TestNode();
  let thrown: unknown = new DipnetError(ErrorCode.TX_BAD_SIGNATURE, 'signature does not verify');
  node.submitTx = async () => {
    throw thrown;
  };
  const app = await relay(t, node);
  const post = () => app.inject({ method: 'POST', url: '/v1/txs', payload: { tx: 'abcd' } });
  const bad = await post();
  assertError(bad, 400, 'TX_BAD_SIGNATURE');
  assert.equal(bad.json().error.message, 'signature does not verify');
  thrown = new DipnetError(ErrorCode.TX_MEMPOOL_FULL, 'full');
  assertError(await post(), 503, 'TX_MEMPOOL_FULL');
  thrown = new TypeError('boom: secret internals');
  const internal = await post();
  assertError(internal, 500, 'RELAY_INTERNAL');
  assert.equal(internal.json().error.message, 'internal error');
});

test('POST /v1/evidence → 202 {height}; invalid evidence → 400 EVIDENCE_INVALID', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node);
  const evidence = toHex(new Uint8Array([...fromHex(toHex(headerHash(node.chain.headers[1]!))), 1, 2, 3]));
  const res = await app.inject({ method: 'POST', url: '/v1/evidence', payload: { evidence } });
  assert.equal(res.statusCode, 202);
  assert.deepEqual(res.json(), { height: '2' });
  assert.equal(toHex(node.evidence[0]!), evidence);
  assertError(await app.inject({ method: 'POST', url: '/v1/evidence', payload: { evidence: '0000' } }), 400, 'EVIDENCE_INVALID');
});

// ---------------------------------------------------------------------------------------------
// SSE

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, needle: string, soFar = ''): Promise<string> {
  const dec = new TextDecoder();
  let text = soFar;
  while (!text.includes(needle)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before ${JSON.stringify(needle)}; got ${JSON.stringify(text)}`);
    text += dec.decode(value, { stream: true });
  }
  return text;
}


test('GET /v1/events/heads streams head events and unsubscribes on client close', { timeout: 20_000 }, async (t) => {
  const node = new TestNode();
  const app = await relay(t, node, { sseHeartbeatMs: 50 });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const ac = new AbortController();
  const res = await fetch(`${address}/v1/events/heads`, { signal: ac.signal, headers: { origin: 'https://shop.example' } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.equal(node.listeners.size, 1);
  const reader = res.body!.getReader();

  const { header } = node.produceBlock();
  const text = await readUntil(reader, '\n\n', await readUntil(reader, 'event: head'));
  const frame = text.slice(text.indexOf('id: 4'));
  const data = JSON.parse(/^data: (.*)$/m.exec(frame)![1]!);
  assert.equal(data.height, '4');
  assert.equal(data.hash, toHex(headerHash(header)));
  assert.ok(equalBytes(headerHash(decodeHeader(fromHex(data.header))), headerHash(header)));
  assert.equal(decodeCommit(fromHex(data.commit)).signatures.length, 3);
  await readUntil(reader, ': heartbeat');

  ac.abort();
  await reader.cancel().catch(() => {});
  await waitFor(() => node.listeners.size === 0, { what: 'listener removed after client close' });
});

test('closing the relay ends open SSE streams', async (t) => {
  const node = new TestNode();
  const app = await createRelay(node);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const res = await fetch(`${address}/v1/events/heads`);
  const reader = res.body!.getReader();
  await readUntil(reader, 'retry:');
  assert.equal(node.listeners.size, 1);
  await app.close();
  assert.equal(node.listeners.size, 0);
  await reader.cancel().catch(() => {});
  t.diagnostic('closed');
});

test('SSE: per-IP stream cap → 429; HEAD does not leak a subscription', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node, { sseMaxStreamsPerIp: 1 });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const ac = new AbortController();
  const first = await fetch(`${address}/v1/events/heads`, { signal: ac.signal });
  assert.equal(first.status, 200);
  const second = await fetch(`${address}/v1/events/heads`);
  assert.equal(second.status, 429);
  assert.equal(((await second.json()) as { error: { code: string } }).error.code, 'RELAY_SSE_PER_IP');
  ac.abort();
  await first.body?.cancel().catch(() => {});
  await waitFor(() => node.listeners.size === 0, { what: 'first stream cleaned up' });
  const third = new AbortController();
  const again = await fetch(`${address}/v1/events/heads`, { signal: third.signal });
  assert.equal(again.status, 200, 'the slot is released when a stream closes');
  third.abort();
  await again.body?.cancel().catch(() => {});
  await waitFor(() => node.listeners.size === 0, { what: 'second stream cleaned up' });

  const head = await app.inject({ method: 'HEAD', url: '/v1/events/heads' });
  assert.equal(head.statusCode, 200);
  await waitFor(() => node.listeners.size === 0, { what: 'HEAD leaves no listener' });
});

// ---------------------------------------------------------------------------------------------
// CORS, docs, metrics, logs

test('CORS: open for reads and for the posts browsers make (txs, evidence), closed for others', async (t) => {
  const app = await relay(t);
  const origin = 'https://any-shop.example';
  const get = await app.inject({ url: '/v1/status', headers: { origin } });
  assert.equal(get.headers['access-control-allow-origin'], '*');
  const notFound = await app.inject({ url: '/v1/headers/99', headers: { origin } });
  assert.equal(notFound.headers['access-control-allow-origin'], '*');

  const preflightTx = await app.inject({
    method: 'OPTIONS',
    url: '/v1/txs',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  assert.equal(preflightTx.statusCode, 204);
  assert.equal(preflightTx.headers['access-control-allow-origin'], '*');
  assert.match(String(preflightTx.headers['access-control-allow-methods']), /POST/);
  const postTx = await app.inject({ method: 'POST', url: '/v1/txs', headers: { origin }, payload: { tx: 'zz' } });
  assert.equal(postTx.headers['access-control-allow-origin'], '*');

  // A light client in any embedding page reports conflicting commits.
  const preflightEvidence = await app.inject({ method: 'OPTIONS', url: '/v1/evidence', headers: { origin, 'access-control-request-method': 'POST' } });
  assert.equal(preflightEvidence.headers['access-control-allow-origin'], '*');
  const postEvidence = await app.inject({ method: 'POST', url: '/v1/evidence', headers: { origin }, payload: { evidence: '0000' } });
  assert.equal(postEvidence.headers['access-control-allow-origin'], '*');

  const unknown = await app.inject({ method: 'OPTIONS', url: '/metrics', headers: { origin, 'access-control-request-method': 'POST' } });
  assert.equal(unknown.headers['access-control-allow-origin'], undefined);
});

const ROUTES: ReadonlyArray<readonly [string, string]> = [
  ['get', '/v1/status'],
  ['get', '/v1/health'],
  ['get', '/v1/genesis'],
  ['get', '/v1/headers/{height}'],
  ['get', '/v1/headers'],
  ['get', '/v1/commits/{height}'],
  ['get', '/v1/blocks/{height}'],
  ['get', '/v1/validators/{height}'],
  ['get', '/v1/light-blocks/{height}'],
  ['get', '/v1/light-blocks'],
  ['get', '/v1/light-blocks/path/{from}/{to}'],
  ['get', '/v1/state/{key}'],
  ['post', '/v1/txs'],
  ['post', '/v1/txs/batch'],
  ['get', '/v1/txs/{hash}'],
  ['get', '/v1/events/heads'],
  ['post', '/v1/evidence'],
  ['get', '/metrics'],
  ['get', '/openapi.json'],
];

test('/openapi.json lists every route with its schemas; /docs serves the bundled UI', async (t) => {
  const app = await relay(t);
  const res = await app.inject('/openapi.json');
  assert.equal(res.statusCode, 200);
  const spec = res.json();
  assert.equal(spec.openapi, '3.1.0');
  const listed = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
  assert.deepEqual(listed.sort(), ROUTES.map(([m, p]) => `${m} ${p}`).sort());
  for (const [m, p] of ROUTES) {
    const op = spec.paths[p][m];
    assert.ok(op.responses && Object.keys(op.responses).some((s) => s.startsWith('2')), `${m} ${p} has a success response schema`);
    assert.ok(op.responses['4XX'] ?? op.responses['4xx'], `${m} ${p} documents its error response`);
  }
  assert.ok(spec.paths['/v1/headers/{height}'].get.parameters.some((x: { name: string; schema: { pattern?: string } }) => x.name === 'height' && x.schema.pattern === '^[0-9]{1,20}$'));
  assert.ok(spec.paths['/v1/txs'].post.requestBody.content['application/octet-stream']);
  assert.ok(spec.paths['/v1/txs'].post.requestBody.content['application/json']);

  const ui = await app.inject('/docs/');
  assert.equal(ui.statusCode, 200);
  assert.match(ui.headers['content-type'] ?? '', /text\/html/);
  assert.doesNotMatch(ui.body, /https?:\/\//, 'no CDN assets');
  assert.equal((await app.inject('/docs/static/swagger-ui-bundle.js')).statusCode, 200);
  assert.equal((await app.inject('/docs/json')).statusCode, 200);
});

test('/metrics exposes dipnet_height, request counters by route and caller metrics', async (t) => {
  const node = new TestNode();
  const app = await relay(t, node, {
    metrics: (register) => {
      new Gauge({ name: 'dipnet_test_custom', help: 'registered by the caller', registers: [register], collect() { this.set(42); } });
    },
  });
  await app.inject('/v1/status');
  await app.inject('/v1/headers/99');
  await app.inject('/nope/at/all');
  const res = await app.inject('/metrics');
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
  assert.match(res.body, /^dipnet_height 3$/m);
  assert.match(res.body, /^dipnet_node_stalled 0$/m);
  assert.match(res.body, /^dipnet_commit_failures_total 0$/m);
  assert.match(res.body, /^dipnet_test_custom 42$/m);
  assert.match(res.body, /^dipnet_relay_http_requests_total\{method="GET",route="\/v1\/status",status="200"\} 1$/m);
  assert.match(res.body, /^dipnet_relay_http_requests_total\{method="GET",route="\/v1\/headers\/:height",status="404"\} 1$/m);
  assert.match(res.body, /dipnet_relay_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/status"/);
  assert.doesNotMatch(res.body, /nope\/at\/all/, 'unmatched URLs never become labels');
});

test('structured JSON logs when the logger is enabled', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const app = await relay(t, new TestNode(), { logger: { level: 'info', stream }, logRequests: true });
  await app.inject('/v1/status');
  const entries = lines.map((l) => JSON.parse(l) as { reqId?: string; msg?: string; res?: { statusCode?: number } });
  assert.ok(entries.some((e) => e.reqId && e.res?.statusCode === 200), 'request completion is logged as JSON with reqId');
});

// ---------------------------------------------------------------------------------------------
// Error catalogue

test('ERRORS.md and errors.ts agree, and every protocol ErrorCode is mapped', () => {
  const md = readFileSync(new URL('./ERRORS.md', import.meta.url), 'utf8');
  const rows = new Map<string, { status: number; description: string }>();
  for (const line of md.split('\n')) {
    const m = /^\|\s*`([A-Z0-9_]+)`\s*\|\s*(\d{3})\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
    if (!m) continue;
    assert.ok(!rows.has(m[1]!), `${m[1]} listed twice in ERRORS.md`);
    rows.set(m[1]!, { status: Number(m[2]), description: m[3]! });
  }
  const fromTs = new Map(Object.entries(ERRORS).map(([code, i]) => [code, { status: i.status, description: i.description }]));
  assert.deepEqual([...rows.keys()].sort(), [...fromTs.keys()].sort(), 'same codes');
  for (const [code, info] of fromTs) assert.deepEqual(rows.get(code), info, `ERRORS.md row for ${code}`);
  for (const code of [...Object.values(ErrorCode), ...Object.values(RelayErrorCode)]) assert.ok(code in ERRORS, `${code} is mapped`);
});
