/**
 * IndexedDB store (through `idb`): one database per chain, schema-versioned. An older schema is
 * migrated by dropping its trusted state (it is rebuilt from the checkpoint); a database written
 * by newer code or by something else (unknown version, missing stores) is deleted and recreated;
 * unreadable records surface as LC_STORE_CORRUPT so the client rebuilds instead of trusting them.
 */
import { openDB, deleteDB, type IDBPDatabase } from 'idb';
import { LightError, LightErrorCode } from '@dipnet/protocol';
import { STORE_SCHEMA_VERSION, type LightStore, type StoreMeta, type StoredHeader, type StoredState, type StoredValidatorSet, type StoredWallet } from './types.ts';

const STORES = ['meta', 'headers', 'sets', 'wallet'] as const;

export interface IndexedDbStoreOptions {
  /** Database name (default `dipnet-light-client/<chainId>`). */
  readonly name?: string;
  /** IDBFactory to use (default globalThis.indexedDB; tests pass fake-indexeddb). */
  readonly indexedDB?: IDBFactory;
}

const corrupt = (msg: string): LightError => new LightError(LightErrorCode.LC_STORE_CORRUPT, `IndexedDB store: ${msg}`);

export class IndexedDbStore implements LightStore {
  readonly kind = 'indexeddb';
  readonly name: string;
  private db: Promise<IDBPDatabase> | null = null;

  constructor(chainId: string, private readonly opts: IndexedDbStoreOptions = {}) {
    this.name = opts.name ?? `dipnet-light-client/${chainId}`;
  }

  private async withFactory<T>(fn: () => Promise<T>): Promise<T> {
    const factory = this.opts.indexedDB;
    if (!factory || globalThis.indexedDB === factory) return fn();
    // idb uses the global factory; swap it in for the duration of open/delete.
    const prev = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
    Object.defineProperty(globalThis, 'indexedDB', { value: factory, configurable: true, writable: true });
    try {
      return await fn();
    } finally {
      if (prev) Object.defineProperty(globalThis, 'indexedDB', prev);
      else delete (globalThis as { indexedDB?: unknown }).indexedDB;
    }
  }

  private open(): Promise<IDBPDatabase> {
    this.db ??= this.withFactory(async () => {
      const openFresh = () => openDB(this.name, STORE_SCHEMA_VERSION, {
        upgrade(db, oldVersion) {
          // Older schemas hold nothing we must keep but the wallet, and none existed before v1.
          if (oldVersion > 0) for (const s of [...db.objectStoreNames]) if (s !== 'wallet') db.deleteObjectStore(s);
          for (const s of STORES) if (!db.objectStoreNames.contains(s)) db.createObjectStore(s);
        },
        blocking() {
          // Another tab upgrades the schema: let it.
        },
      });
      let db: IDBPDatabase;
      try {
        db = await openFresh();
      } catch (e) {
        if ((e as { name?: string })?.name !== 'VersionError') throw e;
        // Written by newer code: not ours to interpret.
        await deleteDB(this.name);
        db = await openFresh();
      }
      if (STORES.some((s) => !db.objectStoreNames.contains(s))) {
        db.close();
        await deleteDB(this.name);
        db = await openFresh();
      }
      return db;
    });
    return this.db;
  }

