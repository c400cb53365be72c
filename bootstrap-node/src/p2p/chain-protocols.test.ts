import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ErrorCode, fail, isDipnetError, generateKeyPair, makeValidatorSet, ZERO_HASH, WireMethod,
  encodeStatusRequest, decodeStatusResponse, encodeHeadersRequest, decodeHeadersResponse,
  encodeValidatorsRequest, decodeValidatorsResponse, encodeProofRequest, decodeProofResponse,
  encodeSubmitTxRequest, decodeSubmitTxResponse, encodeBlockRequest, decodeBlockResponse,
  type Block, type Commit, type Header,
} from '@dipnet/protocol';
import type { NodeApi, NodeStatus } from '../node-api.ts';
import { createChainRequestHandler } from './chain-protocols.ts';

const h32 = (b: number): Uint8Array => new Uint8Array(32).fill(b);
const HEAD = 10n;
const header = (height: bigint): Header => ({
  chainId: 'c', height, time: 1000n + height, prevHash: h32(1), lastCommitHash: h32(2), txRoot: h32(3), evidenceRoot: h32(4),
  stateRoot: h32(5), validatorsHash: h32(6), nextValidatorsHash: h32(7), proposer: new Uint8Array(20),
});
const commit = (height: bigint): Commit => ({ height, round: 0, blockHash: h32(8), signatures: [{ validatorIndex: 0, signature: new Uint8Array(64) }] });
const block = (height: bigint): Block => ({ header: header(height), txs: [], evidence: [], attacks: [], lastCommit: null });
const set = makeValidatorSet([{ publicKey: generateKeyPair().publicKey, power: 5n }]);
const available = (h: bigint): boolean => h >= 3n && h <= HEAD; // heights 1-2 pruned

const fake: NodeApi = {
  status: (): NodeStatus => ({
    chainId: 'c', genesisHash: h32(9), height: HEAD, headHash: h32(10), headTime: 5n, stateRoot: h32(11), earliestStateHeight: 3n,
    validator: null, peers: 2, mempoolSize: 0, multiaddrs: ['/ip4/127.0.0.1/tcp/1/ws', 'x'.repeat(600)],
  }),
  health: () => ({ status: 'ok', height: HEAD, reasons: [], headAgeMs: 0, peerHeight: null, commitFailures: 0 }),
  genesisCommitment: () => ({ chainId: 'c', genesisTime: 5n, validatorsHash: h32(14), documentHash: h32(15) }),
  getHeader: (h) => (available(h) ? header(h) : undefined),
  getBlock: (h) => (available(h) ? block(h) : undefined),
  getCommit: (h) => (available(h) ? commit(h) : undefined),
  getValidatorSet: (h) => (h <= HEAD + 1n ? set : undefined),
  getStateProof: (key, height) => {
    if (!available(height)) fail(ErrorCode.HEIGHT_NOT_AVAILABLE, 'pruned');
    return { height, key, value: key[0] === 1 ? new Uint8Array([42]) : undefined, proof: { siblings: [ZERO_HASH, h32(12)], otherLeaf: null }, stateRoot: h32(5) };
  },
  submitTx: async (tx) => {
    if (tx.length === 0) fail(ErrorCode.TX_INVALID, 'empty');
    return h32(13);
  },
  txStatus: () => ({ status: 'unknown' }),
  submitConflictEvidence: async () => ({ height: 1n }),
  onFinalized: () => () => {},
};

const handle = createChainRequestHandler(fake);
const call = (method: string, body: Uint8Array) => handle(method, body, 'peer');

test('status', async () => {
  const s = decodeStatusResponse(await call(WireMethod.status, encodeStatusRequest()));
  assert.equal(s.height, HEAD);
  assert.deepStrictEqual(s.multiaddrs, ['/ip4/127.0.0.1/tcp/1/ws']); // unencodable ones dropped
  await assert.rejects(call(WireMethod.status, new Uint8Array([1])), (e) => isDipnetError(e, ErrorCode.DECODE_TRAILING_BYTES));
});

test('headers: clipped at head, error when the first is unavailable', async () => {
  const r = decodeHeadersResponse(await call(WireMethod.headers, encodeHeadersRequest({ fromHeight: 8n, count: 64 })));
  assert.deepStrictEqual(r.items.map((i) => i.header.height), [8n, 9n, 10n]);
  assert.equal(decodeHeadersResponse(await call(WireMethod.headers, encodeHeadersRequest({ fromHeight: 11n, count: 5 }))).items.length, 0);
  await assert.rejects(call(WireMethod.headers, encodeHeadersRequest({ fromHeight: 1n, count: 5 })), (e) => isDipnetError(e, ErrorCode.HEIGHT_NOT_AVAILABLE));
});

test('validators', async () => {
  const r = decodeValidatorsResponse(await call(WireMethod.validators, encodeValidatorsRequest({ height: 11n })));
  assert.deepStrictEqual(r, { height: 11n, validatorSet: set });
  await assert.rejects(call(WireMethod.validators, encodeValidatorsRequest({ height: 99n })), (e) => isDipnetError(e, ErrorCode.HEIGHT_NOT_AVAILABLE));
});

test('proof: present, absent, latest height, pruned', async () => {
  const present = decodeProofResponse(await call(WireMethod.proof, encodeProofRequest({ key: new Uint8Array([1, 2]), height: 5n })));
  assert.deepStrictEqual(present.value, new Uint8Array([42]));
  assert.equal(present.height, 5n);
  const absent = decodeProofResponse(await call(WireMethod.proof, encodeProofRequest({ key: new Uint8Array([2]), height: null })));
  assert.equal(absent.value, null);
  assert.equal(absent.height, HEAD);
  await assert.rejects(call(WireMethod.proof, encodeProofRequest({ key: new Uint8Array([2]), height: 1n })), (e) => isDipnetError(e, ErrorCode.HEIGHT_NOT_AVAILABLE));
});

test('submit-tx', async () => {
  const r = decodeSubmitTxResponse(await call(WireMethod.submitTx, encodeSubmitTxRequest({ tx: new Uint8Array([1]) })));
  assert.deepStrictEqual(r.txHash, h32(13));
  await assert.rejects(call(WireMethod.submitTx, encodeSubmitTxRequest({ tx: new Uint8Array(0) })), (e) => isDipnetError(e, ErrorCode.TX_INVALID));
});

test('block', async () => {
  const r = decodeBlockResponse(await call(WireMethod.block, encodeBlockRequest({ height: 4n })));
  assert.equal(r.block.header.height, 4n);
  assert.equal(r.commit.height, 4n);
  await assert.rejects(call(WireMethod.block, encodeBlockRequest({ height: 11n })), (e) => isDipnetError(e, ErrorCode.HEIGHT_NOT_AVAILABLE));
  await assert.rejects(call(WireMethod.block, encodeBlockRequest({ height: 2n })), (e) => isDipnetError(e, ErrorCode.HEIGHT_NOT_AVAILABLE));
});

test('unknown method', async () => {
  await assert.rejects(call('nope', new Uint8Array(0)), (e) => isDipnetError(e, ErrorCode.INVALID_ARGUMENT));
});
