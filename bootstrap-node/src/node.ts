/**
 * A DIPNET full node: store, chain, mempool, consensus (when it holds a validator key), the
 * peer-to-peer network and block sync, assembled behind the `NodeApi` the relay and the
 * libp2p request protocols serve.
 */
import {
  ErrorCode, fail, DipnetError, toHex, headerHash, verifyCommit, equalBytes, decodeStatusResponse, encodeStatusRequest,
  encodeBlockRequest, decodeBlockResponse, evidenceHash, conflictEvidenceHash, isLunatic, commitVote, makeEvidence, type ConflictEvidence, addressOf, keyPairFromSecret, WireMethod, stateKeyHash, MAX_BLOCK_TXS,
  type Block, type Commit, type DuplicateVoteEvidence, type Genesis, type GenesisCommitment, type Header, type ValidatorSet, type UpgradePlan,
} from '@dipnet/protocol';
import { requiredUpgrade, SOFTWARE_VERSION } from './upgrade.ts';
import { nativeSigner } from './crypto/native-signer.ts';
import { governanceDueAt } from './governance/execute.ts';
import { ChainStore } from './store/chain-store.ts';
import { checkLmdbFile } from './store/store-integrity.ts';
import { StoreDamagedError, StoreWriteError, type WriteStallError } from './store/store-errors.ts';
import { HealthMonitor } from './health-monitor.ts';
import { SigningState } from './consensus/signing-state.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Chain } from './chain.ts';
import { getParams } from './state/accounts.ts';
import { Mempool } from './mempool.ts';
import { NativeVerifier } from './crypto/native-verifier.ts';
import { useNativeSha256 } from './crypto/native-hash.ts';
import { ConsensusEngine, DEFAULT_TIMEOUTS, type ConsensusTimeouts, type ConsensusLogger, type SignerState } from './consensus/engine.ts';
import { decodeConsensusMessage, encodeConsensusMessage } from './consensus/messages.ts';
import type { Network, NetworkHandlers, GossipVerdict } from './network.ts';
import type { FinalizedEvent, NodeApi, NodeHealth, NodeStatus, StateProofResult, TxStatus } from './node-api.ts';
import { decodeConflictEvidence, verifyConflictEvidence } from './conflict-evidence.ts';
import { createChainRequestHandler } from './p2p/chain-protocols.ts';
import { TxBatcher, decodeTxBatch } from './tx-gossip.ts';
import { ContractIndex } from './contracts-index/contract-index.ts';
import { simulateTx } from './contracts-index/simulate.ts';
import type { ContractsApi } from './contracts-index/api.ts';

export type NodeLogger = ConsensusLogger;

export interface NodeOptions {
  readonly dataDir: string;
  readonly genesis: Genesis;
  /** Ed25519 secret of this validator's consensus key; absent for a non-validating full node. */
  readonly validatorSecret?: Uint8Array;
  readonly timeouts?: Partial<ConsensusTimeouts>;
  readonly logger?: NodeLogger;
  /** Builds the network once the node's handlers exist. */
  readonly network: (handlers: NetworkHandlers) => Promise<Network>;
  /** This software's version, compared with scheduled upgrades (tests pretend an older one). */
  readonly softwareVersion?: string;
  /** The wall clock block times come from and are checked against (default Date.now; tests skew it). */
  readonly clock?: () => number;
  /**
   * The validator's signing state file (consensus/signing-state.ts), next to its key. Without it
   * (embedded nodes in tests) the chain store keeps the record, which a wiped store loses.
   */
  readonly signingStatePath?: string;
  /** Start a lost signing state afresh instead of refusing to sign (`--allow-missing-signing-state`). */
  readonly allowMissingSigningState?: boolean;
  /**
   * Called once if the store turns out damaged while the node runs; consensus has already stopped.
   * Default: stop the node. `dipnet node` exits with code 3 (exit-codes.ts).
   */
  readonly onFatal?: (e: StoreDamagedError) => void;
  /** How long the head may stay put while peers are ahead before health says stalled (default 30 s). */
  readonly headStallMs?: number;
  /** How long store writes may fail (full disk) before the node gives up (default 10 min; 0 = never). */
  readonly maxWriteStallMs?: number;
  /**
   * Called once when store writes have failed for maxWriteStallMs (already logged at error level).
   * Default: stop the node. `dipnet node` exits with code 5 (exit-codes.ts).
   */
  readonly onWriteStall?: (e: WriteStallError) => void;
}

