/**
 * Real, signed protocol objects for tests (not part of the public API): a 4-validator set with
 * known keys, headers and commits signed by it.
 */
import { keyPairFromSecret, addressOf, type KeyPair } from './keys.ts';
import { sha256 } from './hash.ts';
import { utf8 } from './bytes.ts';
import { makeValidatorSet, indexOfAddress, type ValidatorSet } from './validator-set.ts';
import { headerHash, type Header } from './header.ts';
import { signVote, VoteType, type Commit } from './vote.ts';
import { validatorSetHash } from './validator-set.ts';

export const testKey = (name: string): KeyPair => keyPairFromSecret(sha256(utf8(`dipnet-test/${name}`)));

export function testValidators(n: number, power = 10n, prefix = 'v'): { keys: KeyPair[]; set: ValidatorSet } {
  const keys = Array.from({ length: n }, (_, i) => testKey(`${prefix}${i}`));
  return { keys, set: makeValidatorSet(keys.map((k) => ({ publicKey: k.publicKey, power }))) };
}

export function testHeader(chainId: string, height: bigint, set: ValidatorSet, next: ValidatorSet = set, prevHash = new Uint8Array(32), time?: bigint): Header {
  return {
    chainId, height, time: time ?? 1_700_000_000_000n + height * 1000n, prevHash, lastCommitHash: new Uint8Array(32),
    txRoot: new Uint8Array(32), evidenceRoot: new Uint8Array(32), stateRoot: sha256(utf8(`state ${height}`)),
    validatorsHash: validatorSetHash(set), nextValidatorsHash: validatorSetHash(next), proposer: addressOf(set.validators[0]!.publicKey),
  };
}

/** A commit for `header` signed by `signers` (keys that must be in `set`). */
export function testCommit(chainId: string, header: Header, set: ValidatorSet, signers: readonly KeyPair[], round = 0): Commit {
  const blockHash = headerHash(header);
  const signatures = signers.map((k) => {
    const validator = addressOf(k.publicKey);
    const sv = signVote(chainId, { type: VoteType.precommit, height: header.height, round, blockHash, validator }, k.secretKey);
    return { validatorIndex: indexOfAddress(set, validator), signature: sv.signature };
  }).sort((a, b) => a.validatorIndex - b.validatorIndex);
  return { height: header.height, round, blockHash, signatures };
}
