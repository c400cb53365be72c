/**
 * Consensus messages: votes, commits (the finality certificate), proposals and double-sign
 * evidence. Every signature is domain-separated (see signing.ts).
 */
import { Reader, Writer, decodeExact, encodeWith } from './codec.ts';
import { taggedHash, HashTag, HASH_LENGTH, ZERO_HASH } from './hash.ts';
import { sign, ADDRESS_LENGTH, SIGNATURE_LENGTH, addressOf, type SignatureVerifier } from './keys.ts';
import { signBytes, SignDomain } from './signing.ts';
import { equalBytes, compareBytes } from './bytes.ts';
import { MAX_VALIDATORS, type ValidatorSet, indexOfAddress } from './validator-set.ts';
import { ErrorCode, fail } from './errors.ts';

export const VoteType = { prevote: 1, precommit: 2 } as const;
export type VoteType = (typeof VoteType)[keyof typeof VoteType];

/** A vote for `blockHash` (all zeros = nil) at (height, round). */
export interface Vote {
  readonly type: VoteType;
  readonly height: bigint;
  readonly round: number;
  readonly blockHash: Uint8Array;
  readonly validator: Uint8Array; // address
}

export interface SignedVote {
  readonly vote: Vote;
  readonly signature: Uint8Array;
}

export const NIL_HASH = ZERO_HASH;
export const isNil = (h: Uint8Array): boolean => equalBytes(h, NIL_HASH);

export function writeVote(w: Writer, v: Vote): void {
  w.u8(v.type).u64(v.height).u32(v.round).fixed(v.blockHash, HASH_LENGTH).fixed(v.validator, ADDRESS_LENGTH);
}

export function readVote(r: Reader): Vote {
  const type = r.u8('vote type');
  if (type !== VoteType.prevote && type !== VoteType.precommit) fail(ErrorCode.DECODE_UNKNOWN_TAG, `unknown vote type ${type}`);
  return { type, height: r.u64('height'), round: r.u32('round'), blockHash: r.fixed(HASH_LENGTH, 'blockHash'), validator: r.fixed(ADDRESS_LENGTH, 'validator') };
}

export const encodeVote = (v: Vote): Uint8Array => encodeWith(v, writeVote, 72);
export const voteSignBytes = (chainId: string, v: Vote): Uint8Array => signBytes(SignDomain.vote, chainId, encodeVote(v));

export function writeSignedVote(w: Writer, sv: SignedVote): void {
  writeVote(w, sv.vote);
  w.fixed(sv.signature, SIGNATURE_LENGTH);
}
export function readSignedVote(r: Reader): SignedVote {
  return { vote: readVote(r), signature: r.fixed(SIGNATURE_LENGTH, 'signature') };
}
export const encodeSignedVote = (sv: SignedVote): Uint8Array => encodeWith(sv, writeSignedVote, 136);
export const decodeSignedVote = (b: Uint8Array): SignedVote => decodeExact(b, readSignedVote, 'signed vote');

export function signVote(chainId: string, vote: Vote, secretKey: Uint8Array): SignedVote {
  return { vote, signature: sign(secretKey, voteSignBytes(chainId, vote)) };
}

/** A commit: precommits for one block in one round, by validator index into the block's set. */
export interface CommitSignature {
  readonly validatorIndex: number;
  readonly signature: Uint8Array;
}
export interface Commit {
  readonly height: bigint;
  readonly round: number;
  readonly blockHash: Uint8Array;
  readonly signatures: readonly CommitSignature[];
}

export function writeCommit(w: Writer, c: Commit): void {
  w.u64(c.height).u32(c.round).fixed(c.blockHash, HASH_LENGTH)
    .array(c.signatures, MAX_VALIDATORS, (w, s) => w.u16(s.validatorIndex).fixed(s.signature, SIGNATURE_LENGTH));
}

export function readCommit(r: Reader): Commit {
  const c: Commit = {
    height: r.u64('height'),
    round: r.u32('round'),
    blockHash: r.fixed(HASH_LENGTH, 'blockHash'),
    signatures: r.array(MAX_VALIDATORS, (r) => ({ validatorIndex: r.u16('validatorIndex'), signature: r.fixed(SIGNATURE_LENGTH, 'signature') }), 'signatures'),
  };
  for (let i = 1; i < c.signatures.length; i++) {
    if (c.signatures[i]!.validatorIndex <= c.signatures[i - 1]!.validatorIndex) {
      fail(ErrorCode.DECODE_NON_CANONICAL, 'commit signatures must be sorted by validator index without duplicates');
    }
  }
  return c;
}

