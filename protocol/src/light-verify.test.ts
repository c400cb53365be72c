import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LightErrorCode, isLightError, prepareValidatorSet, verifyAdjacent, verifyNonAdjacent, verifyCommitLight,
  verifyBackwards, verifyStateAnswer, checkWithinTrustingPeriod, type LightVerifyOptions,
} from './light-verify.ts';
import { nobleVerifier, type SignatureVerifier } from './keys.ts';
import { testValidators, testHeader, testCommit } from './test-fixtures.ts';
import { headerHash, type Header } from './header.ts';
import { makeValidatorSet } from './validator-set.ts';
import { buildSmt, SparseMerkleTree, stateKeyHash } from './smt.ts';
import { utf8, toHex } from './bytes.ts';

const CHAIN = 'dipnet-light-test';
const { keys, set } = testValidators(4);
const vals = prepareValidatorSet(set);
const T0 = 1_700_000_000_000n;
const opts = (now = Number(T0) + 100_000): LightVerifyOptions => ({ chainId: CHAIN, trustingPeriodMs: 3_600_000, maxClockDriftMs: 10_000, now });

const counting = (): SignatureVerifier & { n: number } => {
  const v = { n: 0, verify(p: Uint8Array, m: Uint8Array, s: Uint8Array) { v.n++; return nobleVerifier.verify(p, m, s); } };
  return v;
};

function chain(n: number): Header[] {
  const out: Header[] = [];
  for (let h = 1n; h <= BigInt(n); h++) out.push(testHeader(CHAIN, h, set, set, h === 1n ? new Uint8Array(32) : new Uint8Array(headerHash(out[out.length - 1]!))));
  return out;
}
const hs = chain(5);
const block = (h: Header, signers = keys.slice(0, 3)) => ({ header: h, commit: testCommit(CHAIN, h, set, signers), validators: vals });
const code = (c: string) => (e: unknown) => isLightError(e) && e.code === c;

test('adjacent headers verify, checking only the signatures needed (> 2/3)', async () => {
  const v = counting();
  await verifyAdjacent(hs[0]!, block(hs[1]!, keys), opts(), v);
  assert.equal(v.n, 3, 'three of four equal validators exceed 2/3; the fourth signature is not checked');
});

test('each way a served header can be wrong has its own code', async () => {
  // forged signature
  const c = testCommit(CHAIN, hs[1]!, set, keys.slice(0, 3));
  const forged = { ...c, signatures: c.signatures.map((s, i) => (i === 1 ? { ...s, signature: s.signature.map((b, j) => (j === 5 ? b ^ 1 : b)) } : s)) };
  await assert.rejects(verifyAdjacent(hs[0]!, { header: hs[1]!, commit: forged, validators: vals }, opts(), nobleVerifier), code(LightErrorCode.LC_SIGNATURE_INVALID));
  // exactly 2/3 is not enough
  const { keys: k6, set: s6 } = testValidators(6);
  const h6 = testHeader(CHAIN, 2n, s6);
  await assert.rejects(verifyCommitLight(CHAIN, h6, testCommit(CHAIN, h6, s6, k6.slice(0, 4)), prepareValidatorSet(s6), nobleVerifier), code(LightErrorCode.LC_COMMIT_INSUFFICIENT_POWER));
  // wrong validator set
  const { keys: wk, set: wset } = testValidators(4, 10n, 'w');
  const wrongSet = testHeader(CHAIN, 2n, wset, wset, new Uint8Array(headerHash(hs[0]!)));
  await assert.rejects(verifyAdjacent(hs[0]!, { header: hs[1]!, commit: c, validators: prepareValidatorSet(wset) }, opts(), nobleVerifier), code(LightErrorCode.LC_VALIDATOR_SET_MISMATCH));
  // a header naming a set the trusted header did not announce
  await assert.rejects(verifyAdjacent(hs[0]!, { header: wrongSet, commit: testCommit(CHAIN, wrongSet, wset, wk), validators: prepareValidatorSet(wset) }, opts(), nobleVerifier), code(LightErrorCode.LC_HEADER_NOT_CHAINED));
  // commit for another block
  await assert.rejects(verifyAdjacent(hs[0]!, { header: hs[1]!, commit: testCommit(CHAIN, hs[2]!, set, keys), validators: vals }, opts(), nobleVerifier), code(LightErrorCode.LC_COMMIT_MISMATCH));
  // prevHash not chained
  const orphan = testHeader(CHAIN, 2n, set, set, new Uint8Array(32).fill(7));
  await assert.rejects(verifyAdjacent(hs[0]!, block(orphan), opts(), nobleVerifier), code(LightErrorCode.LC_HEADER_NOT_CHAINED));
  // time must increase
  const early = testHeader(CHAIN, 2n, set, set, new Uint8Array(headerHash(hs[0]!)), hs[0]!.time);
  await assert.rejects(verifyAdjacent(hs[0]!, block(early), opts(), nobleVerifier), code(LightErrorCode.LC_TIME_NOT_INCREASING));
  // header from the future
  const future = testHeader(CHAIN, 2n, set, set, new Uint8Array(headerHash(hs[0]!)), T0 + 10_000_000n);
  await assert.rejects(verifyAdjacent(hs[0]!, block(future), opts(), nobleVerifier), code(LightErrorCode.LC_HEADER_FROM_FUTURE));
  // another chain
  const other = { ...hs[1]!, chainId: 'other' };
  await assert.rejects(verifyAdjacent(hs[0]!, block(other), opts(), nobleVerifier), code(LightErrorCode.LC_WRONG_CHAIN));
  // trusted header too old
  await assert.rejects(verifyAdjacent(hs[0]!, block(hs[1]!), opts(Number(T0) + 3_600_000 + 2000), nobleVerifier), code(LightErrorCode.LC_TRUST_EXPIRED));
  assert.throws(() => checkWithinTrustingPeriod(hs[0]!, { trustingPeriodMs: 1000, now: Number(T0) + 5000 }), code(LightErrorCode.LC_TRUST_EXPIRED));
});

