/**
 * What a newer build of the site may do to this origin's IndexedDB: raise every database's
 * version, add an object store, and add a field to every record — the additive changes the store
 * rules allow. Plain IndexedDB API, so the same code runs in Node (fake-indexeddb) and in a page.
 */

export const NEWER_BUILD_STORE = 'added-by-a-newer-build';
export const NEWER_BUILD_FIELD = 'addedByANewerBuild';

/** Upgrades every database of `factory` (or those named) to its version + 1; returns the new versions. */
export async function simulateNewerBuild(factory: IDBFactory = indexedDB, only?: readonly string[]): Promise<Record<string, number>> {
  const upgraded: Record<string, number> = {};
  for (const { name, version } of await factory.databases()) {
    if (name === undefined || version === undefined || (only && !only.includes(name))) continue;
    await upgrade(factory, name, version + 1);
    upgraded[name] = version + 1;
  }
  return upgraded;
}

function upgrade(factory: IDBFactory, name: string, version: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name, version);
    req.onupgradeneeded = () => {
      const tx = req.transaction!;
      for (const storeName of Array.from(req.result.objectStoreNames)) {
        tx.objectStore(storeName).openCursor().onsuccess = (e) => {
          const cursor = (e.target as IDBRequest<IDBCursorWithValue | null>).result;
          if (!cursor) return;
          const value: unknown = cursor.value;
          if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) cursor.update({ ...value, [NEWER_BUILD_FIELD]: version });
          cursor.continue();
        };
      }
      req.result.createObjectStore(NEWER_BUILD_STORE).put({ note: 'a store this build does not know' }, 'k');
    };
    req.onsuccess = () => {
      req.result.close();
      resolve();
    };
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error(`upgrading ${name} is blocked by an open connection`));
  });
}
