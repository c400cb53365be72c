/**
 * What the widget needs from the chain, as verified values. The only implementation that talks to
 * a network is `lightClientShop` (light-client-shop.ts) over the light client in a Web Worker: the
 * widget reaches the chain only through the light client, which verifies every value it returns
 * against validator commits and Merkle proofs. Amounts are DPN units (bigint).
 */
export interface ShopCurrency {
  readonly symbol: string;
  readonly decimals: number;
  /** True for DPN; false for a token issued by the producer. */
  readonly native: boolean;
}

export interface ShopProduct {
  readonly id: string;
  readonly name: string;
  readonly producer: string;
  /** Unit price, in units of `currency`. */
  readonly price: bigint;
  /** What the product is priced in: DPN, or a token its producer issued (orders then settle in it). */
  readonly currency: ShopCurrency;
  /** Paid per order to the designer of the product's contract template. */
  readonly designerFee: bigint;
  readonly leadTimeMs: bigint;
  readonly metadataUri: string;
  /** SHA-256 of the metadata file, 64 hex. */
  readonly metadataHash: string;
  /** The product takes orders (its template is approved, not deprecated). */
  readonly open: boolean;
  /** The block height at which these values were proven. */
  readonly height: bigint;
  /** That block's time (chain time, ms since the epoch): how old the values are. */
  readonly time: bigint;
}

export interface ShopOrderNode {
  readonly id: string;
  readonly parent: string | null;
  readonly depth: number;
  /** The parent's label for this sub-order: part, supplier, ship, inspect, guarantee. */
  readonly tag: string;
  readonly productName: string;
  readonly producer: string;
  readonly state: string;
  readonly status: 'active' | 'settled' | 'refunded';
  readonly escrow: bigint;
}

export interface ShopOrderTree {
  readonly rootId: string;
  readonly height: bigint;
  /** The time of the block the tree was proven at. */
  readonly time: bigint;
  readonly nodes: readonly ShopOrderNode[];
}

export interface ShopWallet {
  readonly address: string;
  readonly balance: bigint;
}

export type PaymentStage = 'signing' | 'submitted' | 'included' | 'verified';

/** What a relay said about a payment: unverified, shown as "the relay says…", never as a step. */
export interface ShopTxHint {
  readonly source: string;
  readonly says: 'in-block' | 'refused';
  readonly code: string;
  readonly height?: bigint;
}

/** An order whose payment was sent but not proven when the purchase flow ended, now proven one way or the other. */
export interface ShopOrderOutcome {
  /** `placed`: the order is in a verified block; `not-placed`: its nonce went to another tx, so it never will be. */
  readonly outcome: 'placed' | 'not-placed';
  readonly orderId: string;
  readonly txHash: string;
  readonly product: string;
  readonly quantity: number;
  readonly commitment: string;
  readonly salt: string;
  readonly shipping: Readonly<Record<string, string>>;
  readonly fee: bigint;
  readonly height: bigint;
}

/** A sent order whose payment is not proven yet. */
export interface ShopPendingOrder {
  readonly orderId: string;
  readonly product: string;
  readonly txHash: string;
}

export interface PlacedOrder {
  readonly orderId: string;
  readonly txHash: string;
  /** The salted hash of the shipping details that went on chain. */
  readonly commitment: string;
  /** The salt; with the details it opens the commitment. Goes to the producer off chain. */
  readonly salt: string;
  readonly fee: bigint;
}

/** A source of chain data (relay or node) as the light client rates it. */
export interface ShopSource {
  readonly id: string;
  readonly health: 'ok' | 'unavailable' | 'faulty';
  /** Why it is not ok: the light client's error code and message. */
  readonly reason: { readonly code: string; readonly message: string } | null;
  /** When it is asked again (ms since the epoch), for a source that is not ok. */
  readonly retryAt: number | null;
}

/** How old the light client's verified head is (by this device's clock). */
export interface ShopFreshness {
  /** Older than the client's staleness threshold: the network may be unreachable or hiding newer blocks. */
  readonly stale: boolean;
  readonly height: bigint;
  readonly ageMs: number;
}

export interface SyncState {
  readonly height: bigint;
  readonly target: bigint;
}

export interface ShopClient {
  /**
   * The viewer's wallet lives in a window of its own (the wallet frame's mode): this client has no
   * key; `wallet()` is the wallet last seen there (or null), and paying opens that window.
   */
  readonly walletInWindow?: boolean;
  /**
   * Called first thing on the viewer's confirm click, with that click: rejects (a WalletRefusal
   * with a code) when the click cannot count as the viewer's — synthetic, without user activation,
   * or on a frame that is covered, transparent or not visible long enough.
   */
  authorizePayment?(click: Event): Promise<void>;
  /** Resolves when the client has a verified head. */
  ready(): Promise<{ height: bigint }>;
  onSync(listener: (s: SyncState) => void): () => void;
  product(id: string): Promise<ShopProduct>;
  /**
   * The product as this client last verified it (a `product(id)` result), or null. Never fetches
   * and never starts the light client: for hover cards, which may show only what is already proven.
   */
  cachedProduct?(id: string): ShopProduct | null;
  wallet(): Promise<ShopWallet | null>;
  /** The verified balance of any address (the wallet frame shows the wallet window's wallet with it). */
  balanceOf?(address: string): Promise<bigint>;
  createWallet(): Promise<ShopWallet>;
  /**
   * Makes the 32-byte Ed25519 secret key the client's wallet (replacing any). The key goes to the
   * light client, which keeps it; the caller should not keep a copy (the adapter transfers the bytes).
   */
  importWallet(secretKey: Uint8Array): Promise<ShopWallet>;
  /** The most the network fee of an order tx can be (base + gas allowance). */
  maxOrderFee(): Promise<bigint>;
  /** Salts and hashes shipping details: only the commitment goes on chain. */
  commitShipping(shipping: Readonly<Record<string, string>>): Promise<{ commitment: string; salt: string }>;
  /** Places the order with the commitment shown at confirmation (the client re-derives and checks it). */
  /**
   * Places the order. Rejects with code LC_TX_PENDING (details: hash, order) when the payment was
   * sent but not proven either way in time: its outcome then arrives through `onOrderOutcome`.
   */
  placeOrder(
    req: { product: string; quantity: number; maxTotal: bigint; shipping: Readonly<Record<string, string>>; salt: string; commitment: string },
    onStage?: (s: PaymentStage) => void,
    onHint?: (h: ShopTxHint) => void,
  ): Promise<{ orderId: string; txHash: string; fee: bigint }>;
  orderTree(id: string): Promise<ShopOrderTree>;
  /**
   * Calls back with the re-verified tree whenever a new head changes it; `onError` when a read
   * fails verification or no source answers (the next head tries again; the tree is told again
   * once it verifies).
   */
  watchOrder(id: string, listener: (t: ShopOrderTree) => void, onError?: (message: string) => void): () => void;
  /** Orders sent but not proven yet (the light client keeps checking them). */
  pendingOrders?(): Promise<readonly ShopPendingOrder[]>;
  /** Called once per pending order when its fate is proven. */
  onOrderOutcome?(listener: (o: ShopOrderOutcome) => void): () => void;
  /** Calls back when the verified head turns stale or fresh again (and as it ages while stale). */
  onFreshness?(listener: (f: ShopFreshness) => void): () => void;
  /** The chain sources and their health, to say which were not trusted and why. */
  sources?(): Promise<readonly ShopSource[]>;
}
