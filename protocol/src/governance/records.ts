/**
 * State records of governance (whitepaper ch. 4): the decision board, the community
 * representatives, their elections with coin-age, and resolutions. The technical committee is the
 * contract layer's Committee record (0x40), which a board resolution can now replace. Keys and
 * encodings live here so the node writes and the light client proves the same bytes.
 *
 * | ns   | key                                   | value             |
 * |------|---------------------------------------|-------------------|
 * | 0x41 | —                                     | GovParams         |
 * | 0x42 | —                                     | Body (the board)  |
 * | 0x43 | —                                     | Body (representatives) |
 * | 0x44 | election id(u64)                      | Election          |
 * | 0x45 | election id(u64) ‖ candidate(20)      | CandidateTally    |
 * | 0x46 | election id(u64) ‖ holder(20)         | HolderBallot      |
 * | 0x47 | election id(u64) ‖ representative(20) | board ballot: candidate(20) |
 * | 0x48 | resolution id(32)                     | Resolution        |
 * | 0x49 | —                                     | ResolutionIndex   |
 * | 0x4a | —                                     | UpgradePlan       |
 * | 0x4b | —                                     | ElectionClock     |
 */
import { Reader, Writer, decodeExact, encodeWith } from '../codec.ts';
import { ADDRESS_LENGTH } from '../keys.ts';
import { concatBytes, stateKey, u64be } from '../bytes.ts';
import { taggedHash } from '../hash.ts';
import { ErrorCode, fail } from '../errors.ts';
import { readParams, writeParams, type Params } from '../state-schema.ts';
import { readCommittee, writeCommittee, type Committee } from '../contracts/records.ts';
import { ID_LENGTH } from '../contracts/values.ts';
import { MAX_LOCK_TRANCHES, readLockTranches, writeLockTranches, type LockTranche } from './coin-age.ts';

export const GovNs = {
  govParams: 0x41,
  board: 0x42,
  representatives: 0x43,
  election: 0x44,
  candidateTally: 0x45,
  holderBallot: 0x46,
  boardBallot: 0x47,
  resolution: 0x48,
  resolutionIndex: 0x49,
  upgradePlan: 0x4a,
  electionClock: 0x4b,
} as const;

const key = stateKey;

export const GovKey = {
  govParams: () => key(GovNs.govParams),
  board: () => key(GovNs.board),
  representatives: () => key(GovNs.representatives),
  election: (id: bigint) => key(GovNs.election, u64be(id)),
  candidateTally: (election: bigint, candidate: Uint8Array) => key(GovNs.candidateTally, u64be(election), candidate),
  holderBallot: (election: bigint, holder: Uint8Array) => key(GovNs.holderBallot, u64be(election), holder),
  boardBallot: (election: bigint, representative: Uint8Array) => key(GovNs.boardBallot, u64be(election), representative),
  resolution: (id: Uint8Array) => key(GovNs.resolution, id),
  resolutionIndex: () => key(GovNs.resolutionIndex),
  upgradePlan: () => key(GovNs.upgradePlan),
  electionClock: () => key(GovNs.electionClock),
};

/** The whitepaper's numbers: 30 community representatives elect 5 core board members. */
export const REPRESENTATIVES = 30;
export const BOARD_SIZE = 5;
export const MAX_CANDIDATES = 256;
export const MAX_OPEN_RESOLUTIONS = 64;
export const RECENT_RESOLUTIONS = 64;
export const VERSION_MAX = 32;
export const REASON_MAX = 512;

const addrList = (w: Writer, l: readonly Uint8Array[], max: number) => w.array(l, max, (w, a) => w.fixed(a, ADDRESS_LENGTH));
const readAddrList = (r: Reader, max: number, what: string) => r.array(max, (r) => r.fixed(ADDRESS_LENGTH, what), what);
function readEnum<T extends string>(r: Reader, all: readonly T[], what: string): T {
  const i = r.u8(what);
  if (i >= all.length) fail(ErrorCode.DECODE_NON_CANONICAL, `${what}: unknown value ${i}`);
  return all[i]!;
}

// ---------------------------------------------------------------------------------------------
// Parameters of governance itself (a board resolution can change them).

