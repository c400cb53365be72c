import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sign, keyPairFromSecret, sha256, utf8, nobleVerifier } from '@dipnet/protocol';
import { allEd25519Vectors } from '@dipnet/protocol/ed25519-vectors';
import { createEd25519Verifier, countingVerifier } from './ed25519.ts';

const k = keyPairFromSecret(sha256(utf8('ed25519-test')));
const msg = utf8('a precommit');
const sig = sign(k.secretKey, msg);

test('WebCrypto Ed25519 is used where the platform has it, and agrees with noble', async () => {
  const v = await createEd25519Verifier();
  assert.equal(v.kind, 'webcrypto', 'Node 22 and browsers have WebCrypto Ed25519');
  const bad = sig.slice();
  bad[7]! ^= 4;
  for (const verifier of [v, await createEd25519Verifier('noble')]) {
    assert.equal(await verifier.verify(k.publicKey, msg, sig), true);
    assert.equal(await verifier.verify(k.publicKey, msg, bad), false);
    assert.equal(await verifier.verify(k.publicKey, utf8('another vote'), sig), false);
    assert.equal(await verifier.verify(k.publicKey.slice(1), msg, sig), false);
    assert.equal(await verifier.verify(new Uint8Array(32), msg, sig), false);
  }
  // Non-canonical S (S + L) is refused by both (strict RFC 8032, as node:crypto does).
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
  const s2 = s + L;
  const mall = sig.slice();
  for (let i = 0; i < 32; i++) mall[32 + i] = Number((s2 >> BigInt(8 * i)) & 0xffn);
  if (s2 < 2n ** 256n) {
    assert.equal(await v.verify(k.publicKey, msg, mall), nobleVerifier.verify(k.publicKey, msg, mall));
  }
});

test('WebCrypto and the fallback give the expected answer on every Ed25519 vector (public and hand-built)', async () => {
  const verifiers = [await createEd25519Verifier(), await createEd25519Verifier('noble')];
  assert.deepEqual(verifiers.map((v) => v.kind), ['webcrypto', 'noble']);
  const wrong: string[] = [];
  for (const vec of allEd25519Vectors()) {
    for (const v of verifiers) {
      const answer = await v.verify(vec.publicKey, vec.message, vec.signature);
      if (answer !== vec.valid) wrong.push(`${v.kind} on ${vec.name}: ${answer}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the counting wrapper counts every check', async () => {
  const c = countingVerifier(await createEd25519Verifier());
  await c.verify(k.publicKey, msg, sig);
  await c.verify(k.publicKey, msg, sig);
  assert.equal(c.count, 2);
});
