/**
 * Two real Chains on their own LMDB stores — a proposer and a validator, each with its mempool —
 * and the steps between them without consensus or network: the proposer builds a block from the
 * txs it is given, the validator validates and commits it (with a commit signed by the dev
 * validator keys) and rechecks its pool. For mempool tests and the validator-path bench.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addressOf, decodeSignedTx, headerHash, signVote, toHex, txHash, txSender, VoteType,
  type Block, type Commit, type DuplicateVoteEvidence, type Genesis,
} from '@dipnet/protocol';
import { Chain, type Candidate } from '../chain.ts';
import { Mempool } from '../mempool.ts';
import { ChainStore } from '../store/chain-store.ts';
import { NativeVerifier } from '../crypto/native-verifier.ts';
import { devValidatorKey } from '../devnet/dev-keys.ts';

export interface PairNode {
  readonly chain: Chain;
  readonly mempool: Mempool;
  readonly store: ChainStore;
}

export class ChainPair {
  private lastCommit: Commit | null = null;
  private clock: bigint;
  readonly proposerAddress: Uint8Array;

  private constructor(readonly genesis: Genesis, readonly proposer: PairNode, readonly validator: PairNode, private readonly dirs: string[]) {
    this.clock = genesis.genesisTime;
    this.proposerAddress = addressOf(devValidatorKey(0).publicKey);
  }

  static async start(genesis: Genesis, maxPoolTxs = 100_000): Promise<ChainPair> {
    const dirs: string[] = [];
    const node = async (): Promise<PairNode> => {
      const dir = await mkdtemp(join(tmpdir(), 'dipnet-chain-pair-'));
      dirs.push(dir);
      const verifier = new NativeVerifier();
      const store = new ChainStore(dir);
      const chain = new Chain(store, genesis, verifier);
      return { chain, mempool: new Mempool(chain, verifier, maxPoolTxs), store };
    };
    return new ChainPair(genesis, await node(), await node(), dirs);
  }

  /** The proposer's next block from `txs` (signed tx encodings, in order), one second after the last. */
  async propose(txs?: readonly Uint8Array[], maxTxs = 5000): Promise<Block> {
    const candidates: Candidate[] = txs
      ? txs.map((bytes) => { const tx = decodeSignedTx(bytes); const hash = txHash(bytes); const senderAddress = txSender(tx.tx); return { bytes, tx, hash, id: toHex(hash), senderAddress, senderId: toHex(senderAddress) }; })
      : this.proposer.mempool.candidates(maxTxs);
    const { block, rejected } = await this.proposeWith({ candidates });
    if (rejected.length) throw new Error(`${rejected.length} txs rejected by the proposer`);
    return block;
  }

  /** The proposer's next block, `afterMs` of chain time after the last (default 1 s), with what it was given. */
  async proposeWith(o: { candidates?: readonly Candidate[]; evidence?: readonly DuplicateVoteEvidence[]; afterMs?: bigint }): Promise<{ block: Block; rejected: Candidate[]; unusableEvidence: DuplicateVoteEvidence[] }> {
    this.clock += o.afterMs ?? 1000n;
    return this.proposer.chain.buildBlock(this.clock, this.proposerAddress, o.candidates ?? [], o.evidence ?? [], this.lastCommit);
  }

  /** A commit of `block` signed by every dev validator. */
  commitFor(block: Block): Commit {
    const blockHash = headerHash(block.header);
    const set = this.proposer.chain.validatorSet(block.header.height);
    const keys = set.validators.map((_, i) => devValidatorKey(i));
    const signatures = set.validators.map((v, validatorIndex) => {
      const key = keys.find((k) => toHex(k.publicKey) === toHex(v.publicKey))!;
      const vote = { type: VoteType.precommit, height: block.header.height, round: 0, blockHash, validator: addressOf(v.publicKey) };
      return { validatorIndex, signature: signVote(this.genesis.chainId, vote, key.secretKey).signature };
    });
    return { height: block.header.height, round: 0, blockHash, signatures };
  }

  /** Validates and commits on the validator (its pool rechecked), and commits on the proposer. */
  async finalize(block: Block): Promise<void> {
    await this.validator.chain.validateBlock(block, this.proposerAddress, this.validator.mempool);
    this.commitOn(block, this.commitFor(block));
  }

  /** The commit the next block carries as its last commit (when the caller committed by itself). */
  adoptCommit(commit: Commit): void {
    this.lastCommit = commit;
  }

  /** Commits an already validated block on both (pools rechecked). */
  commitOn(block: Block, commit: Commit): void {
    for (const n of [this.proposer, this.validator]) {
      const exec = n.chain.commit(block, commit);
      n.mempool.recheck(exec.txIds, exec.senderIds);
    }
    this.lastCommit = commit;
  }

  async close(): Promise<void> {
    for (const n of [this.proposer, this.validator]) await n.store.close();
    for (const d of this.dirs) await rm(d, { recursive: true, force: true });
  }
}
