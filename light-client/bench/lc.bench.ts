/**
 * Light-client benchmark in headless Chromium (Debian's /usr/bin/chromium via Playwright; nothing
 * downloaded). The light client's worker (worker-entry.ts = src/worker.ts's API + micro-benchmarks)
 * and a page are bundled with esbuild at run time and served, together with a synthetic signed
 * chain (chain.ts) behind the relay HTTP API, from one origin with COOP/COEP (cross-origin
 * isolated, so `performance.measureUserAgentSpecificMemory()` works). Last, the warm start: a page
 * reload resuming from the IndexedDB that the timed sync filled.
 *
 * Run: npm run bench -w light-client      (prints `BENCH {json}` lines on stdout, notes on stderr)
 */
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import {
  addressOf, buildSmt, encodeCommit, encodeHeader, encodeSmtProof, encodeValidatorSet, headerHash, SparseMerkleTree, toHex,
  voteSignBytes, VoteType, type Hash,
} from '@dipnet/protocol';
import { testCommit, testHeader, testValidators, seededRandom } from '@dipnet/protocol/test-fixtures';
import { launchChromium } from '@dipnet/test/browser/harness';
import { SyntheticChain } from './chain.ts';
import type { BenchWorkerApi, RawItem, SyncDiag } from './worker-entry.ts';

const CHAIN = 'dipnet-lc-bench';
const HEIGHT = Number(process.env.LC_BENCH_HEIGHT ?? 100_000);
const EPOCH = 1_000;
const COMMITS = 20;
const VALIDATORS = 100;
const SMT_KEYS = Number(process.env.LC_BENCH_SMT_KEYS ?? 50_000);
/** LC_BENCH_ONLY=sync: only the skipping-sync figures (a quick loop while working on sync). */
const ONLY_SYNC = process.env.LC_BENCH_ONLY === 'sync';
/** LC_BENCH_LIGHT_BLOCKS=0: the fixture has no /v1/light-blocks (a relay from before it; the client falls back). */
const LIGHT_BLOCKS = process.env.LC_BENCH_LIGHT_BLOCKS !== '0';

const emit = (name: string, value: number, unit: string, extra: Record<string, number> = {}) =>
  console.log(`BENCH ${JSON.stringify({ name, value, unit, ...extra })}`);
const log = (s: string) => console.error(`# ${s}`);
const here = new URL('.', import.meta.url).pathname;

// 1. Fixtures, made in Node beforehand.
let t = Date.now();
const chain = new SyntheticChain({ chainId: CHAIN, height: HEIGHT, epoch: EPOCH, lightBlocks: LIGHT_BLOCKS });
log(`synthetic chain: ${HEIGHT} chained header hashes in ${Date.now() - t} ms (validator set changes every ${EPOCH} heights; 5 per set, 2 carried over; /v1/light-blocks ${LIGHT_BLOCKS ? 'served' : 'NOT served (LC_BENCH_LIGHT_BLOCKS=0)'})`);

t = Date.now();
const { keys, set } = testValidators(VALIDATORS);
const blocks: { header: string; commit: string }[] = [];
const raw: RawItem[] = [];
const need = Math.floor((VALIDATORS * 2) / 3) + 1; // signatures the commit check needs (equal power)
for (let i = 1; i <= (ONLY_SYNC ? 0 : COMMITS); i++) {
  const header = testHeader(CHAIN, BigInt(i), set);
  const commit = testCommit(CHAIN, header, set, keys);
  blocks.push({ header: toHex(encodeHeader(header)), commit: toHex(encodeCommit(commit)) });
  for (const s of commit.signatures.slice(0, need)) {
    const pk = set.validators[s.validatorIndex]!.publicKey;
    const msg = voteSignBytes(CHAIN, { type: VoteType.precommit, height: commit.height, round: commit.round, blockHash: headerHash(header), validator: addressOf(pk) });
    raw.push({ pk: toHex(pk), msg: toHex(msg), sig: toHex(s.signature) });
  }
}
log(`${COMMITS} commits × ${VALIDATORS} signatures signed in ${Date.now() - t} ms`);

