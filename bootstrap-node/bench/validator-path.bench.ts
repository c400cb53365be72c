/**
 * One validator's work per transfer, without the network: what a non-proposing validator does
 * with each tx of a saturated chain, measured in CPU time (process.cpuUsage), one process.
 *
 *   chain.path.admission_us    a gossiped batch decoded and each tx admitted to the mempool
 *                              (decode, hash, signature, state checks); ref = one native verify
 *   chain.path.validate_us     a proposal's txs re-executed for its state root (validateBlock)
 *   chain.path.commit_us       the block, commit, state nodes and tx index written to LMDB
 *   chain.path.recheck_us      the mempool brought in line with the committed block
 *   chain.path.total_us        the sum; ratio = verify ÷ total, the share signature checks take
 *
 * The proposer is a second Chain on its own store (testing/chain-pair.ts); blocks carry up to
 * 1,500 txs of 200 senders.
 * Run: node --import tsx bench/validator-path.bench.ts  (also part of npm run bench -w bootstrap-node)
 */
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { addressOf, dpn, encodeSignedTx, signTx, txSignBytes, keyPairFromSecret, sha256, utf8, type KeyPair } from '@dipnet/protocol';
import { ChainPair } from '../src/testing/chain-pair.ts';
import { NativeVerifier } from '../src/crypto/native-verifier.ts';
import { useNativeSha256 } from '../src/crypto/native-hash.ts';
import { encodeTxBatch, decodeTxBatch } from '../src/tx-gossip.ts';
import { devnetGenesis } from '../src/devnet/genesis.ts';
import { devKey } from '../src/devnet/dev-keys.ts';
import { emit } from './bench-record.ts';

const SENDERS = 200;
const PER_SENDER = Number(process.env.BENCH_PATH_PER_SENDER ?? 75);
const BLOCK_TXS = 1500;
const BATCH = 64;

const log = (s: string) => console.error(`[bench] ${s}`);
const round = (x: number, d = 1) => Number(x.toFixed(d));
const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

useNativeSha256(); // as the node does
const genesis = devnetGenesis({ chainId: 'path-bench', validators: 4, genesisTime: BigInt(Date.now()) - 60_000n });
const pair = await ChainPair.start(genesis);
const { proposer, validator } = pair;

// --- setup: fund the senders (not measured) ------------------------------------------------
const sale = devKey('sale');
const senders: KeyPair[] = Array.from({ length: SENDERS }, (_, i) => keyPairFromSecret(sha256(utf8(`path-bench-${i}`))));
await pair.finalize(await pair.propose(senders.map((s, i) =>
  encodeSignedTx(signTx({ chainId: genesis.chainId, signer: sale.publicKey, nonce: BigInt(i), fee: dpn(1), body: { type: 'transfer', to: addressOf(s.publicKey), amount: dpn(1_000_000), memo: '' } }, sale.secretKey)))));

// --- the txs, as the load generator signs them ----------------------------------------------
const sink = addressOf(devKey('path-bench/sink').publicKey);
// Signed with node:crypto (the same Ed25519 signatures as the protocol's portable signer, faster).
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const signers = senders.map((s) => createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, s.secretKey]), format: 'der', type: 'pkcs8' }));
const txs: Uint8Array[] = [];
for (let n = 0; n < PER_SENDER; n++) {
  for (const [i, s] of senders.entries()) {
    const tx = { chainId: genesis.chainId, signer: s.publicKey, nonce: BigInt(n), fee: dpn(1), body: { type: 'transfer' as const, to: sink, amount: 1000n + BigInt(n), memo: '' } };
    txs.push(encodeSignedTx({ tx, signature: new Uint8Array(nodeSign(null, txSignBytes(tx), signers[i]!)) }));
  }
}
const batches: Uint8Array[] = [];
for (let i = 0; i < txs.length; i += BATCH) batches.push(encodeTxBatch(txs.slice(i, i + BATCH)));
for (const t of txs) proposer.mempool.add(t);
log(`${txs.length} transfers of ${SENDERS} senders; blocks of ≤ ${BLOCK_TXS}`);

