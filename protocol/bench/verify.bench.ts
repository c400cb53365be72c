/**
 * Commit verification as the light client does it (portable @noble/curves, no platform crypto):
 * commits of a 4- and a 100-validator set, against the raw verify rate measured in this run.
 * A commit needs signatures worth > 2/3 of the power, so its ceiling is raw rate ÷ ⌊2n/3⌋+1.
 * Run: npm run bench -w protocol
 */
import { performance } from 'node:perf_hooks';
import { verifyCommit } from '../src/verify.ts';
import { nobleVerifier } from '../src/keys.ts';
import { testValidators, testHeader, testCommit } from '../src/test-fixtures.ts';
import { encodeHeader, decodeHeader } from '../src/header.ts';
import { encodeSignedTx, decodeSignedTx, signTx } from '../src/tx.ts';
import { voteSignBytes, VoteType } from '../src/vote.ts';
import { addressOf, sign } from '../src/keys.ts';

const emit = (o: Record<string, unknown>) => console.log(`BENCH ${JSON.stringify(o)}`);
const CHAIN = 'dipnet-bench';

// Best of three runs: on a shared machine the slowest runs measure the neighbours, not the code.
function rate(n: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(50, n); i++) fn();
  let best = 0;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
  }
  return best;
}

async function asyncRate(n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(5, n); i++) await fn();
  let best = 0;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
  }
  return best;
}

// Raw rate over distinct keys and messages, as a commit presents them.
const { keys } = testValidators(16);
const triples = keys.map((k) => {
  const msg = voteSignBytes(CHAIN, { type: VoteType.precommit, height: 1n, round: 0, blockHash: new Uint8Array(32), validator: addressOf(k.publicKey) });
  return [k.publicKey, msg, sign(k.secretKey, msg)] as const;
});
let t = 0;
const raw = rate(480, () => {
  const [pk, m, sg] = triples[t++ % triples.length]!;
  return nobleVerifier.verify(pk, m, sg);
});
emit({ name: 'protocol.ed25519_verify_per_s', value: Math.round(raw), unit: 'verifies/s' });
const k = keys[0]!;

for (const n of [4, 100]) {
  const { keys: vk, set } = testValidators(n);
  const header = testHeader(CHAIN, 10n, set);
  const commit = testCommit(CHAIN, header, set, vk);
  const needed = Math.floor((2 * n) / 3) + 1;
  const r = await asyncRate(n === 4 ? 100 : 10, () => verifyCommit(CHAIN, header, commit, set, nobleVerifier));
  const ref = raw / needed;
  emit({ name: `protocol.commit_verify_per_s_${n}_validators`, value: Number(r.toFixed(1)), unit: 'commits/s', ref: Number(ref.toFixed(1)), ratio: Number((r / ref).toFixed(3)) });
}

const header = testHeader(CHAIN, 10n, testValidators(4).set);
const hb = encodeHeader(header);
emit({ name: 'protocol.header_decode_per_s', value: Math.round(rate(200_000, () => decodeHeader(hb))), unit: 'headers/s' });
const stx = encodeSignedTx(signTx({ chainId: CHAIN, signer: k.publicKey, nonce: 1n, fee: 1n, body: { type: 'transfer', to: new Uint8Array(20), amount: 1n, memo: '' } }, k.secretKey));
emit({ name: 'protocol.tx_decode_per_s', value: Math.round(rate(200_000, () => decodeSignedTx(stx))), unit: 'txs/s' });
