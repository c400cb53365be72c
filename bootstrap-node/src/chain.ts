/**
 * The replicated application: committed state, block building and validation, and commit.
 * Consensus decides WHICH block is next; this decides whether a block is VALID and what state
 * it leads to. The header of block H carries the state root after executing H.
 */
import {
  ErrorCode, fail, DipnetError, SparseMerkleTree, stateKeyHash, buildSmt, equalBytes, toHex, txSender, indexOfAddress,
  decodeSignedTx, txHash, merkleRoot, HashTag, evidenceRootOf, lastCommitHashOf, headerHash, genesisCommitment, genesisCommitmentHash, encodeGenesis,
  validatorSetHash, verifyEvidence, verifyCommit, MAX_BLOCK_TXS, MAX_BLOCK_BYTES,
  type Block, type Commit, type Genesis, type GenesisCommitment, type Header, type SignedTx, type ValidatorSet, type DuplicateVoteEvidence,
  type SignatureVerifier, type ConflictEvidence, MAX_BLOCK_ATTACKS, isLunatic, attackSigners,
} from '@dipnet/protocol';
import { ChainStore, type Head } from './store/chain-store.ts';
import { signedTxSignBytes } from './crypto/tx-sign-bytes.ts';
import { StateView } from './state/state-view.ts';
import { applyTx, applyEvidence, applyAttack, beginBlock, endBlock } from './state/executor.ts';
import type { BlockContext } from './state/block-context.ts';
import { BLOCK_GAS_LIMIT } from './contracts/gas.ts';
import { applyGenesis } from './state/genesis-state.ts';
import { getParams, getSchedule } from './state/accounts.ts';
import { BoundedMap } from './bounded.ts';

export interface Execution {
  readonly blockHash: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly stateNodes: Map<string, Uint8Array>;
  readonly stateWrites: Map<string, Uint8Array | undefined>;
  readonly txHashes: Uint8Array[];
  /** The same ids in hex: the mempool's keys (handed on, so they are not encoded and hashed again). */
  readonly txIds: string[];
  /** Per tx: 'OK', or the error code of a contract tx that was included but failed. */
  readonly txCodes: string[];
  /** Hex addresses of the txs' signers (their nonces and balances changed). */
  readonly senderIds: string[];
  readonly nextSchedule: { current: ValidatorSet; next: ValidatorSet };
}

export interface Candidate {
  readonly bytes: Uint8Array;
  readonly tx: SignedTx;
  readonly hash: Uint8Array;
  /** `toHex(hash)`. */
  readonly id: string;
  readonly senderAddress: Uint8Array;
  /** `toHex(senderAddress)`. */
  readonly senderId: string;
}

/** Txs this node already decoded and whose signatures it checked (the mempool), by hex tx id. */
export interface KnownTxs {
  get(id: string): Pick<Candidate, 'tx' | 'senderAddress' | 'senderId'> | undefined;
  /** Block validation checked this tx's signature itself. */
  verifiedElsewhere(id: string): void;
  /** The signer's address and its hex, from a cache of recent signers. */
  signerOf(stx: SignedTx): { readonly address: Uint8Array; readonly id: string };
}


const VALUE_CACHE_MAX = 100_000;

function signerOf(stx: SignedTx): { address: Uint8Array; id: string } {
  const address = txSender(stx.tx);
  return { address, id: toHex(address) };
}

export class Chain {
  readonly chainId: string;
  readonly genesisHash: Uint8Array;
  readonly genesisCommitment: GenesisCommitment;
  readonly smt: SparseMerkleTree;
  private headState: Head;
  /** Executions of validated but not yet committed blocks, by block hash. */
  private readonly executions = new Map<string, Execution>();

