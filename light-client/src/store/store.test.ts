/**
 * Persistence against real validators: a reload resumes from the newest stored trusted header
 * without re-verifying history (counted signature checks and requests), storage stays bounded,
 * a corrupt or foreign store is detected and rebuilt from the trust root, and a wallet the client
 * created outlives a newer build's upgrade of every database — for the memory store and for
 * IndexedDB (fake-indexeddb in Node; the same code runs on the browser's).
 */
import 'fake-indexeddb/auto';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openDB } from 'idb';
import { addressOf, genesisHash, toHex, headerHash, StateKey, decodeAccount, parseAddress, dpn } from '@dipnet/protocol';
import { createLightClient, MemoryStore, IndexedDbStore, defaultDatabaseNames, type IndexedDbDatabaseNames, type LightClientOptions, type LightStore } from '../index.ts';
import { simulateNewerBuild } from '../testing/newer-build.ts';
import { startNet, startProxy } from '../testing/devnet.ts';
import { devKey } from '@dipnet/bootstrap-node';

const CHAIN = 'dipnet-lc-store-test';
const net = await startNet({ chainId: CHAIN, validators: 4 });
const proxy = await startProxy(net.relayUrls[0]!);
after(async () => {
  await proxy.close();
  await net.stop();
});
const sale = devKey('sale');
const bob = addressOf(devKey('lc/bob').publicKey);
const n0 = net.nodes[0]!;
const blocks = async (k: number) => {
  for (let i = 0; i < k; i++) await net.commit(sale, { type: 'transfer', to: bob, amount: dpn(1), memo: '' });
};
await blocks(6);

const names = (tag: string): IndexedDbDatabaseNames => ({ cache: `${tag}/cache`, wallet: `${tag}/wallet`, preSplit: `${tag}/pre-split` });

const opts = (store: LightStore, over: Partial<LightClientOptions> = {}): LightClientOptions => ({
  chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, trustingPeriodMs: 86_400_000,
  relays: [proxy.url], store, follow: false, mode: 'sequential', trustedWindow: 4, ...over,
});

