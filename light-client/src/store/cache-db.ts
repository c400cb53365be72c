/**
 * The cache database (`dipnet-light-cache/<chainId>`): the trusted state, which the client
 * re-derives from its trust root, and nothing else, so any surprise is answered by dropping it:
 * an older schema's stores are dropped in the upgrade, and a database written by newer code
 * (VersionError) or by something else (a store missing) is deleted and created again. Unreadable
 * records surface as LC_STORE_CORRUPT so the client rebuilds instead of trusting them.
 */
import type { IDBPDatabase } from 'idb';
import { deleteDbIn, openDbIn } from './idb-factory.ts';
import { LightError, LightErrorCode } from '@dipnet/protocol';
import { STORE_SCHEMA_VERSION, type StoreMeta, type StoredHeader, type StoredState, type StoredValidatorSet } from './types.ts';

const STORES = ['meta', 'headers', 'sets'] as const;

const corrupt = (msg: string): LightError => new LightError(LightErrorCode.LC_STORE_CORRUPT, `IndexedDB store: ${msg}`);

export class CacheDatabase {
  private constructor(private readonly db: IDBPDatabase) {}

  /** Opens (or drops and creates) the cache database; `onClosed` runs when it closes itself for another tab. */
  static async open(name: string, factory: IDBFactory | undefined, onClosed: () => void): Promise<CacheDatabase> {
    let self: CacheDatabase | undefined;
    const openFresh = () => openDbIn(factory, name, STORE_SCHEMA_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion > 0) for (const s of [...db.objectStoreNames]) db.deleteObjectStore(s);
        for (const s of STORES) db.createObjectStore(s);
      },
      blocking() {
        // Another tab upgrades or deletes the database: let it, and reopen on next use.
        self?.close();
        onClosed();
      },
    });
    let db: IDBPDatabase;
    try {
      db = await openFresh();
    } catch (e) {
      if ((e as { name?: string })?.name !== 'VersionError') throw e;
      await deleteDbIn(factory, name);
      db = await openFresh();
    }
    if (STORES.some((s) => !db.objectStoreNames.contains(s))) {
      db.close();
      await deleteDbIn(factory, name);
      db = await openFresh();
    }
    self = new CacheDatabase(db);
    return self;
  }

  async load(): Promise<StoredState | null> {
    const tx = this.db.transaction([...STORES], 'readonly');
    const [meta, headerRows, setRows] = await Promise.all([
      tx.objectStore('meta').get('meta') as Promise<unknown>,
      tx.objectStore('headers').getAll() as Promise<unknown[]>,
      tx.objectStore('sets').getAll() as Promise<unknown[]>,
    ]);
    await tx.done;
    if (meta === undefined) {
      if (headerRows.length > 0 || setRows.length > 0) throw corrupt('trusted records without a meta record');
      return null;
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
    return { meta: { schema: m.schema, chainId: m.chainId, trustRoot: m.trustRoot, createdAt: m.createdAt }, headers, sets };
  }

  async reset(meta: StoreMeta): Promise<void> {
    const tx = this.db.transaction(['meta', 'headers', 'sets'], 'readwrite');
    await Promise.all([tx.objectStore('headers').clear(), tx.objectStore('sets').clear(), tx.objectStore('meta').put({ ...meta }, 'meta')]);
    await tx.done;
  }

  async saveTrusted(headers: readonly StoredHeader[], sets: readonly StoredValidatorSet[], keepFromHeight: bigint, keepSets: ReadonlySet<string>): Promise<void> {
    const tx = this.db.transaction(['headers', 'sets'], 'readwrite');
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

  close(): void {
    this.db.close();
  }
}
