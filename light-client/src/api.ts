/**
 * The light client's public types (plain data, structured-clone friendly for a comlink worker),
 * and the names of its data methods (what a worker forwards as is).
 */
import type {
  Account, Commit, Header, Params, SignatureVerifier, ValidatorSet, OrderStatus, ScalarType, Template, TemplateRecord, TemplateStatus, TxReceipt,
  ElectionPhase, GovAction, GovBody, GovParams, ResolutionStatus, UpgradeSeverity, TokenRecord,
} from '@dipnet/protocol';
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
  /**
   * How long a verified header may be relied on. At most 2/3 of the chain's unbonding period
   * (CometBFT's rule: validators that signed it could have unbonded and signed a fork, unslashable,
   * after that), read from proven chain parameters at start; a longer one is refused with
   * LC_TRUSTING_PERIOD_TOO_LONG. Unset: 2/3 of the unbonding period.
   */
  readonly trustingPeriodMs?: number;
  /**
   * How far ahead of the local clock a header's time may be (default 20 s: validators accept
   * blocks 10 s ahead of their clocks, and this clock may be as far behind theirs). A header
   * further ahead is verified again once the clock has caught up; its source is not faulty.
   */
  readonly maxClockDriftMs?: number;
  /** Relay base URLs (HTTP fallback, SSE heads, evidence). */
  readonly relays?: readonly string[];
  /** Node multiaddrs (`/ws` or `/webrtc-direct`, with `/p2p/<peerId>`); preferred over relays. */
  readonly multiaddrs?: readonly string[];
  /** Extra sources (custom transports, tests); asked after multiaddrs and relays. */
  readonly sources?: readonly LightSource[];
  /** Sources asked before multiaddrs and relays (the page's WebRTC-direct bridge, see worker.ts). */
  readonly preferredSources?: readonly LightSource[];
  /** Default: IndexedDB where the platform has it, memory otherwise. */
  readonly store?: LightStore | 'memory' | 'indexeddb';
  /** Follow new heads as nodes announce them (default true). */
  readonly follow?: boolean;
  /**
   * While following, after this long without a new head (default 5 s) ask another source whether
   * the chain moved on: a followed node that stopped (killed, partitioned, or withholding heads)
   * is then left for one that has the newer head.
   */
  readonly headWatchMs?: number;
  /**
   * A verified head older than this (by this device's clock) is stale (default 150 s): an idle
   * chain still makes an empty block a minute, so an older head means the sources are unreachable
   * or hiding newer blocks. The client then says so (`freshness()`, `onFreshness`), asks every
   * source for a newer head, and refuses to sign payments on it (LC_HEAD_STALE).
   */
  readonly staleAfterMs?: number;
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

/** How old the client's verified head is, by this device's clock. */
export interface Freshness {
  /** `stale`: older than `staleAfterMs` — the network may be unreachable or hiding newer blocks. */
  readonly state: 'fresh' | 'stale';
  readonly height: bigint;
  /** The head's chain time, ms since the epoch. */
  readonly time: bigint;
  readonly ageMs: number;
  readonly staleAfterMs: number;
}

export interface VerifiedState {
  readonly key: Uint8Array;
  /** undefined: proven absent. */
  readonly value: Uint8Array | undefined;
  readonly height: bigint;
  /** Hash (hex) of the verified header whose state root the proof checked against. */
  readonly headerHash: string;
  /** That header's time (chain time, ms since the epoch): how fresh the value is. */
  readonly time: bigint;
}

export interface VerifiedAccount {
  readonly address: string;
  readonly account: Account;
  /** False when the proof shows the account absent (all zeros). */
  readonly exists: boolean;
  readonly height: bigint;
  readonly headerHash: string;
  /** The verified header's time (chain time, ms since the epoch). */
  readonly time: bigint;
}

export interface SyncProgress {
  readonly verifiedHeight: bigint;
  readonly targetHeight: bigint;
}

/**
 * What a relay or node said about a tx: unverified. Shown as "the relay says…", never as a
 * finished step or a final failure — a relay may forward a tx and claim it was refused, or drop it
 * and claim it is in a block.
 */
