/**
 * IndexedDB store (through `idb`): per chain, two databases that fail differently.
 *
 * - `dipnet-light-cache/<chainId>` (cache-db.ts): the trusted state. It only holds what the client
 *   re-derives from its trust root, so it is dropped and rebuilt on any surprise (an older or newer
 *   schema, a missing store, unreadable records).
 * - `dipnet-wallet/<chainId>` (wallet-db.ts): the keys and the pending records. Never deleted or
 *   cleared by code; versioned with additive upgrades only; a database written by a newer build is
 *   opened as it is and read forward-compatibly, and what cannot be read is refused loudly
 *   (LC_WALLET_STORE_NEWER / LC_WALLET_STORE_CORRUPT), never dropped.
 *
 * The pre-split database `dipnet-light-client/<chainId>` (cache and key together, which the builds
 * before this one delete on a VersionError or a missing store) is left to those builds: this one
 * only copies its key into the wallet database, and writes nothing there. A rollback to such a
 * build therefore still finds its wallet where it left it.
 */
import { CacheDatabase } from './cache-db.ts';
import { LazyConnection } from './connection.ts';
import { deleteDbIn } from './idb-factory.ts';
import { WalletDatabase, readPreSplitWallet } from './wallet-db.ts';
import { checkPending } from './wallet-records.ts';
import type { LightStore, StoreMeta, StoredHeader, StoredPending, StoredState, StoredValidatorSet, StoredWallet } from './types.ts';

export interface IndexedDbDatabaseNames {
  /** The trusted-state cache. */
  readonly cache: string;
  /** The keys and pending records. */
  readonly wallet: string;
  /** The pre-split database whose key is copied into `wallet`. */
  readonly preSplit: string;
}

export const defaultDatabaseNames = (chainId: string): IndexedDbDatabaseNames => ({
  cache: `dipnet-light-cache/${chainId}`,
  wallet: `dipnet-wallet/${chainId}`,
  preSplit: `dipnet-light-client/${chainId}`,
});

export interface IndexedDbStoreOptions {
  /** Database names (default: defaultDatabaseNames(chainId)). */
  readonly names?: Partial<IndexedDbDatabaseNames>;
  /** IDBFactory to use (default globalThis.indexedDB; tests pass fake-indexeddb). */
  readonly indexedDB?: IDBFactory;
}

export class IndexedDbStore implements LightStore {
  readonly kind = 'indexeddb';
  readonly names: IndexedDbDatabaseNames;
  private readonly factory: IDBFactory | undefined;
  private readonly cache: LazyConnection<CacheDatabase>;
  private readonly wallet: LazyConnection<WalletDatabase>;

  constructor(chainId: string, opts: IndexedDbStoreOptions = {}) {
    const names = { ...defaultDatabaseNames(chainId), ...opts.names };
    const factory = opts.indexedDB;
    this.names = names;
    this.factory = factory;
    this.cache = new LazyConnection((onClosed) => CacheDatabase.open(names.cache, factory, onClosed));
    this.wallet = new LazyConnection(async (onClosed) => {
      const db = await WalletDatabase.open(names.wallet, factory, onClosed);
      try {
        const preSplit = await readPreSplitWallet(names.preSplit, factory);
        if (preSplit) await db.saveWallet(preSplit, { savedAt: Date.now(), onlyIfNone: true });
      } catch (e) {
        db.close();
        throw e;
      }
      return db;
    });
  }

  async load(): Promise<StoredState | null> {
    return (await this.cache.get()).load();
  }

  async reset(meta: StoreMeta): Promise<void> {
    await (await this.cache.get()).reset(meta);
  }

  async saveTrusted(headers: readonly StoredHeader[], sets: readonly StoredValidatorSet[], keepFromHeight: bigint, keepSets: ReadonlySet<string>): Promise<void> {
    await (await this.cache.get()).saveTrusted(headers, sets, keepFromHeight, keepSets);
  }

  async loadWallet(): Promise<StoredWallet | null> {
    return (await this.wallet.get()).loadWallet();
  }

  async saveWallet(wallet: StoredWallet): Promise<void> {
    await (await this.wallet.get()).saveWallet(wallet, { savedAt: Date.now() });
  }

  async savePending(rec: StoredPending): Promise<void> {
    checkPending(rec);
    await (await this.wallet.get()).savePending(rec);
  }

  async loadPending(): Promise<StoredPending[]> {
    return (await this.wallet.get()).loadPending();
  }

  async deletePending(id: string): Promise<void> {
    await (await this.wallet.get()).deletePending(id);
  }

  async estimate(): Promise<{ usage?: number; quota?: number } | null> {
    const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<{ usage?: number; quota?: number }> } } }).navigator?.storage;
    if (!storage?.estimate) return null;
    const e = await storage.estimate();
    return { ...(e.usage !== undefined ? { usage: e.usage } : {}), ...(e.quota !== undefined ? { quota: e.quota } : {}) };
  }

  async close(): Promise<void> {
    await Promise.all([this.cache.close(), this.wallet.close()]);
  }

  /** Deletes the cache database (tests, benchmarks). There is no such method for the wallet database. */
  async deleteCache(): Promise<void> {
    await this.cache.close();
    await deleteDbIn(this.factory, this.names.cache);
  }
}
