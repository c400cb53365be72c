/** Checks light-client conflict evidence against this node's own finalised chain. */
import {
  ErrorCode, fail, equalBytes, headerHash, verifyCommit, verifyCommitTrusting, checkValidatorSet, type ConflictEvidence,
  type SignatureVerifier,
} from '@dipnet/protocol';
import type { NodeApi } from './node-api.ts';

export { decodeConflictEvidence } from '@dipnet/protocol';

/**
 * Returns the height of a proven conflict; throws EVIDENCE_INVALID otherwise, or
 * PUBLIC_KEY_INVALID when the evidence's own validator set names a key that fails the key rule
 * (decoding already refuses one; evidence built in memory was not decoded).
 */
export async function verifyConflictEvidence(node: Pick<NodeApi, 'getHeader' | 'getValidatorSet' | 'status'>, ev: ConflictEvidence, verifier: SignatureVerifier): Promise<bigint> {
  const { header, commit, validatorSet } = ev.conflicting;
  // The submitter chose this set: under a small-order key in it anyone could sign its commit.
  checkValidatorSet(validatorSet);
  const chainId = node.status().chainId;
  const ours = node.getHeader(header.height);
  if (!ours) fail(ErrorCode.EVIDENCE_INVALID, `this node has no block at height ${header.height} to compare`);
  if (equalBytes(headerHash(ours), headerHash(header))) fail(ErrorCode.EVIDENCE_INVALID, 'the header is the one this chain finalised: no conflict');
  const realSet = node.getValidatorSet(header.height);
  if (!realSet) fail(ErrorCode.EVIDENCE_INVALID, `no validator set for height ${header.height}`);
  try {
    await verifyCommit(chainId, header, commit, validatorSet, verifier);
    await verifyCommitTrusting(chainId, commit, validatorSet, realSet, verifier);
  } catch (e) {
    fail(ErrorCode.EVIDENCE_INVALID, `conflicting commit does not verify: ${(e as Error).message}`);
  }
  return header.height;
}
