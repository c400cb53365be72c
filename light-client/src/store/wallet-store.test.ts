/**
 * The wallet is never lost to the store: in IndexedDB it lives in its own database, which a newer
 * build's version bump, a missing store, a rebuild of the trusted-state cache or an unreadable
 * record never deletes or clears; the key of the pre-split combined database is copied in; the
 * pending records live and survive with it. The pending-record contract holds for both stores.
 * fake-indexeddb in Node (the same code runs on the browser's; see
 * test/src/browser/wallet-store.browser.test.ts).
 */
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteDB, openDB } from 'idb';
import { generateKeyPair, nobleVerifier, toHex, utf8 } from '@dipnet/protocol';
import { IndexedDbStore, type IndexedDbDatabaseNames } from './indexeddb.ts';
import { MemoryStore } from './memory.ts';
import { STORE_SCHEMA_VERSION, type LightStore, type StoreMeta, type StoredPending, type StoredWallet } from './types.ts';
import { WALLET_DB_VERSION } from './wallet-db.ts';
import { generateWallet, importWallet, walletFromStored } from '../wallet/wallet.ts';
import { NEWER_BUILD_FIELD, NEWER_BUILD_STORE, simulateNewerBuild } from '../testing/newer-build.ts';
import { lightCode } from '../testing/errors.ts';

const CHAIN = 'dipnet-wallet-store-test';
const names = (tag: string): IndexedDbDatabaseNames => ({ cache: `${tag}/cache`, wallet: `${tag}/wallet`, preSplit: `${tag}/pre-split` });
const idbStore = (tag: string): IndexedDbStore => new IndexedDbStore(CHAIN, { names: names(tag) });
const META: StoreMeta = { schema: STORE_SCHEMA_VERSION, chainId: CHAIN, trustRoot: 'genesis:00', createdAt: 1 };
const HEADER = { height: 7n, hash: 'aa', header: new Uint8Array([1, 2, 3]) };
const ORDER: StoredPending = { id: 'order-1', kind: 'order', createdAt: 2000, data: { tx: new Uint8Array([9, 9]), shipping: { name: 'Ada', city: 'Ghent' }, salt: 'c0ffee' } };
const TRANSFER: StoredPending = { id: 'tx-1', kind: 'transfer', createdAt: 1000, data: { hash: 'ab', amount: 5n } };

const nonExtractableWallet = async (): Promise<StoredWallet> => {
  const { stored } = await generateWallet();
  assert.equal(stored.kind, 'webcrypto', 'Node has WebCrypto Ed25519');
  return stored;
};
const publicKeyOf = (w: StoredWallet): Uint8Array => walletFromStored(w).publicKey;

/** The wallet `w` still signs with the key whose public key is `publicKey`. */
async function assertSigns(w: StoredWallet | null, publicKey: Uint8Array): Promise<void> {
  assert.ok(w, 'a wallet is stored');
  const wallet = walletFromStored(w);
  assert.deepEqual(wallet.publicKey, publicKey, 'the same key');
  const msg = utf8('still mine');
  assert.ok(nobleVerifier.verify(publicKey, msg, await wallet.sign(msg)), 'its signature verifies');
}

/** Fills `store` with a non-extractable wallet, the ORDER pending record and a trusted header; returns the wallet. */
async function fill(store: LightStore): Promise<StoredWallet> {
  const w = await nonExtractableWallet();
  await store.saveWallet(w);
  await store.savePending(ORDER);
  await store.reset(META);
  await store.saveTrusted([HEADER], [], 0n, new Set());
  return w;
}

/** Saves a new non-extractable wallet in the databases of store `tag`, closed again; returns it. */
async function walletSavedIn(tag: string): Promise<StoredWallet> {
  const store = idbStore(tag);
  const w = await nonExtractableWallet();
  await store.saveWallet(w);
  await store.close();
  return w;
}

/** `store` still holds what fill() put in its wallet part: the key `w` (which signs), and ORDER. */
async function assertWalletKept(store: LightStore, w: StoredWallet): Promise<void> {
  await assertSigns(await store.loadWallet(), publicKeyOf(w));
  assert.deepEqual(await store.loadPending(), [ORDER], 'the pending record (without fields this build does not know)');
}