  constructor(readonly store: ChainStore, readonly genesis: Genesis, readonly verifier: SignatureVerifier) {
    this.chainId = genesis.chainId;
    this.genesisCommitment = genesisCommitment(genesis);
    this.genesisHash = genesisCommitmentHash(this.genesisCommitment);
    this.smt = new SparseMerkleTree(store);
    const stored = store.genesisHex();
    if (stored !== undefined && stored !== toHex(encodeGenesis(genesis))) {
      fail(ErrorCode.INVALID_ARGUMENT, `store at ${store.path} belongs to a different genesis`);
    }
    // Blocks written before the genesis hash became a commitment to block 1's signers link to the old hash.
    const first = store.getBlock(1n)?.header;
    if (first && !equalBytes(first.prevHash, this.genesisHash)) {
      fail(ErrorCode.INVALID_ARGUMENT, `store at ${store.path} holds a chain whose block 1 does not link to this genesis hash (written by an older version): delete it to start a new chain`);
    }
    this.headState = store.head() ?? this.initGenesis();
  }

  private initGenesis(): Head {
    const view = new StateView(() => undefined);
    applyGenesis(view, this.genesis);
    const writes = new Map<string, Uint8Array | undefined>();
    const entries: [Uint8Array, Uint8Array][] = [];
    for (const { key, value } of view.entries()) {
      writes.set(toHex(key), value);
      if (value) entries.push([stateKeyHash(key), value]);
    }
    const { root, nodes } = buildSmt(entries);
    const set = getSchedule(view).current;
    const head: Head = { height: 0n, blockHash: this.genesisHash, stateRoot: root, time: this.genesis.genesisTime };
    this.store.writeGenesis(toHex(encodeGenesis(this.genesis)), head, nodes, writes, [[1n, set], [2n, set]]);
    return head;
  }

  get head(): Head {
    return this.headState;
  }

  headHeader(): Header | undefined {
    return this.headState.height === 0n ? undefined : this.store.getBlock(this.headState.height)?.header;
  }

  /** Validator set that signs block `height` (known up to head + 2). */
  validatorSet(height: bigint): ValidatorSet {
    const s = this.store.getValidatorSet(height);
    if (!s) fail(ErrorCode.HEIGHT_NOT_AVAILABLE, `no validator set for height ${height}`);
    return s;
  }

  /** Latest committed view of state. */
  committedView(): StateView {
    return new StateView(this.readCommitted);
  }

  /**
   * Committed values stay in memory once read (the hot accounts of a busy chain), and every
   * commit refreshes the keys it wrote, so reads skip LMDB and its copies on the tx path.
   */
  private readonly valueCache = new BoundedMap<string, Uint8Array | undefined>(VALUE_CACHE_MAX);
  private readonly readCommitted = (key: Uint8Array, id = toHex(key)): Uint8Array | undefined => {
    const cached = this.valueCache.get(id);
    if (cached !== undefined || this.valueCache.has(id)) return cached;
    const v = this.store.getValue(key);
    this.valueCache.set(id, v);
    return v;
  };

  private context(height: bigint, time: bigint, proposer: Uint8Array): BlockContext {
    return { chainId: this.chainId, height, time, proposer };
  }