export interface GovParams {
  /** Length of a board's term in chain time (3 years on mainnet, minutes on the devnet). */
  readonly boardTermMs: bigint;
  /** Holders register as candidates and vote during this window after an election opens. */
  readonly votingPeriodMs: bigint;
  /** Then the elected representatives vote for the board during this window. */
  readonly boardVotePeriodMs: bigint;
  /** Coin-age stops growing after this long unmoved. */
  readonly coinAgeCapMs: bigint;
  /** A resolution's deadline may be at most this far after its proposal. */
  readonly maxResolutionMs: bigint;
}
export const writeGovParams = (w: Writer, p: GovParams): void => {
  w.u64(p.boardTermMs).u64(p.votingPeriodMs).u64(p.boardVotePeriodMs).u64(p.coinAgeCapMs).u64(p.maxResolutionMs);
};
export function readGovParams(r: Reader): GovParams {
  const p = { boardTermMs: r.u64('boardTermMs'), votingPeriodMs: r.u64('votingPeriodMs'), boardVotePeriodMs: r.u64('boardVotePeriodMs'), coinAgeCapMs: r.u64('coinAgeCapMs'), maxResolutionMs: r.u64('maxResolutionMs') };
  if (p.votingPeriodMs === 0n || p.boardVotePeriodMs === 0n || p.coinAgeCapMs === 0n || p.maxResolutionMs === 0n || p.boardTermMs < p.votingPeriodMs + p.boardVotePeriodMs) {
    fail(ErrorCode.PARAMS_INVALID, 'governance params: periods must be positive and a board term must outlast its election');
  }
  return p;
}
export const encodeGovParams = (p: GovParams): Uint8Array => encodeWith(p, writeGovParams, 40);
export const decodeGovParams = (b: Uint8Array): GovParams => decodeExact(b, readGovParams, 'governance params');

// ---------------------------------------------------------------------------------------------
// Bodies.

/** What a body may decide; held in its record so the light client can prove it. */
export const Power = {
  /** All five must approve: fees, parameters, committee membership, lockups, major upgrades, deprecations. */
  boardResolution: 1,
  /** Small fixes by threshold: template deprecation and patch-level upgrade signals. */
  committeeFix: 2,
  /** Representatives choose the board. */
  electBoard: 4,
  /** Template review (the contract layer's committee). */
  reviewTemplates: 8,
} as const;

export interface Body {
  readonly members: readonly Uint8Array[];
  readonly termStart: bigint;
  /** Chain time at which the next election opens (board) or the body is replaced (representatives). */
  readonly termEnd: bigint;
  /** The election that chose it; 0 for the genesis board. */
  readonly election: bigint;
  readonly powers: number;
}
export const encodeBody = (b: Body): Uint8Array =>
  encodeWith(b, (w, b) => { addrList(w, b.members, REPRESENTATIVES); w.u64(b.termStart).u64(b.termEnd).u64(b.election).u32(b.powers); }, 32 + 20 * b.members.length);
export const decodeBody = (b: Uint8Array): Body =>
  decodeExact(b, (r) => ({ members: readAddrList(r, REPRESENTATIVES, 'members'), termStart: r.u64('termStart'), termEnd: r.u64('termEnd'), election: r.u64('election'), powers: r.u32('powers') }), 'body');

// ---------------------------------------------------------------------------------------------
// Elections.

export const ElectionPhase = { voting: 0, boardVoting: 1, closed: 2, failed: 3 } as const;
export type ElectionPhase = keyof typeof ElectionPhase;
const PHASES = Object.keys(ElectionPhase) as ElectionPhase[];

export interface Election {
  readonly id: bigint;
  /** Coin-age is measured at this instant: coins moved later carry no weight into this election. */
  readonly opensAt: bigint;
  readonly votingEndsAt: bigint;
  readonly boardVoteEndsAt: bigint;
  readonly phase: ElectionPhase;
  readonly candidates: readonly Uint8Array[];
  readonly totalWeight: bigint;
  readonly voters: number;
  /** Filled at the end of voting: the top 30 candidates by weight (ties by address). */
  readonly representatives: readonly Uint8Array[];
  /** Filled at the end of board voting: the top 5 representatives by votes (ties by weight, then address). */
  readonly board: readonly Uint8Array[];
}
export const encodeElection = (e: Election): Uint8Array =>
  encodeWith(e, (w, e) => {
    w.u64(e.id).u64(e.opensAt).u64(e.votingEndsAt).u64(e.boardVoteEndsAt).u8(ElectionPhase[e.phase]);
    addrList(w, e.candidates, MAX_CANDIDATES);
    w.u128(e.totalWeight).u32(e.voters);
    addrList(w, e.representatives, REPRESENTATIVES);
    addrList(w, e.board, BOARD_SIZE);
  }, 128 + 20 * (e.candidates.length + e.representatives.length + e.board.length));