  async load(): Promise<StoredState | null> {
    const db = await this.open();
    const tx = db.transaction([...STORES], 'readonly');
    const [meta, headerRows, setRows, wallet] = await Promise.all([
      tx.objectStore('meta').get('meta') as Promise<unknown>,
      tx.objectStore('headers').getAll() as Promise<unknown[]>,
      tx.objectStore('sets').getAll() as Promise<unknown[]>,
      tx.objectStore('wallet').get('wallet') as Promise<unknown>,
    ]);
    await tx.done;
    if (meta === undefined) {
      if (headerRows.length > 0 || setRows.length > 0) throw corrupt('trusted records without a meta record');
      return wallet ? { meta: { schema: 0, chainId: '', trustRoot: '', createdAt: 0 }, headers: [], sets: [], wallet: checkWallet(wallet) } : null;
    }
    const m = meta as Partial<StoreMeta>;
    if (typeof m.schema !== 'number' || typeof m.chainId !== 'string' || typeof m.trustRoot !== 'string' || typeof m.createdAt !== 'number') throw corrupt('meta record is malformed');
    const headers: StoredHeader[] = headerRows.map((r) => {
      const h = r as { height?: unknown; hash?: unknown; header?: unknown };
      if (typeof h.height !== 'string' || !/^\d+$/.test(h.height) || typeof h.hash !== 'string' || !(h.header instanceof Uint8Array)) throw corrupt('header record is malformed');
      return { height: BigInt(h.height), hash: h.hash, header: h.header };
    });
    const sets: StoredValidatorSet[] = setRows.map((r) => {
      const s = r as { hash?: unknown; set?: unknown };
      if (typeof s.hash !== 'string' || !(s.set instanceof Uint8Array)) throw corrupt('validator set record is malformed');
      return { hash: s.hash, set: s.set };
    });
    headers.sort((a, b) => (a.height < b.height ? -1 : a.height > b.height ? 1 : 0));
    return { meta: m as StoreMeta, headers, sets, wallet: wallet === undefined ? null : checkWallet(wallet) };
  }

  async reset(meta: StoreMeta): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(['meta', 'headers', 'sets'], 'readwrite');
    await Promise.all([tx.objectStore('headers').clear(), tx.objectStore('sets').clear(), tx.objectStore('meta').put({ ...meta }, 'meta')]);
    await tx.done;
  }

  async saveTrusted(headers: readonly StoredHeader[], sets: readonly StoredValidatorSet[], keepFromHeight: bigint, keepSets: ReadonlySet<string>): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(['headers', 'sets'], 'readwrite');
    const hs = tx.objectStore('headers');
    const ss = tx.objectStore('sets');
    const ops: Promise<unknown>[] = [];
    for (const h of headers) ops.push(hs.put({ height: h.height.toString(), hash: h.hash, header: h.header }, Number(h.height)));
    for (const s of sets) ops.push(ss.put({ hash: s.hash, set: s.set }, s.hash));
    for (const k of (await hs.getAllKeys()) as number[]) if (k < Number(keepFromHeight)) ops.push(hs.delete(k));
    for (const k of (await ss.getAllKeys()) as string[]) if (!keepSets.has(k) && !sets.some((s) => s.hash === k)) ops.push(ss.delete(k));
    await Promise.all(ops);
    await tx.done;
  }

  async saveWallet(wallet: StoredWallet | null): Promise<void> {
    const db = await this.open();
    if (wallet) await db.put('wallet', wallet, 'wallet');
    else await db.delete('wallet', 'wallet');
  }

  async estimate(): Promise<{ usage?: number; quota?: number } | null> {
    const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<{ usage?: number; quota?: number }> } } }).navigator?.storage;
    if (!storage?.estimate) return null;
    const e = await storage.estimate();
    return { ...(e.usage !== undefined ? { usage: e.usage } : {}), ...(e.quota !== undefined ? { quota: e.quota } : {}) };
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    if (db) (await db).close();
  }

  /** Deletes the whole database (tests, "forget this device"). */
  async destroy(): Promise<void> {
    await this.close();
    await this.withFactory(() => deleteDB(this.name));
  }
}

function checkWallet(w: unknown): StoredWallet | null {
  const x = w as { kind?: unknown; secretKey?: unknown; privateKey?: unknown; publicKey?: unknown };
  if (x?.kind === 'raw' && x.secretKey instanceof Uint8Array && x.secretKey.length === 32) return { kind: 'raw', secretKey: x.secretKey };
  if (x?.kind === 'webcrypto' && x.privateKey && typeof x.privateKey === 'object' && x.publicKey instanceof Uint8Array) {
    return { kind: 'webcrypto', privateKey: x.privateKey as CryptoKey, publicKey: x.publicKey };
  }
  return null;
}
