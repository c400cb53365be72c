/**
 * Blocks: a header, the txs it orders, double-sign evidence, light-client attack evidence, and the
 * commit of the previous block.
 */
import { Reader, Writer, decodeExact } from './codec.ts';
import { HashTag, ZERO_HASH } from './hash.ts';
import { merkleRoot } from './merkle.ts';
import { readHeader, writeHeader, headerHash, type Header } from './header.ts';
import { readCommit, writeCommit, readEvidence, writeEvidence, evidenceHash, commitHash, type Commit, type DuplicateVoteEvidence } from './vote.ts';
import { MAX_TX_BYTES } from './limits.ts';
import { txHash } from './tx.ts';
import { MAX_BLOCK_ATTACKS, conflictEvidenceHash, readConflictEvidence, writeConflictEvidence, type ConflictEvidence } from './conflict-evidence.ts';

export const MAX_BLOCK_TXS = 5000;
export const MAX_BLOCK_EVIDENCE = 64;
export const MAX_BLOCK_BYTES = 4 * 1024 * 1024;

export interface Block {
  readonly header: Header;
  /** Signed tx encodings, in execution order. */
  readonly txs: readonly Uint8Array[];
  readonly evidence: readonly DuplicateVoteEvidence[];
  /** Lunatic light-client attacks (conflict-evidence.ts): their real signers are slashed. */
  readonly attacks: readonly ConflictEvidence[];
  /** Commit of block height-1 (null at height 1). */
  readonly lastCommit: Commit | null;
}

export function writeBlock(w: Writer, b: Block): void {
  writeHeader(w, b.header);
  w.array(b.txs, MAX_BLOCK_TXS, (w, t) => w.bytes(t, MAX_TX_BYTES));
  w.array(b.evidence, MAX_BLOCK_EVIDENCE, writeEvidence);
  w.array(b.attacks, MAX_BLOCK_ATTACKS, writeConflictEvidence);
  w.optional(b.lastCommit, writeCommit);
}

export function readBlock(r: Reader): Block {
  return {
    header: readHeader(r),
    txs: r.array(MAX_BLOCK_TXS, (r) => r.bytesView(MAX_TX_BYTES, 'tx'), 'txs'),
    evidence: r.array(MAX_BLOCK_EVIDENCE, readEvidence, 'evidence'),
    attacks: r.array(MAX_BLOCK_ATTACKS, readConflictEvidence, 'attacks'),
    lastCommit: r.optional(readCommit, 'lastCommit'),
  };
}

export function encodeBlock(b: Block): Uint8Array {
  const w = new Writer(1024 + b.txs.length * 200);
  writeBlock(w, b);
  return w.finish();
}

export const decodeBlock = (b: Uint8Array): Block => decodeExact(b, readBlock, 'block');
export const blockHash = (b: Block): Uint8Array => headerHash(b.header);

export const txRootOf = (txs: readonly Uint8Array[]): Uint8Array => merkleRoot(HashTag.txRoot, txs.map(txHash));
/** Commits to a block's double-sign evidence, then its light-client attacks (their hashes carry different tags). */
export const evidenceRootOf = (ev: readonly DuplicateVoteEvidence[], attacks: readonly ConflictEvidence[] = []): Uint8Array =>
  merkleRoot(HashTag.evidenceRoot, [...ev.map(evidenceHash), ...attacks.map(conflictEvidenceHash)]);
export const lastCommitHashOf = (c: Commit | null): Uint8Array => (c ? commitHash(c) : ZERO_HASH);