export interface TxHint {
  readonly source: string;
  readonly says: 'in-block' | 'refused';
  /** The block it claims (in-block). */
  readonly height?: bigint;
  /** The chain code it claims (a refusal's reason, or a receipt's code). */
  readonly code: string;
  readonly message?: string;
}

export type TransferStage =
  | { readonly stage: 'signed'; readonly hash: string; readonly nonce: bigint; readonly fee: bigint }
  | { readonly stage: 'submitted'; readonly hash: string }
  /** A relay's unverified word on the tx. */
  | { readonly stage: 'hint'; readonly hash: string; readonly hint: TxHint }
  /** The tx is proven in a verified block (its block's tx root, or its receipt). */
  | { readonly stage: 'finalised'; readonly hash: string; readonly height: bigint };

/** A sent tx whose fate is not proven yet: the client keeps checking (see `onTxOutcome`). */
export interface PendingTx {
  readonly hash: string;
  /** The signer's `dpn…` address. */
  readonly signer: string;
  readonly nonce: bigint;
  readonly kind: 'transfer' | 'contract';
  /** For an order: what the site needs once it is proven (the salt opens the shipping commitment). */
  readonly order?: {
    readonly orderId: string; readonly product: string; readonly quantity: number; readonly commitment: string; readonly salt: string;
    readonly shipping: ShippingDetails;
  };
  /** When it was sent (ms since the epoch, this clock). */
  readonly sentAt: number;
  /** The verified height it was signed at (its nonce was still unspent there): where proofs of its fate start. */
  readonly fromHeight: bigint;
}

/**
 * A pending tx's proven fate: `executed` (in a verified block; a contract tx's receipt code, '' for
 * success) or `not-executed` (its nonce was spent by another tx, so it never will be).
 */
export interface TxOutcome {
  readonly tx: PendingTx;
  readonly outcome: 'executed' | 'not-executed';
  readonly height: bigint;
  readonly code: string;
  /** The fee a contract tx paid (from its proven receipt). */
  readonly fee?: bigint;
}

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
  /** The trusting period in force (the configured one, or 2/3 of the chain's unbonding period). */
  trustingPeriodMs: number;
}

export interface VerifiedParams {
  readonly params: Params;
  readonly height: bigint;
}

// ------------------------------------------------------------------------------- contracts

/** The JSON form of a template value (protocol `valueToJson`): amounts as decimal strings, `dpn…` addresses, hex ids. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** Where a contract read was proven: every field of it comes from values verified at this header. */
export interface VerifiedAt {
  readonly height: bigint;
  /** Hash (hex) of the verified header whose state root the proofs checked against. */
  readonly headerHash: string;
  /** That header's time (chain time, ms since the epoch): how fresh the values are. */
  readonly time: bigint;
}

export interface VerifiedTemplate extends VerifiedAt {
  /** Template id (hex): the hash of its code. */
  readonly id: string;
  readonly name: string;
  readonly status: TemplateStatus;
  /** The designer's `dpn…` address. */
  readonly designer: string;
  /** Paid to the designer from every order made through the template, in units. */
  readonly designerFee: bigint;
  readonly record: TemplateRecord;
  /** The code parsed with the protocol's strict `parseTemplate`. */
  readonly template: Template;
}

export type ProductCurrency =
  | { readonly kind: 'dpn'; readonly symbol: 'DPN'; readonly decimals: 9 }
  | { readonly kind: 'token'; readonly id: string; readonly symbol: string; readonly decimals: number; readonly issuer: string };

export interface VerifiedProduct extends VerifiedAt {
  readonly id: string;
  readonly name: string;
  /** `dpn…` address. */
  readonly producer: string;
  /** Unit price in units of `currency`; `priceDpn` is the decimal DPN string (meaningful when the currency is DPN). */
  readonly price: bigint;
  readonly priceDpn: string;
  /** What the product is priced and settled in: DPN, or a token its producer issued (its record proven at the same height). */
  readonly currency: ProductCurrency;
  /** The price with its unit: "12.5 DPN", "3 JKT". */
  readonly priceText: string;
  readonly leadTimeMs: bigint;
  readonly metadataUri: string;
  /** Hex. */
  readonly metadataHash: string;
  readonly template: { readonly id: string; readonly name: string; readonly status: TemplateStatus; readonly designerFee: bigint };
  /** Takes new orders: its template is approved (not pending, rejected or deprecated). */
  readonly open: boolean;
  /** Parameters by name, in their JSON form. */
  readonly params: Readonly<Record<string, JsonValue>>;
  readonly createdAt: bigint;
  /** Orders placed on it so far (roots and sub-orders). */
  readonly orders: bigint;
}

