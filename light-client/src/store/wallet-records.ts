/**
 * The records of the wallet database, and the check of a pending record that every store makes.
 *
 * Forward compatibility: every record carries `format`. A newer build may add fields (a reader
 * ignores fields it does not know, and never rewrites a record it only read); it raises `format`
 * only for a change an older reader would misread. This build refuses a key record, or the
 * current-key record, of a higher format with LC_WALLET_STORE_NEWER, and passes over a pending
 * record of a higher format; it leaves both as they are.
 */
import { keyPairFromSecret, toHex, LightError, LightErrorCode } from '@dipnet/protocol';
import type { StoredPending, StoredWallet } from './types.ts';

export const WALLET_RECORD_FORMAT = 1;

/** A key, stored under its id (keyIdOf). */
export type KeyRecord = StoredWallet & { readonly format: number; readonly savedAt: number };
/** Which stored key is the wallet. */
export interface CurrentKeyRecord { readonly format: number; readonly keyId: string }
/** A pending record, stored under its id. */
export type PendingRecord = StoredPending & { readonly format: number };

export const walletStoreNewer = (what: string): LightError => new LightError(
  LightErrorCode.LC_WALLET_STORE_NEWER,
  `the wallet was written by a newer version of this site (${what}); your key is kept: update the site (reload it) to use it`,
);

export const walletStoreCorrupt = (what: string): LightError => new LightError(
  LightErrorCode.LC_WALLET_STORE_CORRUPT,
  `the wallet store is unreadable (${what}); it is kept as it is`,
);

/** A key's id in the wallet database: its public key, hex. */
export function keyIdOf(w: StoredWallet): string {
  return toHex(w.kind === 'raw' ? keyPairFromSecret(w.secretKey.slice()).publicKey : w.publicKey);
}

export function keyRecord(w: StoredWallet, savedAt: number): KeyRecord {
  return { ...w, format: WALLET_RECORD_FORMAT, savedAt };
}

/**
 * The wallet in a key record of this database or of the pre-split combined one (which had no
 * `format`), or null when the record does not hold one. Other fields are ignored.
 */
export function storedWalletOf(rec: unknown): StoredWallet | null {
  const x = rec as { kind?: unknown; secretKey?: unknown; privateKey?: unknown; publicKey?: unknown } | null | undefined;
  if (x?.kind === 'raw' && x.secretKey instanceof Uint8Array && x.secretKey.length === 32) return { kind: 'raw', secretKey: x.secretKey };
  if (x?.kind === 'webcrypto' && typeof x.privateKey === 'object' && x.privateKey !== null && x.publicKey instanceof Uint8Array && x.publicKey.length === 32) {
    return { kind: 'webcrypto', privateKey: x.privateKey as CryptoKey, publicKey: x.publicKey };
  }
  return null;
}

/** Whether this build reads `rec`'s format ('newer': a newer build wrote it in one it does not). */
function formatOf(rec: unknown, what: string): 'readable' | 'newer' {
  const format = (rec as { format?: unknown } | null | undefined)?.format;
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) throw walletStoreCorrupt(`the ${what} record has no format`);
  return format > WALLET_RECORD_FORMAT ? 'newer' : 'readable';
}

const newerFormat = (rec: unknown, what: string): LightError =>
  walletStoreNewer(`its ${what} record has format ${(rec as { format: number }).format}; this version reads ${WALLET_RECORD_FORMAT}`);

export function walletFromKeyRecord(rec: unknown): StoredWallet {
  if (formatOf(rec, 'key') === 'newer') throw newerFormat(rec, 'key');
  const w = storedWalletOf(rec);
  if (w) return w;
  const kind = (rec as { kind?: unknown }).kind;
  if (kind === 'raw' || kind === 'webcrypto') throw walletStoreCorrupt(`the ${kind} key record is malformed`);
  throw walletStoreNewer(`its key is of kind ${JSON.stringify(kind)}`);
}

/** The current key's id, or null when no key was made the wallet. */
export function keyIdFromCurrentRecord(rec: unknown): string | null {
  if (rec === undefined) return null;
  if (formatOf(rec, 'current-key') === 'newer') throw newerFormat(rec, 'current-key');
  const keyId = (rec as { keyId?: unknown }).keyId;
  if (typeof keyId !== 'string' || keyId.length === 0) throw walletStoreCorrupt('the current-key record names no key');
  return keyId;
}

/** Throws LC_INVALID_ARGUMENT unless `rec` is a pending record a store may keep. */
export function checkPending(rec: StoredPending): void {
  const bad = (msg: string): LightError => new LightError(LightErrorCode.LC_INVALID_ARGUMENT, `pending record: ${msg}`);
  if (typeof rec !== 'object' || rec === null) throw bad('not an object');
  if (typeof rec.id !== 'string' || rec.id.length === 0) throw bad('id must be a non-empty string');
  if (typeof rec.kind !== 'string' || rec.kind.length === 0) throw bad('kind must be a non-empty string');
  if (typeof rec.createdAt !== 'number' || !Number.isFinite(rec.createdAt)) throw bad('createdAt must be a finite number (Unix ms)');
  if (typeof rec.data !== 'object' || rec.data === null || Array.isArray(rec.data)) throw bad('data must be an object');
}

export function pendingRecord(rec: StoredPending): PendingRecord {
  return { format: WALLET_RECORD_FORMAT, id: rec.id, kind: rec.kind, createdAt: rec.createdAt, data: rec.data };
}

/** The pending record in `rec`, or null when it has a format this build does not read. */
export function pendingFromRecord(rec: unknown): StoredPending | null {
  if (formatOf(rec, 'pending') === 'newer') return null;
  const r = rec as StoredPending;
  try {
    checkPending(r);
  } catch (e) {
    throw walletStoreCorrupt((e as Error).message);
  }
  return { id: r.id, kind: r.kind, createdAt: r.createdAt, data: r.data };
}

/** Oldest first; ties by id, so the order does not depend on the store. */
export const byCreation = (a: StoredPending, b: StoredPending): number => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
