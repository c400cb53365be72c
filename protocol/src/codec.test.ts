import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writer, Reader, decodeExact } from './codec.ts';
import { toHex } from './bytes.ts';
import { isDipnetError, ErrorCode } from './errors.ts';

test('integers are fixed-width big-endian (test vector)', () => {
  const w = new Writer();
  w.u8(1).u16(0x0203).u32(0x04050607).u64(0x08090a0b0c0d0e0fn).u128(1n).bool(true);
  assert.equal(toHex(w.finish()), '01' + '0203' + '04050607' + '08090a0b0c0d0e0f' + '00000000000000000000000000000001' + '01');
});

test('strings and byte strings carry a u32 length (test vector)', () => {
  const w = new Writer();
  w.string('dip', 16).bytes(new Uint8Array([0xaa]), 4).array([1, 2], 4, (w, n) => w.u8(n)).optional(null, (w, n: number) => w.u8(n));
  assert.equal(toHex(w.finish()), '00000003646970' + '00000001aa' + '000000020102' + '00');
});

test('rejects trailing bytes', () => {
  assert.throws(() => decodeExact(new Uint8Array([1, 2]), (r) => r.u8(), 'x'), (e) => isDipnetError(e, ErrorCode.DECODE_TRAILING_BYTES));
});

test('rejects truncated input', () => {
  assert.throws(() => new Reader(new Uint8Array([0, 0, 0])).u32(), (e) => isDipnetError(e, ErrorCode.DECODE_TRUNCATED));
});

test('rejects oversize lengths before allocating', () => {
  const bytes = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
  assert.throws(() => new Reader(bytes).bytes(1024), (e) => isDipnetError(e, ErrorCode.DECODE_OVERSIZE));
  assert.throws(() => new Reader(new Uint8Array([0, 0, 0, 9, 1])).array(100, (r) => r.u8()), (e) => isDipnetError(e, ErrorCode.DECODE_TRUNCATED));
});

test('rejects non-canonical booleans and option tags', () => {
  assert.throws(() => new Reader(new Uint8Array([2])).bool(), (e) => isDipnetError(e, ErrorCode.DECODE_NON_CANONICAL));
  assert.throws(() => new Reader(new Uint8Array([7])).optional((r) => r.u8()), (e) => isDipnetError(e, ErrorCode.DECODE_NON_CANONICAL));
});

test('rejects invalid UTF-8, control characters and non-NFC text', () => {
  assert.throws(() => new Reader(new Uint8Array([0, 0, 0, 1, 0xff])).string(8), (e) => isDipnetError(e, ErrorCode.DECODE_INVALID_UTF8));
  assert.throws(() => new Reader(new Uint8Array([0, 0, 0, 1, 0x07])).string(8), (e) => isDipnetError(e, ErrorCode.DECODE_NON_CANONICAL));
  const decomposed = new TextEncoder().encode('e\u0301');
  const w = new Uint8Array([0, 0, 0, decomposed.length, ...decomposed]);
  assert.throws(() => new Reader(w).string(8), (e) => isDipnetError(e, ErrorCode.DECODE_NON_CANONICAL));
  assert.throws(() => new Writer().string('a\u0000b', 8), RangeError);
});

test('writer refuses values out of range', () => {
  assert.throws(() => new Writer().u64(-1n), RangeError);
  assert.throws(() => new Writer().u64(1n << 64n), RangeError);
  assert.throws(() => new Writer().u8(256), RangeError);
  assert.throws(() => new Writer().bytes(new Uint8Array(5), 4), RangeError);
});