  /**
   * Builds the next block from mempool candidates (in order), leaving out any tx that fails.
   * Returns the block and the candidates that were rejected (to evict from the mempool).
   */
  async buildBlock(
    time: bigint, proposer: Uint8Array, candidates: readonly Candidate[], evidence: readonly DuplicateVoteEvidence[], lastCommit: Commit | null,
    attacks: readonly ConflictEvidence[] = [],
  ): Promise<{ block: Block; rejected: Candidate[]; unusableEvidence: DuplicateVoteEvidence[]; unusableAttacks: ConflictEvidence[] }> {
    const height = this.headState.height + 1n;
    const ctx = this.context(height, time, proposer);
    const view = this.committedView();
    beginBlock(view, ctx);
    const rejected: Candidate[] = [];
    const txs: Uint8Array[] = [];
    const ids: Uint8Array[] = [];
    const txIds: string[] = [];
    const senderIds: string[] = [];
    let fees = 0n;
    let bytes = 0;
    let gas = 0;
    const codes: string[] = [];
    for (const c of candidates) {
      if (txs.length >= MAX_BLOCK_TXS || bytes + c.bytes.length > MAX_BLOCK_BYTES - 64 * 1024 || gas > BLOCK_GAS_LIMIT) break;
      try {
        const outcome = applyTx(view, ctx, c.tx, c.bytes.length, { txId: c.hash, sender: c.senderAddress });
        fees += outcome.fee;
        gas += outcome.gasUsed;
        codes.push(outcome.failure?.code ?? 'OK');
        txs.push(c.bytes);
        ids.push(c.hash);
        txIds.push(c.id);
        senderIds.push(c.senderId);
        bytes += c.bytes.length;
      } catch (e) {
        if (!(e instanceof DipnetError)) throw e;
        rejected.push(c);
      }
    }
    const usable: DuplicateVoteEvidence[] = [];
    const unusableEvidence: DuplicateVoteEvidence[] = [];
    for (const ev of evidence) {
      const child = view.child();
      try {
        await this.checkEvidence(ev, height, time, view);
        applyEvidence(child, ev, time);
        child.mergeInto(view);
        usable.push(ev);
      } catch (e) {
        if (!(e instanceof DipnetError)) throw e;
        unusableEvidence.push(ev);
      }
    }
    const usableAttacks: ConflictEvidence[] = [];
    const unusableAttacks: ConflictEvidence[] = [];
    for (const ev of attacks) {
      if (usableAttacks.length >= MAX_BLOCK_ATTACKS) break;
      const child = view.child();
      try {
        applyAttack(child, ev, await this.checkAttack(ev, height, time), time);
        child.mergeInto(view);
        usableAttacks.push(ev);
      } catch (e) {
        if (!(e instanceof DipnetError)) throw e;
        unusableAttacks.push(ev);
      }
    }
    endBlock(view, ctx, fees);
    const { root, nodes, writes } = this.commitView(view);
    const schedule = getSchedule(view);
    const prev = this.headHeader();
    const current = this.validatorSet(height);
    const header: Header = {
      chainId: this.chainId,
      height,
      time,
      prevHash: prev ? headerHash(prev) : this.genesisHash,
      lastCommitHash: lastCommitHashOf(lastCommit),
      txRoot: merkleRoot(HashTag.txRoot, ids),
      evidenceRoot: evidenceRootOf(usable, usableAttacks),
      stateRoot: root,
      validatorsHash: validatorSetHash(current),
      nextValidatorsHash: validatorSetHash(this.validatorSet(height + 1n)),
      proposer,
    };
    const block: Block = { header, txs, evidence: usable, attacks: usableAttacks, lastCommit };
    const hash = headerHash(header);
    this.executions.set(toHex(hash), { blockHash: hash, stateRoot: root, stateNodes: nodes, stateWrites: writes, txHashes: ids, txIds, txCodes: codes, senderIds, nextSchedule: schedule });
    return { block, rejected, unusableEvidence, unusableAttacks };
  }