/** Every record of `storeName` in database `db` (opened without a version, as it is). */
async function rawRecords(db: string, storeName: string): Promise<unknown[]> {
  const d = await openDB(db);
  try {
    return await d.getAll(storeName);
  } finally {
    d.close();
  }
}

async function databaseInfo(db: string): Promise<{ version: number; stores: string[] } | null> {
  const found = (await indexedDB.databases()).find((d) => d.name === db);
  if (!found) return null;
  const d = await openDB(db);
  const info = { version: d.version, stores: [...d.objectStoreNames] };
  d.close();
  return info;
}

/** Replaces record `key` of `storeName` in `db` with `value` (as another build, or a bug, would). */
async function putRaw(db: string, storeName: string, key: string, value: unknown): Promise<void> {
  const d = await openDB(db);
  await d.put(storeName, value, key);
  d.close();
}

// ---------------------------------------------------------------------------- both stores

for (const [kind, make] of [['memory', () => new MemoryStore()], ['indexeddb', () => idbStore(`contract-${Math.random()}`)]] as const) {
  test(`${kind}: pending records are listed oldest first as copies, replaced by id, deleted; a malformed one is refused`, async () => {
    const store: LightStore = make();
    assert.deepEqual(await store.loadPending(), []);
    const order = structuredClone(ORDER);
    await store.savePending(order);
    await store.savePending(TRANSFER);
    (order.data.shipping as { city: string }).city = 'changed after saving';
    const listed = await store.loadPending();
    assert.deepEqual(listed, [TRANSFER, ORDER], 'oldest first, as saved');
    (listed[1]!.data.shipping as { city: string }).city = 'changed after loading';
    assert.deepEqual((await store.loadPending())[1], ORDER, 'what was loaded is a copy');

    const updated: StoredPending = { ...TRANSFER, data: { ...TRANSFER.data, status: 'included' } };
    await store.savePending(updated);
    assert.deepEqual(await store.loadPending(), [updated, ORDER], 'the same id replaces the record');
    await store.deletePending(TRANSFER.id);
    await store.deletePending('no-such-id');
    assert.deepEqual(await store.loadPending(), [ORDER]);

    for (const bad of [{ ...ORDER, id: '' }, { ...ORDER, kind: 7 }, { ...ORDER, createdAt: Number.NaN }, { ...ORDER, data: null }, { ...ORDER, data: [1] }]) {
      await assert.rejects(store.savePending(bad as unknown as StoredPending), lightCode('LC_INVALID_ARGUMENT'));
    }
    assert.deepEqual(await store.loadPending(), [ORDER]);
    await store.close();
  });

  test(`${kind}: the wallet and the pending records survive a rebuild of the trusted state`, async () => {
    const store: LightStore = make();
    const w = await fill(store);
    await store.reset({ ...META, trustRoot: 'checkpoint:9:00' });
    assert.deepEqual((await store.load())?.headers, [], 'the trusted state was rebuilt');
    await assertWalletKept(store, w);
    await store.close();
  });
}

// ---------------------------------------------------------------------------- IndexedDB

test("a newer build's version bump of both databases, with this build's tab still open: the key survives and signs, pending records load, and nothing the newer build added is removed", async () => {
  const n = names('newer');
  const tab = idbStore('newer');
  const w = await fill(tab);

  // The open tab steps aside (it would block the upgrade otherwise, and simulateNewerBuild rejects on "blocked").
  const versions = await simulateNewerBuild(indexedDB, [n.cache, n.wallet]);
  assert.deepEqual(versions, { [n.cache]: STORE_SCHEMA_VERSION + 1, [n.wallet]: WALLET_DB_VERSION + 1 });

  await assertWalletKept(tab, w);
  const reloaded = idbStore('newer');
  await assertWalletKept(reloaded, w);
  await reloaded.close();
  // The newer build's wallet database is as it left it: its version, its store, its fields.
  const wallet = await databaseInfo(n.wallet);
  assert.equal(wallet?.version, WALLET_DB_VERSION + 1);
  assert.ok(wallet?.stores.includes(NEWER_BUILD_STORE), `stores: ${wallet?.stores.join(', ')}`);
  const [keyRec] = (await rawRecords(n.wallet, 'keys')) as Record<string, unknown>[];
  assert.equal(keyRec?.[NEWER_BUILD_FIELD], WALLET_DB_VERSION + 1, 'the key record was not rewritten');
  // Only the cache may be dropped: it was, and is rebuilt from the trust root.
  assert.equal(await tab.load(), null);
  await tab.reset(META);
  assert.deepEqual((await tab.load())?.meta, META);
  await tab.close();
});

