/**
 * End to end in real headless Chromium: the light client (light-client/src/worker.ts, bundled by
 * esbuild for the browser) runs in a module Web Worker behind comlink and talks to a real
 * in-process validator over WebRTC-direct — through the page's main-thread libp2p node (the
 * bridge, light-client/src/transport/webrtc-bridge-*.ts: workers have no RTCPeerConnection) —
 * with WebSockets from the worker and the HTTP relay as fallbacks.
 *
 * Proves: verified sync with WebCrypto Ed25519, a Merkle-proven genesis balance equal to the
 * node's state, a transfer signed in the browser and finalised with a proven balance — all served
 * by the node to the bridge's own peer over /webrtc-direct —, a reload that resumes from IndexedDB
 * without re-verifying history (the warm start, timed), and, without a bridge, the worker on
 * WebSockets. Any page error or console error fails the test. Needs Debian's `chromium` (or
 * CHROMIUM_PATH); fails, never skips, without.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { launchChromium } from './harness.ts';
import { type Browser, type Page } from 'playwright-core';
import {
  addressOf, decodeAccount, dpn, encodeSignedTx, formatAddress, genesisHash, headerHash, signTx, StateKey, toHex, type KeyPair,
} from '@dipnet/protocol';
import { createP2PHost, createRelay, DipnetNode, devKey, devValidatorKey, devnetGenesis } from '@dipnet/bootstrap-node';
import { releaseWebRtcNative, tempDir, waitFor } from '@dipnet/bootstrap-node/testing';
import { FAST } from '@dipnet/light-client/testing/devnet';
import type { PageConfig } from './page.ts';

const CHAIN = 'dipnet-browser-e2e';
const T0 = Date.now();
const say = (msg: string): void => console.log(`# [browser-e2e +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

const genesis = devnetGenesis({ chainId: CHAIN, validators: 1 });
const sale = devKey('sale');
const alice = devKey('browser/alice');

type Stats = {
  signaturesVerified: number; headersVerified: number; bisections: number; proofsVerified: number;
  storeRebuilds: number; resumedFromStore: boolean; verifier: string; wallet: string | null;
  sources: { id: string; kind: string; health: string; lastError: { code: string; message: string } | null }[];
};
interface PageApi {
  start(cfg: PageConfig): Promise<{ height: string; hash: string; ms: number }>;
  sync(): Promise<{ height: string; hash: string }>;
  bridge(): Promise<{ peerId: string; connections: string[] } | null>;
  stats(): Promise<Stats>;
  account(address: string): Promise<{ balance: string; nonce: string; height: string; headerHash: string; exists: boolean }>;
  importKey(secretHex: string): Promise<string>;
  transfer(to: string, amount: string): Promise<{ hash: string; height: string; fee: string; resultCode: string | null; stages: string[]; balance: string; proofHeight: string }>;
  close(): Promise<void>;
}
declare global {
  interface Window { dipnet: PageApi }
}

let node: DipnetNode | undefined;
let relay: Awaited<ReturnType<typeof createRelay>> | undefined;
let dataDir: Awaited<ReturnType<typeof tempDir>> | undefined;
let http: Server | undefined;
let browser: Browser | undefined;
let page: Page;
let outDir = '';
let pageUrl = '';
let cfg: PageConfig;
const relayHits: string[] = [];
/** Request/response methods the node served over libp2p, with the asking peer. */
const served: { method: string; from: string }[] = [];
const servedTo = (peer: string, method: string): number => served.filter((s) => s.from === peer && s.method === method).length;
const pageErrors: string[] = [];

