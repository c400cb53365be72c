import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, DipnetError, isDipnetError } from './errors.ts';
import { generateKeyPair } from './keys.ts';
import { makeValidatorSet } from './validator-set.ts';
import { ZERO_HASH } from './hash.ts';
import type { Header } from './header.ts';
import type { Commit } from './vote.ts';
import type { Block } from './block.ts';
import type { SmtProof } from './smt.ts';
import {
  WireMethod, WIRE_METHODS, isWireMethod, wireProtocolId, MAX_HEADERS_PER_REQUEST,
  encodeFrame, FrameDecoder,
  encodeWireResult, decodeWireResult, wireResultFromError, sanitizeWireText,
  encodeStatusRequest, decodeStatusRequest, encodeStatusResponse, decodeStatusResponse, type StatusResponse,
  encodeHeadersRequest, decodeHeadersRequest, encodeHeadersResponse, decodeHeadersResponse,
  encodeValidatorsRequest, decodeValidatorsRequest, encodeValidatorsResponse, decodeValidatorsResponse,
  encodeProofRequest, decodeProofRequest, encodeProofResponse, decodeProofResponse,
  encodeSubmitTxRequest, decodeSubmitTxRequest, encodeSubmitTxResponse, decodeSubmitTxResponse,
  encodeBlockRequest, decodeBlockRequest, encodeBlockResponse, decodeBlockResponse,
  WIRE_REQUEST_METHODS, WIRE_MAX_HEAD_FRAME_BYTES, encodeHeadsRequest, decodeHeadsRequest, encodeHeadEvent, decodeHeadEvent,
} from './wire.ts';

const h32 = (b: number): Uint8Array => new Uint8Array(32).fill(b);
const sig = (b: number): Uint8Array => new Uint8Array(64).fill(b);

function header(height: bigint): Header {
  return {
    chainId: 'dipnet-test', height, time: 1_700_000_000_000n + height,
    prevHash: h32(1), lastCommitHash: h32(2), txRoot: h32(3), evidenceRoot: h32(4), stateRoot: h32(5),
    validatorsHash: h32(6), nextValidatorsHash: h32(7), proposer: new Uint8Array(20).fill(8),
  };
}
function commit(height: bigint): Commit {
  return { height, round: 1, blockHash: h32(9), signatures: [{ validatorIndex: 0, signature: sig(1) }, { validatorIndex: 2, signature: sig(2) }] };
}
const block = (height: bigint): Block => ({ header: header(height), txs: [new Uint8Array([1, 2, 3]), new Uint8Array(100)], evidence: [], attacks: [], lastCommit: commit(height - 1n) });

/** Every strict decoder must reject its encoding with a byte appended or the last byte removed. */
function assertStrict<T>(bytes: Uint8Array, decode: (b: Uint8Array) => T): void {
  const extended = new Uint8Array(bytes.length + 1);
  extended.set(bytes);
  assert.throws(() => decode(extended), (e) => isDipnetError(e, ErrorCode.DECODE_TRAILING_BYTES));
  if (bytes.length > 0) {
    assert.throws(() => decode(bytes.subarray(0, bytes.length - 1)), (e) => isDipnetError(e));
  }
}

function roundTrip<T>(value: T, encode: (v: T) => Uint8Array, decode: (b: Uint8Array) => T): void {
  const bytes = encode(value);
  const back = decode(bytes);
  assert.deepStrictEqual(back, value);
  assert.deepStrictEqual(encode(back), bytes);
  assertStrict(bytes, decode);
}

test('method names and protocol ids', () => {
  assert.deepStrictEqual([...WIRE_METHODS].sort(), ['block', 'genesis', 'headers', 'heads', 'proof', 'status', 'submit-tx', 'validators']);
  assert.deepStrictEqual([...WIRE_REQUEST_METHODS].sort(), ['block', 'genesis', 'headers', 'proof', 'status', 'submit-tx', 'validators']);
  assert.equal(wireProtocolId('dipnet-1', WireMethod.heads), '/dipnet/dipnet-1/heads/1');
  assert.equal(WireMethod.submitTx, 'submit-tx');
  assert.ok(isWireMethod('proof'));
  assert.ok(!isWireMethod('nope'));
  assert.equal(wireProtocolId('dipnet-1', 'submit-tx'), '/dipnet/dipnet-1/submit-tx/1');
});

test('frames: round trip across arbitrary chunking', () => {
  const payloads = [new Uint8Array(0), new Uint8Array([7]), new Uint8Array(127).fill(1), new Uint8Array(128).fill(2), new Uint8Array(70_000).fill(3)];
  const all = payloads.map(encodeFrame);
  const stream = new Uint8Array(all.reduce((n, f) => n + f.length, 0));
  let off = 0;
  for (const f of all) {
    stream.set(f, off);
    off += f.length;
  }
  assert.deepStrictEqual(Array.from(encodeFrame(new Uint8Array(300)).subarray(0, 2)), [0xac, 0x02]);
  for (const chunk of [1, 3, 1000, stream.length]) {
    const dec = new FrameDecoder(100_000);
    const got: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i += chunk) got.push(...dec.push(stream.subarray(i, i + chunk)));
    assert.deepStrictEqual(got, payloads);
    assert.equal(dec.pending, 0);
  }
});

