import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyCommit, verifyCommitTrusting } from './verify.ts';
import { nobleVerifier } from './keys.ts';
import { testValidators, testHeader, testCommit } from './test-fixtures.ts';
import { isDipnetError, ErrorCode } from './errors.ts';
import { signVote, VoteType, voteSignBytes, verifyEvidence, makeEvidence } from './vote.ts';
import { signBytes, SignDomain } from './signing.ts';
import { addressOf } from './keys.ts';
import { signTx, verifyTxSignature, encodeSignedTx, decodeSignedTx, txSignBytes } from './tx.ts';
import { proposerIndex, makeValidatorSet } from './validator-set.ts';

const CHAIN = 'dipnet-test';
const { keys, set } = testValidators(4);

test('accepts a commit signed by more than 2/3 of the stake', async () => {
  const h = testHeader(CHAIN, 5n, set);
  const power = await verifyCommit(CHAIN, h, testCommit(CHAIN, h, set, keys.slice(0, 3)), set, nobleVerifier);
  assert.equal(power, 30n);
});

test('rejects a commit signed by exactly 2/3 of the stake', async () => {
  const { keys: k6, set: s6 } = testValidators(6);
  const h = testHeader(CHAIN, 5n, s6);
  await assert.rejects(verifyCommit(CHAIN, h, testCommit(CHAIN, h, s6, k6.slice(0, 4)), s6, nobleVerifier), (e) => isDipnetError(e, ErrorCode.COMMIT_INSUFFICIENT_POWER));
});

test('rejects a commit with a forged signature', async () => {
  const h = testHeader(CHAIN, 5n, set);
  const c = testCommit(CHAIN, h, set, keys);
  const bad = { ...c, signatures: c.signatures.map((s, i) => (i === 0 ? { ...s, signature: s.signature.map((b, j) => (j === 0 ? b ^ 1 : b)) } : s)) };
  await assert.rejects(verifyCommit(CHAIN, h, bad, set, nobleVerifier), (e) => isDipnetError(e, ErrorCode.COMMIT_INVALID));
});

test('rejects a commit for another chain, another block, or with the wrong set', async () => {
  const h = testHeader(CHAIN, 5n, set);
  const c = testCommit('other-chain', h, set, keys);
  await assert.rejects(verifyCommit(CHAIN, h, c, set, nobleVerifier), (e) => isDipnetError(e, ErrorCode.COMMIT_INVALID));
  const other = testHeader(CHAIN, 5n, set, set, new Uint8Array(32).fill(1));
  await assert.rejects(verifyCommit(CHAIN, other, testCommit(CHAIN, h, set, keys), set, nobleVerifier), (e) => isDipnetError(e, ErrorCode.COMMIT_INVALID));
  const { set: otherSet } = testValidators(4, 10n, 'w');
  await assert.rejects(verifyCommit(CHAIN, h, testCommit(CHAIN, h, set, keys), otherSet, nobleVerifier), (e) => isDipnetError(e, ErrorCode.VALIDATOR_SET_MISMATCH));
});

test('trusting verification needs more than 1/3 of the trusted set among the signers', async () => {
  const { keys: newKeys, set: newSet } = (() => {
    const ks = [keys[0]!, keys[1]!, ...testValidators(2, 10n, 'n').keys];
    return { keys: ks, set: makeValidatorSet(ks.map((k) => ({ publicKey: k.publicKey, power: 10n }))) };
  })();
  const h = testHeader(CHAIN, 100n, newSet);
  // Two of the four trusted validators (1/2 of trusted stake) signed: enough.
  const ok = testCommit(CHAIN, h, newSet, newKeys);
  assert.equal(await verifyCommitTrusting(CHAIN, ok, newSet, set, nobleVerifier), 20n);
  // Only one trusted validator (1/4) signed: not enough.
  const weak = testCommit(CHAIN, h, newSet, [newKeys[0]!, newKeys[2]!, newKeys[3]!]);
  await assert.rejects(verifyCommitTrusting(CHAIN, weak, newSet, set, nobleVerifier), (e) => isDipnetError(e, ErrorCode.COMMIT_INSUFFICIENT_POWER));
});

