/**
 * The wallet-store test page: page.ts's light client in a worker (`window.dipnet`), and
 * `window.walletStore`, which acts on this origin's IndexedDB from the page as other builds of
 * the site would: a pre-split build that left its key in the combined database, and a newer build
 * that upgrades every database. It also reads the key records back, without the light client.
 */
import './page.ts';
import { openDB } from 'idb';
import { addressOf, formatAddress, fromHex } from '@dipnet/protocol';
import { defaultDatabaseNames } from '@dipnet/light-client/store/indexeddb';
import { NEWER_BUILD_FIELD, simulateNewerBuild } from '@dipnet/light-client/testing/newer-build';

export interface StoredKeyInfo {
  /** The record's key in the 'keys' store (the public key, hex). */
  id: string;
  address: string;
  kind: string;
  /** For a CryptoKey: its type, algorithm and whether it is extractable. */
  cryptoKey: { type: string; algorithm: string; extractable: boolean } | null;
  /** The field a newer build added, if it is still there. */
  newerBuildField: unknown;
}

export interface DatabaseInfo {
  name: string;
  version: number;
  stores: string[];
}

const walletStore = {
  /** What a build before the split stored: one database, its key in the 'wallet' store. Returns that key's address. */
  async writePreSplitWallet(chainId: string): Promise<string> {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const db = await openDB(defaultDatabaseNames(chainId).preSplit, 1, {
      upgrade: (d) => { for (const s of ['meta', 'headers', 'sets', 'wallet']) d.createObjectStore(s); },
    });
    await db.put('wallet', { kind: 'webcrypto', privateKey: pair.privateKey, publicKey }, 'wallet');
    db.close();
    return formatAddress(addressOf(publicKey));
  },

  /** A newer build's upgrade of every database of the origin; returns their new versions. */
  simulateNewerBuild: (): Promise<Record<string, number>> => simulateNewerBuild(indexedDB),

  async databases(): Promise<DatabaseInfo[]> {
    const out: DatabaseInfo[] = [];
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await openDB(name);
      out.push({ name, version: db.version, stores: [...db.objectStoreNames].sort() });
      db.close();
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : 1));
  },

  /** Every key in the wallet database, and which one is current. */
  async keys(chainId: string): Promise<{ current: string | null; keys: StoredKeyInfo[] }> {
    const db = await openDB(defaultDatabaseNames(chainId).wallet);
    try {
      const current = ((await db.get('meta', 'current')) as { keyId?: string } | undefined)?.keyId ?? null;
      const keys: StoredKeyInfo[] = [];
      for (const id of (await db.getAllKeys('keys')) as string[]) {
        const rec = (await db.get('keys', id)) as Record<string, unknown>;
        const k = rec.privateKey instanceof CryptoKey ? rec.privateKey : null;
        keys.push({
          id, address: formatAddress(addressOf(fromHex(id))), kind: String(rec.kind),
          cryptoKey: k && { type: k.type, algorithm: k.algorithm.name, extractable: k.extractable },
          newerBuildField: rec[NEWER_BUILD_FIELD],
        });
      }
      return { current, keys };
    } finally {
      db.close();
    }
  },
};

export type WalletStorePageApi = typeof walletStore;
(window as unknown as { walletStore: WalletStorePageApi }).walletStore = walletStore;