test('frames: oversize and non-minimal prefixes are rejected before buffering', () => {
  const dec = new FrameDecoder(1000);
  assert.throws(() => dec.push(encodeFrame(new Uint8Array(1001)).subarray(0, 2)), (e) => isDipnetError(e, ErrorCode.DECODE_OVERSIZE));
  assert.throws(() => new FrameDecoder(1000).push(new Uint8Array([0x81, 0x00])), (e) => isDipnetError(e, ErrorCode.DECODE_NON_CANONICAL));
  assert.throws(() => new FrameDecoder(2 ** 32).push(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])), (e) => isDipnetError(e, ErrorCode.DECODE_OVERSIZE));
  assert.deepStrictEqual(new FrameDecoder(10).push(new Uint8Array([0x02, 9])), []);
});

test('wire result: ok, typed error, internal error', () => {
  roundTrip({ ok: true, body: new Uint8Array([1, 2, 3]) }, encodeWireResult, decodeWireResult);
  roundTrip({ ok: false, code: ErrorCode.TX_FEE_TOO_LOW, message: 'fee 1 below 10' }, encodeWireResult, decodeWireResult);
  roundTrip({ ok: false, code: null, message: 'boom' }, encodeWireResult, decodeWireResult);

  const fromErr = wireResultFromError(new DipnetError(ErrorCode.NOT_FOUND, 'no such height'));
  assert.deepStrictEqual(fromErr, { ok: false, code: ErrorCode.NOT_FOUND, message: 'no such height' });
  assert.deepStrictEqual(wireResultFromError(new Error('x')), { ok: false, code: null, message: 'x' });

  // control characters and overlong text are made encodable
  const ugly = encodeWireResult({ ok: false, code: ErrorCode.TX_INVALID, message: 'a\u0001b' + 'é'.repeat(2000) });
  const back = decodeWireResult(ugly);
  assert.ok(!back.ok && back.message.startsWith('a b') && new TextEncoder().encode(back.message).length <= 1024);
  assert.equal(sanitizeWireText('e\u0301'), '\u00e9');

  // unknown tags and codes
  assert.throws(() => decodeWireResult(new Uint8Array([3])), (e) => isDipnetError(e, ErrorCode.DECODE_UNKNOWN_TAG));
  const bogus = encodeWireResult({ ok: false, code: ErrorCode.NOT_FOUND, message: 'm' });
  bogus[5] = 'X'.charCodeAt(0); // corrupt the code string
  assert.throws(() => decodeWireResult(bogus), (e) => isDipnetError(e, ErrorCode.DECODE_UNKNOWN_TAG));
});

test('status', () => {
  decodeStatusRequest(encodeStatusRequest());
  assert.throws(() => decodeStatusRequest(new Uint8Array([0])), (e) => isDipnetError(e, ErrorCode.DECODE_TRAILING_BYTES));
  const s: StatusResponse = {
    chainId: 'dipnet-test', genesisHash: h32(1), height: 42n, headHash: h32(2), headTime: 123n, stateRoot: h32(3),
    earliestStateHeight: 1n, validator: { address: new Uint8Array(20).fill(4), publicKey: h32(5) }, peers: 3, mempoolSize: 7,
    multiaddrs: ['/ip4/127.0.0.1/tcp/1234/ws/p2p/12D3KooWabc'],
  };
  roundTrip(s, encodeStatusResponse, decodeStatusResponse);
  roundTrip({ ...s, validator: null, multiaddrs: [] }, encodeStatusResponse, decodeStatusResponse);
});

test('headers', () => {
  roundTrip({ fromHeight: 5n, count: 64 }, encodeHeadersRequest, decodeHeadersRequest);
  assert.throws(() => encodeHeadersRequest({ fromHeight: 5n, count: 65 }), RangeError);
  assert.throws(() => encodeHeadersRequest({ fromHeight: 0n, count: 1 }), RangeError);
  const tooMany = new Uint8Array(12);
  tooMany[7] = 1;
  new DataView(tooMany.buffer).setUint32(8, MAX_HEADERS_PER_REQUEST + 1);
  assert.throws(() => decodeHeadersRequest(tooMany), (e) => isDipnetError(e, ErrorCode.INVALID_ARGUMENT));

  const items = [3n, 4n, 5n].map((h) => ({ header: header(h), commit: commit(h) }));
  roundTrip({ items }, encodeHeadersResponse, decodeHeadersResponse);
  roundTrip({ items: [] }, encodeHeadersResponse, decodeHeadersResponse);
  const gap = encodeHeadersResponse({ items: [items[0]!, items[2]!] });
  assert.throws(() => decodeHeadersResponse(gap), (e) => isDipnetError(e, ErrorCode.DECODE_NON_CANONICAL));
  const mismatched = encodeHeadersResponse({ items: [{ header: header(3n), commit: commit(4n) }] });
  assert.throws(() => decodeHeadersResponse(mismatched), (e) => isDipnetError(e, ErrorCode.DECODE_NON_CANONICAL));
});