test('a vote signature is never valid as a tx or proposal signature (domain separation)', () => {
  const k = keys[0]!;
  const vote = { type: VoteType.prevote, height: 1n, round: 0, blockHash: new Uint8Array(32), validator: addressOf(k.publicKey) };
  const sv = signVote(CHAIN, vote, k.secretKey);
  const asVote = voteSignBytes(CHAIN, vote);
  assert.ok(nobleVerifier.verify(k.publicKey, asVote, sv.signature));
  const payload = asVote.slice(asVote.length - 69);
  assert.equal(nobleVerifier.verify(k.publicKey, signBytes(SignDomain.tx, CHAIN, payload), sv.signature), false);
  assert.equal(nobleVerifier.verify(k.publicKey, signBytes(SignDomain.proposal, CHAIN, payload), sv.signature), false);
  assert.equal(nobleVerifier.verify(k.publicKey, voteSignBytes('other-chain', vote), sv.signature), false);
});

test('tx signatures bind the chain id and every field', async () => {
  const k = keys[1]!;
  const stx = signTx({ chainId: CHAIN, signer: k.publicKey, nonce: 3n, fee: 10n, body: { type: 'transfer', to: new Uint8Array(20), amount: 5n, memo: 'hi' } }, k.secretKey);
  await verifyTxSignature(stx, CHAIN, nobleVerifier);
  assert.deepEqual(decodeSignedTx(encodeSignedTx(stx)), stx);
  await assert.rejects(verifyTxSignature(stx, 'other', nobleVerifier), (e) => isDipnetError(e, ErrorCode.TX_WRONG_CHAIN));
  const altered = { ...stx, tx: { ...stx.tx, nonce: 4n } };
  await assert.rejects(verifyTxSignature(altered, CHAIN, nobleVerifier), (e) => isDipnetError(e, ErrorCode.TX_BAD_SIGNATURE));
  assert.notDeepEqual(txSignBytes(stx.tx), txSignBytes(altered.tx));
});

test('double-sign evidence verifies only for two different signed votes of one validator', async () => {
  const k = keys[2]!;
  const base = { type: VoteType.precommit, height: 7n, round: 1, validator: addressOf(k.publicKey) };
  const a = signVote(CHAIN, { ...base, blockHash: new Uint8Array(32).fill(1) }, k.secretKey);
  const b = signVote(CHAIN, { ...base, blockHash: new Uint8Array(32).fill(2) }, k.secretKey);
  const idx = await verifyEvidence(CHAIN, makeEvidence(b, a), set, nobleVerifier);
  assert.equal(set.validators[idx]!.publicKey, k.publicKey);
  const c = signVote(CHAIN, { ...base, round: 2, blockHash: new Uint8Array(32).fill(3) }, k.secretKey);
  await assert.rejects(verifyEvidence(CHAIN, makeEvidence(a, c), set, nobleVerifier), (e) => isDipnetError(e, ErrorCode.EVIDENCE_INVALID));
});

test('proposers rotate in proportion to stake', () => {
  const weighted = makeValidatorSet(keys.map((k, i) => ({ publicKey: k.publicKey, power: BigInt(i + 1) })));
  const counts = [0, 0, 0, 0];
  for (let h = 1n; h <= 10_000n; h++) counts[proposerIndex(weighted, h, 0)]!++;
  weighted.validators.forEach((v, i) => {
    const expected = Number(v.power) / 10 * 10_000;
    assert.ok(Math.abs(counts[i]! - expected) < 100, `validator ${i}: ${counts[i]} vs ${expected}`);
  });
  assert.notEqual(proposerIndex(set, 9n, 0), proposerIndex(set, 9n, 1));
});
