/**
 * The benchmark's worker: light-client/src/worker.ts's API (what `exposeLightClient()` serves)
 * plus micro-benchmarks that run the client's own code paths in the worker.
 */
import { expose } from 'comlink';
import {
  decodeCommit, decodeHeader, decodeSmtProof, decodeValidatorSet, fromHex, prepareValidatorSet, verifyCommitLight, verifySmtProof,
} from '@dipnet/protocol';
import { createWorkerApi, installErrorTransfer } from '../src/worker.ts';
import { createLightClient } from '../src/create.ts';
import { IndexedDbStore } from '../src/store/indexeddb.ts';
import { countingVerifier, createEd25519Verifier } from '../src/verify/ed25519.ts';

const hex = (s: string): Uint8Array<ArrayBuffer> => {
  const b = fromHex(s);
  return new Uint8Array(b);
};

export interface SyncDiag {
  readonly ms: number;
  /** Time with at least one relay request in flight. */
  readonly networkMs: number;
  readonly requests: number;
  /** Mean time from fetch() to its body being read. */
  readonly meanRequestMs: number;
  readonly maxInFlight: number;
  /** Times the client went from no request in flight to some: round trips on its critical path. */
  readonly waves: number;
  readonly headers: number;
  readonly signatures: number;
  readonly bisections: number;
  readonly height: string;
}

export interface RawItem { readonly pk: string; readonly msg: string; readonly sig: string }

const bench = {
  /**
   * The same skipping sync as `start()`, with the relay's fetch instrumented: how much of the
   * wall time is spent waiting on requests vs in the client's own work.
   */
  async syncDiag(relay: string, trust: { height: number; hash: string }, store: 'memory' | 'indexeddb'): Promise<SyncDiag> {
    let inFlight = 0;
    let maxInFlight = 0;
    let busySince = 0;
    let networkMs = 0;
    let requests = 0;
    let requestMs = 0;
    let waves = 0;
    const timed: typeof fetch = async (input, init) => {
      const t = performance.now();
      if (inFlight++ === 0) {
        busySince = t;
        waves++;
      }
      maxInFlight = Math.max(maxInFlight, inFlight);
      requests++;
      try {
        const res = await fetch(input, init);
        const body = await res.arrayBuffer();
        return new Response(body, { status: res.status, headers: res.headers });
      } finally {
        const e = performance.now();
        requestMs += e - t;
        if (--inFlight === 0) networkMs += e - busySince;
      }
    };
    // Its own fresh cache database: the timed sync's client keeps the default one open.
    const idb = store === 'indexeddb' ? new IndexedDbStore('dipnet-lc-bench', { names: { cache: `dipnet-lc-bench/diag/${Date.now()}` } }) : null;
    const t0 = performance.now();
    const lc = await createLightClient({ chainId: 'dipnet-lc-bench', trust, trustingPeriodMs: 14 * 86_400_000, relays: [relay], relayOptions: { fetch: timed }, store: idb ?? 'memory', follow: false });
    const ms = performance.now() - t0;
    const s = lc.stats();
    const height = String(lc.head().height);
    await lc.close();
    await idb?.deleteCache();
    return { ms, networkMs, requests, meanRequestMs: requestMs / requests, maxInFlight, waves, headers: s.headersVerified, signatures: s.signaturesVerified, bisections: s.bisections, height };
  },
  /** Raw WebCrypto Ed25519: keys imported beforehand; `batch` verifies in flight at a time. */
  async rawVerify(items: RawItem[], batch: number, rounds: number): Promise<{ verifies: number; ms: number }> {
    const subtle = crypto.subtle;
    const keys = await Promise.all(items.map((i) => subtle.importKey('raw', hex(i.pk), { name: 'Ed25519' }, false, ['verify'])));
    const sigs = items.map((i) => hex(i.sig));
    const msgs = items.map((i) => hex(i.msg));
    const pass = async (): Promise<void> => {
      for (let i = 0; i < items.length; i += batch) {
        const ok = await Promise.all(keys.slice(i, i + batch).map((k, j) => subtle.verify({ name: 'Ed25519' }, k, sigs[i + j]!, msgs[i + j]!)));
        if (ok.includes(false)) throw new Error('raw verify failed');
      }
    };
    await pass();
    const t = performance.now();
    for (let r = 0; r < rounds; r++) await pass();
    return { verifies: items.length * rounds, ms: performance.now() - t };
  },
  /** The client's commit check (protocol verifyCommitLight) with the client's Ed25519 verifier. */
  async commitVerify(chainId: string, setHex: string, blocks: { header: string; commit: string }[], rounds: number): Promise<{ signatures: number; commits: number; ms: number; kind: string }> {
    const inner = await createEd25519Verifier();
    const vals = prepareValidatorSet(decodeValidatorSet(hex(setHex)));
    const decoded = blocks.map((b) => ({ header: decodeHeader(hex(b.header)), commit: decodeCommit(hex(b.commit)) }));
    const v = countingVerifier(inner);
    for (const b of decoded) await verifyCommitLight(chainId, b.header, b.commit, vals, v); // warm-up: keys imported once, as in a client
    v.count = 0;
    const t = performance.now();
    for (let r = 0; r < rounds; r++) for (const b of decoded) await verifyCommitLight(chainId, b.header, b.commit, vals, v);
    return { signatures: v.count, commits: decoded.length * rounds, ms: performance.now() - t, kind: inner.kind };
  },
  async proofVerify(root: string, samples: { key: string; value: string; proof: string }[], rounds: number): Promise<{ proofs: number; ms: number }> {
    const r0 = hex(root);
    const s = samples.map((x) => ({ key: hex(x.key), value: hex(x.value), proof: decodeSmtProof(hex(x.proof)) }));
    const pass = (): void => {
      for (const x of s) if (!verifySmtProof(r0, x.key, x.value, x.proof)) throw new Error('proof failed');
    };
    pass();
    const t = performance.now();
    for (let r = 0; r < rounds; r++) pass();
    return { proofs: s.length * rounds, ms: performance.now() - t };
  },
};

export type BenchWorkerApi = ReturnType<typeof createWorkerApi> & typeof bench;

installErrorTransfer();
expose({ ...createWorkerApi(), ...bench });