test('validators', () => {
  roundTrip({ height: 9n }, encodeValidatorsRequest, decodeValidatorsRequest);
  const set = makeValidatorSet([1n, 2n, 3n].map((power) => ({ publicKey: generateKeyPair().publicKey, power })));
  roundTrip({ height: 9n, validatorSet: set }, encodeValidatorsResponse, decodeValidatorsResponse);
  // a set out of address order is not canonical
  const reversed = encodeValidatorsResponse({ height: 9n, validatorSet: { validators: [...set.validators].reverse() } });
  assert.throws(() => decodeValidatorsResponse(reversed), (e) => isDipnetError(e, ErrorCode.DECODE_NON_CANONICAL));
});

test('proof', () => {
  roundTrip({ key: new Uint8Array([1, 2, 3]), height: 7n }, encodeProofRequest, decodeProofRequest);
  roundTrip({ key: new Uint8Array([1]), height: null }, encodeProofRequest, decodeProofRequest);
  assert.throws(() => encodeProofRequest({ key: new Uint8Array(257), height: null }), RangeError);

  const proof: SmtProof = { siblings: [ZERO_HASH, h32(1), ZERO_HASH, h32(2)], otherLeaf: null };
  roundTrip({ height: 7n, key: new Uint8Array([1, 2]), value: new Uint8Array([9, 9]), proof, stateRoot: h32(3) }, encodeProofResponse, decodeProofResponse);
  const absent = { height: 7n, key: new Uint8Array([1, 2]), value: null, proof: { siblings: [h32(4)], otherLeaf: { keyHash: h32(5), valueHash: h32(6) } }, stateRoot: h32(3) };
  roundTrip(absent, encodeProofResponse, decodeProofResponse);
  // an embedded proof with a bad option tag is rejected by the strict inner decoder
  const bytes = encodeProofResponse(absent);
  const tagAt = bytes.length - 32 - 1 - 64; // stateRoot, then otherLeaf (64) after its tag
  assert.equal(bytes[tagAt], 1);
  bytes[tagAt] = 2;
  assert.throws(() => decodeProofResponse(bytes), (e) => isDipnetError(e, ErrorCode.DECODE_NON_CANONICAL));
});

test('submit-tx', () => {
  roundTrip({ tx: new Uint8Array(200).fill(1) }, encodeSubmitTxRequest, decodeSubmitTxRequest);
  assert.throws(() => encodeSubmitTxRequest({ tx: new Uint8Array(16 * 1024 + 1) }), RangeError);
  const oversize = new Uint8Array(4);
  new DataView(oversize.buffer).setUint32(0, 16 * 1024 + 1);
  assert.throws(() => decodeSubmitTxRequest(oversize), (e) => isDipnetError(e, ErrorCode.DECODE_OVERSIZE));
  roundTrip({ txHash: h32(7) }, encodeSubmitTxResponse, decodeSubmitTxResponse);
});

test('block', () => {
  roundTrip({ height: 12n }, encodeBlockRequest, decodeBlockRequest);
  roundTrip({ block: block(12n), commit: commit(12n) }, encodeBlockResponse, decodeBlockResponse);
  assert.throws(() => decodeBlockResponse(encodeBlockResponse({ block: block(12n), commit: commit(11n) })), (e) => isDipnetError(e, ErrorCode.DECODE_NON_CANONICAL));
  assert.throws(() => decodeBlockRequest(new Uint8Array(7)), (e) => isDipnetError(e, ErrorCode.DECODE_TRUNCATED));
});

test('heads: empty request, then strict HeaderWithCommit frames', () => {
  assert.equal(encodeHeadsRequest().length, 0);
  decodeHeadsRequest(encodeHeadsRequest());
  assert.throws(() => decodeHeadsRequest(new Uint8Array([0])), (e) => isDipnetError(e, ErrorCode.DECODE_TRAILING_BYTES));
  roundTrip({ header: header(7n), commit: commit(7n) }, encodeHeadEvent, decodeHeadEvent);
  assert.throws(() => decodeHeadEvent(encodeHeadEvent({ header: header(7n), commit: commit(8n) })), (e) => isDipnetError(e, ErrorCode.DECODE_NON_CANONICAL));
  // A commit signed by every validator still fits one frame.
  const full: Commit = { ...commit(7n), signatures: Array.from({ length: 150 }, (_, i) => ({ validatorIndex: i, signature: sig(i) })) };
  const frame = encodeFrame(encodeHeadEvent({ header: header(7n), commit: full }));
  const [payload] = new FrameDecoder(WIRE_MAX_HEAD_FRAME_BYTES).push(frame);
  assert.deepStrictEqual(decodeHeadEvent(payload!).commit, full);
});