export const decodeElection = (b: Uint8Array): Election =>
  decodeExact(b, (r) => ({
    id: r.u64('id'), opensAt: r.u64('opensAt'), votingEndsAt: r.u64('votingEndsAt'), boardVoteEndsAt: r.u64('boardVoteEndsAt'), phase: readEnum(r, PHASES, 'phase'),
    candidates: readAddrList(r, MAX_CANDIDATES, 'candidates'), totalWeight: r.u128('totalWeight'), voters: r.u32('voters'),
    representatives: readAddrList(r, REPRESENTATIVES, 'representatives'), board: readAddrList(r, BOARD_SIZE, 'board'),
  }), 'election');

/** Latest election id (0 = none yet) and whether it is still running. */
export interface ElectionClock {
  readonly latest: bigint;
  readonly open: boolean;
}
export const encodeElectionClock = (c: ElectionClock): Uint8Array => encodeWith(c, (w, c) => w.u64(c.latest).bool(c.open), 9);
export const decodeElectionClock = (b: Uint8Array): ElectionClock => decodeExact(b, (r) => ({ latest: r.u64('latest'), open: r.bool('open') }), 'election clock');

export interface CandidateTally {
  /** Σ balance × coin-age (unit·ms) of the holders who voted for the candidate. */
  readonly weight: bigint;
  readonly voters: number;
  /** Representatives' votes for the board. */
  readonly boardVotes: number;
}
export const encodeCandidateTally = (t: CandidateTally): Uint8Array => encodeWith(t, (w, t) => w.u128(t.weight).u32(t.voters).u32(t.boardVotes), 24);
export const decodeCandidateTally = (b: Uint8Array): CandidateTally =>
  decodeExact(b, (r) => ({ weight: r.u128('weight'), voters: r.u32('voters'), boardVotes: r.u32('boardVotes') }), 'candidate tally');

export interface HolderBallot {
  readonly candidate: Uint8Array;
  readonly weight: bigint;
}
export const encodeHolderBallot = (b: HolderBallot): Uint8Array => encodeWith(b, (w, b) => w.fixed(b.candidate, ADDRESS_LENGTH).u128(b.weight), 36);
export const decodeHolderBallot = (b: Uint8Array): HolderBallot => decodeExact(b, (r) => ({ candidate: r.fixed(ADDRESS_LENGTH, 'candidate'), weight: r.u128('weight') }), 'holder ballot');

export const encodeBoardBallot = (candidate: Uint8Array): Uint8Array => encodeWith(candidate, (w, c) => w.fixed(c, ADDRESS_LENGTH), 20);
export const decodeBoardBallot = (b: Uint8Array): Uint8Array => decodeExact(b, (r) => r.fixed(ADDRESS_LENGTH, 'candidate'), 'board ballot');

// ---------------------------------------------------------------------------------------------
// Resolutions.

export const UpgradeSeverity = { patch: 0, major: 1 } as const;
export type UpgradeSeverity = keyof typeof UpgradeSeverity;
const SEVERITIES = Object.keys(UpgradeSeverity) as UpgradeSeverity[];

/** What a resolution does when it takes effect. Tags are part of the encoding; never reuse one. */
export type GovAction =
  /** The fee schedule, gas price, review fee, unbonding period and the other chain parameters. */
  | { readonly type: 'setParams'; readonly params: Params }
  | { readonly type: 'setGovParams'; readonly gov: GovParams }
  /** Replaces the technical committee (template review, small fixes). */
  | { readonly type: 'setCommittee'; readonly committee: Committee }
  | { readonly type: 'deprecateTemplate'; readonly template: Uint8Array }
  /** A software upgrade signal: nodes older than `version` stop at the resolution's activation height. */
  | { readonly type: 'upgrade'; readonly version: string; readonly severity: UpgradeSeverity }
  /** Adds lock/vesting tranches to an account (locked funds can stake and vote, not move). */
  | { readonly type: 'addLock'; readonly account: Uint8Array; readonly tranches: readonly LockTranche[] };