const balanceOf = (addr: Uint8Array): bigint => {
  const raw = node!.chain.store.getValue(StateKey.account(addr));
  return raw ? decodeAccount(raw).balance : 0n;
};
const nonceOf = (addr: Uint8Array): bigint => {
  const raw = node!.chain.store.getValue(StateKey.account(addr));
  return raw ? decodeAccount(raw).nonce : 0n;
};
/** A transfer submitted straight to the node (history for the browser to verify). */
async function commitTransfer(key: KeyPair, to: Uint8Array, amount: bigint): Promise<void> {
  const bytes = encodeSignedTx(signTx({ chainId: CHAIN, signer: key.publicKey, nonce: nonceOf(addressOf(key.publicKey)), fee: dpn(1), body: { type: 'transfer', to, amount, memo: '' } }, key.secretKey));
  const hash = await node!.submitTx(bytes);
  await waitFor(() => node!.txStatus(hash).status === 'committed', { timeoutMs: 15_000, what: 'setup transfer to commit' });
}
const describe = (sources: Stats['sources']): string => sources
  .map((x) => `${x.kind} ${x.id.includes('/webrtc-direct') ? 'webrtc-direct' : x.id.includes('/ws') ? 'ws' : x.id} → ${x.health}${x.lastError ? ` (${x.lastError.message.replace(/^.*: (\w+ failed: )/, '$1')})` : ''}`)
  .join('; ');
const noErrors = (step: string): void => assert.deepEqual(pageErrors, [], `page/worker errors by ${step}:\n${pageErrors.join('\n')}`);

before(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'dipnet-browser-e2e-'));

  // 1. A real validator with its libp2p host (WebSockets + WebRTC-direct) and its HTTP relay.
  dataDir = await tempDir('dipnet-browser-node-');
  node = await DipnetNode.start({
    dataDir: dataDir.path, genesis, validatorSecret: devValidatorKey(0).secretKey, timeouts: FAST,
    network: (h) => createP2PHost({
      privateKeySeed: new Uint8Array(32).fill(9),
      listen: { ws: '/ip4/127.0.0.1/tcp/0/ws', webrtcDirect: '/ip4/127.0.0.1/udp/0/webrtc-direct' },
      bootstrap: [], chainId: CHAIN,
    }, { ...h, onRequest: (method, body, from) => { served.push({ method, from }); return h.onRequest(method, body, from); } }),
  });
  relay = await createRelay(node, { rateLimit: { max: 100_000, timeWindowMs: 60_000 }, sseHeartbeatMs: 1000 });
  // Requests carrying an Origin header come from the page/worker (the test's own calls carry none).
  relay.addHook('onRequest', async (req) => {
    if (req.headers.origin) relayHits.push(`${req.method} ${req.url}`);
  });
  const relayUrl = await relay.listen({ host: '127.0.0.1', port: 0 });
  await waitFor(() => node!.chain.head.height >= 1n, { timeoutMs: 10_000, what: 'block 1' });
  // Some history: a few blocks for the browser to verify (skipping sync).
  for (let i = 1; i <= 3; i++) await commitTransfer(sale, addressOf(devKey(`browser/setup-${i}`).publicKey), dpn(i));
  const addrs = node.network.multiaddrs();
  const webrtc = addrs.filter((a) => a.includes('/webrtc-direct/'));
  const ws = addrs.filter((a) => a.includes('/ws/'));
  assert.ok(webrtc.length > 0 && ws.length > 0, `the node listens on webrtc-direct and ws: ${addrs.join(' ')}`);
  cfg = { chainId: CHAIN, genesisHash: toHex(genesisHash(genesis)), relays: [relayUrl], multiaddrs: [...ws, ...webrtc], webrtcBridge: true };
  say(`devnet up at height ${node.chain.head.height}; relay ${relayUrl}; multiaddrs ${cfg.multiaddrs.join(' ')}`);

  // 2. Bundle the worker (light-client/src/worker.ts) and the page for the browser.
  const t = Date.now();
  const here = new URL('.', import.meta.url).pathname;
  const res = await build({
    entryPoints: { worker: join(here, 'worker-entry.ts'), page: join(here, 'page.ts') },
    outdir: outDir, bundle: true, platform: 'browser', format: 'esm', target: 'chrome120',
    sourcemap: 'inline', metafile: true, logLevel: 'error', write: true,
  });
  const leaked = Object.keys(res.metafile.inputs).filter((p) => p.startsWith('node:'));
  const external = Object.values(res.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
  assert.deepEqual([...leaked, ...external], [], 'no Node built-ins or unresolved imports in the browser bundles');
  await writeFile(join(outDir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>DIPNET light client e2e</title>' +
    '<h1>DIPNET light client in a Web Worker</h1><p id="status">loading</p><pre id="log"></pre><script type="module" src="./page.js"></script>');
  say(`bundled in ${Date.now() - t} ms (${Object.keys(res.metafile.inputs).length} modules) into ${outDir}`);

  // 3. Serve them.
  const types: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8' };
  http = createServer((req, resp) => {
    const name = (req.url ?? '/').split('?')[0]!.replace(/^\/$/, '/index.html').slice(1);
    if (name === 'favicon.ico') {
      resp.writeHead(204).end();
      return;
    }
    if (!/^(index\.html|page\.js|worker\.js)$/.test(name)) {
      resp.writeHead(404).end();
      return;
    }
    readFile(join(outDir, name)).then(
      (body) => resp.writeHead(200, { 'content-type': types[name.split('.').pop()!]!, 'cache-control': 'no-store' }).end(body),
      () => resp.writeHead(500).end(),
    );
  });
  await new Promise<void>((r) => http!.listen(0, '127.0.0.1', r));
  pageUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;

  // 4. Chromium.
  const tb = Date.now();
  browser = await launchChromium();
  const context = await browser.newContext();
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  await page.goto(pageUrl);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'page ready');
  say(`Chromium ${browser.version()} up and page loaded in ${Date.now() - tb} ms (${pageUrl})`);
});

