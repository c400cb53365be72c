/**
 * The light client: a trust root (genesis hash or pinned checkpoint), a window of verified
 * headers grown by skipping or sequential verification, witness cross-checks on every new head,
 * Merkle-proven reads, and a wallet that signs with a nonce read from a proven account.
 * Nothing a source says is returned or trusted before it is verified.
 */
import {
  LightError, LightErrorCode, LYING_CODES, isLightError, equalBytes, fromHex, toHex, headerHash, decodeHeader,
  decodeValidatorSet, encodeHeader, encodeValidatorSet, encodeConflictEvidence, verifyCommitLight, verifyCommitLightTrusting,
  verifyBackwards, verifyStateAnswer, checkWithinTrustingPeriod, StateKey, decodeAccount, decodeParams,
  parseAddress, formatAddress, txHash, EMPTY_ACCOUNT, prepareValidatorSet, ErrorCode, spendable, formatDpn,
  verifyGenesisRoot, DEFAULT_CLIENT_CLOCK_DRIFT_MS, ContractKey, decodeTxReceipt, merkleRoot, HashTag, type GenesisCommitment, type Header, type LightBlock, type SignatureVerifier,
} from '@dipnet/protocol';
import type {
  ConflictReport, ContractTxStage, CreateProductRequest, CreateProductResult, DecideResolutionRequest, DecideResolutionResult, FireTransitionRequest, FireTransitionResult,
  GovTxStage, LightClient, LightClientOptions, LightClientStats, PlaceOrderRequest, PlaceOrderResult, SyncProgress, TransferRequest, TransferResult, TransferStage,
  VerifiedAccount, VerifiedBallot, VerifiedElection, VerifiedGovernance, VerifiedHead, VerifiedMembership, VerifiedOrder, VerifiedOrderTree, VerifiedParams,
  VerifiedProduct, VerifiedReceipt, VerifiedResolution, VerifiedResolutions, VerifiedState, VerifiedTally, VerifiedTemplate, VerifiedToken, VerifiedTokenBalance,
  VoteRequest, VoteResult, Freshness, PendingTx, TxHint, TxOutcome,
} from './api.ts';
import { notExecuted, pendingFromRecord, pendingRecord, waitFor } from './tx-fate.ts';
import { ContractReader, createProduct, fireTransition, idBytes, placeOrder, type ContractTxHost } from './contracts.ts';
import { GovernanceReader, addressBytes, decideResolution, vote } from './governance.ts';
import { ValidatorSetCache } from './verify/validator-cache.ts';
import { createEd25519Verifier } from './verify/ed25519.ts';
import { fetchLightBlock, pathTarget, toTrusted, verifyAlongPath, verifySequential, verifySkipping, type TrustedHeader, type VerifyContext } from './verify/engine.ts';
import { SourcePool, attribute } from './transport/pool.ts';
import { RelayHttpSource } from './transport/relay-http.ts';
import { Libp2pConnector, Libp2pSource } from './transport/libp2p.ts';
import type { HeadSubscription, LightSource, SignedHeader, SourceStatus } from './transport/types.ts';
import { sleep } from './transport/util.ts';
import { MemoryStore } from './store/memory.ts';
import { IndexedDbStore } from './store/indexeddb.ts';
import { STORE_SCHEMA_VERSION, type LightStore, type StoreMeta, type StoredHeader, type StoredValidatorSet } from './store/types.ts';
import { buildSignedTx, generateWallet, importWallet, walletFromStored, type Wallet } from './wallet/wallet.ts';

const DAY_MS = 86_400_000;
/** Heights behind the head beyond which a sync fetches the head's validator set speculatively. */
const SPECULATE_SET_GAP = 100n;
/** Codes of the chain's own verdicts on a tx (as opposed to an outage), except a full mempool. */
const CHAIN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode).filter((c) => c !== ErrorCode.TX_MEMPOOL_FULL));

const bytesOf = (v: string | Uint8Array, what: string): Uint8Array => {
  try {
    return typeof v === 'string' ? fromHex(v, 32) : v;
  } catch {
    throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, `${what} must be 32 bytes of hex`);
  }
};

const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
const durationText = (ms: number): string =>
  ms >= DAY_MS ? plural(Math.round(ms / DAY_MS * 10) / 10, 'day')
    : ms >= 3_600_000 ? plural(Math.round(ms / 360_000) / 10, 'hour')
      : ms >= 60_000 ? plural(Math.round(ms / 60_000), 'minute') : plural(Math.round(ms / 1000), 'second');

/** Creates a light client, restores or establishes its trust root, and syncs to the sources' head. */
export async function createLightClient(options: LightClientOptions): Promise<LightClient> {
  const c = new Client(options);
  try {
    await c.start();
  } catch (e) {
    await c.close().catch(() => undefined);
    throw e;
  }
  return c;
}

/** Timers of the head watch must not keep a Node process alive (browsers have no `unref`). */
/** A submitted tx not in a verified block after this long is sent to every source, and again at the interval. */
const RESEND_AFTER_MS = 3000;
const RESEND_EVERY_MS = 5000;

function unrefTimer<T>(t: T): T {
  (t as { unref?: () => void }).unref?.();
  return t;
}

class Client implements LightClient {
  readonly chainId: string;
  private readonly opts: LightClientOptions;
  private readonly now: () => number;
  private readonly pool: SourcePool;
  private readonly connector: Libp2pConnector | null;
  private readonly store: LightStore;
  private readonly sets = new ValidatorSetCache(64);
  private readonly statsData: LightClientStats = { signaturesVerified: 0, headersVerified: 0, bisections: 0, proofsVerified: 0, storeRebuilds: 0, lastRebuildReason: null, resumedFromStore: false, trustingPeriodMs: Infinity };
  private ctx!: VerifyContext;
  private readonly window = new Map<bigint, TrustedHeader>();
  private latest!: TrustedHeader;
  private readonly unsaved = new Map<bigint, TrustedHeader>();
  private readonly savedSets = new Set<string>();
  private readonly trustRootId: string;
  private wallet: Wallet | null = null;
  private halted: ConflictReport | null = null;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private subscription: { source: LightSource; sub: HeadSubscription } | null = null;
  /** When (wall clock) the followed source last announced a head (or was subscribed to). */
  private lastHeadAt = 0;
  private headWatch: ReturnType<typeof setInterval> | null = null;
  private refollow: ReturnType<typeof setTimeout> | null = null;
  private readonly headListeners = new Set<(h: VerifiedHead) => void>();
  private readonly progressListeners = new Set<(p: SyncProgress) => void>();
  private readonly conflictListeners = new Set<(r: ConflictReport) => void>();
  private readonly freshnessListeners = new Set<(f: Freshness) => void>();
  /** Sent txs whose fate is not proven yet, by hash; checked on every new verified head. */
  private readonly pending = new Map<string, PendingTx>();
  private readonly outcomeListeners = new Set<(o: TxOutcome) => void>();
  private readonly unheardOutcomes: TxOutcome[] = [];
  private pendingCheck: Promise<void> | null = null;
  private freshnessWatch: ReturnType<typeof setInterval> | null = null;
  private lastFreshness: Freshness['state'] = 'fresh';
  private readonly contracts = new ContractReader({ getState: (k, o) => this.getState(k, o) });
  private readonly governance = new GovernanceReader({ getState: (k, o) => this.getState(k, o) });
  /** Relays that answered 404 to POST /v1/txs/simulate: not asked again. */
  private readonly noSimulate = new Set<string>();