/** What an operator does about a damaged store (also in the README, "Running a node"). */
export const STORE_RECOVERY = 'stop the node, move the data directory aside and resync into a fresh one (start with an empty dataDir); keep the validator key and its signing-state.json, which live outside the store';

const SYNC_INTERVAL_MS = 2000;
const MAX_PENDING_EVIDENCE = 64;
const silent: NodeLogger = { info() {}, warn() {}, error() {} };

export class DipnetNode implements NodeApi {
  readonly chain: Chain;
  readonly mempool: Mempool;
  private readonly verifier = new NativeVerifier();
  private readonly clock: () => number;
  private consensus: ConsensusEngine | null = null;
  private net!: Network;
  private readonly listeners = new Set<(e: FinalizedEvent) => void>();
  private readonly evidence = new Map<string, DuplicateVoteEvidence>();
  /** Lunatic light-client attacks waiting for a block, by evidence hash. */
  private readonly attacks = new Map<string, ConflictEvidence>();
  /** Conflict evidence already acted on (from a light client or a peer), by evidence hash. */
  private readonly seenConflicts = new Set<string>();
  private readonly conflictReports: { height: bigint; receivedAt: number }[] = [];
  private syncing: Promise<void> | null = null;
  private syncTimer: ReturnType<typeof setInterval> | null = null;
  private lastSyncRequest = 0;
  private commitQueue: Promise<unknown> = Promise.resolve();
  /** Set when the chain scheduled an upgrade to a version newer than this software. */
  private upgradeNeeded: UpgradePlan | null = null;
  private readonly softwareVersion: string;
  private readonly log: NodeLogger;
  private readonly validatorKey: { secretKey: Uint8Array; publicKey: Uint8Array } | null;
  private readonly txBatcher = new TxBatcher((batch) => this.net.publish('txs', batch));
  private contractIndex!: ContractIndex;
  private signing: SigningState | null = null;
  private fatal: StoreDamagedError | null = null;
  private readonly onFatal: ((e: StoreDamagedError) => void) | undefined;
  private readonly monitor: HealthMonitor;

  private constructor(private readonly store: ChainStore, opts: NodeOptions) {
    this.log = opts.logger ?? silent;
    this.softwareVersion = opts.softwareVersion ?? SOFTWARE_VERSION;
    this.clock = opts.clock ?? Date.now;
    this.chain = new Chain(store, opts.genesis, this.verifier);
    this.mempool = new Mempool(this.chain, this.verifier);
    this.validatorKey = opts.validatorSecret ? keyPairFromSecret(opts.validatorSecret) : null;
    this.onFatal = opts.onFatal;
    this.monitor = new HealthMonitor({
      now: this.clock, log: this.log, height: this.chain.head.height,
      ...(opts.headStallMs !== undefined ? { headStallMs: opts.headStallMs } : {}),
      ...(opts.maxWriteStallMs !== undefined ? { maxWriteStallMs: opts.maxWriteStallMs } : {}),
      onWriteStall: (e) => {
        if (opts.onWriteStall) opts.onWriteStall(e);
        else void this.stop().catch(() => undefined);
      },
    });
    store.onWriteFailure = (e) => this.monitor.writeFailed(e);
  }

