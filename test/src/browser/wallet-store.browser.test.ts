/**
 * The wallet outlives other builds of the site, in real headless Chromium (real IndexedDB, the
 * light client in a module Web Worker with `store: 'indexeddb'`, as page.ts starts it) against an
 * in-process validator and its relay:
 *
 * 1. a key a build before the split left in the combined database is adopted by the light client;
 * 2. a wallet the worker creates (a non-extractable CryptoKey) survives a newer build upgrading
 *    every database of the origin — new versions, a new object store, a new field on every
 *    record — while this build's worker has them open; after a reload the current build starts
 *    with the same address and signs a transfer the chain accepts, and everything the newer build
 *    and the older one wrote is still there.
 *
 * Any page error or console error fails the test. Needs Debian's `chromium` (or CHROMIUM_PATH);
 * fails, never skips, without.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { addressOf, decodeAccount, dpn, formatAddress, genesisHash, parseAddress, StateKey, toHex } from '@dipnet/protocol';
import { startNet, type TestNet } from '@dipnet/light-client/testing/devnet';
import { devKey } from '@dipnet/bootstrap-node';
import { defaultDatabaseNames } from '@dipnet/light-client/store/indexeddb';
import { NEWER_BUILD_STORE } from '@dipnet/light-client/testing/newer-build';
import { launchChromium, serveStatic, PageErrors } from './harness.ts';
import type { PageConfig, TestPageApi } from './page.ts';
import type { WalletStorePageApi } from './wallet-store-page.ts';

const CHAIN = 'dipnet-browser-wallet-store';
const DB = defaultDatabaseNames(CHAIN);
const sale = devKey('sale');
const bob = addressOf(devKey('browser/wallet-store/bob').publicKey);

let net: TestNet | undefined;
let site: Awaited<ReturnType<typeof serveStatic>> | undefined;
let browser: Browser | undefined;
let page: Page;
let cfg: PageConfig;
const errors = new PageErrors();

/** The page's globals (cast: another browser test declares its own `window.dipnet` type). */
type InPage = { dipnet: TestPageApi; walletStore: WalletStorePageApi };

const balanceOf = (addr: Uint8Array): bigint => {
  const raw = net!.nodes[0]!.chain.store.getValue(StateKey.account(addr));
  return raw ? decodeAccount(raw).balance : 0n;
};

async function startClient(): Promise<string | null> {
  await page.evaluate((c) => (window as unknown as InPage).dipnet.start(c), cfg);
  return (await page.evaluate(() => (window as unknown as InPage).dipnet.stats())).wallet;
}

before(async () => {
  net = await startNet({ chainId: CHAIN, validators: 1 });
  await net.commit(sale, { type: 'transfer', to: bob, amount: dpn(1), memo: '' });
  cfg = { chainId: CHAIN, genesisHash: toHex(genesisHash(net.genesis)), relays: net.relayUrls, multiaddrs: [], webrtcBridge: false };

  const here = new URL('.', import.meta.url).pathname;
  const res = await build({
    entryPoints: { worker: join(here, 'worker-entry.ts'), page: join(here, 'wallet-store-page.ts') },
    outdir: '/', bundle: true, platform: 'browser', format: 'esm', target: 'chrome120', metafile: true, logLevel: 'error', write: false,
  });
  const leaked = Object.keys(res.metafile.inputs).filter((p) => p.startsWith('node:'));
  assert.deepEqual(leaked, [], 'no Node built-ins in the browser bundles');
  const js = (name: string): Buffer => Buffer.from(res.outputFiles.find((f) => f.path === `/${name}`)!.contents);
  site = await serveStatic({
    '/': ['text/html; charset=utf-8', '<!doctype html><meta charset="utf-8"><title>wallet store</title><p id="status">loading</p><pre id="log"></pre><script type="module" src="/page.js"></script>'],
    '/page.js': ['text/javascript; charset=utf-8', js('page.js')],
    '/worker.js': ['text/javascript; charset=utf-8', js('worker.js')],
  });
  browser = await launchChromium();
  page = await browser.newPage();
  errors.watch(page);
  await page.goto(`${site.base}/`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'page ready');
});

