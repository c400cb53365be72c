/**
 * Commit verification, shared by the node (sync, gossip) and the light client.
 *
 * - `verifyCommit`: > 2/3 of the header's own validator set signed it (sequential sync).
 * - `verifyCommitTrusting`: > 1/3 of a trusted set's power is among the signers (skipping
 *   verification, as CometBFT's light client does).
 * Both stop checking signatures once the needed power is reached.
 */
import { equalBytes } from './bytes.ts';
import { headerHash, type Header } from './header.ts';
import { type SignatureVerifier } from './keys.ts';
import { totalPower, validatorSetHash, type ValidatorSet } from './validator-set.ts';
import { commitVote, voteSignBytes, type Commit } from './vote.ts';
import { addressOf } from './keys.ts';
import { toHex } from './bytes.ts';
import { ErrorCode, fail } from './errors.ts';

/** A fraction of total power, compared exactly in bigint: signed * den > total * num. */
export interface Fraction { readonly num: bigint; readonly den: bigint }
export const TWO_THIRDS: Fraction = { num: 2n, den: 3n };
export const ONE_THIRD: Fraction = { num: 1n, den: 3n };

export const exceeds = (power: bigint, total: bigint, f: Fraction): boolean => power * f.den > total * f.num;

/** Checks the commit is for this header and signed by more than 2/3 of `set`, which must be the header's set. */
export async function verifyCommit(chainId: string, header: Header, commit: Commit, set: ValidatorSet, verifier: SignatureVerifier): Promise<bigint> {
  if (header.chainId !== chainId) fail(ErrorCode.HEADER_INVALID, `header is for chain "${header.chainId}", expected "${chainId}"`);
  if (commit.height !== header.height) fail(ErrorCode.COMMIT_INVALID, `commit height ${commit.height} ≠ header height ${header.height}`);
  if (!equalBytes(commit.blockHash, headerHash(header))) fail(ErrorCode.COMMIT_INVALID, 'commit is for a different block');
  if (!equalBytes(validatorSetHash(set), header.validatorsHash)) fail(ErrorCode.VALIDATOR_SET_MISMATCH, 'validator set does not match the header');
  const total = totalPower(set);
  let signed = 0n;
  for (const s of commit.signatures) {
    const v = set.validators[s.validatorIndex];
    if (!v) fail(ErrorCode.COMMIT_INVALID, `signature index ${s.validatorIndex} outside the set`);
    if (!(await verifier.verify(v.publicKey, voteSignBytes(chainId, commitVote(commit, set, s.validatorIndex)), s.signature))) {
      fail(ErrorCode.COMMIT_INVALID, `bad signature from validator ${s.validatorIndex}`);
    }
    signed += v.power;
    if (exceeds(signed, total, TWO_THIRDS)) return signed;
  }
  fail(ErrorCode.COMMIT_INSUFFICIENT_POWER, `signed power ${signed} of ${total} is not more than 2/3`);
}

/**
 * Checks that validators of `trusted` holding more than `level` of its power signed `commit`
 * (they may sit at other indexes in the commit's own set `set`).
 */
export async function verifyCommitTrusting(chainId: string, commit: Commit, set: ValidatorSet, trusted: ValidatorSet, verifier: SignatureVerifier, level: Fraction = ONE_THIRD): Promise<bigint> {
  const trustedPower = new Map<string, bigint>();
  for (const v of trusted.validators) trustedPower.set(toHex(v.publicKey), v.power);
  const total = totalPower(trusted);
  let signed = 0n;
  for (const s of commit.signatures) {
    const v = set.validators[s.validatorIndex];
    if (!v) fail(ErrorCode.COMMIT_INVALID, `signature index ${s.validatorIndex} outside the set`);
    const power = trustedPower.get(toHex(v.publicKey));
    if (power === undefined) continue;
    const vote = { ...commitVote(commit, set, s.validatorIndex), validator: addressOf(v.publicKey) };
    if (!(await verifier.verify(v.publicKey, voteSignBytes(chainId, vote), s.signature))) {
      fail(ErrorCode.COMMIT_INVALID, `bad signature from validator ${s.validatorIndex}`);
    }
    signed += power;
    if (exceeds(signed, total, level)) return signed;
  }
  fail(ErrorCode.COMMIT_INSUFFICIENT_POWER, `trusted validators signed ${signed} of ${total}, not more than ${level.num}/${level.den}`);
}