after(async () => {
  await page?.evaluate(() => window.dipnet.close()).catch(() => undefined);
  await browser?.close().catch(() => undefined);
  if (http) {
    http.closeAllConnections();
    await new Promise<void>((r) => http!.close(() => r()));
  }
  await relay?.close().catch(() => undefined);
  await node?.stop().catch(() => undefined);
  await dataDir?.cleanup().catch(() => undefined);
  await releaseWebRtcNative();
  say(`cleaned up (bundles and screenshot kept in ${outDir})`);
});

let firstHead = 0n;
let firstStats: Stats;
let bridgePeer = '';
const transport = (src: Stats['sources'][number] | undefined): string =>
  src?.kind === 'libp2p-webrtc-bridge' ? 'WebRTC-direct via the page bridge' : src?.id.includes('/ws') ? 'WebSockets' : src ? 'HTTP relay' : 'none';

test('1. the worker syncs a verified head with WebCrypto Ed25519 over WebRTC-direct through the page bridge', async () => {
  const t = Date.now();
  const head = await page.evaluate((c) => window.dipnet.start(c), cfg);
  firstHead = BigInt(head.height);
  assert.ok(firstHead >= 1n, `verified head ${head.height}`);
  const nodeHash = toHex(headerHash(node!.getHeader(firstHead)!));
  assert.equal(head.hash, nodeHash, 'the verified head is the node\'s header');
  firstStats = await page.evaluate(() => window.dipnet.stats());
  assert.equal(firstStats.verifier, 'webcrypto', 'Chromium verifies Ed25519 with WebCrypto');
  assert.ok(firstStats.headersVerified >= 1 && firstStats.signaturesVerified >= 1, JSON.stringify(firstStats));
  assert.equal(firstStats.resumedFromStore, false);
  // The bridged WebRTC-direct source is asked first (the page listed ws first), and served the sync.
  const used = firstStats.sources.find((s) => s.health === 'ok');
  assert.equal(firstStats.sources[0]!.kind, 'libp2p-webrtc-bridge', JSON.stringify(firstStats.sources));
  assert.equal(used, firstStats.sources[0], `the browser syncs over the bridge: ${JSON.stringify(firstStats.sources)}`);
  assert.ok(used!.id.includes('/webrtc-direct/'));
  // The node served the headers to the bridge's peer, whose only transport is WebRTC-direct, on a /webrtc-direct connection.
  const b = await page.evaluate(() => window.dipnet.bridge());
  assert.ok(b, 'the page runs a bridge');
  bridgePeer = b.peerId;
  assert.ok(node!.network.connectedPeers().includes(bridgePeer), 'the node sees the page\'s peer');
  assert.ok(b.connections.length >= 1 && b.connections.every((a) => a.includes('/webrtc-direct')), `bridge connections: ${b.connections.join(' ')}`);
  assert.ok(servedTo(bridgePeer, 'headers') >= 1, `headers served to the bridge peer: ${JSON.stringify(served)}`);
  say(`synced to ${head.height} in ${Date.now() - t} ms (page-side ${head.ms} ms): ${firstStats.headersVerified} headers, ${firstStats.signaturesVerified} signatures, ${firstStats.bisections} bisections, verifier ${firstStats.verifier}`);
  say(`sources: ${describe(firstStats.sources)}; node-side libp2p peers: ${node!.network.connectedPeers().join(', ')}; bridge peer ${bridgePeer} on ${b.connections.join(' ')}`);
  say(`TRANSPORT used by the browser: ${transport(used)}; served to the bridge peer: ${[...new Set(served.filter((x) => x.from === bridgePeer).map((x) => x.method))].join(', ')}; relay HTTP requests from the page so far: ${relayHits.length}`);
  noErrors('sync');
});

