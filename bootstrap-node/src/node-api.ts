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

/** Why a node says it is stalled (GET /v1/health; relay/ERRORS.md, "Health"). */
export type HealthReasonCode =
  /** Store writes (block commits) are failing: full disk, quota, read-only filesystem. */
  | 'WRITES_FAILING'
  /** The head has not advanced for the stall window while peers report higher heads. */
  | 'BEHIND_PEERS';

export interface HealthReason {
  readonly code: HealthReasonCode;
  readonly message: string;
}

/** Whether the node keeps up with its chain, from its own commits and its peers' status (health-monitor.ts). */
export interface NodeHealth {
  readonly status: 'ok' | 'stalled';
  readonly height: bigint;
  /** Empty when ok. */
  readonly reasons: readonly HealthReason[];
  /** Milliseconds since the head last advanced (or since the node started). */
  readonly headAgeMs: number;
  /** Highest head a peer reported within the stall window (null: no peer heard from). */
  readonly peerHeight: bigint | null;
  /** Store writes that failed since the node started. */
  readonly commitFailures: number;
  /** While writes fail: the last error. */
  readonly lastCommitError?: string;
  /** While writes fail: when they began to (ms since the Unix epoch). */
  readonly since?: number;
}

export interface FinalizedEvent {
  readonly header: Header;
  readonly commit: Commit;
  readonly txCount: number;
}

export interface NodeApi {
  status(): NodeStatus;
  /** Whether the node keeps up: its commits succeed and its head moves when its peers' do. */
  health(): NodeHealth;
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
