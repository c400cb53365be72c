/** Reading a tx's type without decoding it agrees with the full decoder, on every kind and on mutations. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSignedTx, decodeSignedTx, signTx, signedTxType, TxKind, type TxBody } from './tx.ts';
import { addressOf } from './keys.ts';
import { utf8 } from './bytes.ts';
import { isDipnetError, ErrorCode } from './errors.ts';
import { testValidators, seededRandom, mutateBytes } from './test-fixtures.ts';

const { keys } = testValidators(2);
const k0 = keys[0]!;
const to = addressOf(keys[1]!.publicKey);
const id32 = (n: number) => new Uint8Array(32).fill(n);
const bodies: TxBody[] = [
  { type: 'transfer', to, amount: 5n, memo: 'props ✓' },
  { type: 'bond', validator: to, amount: 9n },
  { type: 'reviewTemplate', template: id32(1), approve: true },
  { type: 'placeOrder', product: id32(6), quantity: 3, maxTotal: 400n, shipping: id32(7) },
  { type: 'fireTransition', order: id32(8), transition: 'bid', args: utf8('x') },
  { type: 'electionVote', election: 3n, candidate: to },
  { type: 'tokenMint', token: id32(2), to, amount: 1n },
];
const encoded = (body: TxBody, chainId = 'dipnet-tx-type') => encodeSignedTx(signTx({ chainId, signer: k0.publicKey, nonce: 7n, fee: 1000n, body }, k0.secretKey));

test('signedTxType reads the type every kind was encoded with, for any chain id length', () => {
  for (const body of bodies) {
    for (const chainId of ['d', 'dipnet-tx-type', 'a-much-longer-chain-id-for-this-test']) {
      const bytes = encoded(body, chainId);
      assert.equal(signedTxType(bytes), body.type);
      assert.equal(signedTxType(bytes), decodeSignedTx(bytes).tx.body.type);
    }
  }
});

test('signedTxType refuses an unknown kind and a truncated tx', () => {
  const bytes = encoded(bodies[0]!);
  const kindAt = 4 + 'dipnet-tx-type'.length + 32 + 8 + 16;
  assert.equal((bytes[kindAt]! << 8) | bytes[kindAt + 1]!, TxKind.transfer);
  const unknown = bytes.slice();
  unknown[kindAt] = 0xff;
  assert.throws(() => signedTxType(unknown), (e) => isDipnetError(e) && e.code === ErrorCode.TX_UNKNOWN_TYPE);
  assert.throws(() => signedTxType(bytes.subarray(0, kindAt + 1)), (e) => isDipnetError(e) && e.code === ErrorCode.DECODE_TRUNCATED);
});

test('on mutated encodings that still decode, signedTxType agrees with the decoder', () => {
  const rand = seededRandom(42);
  let decoded = 0;
  for (let i = 0; i < 5000; i++) {
    const bytes = mutateBytes(encoded(bodies[i % bodies.length]!), rand);
    let type: TxBody['type'];
    try {
      type = decodeSignedTx(bytes).tx.body.type;
    } catch {
      continue;
    }
    decoded++;
    assert.equal(signedTxType(bytes), type);
  }
  assert.ok(decoded > 100, `only ${decoded} mutations still decoded`);
});
