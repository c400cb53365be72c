/**
 * What a viewer's cold start costs a relay, with and without an nginx cache in front (issue 20, §4).
 *
 *   relay.cold_start_cpu_ms         relay process CPU (utime+stime from /proc/<pid>/stat) per Node
 *                                   light-client cold start to a verified head, straight to the relay
 *   relay.cold_start_cpu_ms_cached  the same through nginx (deploy/nginx/dipnet-relay-cache.conf), warm;
 *                                   ref = the uncached figure
 *   relay.cache_hit_ratio           share of requests nginx answered from its cache (HIT, from
 *                                   $upstream_cache_status in its access log) over 1,000 simulated
 *                                   cold starts: the URLs a light client asks (status, the relay's path to
 *                                   the aligned target, the bisection's aligned pivots after it, the head's light block, the params read at the head)
 *                                   replayed without verifying, 16 at a time, while the head moves
 *
 * The relay is the real Fastify relay (createRelay) in a child process, so its CPU is its own, over
 * a 100,000-height chain: the light-client bench's signed synthetic chain (light-client/bench/chain.ts;
 * the validator set turns over every 1,000 heights, so a cold start bisects ~100 times). Its head
 * starts at 99,900 and advances one height a second, like a chain with 1 s blocks; commits are
 * signed once, on first use (the warm-up), as a node reads them from its store.
 *
 * Run: npm run bench -w bootstrap-node (after scripts/ensure-nginx.sh). Loopback only; stops by itself.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Commit } from '@dipnet/protocol';
import { StateKey, toHex } from '@dipnet/protocol';
import { paramsOnlyState } from '@dipnet/protocol/test-fixtures';
import { createLightClient } from '@dipnet/light-client';
import { SyntheticChain } from '@dipnet/light-client/bench/synthetic-chain';
import { alignedPivot, pathTarget } from '@dipnet/light-client/verify/engine';
import type { NodeApi } from '../src/node-api.ts';
import { createRelay } from '../src/relay/relay.ts';
import { startNginxCache } from '../src/testing/nginx-cache.ts';
import { emit as record } from './bench-record.ts';

const CHAIN = 'dipnet-relay-bench';
const HEIGHT = 100_000;
const EPOCH = 1_000;
const HEAD_START = HEIGHT - 100;
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 20);
const SIMULATED = Number(process.env.BENCH_SIMULATED ?? 1_000);
const PARAMS_KEY = toHex(StateKey.params());

// ---------------------------------------------------------------------------------------------
// The relay child: `relay-cache.bench.ts --serve` prints its port, serves until stdin closes.

if (process.argv.includes('--serve')) {
  const chain = new SyntheticChain({ chainId: CHAIN, height: HEIGHT, epoch: EPOCH });
  const state = paramsOnlyState();
  const commits = new Map<number, Commit>();
  const t0 = Date.now();
  const head = (): number => Math.min(HEIGHT, HEAD_START + Math.floor((Date.now() - t0) / 1000));
  const final = (h: bigint): number | undefined => (h >= 1n && h <= BigInt(head()) ? Number(h) : undefined);
  const unsupported = (): never => { throw new Error('not served by the bench relay'); };
  const node: NodeApi = {
    status: () => ({
      chainId: CHAIN, genesisHash: chain.genesis, height: BigInt(head()), headHash: chain.hashAt(head()), headTime: chain.header(head()).time,
      stateRoot: state.root, earliestStateHeight: 1n, validator: null, peers: 0, mempoolSize: 0, multiaddrs: [],
    }),
    health: () => ({ status: 'ok', height: BigInt(head()), reasons: [], headAgeMs: 0, peerHeight: null, commitFailures: 0 }),
    genesisCommitment: unsupported,
    getHeader: (h) => { const n = final(h); return n === undefined ? undefined : chain.header(n); },
    getBlock: () => undefined,
    getCommit: (h) => {
      const n = final(h);
      if (n === undefined) return undefined;
      let c = commits.get(n);
      if (!c) commits.set(n, (c = chain.commit(n)));
      return c;
    },
    getValidatorSet: (h) => (h >= 1n && h <= BigInt(head()) + 1n ? chain.setAt(Number(h)).set : undefined),
    getStateProof: (key, h) => {
      if (final(h) === undefined) unsupported();
      const a = state.answer(key, h);
      return { ...a, value: a.value ?? undefined };
    },
    submitTx: unsupported,
    txStatus: () => ({ status: 'unknown' }),
    submitConflictEvidence: unsupported,
    onFinalized: () => () => undefined,
  };
  const app = await createRelay(node, { rateLimit: { max: 1_000_000, timeWindowMs: 60_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(JSON.stringify({ port: (app.server.address() as { port: number }).port, hash1: toHex(chain.hashAt(1)) }));
  process.stdin.resume();
  process.stdin.on('end', () => void app.close().then(() => process.exit(0)));
} else {
  await bench();
}

// ---------------------------------------------------------------------------------------------

function emit(name: string, value: number, unit: string, extra: Record<string, number> = {}): void {
  record({ name, value, unit, ...extra });
}
function log(s: string): void {
  console.error(`# ${s}`);
}

/** utime + stime of a process, in ms (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function bench(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`relay child exited with ${code}`)));
  });
  const { port, hash1 } = JSON.parse(first) as { port: number; hash1: string };
  const relayUrl = `http://127.0.0.1:${port}`;
  const pid = child.pid!;
  let nginx: Awaited<ReturnType<typeof startNginxCache>> | null = null;
  try {
    const coldStart = async (url: string): Promise<void> => {
      const lc = await createLightClient({
        chainId: CHAIN, trust: { height: 1, hash: hash1 }, trustingPeriodMs: 14 * 86_400_000, relays: [url], store: 'memory', follow: false,
      });
      if (lc.head().height < BigInt(HEAD_START)) throw new Error(`synced to ${lc.head().height} only`);
      await lc.close();
    };
    const perColdStart = async (url: string, n = COLD_STARTS): Promise<number> => {
      const before = cpuMs(pid);
      for (let i = 0; i < n; i++) await coldStart(url);
      return (cpuMs(pid) - before) / n;
    };

    // Warm-up: signs the pivots' commits once (a node reads them from its store) and JITs the relay.
    for (let i = 0; i < 3; i++) await coldStart(relayUrl);
    const uncached = await perColdStart(relayUrl);
    log(`relay CPU per cold start, no cache: ${uncached.toFixed(2)} ms (${COLD_STARTS} verified cold starts to heads ${HEAD_START}…, /proc/${pid}/stat, 10 ms ticks)`);
    emit('relay.cold_start_cpu_ms', round(uncached), 'ms', { target: 5 });

    nginx = await startNginxCache(`127.0.0.1:${port}`);
    await coldStart(nginx.url);
    // Ten times as many: the relay's CPU moves in 10 ms ticks, so this resolves 0.05 ms per start.
    const cached = await perColdStart(nginx.url, COLD_STARTS * 10);
    log(`relay CPU per cold start through a warm nginx: ${cached.toFixed(3)} ms (${COLD_STARTS * 10} verified cold starts; resolution ${(10 / (COLD_STARTS * 10)).toFixed(3)} ms)`);
    emit('relay.cold_start_cpu_ms_cached', round(cached, 3), 'ms', { ref: round(uncached), ratio: round(cached / uncached, 4), target: 0.2 });

    // 1,000 simulated cold starts through the cache, 16 at a time, while the head moves.
    const skipBefore = (await nginx.accessLog()).length;
    const t = Date.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next++ < SIMULATED) {
        const status = (await (await fetch(`${nginx!.url}/v1/status`)).json()) as { height: string };
        const head = BigInt(status.height);
        const along = pathTarget(1n, head);
        if (along !== null) await (await fetch(`${nginx!.url}/v1/light-blocks/path/1/${along}`)).arrayBuffer();
        for (const h of bisectionHeights(along ?? 1n, head)) await (await fetch(`${nginx!.url}/v1/light-blocks/${h}?validators=both`)).arrayBuffer();
        await (await fetch(`${nginx!.url}/v1/state/${PARAMS_KEY}?height=${head}`)).arrayBuffer();
      }
    };
    const relayBefore = cpuMs(pid);
    await Promise.all(Array.from({ length: 16 }, worker));
    const relaySim = cpuMs(pid) - relayBefore;
    const entries = (await nginx.accessLog()).slice(skipBefore);
    const hits = entries.filter((e) => e.cache === 'HIT').length;
    const ratio = hits / entries.length;
    const by = (s: string) => entries.filter((e) => e.cache === s).length;
    log(`${SIMULATED} simulated cold starts in ${Date.now() - t} ms: ${entries.length} requests, HIT ${hits}, MISS ${by('MISS')}, EXPIRED ${by('EXPIRED')}, ` +
      `REVALIDATED ${by('REVALIDATED')}, UPDATING ${by('UPDATING')}, STALE ${by('STALE')}; relay CPU ${relaySim} ms (${(relaySim / SIMULATED).toFixed(3)} ms per start)`);
    emit('relay.cache_hit_ratio', round(ratio, 4), 'ratio', { requests: entries.length, target: 0.95 });
  } finally {
    await nginx?.stop();
    child.stdin!.end();
    await new Promise((r) => { if (child.exitCode !== null) r(null); else child.once('exit', r); });
  }
}

function round(x: number, digits = 2): number {
  return Number(x.toFixed(digits));
}

/**
 * The heights a skipping sync from `trusted` to `target` fetches on this chain (the light client's
 * verifySkipping order and pivots; trust reaches one set turnover past the trusted next set).
 */
function bisectionHeights(trusted: bigint, target: bigint): bigint[] {
  const epoch = (h: bigint) => (h - 1n) / BigInt(EPOCH);
  const out: bigint[] = [target];
  const stack = [target];
  let base = trusted;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top === base + 1n || epoch(top) - epoch(base + 1n) <= 1n) {
      stack.pop();
      base = top;
      continue;
    }
    const mid = alignedPivot(base, top);
    stack.push(mid);
    out.push(mid);
  }
  return out;
}
