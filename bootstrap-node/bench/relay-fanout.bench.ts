/**
 * SSE head fan-out benchmark: one relay process, N concurrent `GET /v1/events/heads` subscribers on
 * loopback, one new head a second.
 *
 *   relay.sse_subscribers    largest N tried with head delivery p99 ≤ 1 s, measured from the moment
 *                            the block is final (stored, just before the node announces it) to the
 *                            moment its `id:` line reaches each subscriber; ref = CometBFT's default
 *                            cap of 100 event subscribers
 *   relay.sse_kb_per_subscriber  relay RSS (/proc/<pid>/status) with N streams minus with none, ÷ N
 *   relay.sse_cpu_us_per_event_per_subscriber  relay CPU (/proc/<pid>/stat utime+stime) over the
 *                            heads of a step minus the same with no subscriber (block production),
 *                            ÷ (heads × N): what viewers per core is computed from
 *
 * Processes: the relay (createRelay over an in-memory chain whose blocks carry real signed commits,
 * TestNode; one block a second) and two load processes holding the sockets (raw `net` HTTP/1.1
 * requests, not EventSource objects, so 10,000 of them are cheap). Each child is started by
 * `bash -c 'ulimit -n <hard limit>; exec node …'`, raising its soft descriptor limit to the hard one
 * (20,000 here), which bounds N per process. Everything is on 127.0.0.1 and stops by itself.
 * The relay's rate limit is lifted for the run (all subscribers share one IP) and so are its caps;
 * heartbeats are off during the steps.
 * The load processes share the machine's 2 cores with the relay, so the latency is pessimistic.
 *
 * Run: npm run bench -w bootstrap-node; BENCH_SSE_STEPS=1000,5000,10000 and BENCH_SSE_HEADS=10 set the
 * steps and the heads per step.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { emit } from './bench-record.ts';

const log = (msg: string) => process.stderr.write(`[relay-fanout] ${msg}\n`);
const now = (): number => performance.timeOrigin + performance.now();
const LOADS = 2;
const HEADS = Number(process.env.BENCH_SSE_HEADS ?? 10);
const STEPS = (process.env.BENCH_SSE_STEPS ?? '1000,5000,10000,15000,19000').split(',').map(Number);
const P99_LIMIT_MS = 1000;
const COMETBFT_MAX_SUBSCRIPTION_CLIENTS = 100;

type Msg = { type: string; [k: string]: unknown };

// ---- the relay process ---------------------------------------------------------------------
async function relayMain(): Promise<void> {
  const { TestNode, appendBlock, buildChain } = await import('../src/testing/relay-fixture.ts');
  const { createRelay } = await import('../src/relay/relay.ts');
  const node = new TestNode(buildChain(3));
  const app = await createRelay(node, {
    sseMaxStreams: 1_000_000,
    sseMaxStreamsPerIp: 1_000_000,
    rateLimit: { max: 1e9, timeWindowMs: 60_000 },
    // No heartbeat inside a step: the CPU figure is per head event (a heartbeat costs about as much
    // as one event per subscriber, every 15 s by default).
    sseHeartbeatMs: 600_000,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  process.on('message', (m: Msg) => {
    if (m.type === 'produce') {
      const e = appendBlock(node.chain);
      const finalAt = now();
      node.emit(e);
      process.send!({ type: 'final', height: Number(e.header.height), finalAt });
    } else if (m.type === 'gc') {
      // RSS after a full collection: what the streams hold, not garbage V8 has yet to reclaim.
      (globalThis as { gc?: () => void }).gc?.();
      process.send!({ type: 'gc-done' });
    } else if (m.type === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send!({ type: 'listening', port });
}

// ---- a load process ----------------------------------------------------------------------
async function loadMain(): Promise<void> {
  const sockets: Socket[] = [];
  /** height → receipt times, one per subscriber that got it. */
  let receipts = new Map<number, number[]>();
  const openOne = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' });
      let last = 0;
      let opened = false;
      let carry = '';
      s.setEncoding('latin1');
      s.on('error', (e) => (opened ? undefined : reject(e)));
      s.write('GET /v1/events/heads HTTP/1.1\r\nHost: relay\r\nAccept: text/event-stream\r\n\r\n');
      s.on('data', (d: string) => {
        const at = now();
        if (!opened) {
          if (!d.startsWith('HTTP/1.1 200')) return reject(new Error(d.slice(0, 200)));
          opened = true;
          resolve();
        }
        // A frame's id line may straddle two chunks: search the tail of the previous one too.
        const text = carry + d;
        carry = text.slice(-24);
        for (const m of text.matchAll(/id: (\d+)\nevent: head/g)) {
          const h = Number(m[1]);
          if (h <= last) continue;
          last = h;
          let list = receipts.get(h);
          if (!list) receipts.set(h, (list = []));
          list.push(at);
        }
      });
      sockets.push(s);
    });
  process.on('message', async (m: Msg) => {
    if (m.type === 'open') {
      const n = m.n as number;
      for (let i = 0; i < n; i += 250) await Promise.all(Array.from({ length: Math.min(250, n - i) }, () => openOne(m.port as number)));
      process.send!({ type: 'opened' });
    } else if (m.type === 'receipts') {
      process.send!({ type: 'receipts', receipts: [...receipts] });
      receipts = new Map();
    } else if (m.type === 'close') {
      for (const s of sockets.splice(0)) s.destroy();
      process.send!({ type: 'closed' });
    } else if (m.type === 'stop') process.exit(0);
  });
  process.send!({ type: 'ready' });
}

