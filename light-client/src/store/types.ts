/**
 * Persistence of the light client, in two parts that are kept apart because they are lost
 * differently:
 *
 * - the **cache** of trusted state: a bounded window of recent trusted headers (canonical
 *   encodings, keyed by height), the validator sets they reference (canonical encodings, keyed by
 *   hash), and a meta record naming the schema, chain and trust root. It holds bytes only; the
 *   client re-derives and checks every hash on load and treats any mismatch as corruption (rebuild
 *   from the trust root), never as trusted data. Losing it costs a re-sync.
 * - the **wallet**: the key, and records that must survive like it (pending purchases). Nothing
 *   re-derives them, so a store never drops, clears or overwrites them on its own: what it cannot
 *   read it refuses loudly (LC_WALLET_STORE_NEWER, LC_WALLET_STORE_CORRUPT) and keeps as it is.
 */

export const STORE_SCHEMA_VERSION = 1;

export interface StoreMeta {
  readonly schema: number;
  readonly chainId: string;
  /** Identity of the trust root the state grew from ("genesis:<hex>" or "checkpoint:<height>:<hex>"). */
  readonly trustRoot: string;
  readonly createdAt: number;
}

export interface StoredHeader {
  readonly height: bigint;
  /** Header hash (hex), re-checked against `header` on load. */
  readonly hash: string;
  /** Canonical header encoding. */
  readonly header: Uint8Array;
}

export interface StoredValidatorSet {
  /** Validator set hash (hex), re-checked on load. */
  readonly hash: string;
  /** Canonical validator set encoding. */
  readonly set: Uint8Array;
}

/** The cached trusted state. */
export interface StoredState {
  readonly meta: StoreMeta;
  readonly headers: readonly StoredHeader[];
  readonly sets: readonly StoredValidatorSet[];
}

export type StoredWallet =
  /** A raw Ed25519 secret (imported keys, platforms without WebCrypto Ed25519). */
  | { readonly kind: 'raw'; readonly secretKey: Uint8Array }
  /** A non-extractable WebCrypto key pair (the secret never leaves the crypto implementation). */
  | { readonly kind: 'webcrypto'; readonly privateKey: CryptoKey; readonly publicKey: Uint8Array };

/**
 * A record that must survive like the key: a pending tx or a placed order whose details the site
 * has not received yet. `data` is whatever the owner needs (tx bytes, hash, shipping details,
 * salt…) and must be structured-clonable.
 */
export interface StoredPending {
  /** Unique per record; saving an existing id replaces that record. */
  readonly id: string;
  /** What the record is (e.g. 'transfer', 'order'); the store does not interpret it. */
  readonly kind: string;
  /** Unix ms; records load oldest first. */
  readonly createdAt: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface LightStore {
  readonly kind: string;
  /** The cached trusted state, or null when there is none. Throws LC_STORE_CORRUPT if the records are unreadable. */
  load(): Promise<StoredState | null>;
  /** Wipes the cached trusted state and writes `meta` (the wallet and pending records are not touched). */
  reset(meta: StoreMeta): Promise<void>;
  /** Adds headers and sets, then deletes headers below `keepFromHeight` and sets not in `keepSets`. */
  saveTrusted(headers: readonly StoredHeader[], sets: readonly StoredValidatorSet[], keepFromHeight: bigint, keepSets: ReadonlySet<string>): Promise<void>;
  /**
   * The wallet, or null when none was saved. Throws LC_WALLET_STORE_NEWER when it was written in a
   * format this build does not know, LC_WALLET_STORE_CORRUPT when it is unreadable; either way the
   * stored key is left as it is.
   */
  loadWallet(): Promise<StoredWallet | null>;
  /** Makes `wallet` the wallet. A persistent store keeps the key it replaces (it never deletes a key). */
  saveWallet(wallet: StoredWallet): Promise<void>;
  /** Adds `rec`, or replaces the record with its id. Throws LC_INVALID_ARGUMENT for a malformed record. */
  savePending(rec: StoredPending): Promise<void>;
  /** Every pending record this build can read, oldest first (copies). */
  loadPending(): Promise<StoredPending[]>;
  /** Deletes the pending record `id` (nothing if there is none). */
  deletePending(id: string): Promise<void>;
  /** Bytes used and available, where the platform tells (navigator.storage.estimate()). */
  estimate(): Promise<{ usage?: number; quota?: number } | null>;
  close(): Promise<void>;
}
