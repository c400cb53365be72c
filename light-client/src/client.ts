/**
 * The light client: a trust root (genesis hash or pinned checkpoint), a window of verified
 * headers grown by skipping or sequential verification, witness cross-checks on every new head,
 * Merkle-proven reads, and a wallet that signs with a nonce read from a proven account.
 * Nothing a source says is returned or trusted before it is verified.
 *
 * This file is the facade: it builds the parts (client/*.ts, split as CometBFT splits `light/`)
 * around one shared state, wires them to each other, and answers the LightClient API with them.
 * It imports no transport and no store: `createLightClientWith` gets them from `parts`;
 * `createLightClient` (create.ts) and `createRelayOnlyLightClient` (relay-only.ts) supply them.
 */
import { DEFAULT_CLIENT_CLOCK_DRIFT_MS, LightError, LightErrorCode, type SignatureVerifier } from '@dipnet/protocol';
import type {
  ConflictReport, ContractTxStage, CreateProductRequest, CreateProductResult, DecideResolutionRequest, DecideResolutionResult, FireTransitionRequest, FireTransitionResult,
  GovTxStage, LightClient, LightClientOptions, LightClientStats, PlaceOrderRequest, PlaceOrderResult, SyncProgress, TransferRequest, TransferResult, TransferStage,
  VerifiedAccount, VerifiedBallot, VerifiedElection, VerifiedGovernance, VerifiedHead, VerifiedMembership, VerifiedOrder, VerifiedOrderTree, VerifiedParams,
  VerifiedProduct, VerifiedReceipt, VerifiedResolution, VerifiedResolutions, VerifiedState, VerifiedTally, VerifiedTemplate, VerifiedToken, VerifiedTokenBalance,
  VoteRequest, VoteResult, Freshness, PendingTx, TxOutcome,
} from './api.ts';
import { ContractReader, createProduct, fireTransition, idBytes, placeOrder } from './contracts.ts';
import { GovernanceReader, addressBytes, decideResolution, vote } from './governance.ts';
import { createEd25519Verifier } from './verify/ed25519.ts';
import { SourcePool } from './transport/pool.ts';
import type { LightSource } from './transport/types.ts';
import type { LightStore } from './store/types.ts';
import { generateWallet, importWallet } from './wallet/wallet.ts';
import { ClientState } from './client/state.ts';
import { Persistence } from './client/persistence.ts';
import { WitnessChecker } from './client/witness.ts';
import { TrustRootKeeper } from './client/trust-root.ts';
import { Syncer } from './client/sync.ts';
import { Follower } from './client/follow.ts';
import { FreshnessWatch } from './client/freshness.ts';
import { Reads } from './client/reads.ts';
import { TxSender } from './client/tx-submit.ts';
import { PendingTxs } from './client/pending.ts';
import { transfer, type TransferHost } from './client/transfer.ts';
import { watchOrder } from './client/watch-order.ts';

/** What a light client is built from: its sources and its store, made once per client. */
export interface LightClientParts {
  /** The sources, in the order they are asked; `stop` runs after they are closed (a shared libp2p node). */
  sources(options: LightClientOptions): { readonly sources: readonly LightSource[]; readonly stop?: () => Promise<void> };
  store(options: LightClientOptions): LightStore;
}

/** Creates a light client from `parts`, restores or establishes its trust root, and syncs to the sources' head. */
export async function createLightClientWith(options: LightClientOptions, parts: LightClientParts): Promise<LightClient> {
  const c = new Client(options, parts);
  try {
    await c.start();
  } catch (e) {
    await c.close().catch(() => undefined);
    throw e;
  }
  return c;
}

class Client implements LightClient {
  readonly chainId: string;
  private readonly pool: SourcePool;
  private readonly stopSources: (() => Promise<void>) | undefined;
  private readonly s: ClientState;
  private readonly persistence: Persistence;
  private readonly witness: WitnessChecker;
  private readonly trustRoot: TrustRootKeeper;
  private readonly syncer: Syncer;
  private readonly follower: Follower;
  private readonly fresh: FreshnessWatch;
  private readonly reads: Reads;
  private readonly sender: TxSender;
  private readonly txs: PendingTxs;
  private readonly contracts: ContractReader;
  private readonly governance: GovernanceReader;
  private readonly host: TransferHost;

