/**
 * Every place a public key enters the chain's data refuses a small-order or non-canonical key
 * with PUBLIC_KEY_INVALID: a tx's signer (decoding and verifyTxSignature), validator sets (built
 * and decoded, so votes, commits and conflict evidence too) and genesis validators (which must
 * also be curve points). The threat is real: under such a key a signature anyone can make
 * verifies (here `identity ‖ 0` under the identity key, for every message).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes, fromHex } from './bytes.ts';
import { isDipnetError, ErrorCode } from './errors.ts';
import { nobleVerifier } from './keys.ts';
import { encodeSignedTx, decodeSignedTx, txSignBytes, verifyTxSignature, type Tx } from './tx.ts';
import { makeValidatorSet, encodeValidatorSet, decodeValidatorSet, type ValidatorSet } from './validator-set.ts';
import { encodeConflictEvidence, decodeConflictEvidence } from './conflict-evidence.ts';
import { encodeGenesis, decodeGenesis, checkGenesis, type Genesis } from './genesis.ts';
import { TOTAL_SUPPLY } from './amount.ts';
import { edgeCaseVectors } from './ed25519-edge-cases.ts';
import { testValidators, testHeader, testCommit } from './test-fixtures.ts';

const CHAIN = 'dipnet-weak-keys';
const IDENTITY = fromHex('0100000000000000000000000000000000000000000000000000000000000000');
const FORGED = concatBytes(IDENTITY, new Uint8Array(32));
/** Every small-order key and every non-canonical encoding of one, each with a signature that verifies under it. */
const weakKeys = edgeCaseVectors().filter((v) => /small-order key/.test(v.name));
const refused = (reason?: string) => (e: unknown) => isDipnetError(e, ErrorCode.PUBLIC_KEY_INVALID) && (reason === undefined || e.details?.['reason'] === reason);

const txFrom = (signer: Uint8Array): Tx => ({ chainId: CHAIN, signer, nonce: 0n, fee: 1_000_000n, body: { type: 'registerValidator', moniker: 'anyone', selfBond: 10n } });

test('under the identity key, identity ‖ 0 signs any tx: the threat the rule closes', () => {
  assert.equal(weakKeys.length, 14);
  assert.equal(nobleVerifier.verify(IDENTITY, txSignBytes(txFrom(IDENTITY)), FORGED), true);
  for (const v of weakKeys) assert.equal(nobleVerifier.verify(v.publicKey, v.message, v.signature), true, v.name);
});

test('a tx whose signer is a small-order or non-canonical key does not decode', () => {
  assert.throws(() => decodeSignedTx(encodeSignedTx({ tx: txFrom(IDENTITY), signature: FORGED })), refused('small-order'));
  for (const v of weakKeys) {
    assert.throws(() => decodeSignedTx(encodeSignedTx({ tx: txFrom(v.publicKey), signature: v.signature })), refused(), v.name);
  }
});

test('verifyTxSignature refuses a weak signer of a tx built in memory, before its signature', async () => {
  await assert.rejects(verifyTxSignature({ tx: txFrom(IDENTITY), signature: FORGED }, CHAIN, nobleVerifier), refused('small-order'));
});

test('a validator set naming a weak key can be neither built nor decoded', () => {
  const { set } = testValidators(3);
  for (const v of weakKeys) {
    const withWeak: ValidatorSet = { validators: [{ publicKey: v.publicKey, power: 10n }] };
    assert.throws(() => makeValidatorSet([...set.validators, withWeak.validators[0]!]), refused(), v.name);
    assert.throws(() => decodeValidatorSet(encodeValidatorSet(withWeak)), refused(), v.name);
  }
});

test('conflict evidence whose validator set names a weak key does not decode', () => {
  const { keys, set } = testValidators(3);
  const header = testHeader(CHAIN, 5n, set);
  const commit = testCommit(CHAIN, header, set, keys);
  const good = { conflicting: { header, commit, validatorSet: set } };
  assert.doesNotThrow(() => decodeConflictEvidence(encodeConflictEvidence(good)));
  const weakSet: ValidatorSet = { validators: [{ publicKey: IDENTITY, power: 1_000n }] };
  assert.throws(() => decodeConflictEvidence(encodeConflictEvidence({ conflicting: { ...good.conflicting, validatorSet: weakSet } })), refused('small-order'));
});

test('genesis refuses a validator key that is small-order, non-canonical or not a curve point', () => {
  const { keys } = testValidators(2);
  const params = { feePerByte: 10n, feeBase: 1000n, gasPrice: 1n, unbondingPeriodMs: 60_000n, minValidatorStake: 10n, maxValidators: 100, slashBps: 500, reviewFee: 7n, timePrecisionMs: 10_000, messageDelayMs: 5_000 };
  const genesisWith = (keyOfSecond: Uint8Array): Genesis => ({
    chainId: CHAIN, genesisTime: 1n, params,
    accounts: [{ address: new Uint8Array(20).fill(1), balance: TOTAL_SUPPLY - 20n, locks: [], label: 'sale' }],
    validators: [{ publicKey: keys[0]!.publicKey, moniker: 'v0', stake: 10n }, { publicKey: keyOfSecond, moniker: 'v1', stake: 10n }],
    committee: { members: [new Uint8Array(20).fill(2)], threshold: 1 },
    governance: { params: { boardTermMs: 100n, votingPeriodMs: 10n, boardVotePeriodMs: 10n, coinAgeCapMs: 50n, maxResolutionMs: 60n }, board: Array.from({ length: 5 }, (_, i) => new Uint8Array(20).fill(i + 3)) },
  });
  assert.doesNotThrow(() => decodeGenesis(encodeGenesis(genesisWith(keys[1]!.publicKey))));
  // y = 2 has no x on the curve: (y² − 1)/(d·y² + 1) is not a square mod p.
  const offCurve = fromHex('0200000000000000000000000000000000000000000000000000000000000000');
  assert.throws(() => checkGenesis(genesisWith(offCurve)), refused('not-on-curve'));
  assert.throws(() => decodeGenesis(encodeGenesis(genesisWith(IDENTITY))), refused('small-order'));
  for (const v of weakKeys) assert.throws(() => checkGenesis(genesisWith(v.publicKey)), refused(), v.name);
});
