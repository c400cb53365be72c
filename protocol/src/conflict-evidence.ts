/**
 * Evidence a light client submits when it sees a commit that conflicts with the chain: a header
 * of some height, signed by a commit, that is not the block the chain finalised at that height.
 * A node accepts it only if the conflicting commit is valid under the validator set it names AND
 * validators of the chain's real set at that height holding more than 1/3 of its stake signed
 * it — proof that real validators signed two blocks at one height. The set is the submitter's
 * choice, so decoding it applies the key rule (readValidatorSet: no small-order or non-canonical
 * key, under which anyone could sign that commit).
 */
import { Reader, Writer, decodeExact } from './codec.ts';
import { readHeader, writeHeader, type Header } from './header.ts';
import { readCommit, writeCommit, type Commit } from './vote.ts';
import { readValidatorSet, writeValidatorSet, type ValidatorSet } from './validator-set.ts';

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
