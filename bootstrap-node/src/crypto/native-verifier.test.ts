/**
 * One verification rule on every path: node:crypto (the node's NativeVerifier), WebCrypto in
 * Node (crypto.subtle) and the portable fallback give the same answer on every vector —
 * Wycheproof, ed25519-speccheck and the hand-built small-order and mixed-order cases — and it is
 * the answer those sources expect of OpenSSL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nobleVerifier } from '@dipnet/protocol';
import { allEd25519Vectors } from '@dipnet/protocol/ed25519-vectors';
import { NativeVerifier } from './native-verifier.ts';

const vectors = allEd25519Vectors();

/** What crypto.subtle answers; an import or verify that throws is a refusal. */
async function subtleVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey('raw', new Uint8Array(publicKey), { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, new Uint8Array(signature), new Uint8Array(message));
  } catch {
    return false;
  }
}

test('node:crypto, WebCrypto in Node and the fallback give the expected answer on all 194 vectors', async () => {
  assert.equal(vectors.length, 194);
  const native = new NativeVerifier();
  const wrong: string[] = [];
  for (const v of vectors) {
    const answers = {
      'node:crypto': native.verify(v.publicKey, v.message, v.signature),
      'WebCrypto': await subtleVerify(v.publicKey, v.message, v.signature),
      'fallback': nobleVerifier.verify(v.publicKey, v.message, v.signature),
    };
    for (const [who, answer] of Object.entries(answers)) if (answer !== v.valid) wrong.push(`${who} on ${v.name}: ${answer}`);
  }
  assert.deepEqual(wrong, []);
});

test('a cached key gives node:crypto the same answers the second time', () => {
  const native = new NativeVerifier();
  const edge = vectors.filter((v) => v.source !== 'wycheproof');
  for (let round = 0; round < 2; round++) {
    for (const v of edge) assert.equal(native.verify(v.publicKey, v.message, v.signature), v.valid, `${v.name}, round ${round}`);
  }
});