  /**
   * Validates a proposed block for height head + 1: header links, roots, proposer, last commit,
   * every tx and every piece of evidence, and the state root it claims. Throws BLOCK_INVALID.
   */
  async validateBlock(block: Block, expectedProposer: Uint8Array | null, pool?: KnownTxs): Promise<Execution> {
    const h = block.header;
    const hash = headerHash(h);
    const known = this.executions.get(toHex(hash));
    if (known) return known;
    const height = this.headState.height + 1n;
    const bad: (why: string) => never = (why) => fail(ErrorCode.BLOCK_INVALID, `block ${height}: ${why}`);
    if (h.chainId !== this.chainId) bad('wrong chain id');
    if (h.height !== height) bad(`height ${h.height} is not ${height}`);
    if (h.time <= this.headState.time) bad('time does not increase');
    const prev = this.headHeader();
    if (!equalBytes(h.prevHash, prev ? headerHash(prev) : this.genesisHash)) bad('prevHash does not link to the head');
    if (expectedProposer && !equalBytes(h.proposer, expectedProposer)) bad('proposer is not the one for this round');
    if (indexOfAddress(this.validatorSet(height), h.proposer) < 0) bad('proposer is not in the validator set');
    if (!equalBytes(h.validatorsHash, validatorSetHash(this.validatorSet(height)))) bad('validatorsHash mismatch');
    if (!equalBytes(h.nextValidatorsHash, validatorSetHash(this.validatorSet(height + 1n)))) bad('nextValidatorsHash mismatch');
    // Each tx is hashed once, for the tx root and for its id below.
    const ids = block.txs.map(txHash);
    if (!equalBytes(h.txRoot, merkleRoot(HashTag.txRoot, ids))) bad('txRoot mismatch');
    if (!equalBytes(h.evidenceRoot, evidenceRootOf(block.evidence, block.attacks))) bad('evidenceRoot mismatch');
    if (!equalBytes(h.lastCommitHash, lastCommitHashOf(block.lastCommit))) bad('lastCommitHash mismatch');
    if (height > 1n) {
      if (!block.lastCommit || !prev) bad('missing last commit');
      await verifyCommit(this.chainId, prev, block.lastCommit, this.validatorSet(height - 1n), this.verifier);
    } else if (block.lastCommit) bad('block 1 cannot carry a last commit');

    const ctx = this.context(height, h.time, h.proposer);
    const view = this.committedView();
    beginBlock(view, ctx);
    let fees = 0n;
    let gas = 0;
    const codes: string[] = [];
    const hashes: Uint8Array[] = [];
    const txIds: string[] = [];
    const senderIds: string[] = [];
    for (let i = 0; i < block.txs.length; i++) {
      const bytes = block.txs[i]!;
      // Only the last tx of a block may take its gas past the block limit.
      if (gas > BLOCK_GAS_LIMIT) bad(`txs after the block gas limit (${BLOCK_GAS_LIMIT}) was reached`);
      const id = ids[i]!;
      const hexId = toHex(id);
      // Txs from our own mempool were decoded and their signatures checked on arrival.
      const pooled = pool?.get(hexId);
      let stx: SignedTx;
      let sender: Uint8Array;
      let senderId: string;
      if (pooled) {
        stx = pooled.tx;
        sender = pooled.senderAddress;
        senderId = pooled.senderId;
      } else {
        stx = decodeSignedTx(bytes);
        if (stx.tx.chainId !== this.chainId) bad('tx for another chain');
        if (!(await this.verifier.verify(stx.tx.signer, signedTxSignBytes(bytes, stx.tx.chainId), stx.signature))) bad('tx with a bad signature');
        pool?.verifiedElsewhere(hexId);
        const signer = pool ? pool.signerOf(stx) : signerOf(stx);
        sender = signer.address;
        senderId = signer.id;
      }
      try {
        const outcome = applyTx(view, ctx, stx, bytes.length, { txId: id, sender });
        fees += outcome.fee;
        gas += outcome.gasUsed;
        codes.push(outcome.failure?.code ?? 'OK');
      } catch (e) {
        if (e instanceof DipnetError) bad(`tx ${toHex(id).slice(0, 16)} is invalid: ${e.code}`);
        throw e;
      }
      hashes.push(id);
      txIds.push(hexId);
      senderIds.push(senderId);
    }
    for (const ev of block.evidence) {
      await this.checkEvidence(ev, height, h.time, view);
      applyEvidence(view, ev, h.time);
    }
    for (const ev of block.attacks) applyAttack(view, ev, await this.checkAttack(ev, height, h.time), h.time);
    endBlock(view, ctx, fees);
    const { root, nodes, writes } = this.commitView(view);
    if (!equalBytes(root, h.stateRoot)) bad('state root does not match execution');
    const exec: Execution = { blockHash: hash, stateRoot: root, stateNodes: nodes, stateWrites: writes, txHashes: hashes, txIds, txCodes: codes, senderIds, nextSchedule: getSchedule(view) };
    this.executions.set(toHex(hash), exec);
    return exec;
  }

  /**
   * Double-sign evidence is admissible while its signer's stake may still be bonded: until the
   * unbonding period (chain time, from the current params) has passed since the block it is about.
   */
  private async checkEvidence(ev: DuplicateVoteEvidence, height: bigint, time: bigint, view: StateView): Promise<void> {
    const at = ev.voteA.vote.height;
    this.checkEvidenceAge(at, height, time, view);
    await verifyEvidence(this.chainId, ev, this.validatorSet(at), this.verifier);
  }