const ACTION_TAGS = { setParams: 1, setGovParams: 2, setCommittee: 3, deprecateTemplate: 4, upgrade: 5, addLock: 6 } as const;

export function writeGovAction(w: Writer, a: GovAction): void {
  w.u8(ACTION_TAGS[a.type]);
  switch (a.type) {
    case 'setParams': writeParams(w, a.params); return;
    case 'setGovParams': writeGovParams(w, a.gov); return;
    case 'setCommittee': writeCommittee(w, a.committee); return;
    case 'deprecateTemplate': w.fixed(a.template, ID_LENGTH); return;
    case 'upgrade': w.string(a.version, VERSION_MAX).u8(UpgradeSeverity[a.severity]); return;
    case 'addLock': w.fixed(a.account, ADDRESS_LENGTH); writeLockTranches(w, a.tranches); return;
  }
}
export function readGovAction(r: Reader): GovAction {
  const tag = r.u8('action');
  switch (tag) {
    case ACTION_TAGS.setParams: return { type: 'setParams', params: readParams(r) };
    case ACTION_TAGS.setGovParams: return { type: 'setGovParams', gov: readGovParams(r) };
    case ACTION_TAGS.setCommittee: return { type: 'setCommittee', committee: readCommittee(r) };
    case ACTION_TAGS.deprecateTemplate: return { type: 'deprecateTemplate', template: r.fixed(ID_LENGTH, 'template') };
    case ACTION_TAGS.upgrade: {
      const version = r.string(VERSION_MAX, 'version');
      if (!/^\d{1,6}\.\d{1,6}\.\d{1,6}$/.test(version)) fail(ErrorCode.TX_INVALID, 'upgrade version must be MAJOR.MINOR.PATCH');
      return { type: 'upgrade', version, severity: readEnum(r, SEVERITIES, 'severity') };
    }
    case ACTION_TAGS.addLock: {
      const account = r.fixed(ADDRESS_LENGTH, 'account');
      const tranches = readLockTranches(r);
      if (tranches.length === 0 || tranches.length > MAX_LOCK_TRANCHES) fail(ErrorCode.TX_INVALID, `a lock needs 1..${MAX_LOCK_TRANCHES} tranches`);
      return { type: 'addLock', account, tranches };
    }
    default: return fail(ErrorCode.DECODE_UNKNOWN_TAG, `unknown governance action ${tag}`);
  }
}

/** Which body decides a proposal. The board decides unanimously; the committee by its threshold. */
export const GovBody = { board: 0, committee: 1 } as const;
export type GovBody = keyof typeof GovBody;
const BODIES = Object.keys(GovBody) as GovBody[];

/** The paper's split: the committee patches small things, anything serious needs the board. */
export function bodyMayDecide(body: GovBody, a: GovAction): boolean {
  if (body === 'board') return true;
  return a.type === 'deprecateTemplate' || (a.type === 'upgrade' && a.severity === 'patch');
}

export const ResolutionStatus = { open: 0, passed: 1, executed: 2, rejected: 3, expired: 4, failed: 5 } as const;
export type ResolutionStatus = keyof typeof ResolutionStatus;
const STATUSES = Object.keys(ResolutionStatus) as ResolutionStatus[];

export interface Resolution {
  readonly body: GovBody;
  readonly proposer: Uint8Array;
  readonly action: GovAction;
  readonly proposedAtHeight: bigint;
  /** Chain time by which every approval must be in. */
  readonly deadline: bigint;
  /** The height at whose start it takes effect once passed. */
  readonly activationHeight: bigint;
  /** Members who must decide (the body as it was at proposal time) and how many approvals pass it. */
  readonly voters: readonly Uint8Array[];
  readonly threshold: number;
  readonly approvals: readonly Uint8Array[];
  readonly rejections: readonly Uint8Array[];
  readonly status: ResolutionStatus;
  /** Why it expired, was rejected or failed; empty while open and after success. */
  readonly note: string;
}
export const encodeResolution = (x: Resolution): Uint8Array =>
  encodeWith(x, (w, x) => {
    w.u8(GovBody[x.body]).fixed(x.proposer, ADDRESS_LENGTH);
    writeGovAction(w, x.action);
    w.u64(x.proposedAtHeight).u64(x.deadline).u64(x.activationHeight);
    addrList(w, x.voters, 32);
    w.u8(x.threshold);
    addrList(w, x.approvals, 32);
    addrList(w, x.rejections, 32);
    w.u8(ResolutionStatus[x.status]).string(x.note, REASON_MAX);
  }, 512);
