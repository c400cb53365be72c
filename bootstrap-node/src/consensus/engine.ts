/**
 * Tendermint consensus ("The latest gossip on BFT consensus", Buchman, Kwon, Milosevic 2018,
 * Algorithm 1): rounds of propose / prevote / precommit with timeouts, stake-weighted
 * thresholds, locking for safety. A block is final when validators holding more than 2/3 of
 * the stake precommit it in one round; those precommits form its commit certificate.
 *
 * The rule numbers in comments are the line numbers of Algorithm 1.
 */
import {
  addressOf, proposerIndex, totalPower, headerHash, toHex, NIL_HASH, VoteType, voteSignBytes,
  proposalSignBytes, sign, equalBytes, untimelyReason,
  type SynchronyParams, type Block, type Commit, type DuplicateVoteEvidence, type SignedVote, type ValidatorSet,
} from '@dipnet/protocol';
import { VoteSet } from './vote-set.ts';
import type { ConsensusMessage, ProposalMessage } from './messages.ts';
import { StoreWriteError } from '../store/store-errors.ts';

/** This validator's keys and its double-sign guard; `sign` (optional) is a faster signer of the same key. */
export interface ConsensusSigner {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly store: SignerStore;
  readonly sign?: (message: Uint8Array) => Uint8Array;
}

export interface ConsensusTimeouts {
  readonly proposeMs: number;
  readonly prevoteMs: number;
  readonly precommitMs: number;
  /** Added per round, so a slow network eventually fits inside the timeouts. */
  readonly deltaMs: number;
  readonly maxMs: number;
  /** Target spacing of blocks while there is work. */
  readonly blockTimeMs: number;
  /** With nothing to do, still make a block this often, so clients see the chain is alive. */
  readonly emptyBlockIntervalMs: number;
  /** While a height makes no progress, re-send this validator's messages of the round this often (peers that reconnected missed them). */
  readonly rebroadcastMs: number;
}

export const DEFAULT_TIMEOUTS: ConsensusTimeouts = {
  proposeMs: 1500, prevoteMs: 500, precommitMs: 500, deltaMs: 500, maxMs: 6000,
  blockTimeMs: 1000, emptyBlockIntervalMs: 60_000, rebroadcastMs: 2000,
};

/** The replicated application, as consensus sees it. */
export interface ConsensusApp {
  readonly chainId: string;
  headHeight(): bigint;
  headTime(): bigint;
  /** The node's wall clock, ms since the epoch (block times come from it). */
  now(): number;
  /** The chain's block time bounds for the next block (params at the head). */
  synchrony(): SynchronyParams;
  validatorSet(height: bigint): ValidatorSet;
  /** Txs or evidence wait to be included. */
  hasPendingWork(): boolean;
  /**
   * More is pending than one block can take: the next height starts at once instead of waiting
   * out the block time (which is there to gather txs, and a full block needs no more).
   */
  hasFullBlockPending(): boolean;
  /** Chain time at which state has work scheduled (an election phase ends, a resolution's deadline), if any. */
  nextScheduledTime?(): bigint | null;
  buildBlock(time: bigint, proposer: Uint8Array): Promise<Block>;
  /** Throws if the block is not a valid next block. */
  validateBlock(block: Block): Promise<void>;
  commitBlock(block: Block, commit: Commit): Promise<void>;
  reportEvidence(ev: DuplicateVoteEvidence): void;
  /** A message showed that peers are at a later height: catch up by block sync. */
  onBehind(height: bigint): void;
}

export interface SignerState {
  readonly height: bigint;
  readonly round: number;
  readonly step: number;
  readonly blockHash: string;
}

/**
 * Durable memory of what this validator signed and what it is locked on (survives restarts).
 * A node keeps what it signed in its signing state file (signing-state.ts), apart from the chain store.
 */
export interface SignerStore {
  lastSigned(): SignerState | null;
  /** Makes `s` durable before it is signed; false: sign nothing (signing refused, or the record could not be written). */
  recordSigned(s: SignerState): boolean;
  lockAt(height: bigint): { height: bigint; round: number; block: Block } | null;
  recordLock(l: { height: bigint; round: number; block: Block }): void;
}