test('a wallet record this build cannot read is refused with a typed error and kept exactly as it is', async () => {
  const cases: { what: string; store: 'keys' | 'meta'; value: (rec: Record<string, unknown>) => unknown; code: string }[] = [
    { what: 'a key record of a newer format', store: 'keys', value: (r) => ({ ...r, format: 2, wrapped: new Uint8Array(8) }), code: 'LC_WALLET_STORE_NEWER' },
    { what: 'a key of a kind this build does not know', store: 'keys', value: (r) => ({ format: r.format, kind: 'passkey', credentialId: 'x' }), code: 'LC_WALLET_STORE_NEWER' },
    { what: 'a current-key record of a newer format', store: 'meta', value: (r) => ({ ...r, format: 2 }), code: 'LC_WALLET_STORE_NEWER' },
    { what: 'a malformed key record', store: 'keys', value: (r) => ({ ...r, publicKey: 'not bytes' }), code: 'LC_WALLET_STORE_CORRUPT' },
    { what: 'a key record without a format', store: 'keys', value: ({ format: _, ...r }) => r, code: 'LC_WALLET_STORE_CORRUPT' },
  ];
  for (const [i, c] of cases.entries()) {
    const tag = `unreadable-${i}`;
    await walletSavedIn(tag);
    const db = await openDB(names(tag).wallet);
    const [key] = await db.getAllKeys(c.store);
    const written = c.value((await db.get(c.store, key!)) as Record<string, unknown>);
    await db.put(c.store, written, key!);
    db.close();

    const store = idbStore(tag);
    await assert.rejects(store.loadWallet(), lightCode(c.code), c.what);
    // Nor may a new wallet be saved over what cannot be read.
    if (c.store === 'meta') await assert.rejects(store.saveWallet(await nonExtractableWallet()), lightCode(c.code), c.what);
    await store.close();
    const after = await openDB(names(tag).wallet);
    assert.deepEqual(await after.get(c.store, key!), written, `${c.what} is kept`);
    after.close();
  }
});

test('a newer wallet database without a store this build needs is refused, not upgraded past the newer build', async () => {
  const n = names('newer-missing');
  const db = await openDB(n.wallet, WALLET_DB_VERSION + 3, { upgrade: (d) => void d.createObjectStore('keys') });
  db.close();
  await assert.rejects(idbStore('newer-missing').loadWallet(), (e: unknown) => lightCode('LC_WALLET_STORE_NEWER')(e) && /no 'pending', 'meta' store/.test((e as Error).message));
  assert.deepEqual(await databaseInfo(n.wallet), { version: WALLET_DB_VERSION + 3, stores: ['keys'] });
});

test('a newer-format pending record is passed over by this build and kept for the one that wrote it', async () => {
  const n = names('pending-newer');
  const store = idbStore('pending-newer');
  await store.savePending(ORDER);
  await putRaw(n.wallet, 'pending', 'from-the-future', { format: 2, id: 'from-the-future', shape: 'unknown' });
  assert.deepEqual(await store.loadPending(), [ORDER]);
  assert.equal((await rawRecords(n.wallet, 'pending')).length, 2);
  await store.close();
});

test('a missing store in the cache database rebuilds the cache only; the wallet and the pending records are kept', async () => {
  const n = names('cache-missing');
  const first = idbStore('cache-missing');
  const w = await fill(first);
  await first.close();
  // Something else left the cache database without its 'sets' store, at this build's version.
  await deleteDB(n.cache);
  const partial = await openDB(n.cache, STORE_SCHEMA_VERSION, { upgrade: (d) => { d.createObjectStore('meta'); d.createObjectStore('headers'); } });
  partial.close();

  const store = idbStore('cache-missing');
  assert.equal(await store.load(), null, 'the cache starts empty');
  assert.deepEqual((await databaseInfo(n.cache))?.stores.sort(), ['headers', 'meta', 'sets']);
  await assertWalletKept(store, w);
  await store.close();
});