test('2. a Merkle-proven genesis balance equals the node\'s state (proof over the bridge)', async () => {
  const addr = addressOf(sale.publicKey);
  const proofs = servedTo(bridgePeer, 'proof');
  const a = await page.evaluate((x) => window.dipnet.account(x), formatAddress(addr));
  assert.ok(a.exists);
  // The chain is idle (no txs), so the node's current state is the proven height's state.
  assert.equal(BigInt(a.balance), balanceOf(addr));
  assert.equal(BigInt(a.nonce), nonceOf(addr));
  assert.ok(BigInt(a.balance) > 0n);
  assert.ok(servedTo(bridgePeer, 'proof') > proofs, 'the proof came over WebRTC-direct');
  say(`proven sale balance ${a.balance} at height ${a.height} = node's`);
  noErrors('read');
});

test('3. a transfer signed in the browser goes out over the bridge and is finalised with a proven new balance', async () => {
  const t = Date.now();
  const from = addressOf(sale.publicKey);
  const to = addressOf(alice.publicKey);
  const before = balanceOf(from);
  const addr = await page.evaluate((k) => window.dipnet.importKey(k), toHex(sale.secretKey));
  assert.equal(addr, formatAddress(from));
  const r = await page.evaluate(([x, v]) => window.dipnet.transfer(x, v), [formatAddress(to), dpn(7).toString()] as const);
  assert.ok(r.stages.includes('finalised'), `stages ${r.stages.join(',')}`);
  assert.equal(BigInt(r.balance), before - dpn(7) - BigInt(r.fee), 'proven sender balance after the transfer');
  assert.equal(BigInt(r.balance), balanceOf(from));
  const got = await page.evaluate((x) => window.dipnet.account(x), formatAddress(to));
  assert.equal(BigInt(got.balance), dpn(7));
  assert.equal(BigInt(got.balance), balanceOf(to));
  assert.equal(node!.txStatus(Buffer.from(r.hash, 'hex')).status, 'committed');
  const submits = [...new Set(served.filter((x) => x.method === 'submit-tx').map((x) => x.from))];
  assert.deepEqual(submits, [bridgePeer], 'the tx reached the node over WebRTC-direct from the page');
  const s = await page.evaluate(() => window.dipnet.stats());
  assert.equal(s.sources[0]!.health, 'ok', describe(s.sources));
  say(`transfer ${r.hash.slice(0, 16)}… final at ${r.height} in ${Date.now() - t} ms (stages ${r.stages.join('→')}, code ${r.resultCode}); proven alice balance ${got.balance}`);
  noErrors('transfer');
});