// --- one native verify, as the chain bench's ref -------------------------------------------
const verifyUs = (() => {
  const v = new NativeVerifier();
  const k = senders[0]!;
  const tx = { chainId: genesis.chainId, signer: k.publicKey, nonce: 0n, fee: 1n, body: { type: 'transfer' as const, to: sink, amount: 1n, memo: '' } };
  const stx = signTx(tx, k.secretKey);
  const msg = txSignBytes(tx);
  for (let i = 0; i < 2000; i++) v.verify(k.publicKey, msg, stx.signature);
  const t0 = cpuUs();
  for (let i = 0; i < 10_000; i++) v.verify(k.publicKey, msg, stx.signature);
  return (cpuUs() - t0) / 10_000;
})();

// --- measured: the validator's side -------------------------------------------------------
// Per block, per tx: the medians over blocks resist a moment of contention on a shared machine.
const perBlock = { admission: [] as number[], validate: [] as number[], commit: [] as number[], recheck: [] as number[] };
let admitted = 0;
let next = 0;
let committed = 0;
while (committed < txs.length) {
  // Gossip brings the txs of the next block (and some beyond) before the proposal arrives.
  const t0 = cpuUs();
  let inRound = 0;
  for (let i = 0; i < Math.ceil(BLOCK_TXS / BATCH) && next < batches.length; i++, next++) {
    for (const tx of decodeTxBatch(batches[next]!)) {
      validator.mempool.add(tx);
      inRound++;
    }
  }
  admitted += inRound;
  const admissionUs = cpuUs() - t0;
  if (inRound) perBlock.admission.push(admissionUs / inRound);
  const block = await pair.propose(undefined, BLOCK_TXS);
  const t1 = cpuUs();
  await validator.chain.validateBlock(block, pair.proposerAddress, validator.mempool);
  const t2 = cpuUs();
  const commit = pair.commitFor(block);
  const t3 = cpuUs();
  const exec = validator.chain.commit(block, commit);
  const t4 = cpuUs();
  validator.mempool.recheck(exec.txIds, exec.senderIds);
  const t5 = cpuUs();
  const n = block.txs.length;
  perBlock.validate.push((t2 - t1) / n);
  perBlock.commit.push((t4 - t3) / n);
  perBlock.recheck.push((t5 - t4) / n);
  const exec2 = proposer.chain.commit(block, commit);
  proposer.mempool.recheck(exec2.txIds, exec2.senderIds);
  pair.adoptCommit(commit);
  committed += block.txs.length;
}
if (admitted !== txs.length) throw new Error(`admitted ${admitted} of ${txs.length}`);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const m = { admission: median(perBlock.admission), validate: median(perBlock.validate), commit: median(perBlock.commit), recheck: median(perBlock.recheck) };
const total = m.admission + m.validate + m.commit + m.recheck;
log(`verify ${round(verifyUs, 1)} µs; per tx (median over ${perBlock.validate.length} blocks): admission ${round(m.admission, 2)} (${round(m.admission - verifyUs, 2)} besides the verify), validate ${round(m.validate, 2)}, commit ${round(m.commit, 2)}, recheck ${round(m.recheck, 2)} µs`);
emit({ name: 'chain.path.admission_us', value: round(m.admission, 2), unit: 'us', ref: round(verifyUs, 1), ratio: round(verifyUs / m.admission, 3) });
emit({ name: 'chain.path.validate_us', value: round(m.validate, 2), unit: 'us' });
emit({ name: 'chain.path.commit_us', value: round(m.commit, 2), unit: 'us' });
emit({ name: 'chain.path.recheck_us', value: round(m.recheck, 2), unit: 'us' });
emit({ name: 'chain.path.total_us', value: round(total, 2), unit: 'us', ref: round(verifyUs, 1), ratio: round(verifyUs / total, 3) });

await pair.close();
