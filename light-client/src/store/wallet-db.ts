/**
 * The wallet database (`dipnet-wallet/<chainId>`): the keys and the pending records, in a database
 * of their own so that nothing that drops or rebuilds the cache can reach them. Code never deletes,
 * clears or downgrades it, and never deletes or overwrites a key:
 *
 * - It is opened without a version, so a database a newer build upgraded opens as it is (never a
 *   VersionError) and is used through the stores this build knows. Their records are read
 *   forward-compatibly (wallet-records.ts); stores and fields this build does not know are left
 *   alone.
 * - Upgrades are additive: every store of this schema that is missing (an older database, or a
 *   partial one) is created, in an upgrade to WALLET_DB_VERSION or, when the database is already at
 *   it, to the next version; no store is ever deleted. So a later schema is a superset of this one,
 *   and a newer build keeps these stores and what their records mean.
 * - A database of a newer version that lacks a store this build needs would have to be upgraded
 *   past the newer build's version: that is refused (LC_WALLET_STORE_NEWER), nothing is changed.
 * - Keys are stored under their public key; the `current` record names the wallet. Saving another
 *   wallet adds its key and moves `current`; the key it replaces stays.
 * - The pre-split combined database (`dipnet-light-client/<chainId>`, whose 'wallet' store held the
 *   key) is only ever read: its key is copied in if it is not here yet, and made the wallet if
 *   there is none. This runs at every open, as a rollback to a pre-split build may have written a
 *   key there since; probing it creates no database.
 */
import type { IDBPDatabase } from 'idb';
import { openDbIn } from './idb-factory.ts';
import type { StoredPending, StoredWallet } from './types.ts';
import {
  WALLET_RECORD_FORMAT, byCreation, keyIdFromCurrentRecord, keyIdOf, keyRecord, pendingFromRecord, pendingRecord, storedWalletOf, walletFromKeyRecord,
  walletStoreCorrupt, walletStoreNewer, type CurrentKeyRecord,
} from './wallet-records.ts';

export const WALLET_DB_VERSION = 1;

const KEYS = 'keys';
const PENDING = 'pending';
const META = 'meta';
const STORES = [KEYS, PENDING, META] as const;
/** The META record naming the wallet's key. */
const CURRENT = 'current';

export class WalletDatabase {
  private constructor(private readonly db: IDBPDatabase) {}

  /** Opens the wallet database, creating what is missing; `onClosed` runs when it closes itself for another tab. */
  static async open(name: string, factory: IDBFactory | undefined, onClosed: () => void): Promise<WalletDatabase> {
    let self: WalletDatabase | undefined;
    const callbacks = {
      upgrade(db: IDBPDatabase) {
        for (const s of STORES) if (!db.objectStoreNames.contains(s)) db.createObjectStore(s);
      },
      blocking() {
        // Another tab (a newer build) upgrades the database: let it, and reopen on next use.
        self?.close();
        onClosed();
      },
    };
    // No version: whatever version is there opens; a new database is created at version 1.
    let db = await openDbIn(factory, name, undefined, callbacks);
    const missing = STORES.filter((s) => !db.objectStoreNames.contains(s));
    if (db.version < WALLET_DB_VERSION || missing.length > 0) {
      const version = db.version;
      db.close();
      if (version > WALLET_DB_VERSION) throw walletStoreNewer(`its database, version ${version}, has no '${missing.join("', '")}' store`);
      db = await openDbIn(factory, name, Math.max(WALLET_DB_VERSION, version + 1), callbacks);
    }
    self = new WalletDatabase(db);
    return self;
  }

  async loadWallet(): Promise<StoredWallet | null> {
    const tx = this.db.transaction([KEYS, META], 'readonly');
    const keyId = keyIdFromCurrentRecord(await tx.objectStore(META).get(CURRENT));
    const rec: unknown = keyId === null ? undefined : await tx.objectStore(KEYS).get(keyId);
    await tx.done;
    if (keyId === null) return null;
    if (rec === undefined) throw walletStoreCorrupt(`the current key ${keyId.slice(0, 16)}… is missing`);
    return walletFromKeyRecord(rec);
  }

  /** Adds the key if it is not stored yet, and makes it the wallet (or only when there is none). */
  async saveWallet(wallet: StoredWallet, opts: { savedAt: number; onlyIfNone?: boolean }): Promise<void> {
    const keyId = keyIdOf(wallet);
    const tx = this.db.transaction([KEYS, META], 'readwrite');
    const keys = tx.objectStore(KEYS);
    const meta = tx.objectStore(META);
    // Refuses (before writing) to replace a current record it cannot read.
    const current = keyIdFromCurrentRecord(await meta.get(CURRENT));
    const writes: Promise<unknown>[] = [];
    if ((await keys.getKey(keyId)) === undefined) writes.push(keys.add(keyRecord(wallet, opts.savedAt), keyId));
    if (current !== keyId && !(opts.onlyIfNone && current !== null)) {
      const rec: CurrentKeyRecord = { format: WALLET_RECORD_FORMAT, keyId };
      writes.push(meta.put(rec, CURRENT));
    }
    await Promise.all(writes);
    await tx.done;
  }

  async savePending(rec: StoredPending): Promise<void> {
    await this.db.put(PENDING, pendingRecord(rec), rec.id);
  }

  async loadPending(): Promise<StoredPending[]> {
    const rows = (await this.db.getAll(PENDING)) as unknown[];
    return rows.map(pendingFromRecord).filter((r): r is StoredPending => r !== null).sort(byCreation);
  }

  async deletePending(id: string): Promise<void> {
    await this.db.delete(PENDING, id);
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The key in the pre-split combined database `name`, or null when there is none (no database, no
 * 'wallet' store, no or an unusable record). Opens it without a version and without creating it.
 */
export async function readPreSplitWallet(name: string, factory: IDBFactory = globalThis.indexedDB): Promise<StoredWallet | null> {
  const db = await new Promise<IDBDatabase | null>((resolve, reject) => {
    const req = factory.open(name);
    // Only a database that does not exist is upgraded by an open without a version: undo its creation.
    req.onupgradeneeded = () => req.transaction!.abort();
    req.onsuccess = () => resolve(req.result);
    req.onerror = (e) => {
      if (req.error?.name !== 'AbortError') return reject(req.error);
      e.preventDefault();
      resolve(null);
    };
  });
  if (!db) return null;
  try {
    if (!db.objectStoreNames.contains('wallet')) return null;
    const rec = await new Promise<unknown>((resolve, reject) => {
      const req = db.transaction('wallet', 'readonly').objectStore('wallet').get('wallet');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return storedWalletOf(rec);
  } finally {
    db.close();
  }
}
