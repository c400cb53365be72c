/**
 * What the node offers to its front doors (the Fastify relay and the libp2p request/response
 * protocols). Both serve the same verified-by-the-client data; neither holds chain logic.
 */
import type { Block, Commit, GenesisCommitment, Header, ValidatorSet, SmtProof, StatusResponse } from '@dipnet/protocol';
import type { ContractsApi } from './contracts-index/api.ts';

/** A node's status is exactly what the `status` wire method carries (protocol/src/wire.ts). */
export type NodeStatus = StatusResponse;

export interface StateProofResult {
  readonly height: bigint;
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
  readonly proof: SmtProof;
  readonly stateRoot: Uint8Array;
}

export type TxStatus =
  | { readonly status: 'pending' }
  | { readonly status: 'committed'; readonly height: bigint; readonly index: number; readonly code: string }
  | { readonly status: 'unknown' };

export interface FinalizedEvent {
  readonly header: Header;
  readonly commit: Commit;
  readonly txCount: number;
}

export interface NodeApi {
  status(): NodeStatus;
  /** What the genesis hash commits to: a light client pinned to that hash learns block 1's signers from it. */
  genesisCommitment(): GenesisCommitment;
  getHeader(height: bigint): Header | undefined;
  getBlock(height: bigint): Block | undefined;
  /** Commit that finalised the block at `height`. */
  getCommit(height: bigint): Commit | undefined;
  /** The validator set that signs the block at `height` (including height latest + 1). */
  getValidatorSet(height: bigint): ValidatorSet | undefined;
  /** A state value and its Merkle proof against the state root of the header at `height`; throws HEIGHT_NOT_AVAILABLE. */
  getStateProof(rawKey: Uint8Array, height: bigint): StateProofResult;
  /** Validates and adds a signed tx to the mempool; throws DipnetError with a specific code. Returns the tx hash. */
  submitTx(signedTxBytes: Uint8Array): Promise<Uint8Array>;
  txStatus(hash: Uint8Array): TxStatus;
  /** Light-client evidence: two valid commits for different headers at one height. Throws EVIDENCE_INVALID. */
  submitConflictEvidence(bytes: Uint8Array): Promise<{ readonly height: bigint }>;
  /** Subscribes to newly finalised blocks; returns an unsubscribe function. */
  onFinalized(listener: (e: FinalizedEvent) => void): () => void;
  /** Contract index, state reads and tx dry runs; absent on nodes that keep no index (contract routes then answer RELAY_NOT_FOUND). */
  readonly contracts?: ContractsApi;
}
