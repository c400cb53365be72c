/**
 * The genesis hash commits to block 1's signers (`GenesisCommitment`), and `verifyGenesisRoot`
 * refuses a header 1 that merely links to a pinned genesis hash: each way it can be wrong has its
 * own error code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair } from './keys.ts';
import { makeValidatorSet, validatorSetHash } from './validator-set.ts';
import { genesisCommitmentHash, type GenesisCommitment } from './genesis.ts';
import { LightErrorCode, isLightError, verifyGenesisRoot } from './light-verify.ts';
import { testHeader } from './test-fixtures.ts';

const CHAIN = 'dipnet-genesis-root-test';
const set = makeValidatorSet([0, 1, 2].map(() => ({ publicKey: generateKeyPair().publicKey, power: 10n })));
const other = makeValidatorSet([{ publicKey: generateKeyPair().publicKey, power: 10n }]);
const commitment: GenesisCommitment = { chainId: CHAIN, genesisTime: 1_700_000_000_000n, validatorsHash: validatorSetHash(set), documentHash: new Uint8Array(32).fill(9) };
const pinned = genesisCommitmentHash(commitment);
const header1 = testHeader(CHAIN, 1n, set, set, pinned);

const rejects = (code: string, f: () => void) => assert.throws(f, (e: unknown) => isLightError(e) && e.code === code);

test('a header 1 linked to the pin and signed by the committed genesis set is the root', () => {
  verifyGenesisRoot(pinned, CHAIN, commitment, header1);
});

test('the genesis hash changes with every committed field', () => {
  const fields: Partial<GenesisCommitment>[] = [{ chainId: 'x' }, { genesisTime: 1n }, { validatorsHash: validatorSetHash(other) }, { documentHash: new Uint8Array(32) }];
  for (const f of fields) assert.notDeepEqual(genesisCommitmentHash({ ...commitment, ...f }), pinned, JSON.stringify(Object.keys(f)));
});

test('error: a commitment that does not hash to the pin (LC_CHECKPOINT_MISMATCH)', () => {
  rejects(LightErrorCode.LC_CHECKPOINT_MISMATCH, () => verifyGenesisRoot(pinned, CHAIN, { ...commitment, validatorsHash: validatorSetHash(other) }, header1));
});

test('error: a pinned genesis of another chain (LC_WRONG_CHAIN)', () => {
  const c = { ...commitment, chainId: 'other-chain' };
  rejects(LightErrorCode.LC_WRONG_CHAIN, () => verifyGenesisRoot(genesisCommitmentHash(c), CHAIN, c, header1));
});

test('error: header 1 linked to the pin but naming another validator set (LC_CHECKPOINT_MISMATCH)', () => {
  rejects(LightErrorCode.LC_CHECKPOINT_MISMATCH, () => verifyGenesisRoot(pinned, CHAIN, commitment, testHeader(CHAIN, 1n, other, other, pinned)));
});

test('error: header 1 not linked to the pin (LC_CHECKPOINT_MISMATCH), not at height 1 (LC_HEADER_INVALID), not after the genesis time (LC_TIME_NOT_INCREASING)', () => {
  rejects(LightErrorCode.LC_CHECKPOINT_MISMATCH, () => verifyGenesisRoot(pinned, CHAIN, commitment, testHeader(CHAIN, 1n, set, set, new Uint8Array(32))));
  rejects(LightErrorCode.LC_HEADER_INVALID, () => verifyGenesisRoot(pinned, CHAIN, commitment, testHeader(CHAIN, 2n, set, set, pinned)));
  rejects(LightErrorCode.LC_TIME_NOT_INCREASING, () => verifyGenesisRoot(pinned, CHAIN, commitment, testHeader(CHAIN, 1n, set, set, pinned, commitment.genesisTime)));
});