async function resumeScenario(store: LightStore): Promise<void> {
  const first = await createLightClient(opts(store));
  const h1 = first.head().height;
  assert.equal(h1, n0.chain.head.height);
  const fullCost = first.stats().signaturesVerified;
  assert.ok(fullCost >= 3 * Number(h1), `sequential sync checked ${fullCost} signatures for ${h1} headers`);
  await first.close();

  proxy.paths.length = 0;
  const second = await createLightClient(opts(store));
  try {
    assert.equal(second.stats().resumedFromStore, true);
    assert.equal(second.head().height, h1, 'resumes at the newest trusted header');
    assert.equal(second.head().hash, toHex(headerHash(n0.getHeader(h1)!)));
    assert.equal(second.stats().signaturesVerified, 0, 'nothing is re-verified on reload');
    assert.ok(!proxy.paths.some((p) => /\/v1\/(headers|commits|validators)\//.test(p)), `no history fetched: ${proxy.paths.join(' ')}`);
    // New blocks cost only their own verification.
    await blocks(2);
    await second.sync();
    assert.equal(second.head().height, n0.chain.head.height);
    const cost = second.stats().signaturesVerified;
    assert.ok(cost > 0 && cost <= 3 * Number(n0.chain.head.height - h1), `${cost} signatures for ${n0.chain.head.height - h1} new headers`);
    assert.equal((await second.getAccount(bob)).account.balance, nodeBalance(bob));
  } finally {
    await second.close();
  }
}

function nodeBalance(addr: Uint8Array): bigint {
  const raw = n0.chain.store.getValue(StateKey.account(addr));
  return raw ? decodeAccount(raw).balance : 0n;
}

test('memory store: a reload resumes from the newest trusted header without re-verifying history', async () => {
  const store = new MemoryStore();
  await resumeScenario(store);
  assert.ok(store.raw.headers.size <= 4, `the trusted window stays bounded (${store.raw.headers.size} headers stored)`);
  assert.ok(store.raw.sets.size <= 2);
});

test('indexeddb store: the same, and the wallet survives the reload', async () => {
  const n = names('lc-test-resume');
  const store = new IndexedDbStore(CHAIN, { names: n });
  await resumeScenario(store);
  const c = await createLightClient(opts(store));
  const addr = await c.importWallet(devKey('lc/wallet').secretKey);
  await c.close();
  const again = await createLightClient(opts(new IndexedDbStore(CHAIN, { names: n })));
  assert.equal(again.walletAddress(), addr);
  const est = await again.storageEstimate();
  assert.ok(est === null || typeof est === 'object');
  await again.close();
  const db = await openDB(n.cache);
  assert.ok((await db.count('headers')) <= 4, 'bounded window in IndexedDB');
  db.close();
});

test('a corrupt memory store is detected and rebuilt from the trust root, never trusted', async () => {
  const store = new MemoryStore();
  const a = await createLightClient(opts(store));
  const h = a.head().height;
  await a.close();
  const rec = store.raw.headers.get(h)!;
  const bad = rec.header.slice();
  bad[bad.length - 100]! ^= 1; // a different state root under the same recorded hash
  store.raw.headers.set(h, { ...rec, header: bad });
  const b = await createLightClient(opts(store));
  try {
    assert.equal(b.stats().storeRebuilds, 1);
    assert.match(b.stats().lastRebuildReason ?? '', /corrupt/);
    assert.equal(b.stats().resumedFromStore, false);
    assert.equal(b.head().hash, toHex(headerHash(n0.getHeader(b.head().height)!)), 'the rebuilt head is the real one');
  } finally {
    await b.close();
  }
});

test('indexeddb: unreadable records, another trust root and a newer schema all rebuild the cache, and the wallet stays', async () => {
  const n = names('lc-test-corrupt');
  const a = await createLightClient(opts(new IndexedDbStore(CHAIN, { names: n })));
  const wallet = await a.importWallet(devKey('lc/corrupt-cache').secretKey);
  await a.close();
  // Garbage in a header record.
  let db = await openDB(n.cache);
  const keys = await db.getAllKeys('headers');
  await db.put('headers', { height: 'x', hash: 42, header: 'not bytes' }, keys[keys.length - 1]!);
  db.close();
  const b = await createLightClient(opts(new IndexedDbStore(CHAIN, { names: n })));
  assert.equal(b.stats().storeRebuilds, 1);
  assert.match(b.stats().lastRebuildReason ?? '', /malformed/);
  assert.equal(b.walletAddress(), wallet, 'a corrupt cache does not hide the wallet');
  await b.close();
  // A store grown from another trust root is not adopted.
  const h = n0.chain.head.height;
  const c = await createLightClient(opts(new IndexedDbStore(CHAIN, { names: n }), { trust: { height: h, hash: toHex(headerHash(n0.getHeader(h)!)) } }));
  assert.equal(c.stats().resumedFromStore, false);
  assert.equal(c.stats().storeRebuilds, 1);
  await c.close();
  // A cache database written by a newer schema is deleted and recreated.
  db = await openDB(n.cache, 99, { upgrade(d) { d.createObjectStore('future'); } });
  db.close();
  const d = await createLightClient(opts(new IndexedDbStore(CHAIN, { names: n })));
  assert.equal(d.stats().resumedFromStore, false);
  assert.equal(d.head().height, n0.chain.head.height);
  assert.equal(d.walletAddress(), wallet);
  await d.close();
});

test("a wallet the client created outlives a newer build's upgrade of every database, and signs a transfer after it", async () => {
  // The deployed databases (default names), as a site's newer build would find them.
  const a = await createLightClient(opts(new IndexedDbStore(CHAIN)));
  const addr = await a.createWallet();
  await a.close();
  await net.commit(sale, { type: 'transfer', to: parseAddress(addr), amount: dpn(10), memo: '' });
  const upgraded = await simulateNewerBuild(indexedDB, Object.values(defaultDatabaseNames(CHAIN)));
  assert.ok(Object.keys(upgraded).length > 0, `the newer build upgraded ${JSON.stringify(upgraded)}`);

  const b = await createLightClient(opts(new IndexedDbStore(CHAIN)));
  try {
    assert.equal(b.walletAddress(), addr, 'the same wallet');
    const r = await b.transfer({ to: bob, amount: dpn(1) });
    assert.equal(r.account.account.balance, dpn(9) - r.fee, 'the chain accepted its signature');
    assert.equal(nodeBalance(parseAddress(addr)), dpn(9) - r.fee);
  } finally {
    await b.close();
  }
});

test('a wallet written in a format this build cannot read fails the start with LC_WALLET_STORE_NEWER, and is kept', async () => {
  const n = names('lc-test-newer-key');
  const a = await createLightClient(opts(new IndexedDbStore(CHAIN, { names: n })));
  await a.importWallet(devKey('lc/newer-key').secretKey);
  await a.close();
  const db = await openDB(n.wallet);
  const [id] = await db.getAllKeys('keys');
  const newer = { ...(await db.get('keys', id!)), format: 2 };
  await db.put('keys', newer, id!);
  db.close();

  await assert.rejects(createLightClient(opts(new IndexedDbStore(CHAIN, { names: n }))), (e: unknown) => {
    assert.equal((e as { code?: string }).code, 'LC_WALLET_STORE_NEWER');
    assert.match((e as Error).message, /newer version of this site .*your key is kept/);
    return true;
  });
  const after = await openDB(n.wallet);
  assert.deepEqual(await after.get('keys', id!), newer);
  after.close();
});

test('a stored head older than the trusting period is not resumed from', async () => {
  const store = new MemoryStore();
  const a = await createLightClient(opts(store));
  await a.close();
  // Two hours later, with a one-hour trusting period: the stored head expired; so did genesis.
  await assert.rejects(
    createLightClient(opts(store, { trustingPeriodMs: 3_600_000, now: () => Date.now() + 7_200_000 })),
    (e: unknown) => (e as { code?: string }).code === 'LC_CHECKPOINT_EXPIRED',
  );
});