  constructor(opts: LightClientOptions) {
    if (typeof opts.chainId !== 'string' || opts.chainId.length === 0) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'chainId is required');
    if (opts.trustingPeriodMs !== undefined && !(opts.trustingPeriodMs > 0)) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'trustingPeriodMs must be positive');
    this.opts = opts;
    this.chainId = opts.chainId;
    this.statsData.trustingPeriodMs = opts.trustingPeriodMs ?? Infinity;
    this.now = opts.now ?? Date.now;
    const sources: LightSource[] = [...(opts.preferredSources ?? [])];
    this.connector = opts.multiaddrs?.length ? new Libp2pConnector() : null;
    for (const a of opts.multiaddrs ?? []) sources.push(new Libp2pSource(a, opts.chainId, this.connector!, opts.libp2pOptions));
    for (const u of opts.relays ?? []) sources.push(new RelayHttpSource(u, opts.relayOptions));
    sources.push(...(opts.sources ?? []));
    if (sources.length === 0) throw new LightError(LightErrorCode.LC_NO_SOURCES, 'give at least one relay URL, multiaddr or source');
    this.pool = new SourcePool(sources, this.now);
    const st = opts.store ?? (typeof globalThis.indexedDB !== 'undefined' ? 'indexeddb' : 'memory');
    this.store = st === 'memory' ? new MemoryStore() : st === 'indexeddb' ? new IndexedDbStore(opts.chainId) : st;
    const t = opts.trust;
    this.trustRootId = 'genesisHash' in t
      ? `genesis:${toHex(bytesOf(t.genesisHash, 'genesisHash'))}`
      : `checkpoint:${BigInt(t.height)}:${toHex(bytesOf(t.hash, 'checkpoint hash'))}`;
  }

  // ------------------------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    // Independent of each other, so overlapped: the verifier's set-up, opening and reading the
    // store's trusted state and its wallet, and the first source's (unverified) status, which the
    // sync below asks for whether the client resumes or starts from its trust root.
    const first = this.pool.usable()[0]!;
    const status = first.status();
    status.catch(() => undefined);
    const [verifier, resumed] = await Promise.all([this.opts.verifier ?? createEd25519Verifier(), this.restore(), this.restoreWallet(), this.restorePending()]);
    const stats = this.statsData;
    const counting: SignatureVerifier = { verify: (p, m, s) => { stats.signaturesVerified++; return verifier.verify(p, m, s); } };
    this.ctx = { chainId: this.chainId, trustingPeriodMs: this.trustingPeriodMs, maxClockDriftMs: this.opts.maxClockDriftMs ?? DEFAULT_CLIENT_CLOCK_DRIFT_MS, now: this.now, verifier: counting, sets: this.sets, stats: this.statsData };

    if (!resumed) await this.initFromTrustRoot();
    // Only an unset trusting period is learnt here; what was trusted under "no limit yet" is
    // checked again: a stored head that is too old is dropped, a root that is too old refused.
    if (!(await this.settleTrustingPeriod())) {
      if (!resumed) this.checkRootAge(this.latest.header, 'genesisHash' in this.opts.trust ? 'genesis' : 'checkpoint');
      await this.rebuild(`stored head ${this.latest.header.height} is older than the trusting period`);
      this.forgetTrusted();
      await this.initFromTrustRoot();
    }
    await this.syncNow(undefined, { source: first, status });
    await this.rootWritten();
    if (this.opts.follow !== false) this.follow();
    this.freshnessWatch = unrefTimer(setInterval(() => void this.watchFreshness(), Math.min(5000, this.staleAfterMs / 4)));
    // Txs sent before a reload are still checked until their fate is proven.
    if (this.pending.size > 0) this.checkPending();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscription?.sub.close();
    this.subscription = null;
    if (this.headWatch) clearInterval(this.headWatch);
    if (this.freshnessWatch) clearInterval(this.freshnessWatch);
    if (this.refollow) clearTimeout(this.refollow);
    await this.queue.catch(() => undefined);
    await this.rootWrite?.catch(() => undefined);
    await this.pool.close();
    await this.connector?.stop().catch(() => undefined);
    await this.store.close().catch(() => undefined);
  }

  private ensureUsable(): void {
    if (this.closed) throw new LightError(LightErrorCode.LC_CLOSED, 'the light client is closed');
    if (this.halted) {
      throw new LightError(LightErrorCode.LC_HALTED, `halted: two valid commits at height ${this.halted.height} (${this.halted.primary.source} vs ${this.halted.witness.source}); see conflict()`, { height: this.halted.height.toString() });
    }
  }

  /** Runs `fn` after every earlier sync/update (one writer of the trusted state at a time). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ------------------------------------------------------------------------------- store

  private meta(): StoreMeta {
    return { schema: STORE_SCHEMA_VERSION, chainId: this.chainId, trustRoot: this.trustRootId, createdAt: this.now() };
  }

  private async rebuild(reason: string): Promise<void> {
    this.statsData.storeRebuilds++;
    this.statsData.lastRebuildReason = reason;
    this.opts.logger?.warn('light client store rebuilt from the trust root', { reason });
    await this.store.reset(this.meta());
  }

  /** Adopts the stored trusted state if it is ours, intact and within the trusting period. */
  private async restore(): Promise<boolean> {
    let st;
    try {
      st = await this.store.load();
    } catch (e) {
      if (!isLightError(e, LightErrorCode.LC_STORE_CORRUPT)) throw e;
      await this.rebuild(e.message);
      return false;
    }
    if (!st || st.headers.length === 0) {
      if (st) await this.store.reset(this.meta());
      return false;
    }
    if (st.meta.schema !== STORE_SCHEMA_VERSION || st.meta.chainId !== this.chainId || st.meta.trustRoot !== this.trustRootId) {
      await this.rebuild(`stored state is for ${st.meta.chainId} / ${st.meta.trustRoot} (schema ${st.meta.schema})`);
      return false;
    }
    const headers: TrustedHeader[] = [];
    try {
      for (const s of st.sets) {
        const p = prepareValidatorSet(decodeValidatorSet(s.set));
        if (p.hashHex !== s.hash) throw new Error(`validator set record ${s.hash.slice(0, 16)} hashes to ${p.hashHex.slice(0, 16)}`);
        this.sets.add(p.set);
        this.savedSets.add(p.hashHex);
      }
      for (const r of st.headers) {
        const t = toTrusted(decodeHeader(r.header));
        if (t.hashHex !== r.hash || t.header.height !== r.height) throw new Error(`header record ${r.height} does not match its hash`);
        if (t.header.chainId !== this.chainId) throw new Error(`header record ${r.height} is for chain ${t.header.chainId}`);
        headers.push(t);
      }
      const newest = headers[headers.length - 1]!;
      if (!this.sets.get(toHex(newest.header.validatorsHash))) throw new Error('the validator set of the newest trusted header is missing');
    } catch (e) {
      await this.rebuild(`stored state is corrupt: ${(e as Error).message}`);
      return false;
    }
    const newest = headers[headers.length - 1]!;
    try {
      checkWithinTrustingPeriod(newest.header, { trustingPeriodMs: this.trustingPeriodMs, now: this.now() });
    } catch {
      await this.rebuild(`stored head ${newest.header.height} is older than the trusting period`);
      return false;
    }
    for (const t of headers) this.window.set(t.header.height, t);
    this.latest = newest;
    this.statsData.resumedFromStore = true;
    return true;
  }

  /**
   * The stored wallet, read whatever becomes of the trusted state. A wallet the store cannot read
   * (LC_WALLET_STORE_NEWER / LC_WALLET_STORE_CORRUPT) fails the start: running without it would
   * invite creating another key in its place.
   */
  private async restoreWallet(): Promise<void> {
    const stored = await this.store.loadWallet();
    if (stored) this.wallet = walletFromStored(stored);
  }

  /** Pending txs saved by an earlier session (a reload in the middle of a payment). */
  private async restorePending(): Promise<void> {
    for (const r of await this.store.loadPending()) {
      const p = pendingFromRecord(r);
      if (p) this.pending.set(p.hash, p);
    }
  }

  private acceptTrusted(t: TrustedHeader): void {
    this.window.set(t.header.height, t);
    this.unsaved.set(t.header.height, t);
    if (!this.latest || t.header.height > this.latest.header.height) this.latest = t;
    const max = this.opts.trustedWindow ?? 100;
    if (this.window.size > max) {
      const heights = [...this.window.keys()].sort((a, b) => (a < b ? -1 : 1));
      for (const h of heights.slice(0, this.window.size - max)) if (h !== this.latest.header.height) this.window.delete(h);
    }
  }

  /**
   * The trust root's write (store reset, then the root), started without waiting so the sync that
   * follows fetches meanwhile; every later write, start() and close() wait for it.
   */
  private rootWrite: Promise<void> | null = null;

  private async rootWritten(): Promise<void> {
    const w = this.rootWrite;
    if (!w) return;
    await w;
    if (this.rootWrite === w) this.rootWrite = null;
  }

  /** Writes the trusted headers not yet stored (one transaction), after the root's write. */
  private async persist(): Promise<void> {
    await this.rootWritten();
    await this.persistNow();
  }

  private async persistNow(): Promise<void> {
    const taken = [...this.unsaved.keys()];
    const keep = new Set<string>();
    for (const t of this.window.values()) {
      keep.add(toHex(t.header.validatorsHash));
      keep.add(toHex(t.header.nextValidatorsHash));
    }
    const sets: StoredValidatorSet[] = [];
    for (const hex of keep) {
      if (this.savedSets.has(hex)) continue;
      const p = this.sets.get(hex);
      if (p) sets.push({ hash: hex, set: encodeValidatorSet(p.set) });
    }
    const headers: StoredHeader[] = [...this.unsaved.values()].filter((t) => this.window.has(t.header.height)).map((t) => ({ height: t.header.height, hash: t.hashHex, header: encodeHeader(t.header) }));
    const oldest = [...this.window.keys()].reduce((m, h) => (h < m ? h : m), this.latest.header.height);
    for (const h of [...this.savedSets]) if (!keep.has(h)) this.savedSets.delete(h);
    await this.store.saveTrusted(headers, sets, oldest, new Set([...keep].filter((h) => this.savedSets.has(h) || sets.some((s) => s.hash === h))));
    for (const s of sets) this.savedSets.add(s.hash);
    // Only what was written: headers accepted during the write are the next write's.
    for (const h of taken) this.unsaved.delete(h);
  }

  // ------------------------------------------------------------------------------- trusting period

  /** The configured trusting period, or (until the chain's parameters are read) no limit yet. */
  private get trustingPeriodMs(): number {
    return this.statsData.trustingPeriodMs;
  }

  /**
   * CometBFT's rule, with the unbonding period read from parameters proven at the latest trusted
   * header: trust a header for at most 2/3 of it. A configured period longer than that is refused;
   * an unset one becomes 2/3 of it. Returns whether the latest trusted header is within the period.
   */
  private async settleTrustingPeriod(): Promise<boolean> {
    const { params, height } = await this.getParams();
    const limit = Math.floor(Number(params.unbondingPeriodMs) * 2 / 3);
    const wanted = this.opts.trustingPeriodMs;
    if (wanted !== undefined && wanted > limit) {
      throw new LightError(
        LightErrorCode.LC_TRUSTING_PERIOD_TOO_LONG,
        `the trusting period of ${durationText(wanted)} is longer than 2/3 of this chain's unbonding period of ${durationText(Number(params.unbondingPeriodMs))} (proven at block ${height}): ` +
          `validators that signed a trusted header could unbond and then sign a fork this client would accept. Use at most ${durationText(limit)}, or leave trustingPeriodMs unset.`,
        { trustingPeriodMs: wanted, unbondingPeriodMs: Number(params.unbondingPeriodMs), maxTrustingPeriodMs: limit, height: height.toString() },
      );
    }
    this.statsData.trustingPeriodMs = wanted ?? limit;
    this.ctx = { ...this.ctx, trustingPeriodMs: this.trustingPeriodMs };
    return this.now() - Number(this.latest.header.time) < this.trustingPeriodMs;
  }

  /** A trust root older than the trusting period cannot anchor trust. */
  private checkRootAge(h: Header, what: 'genesis' | 'checkpoint'): void {
    const age = this.now() - Number(h.time);
    if (age < this.trustingPeriodMs) return;
    throw new LightError(
      LightErrorCode.LC_CHECKPOINT_EXPIRED,
      `the ${what} header ${h.height} is from ${new Date(Number(h.time)).toISOString()}, ${durationText(age)} ago — older than the trusting period of ${durationText(this.trustingPeriodMs)}. ` +
        'Validators that signed it may have unbonded since, so it cannot anchor trust: pin a recent checkpoint (height and hash) from a source you trust.',
      { height: h.height.toString(), ageMs: age, trustingPeriodMs: this.trustingPeriodMs },
    );
  }

  /** Drops every trusted header (before starting again from the trust root). */
  private forgetTrusted(): void {
    this.window.clear();
    this.unsaved.clear();
    this.savedSets.clear();
    this.latest = undefined as unknown as TrustedHeader;
  }

  // ------------------------------------------------------------------------------- trust root

  private async initFromTrustRoot(): Promise<void> {
    const t = this.opts.trust;
    const genesis = 'genesisHash' in t ? bytesOf(t.genesisHash, 'genesisHash') : null;
    const height = genesis ? 1n : BigInt((t as { height: bigint | number }).height);
    const pinned = genesis ? null : bytesOf((t as { hash: string | Uint8Array }).hash, 'checkpoint hash');
    if (height < 1n) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'checkpoint height must be at least 1');

    const { lb, source, commitment } = await this.pool.run('checkpoint', async (src) => ({ ...await this.fetchRoot(src, height, genesis, pinned), source: src }));
    const root = toTrusted(lb.header);
    await this.crossCheck(source, lb, null, commitment);
    this.acceptTrusted(root);
    this.rootWrite = this.store.reset(this.meta()).then(() => this.persistNow());
    this.rootWrite.catch(() => undefined);
    this.emitHead();
  }

  /**
   * Fetches and checks the trust root's header: the pinned hash, or for a genesis root the genesis
   * commitment (its hash is the pin; it names the set that must sign header 1); fresh enough; > 2/3 signed.
   */
  private async fetchRoot(src: LightSource, height: bigint, genesis: Uint8Array | null, pinned: Uint8Array | null): Promise<{ lb: LightBlock; commitment: GenesisCommitment | null }> {
    // Nothing is cached yet: ask for the root's set (and the genesis commitment) in the same round trip.
    const set = src.validatorSet(height);
    set.catch(() => undefined);
    const commitment = genesis ? src.genesisCommitment() : null;
    commitment?.catch(() => undefined);
    const sh = await src.signedHeader(height);
    const h = sh.header;
    if (h.height !== height) throw new LightError(LightErrorCode.LC_HEADER_INVALID, `asked for header ${height}, got ${h.height}`);
    if (h.chainId !== this.chainId) throw new LightError(LightErrorCode.LC_WRONG_CHAIN, `header is for chain "${h.chainId}", expected "${this.chainId}"`);
    if (genesis) verifyGenesisRoot(genesis, this.chainId, await commitment!, h);
    if (pinned && !equalBytes(headerHash(h), pinned)) throw new LightError(LightErrorCode.LC_CHECKPOINT_MISMATCH, `header ${height} hashes to ${toHex(headerHash(h)).slice(0, 16)}…, not the pinned checkpoint ${toHex(pinned).slice(0, 16)}…`);
    this.checkRootAge(h, genesis ? 'genesis' : 'checkpoint');
    const validators = this.sets.get(toHex(h.validatorsHash)) ?? this.sets.add(await set, h.validatorsHash);
    const lb: LightBlock = { header: h, commit: sh.commit, validators };
    await verifyCommitLight(this.chainId, h, sh.commit, lb.validators, this.ctx.verifier);
    this.statsData.headersVerified++;
    return { lb, commitment: genesis ? await commitment! : null };
  }

  // ------------------------------------------------------------------------------- sync

  head(): VerifiedHead {
    const h = this.latest.header;
    return { height: h.height, hash: this.latest.hashHex, time: h.time, header: h };
  }

  sync(height?: bigint): Promise<VerifiedHead> {
    return this.serial(() => this.syncNow(height));
  }

  /** `early`: a status already asked of a source (used for that source; asked again if it failed). */
  private async syncNow(height?: bigint, early?: { source: LightSource; status: Promise<SourceStatus> }): Promise<VerifiedHead> {
    this.ensureUsable();
    return this.pool.run('sync', async (src) => {
      let goal = height;
      if (goal === undefined) goal = (await (src === early?.source ? early.status.catch(() => src.status()) : src.status())).height;
      if (goal <= this.latest.header.height) return this.head();
      await this.advance(src, goal);
      return this.head();
    });
  }

  /** Verifies from the latest trusted header to `goal` (or to `target` when the caller has it). */
  private async advance(src: LightSource, goal: bigint, target?: SignedHeader): Promise<void> {
    const before = this.latest;
    // Newly verified headers become visible (head(), reads, store) only after the witness check.
    const verified: TrustedHeader[] = [];
    const onAccept = (_lb: LightBlock, t: TrustedHeader): void => {
      verified.push(t);
      for (const l of this.progressListeners) l({ verifiedHeight: t.header.height, targetHeight: goal });
    };
    let lastBlock: LightBlock;
    if (this.opts.mode === 'sequential') {
      await verifySequential(this.ctx, src, this.latest, goal, (lb, t) => { lastBlock = lb; onAccept(lb, t); });
    } else {
      // Far behind (a client coming back online), the head's set has most likely changed: fetch
      // it with the header. Near the head it is most likely cached, so do not ask twice.
      lastBlock = await fetchLightBlock(this.ctx, src, goal, target, goal - this.latest.header.height > SPECULATE_SET_GAP);
      // Far behind: most of the way along the relay's planned path (one shared, cacheable request), then bisect.
      const along = pathTarget(this.latest.header.height, goal);
      const from = along === null ? this.latest : await verifyAlongPath(this.ctx, src, this.latest, along, onAccept);
      await verifySkipping(this.ctx, src, from, lastBlock, onAccept);
    }
    await this.crossCheck(src, lastBlock!, before, null);
    for (const t of verified) this.acceptTrusted(t);
    // A reload resumes only with the head's set stored: a long bisection may have pushed it out of
    // the bounded set cache (persist saves what the cache holds), so put it back first.
    if (!this.sets.get(toHex(lastBlock!.header.validatorsHash))) this.sets.add(lastBlock!.validators.set, lastBlock!.header.validatorsHash);
    await this.persist();
    this.emitHead();
  }

  private emitHead(): void {
    const h = this.head();
    for (const l of this.headListeners) {
      try {
        l(h);
      } catch {
        // a listener's failure is its own
      }
    }
    if (this.lastFreshness === 'stale') this.emitFreshness();
    if (this.pending.size > 0) this.checkPending();
  }

  // ------------------------------------------------------------------------------- freshness

  private get staleAfterMs(): number {
    return this.opts.staleAfterMs ?? 150_000;
  }

  freshness(): Freshness {
    const h = this.latest.header;
    const ageMs = Math.max(0, this.now() - Number(h.time));
    return { state: ageMs > this.staleAfterMs ? 'stale' : 'fresh', height: h.height, time: h.time, ageMs, staleAfterMs: this.staleAfterMs };
  }

  private emitFreshness(): void {
    const f = this.freshness();
    this.lastFreshness = f.state;
    for (const l of this.freshnessListeners) {
      try {
        l(f);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  /**
   * Every few seconds: report a change of freshness; while stale, ask every source (not only the
   * followed one) for its head and verify from any that has a newer one — a relay that freezes
   * the head, or replays old ones, is then left for one that does not.
   */
  private async watchFreshness(): Promise<void> {
    if (this.closed || this.halted) return;
    const f = this.freshness();
    if (f.state !== this.lastFreshness || f.state === 'stale') this.emitFreshness();
    if (f.state !== 'stale') return;
    for (const s of this.pool.usable()) {
      const height = await this.headOf(s);
      if (height === null || height <= this.latest.header.height) continue;
      await this.verifyHeadFrom(s, height);
      if (this.freshness().state === 'fresh') {
        if (this.subscription && this.subscription.source !== s) this.switchSubscription(this.subscription.source, s);
        return;
      }
    }
  }

  /** Throws LC_HEAD_STALE when the verified head is stale: a payment must not be signed on it. */
  private ensureFresh(): void {
    const f = this.freshness();
    if (f.state === 'stale') {
      throw new LightError(
        LightErrorCode.LC_HEAD_STALE,
        `the last verified block is ${f.height}, ${durationText(f.ageMs)} old (more than ${durationText(f.staleAfterMs)}): the network may be unreachable or hiding newer blocks, so nothing is paid on it`,
        { height: f.height.toString(), ageMs: f.ageMs, staleAfterMs: f.staleAfterMs },
      );
    }
  }

  // ------------------------------------------------------------------------------- following

  private follow(prefer?: LightSource): void {
    if (this.closed || this.halted || this.subscription) return;
    const candidates = this.pool.usable().filter((s) => s.subscribeHeads);
    // Both transports push heads (SSE, the libp2p `heads` stream), so follow the preferred source.
    const src = prefer && candidates.includes(prefer) ? prefer : candidates[0];
    if (!src?.subscribeHeads) {
      // Every source is down or backing off: look again shortly.
      this.refollow ??= unrefTimer(setTimeout(() => { this.refollow = null; this.follow(); }, 2000));
      return;
    }
    const sub = src.subscribeHeads(
      (sh) => void this.onAnnouncedHead(src, sh),
      (e) => {
        // A lying source is faulty; one that cannot be reached is left for the next (the pool
        // retries it after a backoff), rather than waited for while the chain moves on.
        if (isLightError(e) && (LYING_CODES.has(e.code) || e.code === LightErrorCode.LC_SOURCE_UNAVAILABLE)) this.dropSubscription(src, e);
      },
      // Resume above the verified head: a new subscription after a drop gets the heads it missed.
      this.latest.header.height,
    );
    this.subscription = { source: src, sub };
    this.lastHeadAt = Date.now();
    this.headWatch ??= unrefTimer(setInterval(() => void this.watchHeads(), this.opts.headWatchMs ?? 5000));
  }

  private dropSubscription(src: LightSource, e: LightError): void {
    this.pool.report(src, attribute(e, src));
    this.switchSubscription(src);
  }

  private switchSubscription(from: LightSource, to?: LightSource): void {
    if (this.subscription?.source !== from) return;
    this.subscription.sub.close();
    this.subscription = null;
    this.follow(to);
  }

  /**
   * Quiet for a while: the chain may be idle, or the followed node may have stopped. Another
   * source's status tells; if it has a newer head, verify up to it from there and follow it.
   */
  private async watchHeads(): Promise<void> {
    const followed = this.subscription?.source;
    // Wall-clock time on purpose: this is about liveness, not the (injectable) chain clock.
    if (!followed || this.closed || this.halted || Date.now() - this.lastHeadAt < (this.opts.headWatchMs ?? 5000)) return;
    this.lastHeadAt = Date.now();
    const other = this.pool.usable().find((s) => s !== followed && s.subscribeHeads);
    if (!other) return;
    const height = await this.headOf(other);
    if (height === null || height <= this.latest.header.height) return;
    this.opts.logger?.warn('the followed source fell behind; following another', { followed: followed.id, other: other.id, height: height.toString() });
    await this.verifyHeadFrom(other, height);
    if (this.subscription?.source === followed && this.latest.header.height >= height) this.switchSubscription(followed, other);
  }

  /** The head height a source claims (unverified), or null when it cannot say (the failure is reported). */
  private async headOf(s: LightSource): Promise<bigint | null> {
    try {
      return (await s.status()).height;
    } catch (e) {
      if (isLightError(e)) this.pool.report(s, attribute(e, s));
      return null;
    }
  }

  private onAnnouncedHead(src: LightSource, sh: SignedHeader): Promise<void> {
    // Only a newer head is progress: a source replaying old heads must not look alive.
    if (this.subscription?.source === src && sh.header.height > this.latest.header.height) this.lastHeadAt = Date.now();
    return this.verifyHeadFrom(src, sh.header.height, sh);
  }

  private verifyHeadFrom(src: LightSource, height: bigint, sh?: SignedHeader): Promise<void> {
    return this.serial(async () => {
      if (this.closed || this.halted) return;
      if (height <= this.latest.header.height) return;
      try {
        await this.advance(src, height, sh);
      } catch (e) {
        if (isLightError(e) && LYING_CODES.has(e.code)) this.dropSubscription(src, e);
        else if (isLightError(e, LightErrorCode.LC_HEADER_FROM_FUTURE)) {
          // Early for this clock, not a lie: verify the same head once the clock has caught up.
          this.opts.logger?.warn('an announced head is ahead of this clock; retrying later', { height: height.toString(), err: e.message });
          const retryInMs = Math.min(Number(e.details.retryInMs ?? 1000), 60_000);
          unrefTimer(setTimeout(() => void this.verifyHeadFrom(src, height, sh), retryInMs));
        } else if (!isLightError(e, LightErrorCode.LC_CONFLICT)) this.opts.logger?.warn('could not verify an announced head', { height: height.toString(), err: String(e) });
      }
    });
  }

  // ------------------------------------------------------------------------------- witnesses

  /**
   * Compares the newly trusted header with up to `maxWitnesses` other sources. A witness that
   * serves a different header which ALSO verifies from our previous trusted state (or, for the
   * genesis root, is signed by the genesis set the pinned hash commits to) is a fork: halt,
   * report, submit evidence. A witness whose different header does not verify is faulty and dropped.
   */
  private async crossCheck(primary: LightSource, lb: LightBlock, before: TrustedHeader | null, genesis: GenesisCommitment | null): Promise<void> {
    const height = lb.header.height;
    const hash = headerHash(lb.header);
    for (const w of this.pool.witnesses(primary, this.opts.maxWitnesses ?? 2)) {
      let wsh: SignedHeader;
      try {
        wsh = await w.signedHeader(height);
        if (wsh.header.height !== height) throw new LightError(LightErrorCode.LC_HEADER_INVALID, `asked for header ${height}, got ${wsh.header.height}`);
      } catch (e) {
        this.pool.report(w, isLightError(e) ? attribute(e, w) : e);
        continue;
      }
      if (equalBytes(headerHash(wsh.header), hash)) {
        this.pool.markOk(w);
        continue;
      }
      let wlb: LightBlock;
      try {
        if (before) {
          wlb = await fetchLightBlock(this.ctx, w, height, wsh);
          await verifySkipping(this.ctx, w, before, wlb, () => undefined);
        } else {
          // At the trust root: the witness's header must be what the root would have accepted.
          // Genesis: bound to the genesis set (verified commitment), > 2/3 of it signed. Checkpoint:
          // > 2/3 of its own set AND > 1/3 of the root's set signed (else it proves nothing).
          wlb = await fetchLightBlock(this.ctx, w, height, wsh);
          if (wlb.header.chainId !== this.chainId) throw new LightError(LightErrorCode.LC_WRONG_CHAIN, `witness header is for chain "${wlb.header.chainId}"`);
          const verifiedSigs = new Set<number>();
          if (genesis) verifyGenesisRoot(lb.header.prevHash, this.chainId, genesis, wlb.header);
          else await verifyCommitLightTrusting(this.chainId, wlb.commit, wlb.validators, lb.validators, this.ctx.verifier, undefined, verifiedSigs);
          await verifyCommitLight(this.chainId, wlb.header, wlb.commit, wlb.validators, this.ctx.verifier, verifiedSigs);
        }
      } catch (e) {
        if (isLightError(e) && (LYING_CODES.has(e.code) || e.code === LightErrorCode.LC_TRUST_INSUFFICIENT)) {
          this.pool.report(w, attribute(new LightError(LYING_CODES.has(e.code) ? e.code : LightErrorCode.LC_HEADER_INVALID, `witness header ${height} differs from the primary's and does not verify: ${e.message}`), w));
          continue;
        }
        this.pool.report(w, e);
        continue;
      }
      await this.halt(primary, lb, w, wlb);
    }
  }

  private async halt(primary: LightSource, plb: LightBlock, witness: LightSource, wlb: LightBlock): Promise<never> {
    const rep = (src: LightSource, b: LightBlock) => ({ source: src.id, headerHash: toHex(headerHash(b.header)), header: b.header, commit: b.commit, validatorSet: b.validators.set });
    const evidence: { source: string; conflicting: 'primary' | 'witness'; accepted: boolean; error?: string }[] = [];
    const report: ConflictReport = { height: plb.header.height, detectedAt: this.now(), primary: rep(primary, plb), witness: rep(witness, wlb), evidence };
    this.halted = report;
    this.subscription?.sub.close();
    this.subscription = null;
    // Each side's nodes hold one of the two headers; the other one is the evidence for them.
    const ev = {
      primary: encodeConflictEvidence({ conflicting: { header: plb.header, commit: plb.commit, validatorSet: plb.validators.set } }),
      witness: encodeConflictEvidence({ conflicting: { header: wlb.header, commit: wlb.commit, validatorSet: wlb.validators.set } }),
    };
    for (const s of this.pool.all()) {
      if (!s.submitEvidence) continue;
      for (const which of ['witness', 'primary'] as const) {
        try {
          await s.submitEvidence(ev[which]);
          evidence.push({ source: s.id, conflicting: which, accepted: true });
        } catch (e) {
          evidence.push({ source: s.id, conflicting: which, accepted: false, error: (e as Error).message });
        }
      }
    }
    for (const l of this.conflictListeners) {
      try {
        l(report);
      } catch {
        // ignore
      }
    }
    throw new LightError(LightErrorCode.LC_CONFLICT, `two valid commits for different headers at height ${report.height}: ${primary.id} (${report.primary.headerHash.slice(0, 16)}…) vs ${witness.id} (${report.witness.headerHash.slice(0, 16)}…); the client has stopped and reported the evidence`, { height: report.height.toString(), report });
  }

  // ------------------------------------------------------------------------------- reads

  /** A verified header at `height`: from the window, by verifying forward, or by hashes backwards. */
  private async trustedAt(height: bigint): Promise<TrustedHeader> {
    const hit = this.window.get(height);
    if (hit) return hit;
    if (height > this.latest.header.height) {
      await this.sync(height);
      const t = this.window.get(height);
      if (t) return t;
    }
    if (height < 1n) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'heights start at 1');
    const above = [...this.window.values()].filter((t) => t.header.height > height).sort((a, b) => (a.header.height < b.header.height ? -1 : 1))[0];
    if (!above) throw new LightError(LightErrorCode.LC_NOT_AVAILABLE, `no trusted header above ${height}`);
    if (above.header.height - height > 10_000n) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, `height ${height} is too far below the trusted window`);
    const older = await this.pool.run('headers', async (src) => {
      const got: Header[] = [];
      for (let from = height; from < above.header.height; ) {
        const page = await src.signedHeaders(from, Number(above.header.height - from > 64n ? 64n : above.header.height - from));
        if (page.length === 0) throw new LightError(LightErrorCode.LC_NOT_AVAILABLE, `no headers from ${from}`);
        for (const sh of page) if (sh.header.height < above.header.height) got.push(sh.header);
        from += BigInt(page.length);
      }
      const desc = got.reverse();
      verifyBackwards(above.header, desc, this.chainId);
      return desc;
    });
    return toTrusted(older[older.length - 1]!);
  }

  async getState(rawKey: Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedState> {
    this.ensureUsable();
    const t = opts.height !== undefined ? await this.trustedAt(BigInt(opts.height)) : this.latest;
    const value = await this.pool.run('state', async (src) => verifyStateAnswer(t.header, rawKey, await src.stateProof(rawKey, t.header.height)));
    this.statsData.proofsVerified++;
    return { key: rawKey, value, height: t.header.height, headerHash: t.hashHex, time: t.header.time };
  }

  async getAccount(address: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedAccount> {
    let addr: Uint8Array;
    try {
      addr = typeof address === 'string' ? parseAddress(address) : address;
      formatAddress(addr);
    } catch (e) {
      throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, (e as Error).message);
    }
    const s = await this.getState(StateKey.account(addr), opts);
    let account = EMPTY_ACCOUNT;
    if (s.value) {
      try {
        account = decodeAccount(s.value);
      } catch (e) {
        throw new LightError(LightErrorCode.LC_VALUE_MALFORMED, `proven account value does not decode: ${(e as Error).message}`);
      }
    }
    return { address: formatAddress(addr), account, exists: s.value !== undefined, height: s.height, headerHash: s.headerHash, time: s.time };
  }

  async getParams(): Promise<VerifiedParams> {
    const s = await this.getState(StateKey.params());
    if (!s.value) throw new LightError(LightErrorCode.LC_VALUE_MALFORMED, 'the chain has no params in its state');
    try {
      return { params: decodeParams(s.value), height: s.height };
    } catch (e) {
      throw new LightError(LightErrorCode.LC_VALUE_MALFORMED, `proven params do not decode: ${(e as Error).message}`);
    }
  }

  // ------------------------------------------------------------------------------- wallet

  walletAddress(): string | null {
    return this.wallet?.addressText ?? null;
  }

  async createWallet(opts: { extractable?: boolean } = {}): Promise<string> {
    const { wallet, stored } = await generateWallet(opts);
    await this.store.saveWallet(stored);
    this.wallet = wallet;
    return wallet.addressText;
  }

  async importWallet(secretKey: Uint8Array): Promise<string> {
    const { wallet, stored } = importWallet(secretKey);
    await this.store.saveWallet(stored);
    this.wallet = wallet;
    return wallet.addressText;
  }

  async transfer(req: TransferRequest, onProgress?: (s: TransferStage) => void): Promise<TransferResult> {
    this.ensureUsable();
    const wallet = this.wallet;
    if (!wallet) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'no wallet: create or import one first');
    let to: Uint8Array;
    try {
      to = typeof req.to === 'string' ? parseAddress(req.to) : req.to;
      formatAddress(to);
    } catch (e) {
      throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, (e as Error).message);
    }
    if (typeof req.amount !== 'bigint' || req.amount <= 0n) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'amount must be a positive bigint of units');
    const progress = (s: TransferStage): void => {
      try {
        onProgress?.(s);
      } catch {
        // ignore
      }
    };

    await this.sync();
    this.ensureFresh();
    const before = await this.getAccount(wallet.address);
    const { params } = await this.getParams();
    const { bytes, tx } = await buildSignedTx(wallet, this.chainId, before.account.nonce, { type: 'transfer', to, amount: req.amount, memo: req.memo ?? '' }, params, req.fee);
    // Overspending is proven here, from the proven account, before anything is sent.
    const available = spendable(before.account, this.latest.header.time);
    if (req.amount + tx.fee > available) {
      throw new LightError(LightErrorCode.LC_TX_REJECTED, `the proven spendable balance at block ${before.height} is ${formatDpn(available)} DPN: not enough for ${formatDpn(req.amount)} DPN and a fee of ${formatDpn(tx.fee)} DPN; nothing was sent`, {
        remoteCode: ErrorCode.TX_INSUFFICIENT_FUNDS, included: false, proven: true, height: before.height.toString(),
      });
    }
    const hash = toHex(txHash(bytes));
    progress({ stage: 'signed', hash, nonce: tx.nonce, fee: tx.fee });
    const sent = await this.submitTx(bytes, (hint) => progress({ stage: 'hint', hash, hint }));
    progress({ stage: 'submitted', hash });
    const pendingTx: PendingTx = { hash, signer: wallet.addressText, nonce: tx.nonce, kind: 'transfer', sentAt: this.now(), fromHeight: before.height };
    await this.rememberSent(pendingTx);

    const deadline = this.now() + waitFor(req.timeoutMs, sent.accepted);
    const hints = this.hintWatcher(fromHex(hash), (hint) => progress({ stage: 'hint', hash, hint }));
    const resend = this.resender(bytes);
    while (this.now() < deadline) {
      this.ensureUsable();
      await this.nextHead(Math.min(1000, Math.max(0, deadline - this.now())));
      await resend();
      await hints();
      if (this.opts.follow === false || this.subscription === null) await this.sync().catch(() => undefined);
      const fate = await this.proveTxFate(pendingTx);
      if (fate) await this.forgetSent(pendingTx);
      if (fate?.outcome === 'executed') {
        progress({ stage: 'finalised', hash, height: fate.height });
        const account = await this.getAccount(wallet.address);
        return { hash, nonce: tx.nonce, fee: tx.fee, height: fate.height, account, resultCode: null };
      }
      if (fate) throw notExecuted(pendingTx, fate.height);
    }
    throw this.stillPending(pendingTx, waitFor(req.timeoutMs, sent.accepted), sent.refusal);
  }

  // ------------------------------------------------------------------------------- tx fate

  /**
   * Submits to every usable source until one takes the tx. A source's refusal is only its word
   * (a relay may forward a tx and claim it was refused): it is reported as a hint and the next
   * source is tried; the caller then waits for proof either way. Resolves with whether a source
   * took it; throws only when no source could be reached at all (nothing was sent).
   */
  private async submitTx(bytes: Uint8Array, onHint: (h: TxHint) => void): Promise<{ accepted: boolean; refusal: TxHint | null }> {
    let refusal: TxHint | null = null;
    let best: LightError | null = null;
    for (const s of this.pool.usable()) {
      try {
        await s.submitTx(bytes);
        this.pool.markOk(s);
        return { accepted: true, refusal };
      } catch (err) {
        if (!isLightError(err)) throw err;
        const remote = err.details.remoteCode;
        if (err.code === LightErrorCode.LC_TX_REJECTED || (typeof remote === 'string' && CHAIN_CODES.has(remote))) {
          const code = String(remote ?? err.code);
          const at = err.message.indexOf(`${code}: `);
          refusal = { source: s.id, says: 'refused', code, message: at >= 0 ? err.message.slice(at + code.length + 2) : err.message };
          onHint(refusal);
          continue;
        }
        const e = attribute(err, s);
        this.pool.report(s, e);
        best ??= e;
      }
    }
    if (refusal) return { accepted: false, refusal };
    throw best ?? new LightError(LightErrorCode.LC_NO_SOURCES, 'submit-tx: no usable source');
  }

  /** Asks a source what it knows of the tx (once it says "in a block", no more): a hint, never a step. */
  private hintWatcher(hash: Uint8Array, onHint: (h: TxHint) => void): () => Promise<void> {
    let told = false;
    return async () => {
      if (told) return;
      const s = this.pool.usable().find((x) => x.txStatus);
      const st = await s?.txStatus?.(hash).catch(() => null);
      if (s && st?.status === 'committed') {
        told = true;
        onHint({ source: s.id, says: 'in-block', height: st.height, code: st.code });
      }
    };
  }

  /**
   * A sent tx's fate, from proofs only, or null while it is not proven. A contract tx: its receipt
   * proven at the head (executed, with its code), or no receipt at a height where the signer's
   * proven nonce is past the tx's (another tx took the nonce: it never executes). A transfer (no
   * receipt): once the proven nonce is past the tx's, the block that spent the nonce is found (its
   * nonce proven at each height tried) and checked against its verified header's tx root: the tx is
   * in it (executed) or not (another tx took the nonce).
   */
  private async proveTxFate(p: PendingTx): Promise<{ outcome: TxOutcome['outcome']; height: bigint; code: string; fee?: bigint } | null> {
    const hash = fromHex(p.hash);
    const signer = parseAddress(p.signer);
    if (p.kind === 'contract') {
      const s = await this.getState(ContractKey.txReceipt(hash));
      if (s.value) {
        const receipt = decodeTxReceipt(s.value);
        return { outcome: 'executed', height: receipt.height, code: receipt.code, fee: receipt.fee };
      }
      const acct = await this.getAccount(signer, { height: s.height });
      return acct.account.nonce > p.nonce ? { outcome: 'not-executed', height: s.height, code: ErrorCode.TX_NONCE_REPLAYED } : null;
    }
    const head = await this.getAccount(signer);
    if (head.account.nonce <= p.nonce) return null;
    // The first height whose proven nonce is past the tx's: that block spent the nonce (after the
    // height it was signed at, where the nonce was still unspent).
    let lo = p.fromHeight + 1n;
    let hi = head.height;
    while (lo < hi) {
      const mid = (lo + hi) / 2n;
      if ((await this.getAccount(signer, { height: mid })).account.nonce > p.nonce) hi = mid;
      else lo = mid + 1n;
    }
    const included = await this.blockIncludes(hi, hash);
    return { outcome: included ? 'executed' : 'not-executed', height: hi, code: included ? '' : ErrorCode.TX_NONCE_REPLAYED };
  }

  /** Whether the block at `height` holds the tx, checked against the verified header (hash and tx root). */
  private async blockIncludes(height: bigint, hash: Uint8Array): Promise<boolean> {
    const t = await this.trustedAt(height);
    return this.pool.run('block', async (src) => {
      if (!src.block) throw new LightError(LightErrorCode.LC_NOT_AVAILABLE, `${src.id} serves no blocks`);
      const b = await src.block(height);
      if (toHex(headerHash(b.header)) !== t.hashHex) throw new LightError(LightErrorCode.LC_HEADER_INVALID, `block ${height} does not match its verified header`);
      const ids = b.txs.map(txHash);
      if (!equalBytes(merkleRoot(HashTag.txRoot, ids), b.header.txRoot)) throw new LightError(LightErrorCode.LC_HEADER_INVALID, `block ${height}'s txs do not match its tx root`);
      return ids.some((id) => equalBytes(id, hash));
    });
  }

  /**
   * The caller stops waiting; the client does not: the tx is checked on every new head until
   * proven. A relay's refusal travels along as what it is, its word (`details.relaySays`,
   * `details.remoteCode`).
   */
  private stillPending(p: PendingTx, waitedMs: number, refusal: TxHint | null = null): LightError {
    this.pending.set(p.hash, p);
    const says = refusal ? `${refusal.source} says it refused it (${refusal.code}${refusal.message ? `: ${refusal.message}` : ''}), but ` : '';
    return new LightError(
      LightErrorCode.LC_TX_PENDING,
      `tx ${p.hash.slice(0, 16)}… was sent; ${says}after ${durationText(waitedMs)} no verified block proves it executed or that it never will: still checking (onTxOutcome)`,
      { hash: p.hash, nonce: p.nonce.toString(), proven: false, ...(refusal ? { relaySays: refusal, remoteCode: refusal.code } : {}), ...(p.order ? { order: p.order } : {}) },
    );
  }

  /** Proves what it can of the pending txs (one pass at a time) and reports each proven fate once. */
  private checkPending(): void {
    if (this.pendingCheck) return;
    this.pendingCheck = (async () => {
      for (const p of [...this.pending.values()]) {
        const fate = await this.proveTxFate(p).catch(() => null);
        if (!fate || !this.pending.delete(p.hash)) continue;
        await this.store.deletePending(p.hash).catch(() => undefined);
        const o: TxOutcome = { tx: p, ...fate };
        // Proven before anyone listens (right after a reload): kept for the first listener.
        if (this.outcomeListeners.size === 0) this.unheardOutcomes.push(o);
        for (const l of this.outcomeListeners) {
          try {
            l(o);
          } catch {
            // a listener's failure is its own
          }
        }
      }
    })().finally(() => {
      this.pendingCheck = null;
    });
  }

  /**
   * A sent tx is kept like the key from the moment it is sent until its fate is proven: a reload
   * must not lose a payment whose outcome (and, for an order, the shipping details and salt the
   * site must receive) is still to come.
   */
  private async rememberSent(p: PendingTx): Promise<void> {
    await this.store.savePending(pendingRecord(p)).catch((e: unknown) => this.opts.logger?.warn('could not save a sent tx', { hash: p.hash, err: String(e) }));
  }

  /** Its fate is proven (and told to the caller): nothing to keep. */
  private async forgetSent(p: PendingTx): Promise<void> {
    await this.store.deletePending(p.hash).catch(() => undefined);
  }

  pendingTxs(): PendingTx[] {
    return [...this.pending.values()];
  }

  onTxOutcome(listener: (o: TxOutcome) => void): () => void {
    this.outcomeListeners.add(listener);
    for (const o of this.unheardOutcomes.splice(0)) {
      try {
        listener(o);
      } catch {
        // a listener's failure is its own
      }
    }
    return () => this.outcomeListeners.delete(listener);
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
    const key = idBytes(id, 'order id');
    let stopped = false;
    let running = false;
    let again = false;
    let lastHeight = -1n;
    let lastDigest = '';
    let failed = false;
    const report = (f: () => void): void => {
      try {
        f();
      } catch {
        // a listener's failure is its own
      }
    };
    // One read per new verified head; heads that arrive during a read coalesce into one more.
    const check = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          if (stopped || this.closed || this.halted) return;
          const height = this.latest.header.height;
          if (height === lastHeight) continue;
          try {
            const { tree, digest } = await this.contracts.tree(key, { height });
            lastHeight = height;
            // After a failure the tree is told again even if unchanged: the watcher knows it recovered.
            if ((digest !== lastDigest || failed) && !stopped) {
              lastDigest = digest;
              failed = false;
              report(() => listener(tree));
            }
          } catch (e) {
            failed = true;
            if (!stopped) report(() => onError?.(e));
          }
        } while (again && !stopped);
      } finally {
        running = false;
      }
    };
    const off = this.onHead(() => void check());
    void check();
    return () => {
      stopped = true;
      off();
    };
  }

  placeOrder(req: PlaceOrderRequest, onProgress?: (s: ContractTxStage) => void): Promise<PlaceOrderResult> {
    return placeOrder(this.contractHost(), this.contracts, req, onProgress);
  }

  fireTransition(req: FireTransitionRequest, onProgress?: (s: ContractTxStage) => void): Promise<FireTransitionResult> {
    return fireTransition(this.contractHost(), this.contracts, req, onProgress);
  }

  createProduct(req: CreateProductRequest, onProgress?: (s: ContractTxStage) => void): Promise<CreateProductResult> {
    return createProduct(this.contractHost(), this.contracts, req, onProgress);
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
    return vote(this.contractHost(), this.governance, req, onProgress);
  }

  decideResolution(req: DecideResolutionRequest, onProgress?: (s: GovTxStage) => void): Promise<DecideResolutionResult> {
    return decideResolution(this.contractHost(), this.governance, req, onProgress);
  }

  /**
   * For a signed tx not yet seen in a verified block: every few seconds (wall clock), sends it to
   * every usable source. The one that took it may have dropped it — a relay that swallows txs, a
   * node killed before it gossiped them. The same bytes cannot apply twice (a node that has them
   * answers TX_DUPLICATE, one that committed them TX_NONCE_REPLAYED), so answers are ignored.
   */
  private resender(bytes: Uint8Array): () => Promise<void> {
    let next = Date.now() + RESEND_AFTER_MS;
    return async () => {
      if (Date.now() < next) return;
      next = Date.now() + RESEND_EVERY_MS;
      await Promise.all(this.pool.usable().map((s) => s.submitTx(bytes).catch(() => undefined)));
    };
  }

  private contractHost(): ContractTxHost {
    return {
      chainId: this.chainId,
      ensureUsable: () => this.ensureUsable(),
      ensureFresh: () => this.ensureFresh(),
      wallet: () => this.wallet ?? (() => { throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'no wallet: create or import one first'); })(),
      following: () => this.opts.follow !== false && this.subscription !== null,
      now: () => this.now(),
      sync: () => this.sync(),
      getState: (k, o) => this.getState(k, o),
      getAccount: (a, o) => this.getAccount(a, o),
      getParams: () => this.getParams(),
      submit: (b, onHint) => this.submitTx(b, onHint),
      hints: (h, onHint) => this.hintWatcher(h, onHint),
      stillPending: (p, waitedMs, refusal) => this.stillPending(p, waitedMs, refusal),
      rememberSent: (p) => this.rememberSent(p),
      forgetSent: (p) => this.forgetSent(p),
      proveTxFate: (p) => this.proveTxFate(p),
      resender: (b) => this.resender(b),
      simulate: (build) => this.simulateHint(build),
      nextHead: (ms) => this.nextHead(ms),
    };
  }

  /** A relay's gas estimate (POST /v1/txs/simulate, where offered). Unverified: callers may only use it to raise an allowance. */
  private async simulateHint(build: () => Promise<Uint8Array>): Promise<{ gasUsed: bigint } | null> {
    const relays = (this.opts.relays ?? []).map((u) => u.replace(/\/+$/, '')).filter((u) => !this.noSimulate.has(u));
    if (relays.length === 0) return null;
    const bytes = await build();
    const fetchFn = this.opts.relayOptions?.fetch ?? fetch;
    for (const base of relays) {
      try {
        const res = await fetchFn(`${base}/v1/txs/simulate`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(bytes) }), signal: AbortSignal.timeout(3000),
        });
        if (res.status === 404 || res.status === 405) {
          this.noSimulate.add(base);
          continue;
        }
        const body = (await res.json().catch(() => null)) as { ok?: unknown; gasUsed?: unknown } | null;
        // A tx the relay expects to fail gives no estimate; the mempool's verdict is what counts.
        if (body?.ok !== true) return null;
        const g = body.gasUsed;
        if (typeof g === 'string' && /^[0-9]{1,12}$/.test(g)) return { gasUsed: BigInt(g) };
        if (typeof g === 'number' && Number.isSafeInteger(g) && g >= 0) return { gasUsed: BigInt(g) };
      } catch {
        // only a hint
      }
    }
    return null;
  }

  /** Resolves on the next verified head, or after `ms`. */
  private nextHead(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const ac = new AbortController();
      const off = this.onHead(() => ac.abort());
      void sleep(ms, ac.signal).then(() => {
        off();
        resolve();
      });
    });
  }

  // ------------------------------------------------------------------------------- events, info

  onHead(listener: (h: VerifiedHead) => void): () => void {
    this.headListeners.add(listener);
    return () => this.headListeners.delete(listener);
  }

  onSyncProgress(listener: (p: SyncProgress) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  onConflict(listener: (r: ConflictReport) => void): () => void {
    this.conflictListeners.add(listener);
    return () => this.conflictListeners.delete(listener);
  }

  onFreshness(listener: (f: Freshness) => void): () => void {
    this.freshnessListeners.add(listener);
    return () => this.freshnessListeners.delete(listener);
  }

  conflict(): ConflictReport | null {
    return this.halted;
  }

  sources() {
    return this.pool.info();
  }

  stats(): LightClientStats {
    return { ...this.statsData };
  }

  storageEstimate() {
    return this.store.estimate();
  }
}

