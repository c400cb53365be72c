/**
 * State-tree benchmark: build a 1,000,000-key sparse Merkle tree, then measure proof size,
 * proof verification time and sequential single-key update throughput.
 * Run: node --import tsx bench/smt.bench.ts   (prints `BENCH {json}` lines on stdout)
 */
import { performance } from 'node:perf_hooks';
import { SparseMerkleTree, buildSmt, encodeSmtProof, decodeSmtProof, verifySmtProof, type Hash, type SmtProof } from '../src/smt.ts';
import { toHex } from '../src/bytes.ts';

const N = Number(process.env.SMT_BENCH_KEYS ?? 1_000_000);
const SAMPLES = 2_000;
const UPDATES = 2_000;

// Deterministic xorshift32 stream, so runs are comparable.
let seed = 0x9e3779b9;
function fill(b: Uint8Array): Uint8Array {
  for (let i = 0; i < b.length; i++) {
    seed ^= seed << 13;
    seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    b[i] = seed & 0xff;
  }
  return b;
}
const randomBytes = (n: number) => fill(new Uint8Array(n));
const randomIndex = (n: number) => {
  const b = randomBytes(4);
  return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) % n;
};

const emit = (name: string, value: number, unit: string) => console.log(`BENCH ${JSON.stringify({ name, value, unit })}`);
const log = (s: string) => console.error(s);

// Keys and values are views into two large buffers, so the input itself stays small.
const keyBuf = randomBytes(32 * N);
const valueBuf = randomBytes(40 * N);
const entries: [Hash, Uint8Array][] = new Array(N);
for (let i = 0; i < N; i++) entries[i] = [keyBuf.subarray(32 * i, 32 * i + 32), valueBuf.subarray(40 * i, 40 * i + 40)];

let t0 = performance.now();
const built = buildSmt(entries);
const buildS = (performance.now() - t0) / 1000;
emit('state.smt_build_1m_s', Number(buildS.toFixed(2)), 's');
log(`built ${N} keys: ${built.nodes.size} nodes, root ${toHex(built.root)}`);

const nodes = built.nodes;
const tree = new SparseMerkleTree({ getNode: (h) => nodes.get(toHex(h)) });

// Proof size and verification, over random present keys.
const sample: [Hash, Uint8Array, SmtProof][] = [];
let bytes = 0;
let maxDepth = 0;
for (let i = 0; i < SAMPLES; i++) {
  const [k, v] = entries[randomIndex(N)]!;
  const enc = encodeSmtProof(tree.prove(built.root, k));
  bytes += enc.length;
  const p = decodeSmtProof(enc);
  maxDepth = Math.max(maxDepth, p.siblings.length);
  sample.push([k, v, p]);
}
for (const [k, v, p] of sample.slice(0, 200)) if (!verifySmtProof(built.root, k, v, p)) throw new Error('proof failed'); // warm-up
t0 = performance.now();
for (const [k, v, p] of sample) if (!verifySmtProof(built.root, k, v, p)) throw new Error('proof failed');
const verifyUs = ((performance.now() - t0) * 1000) / SAMPLES;
emit('state.proof_bytes', Math.round(bytes / SAMPLES), 'bytes');
emit('state.proof_verify_us', Number(verifyUs.toFixed(1)), 'us');
log(`max proof depth ${maxDepth}`);

// Sequential single-key updates (existing keys get new values), each committed before the next.
let root = built.root;
t0 = performance.now();
for (let i = 0; i < UPDATES; i++) {
  const [k] = entries[randomIndex(N)]!;
  const u = tree.update(root, [[k, randomBytes(40)]]);
  for (const [h, b] of u.nodes) nodes.set(h, b);
  root = u.root;
}
const perS = UPDATES / ((performance.now() - t0) / 1000);
emit('state.smt_update_per_s', Math.round(perS), 'updates/s');
