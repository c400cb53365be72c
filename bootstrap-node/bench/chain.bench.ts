/**
 * Chain benchmark: a 4-validator devnet of separate processes on this machine.
 *
 *   chain.transfers_per_s   saturating load of pre-signed transfers after a warm-up, from the first
 *                           submission to the head event of the block holding the last; ref = cores ×
 *                           one core's native Ed25519 verifies/s (the better of before and after the
 *                           run) ÷ validators (each validator verifies each tx)
 *   chain.validator_cpu_us_per_tx  CPU one validator spends per tx at saturation (mean of the 4);
 *                           ref = one native verify, ratio = the share of that CPU the signature
 *                           check takes. Holds better than tx/s when the machine is shared
 *   chain.finality_ms_p50/_p99  submit → finalised, at half the measured throughput
 *   chain.block_time_ms     mean spacing of blocks under that load
 *   chain.node_rss_mb       resident memory of one validator at the end
 *   state.proof_bytes / state.proof_verify_us   a key in a 1,000,000-key state map (child run of
 *                           protocol/bench/smt.bench.ts, in this same run)
 *
 * Run: npm run bench -w bootstrap-node   (prints `BENCH {json}` lines; progress on stderr)
 * BENCH_SKIP_FINALITY=1 / BENCH_SKIP_SMT=1 run only the saturation part; DIPNET_NODE_ARGS=--cpu-prof
 * profiles the validators; BENCH_TIMELINE=1 logs each block of the saturation run (time, txs);
 * BENCH_KEEP_DIR=1 keeps the devnet's directory (validator logs) for a look afterwards.
 */
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import {
  addressOf, dpn, encodeSignedTx, signTx, keyPairFromSecret, sha256, utf8, txSignBytes, toHex, txHash,
  type KeyPair, type Tx,
} from '@dipnet/protocol';
import { prepareDevnet, startDevnetProcesses } from '../src/cli/devnet.ts';
import { RelayClient } from '../src/cli/relay-client.ts';
import { encodeTxBatch } from '../src/tx-gossip.ts';
import { devKey } from '../src/devnet/dev-keys.ts';
import { NativeVerifier } from '../src/crypto/native-verifier.ts';
import { nativeSigner } from '../src/crypto/native-signer.ts';
import { emit } from './bench-record.ts';

const VALIDATORS = 4;
const SENDERS = Number(process.env.BENCH_SENDERS ?? 200);
/**
 * Long enough that filling the pipeline at the start and draining it at the end are a small part
 * of the run: at the end of a finite load the last partial block waits out the block time for txs
 * that never come, with the machine idle for 0.3–0.6 s (sampled from /proc/stat) — 4–8% of a
 * 30,000-tx run, 2–4% of this one.
 */
const SATURATION_TXS = Number(process.env.BENCH_TXS ?? 60_000);
/**
 * Transfers run through the chain before the measured load, so the validators' code is compiled
 * and their caches hold the accounts, as on a node that has been running: a cold start would
 * charge one-off JIT compilation (~9% of the machine's CPU in the first seconds) to the throughput.
 * Per-block code (validating, building, committing a block) runs once a second, so it is compiled
 * late: after 16,000 transfers TurboFan still spent ~380 ms per validator inside the measured
 * window (validateBlock alone 112 ms); after 40,000, ~210 ms (`--trace-opt`, validator-1).
 */
const WARMUP_TXS = Number(process.env.BENCH_WARMUP_TXS ?? 40_000);
const FINALITY_SECONDS = Number(process.env.BENCH_FINALITY_S ?? 20);

const log = (s: string) => console.error(`[bench] ${s}`);
const round = (x: number, d = 1) => Number(x.toFixed(d));

/**
 * One core's native Ed25519 verification rate, measured now: the best of five rounds, so a
 * moment of contention on a shared machine does not lower the ceiling the ratio is taken against.
 */
function nativeVerifyRate(): number {
  const v = new NativeVerifier();
  const k = keyPairFromSecret(sha256(utf8('bench')));
  const stx = signTx({ chainId: 'bench', signer: k.publicKey, nonce: 0n, fee: 1n, body: { type: 'transfer', to: new Uint8Array(20), amount: 1n, memo: '' } }, k.secretKey);
  const msg = txSignBytes(stx.tx);
  for (let i = 0; i < 2000; i++) v.verify(k.publicKey, msg, stx.signature);
  let best = 0;
  for (let round = 0; round < 5; round++) {
    const n = 5000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) if (!v.verify(k.publicKey, msg, stx.signature)) throw new Error('verify failed');
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
  }
  return best;
}