t = Date.now();
const rand = seededRandom(0x5eed);
const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
const entries: [Hash, Uint8Array][] = Array.from({ length: ONLY_SYNC ? 1 : SMT_KEYS }, () => [bytes(32), bytes(40)]);
const built = buildSmt(entries);
const tree = new SparseMerkleTree({ getNode: (h) => built.nodes.get(toHex(h)) });
const proofs = Array.from({ length: 200 }, (_, i) => {
  const [k, v] = entries[(i * 7919) % entries.length]!;
  return { key: toHex(k), value: toHex(v), proof: toHex(encodeSmtProof(tree.prove(built.root, k))), siblings: tree.prove(built.root, k).siblings.length };
});
const avgSiblings = proofs.reduce((n, p) => n + p.siblings, 0) / proofs.length;
log(`SMT of ${SMT_KEYS} keys built in ${Date.now() - t} ms; proofs carry ${avgSiblings.toFixed(1)} siblings on average (a 1,000,000-key tree: ~${Math.log2(1_000_000).toFixed(1)})`);

// 2. Bundles.
const out = await mkdtemp(join(tmpdir(), 'dipnet-lc-bench-'));
t = Date.now();
await build({
  entryPoints: { worker: join(here, 'worker-entry.ts'), page: join(here, 'page.ts') },
  outdir: out, bundle: true, platform: 'browser', format: 'esm', target: 'chrome120', logLevel: 'error', write: true,
});
const min = await build({
  entryPoints: [join(here, '../src/worker.ts')], bundle: true, minify: true, platform: 'browser', format: 'esm', target: 'chrome120', logLevel: 'error', write: false,
});
const minified = min.outputFiles[0]!.contents;
const gz = gzipSync(minified, { level: 9 });
log(`bundled in ${Date.now() - t} ms; src/worker.ts minified ${(minified.length / 1024).toFixed(1)} KB, gzip -9 ${(gz.length / 1024).toFixed(1)} KB`);
// The same API without libp2p (src/worker-relay-only.ts): what a relay-only site's worker costs.
const minRelayOnly = await build({
  entryPoints: [join(here, '../src/worker-relay-only.ts')], bundle: true, minify: true, platform: 'browser', format: 'esm', target: 'chrome120', logLevel: 'error', write: false,
});
const gzRelayOnly = gzipSync(minRelayOnly.outputFiles[0]!.contents, { level: 9 });

