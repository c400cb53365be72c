import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setSha256Implementation, taggedHash, sha256, utf8, toHex } from '@dipnet/protocol';
import { nativeSha256 } from './native-hash.ts';

test('native SHA-256 gives the same digests as the portable one', () => {
  // 5000 bytes: tagged hashes of it take the streamed path, the rest the one-shot one.
  const inputs = [new Uint8Array(0), utf8('abc'), new Uint8Array(1000).fill(7), new Uint8Array(5000).fill(1)];
  setSha256Implementation(null);
  const portable = inputs.map((d) => [toHex(sha256(d)), toHex(taggedHash('dipnet/test', d, d))]);
  setSha256Implementation(nativeSha256);
  try {
    const native = inputs.map((d) => [toHex(sha256(d)), toHex(taggedHash('dipnet/test', d, d))]);
    assert.deepEqual(native, portable);
    assert.equal(toHex(sha256(utf8('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  } finally {
    setSha256Implementation(null);
  }
});