// ---- the driver ----------------------------------------------------------------------------
/** A child raised to the hard descriptor limit, talking over IPC. */
function child(role: string, hardLimit: number): ChildProcess {
  const self = fileURLToPath(import.meta.url);
  return spawn('bash', ['-c', `ulimit -n ${hardLimit}; exec "${process.execPath}" --expose-gc --import tsx "${self}" ${role}`], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function next(c: ChildProcess, type: string): Promise<Msg> {
  return new Promise((resolve) => {
    const on = (m: Msg) => {
      if (m.type !== type) return;
      c.off('message', on);
      resolve(m);
    };
    c.on('message', on);
  });
}

function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
}
function procRssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

interface Step {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly missing: number;
  readonly cpuMs: number;
  readonly rssKb: number;
}

async function main(): Promise<void> {
  const hard = Number(execSync('bash -c "ulimit -Hn"').toString().trim());
  log(`descriptor limit: soft ${execSync('bash -c "ulimit -n"').toString().trim()}, hard ${hard}; children raise theirs to ${hard}`);
  const relay = child('relay', hard);
  const { port } = (await next(relay, 'listening')) as Msg & { port: number };
  const pid = relay.pid!;
  const loads = Array.from({ length: LOADS }, () => child('load', hard));
  await Promise.all(loads.map((l) => next(l, 'ready')));
  const stop = () => [relay, ...loads].forEach((c) => c.kill());
  process.once('exit', stop);

  const runHeads = async (n: number): Promise<Step> => {
    const finals = new Map<number, number>();
    const cpu0 = procCpuMs(pid);
    for (let i = 0; i < HEADS; i++) {
      const final = next(relay, 'final');
      relay.send({ type: 'produce' });
      const f = (await final) as Msg & { height: number; finalAt: number };
      finals.set(f.height, f.finalAt);
      await sleep(1000);
    }
    const cpuMs = procCpuMs(pid) - cpu0;
    const collected = next(relay, 'gc-done');
    relay.send({ type: 'gc' });
    await collected;
    const rssKb = procRssKb(pid);
    const latencies: number[] = [];
    let got = 0;
    for (const l of loads) {
      const r = next(l, 'receipts');
      l.send({ type: 'receipts' });
      const { receipts } = (await r) as Msg & { receipts: [number, number[]][] };
      for (const [h, times] of receipts) {
        const at = finals.get(h);
        if (at === undefined) continue;
        got += times.length;
        for (const t of times) latencies.push(t - at);
      }
    }
    const missing = n * HEADS - got;
    // A head that never arrived counts as later than any limit.
    for (let i = 0; i < missing; i++) latencies.push(Infinity);
    return { n, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), missing, cpuMs, rssKb };
  };

  await sleep(500);
  const base = await runHeads(0); // block production alone, and the relay's RSS with no stream
  log(`no subscribers: ${base.cpuMs} ms CPU for ${HEADS} heads, RSS ${base.rssKb} kB`);
  const steps: Step[] = [];
  for (const n of STEPS) {
    if (n + 200 > hard) {
      log(`skipping N=${n}: above the relay's descriptor limit (${hard})`);
      continue;
    }
    const t0 = Date.now();
    try {
      await Promise.all(loads.map((l, i) => {
        const opened = next(l, 'opened');
        l.send({ type: 'open', port, n: Math.floor(n / LOADS) + (i < n % LOADS ? 1 : 0) });
        return opened;
      }));
    } catch (e) {
      log(`N=${n}: could not open the streams: ${String(e)}`);
      break;
    }
    log(`N=${n}: streams open in ${Date.now() - t0} ms`);
    await sleep(1000);
    const s = await runHeads(n);
    steps.push(s);
    log(`N=${n}: delivery p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, missing ${s.missing}; relay CPU ${s.cpuMs} ms for ${HEADS} heads, RSS ${s.rssKb} kB`);
    await Promise.all(loads.map((l) => {
      const closed = next(l, 'closed');
      l.send({ type: 'close' });
      return closed;
    }));
    await sleep(2000);
    if (s.p99 > P99_LIMIT_MS) break;
  }

  const ok = steps.filter((s) => s.p99 <= P99_LIMIT_MS);
  const best = ok.at(-1);
  emit({ name: 'relay.sse_subscribers', value: best?.n ?? 0, unit: 'subscribers', ref: COMETBFT_MAX_SUBSCRIPTION_CLIENTS, ratio: Number(((best?.n ?? 0) / COMETBFT_MAX_SUBSCRIPTION_CLIENTS).toFixed(1)) });
  const top = best ?? steps.at(-1);
  if (top && top.n > 0) {
    emit({ name: 'relay.sse_delivery_p99_ms', value: Number(top.p99.toFixed(1)), unit: 'ms', subscribers: top.n });
    emit({ name: 'relay.sse_kb_per_subscriber', value: Number(((top.rssKb - base.rssKb) / top.n).toFixed(2)), unit: 'KB', subscribers: top.n });
    emit({ name: 'relay.sse_cpu_us_per_event_per_subscriber', value: Number((((top.cpuMs - base.cpuMs) * 1000) / (HEADS * top.n)).toFixed(3)), unit: 'us', subscribers: top.n });
  }
  for (const c of [relay, ...loads]) c.send({ type: 'stop' });
  await Promise.all([relay, ...loads].map((c) => once(c, 'exit')));
  process.off('exit', stop);
}

const role = process.argv[2];
if (role === 'relay') await relayMain();
else if (role === 'load') await loadMain();
else await main();
