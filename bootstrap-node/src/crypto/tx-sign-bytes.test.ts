import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSignedTx, keyPairFromSecret, sha256, signTx, toHex, txSignBytes, utf8, type Tx } from '@dipnet/protocol';
import { signedTxSignBytes } from './tx-sign-bytes.ts';

test('sign bytes cut from the signed encoding equal those of the re-encoded tx', () => {
  const k = keyPairFromSecret(sha256(utf8('sign-bytes')));
  const txs: Tx[] = [
    { chainId: 'dipnet-a', signer: k.publicKey, nonce: 0n, fee: 1n, body: { type: 'transfer', to: new Uint8Array(20).fill(9), amount: 5n, memo: '' } },
    { chainId: 'other-chain', signer: k.publicKey, nonce: 77n, fee: 10n ** 20n, body: { type: 'transfer', to: new Uint8Array(20), amount: 2n ** 100n, memo: 'héllo wörld' } },
  ];
  for (const tx of txs) {
    const bytes = encodeSignedTx(signTx(tx, k.secretKey));
    assert.equal(toHex(signedTxSignBytes(bytes, tx.chainId)), toHex(txSignBytes(tx)));
  }
  assert.throws(() => signedTxSignBytes(new Uint8Array(10), 'x'), RangeError);
});
