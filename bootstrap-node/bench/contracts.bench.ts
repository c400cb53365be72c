/**
 * Contracts benchmark: production orders through the real Chain — block building (applyTx,
 * endBlock, order timers), the sparse-Merkle state commitment and the LMDB ChainStore commit —
 * on one process, without consensus or network (blocks are signed by the 4 devnet validator keys
 * and committed straight away, as a validator that proposes every block would).
 *
 *   contracts.orders_per_s   orders carried through their whole life per second: placed (one
 *                            placeOrder tx creates the whole cascade), produced, confirmed and
 *                            settled, paying every producer and the designer.
 *                            Shape: a THREE-LEVEL bill of materials of 20 parts — a root BOM
 *                            of 4 sub-assembly BOMs, each of 4 leaf BOM parts: 1 + 4 + 16 = 21
 *                            orders per root order, each made by its own producer. Its life is
 *                            23 txs: placeOrder, 16 leaf `finish`, 4 sub-assembly `finish` (each
 *                            starts producing by itself once its parts are done), the root
 *                            `finish`, and the consumer's `confirm`, which settles all 21.
 *                            ref = plain transfers/s measured in this run on the same path
 *                            (signature check as the mempool does it, block build, state root,
 *                            LMDB commit); ratio = orders/s ÷ transfers/s.
 *   contracts.gas_per_order  gas of all those txs (from their receipts) ÷ orders.
 *
 * Run: npm run bench -w bootstrap-node   (after the chain bench; `BENCH {json}` lines on stdout)
 * Env: BENCH_CONTRACT_ROOTS (default 200 root orders = 4,200 orders), BENCH_TRANSFERS (default 6,000).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPrivateKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import {
  addressOf, dpn, toHex, encodeSignedTx, decodeSignedTx, txSignBytes, txHash, txSender, headerHash, voteSignBytes, VoteType, rootOrderId, productId, childOrderId,
  paramsFromJson, encodeProductParams, ContractKey, decodeTxReceipt, decodeOrderRecord,
  type KeyPair, type TxBody, type Commit, type Block,
} from '@dipnet/protocol';
import { Chain, type Candidate } from '../src/chain.ts';
import { ChainStore } from '../src/store/chain-store.ts';
import { NativeVerifier } from '../src/crypto/native-verifier.ts';
import { useNativeSha256 } from '../src/crypto/native-hash.ts';
import { devnetGenesis, devCommitteeKey } from '../src/devnet/genesis.ts';
import { devKey, devValidatorKey } from '../src/devnet/dev-keys.ts';
import { loadBaseTemplates } from '../src/contracts/base-templates.ts';
import { emit } from './bench-record.ts';

const ROOTS = Number(process.env.BENCH_CONTRACT_ROOTS ?? 200);
const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 6000);
const ORDERS_PER_ROOT = 21;
const FEE = dpn(1) / 100n; // generous; unused gas is refunded

const log = (s: string) => console.error(`[bench] ${s}`);
const round = (x: number, d = 1) => Number(x.toFixed(d));

// Pre-signing is not measured; node:crypto keeps it from dominating the setup (noble: ~1 ms each).
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const keyObjects = new Map<string, KeyObject>();
function signWith(key: KeyPair, msg: Uint8Array): Uint8Array {
  const id = toHex(key.publicKey);
  let k = keyObjects.get(id);
  if (!k) {
    k = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, key.secretKey]), format: 'der', type: 'pkcs8' });
    keyObjects.set(id, k);
  }
  return new Uint8Array(nodeSign(null, msg, k));
}

class Bench {
  private readonly nonces = new Map<string, bigint>();
  private readonly verifier = new NativeVerifier();
  private lastCommit: Commit | null = null;
  private readonly validatorKeys: KeyPair[];

  constructor(readonly chain: Chain) {
    this.validatorKeys = chain.genesis.validators.map((_, i) => devValidatorKey(i));
  }

  tx(key: KeyPair, body: TxBody, fee = FEE): Uint8Array {
    const id = toHex(addressOf(key.publicKey));
    const nonce = this.nonces.get(id) ?? 0n;
    this.nonces.set(id, nonce + 1n);
    const tx = { chainId: this.chain.chainId, signer: key.publicKey, nonce, fee, body };
    return encodeSignedTx({ tx, signature: signWith(key, txSignBytes(tx)) });
  }

  nonceOf(key: KeyPair): bigint {
    return (this.nonces.get(toHex(addressOf(key.publicKey))) ?? 0n) - 1n;
  }

  /**
   * Runs txs through blocks until all are in: each tx decoded and its signature checked (the
   * mempool's admission work), then blocks built (≤ 5,000 txs or the block gas limit each),
   * signed by the validators and committed to LMDB. Returns the blocks made.
   */
  async run(txs: readonly Uint8Array[]): Promise<number> {
    const candidates: Candidate[] = txs.map((bytes) => {
      const tx = decodeSignedTx(bytes);
      if (!this.verifier.verify(tx.tx.signer, txSignBytes(tx.tx), tx.signature)) throw new Error('bad signature');
      const hash = txHash(bytes);
      const senderAddress = txSender(tx.tx);
      return { bytes, tx, hash, id: toHex(hash), senderAddress, senderId: toHex(senderAddress) };
    });
    let blocks = 0;
    for (let i = 0; i < candidates.length;) {
      const head = this.chain.head;
      const proposer = addressOf(this.validatorKeys[0]!.publicKey);
      const { block, rejected } = await this.chain.buildBlock(head.time + 1000n, proposer, candidates.slice(i, i + 5000), [], this.lastCommit);
      if (rejected.length > 0) throw new Error(`${rejected.length} txs were rejected`);
      if (block.txs.length === 0) throw new Error('an empty block with txs pending');
      this.commit(block);
      i += block.txs.length;
      blocks++;
    }
    return blocks;
  }

  /** An empty block `advanceMs` later (lets order timers run). */
  async tick(advanceMs = 1000n): Promise<void> {
    const { block } = await this.chain.buildBlock(this.chain.head.time + advanceMs, addressOf(this.validatorKeys[0]!.publicKey), [], [], this.lastCommit);
    this.commit(block);
  }

  private commit(block: Block): void {
    const set = this.chain.validatorSet(block.header.height);
    const blockHash = headerHash(block.header);
    const signatures = set.validators.map((v, validatorIndex) => {
      const key = this.validatorKeys.find((k) => toHex(k.publicKey) === toHex(v.publicKey))!;
      const vote = { type: VoteType.precommit, height: block.header.height, round: 0, blockHash, validator: addressOf(v.publicKey) };
      return { validatorIndex, signature: signWith(key, voteSignBytes(this.chain.chainId, vote)) };
    });
    const commit: Commit = { height: block.header.height, round: 0, blockHash, signatures };
    this.chain.commit(block, commit);
    this.lastCommit = commit;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.chain.committedView().get(key);
  }
}