// 3. One origin: page, worker, relay API; cross-origin isolated.
const files: Record<string, [string, Buffer | string]> = {
  '/': ['text/html; charset=utf-8', '<!doctype html><meta charset="utf-8"><title>light-client bench</title><p id="status">loading</p><script type="module" src="./page.js"></script>'],
  '/page.js': ['text/javascript', await readFile(join(out, 'page.js'))],
  '/worker.js': ['text/javascript', await readFile(join(out, 'worker.js'))],
};
const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
const server = createServer((req, resp) => {
  for (const [k, v] of Object.entries(isolation)) resp.setHeader(k, v);
  if (chain.handle(req, resp)) return;
  const f = files[(req.url ?? '/').split('?')[0]!];
  if (!f) {
    resp.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
    return;
  }
  resp.writeHead(200, { 'content-type': f[0], 'cache-control': 'no-store' }).end(f[1]);
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

type Bench = { spawn(): number; api(i: number): BenchWorkerApi; terminate(i: number): void };
type MemoryResult = { bytes: number; breakdown: { bytes: number; attribution: { scope: string; url: string }[] }[] };
declare global {
  interface Window { lcBench: Bench }
}

const browser = await launchChromium(['--enable-blink-features=ForceEagerMeasureMemory']);
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && log(`console.error: ${m.text()}`));
  await page.goto(origin + '/');
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'page ready');
  log(`Chromium ${browser.version()}; crossOriginIsolated=${await page.evaluate(() => crossOriginIsolated)}`);

  // 4. Signatures: raw WebCrypto vs the client's commit path, same worker, same run.
  if (!ONLY_SYNC) {
    const w0 = await page.evaluate(() => window.lcBench.spawn());
    const rounds = 5;
    const r = await page.evaluate(([i, items, batch, n]) => window.lcBench.api(i).rawVerify(items, batch, n), [w0, raw, need, rounds] as const);
    const c = await page.evaluate(([i, s, b, n, id]) => window.lcBench.api(i).commitVerify(id, s, b, n), [w0, toHex(encodeValidatorSet(set)), blocks, rounds, CHAIN] as const);
    const rawPerS = r.verifies / (r.ms / 1000);
    const lcPerS = c.signatures / (c.ms / 1000);
    log(`raw WebCrypto: ${r.verifies} verifies in ${r.ms.toFixed(0)} ms (batches of ${need} in flight); commit path (${c.kind}): ${c.commits} commits of ${VALIDATORS}, ${c.signatures} signatures in ${c.ms.toFixed(0)} ms (${(c.commits / (c.ms / 1000)).toFixed(1)} commits/s)`);
    emit('lc.commit_sigs_per_s', Math.round(lcPerS), 'sigs/s', { ref: Math.round(rawPerS), ratio: Number((lcPerS / rawPerS).toFixed(2)) });

    // 5. Proof verification.
    const p = await page.evaluate(([i, root, s]) => window.lcBench.api(i).proofVerify(root, s, 20), [w0, toHex(built.root), proofs.map(({ key, value, proof }) => ({ key, value, proof }))] as const);
    emit('lc.proof_verify_us', Number(((p.ms * 1000) / p.proofs).toFixed(1)), 'us');
    await page.evaluate((i) => window.lcBench.terminate(i), w0);
  }

  // 6. Skipping sync over the synthetic chain. The fixture builds (signs) each response body on
  // first request; a warm-up sync in a throwaway worker (memory store) fills its cache, so the
  // timed sync, in a fresh worker with a fresh IndexedDB store, measures the client, not the server.
  const trust = { height: 1, hash: toHex(chain.hashAt(1)) };
  const diag = async (label: string, store: 'memory' | 'indexeddb' = 'memory'): Promise<SyncDiag> => {
    const w = await page.evaluate(() => window.lcBench.spawn());
    const d = await page.evaluate(([i, o, tr, st]) => window.lcBench.api(i).syncDiag(o, tr, st), [w, origin, trust, store] as const);
    await page.evaluate((i) => window.lcBench.terminate(i), w);
    if (d.height !== String(HEIGHT)) throw new Error(`${label} sync ended at ${d.height}`);
    log(`${label}: ${d.ms.toFixed(0)} ms (${store} store), ${d.requests} requests in ${d.waves} waves (round trips on the critical path), network busy ${d.networkMs.toFixed(0)} ms, mean request ${d.meanRequestMs.toFixed(1)} ms, ≤ ${d.maxInFlight} in flight; relay handler: built ${chain.work.builtBodies} bodies in ${chain.work.buildMs.toFixed(0)} ms, ${chain.work.cachedBodies} from cache in ${chain.work.cachedMs.toFixed(1)} ms`);
    return d;
  };
  await diag('warm-up sync (fixture signs on demand)');
  chain.resetCounters();

  const w1 = await page.evaluate(() => window.lcBench.spawn());
  const sync = await page.evaluate(async ([i, o, tr]) => {
    const api = window.lcBench.api(i);
    const t0 = performance.now();
    const head = await api.start({ chainId: 'dipnet-lc-bench', trust: tr, trustingPeriodMs: 14 * 86_400_000, relays: [o], store: 'indexeddb', follow: false });
    const ms = performance.now() - t0;
    const s = await api.stats();
    return { ms, height: String(head.height), hash: head.hash, headers: s.headersVerified, signatures: s.signaturesVerified, bisections: s.bisections };
  }, [w1, origin, trust] as const);
  if (sync.height !== String(HEIGHT) || sync.hash !== toHex(chain.hashAt(HEIGHT))) throw new Error(`sync ended at ${sync.height} ${sync.hash}`);
  const fixture = { ...chain.work };
  log(`skip sync 1 → ${sync.height}: ${sync.ms.toFixed(0)} ms, ${sync.headers} headers verified, ${sync.signatures} signatures, ${sync.bisections} bisections; relay requests ${JSON.stringify(chain.requests)}; relay handler: ${fixture.cachedBodies} bodies from cache in ${fixture.cachedMs.toFixed(1)} ms, ${fixture.builtBodies} built in ${fixture.buildMs.toFixed(0)} ms`);
  emit('lc.skip_sync_ms', Math.round(sync.ms), 'ms', { fixtureMs: Number((fixture.cachedMs + fixture.buildMs).toFixed(1)), builtBodies: fixture.builtBodies });
  emit('lc.skip_sync_headers', sync.headers, 'headers', { bisections: sync.bisections, signatures: sync.signatures });
  chain.resetCounters();
  await diag('breakdown sync (same sync, instrumented fetch, fresh worker)');
  chain.resetCounters();
  await diag('store cost (same, IndexedDB store, emptied first)', 'indexeddb');

  emit('lc.worker_bundle_gzip_kb', Number((gz.length / 1024).toFixed(1)), 'KB');
  emit('lc.worker_relay_only_bundle_gzip_kb', Number((gzRelayOnly.length / 1024).toFixed(1)), 'KB', {
    ref: Number((gz.length / 1024).toFixed(1)), ratio: Number((gzRelayOnly.length / gz.length).toFixed(3)),
  });

  // 7. The syncing worker's heap (the only worker alive), attributed by measureUserAgentSpecificMemory.
  const mem = await page.evaluate(async () => {
    const m = await (performance as unknown as { measureUserAgentSpecificMemory(): Promise<MemoryResult> }).measureUserAgentSpecificMemory();
    return { total: m.bytes, worker: m.breakdown.filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((n, b) => n + b.bytes, 0) };
  });
  log(`measureUserAgentSpecificMemory: worker ${(mem.worker / 2 ** 20).toFixed(2)} MiB of ${(mem.total / 2 ** 20).toFixed(2)} MiB total`);
  emit('lc.worker_heap_mb', Number((mem.worker / 2 ** 20).toFixed(2)), 'MB');
  await page.evaluate(async (i) => window.lcBench.api(i).close(), w1);

  // 8. Warm start: a page reload, then a new worker resumes from the IndexedDB the timed sync
  // filled (the head at 100,000 heights: no history re-verified) and confirms the source's head.
  // Timed from the reload (navigation, bundles, worker spawn, store load, status) to the verified head.
  const tw = performance.now();
  await page.reload();
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'page ready');
  const warm = await page.evaluate(async ([o, tr]) => {
    const api = window.lcBench.api(window.lcBench.spawn());
    const t0 = performance.now();
    const head = await api.start({ chainId: 'dipnet-lc-bench', trust: tr, trustingPeriodMs: 14 * 86_400_000, relays: [o], store: 'indexeddb', follow: false });
    const workerMs = performance.now() - t0;
    const s = await api.stats();
    await api.close();
    return { workerMs, height: String(head.height), hash: head.hash, resumed: s.resumedFromStore, rebuild: s.lastRebuildReason, headers: s.headersVerified, signatures: s.signaturesVerified };
  }, [origin, trust] as const);
  const warmMs = performance.now() - tw;
  if (!warm.resumed || warm.height !== String(HEIGHT) || warm.hash !== toHex(chain.hashAt(HEIGHT))) throw new Error(`warm start did not resume at the head: ${JSON.stringify(warm)}`);
  log(`warm start: reload → verified head ${warm.height} from IndexedDB in ${warmMs.toFixed(0)} ms (worker start() ${warm.workerMs.toFixed(0)} ms; ${warm.headers} headers / ${warm.signatures} signatures verified; relay HTTP like the rest of this bench — the WebRTC-bridge figure is printed by test/src/browser/light-client.browser.test.ts)`);
  emit('lc.warm_start_ms', Math.round(warmMs), 'ms', { workerMs: Math.round(warm.workerMs), headers: warm.headers, target: 2000 });
} finally {
  await browser.close().catch(() => undefined);
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(out, { recursive: true, force: true });
}
