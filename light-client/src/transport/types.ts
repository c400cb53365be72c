/**
 * What the light client asks of a node. Every answer is UNVERIFIED: the client checks headers
 * against commits and validator sets, and state values against Merkle proofs, before using them.
 * Transports only move and decode bytes, and report failures as `LightError`s:
 * LC_SOURCE_UNAVAILABLE (cannot reach it), LC_NOT_AVAILABLE (it has no such height yet),
 * LC_RESPONSE_MALFORMED / LC_PROOF_MALFORMED (undecodable answer), LC_TX_REJECTED (with the node's
 * code in `details.remoteCode`).
 */
import type { Block, Commit, GenesisCommitment, Header, StateProofAnswer, ValidatorSet } from '@dipnet/protocol';

export interface SignedHeader {
  readonly header: Header;
  readonly commit: Commit;
}

export interface LightBlockAnswer {
  readonly header: Header;
  readonly commit: Commit;
  /** The set that signs `header` (null when not asked for or not given). */
  readonly validatorSet: ValidatorSet | null;
  /** The next height's set, given only when `header` announces a different one. */
  readonly nextValidatorSet: ValidatorSet | null;
}

export interface SourceStatus {
  readonly chainId: string;
  readonly genesisHash: Uint8Array;
  readonly height: bigint;
  readonly headHash: Uint8Array;
}

/** A node's unverified word on a tx; a hint for progress reports only. */
export type TxStatusHint =
  | { readonly status: 'pending' | 'unknown' }
  | { readonly status: 'committed'; readonly height: bigint; readonly code: string };

/** `libp2p-webrtc-bridge`: libp2p over WebRTC-direct from the embedding page's main thread (webrtc-bridge-*.ts). */
export type SourceKind = 'libp2p' | 'libp2p-webrtc-bridge' | 'relay-http';

export interface HeadSubscription {
  close(): void;
}

export interface LightSource {
  /** The relay URL or multiaddr. */
  readonly id: string;
  readonly kind: SourceKind;
  status(): Promise<SourceStatus>;
  /** What the genesis hash commits to (checked by the client against its pinned genesis hash). */
  genesisCommitment(): Promise<GenesisCommitment>;
  /** Header and commit at `height`. */
  signedHeader(height: bigint): Promise<SignedHeader>;
  /** Consecutive signed headers from `from`, at most `count` (may return fewer at the head). */
  signedHeaders(from: bigint, count: number): Promise<SignedHeader[]>;
  /** The validator set that signs the block at `height`. */
  validatorSet(height: bigint): Promise<ValidatorSet>;
  /** A state value with its proof against the state root of the header at `height`. */
  stateProof(rawKey: Uint8Array, height: bigint): Promise<StateProofAnswer>;
  /**
   * Light blocks from after `from` up to `to` that the source says verify one after another
   * (relay route /v1/light-blocks/path); null when it has no such route. Unverified.
   */
  lightBlockPath?(from: bigint, to: bigint): Promise<LightBlockAnswer[] | null>;
  /** The block at `height` (unverified: the client checks it against the verified header). */
  block?(height: bigint): Promise<Block>;
  /** Submits a signed tx; resolves with the node's tx hash. */
  submitTx(signedTx: Uint8Array): Promise<Uint8Array>;
  txStatus?(hash: Uint8Array): Promise<TxStatusHint>;
  /** POSTs conflict evidence (protocol `encodeConflictEvidence`). */
  submitEvidence?(evidence: Uint8Array): Promise<void>;
  /**
   * Pushes newly finalised signed headers as the node announces them (SSE, or a timer-paced
   * status poll where the transport has no push), reconnecting with backoff. `after`: the height the
   * client already trusts; a transport that can resume (SSE's Last-Event-ID) first delivers the heads
   * above it that it missed, so a dropped subscription does not cost a re-sync.
   */
  subscribeHeads?(onHead: (h: SignedHeader) => void, onError?: (e: unknown) => void, after?: bigint): HeadSubscription;
  close(): Promise<void>;
}