/** Reloads the page and starts the client again; returns the warm start (reload → verified head). */
async function reloadAndStart(c: PageConfig): Promise<{ ms: number; pageMs: number; head: { height: string; hash: string }; stats: Stats }> {
  const t = performance.now();
  await page.reload();
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'page ready');
  const head = await page.evaluate((x) => window.dipnet.start(x), c);
  const ms = performance.now() - t;
  return { ms, pageMs: head.ms, head, stats: await page.evaluate(() => window.dipnet.stats()) };
}

test('4. after a reload the client resumes from IndexedDB without re-verifying history (warm start, bridge)', async () => {
  const before = await page.evaluate(() => window.dipnet.sync());
  const stored = BigInt(before.height);
  const { ms, pageMs, head, stats: s } = await reloadAndStart(cfg);
  const now = BigInt(head.height);
  assert.equal(s.resumedFromStore, true, JSON.stringify(s));
  assert.equal(s.storeRebuilds, 0);
  assert.ok(now >= stored);
  // Only headers newer than the stored head may be verified (none while the chain is idle).
  assert.ok(s.headersVerified <= Number(now - stored), `verified ${s.headersVerified} headers for ${now - stored} new blocks`);
  if (now === stored) assert.equal(s.signaturesVerified, 0, 'no signatures re-checked');
  assert.equal(s.sources[0]!.kind, 'libp2p-webrtc-bridge');
  assert.equal(s.sources[0]!.health, 'ok', describe(s.sources));
  const a = await page.evaluate((x) => window.dipnet.account(x), formatAddress(addressOf(alice.publicKey)));
  assert.equal(BigInt(a.balance), dpn(7));
  say(`WARM START (page reload → verified head ${head.height} from IndexedDB, over the WebRTC bridge): ${ms.toFixed(0)} ms (worker start to head ${pageMs} ms; aim < 2000 ms); stored ${stored}; ${s.headersVerified} headers / ${s.signaturesVerified} signatures verified (first load: ${firstStats.headersVerified} / ${firstStats.signaturesVerified}); wallet after reload: ${s.wallet ?? 'none'}`);
  say(`sources after reload: ${describe(s.sources)}; relay HTTP requests from the page in total: ${relayHits.length}${relayHits.length ? ` (${[...new Set(relayHits.map((h) => h.split('?')[0]))].slice(0, 6).join(', ')})` : ''}`);
  const shot = join(outDir, 'light-client.png');
  await page.screenshot({ path: shot, fullPage: true });
  say(`screenshot: ${shot}`);
  noErrors('reload');
});

test('5. without a bridge (a page that does not opt in) the worker runs on WebSockets', async () => {
  await page.evaluate(() => window.dipnet.close());
  const { ms, head, stats: s } = await reloadAndStart({ ...cfg, webrtcBridge: false });
  assert.equal(s.resumedFromStore, true);
  assert.equal(await page.evaluate(() => window.dipnet.bridge()), null);
  // No bridge: the worker's own libp2p tries WebRTC-direct (no RTCPeerConnection in a worker) and uses ws.
  assert.ok(!s.sources.some((x) => x.kind === 'libp2p-webrtc-bridge'), describe(s.sources));
  const used = s.sources.find((x) => x.health === 'ok');
  assert.equal(used?.kind, 'libp2p');
  assert.ok(used!.id.includes('/ws/'), describe(s.sources));
  const a = await page.evaluate((x) => window.dipnet.account(x), formatAddress(addressOf(alice.publicKey)));
  assert.equal(BigInt(a.balance), dpn(7));
  say(`no bridge: warm start to ${head.height} in ${ms.toFixed(0)} ms; sources: ${describe(s.sources)}`);
  noErrors('no bridge');
});

test('no page or worker errors at all', () => {
  noErrors('the end');
});