export interface ConsensusLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const Step = { newHeight: 0, propose: 1, prevote: 2, precommit: 3 } as const;
type Step = (typeof Step)[keyof typeof Step];

interface RoundProposal {
  readonly block: Block;
  readonly hash: Uint8Array;
  readonly polRound: number;
  validity: 'pending' | 'valid' | 'invalid';
  /** A fresh proposal's time was within this validator's window when it arrived (block-time.ts). */
  readonly timely: boolean;
}

interface RoundState {
  proposal?: RoundProposal;
  prevotes: VoteSet;
  precommits: VoteSet;
  prevoteTimeoutSet: boolean;
  precommitTimeoutSet: boolean;
  lockRuleFired: boolean;
}

const MAX_FUTURE_MESSAGES = 2000;
/** Votes further ahead than this are dropped, bounding the memory a faulty validator can claim. */
const MAX_ROUNDS_AHEAD = 1000;

export class ConsensusEngine {
  private height = 0n;
  private round = 0;
  private step: Step = Step.newHeight;
  private lockedRound = -1;
  private lockedBlock: Block | null = null;
  private validRound = -1;
  private validBlock: Block | null = null;
  private rounds = new Map<number, RoundState>();
  private set!: ValidatorSet;
  private powers: bigint[] = [];
  private total = 0n;
  private indexByAddress = new Map<string, number>();
  private myIndex = -1;
  private readonly myAddress: Uint8Array | null;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private future: ConsensusMessage[] = [];
  private deciding = false;
  private waitingForWork = false;
  private heightStartedAt = 0;
  private lastProgressAt = 0;
  private stopped = true;
  /** This validator's own messages in the current round, for re-sending while stuck. */
  private own: ConsensusMessage[] = [];
  private rebroadcastTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly app: ConsensusApp,
    private readonly broadcast: (m: ConsensusMessage, repeat: boolean) => void,
    private readonly verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean,
    private readonly signer: ConsensusSigner | null,
    private readonly timeouts: ConsensusTimeouts = DEFAULT_TIMEOUTS,
    private readonly log: ConsensusLogger = { info() {}, warn() {}, error() {} },
  ) {
    this.myAddress = signer ? addressOf(signer.publicKey) : null;
    const secretKey = signer?.secretKey;
    this.signBytes = signer?.sign ?? ((m) => sign(secretKey!, m));
  }

  private readonly signBytes: (message: Uint8Array) => Uint8Array;

  start(): void {
    this.stopped = false;
    this.enterHeight(this.app.headHeight() + 1n, 0);
    this.rebroadcastTimer = setInterval(() => this.rebroadcast(), this.timeouts.rebroadcastMs);
    this.rebroadcastTimer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.rebroadcastTimer) clearInterval(this.rebroadcastTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** The application's head moved (block sync): restart consensus at the new height. */
  resync(): void {
    if (this.stopped || this.deciding) return;
    const next = this.app.headHeight() + 1n;
    if (next !== this.height) this.enterHeight(next, 0);
  }

  /** New txs arrived: a height waiting for work can start. */
  workAvailable(): void {
    if (this.waitingForWork) this.beginRounds();
  }

  // ---------------------------------------------------------------- heights and rounds

  private enterHeight(height: bigint, delayMs: number): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.height = height;
    this.round = 0;
    this.step = Step.newHeight;
    this.rounds = new Map();
    this.lockedRound = -1;
    this.lockedBlock = null;
    this.validRound = -1;
    this.validBlock = null;
    this.waitingForWork = false;
    this.own = [];
    this.set = this.app.validatorSet(height);
    this.powers = this.set.validators.map((v) => v.power);
    this.total = totalPower(this.set);
    this.indexByAddress = new Map(this.set.validators.map((v, i) => [toHex(addressOf(v.publicKey)), i]));
    this.myIndex = this.myAddress ? (this.indexByAddress.get(toHex(this.myAddress)) ?? -1) : -1;
    // A lock survives a restart: forgetting it could let this validator help finalise a conflicting block.
    const lock = this.signer?.store.lockAt(height);
    if (lock) {
      this.lockedRound = lock.round;
      this.lockedBlock = lock.block;
      this.validRound = lock.round;
      this.validBlock = lock.block;
    }
    const buffered = this.future.filter((m) => msgHeight(m) === height);
    this.future = this.future.filter((m) => msgHeight(m) > height);
    this.after(delayMs, () => {
      // Block 1 is made at once, so clients have a signed header to verify state against from the start.
      if (height === 1n || this.app.hasPendingWork() || this.rounds.size > 0 || this.lockedBlock) this.beginRounds();
      else {
        // Idle: wait for a tx, a peer's message, or the empty-block interval.
        this.waitingForWork = true;
        const idleFor = this.app.now() - Number(this.app.headTime());
        // Scheduled state changes only happen in blocks: make one when the first falls due.
        const scheduled = this.app.nextScheduledTime?.();
        const untilScheduled = scheduled == null ? Infinity : Number(scheduled) - this.app.now() + 1;
        this.after(Math.max(0, Math.min(this.timeouts.emptyBlockIntervalMs - idleFor, untilScheduled)), () => this.beginRounds());
      }
    });
    for (const m of buffered) this.onMessage(m);
  }

  private beginRounds(): void {
    if (this.step !== Step.newHeight || this.stopped) return;
    // The block time counts from here, whatever began the rounds (our own timer, work arriving, or
    // a peer's proposal or vote arriving first): counted from the timer alone, a height decided
    // before that timer fired kept an older start, and blocks came faster than the block time.
    this.heightStartedAt = Date.now();
    this.waitingForWork = false;
    this.startRound(0);
  }

  private timeout(base: number): number {
    return Math.min(this.timeouts.maxMs, base + this.round * this.timeouts.deltaMs);
  }

  private rebroadcast(): void {
    if (this.stopped || this.deciding || Date.now() - this.lastProgressAt < this.timeouts.rebroadcastMs) return;
    for (const m of this.own) this.broadcast(m, true);
  }

  private startRound(round: number): void {
    this.round = round;
    this.step = Step.propose;
    this.own = [];
    this.lastProgressAt = Date.now();
    const proposer = proposerIndex(this.set, this.height, round);
    this.log.info({ height: this.height.toString(), round, proposer }, 'round');
    if (proposer === this.myIndex) void this.propose(this.height, round);
    const h = this.height;
    this.after(this.timeout(this.timeouts.proposeMs), () => this.onTimeoutPropose(h, round));
    this.evaluate();
  }

  private async propose(height: bigint, round: number): Promise<void> {
    let block = this.validBlock;
    if (!block) {
      const now = BigInt(this.app.now());
      const time = now > this.app.headTime() ? now : this.app.headTime() + 1n;
      // Behind the last block's time by more than the precision, this clock would stamp a time
      // honest validators see in the past: say so instead of proposing (the round moves on).
      const untimely = untimelyReason(this.app.synchrony(), time, now, round);
      if (untimely) {
        this.log.error({ height: height.toString(), round, lastBlockTime: this.app.headTime().toString(), clock: now.toString(), reason: untimely },
          'not proposing: this validator\'s clock is behind the chain (check its time sync)');
        return;
      }
      try {
        block = await this.app.buildBlock(time, this.myAddress!);
      } catch (e) {
        this.log.warn({ err: String(e) }, 'could not build a block');
        return;
      }
    }
    if (this.height !== height || this.round !== round || this.stopped) return;
    const hash = headerHash(block.header);
    const body = { height, round, polRound: this.validRound, blockHash: hash };
    if (!this.guard(height, round, Step.propose, hash)) return;
    const msg: ProposalMessage = { kind: 'proposal', height, round, polRound: this.validRound, block, signature: this.signBytes(proposalSignBytes(this.app.chainId, body)) };
    this.own.push(msg);
    this.broadcast(msg, false);
    this.onProposal(msg);
  }

  // ---------------------------------------------------------------- incoming messages

  /** Handles a decoded message; returns false if it was invalid (so the sender can be scored). */
  onMessage(m: ConsensusMessage): boolean {
    if (this.stopped) return true;
    const h = msgHeight(m);
    if (h < this.height) return true; // stale, harmless
    if (h > this.height) {
      // Peers are ahead: keep their messages for when we get there, and ask sync to check.
      if (!this.deciding) this.app.onBehind(h);
      if (this.future.length < MAX_FUTURE_MESSAGES) this.future.push(m);
      return true;
    }
    const round = m.kind === 'proposal' ? m.round : m.vote.vote.round;
    if (round > this.round + MAX_ROUNDS_AHEAD) return true;
    return m.kind === 'proposal' ? this.onProposal(m) : this.onVote(m.vote);
  }

  private onProposal(m: ProposalMessage): boolean {
    const rs = this.roundState(m.round);
    if (rs.proposal) return true;
    const proposer = this.set.validators[proposerIndex(this.set, this.height, m.round)]!;
    const hash = headerHash(m.block.header);
    const body = { height: m.height, round: m.round, polRound: m.polRound, blockHash: hash };
    if (!this.verify(proposer.publicKey, proposalSignBytes(this.app.chainId, body), m.signature)) return false;
    // A fresh block names this round's proposer (it is paid the fee remainder); a re-proposed one
    // keeps the proposer of the round it was first made in.
    if (m.polRound === -1 && !equalBytes(m.block.header.proposer, addressOf(proposer.publicKey))) return false;
    // Timeliness is judged on arrival, by this validator's clock; a re-proposal with a proof-of-lock was judged in its first round.
    const untimely = m.polRound === -1 ? untimelyReason(this.app.synchrony(), m.block.header.time, BigInt(this.app.now()), m.round) : null;
    if (untimely) this.log.warn({ height: m.height.toString(), round: m.round, proposer: proposerIndex(this.set, this.height, m.round), reason: untimely }, 'untimely proposal: prevoting nil');
    const p: RoundProposal = { block: m.block, hash, polRound: m.polRound, validity: 'pending', timely: untimely === null };
    rs.proposal = p;
    if (this.lockedBlock && equalBytes(headerHash(this.lockedBlock.header), hash) || this.validBlock && equalBytes(headerHash(this.validBlock.header), hash)) {
      p.validity = 'valid';
    } else {
      const height = this.height;
      this.app.validateBlock(m.block).then(
        () => { p.validity = 'valid'; },
        (e) => { p.validity = 'invalid'; this.log.warn({ height: height.toString(), round: m.round, err: String(e) }, 'invalid proposal'); },
      ).finally(() => { if (this.height === height) this.evaluate(); });
    }
    if (this.step === Step.newHeight) this.beginRounds();
    this.evaluate();
    return true;
  }

  private onVote(sv: SignedVote): boolean {
    const v = sv.vote;
    const index = this.indexByAddress.get(toHex(v.validator));
    if (index === undefined) return false;
    if (!this.verify(this.set.validators[index]!.publicKey, voteSignBytes(this.app.chainId, v), sv.signature)) return false;
    const rs = this.roundState(v.round);
    const set = v.type === VoteType.prevote ? rs.prevotes : rs.precommits;
    const r = set.add(index, sv);
    if (r.evidence) {
      this.log.warn({ height: this.height.toString(), round: v.round, validator: index }, 'double sign detected');
      this.app.reportEvidence(r.evidence);
    }
    if (r.added) {
      if (this.step === Step.newHeight) this.beginRounds();
      this.evaluate();
    }
    return true;
  }

  // ---------------------------------------------------------------- the rules

  private evaluate(): void {
    if (this.stopped || this.deciding || this.step === Step.newHeight) return;
    for (let progressed = true; progressed && !this.deciding && (this.step as Step) !== Step.newHeight;) {
      progressed = this.evaluateOnce();
    }
  }

  private evaluateOnce(): boolean {
    // 49: a proposal with > 2/3 precommits in any round is decided.
    for (const [r, rs] of this.rounds) {
      const p = rs.proposal;
      if (p && p.validity === 'valid' && rs.precommits.hasTwoThirdsFor(p.hash)) {
        void this.decide(r, p);
        return false;
      }
      if (!p && rs.precommits.twoThirdsMajority() && rs.precommits.twoThirdsMajority() !== toHex(NIL_HASH)) {
        // Peers finalised a block we never received: fetch it by block sync.
        this.app.onBehind(this.height);
      }
    }
    const rs = this.roundState(this.round);
    const p = rs.proposal;
    // 22: a fresh proposal.
    if (this.step === Step.propose && p && p.polRound === -1 && p.validity !== 'pending') {
      const ok = p.validity === 'valid' && p.timely && (this.lockedRound === -1 || this.isLocked(p.hash));
      this.vote(VoteType.prevote, ok ? p.hash : NIL_HASH);
      this.step = Step.prevote;
      return true;
    }
    // 28: a re-proposal backed by a proof-of-lock from an earlier round.
    if (this.step === Step.propose && p && p.polRound >= 0 && p.polRound < this.round && p.validity !== 'pending'
      && this.rounds.get(p.polRound)?.prevotes.hasTwoThirdsFor(p.hash)) {
      const ok = p.validity === 'valid' && (this.lockedRound <= p.polRound || this.isLocked(p.hash));
      this.vote(VoteType.prevote, ok ? p.hash : NIL_HASH);
      this.step = Step.prevote;
      return true;
    }
    // 34: any 2/3 prevotes: start the prevote timeout.
    if (this.step === Step.prevote && rs.prevotes.hasTwoThirdsAny() && !rs.prevoteTimeoutSet) {
      rs.prevoteTimeoutSet = true;
      const [h, r] = [this.height, this.round];
      this.after(this.timeout(this.timeouts.prevoteMs), () => this.onTimeoutPrevote(h, r));
    }
    // 36: a valid proposal with 2/3 prevotes: lock and precommit it.
    if (p && p.validity === 'valid' && this.step >= Step.prevote && !rs.lockRuleFired && rs.prevotes.hasTwoThirdsFor(p.hash)) {
      rs.lockRuleFired = true;
      if (this.step === Step.prevote) {
        this.lockedRound = this.round;
        this.lockedBlock = p.block;
        this.signer?.store.recordLock({ height: this.height, round: this.round, block: p.block });
        this.vote(VoteType.precommit, p.hash);
        this.step = Step.precommit;
      }
      this.validRound = this.round;
      this.validBlock = p.block;
      return true;
    }
    // 44: 2/3 prevoted nil.
    if (this.step === Step.prevote && rs.prevotes.twoThirdsMajority() === toHex(NIL_HASH)) {
      this.vote(VoteType.precommit, NIL_HASH);
      this.step = Step.precommit;
      return true;
    }
    // 47: any 2/3 precommits: start the precommit timeout.
    if (rs.precommits.hasTwoThirdsAny() && !rs.precommitTimeoutSet) {
      rs.precommitTimeoutSet = true;
      const [h, r] = [this.height, this.round];
      this.after(this.timeout(this.timeouts.precommitMs), () => this.onTimeoutPrecommit(h, r));
    }
    // 55: more than 1/3 of the stake is in a later round: skip ahead.
    for (const [r, later] of this.rounds) {
      if (r > this.round && this.unionPower(later) * 3n > this.total) {
        this.startRound(r);
        return true;
      }
    }
    return false;
  }

  private unionPower(rs: RoundState): bigint {
    const seen = new Set<number>();
    for (const [i] of rs.prevotes.votes()) seen.add(i);
    for (const [i] of rs.precommits.votes()) seen.add(i);
    let p = 0n;
    for (const i of seen) p += this.powers[i]!;
    return p;
  }

  private isLocked(hash: Uint8Array): boolean {
    return this.lockedBlock !== null && equalBytes(headerHash(this.lockedBlock.header), hash);
  }

  private onTimeoutPropose(h: bigint, r: number): void {
    if (h === this.height && r === this.round && this.step === Step.propose) {
      this.vote(VoteType.prevote, NIL_HASH);
      this.step = Step.prevote;
      this.evaluate();
    }
  }

  private onTimeoutPrevote(h: bigint, r: number): void {
    if (h === this.height && r === this.round && this.step === Step.prevote) {
      this.vote(VoteType.precommit, NIL_HASH);
      this.step = Step.precommit;
      this.evaluate();
    }
  }

  private onTimeoutPrecommit(h: bigint, r: number): void {
    if (h === this.height && r === this.round && !this.deciding) this.startRound(r + 1);
  }

  private vote(type: VoteType, blockHash: Uint8Array): void {
    if (this.myIndex < 0 || !this.signer) return;
    const step = type === VoteType.prevote ? Step.prevote : Step.precommit;
    if (!this.guard(this.height, this.round, step, blockHash)) return;
    const vote = { type, height: this.height, round: this.round, blockHash, validator: this.myAddress! };
    const sv: SignedVote = { vote, signature: this.signBytes(voteSignBytes(this.app.chainId, vote)) };
    const msg: ConsensusMessage = { kind: 'vote', vote: sv };
    this.own.push(msg);
    this.lastProgressAt = Date.now();
    this.broadcast(msg, false);
    this.onVote(sv);
  }

  /**
   * Never sign two different things for one (height, round, step), nor go back in time — even
   * across a crash: the intent is made durable before the signature leaves the process.
   */
  private guard(height: bigint, round: number, step: number, blockHash: Uint8Array): boolean {
    const store = this.signer!.store;
    const last = store.lastSigned();
    const hash = toHex(blockHash);
    if (last) {
      const cmp = height !== last.height ? (height > last.height ? 1 : -1) : round !== last.round ? round - last.round : step - last.step;
      if (cmp < 0) return false;
      if (cmp === 0) return last.blockHash === hash;
    }
    return store.recordSigned({ height, round, step, blockHash: hash });
  }

  private async decide(round: number, p: RoundProposal): Promise<void> {
    this.deciding = true;
    const rs = this.rounds.get(round)!;
    const signatures = rs.precommits.votesFor(p.hash)
      .map(([validatorIndex, sv]) => ({ validatorIndex, signature: sv.signature }))
      .sort((a, b) => a.validatorIndex - b.validatorIndex);
    const commit: Commit = { height: this.height, round, blockHash: p.hash, signatures };
    const startedAt = this.heightStartedAt;
    try {
      if (this.app.headHeight() + 1n === this.height) await this.app.commitBlock(p.block, commit);
      this.log.info({ height: this.height.toString(), round, txs: p.block.txs.length, hash: toHex(p.hash).slice(0, 16) }, 'finalised');
    } catch (e) {
      // A store that cannot be written is reported by the node (error level, rate-limited): a full disk fails every retry.
      if (!(e instanceof StoreWriteError)) this.log.warn({ err: String(e) }, 'commit failed');
    } finally {
      this.deciding = false;
    }
    if (this.stopped) return;
    const wait = this.app.hasFullBlockPending() ? 0 : Math.max(0, this.timeouts.blockTimeMs - (Date.now() - startedAt));
    this.enterHeight(this.app.headHeight() + 1n, wait);
  }

  private roundState(round: number): RoundState {
    let rs = this.rounds.get(round);
    if (!rs) {
      rs = { prevotes: new VoteSet(this.powers, this.total), precommits: new VoteSet(this.powers, this.total), prevoteTimeoutSet: false, precommitTimeoutSet: false, lockRuleFired: false };
      this.rounds.set(round, rs);
    }
    return rs;
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }
}

const msgHeight = (m: ConsensusMessage): bigint => (m.kind === 'proposal' ? m.height : m.vote.vote.height);
