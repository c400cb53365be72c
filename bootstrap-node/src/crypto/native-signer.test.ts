import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyPairFromSecret, sha256, sign, utf8, nobleVerifier } from '@dipnet/protocol';
import { nativeSigner } from './native-signer.ts';

test('the native signer makes the protocol signer\'s signatures, byte for byte', () => {
  for (let i = 0; i < 20; i++) {
    const k = keyPairFromSecret(sha256(utf8(`signer-${i}`)));
    const message = sha256(utf8(`message-${i}`)).subarray(0, 7 + i);
    const native = nativeSigner(k.secretKey)(message);
    assert.deepEqual(native, sign(k.secretKey, message));
    assert.ok(nobleVerifier.verify(k.publicKey, message, native));
  }
});