  /**
   * Opens the store (its files checked first: store-integrity.ts), checks the head against its
   * block and state tree, opens the signing state, joins the network and starts consensus.
   * Throws StoreDamagedError for a damaged store and SigningStateError for an unusable signing state.
   */
  static async start(opts: NodeOptions): Promise<DipnetNode> {
    useNativeSha256();
    // The contract index is derived data in an LMDB environment of its own: check it before anything maps it.
    const indexFile = join(opts.dataDir, 'contracts-index', 'data.mdb');
    if (existsSync(indexFile)) {
      try {
        checkLmdbFile(indexFile);
      } catch (e) {
        if (e instanceof StoreDamagedError) e.message += ` (the contract index is derived data: delete ${join(opts.dataDir, 'contracts-index')} and it is rebuilt from the chain store)`;
        throw e;
      }
    }
    const store = new ChainStore(opts.dataDir);
    let node: DipnetNode;
    try {
      store.verifyHead();
      node = new DipnetNode(store, opts);
      store.onDamage = (e) => node.storeDamaged(e);
      if (node.validatorKey && opts.signingStatePath) node.signing = node.openSigningState(opts.signingStatePath, !!opts.allowMissingSigningState);
    } catch (e) {
      await store.close();
      throw e;
    }
    try {
      // Replays the stored blocks it has not indexed yet (all of them for an older store).
      node.contractIndex = ContractIndex.open(opts.dataDir, { headHeight: () => node.chain.head.height, getBlock: (h) => store.getBlock(h), smt: node.chain.smt });
    } catch (e) {
      await store.close();
      throw e;
    }
    try {
      node.net = await opts.network(node.handlers());
    } catch (e) {
      await node.contractIndex.close();
      await store.close();
      throw e;
    }
    node.log.info({ height: node.chain.head.height.toString(), peerId: node.net.peerId }, 'node started');
    if (node.validatorKey) {
      const signing = node.signing;
      // What was signed lives in the signing state file; the lock on a block stays in the chain store.
      const signerStore = signing
        ? { lastSigned: () => signing.lastSigned(), recordSigned: (s: SignerState) => signing.record(s), lockAt: (h: bigint) => store.lockAt(h), recordLock: (l: { height: bigint; round: number; block: Block }) => store.recordLock(l) }
        : store;
      node.consensus = new ConsensusEngine(
        node.consensusApp(),
        (m, repeat) => node.net.publish('consensus', encodeConsensusMessage(m), repeat),
        (k, m, s) => node.verifier.verify(k, m, s),
        { ...node.validatorKey, store: signerStore, sign: nativeSigner(node.validatorKey.secretKey) },
        { ...DEFAULT_TIMEOUTS, ...opts.timeouts },
        node.log,
      );
      node.consensus.start();
    }
    node.syncTimer = setInterval(() => {
      node.requestSync(true);
      node.monitor.check();
    }, SYNC_INTERVAL_MS);
    node.syncTimer.unref();
    return node;
  }

  get network(): Network {
    return this.net;
  }

  /** This validator's signing state: whether it signs, and what it signed last (null for a full node or an embedded one). */
  get signingState(): SigningState | null {
    return this.signing;
  }

  /** The damage found while running, if any (the node has stopped consensus). */
  get storeDamage(): StoreDamagedError | null {
    return this.fatal;
  }

  private openSigningState(path: string, allowMissing: boolean): SigningState {
    const me = addressOf(this.validatorKey!.publicKey);
    const set = this.chain.validatorSet(this.chain.head.height + 1n);
    const total = set.validators.reduce((a, v) => a + v.power, 0n);
    const mine = set.validators.find((v) => equalBytes(addressOf(v.publicKey), me))?.power ?? 0n;
    return SigningState.open(path, {
      genesisHash: toHex(this.chain.genesisHash), storeHeight: this.chain.head.height, legacy: this.store.lastSigned(),
      allowMissing, soleQuorum: mine * 3n > total * 2n, log: this.log,
    });
  }

  /** A read or write found the store damaged: stop signing at once, say what to do, and stop (or let the process exit). */
  private storeDamaged(e: StoreDamagedError): void {
    if (this.fatal) return;
    this.fatal = e;
    this.consensus?.stop();
    this.consensus = null;
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.log.error({ err: e.message, kind: e.kind, path: e.path, code: e.code, recovery: STORE_RECOVERY }, 'store damaged: stopping the node');
    if (this.onFatal) this.onFatal(e);
    else void this.stop().catch(() => undefined);
  }