  /**
   * A lunatic light-client attack (protocol/src/conflict-evidence.ts) on a height this chain
   * finalised, within the unbonding period: its commit is valid under the set it names, and at
   * least one validator of this chain's set at that height signed it. Returns those validators.
   */
  async checkAttack(ev: ConflictEvidence, height: bigint, time: bigint): Promise<Uint8Array[]> {
    const { header, commit, validatorSet } = ev.conflicting;
    const at = header.height;
    if (at < 1n) fail(ErrorCode.EVIDENCE_INVALID, 'a conflicting header is at height 1 or above');
    this.checkEvidenceAge(at, height, time, this.committedView());
    const ours = this.store.getBlock(at)!.header;
    if (!isLunatic(ours, header)) fail(ErrorCode.EVIDENCE_INVALID, `the conflicting header at ${at} has this chain's parent and validator sets: not a lunatic attack`);
    try {
      await verifyCommit(this.chainId, header, commit, validatorSet, this.verifier);
    } catch (e) {
      fail(ErrorCode.EVIDENCE_INVALID, `the conflicting commit does not verify: ${(e as Error).message}`);
    }
    const signers = await attackSigners(this.chainId, ev, this.validatorSet(at), this.verifier);
    if (signers.length === 0) fail(ErrorCode.EVIDENCE_INVALID, `no validator of this chain at height ${at} signed the conflicting header`);
    return signers;
  }

  /** Evidence about height `at` is admissible in block `height` until the unbonding period has passed since block `at`. */
  private checkEvidenceAge(at: bigint, height: bigint, time: bigint, view: StateView): void {
    if (at >= height) fail(ErrorCode.EVIDENCE_INVALID, `evidence height ${at} is not below the block's height ${height}`);
    const atTime = at === 0n ? this.genesis.genesisTime : this.store.getBlock(at)?.header.time;
    if (atTime === undefined) fail(ErrorCode.EVIDENCE_INVALID, `evidence height ${at} is not a stored block`);
    const unbonding = getParams(view).unbondingPeriodMs;
    if (time - atTime > unbonding) fail(ErrorCode.EVIDENCE_INVALID, `evidence from height ${at} is older than the unbonding period (${unbonding} ms of chain time)`);
  }

  private commitView(view: StateView): { root: Uint8Array; nodes: Map<string, Uint8Array>; writes: Map<string, Uint8Array | undefined> } {
    const writes = new Map<string, Uint8Array | undefined>();
    const entries: [Uint8Array, Uint8Array | undefined][] = [];
    for (const { key, value } of view.entries()) {
      writes.set(toHex(key), value);
      entries.push([stateKeyHash(key), value]);
    }
    const { root, nodes } = this.smt.update(this.headState.stateRoot, entries);
    return { root, nodes, writes };
  }

  /** Persists a validated block with its commit (which the caller has verified). */
  commit(block: Block, commit: Commit): Execution {
    const hash = headerHash(block.header);
    const exec = this.executions.get(toHex(hash));
    if (!exec) fail(ErrorCode.BLOCK_INVALID, 'committing a block that was not validated');
    const height = block.header.height;
    const head: Head = { height, blockHash: hash, stateRoot: exec.stateRoot, time: block.header.time };
    this.store.commitBlock({
      block, commit, head,
      stateNodes: exec.stateNodes,
      stateWrites: exec.stateWrites,
      txHashes: exec.txHashes,
      txCodes: exec.txCodes,
      validatorSets: [[height + 2n, exec.nextSchedule.next]],
    });
    this.headState = head;
    for (const [k, v] of exec.stateWrites) if (this.valueCache.has(k)) this.valueCache.set(k, v);
    this.executions.clear();
    return exec;
  }

  /** A state value with its proof at a retained height. */
  prove(rawKey: Uint8Array, height: bigint): { value: Uint8Array | undefined; proof: ReturnType<SparseMerkleTree['prove']>; stateRoot: Uint8Array } {
    const root = height === this.headState.height ? this.headState.stateRoot
      : height === 0n ? fail(ErrorCode.HEIGHT_NOT_AVAILABLE, 'height 0 has no header')
      : (this.store.getBlock(height)?.header.stateRoot ?? fail(ErrorCode.HEIGHT_NOT_AVAILABLE, `no block at height ${height}`));
    const key = stateKeyHash(rawKey);
    return { value: this.smt.get(root, key), proof: this.smt.prove(root, key), stateRoot: root };
  }
}