export interface VerifiedOrder extends VerifiedAt {
  readonly id: string;
  readonly product: string;
  readonly template: string;
  /** Parent order id, null for a root. */
  readonly parent: string | null;
  readonly root: string;
  readonly depth: number;
  /** The parent's label for this sub-order (part, supplier, ship…); empty for a root. */
  readonly tag: string;
  readonly consumer: string;
  readonly buyer: string;
  readonly payer: string;
  readonly quantity: number;
  /** Price escrowed (unit price × quantity) and the designer's fee on top, in units. */
  readonly price: bigint;
  readonly designerFee: bigint;
  /** Hex of the 32-byte shipping commitment (all zeros for sub-orders). */
  readonly shipping: string;
  readonly status: OrderStatus;
  readonly state: string;
  readonly stateSince: bigint;
  /** Balance of the order's escrow account: escrowIn − escrowOut. */
  readonly escrow: bigint;
  readonly escrowIn: bigint;
  readonly escrowOut: bigint;
  readonly children: readonly string[];
  readonly history: readonly { readonly time: bigint; readonly height: bigint; readonly event: string }[];
  /** Order variables, named by the order's (proven) template. */
  readonly vars: readonly { readonly name: string; readonly type: ScalarType; readonly value: JsonValue }[];
  readonly createdAt: bigint;
}

export interface VerifiedOrderTree extends VerifiedAt {
  /** The order the walk started from. */
  readonly root: string;
  /** Every order of the graph below (and including) `root`, breadth first, all proven at one height. */
  readonly orders: readonly VerifiedOrder[];
  /** True when the graph holds more than MAX_TREE_ORDERS orders and only the first were read. */
  readonly truncated: boolean;
}

export interface VerifiedReceipt extends VerifiedAt {
  readonly txHash: string;
  readonly receipt: TxReceipt;
  /** The chain's error code when the tx failed (it paid `receipt.fee` and changed nothing else); null on success. */
  readonly failure: string | null;
}

/** Shipping details: kept off chain; only a salted commitment to them is placed in the order. */
export type ShippingDetails = string | { readonly [k: string]: JsonValue };

/** Options every contract tx takes. */
export interface ContractTxOptions {
  /**
   * Gas the fee pays for (default per kind, see README). Unused gas is refunded by the chain, so a
   * generous allowance costs nothing extra; too little fails the tx with GAS_EXHAUSTED.
   */
  readonly gas?: bigint;
  /** Fee to declare instead of feeBase + feePerByte × size + gasPrice × gas (from proven params). */
  readonly fee?: bigint;
  /** Sign with this nonce instead of the proven next one (to queue behind your own pending txs). */
  readonly nonce?: bigint;
  /** Ask the relay's POST /v1/txs/simulate (where offered) for a gas estimate; a hint that may only raise the allowance (default true). */
  readonly simulate?: boolean;
  /** How long to wait for the receipt in a verified block (default 30 s). */
  readonly timeoutMs?: number;
}

export interface PlaceOrderRequest extends ContractTxOptions {
  /** Product id (hex or bytes). */
  readonly product: string | Uint8Array;
  /** Default 1. */
  readonly quantity?: number;
  /** Most the order may escrow; default price × quantity + designer fee read from verified state. */
  readonly maxTotal?: bigint;
  /** The viewer's shipping details. Never leave the client: see README (shipping commitments). */
  readonly shipping: ShippingDetails;
  /**
   * 32 random bytes (hex or bytes) to salt the commitment with, when the page already showed the
   * commitment (`shippingCommitment`) for confirmation; default: fresh from crypto.getRandomValues.
   */
  readonly salt?: string | Uint8Array;
}

