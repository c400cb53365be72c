import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex } from '@noble/hashes/utils.js';
import { toHex, fromHex } from './bytes.ts';

test('toHex matches the portable encoder on any view, including offset subarrays', () => {
  const backing = new Uint8Array(300).map((_, i) => (i * 151 + 7) & 0xff);
  for (const b of [new Uint8Array(0), new Uint8Array([0, 0x0f, 0xf0, 0xff]), backing, backing.subarray(1, 2), backing.subarray(33, 250)]) {
    assert.equal(toHex(b), bytesToHex(b));
    assert.deepEqual(fromHex(toHex(b)), new Uint8Array(b));
  }
});
