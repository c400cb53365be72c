/** The light client's public types (plain data, structured-clone friendly for a comlink worker). */
import type { Account, Commit, Header, Params, SignatureVerifier, ValidatorSet } from '@dipnet/protocol';
import type { LightSource } from './transport/types.ts';
import type { LightStore } from './store/types.ts';
import type { SourceInfo } from './transport/pool.ts';
import type { RelayHttpOptions } from './transport/relay-http.ts';
import type { Libp2pTransportOptions } from './transport/libp2p.ts';

/** Where trust starts: the chain's genesis hash, or a recent header the embedding site pins. */
export type TrustRoot =
  | { readonly genesisHash: string | Uint8Array }
  | { readonly height: bigint | number; readonly hash: string | Uint8Array };

export interface LightClientOptions {
  readonly chainId: string;
  readonly trust: TrustRoot;
  /** How long a verified header may be relied on (keep it below the chain's unbonding period). */
  readonly trustingPeriodMs: number;
  /** How far ahead of the local clock a header's time may be (default 10 s). */
  readonly maxClockDriftMs?: number;
  /** Relay base URLs (HTTP fallback, SSE heads, evidence). */
  readonly relays?: readonly string[];
  /** Node multiaddrs (`/ws` or `/webrtc-direct`, with `/p2p/<peerId>`); preferred over relays. */
  readonly multiaddrs?: readonly string[];
  /** Extra sources (custom transports, tests); asked after multiaddrs and relays. */
  readonly sources?: readonly LightSource[];
  /** Default: IndexedDB where the platform has it, memory otherwise. */
  readonly store?: LightStore | 'memory' | 'indexeddb';
  /** Follow new heads as nodes announce them (default true). */
  readonly follow?: boolean;
  /** 'skipping' (bisection, default) or 'sequential' (every header). */
  readonly mode?: 'skipping' | 'sequential';
  /** Witnesses cross-checked on every new head (default 2). */
  readonly maxWitnesses?: number;
  /** Trusted headers kept (memory and store; default 100). */
  readonly trustedWindow?: number;
  /** Signature verifier (default: WebCrypto Ed25519, @noble/curves fallback). */
  readonly verifier?: SignatureVerifier;
  /** Local clock (tests). */
  readonly now?: () => number;
  readonly relayOptions?: RelayHttpOptions;
  readonly libp2pOptions?: Libp2pTransportOptions;
  readonly logger?: { warn(msg: string, ctx?: Record<string, unknown>): void };
}

export interface VerifiedHead {
  readonly height: bigint;
  /** Header hash, hex. */
  readonly hash: string;
  /** Chain time, ms since the epoch. */
  readonly time: bigint;
  readonly header: Header;
}

export interface VerifiedState {
  readonly key: Uint8Array;
  /** undefined: proven absent. */
  readonly value: Uint8Array | undefined;
  readonly height: bigint;
  /** Hash (hex) of the verified header whose state root the proof checked against. */
  readonly headerHash: string;
}

export interface VerifiedAccount {
  readonly address: string;
  readonly account: Account;
  /** False when the proof shows the account absent (all zeros). */
  readonly exists: boolean;
  readonly height: bigint;
  readonly headerHash: string;
}

export interface SyncProgress {
  readonly verifiedHeight: bigint;
  readonly targetHeight: bigint;
}

export type TransferStage =
  | { readonly stage: 'signed'; readonly hash: string; readonly nonce: bigint; readonly fee: bigint }
  | { readonly stage: 'submitted'; readonly hash: string }
  /** A node says the tx is in a block (unverified hint). */
  | { readonly stage: 'included'; readonly hash: string; readonly height: bigint; readonly code: string }
  /** A proven account nonce shows the tx executed in a verified block. */
  | { readonly stage: 'finalised'; readonly hash: string; readonly height: bigint };

export interface TransferRequest {
  readonly to: string | Uint8Array;
  readonly amount: bigint;
  readonly memo?: string;
  /** Default: the minimum the chain's proven params require. */
  readonly fee?: bigint;
  /** How long to wait for finality (default 30 s). */
  readonly timeoutMs?: number;
}

export interface TransferResult {
  readonly hash: string;
  readonly nonce: bigint;
  readonly fee: bigint;
  /** First verified height at which the proven nonce shows the tx executed. */
  readonly height: bigint;
  readonly account: VerifiedAccount;
  /** The node's result code for the tx, when a node said (unverified hint). */
  readonly resultCode: string | null;
}

export interface SignedHeaderReport {
  readonly source: string;
  readonly headerHash: string;
  readonly header: Header;
  readonly commit: Commit;
  readonly validatorSet: ValidatorSet;
}

/** Two valid commits for different headers at one height: the client halts and reports it. */
export interface ConflictReport {
  readonly height: bigint;
  readonly detectedAt: number;
  readonly primary: SignedHeaderReport;
  readonly witness: SignedHeaderReport;
  readonly evidence: readonly { readonly source: string; readonly conflicting: 'primary' | 'witness'; readonly accepted: boolean; readonly error?: string }[];
}

export interface LightClientStats {
  /** Ed25519 signatures checked. */
  signaturesVerified: number;
  headersVerified: number;
  bisections: number;
  proofsVerified: number;
  storeRebuilds: number;
  /** Why the store was rebuilt, last time. */
  lastRebuildReason: string | null;
  resumedFromStore: boolean;
}

export interface VerifiedParams {
  readonly params: Params;
  readonly height: bigint;
}

export interface LightClient {
  readonly chainId: string;
  /** The newest verified header. */
  head(): VerifiedHead;
  /** Verifies up to the sources' latest head (or `height`). */
  sync(height?: bigint): Promise<VerifiedHead>;
  /** A state value proven against a verified header (latest by default). */
  getState(rawKey: Uint8Array, opts?: { height?: bigint }): Promise<VerifiedState>;
  getAccount(address: string | Uint8Array, opts?: { height?: bigint }): Promise<VerifiedAccount>;
  getParams(): Promise<VerifiedParams>;
  /** The wallet's address, or null before one is created or imported. */
  walletAddress(): string | null;
  createWallet(opts?: { extractable?: boolean }): Promise<string>;
  importWallet(secretKey: Uint8Array): Promise<string>;
  transfer(req: TransferRequest, onProgress?: (s: TransferStage) => void): Promise<TransferResult>;
  onHead(listener: (h: VerifiedHead) => void): () => void;
  onSyncProgress(listener: (p: SyncProgress) => void): () => void;
  onConflict(listener: (r: ConflictReport) => void): () => void;
  /** The conflict that halted the client, if any. */
  conflict(): ConflictReport | null;
  sources(): SourceInfo[];
  stats(): LightClientStats;
  storageEstimate(): Promise<{ usage?: number; quota?: number } | null>;
  close(): Promise<void>;
}