const account = (i: number): KeyPair => keyPairFromSecret(sha256(utf8(`bench-sender-${i}`)));

/**
 * Signs with node:crypto (Ed25519 signatures are deterministic: the same bytes as the protocol's
 * portable signer, ~20x faster), so pre-signing tens of thousands of txs takes seconds, not minutes.
 */
function txSigner(k: KeyPair): (tx: Tx) => Uint8Array {
  const sign = nativeSigner(k.secretKey);
  return (tx) => encodeSignedTx({ tx, signature: sign(txSignBytes(tx)) });
}

/**
 * Saturating submission, as a service gathering many users' txs would do it: batches of 64 txs
 * per request, one ordered stream per relay (a sender's nonces must arrive in sequence), senders
 * interleaved so each batch carries many senders' next txs.
 */
/** Batches a full mempool sent back (each resent after 50 ms). */
let submitRetries = 0;

type BatchResult = { hash: string } | { error: { code: string; message: string } };

/**
 * POST /v1/txs/batch over node:http with kept-alive connections: the load generator shares the
 * machine with the validators, and fetch costs it several times the CPU per request.
 */
class BatchSubmitter {
  private readonly agent = new HttpAgent({ keepAlive: true });
  constructor(private readonly relayUrl: string) {}

  submit(body: Uint8Array): Promise<BatchResult[]> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(new URL('/v1/txs/batch', this.relayUrl), { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/octet-stream', 'content-length': body.length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200 && res.statusCode !== 202) return reject(new Error(`relay answered ${res.statusCode}: ${text.slice(0, 200)}`));
          resolve((JSON.parse(text) as { results: BatchResult[] }).results);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A request body ready to post, with its txs (to resend the ones a full mempool refused). */
interface Batch {
  readonly body: Uint8Array;
  readonly txs: readonly Uint8Array[];
}

/**
 * Two ordered streams per relay, each with its own senders: a relay always has the next batch
 * waiting while it answers one, as it would with many independent clients. The request bodies
 * are encoded here, before the clock starts: the load generator shares the machine with the
 * validators it measures.
 */
function planStreams(relays: number, txs: Uint8Array[][]): Batch[][] {
  const streams = relays * 2;
  return Array.from({ length: streams }, (_, r) => {
    const mine = txs.filter((_, s) => s % streams === r);
    const flat: Uint8Array[] = [];
    for (let n = 0; n < Math.max(...mine.map((t) => t.length)); n++) for (const t of mine) if (t[n]) flat.push(t[n]!);
    const batches: Batch[] = [];
    for (let i = 0; i < flat.length; i += 64) {
      const batch = flat.slice(i, i + 64);
      batches.push({ body: encodeTxBatch(batch), txs: batch });
    }
    return batches;
  });
}

async function submitAll(relays: BatchSubmitter[], streams: Batch[][]): Promise<void> {
  await Promise.all(streams.map(async (batches, r) => {
    const relay = relays[r % relays.length]!;
    for (const planned of batches) {
      let batch = planned.txs;
      let body = planned.body;
      // A full mempool is back-pressure, not a failure: resend what it refused once blocks drain
      // it (a refused tx's successors from the same sender were refused as out of order).
      for (let attempt = 0; batch.length > 0; attempt++) {
        const results = await relay.submit(body);
        const retry: Uint8Array[] = [];
        results.forEach((x, k) => {
          if (!('error' in x) || x.error.code === 'TX_DUPLICATE') return;
          if (x.error.code !== 'TX_MEMPOOL_FULL' && x.error.code !== 'TX_NONCE_FUTURE' || attempt > 200) throw new Error(`relay rejected a tx: ${x.error.code} ${x.error.message}`);
          retry.push(batch[k]!);
        });
        batch = retry;
        if (batch.length > 0) {
          body = encodeTxBatch(batch);
          submitRetries++;
          await new Promise((res) => setTimeout(res, 50));
        }
      }
    }
  }));
}

async function main(): Promise<void> {
  const rateBefore = nativeVerifyRate();
  const cores = availableParallelism();
  log(`native verify ${Math.round(rateBefore)}/s on one core, ${cores} cores`);
  let saturation: { tps: number; cpuPerTx: number } | null = null;

  const dir = await mkdtemp(join(tmpdir(), 'dipnet-bench-'));
  const blockTimeMs = process.env.BENCH_BLOCK_TIME_MS ? Number(process.env.BENCH_BLOCK_TIME_MS) : undefined;
  const info = await prepareDevnet({ dir, validators: VALIDATORS, chainId: 'dipnet-bench', reset: false, ...(blockTimeMs ? { blockTimeMs } : {}) });
  const net = startDevnetProcesses(info, dir);
  const clients = info.validators.map((v) => new RelayClient(v.relayUrl));
  const submitters = info.validators.map((v) => new BatchSubmitter(v.relayUrl));
  try {
    for (const c of clients) {
      for (let i = 0; ; i++) {
        try { if (BigInt((await c.status()).height) >= 1n) break; } catch { /* starting */ }
        if (i > 600) throw new Error('devnet did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const chainId = info.chainId;
    const senders = Array.from({ length: SENDERS }, (_, i) => account(i));
    const sale = devKey('sale');
    const fundTxs = senders.map((s, i) => encodeSignedTx(signTx({ chainId, signer: sale.publicKey, nonce: BigInt(i), fee: dpn(1), body: { type: 'transfer', to: addressOf(s.publicKey), amount: dpn(1_000_000), memo: '' } }, sale.secretKey)));
    for (const tx of fundTxs) await clients[0]!.submitTx(tx);
    await waitCommitted(clients[0]!, [toHex(txHash(fundTxs.at(-1)!))], 60_000);

    const sink = addressOf(account(999).publicKey);
    const signers = senders.map(txSigner);
    const transfers = (first: number, count: number) => senders.map((s, i) => Array.from({ length: count }, (_, n) =>
      signers[i]!({ chainId, signer: s.publicKey, nonce: BigInt(first + n), fee: dpn(1), body: { type: 'transfer', to: sink, amount: 1000n + BigInt(first + n), memo: '' } })));
    const lastOf = (signed: Uint8Array[][]) => signed.map((txs) => toHex(txHash(txs.at(-1)!)));

    // --- warm-up ------------------------------------------------------------------------------
    const warm = Math.ceil(WARMUP_TXS / SENDERS);
    if (warm > 0) {
      const warmup = transfers(0, warm);
      log(`warm-up: ${warm * SENDERS} transfers`);
      await submitAll(submitters, planStreams(submitters.length, warmup));
      await waitCommitted(clients[0]!, lastOf(warmup), 600_000);
    }

    // --- saturation -------------------------------------------------------------------------
    const per = Math.ceil(SATURATION_TXS / SENDERS);
    const signed = transfers(warm, per);
    const last = lastOf(signed);
    const plan = planStreams(submitters.length, signed);
    const loadTxs = per * SENDERS;
    const h0 = BigInt((await clients[0]!.status()).height);
    log(`submitting ${loadTxs} transfers`);
    const cpu0 = await Promise.all(net.children.map((c) => cpuSeconds(c.pid!)));
    const client0 = process.cpuUsage();
    const box0 = await machineTicks();
    // The run ends when the block holding the last of these txs is final: the time its head event
    // arrived. Only these txs are submitted now, so that is the head that brings the count of txs
    // finalised since h0 to the number submitted (checked against the txs' own status afterwards);
    // nothing polls while the validators work.
    const heightSeenAt = new Map<string, number>();
    let finalised = 0;
    let reachedTotal: (height: string) => void = () => {};
    const allFinal = new Promise<string>((res) => { reachedTotal = res; });
    const stopHeights = await followHeights(info.validators[0]!.relayUrl, (height, at, txCount) => {
      heightSeenAt.set(height, at);
      if (BigInt(height) <= h0) return;
      finalised += txCount;
      if (finalised >= loadTxs) reachedTotal(height);
    });
    const t0 = performance.now();
    await submitAll(submitters, plan);
    const submitted = (performance.now() - t0) / 1000;
    const endHeight = await Promise.race([allFinal, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`only ${finalised} of ${loadTxs} txs finalised`)), 600_000).unref())]);
    const cpu = await Promise.all(net.children.map((c, i) => cpuSeconds(c.pid!).then((x) => x - cpu0[i]!)));
    const client = process.cpuUsage(client0);
    const box = await machineTicks();
    await waitCommitted(clients[0]!, last, 60_000);
    const heights = await Promise.all(last.map(async (h) => BigInt((await clients[0]!.txStatus(h)).height!)));
    const lastHeight = heights.reduce((a, b) => (a > b ? a : b)).toString();
    stopHeights();
    if (lastHeight !== endHeight || finalised !== loadTxs) throw new Error(`the last tx is at height ${lastHeight}, but the count reached ${finalised} of ${loadTxs} at ${endHeight}`);
    const elapsed = (heightSeenAt.get(endHeight)! - t0) / 1000;
    if (process.env.BENCH_TIMELINE) {
      for (const [height, at] of heightSeenAt) {
        const block = await clients[0]!.get<{ txs: string[] }>(`/v1/blocks/${height}`);
        log(`height ${height} final at ${((at - t0) / 1000).toFixed(2)} s with ${block.txs.length} txs (wall ${((Date.now() - performance.now() + at) / 1000).toFixed(2)})`);
      }
    }
    log(`all submitted (admitted by the relays) after ${submitted.toFixed(1)} s, all finalised after ${elapsed.toFixed(1)} s; ${submitRetries} batches resent after a full mempool`);
    const tps = loadTxs / elapsed;
    log(`${loadTxs} txs in ${elapsed.toFixed(1)} s over ${BigInt(endHeight) - h0} blocks`);
    const busy = 1 - (box.idle - box0.idle) / (box.total - box0.total);
    log(`CPU seconds during saturation: validators ${cpu.map((x) => x.toFixed(1)).join(', ')}; this client ${((client.user + client.system) / 1e6).toFixed(1)}; machine ${Math.round(busy * 100)}% busy`);
    saturation = { tps, cpuPerTx: (cpu.reduce((a, b) => a + b, 0) / cpu.length / loadTxs) * 1e6 };

    // --- finality at half load ----------------------------------------------------------------
    if (process.env.BENCH_SKIP_FINALITY) return;
    const target = tps / 2;
    const total = Math.round(target * FINALITY_SECONDS);
    const perSender = Math.ceil(total / SENDERS);
    const paced = senders.map((s, i) => Array.from({ length: perSender }, (_, n) =>
      signers[i]!({ chainId, signer: s.publicKey, nonce: BigInt(warm + per + n), fee: dpn(1), body: { type: 'transfer', to: sink, amount: 1n + BigInt(n), memo: '' } })));
    const submittedAt = new Map<string, number>();
    const finalisedAt = new Map<string, number>();
    const blockTimes: number[] = [];
    const stopHeads = await followHeads(info.validators[0]!.relayUrl, clients[0]!, (hashes, at) => {
      blockTimes.push(at);
      for (const h of hashes) finalisedAt.set(h, at);
    });
    log(`finality: ${perSender * SENDERS} txs at ${Math.round(target)} tx/s`);
    // Txs are created at the target rate and submitted every 100 ms as one batch per ordered
    // stream, two streams per relay (a sender always uses the same stream, so its nonces arrive in
    // sequence). The measured latency includes the wait for the next flush.
    const STREAMS = clients.length * 2;
    const interval = 1000 / target;
    const start = performance.now();
    const outbox = Array.from({ length: STREAMS }, () => [] as Uint8Array[]);
    const streams = outbox.map(() => Promise.resolve());
    const flush = () => outbox.forEach((box, k) => {
      if (box.length === 0) return;
      const batch = box.splice(0, box.length);
      streams[k] = streams[k]!.then(async () => { await clients[k % clients.length]!.submitTxBatch(batch); });
    });
    const flusher = setInterval(flush, 100);
    for (let n = 0; n < perSender; n++) {
      for (let s = 0; s < SENDERS; s++) {
        const due = start + (n * SENDERS + s) * interval;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const tx = paced[s]![n]!;
        submittedAt.set(toHex(txHash(tx)), performance.now());
        outbox[s % STREAMS]!.push(tx);
      }
    }
    clearInterval(flusher);
    flush();
    await Promise.all(streams);
    await waitCommitted(clients[0]!, paced.map((t) => toHex(txHash(t.at(-1)!))), 120_000);
    await new Promise((r) => setTimeout(r, 500));
    stopHeads();
    const lat = [...submittedAt].map(([id, t]) => (finalisedAt.get(id) ?? NaN) - t).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!;
    emit({ name: 'chain.finality_ms_p50', value: Math.round(pct(0.5)), unit: 'ms', load_tx_per_s: Math.round(target) });
    emit({ name: 'chain.finality_ms_p99', value: Math.round(pct(0.99)), unit: 'ms', load_tx_per_s: Math.round(target) });
    const gaps = blockTimes.slice(1).map((t, i) => t - blockTimes[i]!);
    if (gaps.length) emit({ name: 'chain.block_time_ms', value: Math.round(gaps.reduce((a, b) => a + b, 0) / gaps.length), unit: 'ms' });

    const pid = net.children[0]!.pid!;
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    emit({ name: 'chain.node_rss_mb', value: round(rssKb / 1024), unit: 'MB' });
  } finally {
    for (const s of submitters) s.close();
    await net.stop();
    if (process.env.BENCH_KEEP_DIR) log(`kept ${dir}`); else await rm(dir, { recursive: true, force: true });
    // Here, so a run that skips the finality part (it returns early) still reports.
    if (saturation) reportSaturation(saturation, rateBefore, cores);
  }

  // --- state proofs in a 1,000,000-key map (same run) -------------------------------------------
  if (!process.env.BENCH_SKIP_SMT) await forwardSmtBench();
}

/**
 * The ceiling is measured again on the quiet machine after the run and the higher rate is used:
 * a neighbour's burst during one measurement cannot lower the ref and so flatter the ratio.
 */
function reportSaturation({ tps, cpuPerTx }: { tps: number; cpuPerTx: number }, rateBefore: number, cores: number): void {
  const rateAfter = nativeVerifyRate();
  const rate = Math.max(rateBefore, rateAfter);
  const ref = (cores * rate) / VALIDATORS;
  log(`native verify ${Math.round(rateAfter)}/s after the run; ref = ${cores} cores × ${Math.round(rate)}/s ÷ ${VALIDATORS} validators = ${Math.round(ref)} tx/s`);
  emit({ name: 'chain.transfers_per_s', value: Math.round(tps), unit: 'tx/s', ref: Math.round(ref), ratio: round(tps / ref, 3) });
  emit({ name: 'chain.validator_cpu_us_per_tx', value: round(cpuPerTx), unit: 'us', ref: round(1e6 / rate), ratio: round(1e6 / rate / cpuPerTx, 3) });
}

async function cpuSeconds(pid: number): Promise<number> {
  const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

/** Whole-machine CPU ticks (all cores), to tell CPU-bound from waiting. */
async function machineTicks(): Promise<{ idle: number; total: number }> {
  const f = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: f[3]! + f[4]!, total: f.reduce((a, b) => a + b, 0) };
}

/**
 * Polls until every tx is committed. Unhurried: the saturation run's end is taken from the head
 * event of the last block, and a busy poll would take CPU from the validators it measures.
 */
async function waitCommitted(client: RelayClient, hashes: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const h of hashes) {
    while ((await client.txStatus(h)).status !== 'committed') {
      if (Date.now() > deadline) throw new Error(`tx ${h} not committed in time`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Follows finalised heads over SSE and reports each block's tx hashes with the time it was seen. */
function followHeads(relayUrl: string, client: RelayClient, onBlock: (txHashes: string[], at: number) => void): Promise<() => void> {
  return followHeights(relayUrl, async (height, at) => {
    const block = await client.get<{ txs: string[] }>(`/v1/blocks/${height}`);
    onBlock(block.txs, at);
  });
}

/** Follows finalised heads over SSE: each height with the time its event arrived and its tx count. */
async function followHeights(relayUrl: string, onHead: (height: string, at: number, txCount: number) => Promise<void> | void): Promise<() => void> {
  const ac = new AbortController();
  const res = await fetch(new URL('/v1/events/heads', relayUrl), { signal: ac.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data:'));
          if (!data) continue;
          const at = performance.now();
          const { height, txCount } = JSON.parse(data.slice(5)) as { height: string; txCount: number };
          await onHead(height, at, txCount);
        }
      }
    } catch {
      // aborted
    }
  })();
  return () => ac.abort();
}

function forwardSmtBench(): Promise<void> {
  const script = fileURLToPath(import.meta.resolve('@dipnet/protocol/bench/smt'));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SMT_BENCH_KEYS: '1000000' } });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (/"name":"state\.proof_(bytes|verify_us)"/.test(line)) console.log(line);
  });
  return new Promise((res, rej) => child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`smt bench exited ${code}`)))));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
