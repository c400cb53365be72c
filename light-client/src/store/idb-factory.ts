/**
 * idb's openDB and deleteDB against a given IDBFactory (tests pass fake-indexeddb's). idb always
 * uses the global `indexedDB`, reading it once, synchronously, as it starts the request: the
 * factory is swapped in for that moment only, so overlapping opens cannot see each other's swap.
 */
import { openDB, deleteDB, type IDBPDatabase, type OpenDBCallbacks } from 'idb';

export function openDbIn(factory: IDBFactory | undefined, name: string, version: number | undefined, callbacks: OpenDBCallbacks<unknown>): Promise<IDBPDatabase> {
  return withGlobalFactory(factory, () => openDB(name, version, callbacks));
}

export function deleteDbIn(factory: IDBFactory | undefined, name: string): Promise<void> {
  return withGlobalFactory(factory, () => deleteDB(name));
}

function withGlobalFactory<T>(factory: IDBFactory | undefined, start: () => T): T {
  if (!factory || globalThis.indexedDB === factory) return start();
  const prev = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
  Object.defineProperty(globalThis, 'indexedDB', { value: factory, configurable: true, writable: true });
  try {
    return start();
  } finally {
    if (prev) Object.defineProperty(globalThis, 'indexedDB', prev);
    else delete (globalThis as { indexedDB?: unknown }).indexedDB;
  }
}