export interface FireTransitionRequest extends ContractTxOptions {
  /** Order id (hex or bytes). */
  readonly order: string | Uint8Array;
  readonly transition: string;
  /** Arguments by name in JSON form (decimal strings or bigints for ints, `dpn…` addresses, hex ids). */
  readonly args?: Readonly<Record<string, JsonValue | bigint>>;
}

export interface CreateProductRequest extends ContractTxOptions {
  /** Id (hex or bytes) of an approved template. */
  readonly template: string | Uint8Array;
  /** The product's name (1..64 bytes of UTF-8). */
  readonly name: string;
  /** Where the product's metadata lives (≤ 256 bytes; a relative path, an http(s) URL or a small data: URI); default ''. */
  readonly metadataUri?: string;
  /** SHA-256 (hex or bytes) of the metadata's bytes; default all zeros (no metadata pinned). */
  readonly metadataHash?: string | Uint8Array;
  /** Unit price in units. */
  readonly price: bigint;
  readonly leadTimeMs: bigint;
  /**
   * The template's parameters by name in JSON form (protocol `paramsFromJson`): amounts and
   * durations as numbers, decimal strings or bigints, `dpn…` addresses, 64-hex product ids, lists.
   */
  readonly params: Readonly<Record<string, JsonValue | bigint | readonly (JsonValue | bigint)[]>>;
}

export interface CreateProductResult extends ContractTxResult {
  /** productId(signer, nonce), hex. */
  readonly productId: string;
  /** The new product, proven at `height`. */
  readonly product: VerifiedProduct;
}

export type ContractTxStage =
  | { readonly stage: 'signed'; readonly hash: string; readonly nonce: bigint; readonly fee: bigint; readonly gas: bigint }
  | { readonly stage: 'submitted'; readonly hash: string }
  /** A relay's unverified word on the tx. */
  | { readonly stage: 'hint'; readonly hash: string; readonly hint: TxHint }
  /** The tx's receipt is proven in a verified block (success or failure). */
  | { readonly stage: 'finalised'; readonly hash: string; readonly height: bigint; readonly code: string };

export interface ContractTxResult {
  readonly txHash: string;
  readonly nonce: bigint;
  /** Most the tx could cost (the declared fee). */
  readonly fee: bigint;
  /** What it cost: base fee + gas used (the rest was refunded). */
  readonly feePaid: bigint;
  readonly gasUsed: bigint;
  /** Height of the block that included it. */
  readonly includedAt: bigint;
  /** The verified height at which the receipt was proven. */
  readonly height: bigint;
  readonly receipt: TxReceipt;
}

export interface PlaceOrderResult extends ContractTxResult {
  readonly orderId: string;
  /** Hex of the commitment placed on chain. */
  readonly commitment: string;
  /** Hex of the random 32-byte salt: hand it, with the details, to the producer off chain. */
  readonly salt: string;
  /** The new order, proven at `height`. */
  readonly order: VerifiedOrder;
}

export interface FireTransitionResult extends ContractTxResult {
  /** The order after the transition, proven at `height`. */
  readonly order: VerifiedOrder;
}

// ------------------------------------------------------------------------------- governance

/** A governance body (the decision board or the community representatives) as chain state holds it. */
export interface VerifiedBody {
  /** `dpn…` addresses, in the order the record lists them. */
  readonly members: readonly string[];
  /** Chain time (ms) the term started and ends; the board's end opens the next election. */
  readonly termStart: bigint;
  readonly termEnd: bigint;
  /** The election that chose it; 0 for the genesis board. */
  readonly election: bigint;
  /** What it may decide, by name (protocol `Power`). */
  readonly powers: readonly string[];
}

export interface VerifiedCommittee {
  readonly members: readonly string[];
  /** Approvals a committee decision needs. */
  readonly threshold: number;
}

export interface VerifiedUpgradePlan {
  readonly version: string;
  readonly severity: UpgradeSeverity;
  readonly activationHeight: bigint;
  /** Id (hex) of the resolution that scheduled it. */
  readonly resolution: string;
}