after(async () => {
  await page?.evaluate(() => (window as unknown as InPage).dipnet.close()).catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await site?.close();
  await net?.stop();
});

let preSplitAddress = '';

test('a key a build before the split left in the combined database is adopted by the light client', async () => {
  preSplitAddress = await page.evaluate((chainId) => (window as unknown as InPage).walletStore.writePreSplitWallet(chainId), CHAIN);
  assert.equal(await startClient(), preSplitAddress);
  const dbs = await page.evaluate(() => (window as unknown as InPage).walletStore.databases());
  assert.deepEqual(dbs.find((d) => d.name === DB.preSplit), { name: DB.preSplit, version: 1, stores: ['headers', 'meta', 'sets', 'wallet'] }, 'the combined database is left as it was');
  assert.deepEqual(dbs.find((d) => d.name === DB.wallet)?.stores, ['keys', 'meta', 'pending']);
  errors.none('adopting the pre-split key');
});

test("a wallet the worker created survives a newer build's upgrade of every database, and signs a transfer after a reload", async () => {
  const created = await page.evaluate(() => (window as unknown as InPage).dipnet.createWallet());
  assert.notEqual(created, preSplitAddress);
  const before = await page.evaluate((chainId) => (window as unknown as InPage).walletStore.keys(chainId), CHAIN);
  const key = before.keys.find((k) => k.address === created);
  assert.deepEqual(key?.cryptoKey, { type: 'private', algorithm: 'Ed25519', extractable: false }, 'a non-extractable WebCrypto key');
  assert.equal(before.current, key?.id);

  // A newer build (another tab) upgrades every database while this build's worker has them open.
  const versionsBefore = await page.evaluate(() => (window as unknown as InPage).walletStore.databases());
  const upgraded = await page.evaluate(() => (window as unknown as InPage).walletStore.simulateNewerBuild());
  for (const { name, version } of versionsBefore) assert.equal(upgraded[name], version + 1, `${name} was upgraded (not blocked by the worker)`);

  await page.reload();
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'page ready');
  assert.equal(await startClient(), created, 'the current build starts with the same wallet');

  await net!.commit(sale, { type: 'transfer', to: parseAddress(created), amount: dpn(10), memo: '' });
  const r = await page.evaluate(([to, amount]) => (window as unknown as InPage).dipnet.transfer(to, amount), [formatAddress(bob), dpn(1).toString()] as const);
  assert.ok(r.stages.includes('finalised'), `stages ${r.stages.join(',')}`);
  assert.equal(BigInt(r.balance), dpn(9) - BigInt(r.fee), 'the chain accepted the signature: proven balance after the transfer');
  assert.equal(balanceOf(parseAddress(created)), dpn(9) - BigInt(r.fee));

  // Nothing the newer build wrote to the wallet database is gone, and both keys are kept.
  const wallet = (await page.evaluate(() => (window as unknown as InPage).walletStore.databases())).find((d) => d.name === DB.wallet);
  assert.equal(wallet?.version, upgraded[DB.wallet]);
  assert.ok(wallet?.stores.includes(NEWER_BUILD_STORE), `stores: ${wallet?.stores.join(', ')}`);
  const after = await page.evaluate((chainId) => (window as unknown as InPage).walletStore.keys(chainId), CHAIN);
  assert.deepEqual(after.keys.map((k) => k.address).sort(), [created, preSplitAddress].sort());
  assert.ok(after.keys.every((k) => k.newerBuildField === upgraded[DB.wallet]), 'the key records were not rewritten');
  assert.equal(after.current, key?.id);
  errors.none('the newer build and the reload');
});
