/**
 * The portable verifier against the public vectors and the hand-built ones: it must give the
 * answer OpenSSL and BoringSSL give on every one (bootstrap-node's native-verifier test and the
 * Chromium test check those libraries themselves on the same vectors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { utf8 } from './bytes.ts';
import { generateKeyPair, nobleVerifier, sign } from './keys.ts';
import { verifyCofactorless } from './ed25519-verify.ts';
import { allEd25519Vectors } from './ed25519-vectors.ts';

const vectors = allEd25519Vectors();

test('the vector set is complete: 151 Wycheproof, 12 speccheck, 31 hand-built', () => {
  const count = (s: string) => vectors.filter((v) => v.source === s).length;
  assert.deepEqual([count('wycheproof'), count('speccheck'), count('edge')], [151, 12, 31]);
});

test("the portable verifier gives OpenSSL's and BoringSSL's answer on every vector", () => {
  const wrong = vectors.filter((v) => nobleVerifier.verify(v.publicKey, v.message, v.signature) !== v.valid).map((v) => v.name);
  assert.deepEqual(wrong, []);
});

test('asked twice, a memoised key gives the same answers', () => {
  for (const v of vectors.filter((x) => x.source !== 'wycheproof')) {
    assert.equal(verifyCofactorless(v.publicKey, v.message, v.signature), v.valid, v.name);
  }
});

test("noble's own cofactored verify disagrees with OpenSSL on 34 vectors, both ways (what the portable verifier fixes)", () => {
  const cofactored = (v: (typeof vectors)[number]): boolean => {
    if (v.signature.length !== 64) return false;
    return ed25519.verify(v.signature, v.message, v.publicKey, { zip215: false });
  };
  const acceptsMore = vectors.filter((v) => !v.valid && cofactored(v)).length;
  const rejectsMore = vectors.filter((v) => v.valid && !cofactored(v)).length;
  assert.deepEqual({ acceptsMore, rejectsMore }, { acceptsMore: 17, rejectsMore: 17 });
});

test('fresh signatures verify; a changed message, signature bit or key does not', () => {
  for (let i = 0; i < 4; i++) {
    const k = generateKeyPair();
    const m = utf8(`message ${i}`);
    const s = sign(k.secretKey, m);
    assert.equal(verifyCofactorless(k.publicKey, m, s), true);
    assert.equal(verifyCofactorless(k.publicKey, utf8('other'), s), false);
    const bad = s.slice();
    bad[i * 17]! ^= 1;
    assert.equal(verifyCofactorless(k.publicKey, m, bad), false);
    assert.equal(verifyCofactorless(generateKeyPair().publicKey, m, s), false);
    assert.equal(verifyCofactorless(k.publicKey, m, s.slice(1)), false);
  }
});
