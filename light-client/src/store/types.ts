/**
 * Persistence of the light client's compact trusted state: a bounded window of recent trusted
 * headers (canonical encodings, keyed by height), the validator sets they reference (canonical
 * encodings, keyed by hash), the wallet, and a meta record naming the schema, chain and trust
 * root. Stores hold bytes only; the client re-derives and checks every hash on load and treats
 * any mismatch as corruption (rebuild from the checkpoint), never as trusted data.
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

export type StoredWallet =
  /** A raw Ed25519 secret (imported keys, platforms without WebCrypto Ed25519). */
  | { readonly kind: 'raw'; readonly secretKey: Uint8Array }
  /** A non-extractable WebCrypto key pair (the secret never leaves the crypto implementation). */
  | { readonly kind: 'webcrypto'; readonly privateKey: CryptoKey; readonly publicKey: Uint8Array };

export interface StoredState {
  readonly meta: StoreMeta;
  readonly headers: readonly StoredHeader[];
  readonly sets: readonly StoredValidatorSet[];
  readonly wallet: StoredWallet | null;
}

export interface LightStore {
  readonly kind: string;
  /** Everything stored, or null when empty. Throws LC_STORE_CORRUPT if the records are unreadable. */
  load(): Promise<StoredState | null>;
  /** Wipes trusted state (keeping the wallet) and writes `meta`. */
  reset(meta: StoreMeta): Promise<void>;
  /** Adds headers and sets, then deletes headers below `keepFromHeight` and sets not in `keepSets`. */
  saveTrusted(headers: readonly StoredHeader[], sets: readonly StoredValidatorSet[], keepFromHeight: bigint, keepSets: ReadonlySet<string>): Promise<void>;
  saveWallet(wallet: StoredWallet | null): Promise<void>;
  /** Bytes used and available, where the platform tells (navigator.storage.estimate()). */
  estimate(): Promise<{ usage?: number; quota?: number } | null>;
  close(): Promise<void>;
}
