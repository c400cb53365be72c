/**
 * Light-client attack evidence: which conflicting headers are lunatic, and whose signatures in a
 * conflicting commit count against the chain's validators (conflict-evidence.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, generateKeyPair, nobleVerifier } from './keys.ts';
import { makeValidatorSet } from './validator-set.ts';
import { attackSigners, isLunatic } from './conflict-evidence.ts';
import { testCommit, testHeader } from './test-fixtures.ts';
import { sha256 } from './hash.ts';
import { compareBytes, utf8 } from './bytes.ts';

const CHAIN = 'dipnet-attack-test';
const keys = [0, 1, 2, 3].map(() => generateKeyPair());
const realSet = makeValidatorSet(keys.map((k) => ({ publicKey: k.publicKey, power: 10n })));
const outsider = generateKeyPair();
const theirSet = makeValidatorSet([keys[2]!, keys[3]!, outsider].map((k) => ({ publicKey: k.publicKey, power: 10n })));
const ours = testHeader(CHAIN, 5n, realSet, realSet, sha256(utf8('parent')));

test('a header with another validator set, next set, parent or chain is lunatic; one with the same fields is not', () => {
  assert.equal(isLunatic(ours, { ...ours, stateRoot: sha256(utf8('other state')) }), false, 'same parent and sets: equivocation or amnesia');
  assert.equal(isLunatic(ours, testHeader(CHAIN, 5n, theirSet, realSet, ours.prevHash)), true);
  assert.equal(isLunatic(ours, testHeader(CHAIN, 5n, realSet, theirSet, ours.prevHash)), true);
  assert.equal(isLunatic(ours, { ...ours, prevHash: sha256(utf8('another parent')) }), true);
  assert.equal(isLunatic(ours, { ...ours, chainId: 'other' }), true);
});

test("the chain's validators whose signatures on the conflicting commit verify are its signers; outsiders and bad signatures are not", async () => {
  const forged = testHeader(CHAIN, 5n, theirSet, theirSet, ours.prevHash);
  const commit = testCommit(CHAIN, forged, theirSet, [keys[2]!, keys[3]!, outsider]);
  const signers = await attackSigners(CHAIN, { conflicting: { header: forged, commit, validatorSet: theirSet } }, realSet, nobleVerifier);
  assert.deepEqual(signers, [keys[2]!, keys[3]!].map((k) => addressOf(k.publicKey)).sort(compareBytes));

  const spoiled = { ...commit, signatures: commit.signatures.map((s, i) => (i === 0 ? { ...s, signature: new Uint8Array(64).fill(1) } : s)) };
  const fewer = await attackSigners(CHAIN, { conflicting: { header: forged, commit: spoiled, validatorSet: theirSet } }, realSet, nobleVerifier);
  assert.equal(fewer.length, signers.length - (theirSet.validators[commit.signatures[0]!.validatorIndex]!.publicKey === outsider.publicKey ? 0 : 1));
  assert.deepEqual(await attackSigners('another-chain', { conflicting: { header: forged, commit, validatorSet: theirSet } }, realSet, nobleVerifier), [], 'signatures are bound to the chain id');
});