test('a missing store in the wallet database is created by an additive upgrade; the other stores keep their records', async () => {
  const n = names('wallet-missing');
  const w = await walletSavedIn('wallet-missing');
  // A partial wallet database: its records, but no 'pending' store, at this build's version.
  const keys = await rawRecords(n.wallet, 'keys');
  const current = await rawRecords(n.wallet, 'meta');
  await deleteDB(n.wallet);
  const db = await openDB(n.wallet, WALLET_DB_VERSION, { upgrade: (d) => { d.createObjectStore('keys'); d.createObjectStore('meta'); } });
  await db.put('keys', keys[0], toHex(publicKeyOf(w)));
  await db.put('meta', current[0], 'current');
  db.close();

  const store = idbStore('wallet-missing');
  await assertSigns(await store.loadWallet(), publicKeyOf(w));
  await store.savePending(ORDER);
  assert.deepEqual(await store.loadPending(), [ORDER]);
  assert.deepEqual(await databaseInfo(n.wallet), { version: WALLET_DB_VERSION + 1, stores: ['keys', 'meta', 'pending'] });
  await store.close();
});

/** The pre-split combined database as the builds before the split wrote it (STORE_SCHEMA_VERSION 1). */
async function writePreSplitDatabase(name: string, wallet: StoredWallet): Promise<void> {
  const db = await openDB(name, 1, { upgrade: (d) => { for (const s of ['meta', 'headers', 'sets', 'wallet']) d.createObjectStore(s); } });
  await db.put('meta', META, 'meta');
  await db.put('headers', { height: '7', hash: 'aa', header: new Uint8Array([1]) }, 7);
  await db.put('wallet', wallet, 'wallet');
  db.close();
}

test('the key of the pre-split combined database is copied into the wallet database on first open, and that database is left as it was', async () => {
  const n = names('pre-split');
  const w = await nonExtractableWallet();
  await writePreSplitDatabase(n.preSplit, w);

  const store = idbStore('pre-split');
  await assertSigns(await store.loadWallet(), publicKeyOf(w));
  await store.close();
  // Copied: it loads from the wallet database alone.
  const preSplitBefore = await rawRecords(n.preSplit, 'wallet');
  assert.deepEqual(await databaseInfo(n.preSplit), { version: 1, stores: ['headers', 'meta', 'sets', 'wallet'] }, 'left as it was');
  assert.equal(preSplitBefore.length, 1);
  await deleteDB(n.preSplit);
  const again = idbStore('pre-split');
  await assertSigns(await again.loadWallet(), publicKeyOf(w));
  assert.equal((await rawRecords(n.wallet, 'keys')).length, 1);
  await again.close();
});

test('a key the pre-split database got after the split (a rollback to a pre-split build) is added, and does not replace the wallet', async () => {
  const n = names('rollback');
  const current = await walletSavedIn('rollback');
  const fromRollback = importWallet(generateKeyPair().secretKey).stored;
  await writePreSplitDatabase(n.preSplit, fromRollback);

  for (let i = 0; i < 2; i++) {
    const store = idbStore('rollback');
    await assertSigns(await store.loadWallet(), publicKeyOf(current));
    await store.close();
  }
  const kept = ((await rawRecords(n.wallet, 'keys')) as StoredWallet[]).map((k) => toHex(publicKeyOf(k)));
  assert.deepEqual(kept.sort(), [current, fromRollback].map((k) => toHex(publicKeyOf(k))).sort(), 'both keys are kept, once each');
});

test('looking for the pre-split database creates none', async () => {
  const store = idbStore('no-pre-split');
  assert.equal(await store.loadWallet(), null);
  await store.close();
  assert.equal(await databaseInfo(names('no-pre-split').preSplit), null);
});

test('saving another wallet keeps the key it replaces', async () => {
  const n = names('replace');
  const store = idbStore('replace');
  const a = await nonExtractableWallet();
  const b = importWallet(generateKeyPair().secretKey).stored;
  await store.saveWallet(a);
  await store.saveWallet(b);
  await assertSigns(await store.loadWallet(), publicKeyOf(b));
  await store.saveWallet(a);
  await assertSigns(await store.loadWallet(), publicKeyOf(a));
  assert.equal((await rawRecords(n.wallet, 'keys')).length, 2);
  await store.close();
});