/** Every body and rule of governance, all proven at one height. */
export interface VerifiedGovernance extends VerifiedAt {
  readonly board: VerifiedBody;
  /** Null until a first election seats representatives. */
  readonly representatives: VerifiedBody | null;
  /** The technical committee (template review, small fixes). */
  readonly committee: VerifiedCommittee;
  readonly govParams: GovParams;
  /** Latest election id (0 = none yet) and whether it is running. */
  readonly electionClock: { readonly latest: bigint; readonly open: boolean };
  readonly upgradePlan: VerifiedUpgradePlan | null;
}

export interface VerifiedTally extends VerifiedAt {
  readonly election: bigint;
  readonly candidate: string;
  /** Σ balance × coin-age (unit·ms) of the holders who voted for the candidate. */
  readonly weight: bigint;
  readonly voters: number;
  /** Representatives' votes for the board. */
  readonly boardVotes: number;
}

export interface VerifiedElection extends VerifiedAt {
  readonly id: bigint;
  /** Coin-age is measured at this instant (chain time, ms). */
  readonly opensAt: bigint;
  readonly votingEndsAt: bigint;
  readonly boardVoteEndsAt: bigint;
  readonly phase: ElectionPhase;
  readonly candidates: readonly string[];
  readonly totalWeight: bigint;
  readonly voters: number;
  /** The top 30 by weight, once holder voting ended. */
  readonly representatives: readonly string[];
  /** The 5 chosen by the representatives, once board voting ended. */
  readonly board: readonly string[];
  /**
   * With `{ tallies: true }`: every candidate's tally proven at the same height, ranked as the
   * chain ranks them (holder weight, then address; in and after the board vote, board votes first).
   */
  readonly tallies?: readonly VerifiedTally[];
}

export interface VerifiedBallot extends VerifiedAt {
  readonly election: bigint;
  readonly holder: string;
  /** Null: proven absent (the holder has not voted in this election). */
  readonly ballot: { readonly candidate: string; readonly weight: bigint } | null;
}

export interface VerifiedResolution extends VerifiedAt {
  /** Hex. */
  readonly id: string;
  readonly body: GovBody;
  readonly proposer: string;
  readonly action: GovAction;
  /** One line saying what the action does (`describeGovAction`). */
  readonly summary: string;
  /** Height of the block that proposed it. */
  readonly proposedAtHeight: bigint;
  /** Chain time (ms) by which every approval must be in. */
  readonly deadline: bigint;
  /** It takes effect at the start of this height once passed. */
  readonly activationHeight: bigint;
  /** The members it was put to, and how many approvals pass it. */
  readonly voters: readonly string[];
  readonly threshold: number;
  readonly approvals: readonly string[];
  readonly rejections: readonly string[];
  readonly status: ResolutionStatus;
  /** Why it expired, was rejected or failed; empty otherwise. */
  readonly note: string;
}

export interface VerifiedResolutions extends VerifiedAt {
  /** Ids (hex) of resolutions still open or passed and waiting for their height. */
  readonly open: readonly string[];
  /** The most recent resolutions, newest first, each proven at `height`. */
  readonly recent: readonly VerifiedResolution[];
}

export interface VerifiedMembership extends VerifiedAt {
  readonly address: string;
  readonly member: boolean;
  readonly board: VerifiedBody;
}

/** A token record (protocol/src/tokens/records.ts) with its id, the issuer as a `dpn…` address. */
export interface VerifiedToken extends VerifiedAt, Omit<TokenRecord, 'issuer'> {
  /** Hex. */
  readonly id: string;
  readonly issuer: string;
}

export interface VerifiedTokenBalance extends VerifiedAt {
  readonly token: string;
  readonly holder: string;
  /** In the token's smallest unit; 0 when the key is proven absent. */
  readonly balance: bigint;
  readonly exists: boolean;
}

/** Options of a governance tx (it carries no gas: governance and token txs pay the base fee only). */
export interface GovTxOptions {
  /** Fee to declare instead of the minimum the proven params require. */
  readonly fee?: bigint;
  readonly nonce?: bigint;
  /** How long to wait for the tx in a verified block (default 30 s). */
  readonly timeoutMs?: number;
}