export const decodeResolution = (b: Uint8Array): Resolution =>
  decodeExact(b, (r) => ({
    body: readEnum(r, BODIES, 'body'), proposer: r.fixed(ADDRESS_LENGTH, 'proposer'), action: readGovAction(r),
    proposedAtHeight: r.u64('proposedAtHeight'), deadline: r.u64('deadline'), activationHeight: r.u64('activationHeight'),
    voters: readAddrList(r, 32, 'voters'), threshold: r.u8('threshold'), approvals: readAddrList(r, 32, 'approvals'), rejections: readAddrList(r, 32, 'rejections'),
    status: readEnum(r, STATUSES, 'status'), note: r.string(REASON_MAX, 'note'),
  }), 'resolution');

export const resolutionId = (proposer: Uint8Array, nonce: bigint): Uint8Array => taggedHash('dipnet/resolution/v1', concatBytes(proposer, u64be(nonce)));

/** Open resolutions (scanned each block for deadlines and activation) and the most recent ones, newest first. */
export interface ResolutionIndex {
  readonly open: readonly Uint8Array[];
  readonly recent: readonly Uint8Array[];
}
const idList = (w: Writer, l: readonly Uint8Array[], max: number) => w.array(l, max, (w, a) => w.fixed(a, ID_LENGTH));
const readIdList = (r: Reader, max: number, what: string) => r.array(max, (r) => r.fixed(ID_LENGTH, what), what);
export const encodeResolutionIndex = (x: ResolutionIndex): Uint8Array =>
  encodeWith(x, (w, x) => { idList(w, x.open, MAX_OPEN_RESOLUTIONS); idList(w, x.recent, RECENT_RESOLUTIONS); }, 16 + 32 * (x.open.length + x.recent.length));
export const decodeResolutionIndex = (b: Uint8Array): ResolutionIndex =>
  decodeExact(b, (r) => ({ open: readIdList(r, MAX_OPEN_RESOLUTIONS, 'open'), recent: readIdList(r, RECENT_RESOLUTIONS, 'recent') }), 'resolution index');

/** The newest software upgrade the chain has scheduled. */
export interface UpgradePlan {
  readonly version: string;
  readonly severity: UpgradeSeverity;
  readonly activationHeight: bigint;
  readonly resolution: Uint8Array;
}
export const encodeUpgradePlan = (p: UpgradePlan): Uint8Array =>
  encodeWith(p, (w, p) => w.string(p.version, VERSION_MAX).u8(UpgradeSeverity[p.severity]).u64(p.activationHeight).fixed(p.resolution, ID_LENGTH), 80);
export const decodeUpgradePlan = (b: Uint8Array): UpgradePlan =>
  decodeExact(b, (r) => ({ version: r.string(VERSION_MAX, 'version'), severity: readEnum(r, SEVERITIES, 'severity'), activationHeight: r.u64('activationHeight'), resolution: r.fixed(ID_LENGTH, 'resolution') }), 'upgrade plan');

/** Genesis governance: the first board (the foundation's) and the rules. */
export interface GenesisGovernance {
  readonly params: GovParams;
  readonly board: readonly Uint8Array[];
}
export const writeGenesisGovernance = (w: Writer, g: GenesisGovernance): void => { writeGovParams(w, g.params); addrList(w, g.board, BOARD_SIZE); };
export function readGenesisGovernance(r: Reader): GenesisGovernance {
  const g = { params: readGovParams(r), board: readAddrList(r, BOARD_SIZE, 'board') };
  if (g.board.length !== BOARD_SIZE || new Set(g.board.map((a) => a.join())).size !== BOARD_SIZE) fail(ErrorCode.INVALID_ARGUMENT, `genesis board must have ${BOARD_SIZE} distinct members`);
  return g;
}

export type { Committee };