  constructor(opts: LightClientOptions, parts: LightClientParts) {
    if (typeof opts.chainId !== 'string' || opts.chainId.length === 0) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'chainId is required');
    if (opts.trustingPeriodMs !== undefined && !(opts.trustingPeriodMs > 0)) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'trustingPeriodMs must be positive');
    this.chainId = opts.chainId;
    const { sources, stop } = parts.sources(opts);
    this.stopSources = stop;
    if (sources.length === 0) throw new LightError(LightErrorCode.LC_NO_SOURCES, 'give at least one relay URL, multiaddr or source');
    this.pool = new SourcePool(sources, opts.now ?? Date.now);
    const s = this.s = new ClientState(opts, this.pool, parts.store(opts));

    this.persistence = new Persistence(s);
    this.witness = new WitnessChecker(s, () => this.follower.unsubscribe());
    this.syncer = new Syncer(s, {
      crossCheck: (p, lb, before, g) => this.witness.crossCheck(p, lb, before, g),
      persist: () => this.persistence.persist(),
      onNewHead: () => {
        this.fresh.onNewHead();
        this.txs.onNewHead();
      },
    });
    this.reads = new Reads(s, (h) => this.sync(h));
    this.trustRoot = new TrustRootKeeper(s, {
      getParams: () => this.reads.getParams(),
      crossCheck: (p, lb, before, g) => this.witness.crossCheck(p, lb, before, g),
      writeRoot: () => this.persistence.writeRoot(),
      emitHead: () => this.syncer.emitHead(),
    });
    this.follower = new Follower(s, { advance: (src, goal, target) => this.syncer.advance(src, goal, target) });
    this.fresh = new FreshnessWatch(s, {
      headOf: (src) => this.follower.headOf(src),
      verifyHeadFrom: (src, h) => this.follower.verifyHeadFrom(src, h),
      followed: () => this.follower.followed,
      switchSubscription: (from, to) => this.follower.switchSubscription(from, to),
    });
    this.sender = new TxSender(s);
    this.txs = new PendingTxs(s, this.reads);
    this.contracts = new ContractReader(this.reads);
    this.governance = new GovernanceReader(this.reads);
    this.host = {
      chainId: this.chainId,
      ensureUsable: () => s.ensureUsable(),
      ensureFresh: () => this.fresh.ensureFresh(),
      wallet: () => s.wallet ?? (() => { throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'no wallet: create or import one first'); })(),
      following: () => opts.follow !== false && this.follower.followed !== null,
      now: () => s.now(),
      headTime: () => s.latest.header.time,
      sync: () => this.sync(),
      getState: (k, o) => this.reads.getState(k, o),
      getAccount: (a, o) => this.reads.getAccount(a, o),
      getParams: () => this.reads.getParams(),
      submit: (b, onHint) => this.sender.submitTx(b, onHint),
      hints: (h, onHint) => this.sender.hintWatcher(h, onHint),
      stillPending: (p, waitedMs, refusal) => this.txs.stillPending(p, waitedMs, refusal),
      rememberSent: (p) => this.txs.rememberSent(p),
      forgetSent: (p) => this.txs.forgetSent(p),
      proveTxFate: (p) => this.txs.proveTxFate(p),
      resender: (b) => this.sender.resender(b),
      simulate: (build) => this.sender.simulateHint(build),
      nextHead: (ms) => this.sender.nextHead(ms),
    };
  }

  // ------------------------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    const s = this.s;
    // Independent of each other, so overlapped: the verifier's set-up, opening and reading the
    // store's trusted state and its wallet, and the first source's (unverified) status, which the
    // sync below asks for whether the client resumes or starts from its trust root.
    const first = this.pool.usable()[0]!;
    const status = first.status();
    status.catch(() => undefined);
    const p = this.persistence;
    const [verifier, resumed] = await Promise.all([s.opts.verifier ?? createEd25519Verifier(), p.restore(), p.restoreWallet(), p.restorePending(this.txs.pending)]);
    const stats = s.stats;
    const counting: SignatureVerifier = { verify: (pk, m, sig) => { stats.signaturesVerified++; return verifier.verify(pk, m, sig); } };
    s.verify = { chainId: this.chainId, trustingPeriodMs: s.trustingPeriodMs, maxClockDriftMs: s.opts.maxClockDriftMs ?? DEFAULT_CLIENT_CLOCK_DRIFT_MS, now: s.now, verifier: counting, sets: s.sets, stats };

    if (!resumed) await this.trustRoot.initFromTrustRoot();
    // Only an unset trusting period is learnt here; what was trusted under "no limit yet" is
    // checked again: a stored head that is too old is dropped, a root that is too old refused.
    if (!(await this.trustRoot.settleTrustingPeriod())) {
      if (!resumed) this.trustRoot.checkRootAge(s.latest.header, 'genesisHash' in s.opts.trust ? 'genesis' : 'checkpoint');
      await p.rebuild(`stored head ${s.latest.header.height} is older than the trusting period`);
      s.forgetTrusted();
      await this.trustRoot.initFromTrustRoot();
    }
    await this.syncer.syncNow(undefined, { source: first, status });
    await p.rootWritten();
    if (s.opts.follow !== false) this.follower.follow();
    this.fresh.start();
    // Txs sent before a reload are still checked until their fate is proven.
    if (this.txs.pending.size > 0) this.txs.checkPending();
  }

  async close(): Promise<void> {
    const s = this.s;
    if (s.closed) return;
    s.closed = true;
    this.follower.close();
    this.fresh.stop();
    await s.drained();
    await this.persistence.settled();
    await this.pool.close();
    await this.stopSources?.().catch(() => undefined);
    await s.store.close().catch(() => undefined);
  }

  // ------------------------------------------------------------------------------- sync, reads

  head(): VerifiedHead {
    return this.s.head();
  }

  sync(height?: bigint): Promise<VerifiedHead> {
    return this.syncer.sync(height);
  }

  freshness(): Freshness {
    return this.fresh.freshness();
  }

  getState(rawKey: Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedState> {
    return this.reads.getState(rawKey, opts);
  }

  getAccount(address: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedAccount> {
    return this.reads.getAccount(address, opts);
  }

  getParams(): Promise<VerifiedParams> {
    return this.reads.getParams();
  }

  // ------------------------------------------------------------------------------- wallet, txs

  walletAddress(): string | null {
    return this.s.wallet?.addressText ?? null;
  }

  async createWallet(opts: { extractable?: boolean } = {}): Promise<string> {
    const { wallet, stored } = await generateWallet(opts);
    await this.s.store.saveWallet(stored);
    this.s.wallet = wallet;
    return wallet.addressText;
  }

  async importWallet(secretKey: Uint8Array): Promise<string> {
    const { wallet, stored } = importWallet(secretKey);
    await this.s.store.saveWallet(stored);
    this.s.wallet = wallet;
    return wallet.addressText;
  }

  transfer(req: TransferRequest, onProgress?: (s: TransferStage) => void): Promise<TransferResult> {
    return transfer(this.host, req, onProgress);
  }

  pendingTxs(): PendingTx[] {
    return this.txs.pendingTxs();
  }

  onTxOutcome(listener: (o: TxOutcome) => void): () => void {
    return this.txs.onTxOutcome(listener);
  }

  // ------------------------------------------------------------------------------- contracts

  async getTemplate(id: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedTemplate> {
    return this.contracts.template(idBytes(id, 'template id'), opts);
  }

  async getProduct(id: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedProduct> {
    return this.contracts.product(idBytes(id, 'product id'), opts);
  }

  async getOrder(id: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedOrder> {
    return this.contracts.order(idBytes(id, 'order id'), opts);
  }

  async getOrderTree(id: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedOrderTree> {
    return (await this.contracts.tree(idBytes(id, 'order id'), opts)).tree;
  }

  async getReceipt(hash: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedReceipt | null> {
    return this.contracts.receipt(idBytes(hash, 'tx hash'), opts);
  }

  watchOrder(id: string | Uint8Array, listener: (t: VerifiedOrderTree) => void, onError?: (e: unknown) => void): () => void {
    return watchOrder(this.s, this.contracts, (l) => this.onHead(l), idBytes(id, 'order id'), listener, onError);
  }

  placeOrder(req: PlaceOrderRequest, onProgress?: (s: ContractTxStage) => void): Promise<PlaceOrderResult> {
    return placeOrder(this.host, this.contracts, req, onProgress);
  }

  fireTransition(req: FireTransitionRequest, onProgress?: (s: ContractTxStage) => void): Promise<FireTransitionResult> {
    return fireTransition(this.host, this.contracts, req, onProgress);
  }

  createProduct(req: CreateProductRequest, onProgress?: (s: ContractTxStage) => void): Promise<CreateProductResult> {
    return createProduct(this.host, this.contracts, req, onProgress);
  }

  // ------------------------------------------------------------------------------- governance, tokens

  getGovernance(opts: { height?: bigint } = {}): Promise<VerifiedGovernance> {
    return this.governance.governance(opts);
  }

  getElection(id: bigint, opts: { height?: bigint; tallies?: boolean } = {}): Promise<VerifiedElection> {
    return this.governance.election(id, opts);
  }

  async getCandidateTally(election: bigint, candidate: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedTally> {
    return this.governance.tally(election, addressBytes(candidate, 'candidate'), opts);
  }

  async getHolderBallot(election: bigint, holder: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedBallot> {
    return this.governance.ballot(election, addressBytes(holder, 'holder'), opts);
  }

  async getResolution(id: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedResolution> {
    return this.governance.resolution(idBytes(id, 'resolution id'), opts);
  }

  getResolutions(opts: { height?: bigint } = {}): Promise<VerifiedResolutions> {
    return this.governance.resolutions(opts);
  }

  async isBoardMember(address: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedMembership> {
    return this.governance.isBoardMember(addressBytes(address, 'address'), opts);
  }

  async getToken(id: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedToken> {
    return this.governance.token(idBytes(id, 'token id'), opts);
  }

  async getTokenBalance(token: string | Uint8Array, holder: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedTokenBalance> {
    return this.governance.tokenBalance(idBytes(token, 'token id'), addressBytes(holder, 'holder'), opts);
  }

  vote(req: VoteRequest, onProgress?: (s: GovTxStage) => void): Promise<VoteResult> {
    return vote(this.host, this.governance, req, onProgress);
  }

  decideResolution(req: DecideResolutionRequest, onProgress?: (s: GovTxStage) => void): Promise<DecideResolutionResult> {
    return decideResolution(this.host, this.governance, req, onProgress);
  }

  // ------------------------------------------------------------------------------- events, info

  onHead(listener: (h: VerifiedHead) => void): () => void {
    this.s.headListeners.add(listener);
    return () => this.s.headListeners.delete(listener);
  }

  onSyncProgress(listener: (p: SyncProgress) => void): () => void {
    this.s.progressListeners.add(listener);
    return () => this.s.progressListeners.delete(listener);
  }

  onConflict(listener: (r: ConflictReport) => void): () => void {
    this.s.conflictListeners.add(listener);
    return () => this.s.conflictListeners.delete(listener);
  }

  onFreshness(listener: (f: Freshness) => void): () => void {
    this.s.freshnessListeners.add(listener);
    return () => this.s.freshnessListeners.delete(listener);
  }

  conflict(): ConflictReport | null {
    return this.s.halted;
  }

  sources() {
    return this.pool.info();
  }

  stats(): LightClientStats {
    return { ...this.s.stats };
  }

  storageEstimate() {
    return this.s.store.estimate();
  }
}