export interface GovTxResult {
  readonly txHash: string;
  readonly nonce: bigint;
  readonly fee: bigint;
  /** First verified height at which the proven nonce shows the tx executed. */
  readonly height: bigint;
}

export interface VoteRequest extends GovTxOptions {
  readonly election: bigint;
  /** The candidate's `dpn…` address (or its 20 bytes). */
  readonly candidate: string | Uint8Array;
}

export interface VoteResult extends GovTxResult {
  /** The wallet's ballot, proven at `height`: the weight its coin-age gave. */
  readonly ballot: VerifiedBallot;
}

export interface DecideResolutionRequest extends GovTxOptions {
  /** Resolution id (hex or bytes). */
  readonly resolution: string | Uint8Array;
  readonly approve: boolean;
}

export interface DecideResolutionResult extends GovTxResult {
  /** The resolution after the decision, proven at `height`. */
  readonly resolution: VerifiedResolution;
}

export type GovTxStage =
  | { readonly stage: 'signed'; readonly hash: string; readonly nonce: bigint; readonly fee: bigint }
  | { readonly stage: 'submitted'; readonly hash: string }
  /** A relay's unverified word on the tx. */
  | { readonly stage: 'hint'; readonly hash: string; readonly hint: TxHint }
  /** The tx is proven in a verified block (its block's tx root). */
  | { readonly stage: 'finalised'; readonly hash: string; readonly height: bigint };

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
  /**
   * Makes a new key the wallet (a non-extractable WebCrypto key where the platform has Ed25519).
   * A key it replaces is not deleted: the IndexedDB store keeps every key it was given.
   */
  createWallet(opts?: { extractable?: boolean }): Promise<string>;
  /** Makes the key with this 32-byte secret the wallet; a key it replaces is kept, as above. */
  importWallet(secretKey: Uint8Array): Promise<string>;
  transfer(req: TransferRequest, onProgress?: (s: TransferStage) => void): Promise<TransferResult>;
  /** A template record and its parsed code. Unknown id: DipnetError TEMPLATE_UNKNOWN. */
  getTemplate(id: string | Uint8Array, opts?: { height?: bigint }): Promise<VerifiedTemplate>;
  /** A product with its template's name and status. Unknown id: DipnetError PRODUCT_UNKNOWN. */
  getProduct(id: string | Uint8Array, opts?: { height?: bigint }): Promise<VerifiedProduct>;
  /** Unknown id: DipnetError ORDER_UNKNOWN. */
  getOrder(id: string | Uint8Array, opts?: { height?: bigint }): Promise<VerifiedOrder>;
  /** The order and every sub-order below it, proven at one height; bounded in depth and size. */
  getOrderTree(id: string | Uint8Array, opts?: { height?: bigint }): Promise<VerifiedOrderTree>;
  /** The receipt of an included contract tx; null when it is proven absent (not included by then). */
  getReceipt(txHash: string | Uint8Array, opts?: { height?: bigint }): Promise<VerifiedReceipt | null>;
  /**
   * Calls `listener` with the order tree now and again whenever a new verified head shows it
   * changed (read once per new head, never on a timer; needs `follow`). Returns the unsubscribe.
   */
  watchOrder(id: string | Uint8Array, listener: (t: VerifiedOrderTree) => void, onError?: (e: unknown) => void): () => void;
  /** Buys a product: escrows price + designer fee; only a salted commitment to `shipping` goes on chain. */
  placeOrder(req: PlaceOrderRequest, onProgress?: (s: ContractTxStage) => void): Promise<PlaceOrderResult>;
  /** Fires a signed transition (a milestone, a bid, a confirmation) on an order. */
  fireTransition(req: FireTransitionRequest, onProgress?: (s: ContractTxStage) => void): Promise<FireTransitionResult>;
  /** Makes a product contract from an approved template; the wallet's address becomes its producer. */
  createProduct(req: CreateProductRequest, onProgress?: (s: ContractTxStage) => void): Promise<CreateProductResult>;
  /** The board, representatives, committee, governance params, election clock and upgrade plan, proven at one height. */
  getGovernance(opts?: { height?: bigint }): Promise<VerifiedGovernance>;
  /** Unknown id: DipnetError ELECTION_UNKNOWN. `tallies: true` adds every candidate's tally, ranked. */
  getElection(id: bigint, opts?: { height?: bigint; tallies?: boolean }): Promise<VerifiedElection>;
  /** A candidate's tally (zeros when proven absent). */
  getCandidateTally(election: bigint, candidate: string | Uint8Array, opts?: { height?: bigint }): Promise<VerifiedTally>;
  getHolderBallot(election: bigint, holder: string | Uint8Array, opts?: { height?: bigint }): Promise<VerifiedBallot>;
  /** Unknown id: DipnetError RESOLUTION_UNKNOWN. */
  getResolution(id: string | Uint8Array, opts?: { height?: bigint }): Promise<VerifiedResolution>;
  /** The resolution index's recent ids resolved to records, all at one height. */
  getResolutions(opts?: { height?: bigint }): Promise<VerifiedResolutions>;
  /** Whether `address` is on the decision board, proven with the board record. */
  isBoardMember(address: string | Uint8Array, opts?: { height?: bigint }): Promise<VerifiedMembership>;
  /** Unknown id: DipnetError TOKEN_UNKNOWN. */
  getToken(id: string | Uint8Array, opts?: { height?: bigint }): Promise<VerifiedToken>;
  /** A holder's balance of a token (0 when proven absent). Unknown token: DipnetError TOKEN_UNKNOWN. */
  getTokenBalance(token: string | Uint8Array, holder: string | Uint8Array, opts?: { height?: bigint }): Promise<VerifiedTokenBalance>;
  /** A holder's vote in an open election, signed by the wallet; its weight is the wallet's coin-age weight. */
  vote(req: VoteRequest, onProgress?: (s: GovTxStage) => void): Promise<VoteResult>;
  /** A board or committee member's approval or rejection of a resolution, signed by the wallet. */
  decideResolution(req: DecideResolutionRequest, onProgress?: (s: GovTxStage) => void): Promise<DecideResolutionResult>;
  onHead(listener: (h: VerifiedHead) => void): () => void;
  onSyncProgress(listener: (p: SyncProgress) => void): () => void;
  onConflict(listener: (r: ConflictReport) => void): () => void;
  /** How old the verified head is now. */
  freshness(): Freshness;
  /** Txs sent whose fate is not proven yet (a payment that timed out is one). */
  pendingTxs(): PendingTx[];
  /** Called once per pending tx when its fate is proven. */
  onTxOutcome(listener: (o: TxOutcome) => void): () => void;
  /** Called when the head turns stale or fresh again (and, while stale, as it ages). */
  onFreshness(listener: (f: Freshness) => void): () => void;
  /** The conflict that halted the client, if any. */
  conflict(): ConflictReport | null;
  sources(): SourceInfo[];
  stats(): LightClientStats;
  storageEstimate(): Promise<{ usage?: number; quota?: number } | null>;
  close(): Promise<void>;
}

/** A LightClient member that takes and returns plain data only (no callback among its arguments). */
export type LightClientDataMethod = {
  [K in keyof LightClient]: LightClient[K] extends (...args: infer A) => unknown
    ? [Extract<A[number], (...a: never[]) => unknown>] extends [never] ? (K extends 'close' ? never : K) : never
    : never;
}[keyof LightClient];

/**
 * The data methods by name, for a Web Worker to forward as they are (worker.ts): a new verified
 * read goes into LightClient above and here, and the worker API (and every page that talks to a
 * worker) has it. The compiler checks this list against LightClient both ways.
 */
export const LIGHT_CLIENT_DATA_METHODS = {
  head: true, sync: true, getState: true, getAccount: true, getParams: true, walletAddress: true, createWallet: true, importWallet: true,
  getTemplate: true, getProduct: true, getOrder: true, getOrderTree: true, getReceipt: true,
  getGovernance: true, getElection: true, getCandidateTally: true, getHolderBallot: true, getResolution: true, getResolutions: true, isBoardMember: true, getToken: true, getTokenBalance: true,
  freshness: true, pendingTxs: true, conflict: true, sources: true, stats: true, storageEstimate: true,
} as const satisfies { readonly [K in LightClientDataMethod]: true };