test('skipping needs > 1/3 of the trusted set among the signers, and then > 2/3 of the new set', async () => {
  // New set: two of the old validators and two new ones (old ones hold 1/2 of the trusted set).
  const { keys: nk } = testValidators(2, 10n, 'n');
  const mixedKeys = [keys[0]!, keys[1]!, ...nk];
  const mixed = makeValidatorSet(mixedKeys.map((k) => ({ publicKey: k.publicKey, power: 10n })));
  const far = testHeader(CHAIN, 50n, mixed, mixed, new Uint8Array(32).fill(3));
  const pm = prepareValidatorSet(mixed);
  const v = counting();
  await verifyNonAdjacent(hs[0]!, vals, { header: far, commit: testCommit(CHAIN, far, mixed, mixedKeys), validators: pm }, opts(), v);
  assert.equal(v.n, 3, 'signatures checked for trust are not checked twice');
  // Only one old validator signed: 1/4 of the trusted power → bisect.
  const weak = testCommit(CHAIN, far, mixed, [keys[0]!, ...nk]);
  await assert.rejects(verifyNonAdjacent(hs[0]!, vals, { header: far, commit: weak, validators: pm }, opts(), nobleVerifier), code(LightErrorCode.LC_TRUST_INSUFFICIENT));
  // An entirely new set can never be skipped to.
  const { keys: zk, set: zset } = testValidators(4, 10n, 'z');
  const alien = testHeader(CHAIN, 50n, zset, zset);
  await assert.rejects(verifyNonAdjacent(hs[0]!, vals, { header: alien, commit: testCommit(CHAIN, alien, zset, zk), validators: prepareValidatorSet(zset) }, opts(), nobleVerifier), code(LightErrorCode.LC_TRUST_INSUFFICIENT));
});

test('backwards verification follows prevHash links', () => {
  verifyBackwards(hs[4]!, [hs[3]!, hs[2]!, hs[1]!], CHAIN);
  assert.throws(() => verifyBackwards(hs[4]!, [hs[3]!, hs[1]!], CHAIN), code(LightErrorCode.LC_HEADER_INVALID));
  const fake = testHeader(CHAIN, 4n, set, set, new Uint8Array(32).fill(1));
  assert.throws(() => verifyBackwards(hs[4]!, [fake], CHAIN), code(LightErrorCode.LC_HEADER_NOT_CHAINED));
});

test('state answers are checked against the verified header', () => {
  const k1 = utf8('key-1');
  const k2 = utf8('key-2');
  const { root, nodes } = buildSmt([[stateKeyHash(k1), utf8('one')], [stateKeyHash(k2), utf8('two')]]);
  const tree = new SparseMerkleTree({ getNode: (h: Uint8Array) => nodes.get(toHex(h)) });
  const header = { ...hs[2]!, stateRoot: root };
  const answer = { height: header.height, key: k1, value: utf8('one'), proof: tree.prove(root, stateKeyHash(k1)), stateRoot: root };
  assert.deepEqual(verifyStateAnswer(header, k1, answer), utf8('one'));
  assert.throws(() => verifyStateAnswer(header, k1, { ...answer, value: utf8('ONE') }), code(LightErrorCode.LC_PROOF_INVALID));
  assert.throws(() => verifyStateAnswer(header, k1, { ...answer, value: null }), code(LightErrorCode.LC_PROOF_INVALID));
  assert.throws(() => verifyStateAnswer(header, k1, { ...answer, height: 2n }), code(LightErrorCode.LC_PROOF_HEIGHT_MISMATCH));
  assert.throws(() => verifyStateAnswer(header, k1, { ...answer, stateRoot: hs[1]!.stateRoot }), code(LightErrorCode.LC_PROOF_HEIGHT_MISMATCH));
  assert.throws(() => verifyStateAnswer(header, k2, answer), code(LightErrorCode.LC_PROOF_KEY_MISMATCH));
  const absent = utf8('key-3');
  assert.equal(verifyStateAnswer(header, absent, { height: header.height, key: absent, value: null, proof: tree.prove(root, stateKeyHash(absent)), stateRoot: root }), undefined);
});