async function main(): Promise<void> {
  useNativeSha256(); // as the node does
  const dir = await mkdtemp(join(tmpdir(), 'dipnet-contracts-bench-'));
  const store = new ChainStore(dir);
  try {
    const genesis = devnetGenesis({ chainId: 'contracts-bench', validators: 4, genesisTime: 1_700_000_000_000n });
    const chain = new Chain(store, genesis, new NativeVerifier());
    const b = new Bench(chain);
    const sale = devKey('sale');

    // --- setup (not measured): templates approved, actors funded, the product graph --------------
    const templates = loadBaseTemplates();
    const designer = devKey('bench/designer');
    const committee = [0, 1].map(devCommitteeKey);
    const k = (n: string) => devKey(`bench/${n}`);
    const leafMakers = Array.from({ length: 16 }, (_, i) => k(`leaf-${i}`));
    const subMakers = Array.from({ length: 4 }, (_, i) => k(`sub-${i}`));
    const maker = k('maker');
    const consumers = Array.from({ length: 50 }, (_, i) => k(`consumer-${i}`));
    const senders = Array.from({ length: 200 }, (_, i) => k(`sender-${i}`));
    const funded = [designer, ...committee, ...leafMakers, ...subMakers, maker, ...consumers, ...senders];
    await b.run(funded.map((x) => b.tx(sale, { type: 'transfer', to: addressOf(x.publicKey), amount: dpn(1_000_000), memo: '' }, dpn(1))));
    const bom = templates['bill-of-materials'];
    await b.run([b.tx(designer, { type: 'submitTemplate', code: bom.code, designerFee: dpn(1) / 10n }, dpn(1))]);
    await b.run(committee.map((m) => b.tx(m, { type: 'reviewTemplate', template: bom.id, approve: true })));
    // Every product has its own lead time, as real ones do (timers of one second spill into the
    // next once a bucket holds TIMERS_PER_SECOND, so equal lead times would work too).
    let leadTimeMs = 3_600_000n;
    const product = (producer: KeyPair, name: string, price: bigint, parts: Uint8Array[]) => {
      leadTimeMs += 7_000n;
      const params = { parts: parts.map(toHex), guarantee: [], inspection: [], logistics: [], graceMs: 600_000, confirmWindowMs: 600_000 };
      const tx = b.tx(producer, {
        type: 'createProduct', template: bom.id, name, metadataUri: `https://example.test/${name}`, metadataHash: new Uint8Array(32),
        price, leadTimeMs, params: encodeProductParams(bom.template, paramsFromJson(bom.template, params)),
      });
      return { id: productId(addressOf(producer.publicKey), b.nonceOf(producer)), tx };
    };
    const leaves = leafMakers.map((m, i) => product(m, `part-${i}`, dpn(2), []));
    await b.run(leaves.map((l) => l.tx));
    const subs = subMakers.map((m, i) => product(m, `sub-assembly-${i}`, dpn(12), leaves.slice(4 * i, 4 * i + 4).map((l) => l.id)));
    await b.run(subs.map((s) => s.tx));
    const root = product(maker, 'assembly', dpn(60), subs.map((s) => s.id));
    await b.run([root.tx]);
    const rootCost = dpn(60) + dpn(1) / 10n;

    // --- reference: plain transfers on the same path ---------------------------------------------
    const sink = addressOf(k('sink').publicKey);
    const per = Math.ceil(TRANSFERS / senders.length);
    const transfers: Uint8Array[] = [];
    for (let n = 0; n < per; n++) for (const s of senders) transfers.push(b.tx(s, { type: 'transfer', to: sink, amount: 1000n + BigInt(n), memo: '' }, dpn(1) / 100n));
    let t0 = performance.now();
    const transferBlocks = await b.run(transfers);
    const transferRate = transfers.length / ((performance.now() - t0) / 1000);
    log(`${transfers.length} transfers in ${transferBlocks} blocks: ${Math.round(transferRate)} tx/s`);

    // --- the orders' whole life, all txs pre-signed ------------------------------------------------
    const places: Uint8Array[] = [];
    const ids: Uint8Array[] = [];
    for (let i = 0; i < ROOTS; i++) {
      const c = consumers[i % consumers.length]!;
      places.push(b.tx(c, { type: 'placeOrder', product: root.id, quantity: 1, maxTotal: rootCost, shipping: new Uint8Array(32) }));
      ids.push(rootOrderId(addressOf(c.publicKey), b.nonceOf(c)));
    }
    // Sub-order ids follow from the root's (children in parts order).
    const subIds = ids.map((r) => [0, 1, 2, 3].map((j) => childOrderId(r, j)));
    const fire = (key: KeyPair, order: Uint8Array, transition: string) => b.tx(key, { type: 'fireTransition', order, transition, args: new Uint8Array() });
    const leafFinishes = subIds.flatMap((ss) => ss.flatMap((s, j) => [0, 1, 2, 3].map((p) => fire(leafMakers[4 * j + p]!, childOrderId(s, p), 'finish'))));
    const subFinishes = subIds.flatMap((ss) => ss.map((s, j) => fire(subMakers[j]!, s, 'finish')));
    const rootFinishes = ids.map((r) => fire(maker, r, 'finish'));
    const confirms = ids.map((r, i) => fire(consumers[i % consumers.length]!, r, 'confirm'));
    const phases = [places, leafFinishes, subFinishes, rootFinishes, confirms];
    const allTxs = phases.flat();

    t0 = performance.now();
    let blocks = 0;
    const phaseSeconds: number[] = [];
    for (const phase of phases) {
      const p0 = performance.now();
      blocks += await b.run(phase);
      phaseSeconds.push((performance.now() - p0) / 1000);
    }
    const placeSeconds = phaseSeconds[0]!;
    const elapsed = (performance.now() - t0) / 1000;
    const orders = ROOTS * ORDERS_PER_ROOT;

    // Every tx succeeded and every order settled: otherwise the numbers would measure failures.
    let gas = 0n;
    for (const tx of allTxs) {
      const r = decodeTxReceipt(b.get(ContractKey.txReceipt(txHash(tx)))!);
      if (r.code !== '') throw new Error(`a lifecycle tx failed: ${r.code} ${r.message}`);
      gas += r.gasUsed;
    }
    for (const id of [...ids, ...subIds.flat()]) {
      const o = decodeOrderRecord(b.get(ContractKey.order(id))!);
      if (o.status !== 'settled') throw new Error(`order not settled: ${o.state}`);
    }
    await b.tick();
    log(`${ROOTS} root orders = ${orders} orders, ${allTxs.length} txs in ${blocks} blocks, ${elapsed.toFixed(2)} s (place / leaf finish / sub finish / root finish / confirm: ${phaseSeconds.map((x) => x.toFixed(2)).join(' / ')} s); head ${chain.head.height}`);

    const rate = orders / elapsed;
    emit({
      name: 'contracts.orders_per_s', value: Math.round(rate), unit: 'orders/s', ref: Math.round(transferRate), ratio: round(rate / transferRate, 3),
      shape: '3-level BOM: 1 root + 4 sub-assemblies + 16 parts = 21 orders, 23 txs each (place, 21 finish, confirm)',
      place_orders_per_s: Math.round(orders / placeSeconds), roots: ROOTS, blocks,
      note: 'real Chain (buildBlock + SMT state root + LMDB commit), one process, no consensus; ref = transfers/s on the same path',
    });
    emit({ name: 'contracts.gas_per_order', value: Math.round(Number(gas) / orders), unit: 'gas', gas_per_root_order: Math.round(Number(gas) / ROOTS) });
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
