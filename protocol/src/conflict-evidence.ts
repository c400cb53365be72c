/**
 * Evidence a light client submits when it sees a commit that conflicts with the chain: a header
 * of some height, signed by a commit, that is not the block the chain finalised at that height.
 * A node accepts it only if the conflicting commit is valid under the validator set it names AND
 * validators of the chain's real set at that height holding more than 1/3 of its stake signed
 * it — proof that real validators signed two blocks at one height. The set is the submitter's
 * choice, so decoding it applies the key rule (readValidatorSet: no small-order or non-canonical
 * key, under which anyone could sign that commit).
 *
 * What the chain does with it (CometBFT's light-client attack evidence):
 * - **lunatic**: the conflicting header names another parent or other validator sets than the
 *   chain's header at that height — fields every valid block at that height shares. No honest
 *   validator signs it, so every validator of the real set whose signature is in its commit is
 *   slashed and jailed as for a double sign; the evidence itself goes into a block (`Block.attacks`).
 * - **equivocation**: the same parent and sets, another block: a validator that precommitted both
 *   blocks in one round double-signed; its two precommits become ordinary duplicate-vote evidence.
 *   Precommits in different rounds (amnesia) prove nothing by themselves and are not punished.
 */
import { Reader, Writer, decodeExact } from './codec.ts';
import { compareBytes, equalBytes, toHex } from './bytes.ts';
import { HashTag, taggedHash } from './hash.ts';
import { addressOf, type SignatureVerifier } from './keys.ts';
import { headerHash, readHeader, writeHeader, type Header } from './header.ts';
import { commitVote, readCommit, voteSignBytes, writeCommit, type Commit } from './vote.ts';
import { readValidatorSet, writeValidatorSet, type ValidatorSet } from './validator-set.ts';

/** Most light-client attacks one block carries (each holds a header, a commit and a validator set). */
export const MAX_BLOCK_ATTACKS = 4;

export interface SignedHeaderWithSet {
  readonly header: Header;
  readonly commit: Commit;
  readonly validatorSet: ValidatorSet;
}

export interface ConflictEvidence {
  readonly conflicting: SignedHeaderWithSet;
}

export function writeConflictEvidence(w: Writer, e: ConflictEvidence): void {
  writeHeader(w, e.conflicting.header);
  writeCommit(w, e.conflicting.commit);
  writeValidatorSet(w, e.conflicting.validatorSet);
}

export function readConflictEvidence(r: Reader): ConflictEvidence {
  return { conflicting: { header: readHeader(r), commit: readCommit(r), validatorSet: readValidatorSet(r) } };
}

export function encodeConflictEvidence(e: ConflictEvidence): Uint8Array {
  const w = new Writer(4096);
  writeConflictEvidence(w, e);
  return w.finish();
}

export const decodeConflictEvidence = (b: Uint8Array): ConflictEvidence => decodeExact(b, readConflictEvidence, 'conflict evidence');

export const conflictEvidenceHash = (e: ConflictEvidence): Uint8Array => taggedHash(HashTag.attackEvidence, encodeConflictEvidence(e));

/**
 * A conflicting header is lunatic when it differs from the chain's header at its height in a field
 * that every valid block there shares: the chain, the parent, the validator set and the next one.
 */
export function isLunatic(chainHeader: Header, conflicting: Header): boolean {
  return chainHeader.height === conflicting.height && (
    chainHeader.chainId !== conflicting.chainId || !equalBytes(chainHeader.prevHash, conflicting.prevHash) ||
    !equalBytes(chainHeader.validatorsHash, conflicting.validatorsHash) || !equalBytes(chainHeader.nextValidatorsHash, conflicting.nextValidatorsHash));
}

/**
 * The validators of `realSet` whose precommit for the conflicting header is in its commit with a
 * valid signature: each signature is checked under the key the evidence's set names at its index,
 * and counted when that key is in the real set. Sorted by address, no duplicates.
 */
export async function attackSigners(chainId: string, e: ConflictEvidence, realSet: ValidatorSet, verifier: SignatureVerifier): Promise<Uint8Array[]> {
  const { header, commit, validatorSet } = e.conflicting;
  const real = new Set(realSet.validators.map((v) => toHex(addressOf(v.publicKey))));
  const found = new Map<string, Uint8Array>();
  if (commit.height !== header.height || !equalBytes(commit.blockHash, headerHash(header))) return [];
  for (const s of commit.signatures) {
    const v = validatorSet.validators[s.validatorIndex];
    if (!v) continue;
    const address = addressOf(v.publicKey);
    const id = toHex(address);
    if (!real.has(id) || found.has(id)) continue;
    const vote = commitVote(commit, validatorSet, s.validatorIndex);
    if (await verifier.verify(v.publicKey, voteSignBytes(chainId, vote), s.signature)) found.set(id, address);
  }
  return [...found.values()].sort(compareBytes);
}