  private stopping = false;

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.txBatcher.flush();
    this.consensus?.stop();
    await this.net.stop().catch((e) => this.log.warn({ err: String(e) }, 'network stop failed'));
    await this.syncing?.catch(() => undefined);
    await this.commitQueue.catch(() => undefined);
    await this.contractIndex.close();
    await this.store.close();
  }

  // ------------------------------------------------------------------ network handlers

  private handlers(): NetworkHandlers {
    return {
      // A message that was already on its way when the node began to stop is dropped: the store it would read is closing.
      onGossip: (topic, from, data) => (this.stopping ? 'ignore' : topic === 'txs' ? this.onGossipTx(data) : topic === 'evidence' ? this.onGossipEvidence(from, data) : this.onGossipConsensus(from, data)),
      onRequest: createChainRequestHandler(this),
      onFinalized: (listener) => this.onFinalized(listener),
    };
  }

  private onGossipTx(data: Uint8Array): GossipVerdict {
    let txs: Uint8Array[];
    try {
      txs = decodeTxBatch(data);
    } catch {
      return 'reject';
    }
    let added = 0;
    for (const tx of txs) {
      try {
        if (this.mempool.addIfNew(tx)) added++;
      } catch (e) {
        if (!(e instanceof DipnetError)) throw e;
        // Nonce and balance races are normal between honest nodes; only malformed or forged txs are the sender's fault.
        const forged = e.code === ErrorCode.TX_BAD_SIGNATURE || e.code.startsWith('DECODE_') || e.code === ErrorCode.TX_OVERSIZE || e.code === ErrorCode.TX_UNKNOWN_TYPE;
        if (forged) return 'reject';
      }
    }
    if (added === 0) return 'ignore';
    this.consensus?.workAvailable();
    return 'accept';
  }

  /** Conflict evidence a peer floods: checked against this node's own chain, then acted on (or the peer penalised). */
  private onGossipEvidence(from: string, data: Uint8Array): GossipVerdict {
    let ev: ConflictEvidence;
    try {
      ev = decodeConflictEvidence(data);
    } catch {
      return 'reject';
    }
    if (this.seenConflicts.has(toHex(conflictEvidenceHash(ev)))) return 'ignore';
    this.acceptConflict(ev).catch((e: unknown) => {
      if (e instanceof DipnetError && e.code === ErrorCode.EVIDENCE_INVALID) this.net.penalize(from, `invalid conflict evidence: ${e.message}`);
      else this.log.warn({ err: String(e) }, 'could not check gossiped conflict evidence');
    });
    return 'accept';
  }

  private onGossipConsensus(from: string, data: Uint8Array): GossipVerdict {
    let msg;
    try {
      msg = decodeConsensusMessage(data);
    } catch {
      return 'reject';
    }
    if (!this.consensus) {
      const h = msg.kind === 'proposal' ? msg.height : msg.vote.vote.height;
      if (h > this.chain.head.height + 1n) this.requestSync();
      return 'accept';
    }
    const ok = this.consensus.onMessage(msg);
    if (!ok) this.log.warn({ from }, 'invalid consensus message');
    return ok ? 'accept' : 'reject';
  }


  // ------------------------------------------------------------------ consensus application

  private consensusApp() {
    return {
      chainId: this.chain.chainId,
      headHeight: () => this.chain.head.height,
      headTime: () => this.chain.head.time,
      now: this.clock,
      validatorSet: (h: bigint) => this.chain.validatorSet(h),
      hasPendingWork: () => this.mempool.size > 0 || this.evidence.size > 0 || this.attacks.size > 0,
      hasFullBlockPending: () => this.mempool.size >= MAX_BLOCK_TXS,
      nextScheduledTime: () => governanceDueAt(this.chain.committedView(), this.chain.head.time),
      buildBlock: async (time: bigint, proposer: Uint8Array): Promise<Block> => {
        const lastCommit = this.chain.head.height === 0n ? null : this.store.getCommit(this.chain.head.height) ?? null;
        const { block, rejected, unusableEvidence, unusableAttacks } = await this.chain.buildBlock(
          time, proposer, this.mempool.candidates(5000), [...this.evidence.values()], lastCommit, [...this.attacks.values()],
        );
        this.mempool.remove(rejected.map((c) => c.id));
        // Evidence that can no longer be applied (already processed, too old) would otherwise look like work forever.
        for (const ev of unusableEvidence) this.evidence.delete(toHex(evidenceHash(ev)));
        for (const ev of unusableAttacks) this.attacks.delete(toHex(conflictEvidenceHash(ev)));
        return block;
      },
      synchrony: () => getParams(this.chain.committedView()),
      // Its time is judged by consensus on arrival (block-time.ts), not here: a re-proposed block keeps its first round's time.
      validateBlock: async (block: Block): Promise<void> => {
        await this.chain.validateBlock(block, null, this.mempool);
      },
      commitBlock: (block: Block, commit: Commit) => this.applyCommitted(block, commit),
      reportEvidence: (ev: DuplicateVoteEvidence) => {
        if (this.evidence.size < MAX_PENDING_EVIDENCE) this.evidence.set(toHex(evidenceHash(ev)), ev);
      },
      onBehind: () => this.requestSync(),
    };
  }

  /** Commits a block whose commit is verified; serialised with block sync. */
  private applyCommitted(block: Block, commit: Commit): Promise<void> {
    const run = this.commitQueue.then(() => {
      if (block.header.height !== this.chain.head.height + 1n) return;
      if (this.upgradeNeeded && block.header.height >= this.upgradeNeeded.activationHeight) return;
      const exec = this.chain.commit(block, commit);
      this.monitor.headAdvanced(block.header.height);
      this.checkUpgrade();
      this.mempool.recheck(exec.txIds, exec.senderIds);
      for (const ev of block.evidence) this.evidence.delete(toHex(evidenceHash(ev)));
      for (const ev of block.attacks) this.attacks.delete(toHex(conflictEvidenceHash(ev)));
      this.indexCommitted();
      const event: FinalizedEvent = { header: block.header, commit, txCount: block.txs.length };
      for (const l of this.listeners) {
        try {
          l(event);
        } catch (e) {
          this.log.warn({ err: String(e) }, 'finalised listener failed');
        }
      }
    });
    this.commitQueue = run.catch(() => undefined);
    return run;
  }

  /** Stops consensus before an activation height whose rules this software does not know. */
  private checkUpgrade(): void {
    const plan = requiredUpgrade((k) => this.chain.committedView().get(k), this.softwareVersion);
    if (!plan) return;
    const first = !this.upgradeNeeded;
    this.upgradeNeeded = plan;
    const at = { version: plan.version, activationHeight: plan.activationHeight.toString(), running: this.softwareVersion };
    if (this.chain.head.height + 1n >= plan.activationHeight) {
      if (this.consensus) {
        this.log.error(at, 'halting for a software upgrade: this node will not finalise blocks from the activation height on');
        this.consensus.stop();
        this.consensus = null;
      }
    } else if (first) {
      this.log.warn(at, 'software upgrade scheduled');
    }
  }

  /** The scheduled upgrade this node is waiting for, if it has halted or will halt for one. */
  get pendingUpgrade(): UpgradePlan | null {
    return this.upgradeNeeded;
  }

  /** The index is derived data: a failure is logged and retried at the next commit, never fatal to consensus. */
  private indexCommitted(): void {
    try {
      this.contractIndex.catchUp();
    } catch (e) {
      this.log.error({ err: String(e), height: this.chain.head.height.toString() }, 'contract index update failed');
    }
  }

  // ------------------------------------------------------------------ block sync

  /** Asks peers whether they are ahead; fetches, verifies and commits their blocks if so. */
  requestSync(periodic = false): void {
    const now = Date.now();
    if (this.syncing || (!periodic && now - this.lastSyncRequest < 300)) return;
    this.lastSyncRequest = now;
    this.syncing = this.sync().catch((e) => {
      // A failed write is already logged, rate-limited, by the health monitor.
      if (!(e instanceof StoreWriteError)) this.log.warn({ err: String(e) }, 'sync failed');
    }).finally(() => {
      this.syncing = null;
    });
  }

  private async sync(): Promise<void> {
    for (const peer of this.net.connectedPeers()) {
      let status;
      try {
        status = decodeStatusResponse(await this.net.request(peer, WireMethod.status, encodeStatusRequest(), 3000));
      } catch {
        continue;
      }
      if (!equalBytes(status.genesisHash, this.chain.genesisHash)) continue;
      this.signing?.peerHeight(status.height);
      this.monitor.peerHeight(peer, status.height);
      let fetched = 0;
      while (status.height > this.chain.head.height) {
        const height = this.chain.head.height + 1n;
        if (this.upgradeNeeded && height >= this.upgradeNeeded.activationHeight) return; // halted for an upgrade
        const resp = decodeBlockResponse(await this.net.request(peer, WireMethod.block, encodeBlockRequest({ height }), 10_000));
        const { block, commit } = resp;
        if (block.header.height !== height) {
          this.net.penalize(peer, 'sync: wrong block height');
          break;
        }
        await verifyCommit(this.chain.chainId, block.header, commit, this.chain.validatorSet(height), this.verifier);
        await this.chain.validateBlock(block, null, this.mempool);
        await this.applyCommitted(block, commit);
        fetched++;
      }
      if (fetched > 0) {
        this.log.info({ height: this.chain.head.height.toString(), fetched, peer }, 'synced');
        this.consensus?.resync();
      }
    }
  }

  // ------------------------------------------------------------------ NodeApi

  genesisCommitment(): GenesisCommitment {
    return this.chain.genesisCommitment;
  }

  status(): NodeStatus {
    const head = this.chain.head;
    return {
      chainId: this.chain.chainId,
      genesisHash: this.chain.genesisHash,
      height: head.height,
      headHash: head.blockHash,
      headTime: head.time,
      stateRoot: head.stateRoot,
      earliestStateHeight: head.height === 0n ? 0n : 1n,
      validator: this.validatorKey ? { address: addressOf(this.validatorKey.publicKey), publicKey: this.validatorKey.publicKey } : null,
      peers: this.net.connectedPeers().length,
      mempoolSize: this.mempool.size,
      multiaddrs: this.net.multiaddrs(),
    };
  }

  health(): NodeHealth {
    return this.monitor.health();
  }

  getHeader(height: bigint): Header | undefined {
    return this.store.getBlock(height)?.header;
  }

  getBlock(height: bigint): Block | undefined {
    return this.store.getBlock(height);
  }

  getCommit(height: bigint): Commit | undefined {
    return this.store.getCommit(height);
  }

  getValidatorSet(height: bigint): ValidatorSet | undefined {
    return this.store.getValidatorSet(height);
  }

  getStateProof(rawKey: Uint8Array, height: bigint): StateProofResult {
    if (height < 1n || height > this.chain.head.height) fail(ErrorCode.HEIGHT_NOT_AVAILABLE, `height ${height} is not between 1 and ${this.chain.head.height}`);
    const { value, proof, stateRoot } = this.chain.prove(rawKey, height);
    return { height, key: rawKey, value, proof, stateRoot };
  }

  async submitTx(bytes: Uint8Array): Promise<Uint8Array> {
    const hash = this.mempool.add(bytes);
    this.txBatcher.push(bytes);
    this.consensus?.workAvailable();
    return hash;
  }

  txStatus(hash: Uint8Array): TxStatus {
    const loc = this.store.getTx(hash);
    if (loc) return { status: 'committed', height: loc.height, index: loc.index, code: loc.code };
    return this.mempool.has(hash) ? { status: 'pending' } : { status: 'unknown' };
  }

  async submitConflictEvidence(bytes: Uint8Array): Promise<{ height: bigint }> {
    const ev = decodeConflictEvidence(bytes);
    const height = await this.acceptConflict(ev);
    this.net.publish('evidence', bytes);
    return { height };
  }

  /**
   * Checks conflict evidence against this node's chain (throws EVIDENCE_INVALID) and acts on it
   * once (protocol/src/conflict-evidence.ts): a lunatic header becomes attack evidence for the
   * next block; for another block with this chain's parent and sets, the validators that
   * precommitted both in one round become duplicate-vote evidence.
   */
  private async acceptConflict(ev: ConflictEvidence): Promise<bigint> {
    const height = await verifyConflictEvidence(this, ev, this.verifier);
    const id = toHex(conflictEvidenceHash(ev));
    if (this.seenConflicts.has(id)) return height;
    this.seenConflicts.add(id);
    this.conflictReports.push({ height, receivedAt: Date.now() });
    const ours = this.chain.store.getBlock(height)!.header;
    const lunatic = isLunatic(ours, ev.conflicting.header);
    const duplicates = lunatic ? [] : this.equivocations(ev);
    if (lunatic && this.attacks.size < MAX_PENDING_EVIDENCE) this.attacks.set(id, ev);
    for (const dv of duplicates) if (this.evidence.size < MAX_PENDING_EVIDENCE) this.evidence.set(toHex(evidenceHash(dv)), dv);
    this.log.error({ height: height.toString(), conflictingHash: toHex(headerHash(ev.conflicting.header)), kind: lunatic ? 'lunatic' : 'equivocation', duplicateVotes: duplicates.length }, 'a conflicting commit was reported');
    this.consensus?.workAvailable();
    return height;
  }

  /** Validators whose precommits for this chain's block and for the conflicting one are in the two commits, in the same round. */
  private equivocations(ev: ConflictEvidence): DuplicateVoteEvidence[] {
    const { header, commit, validatorSet } = ev.conflicting;
    const ours = this.store.getCommit(header.height);
    if (!ours || ours.round !== commit.round) return [];
    const set = this.chain.validatorSet(header.height);
    const theirs = new Map(commit.signatures.filter((s) => validatorSet.validators[s.validatorIndex]).map((s) => {
      const vote = commitVote(commit, validatorSet, s.validatorIndex);
      return [toHex(vote.validator), { vote, signature: s.signature }] as const;
    }));
    const out: DuplicateVoteEvidence[] = [];
    for (const s of ours.signatures) {
      const vote = commitVote(ours, set, s.validatorIndex);
      const other = theirs.get(toHex(vote.validator));
      if (other && !equalBytes(other.vote.blockHash, vote.blockHash)) out.push(makeEvidence({ vote, signature: s.signature }, other));
    }
    return out;
  }

  /** Conflicting-commit reports received from light clients (a fork attempt was seen). */
  conflicts(): readonly { height: bigint; receivedAt: number }[] {
    return this.conflictReports;
  }

  get contracts(): ContractsApi {
    return {
      index: this.contractIndex,
      stateValue: (rawKey, height) => this.stateValue(rawKey, height),
      simulateTx: (bytes) => simulateTx(this.chain, this.verifier, bytes),
    };
  }

  private stateValue(rawKey: Uint8Array, height: bigint): Uint8Array | undefined {
    const head = this.chain.head;
    // The head's values are in the value store (and cache); older heights are read through the SMT.
    if (height === head.height) return this.chain.committedView().get(rawKey);
    if (height < 1n || height > head.height) fail(ErrorCode.HEIGHT_NOT_AVAILABLE, `height ${height} is not between 1 and ${head.height}`);
    const root = this.store.getBlock(height)?.header.stateRoot ?? fail(ErrorCode.HEIGHT_NOT_AVAILABLE, `no block at height ${height}`);
    return this.chain.smt.get(root, stateKeyHash(rawKey));
  }

  onFinalized(listener: (e: FinalizedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