export const encodeCommit = (c: Commit): Uint8Array => encodeWith(c, writeCommit, 64 + 66 * c.signatures.length);
export const decodeCommit = (b: Uint8Array): Commit => decodeExact(b, readCommit, 'commit');
export const commitHash = (c: Commit): Uint8Array => taggedHash(HashTag.commit, encodeCommit(c));

/** The precommit a commit signature stands for. */
export function commitVote(c: Commit, set: ValidatorSet, index: number): Vote {
  const v = set.validators[index];
  if (!v) fail(ErrorCode.COMMIT_INVALID, `commit signature for validator index ${index} outside a set of ${set.validators.length}`);
  return { type: VoteType.precommit, height: c.height, round: c.round, blockHash: c.blockHash, validator: addressOf(v.publicKey) };
}

/** A proposal: the proposer's signed offer of a block for (height, round). */
export interface ProposalBody {
  readonly height: bigint;
  readonly round: number;
  /** Round of the proof-of-lock the proposer re-proposes from, or -1. */
  readonly polRound: number;
  readonly blockHash: Uint8Array;
}

export function proposalSignBytes(chainId: string, p: ProposalBody): Uint8Array {
  const w = new Writer(64);
  w.u64(p.height).u32(p.round).u32(p.polRound + 1).fixed(p.blockHash, HASH_LENGTH);
  return signBytes(SignDomain.proposal, chainId, w.finish());
}

/**
 * Evidence that one validator signed two different blocks for the same (type, height, round).
 * Canonical order: voteA's block hash sorts before voteB's.
 */
export interface DuplicateVoteEvidence {
  readonly voteA: SignedVote;
  readonly voteB: SignedVote;
}

export function writeEvidence(w: Writer, e: DuplicateVoteEvidence): void {
  writeSignedVote(w, e.voteA);
  writeSignedVote(w, e.voteB);
}
export function readEvidence(r: Reader): DuplicateVoteEvidence {
  const e = { voteA: readSignedVote(r), voteB: readSignedVote(r) };
  if (compareBytes(e.voteA.vote.blockHash, e.voteB.vote.blockHash) >= 0) fail(ErrorCode.DECODE_NON_CANONICAL, 'evidence votes must be ordered by block hash and differ');
  return e;
}
export const encodeEvidence = (e: DuplicateVoteEvidence): Uint8Array => encodeWith(e, writeEvidence, 272);
export const decodeEvidence = (b: Uint8Array): DuplicateVoteEvidence => decodeExact(b, readEvidence, 'evidence');
export const evidenceHash = (e: DuplicateVoteEvidence): Uint8Array => taggedHash(HashTag.evidenceRoot, encodeEvidence(e));

export function makeEvidence(a: SignedVote, b: SignedVote): DuplicateVoteEvidence {
  return compareBytes(a.vote.blockHash, b.vote.blockHash) < 0 ? { voteA: a, voteB: b } : { voteA: b, voteB: a };
}

/** Checks that evidence proves a double sign by a member of `set` (the set at its height). */
export async function verifyEvidence(chainId: string, e: DuplicateVoteEvidence, set: ValidatorSet, verifier: SignatureVerifier): Promise<number> {
  const a = e.voteA.vote;
  const b = e.voteB.vote;
  if (a.type !== b.type || a.height !== b.height || a.round !== b.round || !equalBytes(a.validator, b.validator)) {
    fail(ErrorCode.EVIDENCE_INVALID, 'votes are not for the same validator, type, height and round');
  }
  if (equalBytes(a.blockHash, b.blockHash)) fail(ErrorCode.EVIDENCE_INVALID, 'votes are for the same block');
  const idx = indexOfAddress(set, a.validator);
  if (idx < 0) fail(ErrorCode.EVIDENCE_INVALID, 'voter is not in the validator set of that height');
  const key = set.validators[idx]!.publicKey;
  for (const sv of [e.voteA, e.voteB]) {
    if (!(await verifier.verify(key, voteSignBytes(chainId, sv.vote), sv.signature))) fail(ErrorCode.EVIDENCE_INVALID, 'a vote signature does not verify');
  }
  return idx;
}
