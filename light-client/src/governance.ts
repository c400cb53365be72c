/**
 * Governance and issued tokens in the light client: the decision board, the representatives, the
 * technical committee, elections with their tallies and ballots, resolutions, and token records
 * and balances — every field decoded from a state value that `getState` proved against a verified
 * header. A multi-value read is pinned to the height of its first proof, so a page never mixes
 * two states. Absent keys are proven absent (a tally or balance of zero, no ballot).
 *
 * Governance txs run no contract code and leave no receipt: the chain refuses a bad one at the
 * mempool (LC_TX_REJECTED with the chain's code) and an included one always applied, so a tx is
 * final once a proven account nonce passes it (as for transfers).
 */
import {
  ContractKey, DipnetError, ErrorCode, GovKey, LightError, LightErrorCode, Power, TokenKey, compareBytes, decodeBody, decodeCandidateTally,
  decodeCommittee, decodeElection, decodeElectionClock, decodeGovParams, decodeHolderBallot, decodeResolution, decodeResolutionIndex,
  decodeTokenBalance, decodeTokenRecord, decodeUpgradePlan, equalBytes, formatAddress, formatDpn, parseAddress, toHex, txHash,
  type Body, type Election, type GovAction, type TxBody,
} from '@dipnet/protocol';
import type {
  DecideResolutionRequest, DecideResolutionResult, GovTxOptions, GovTxResult, GovTxStage, VerifiedBallot, VerifiedBody, VerifiedElection,
  VerifiedGovernance, VerifiedMembership, VerifiedResolution, VerifiedResolutions, VerifiedTally, VerifiedToken, VerifiedTokenBalance, VoteRequest,
  VoteResult,
  PendingTx,
} from './api.ts';
import { idBytes, type ContractTxHost, type StateReader } from './contracts.ts';
import { buildSignedTx } from './wallet/wallet.ts';
import { notExecuted, waitFor } from './tx-fate.ts';

const READ_CONCURRENCY = 8;
type At = { height?: bigint };

const invalid = (msg: string): never => {
  throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, msg);
};
const malformed = (msg: string): never => {
  throw new LightError(LightErrorCode.LC_VALUE_MALFORMED, msg);
};

function decodeProven<T>(decode: (b: Uint8Array) => T, bytes: Uint8Array, what: string): T {
  try {
    return decode(bytes);
  } catch (e) {
    return malformed(`proven ${what} does not decode: ${(e as Error).message}`);
  }
}

/** An address argument: `dpn…` text or 20 bytes. */
export function addressBytes(v: string | Uint8Array, what: string): Uint8Array {
  try {
    const a = typeof v === 'string' ? parseAddress(v) : v;
    formatAddress(a);
    return a;
  } catch (e) {
    return invalid(`${what}: ${(e as Error).message}`);
  }
}

function electionId(v: bigint): bigint {
  if (typeof v !== 'bigint' || v < 1n || v >= 1n << 64n) invalid('an election id is a bigint from 1');
  return v;
}

const POWER_NAMES = Object.entries(Power) as [string, number][];
const bodyView = (b: Body): VerifiedBody => ({
  members: b.members.map(formatAddress), termStart: b.termStart, termEnd: b.termEnd, election: b.election,
  powers: POWER_NAMES.filter(([, bit]) => (b.powers & bit) !== 0).map(([name]) => name),
});

// ------------------------------------------------------------------------------- action text

const dpnText = (units: bigint): string => `${formatDpn(units)} DPN`;
function span(ms: bigint): string {
  const units: [bigint, string][] = [[86_400_000n, 'd'], [3_600_000n, 'h'], [60_000n, 'min'], [1000n, 's']];
  for (const [u, name] of units) if (ms >= u && ms % u === 0n) return `${ms / u} ${name}`;
  return `${ms} ms`;
}

/** One line saying what a resolution does when it takes effect. */
export function describeGovAction(a: GovAction): string {
  switch (a.type) {
    case 'setParams': {
      const p = a.params;
      return `Chain parameters: fee ${dpnText(p.feeBase)} + ${dpnText(p.feePerByte)}/byte, gas price ${p.gasPrice}, review fee ${dpnText(p.reviewFee)}, `
        + `unbonding ${span(p.unbondingPeriodMs)}, min. stake ${dpnText(p.minValidatorStake)}, ${p.maxValidators} validators max, slash ${p.slashBps / 100}%, `
        + `block times within ${span(BigInt(p.timePrecisionMs))} ahead / ${span(BigInt(p.timePrecisionMs + p.messageDelayMs))} behind validators' clocks`;
    }
    case 'setGovParams': {
      const g = a.gov;
      return `Governance parameters: board term ${span(g.boardTermMs)}, holder voting ${span(g.votingPeriodMs)}, board vote ${span(g.boardVotePeriodMs)}, `
        + `coin-age cap ${span(g.coinAgeCapMs)}, resolutions up to ${span(g.maxResolutionMs)}`;
    }
    case 'setCommittee':
      return `Technical committee: ${a.committee.members.length} members (${a.committee.members.map(formatAddress).join(', ')}), ${a.committee.threshold} must agree`;
    case 'deprecateTemplate':
      return `Deprecate template ${toHex(a.template)}`;
    case 'upgrade':
      return `Software upgrade to ${a.version} (${a.severity})`;
    case 'addLock': {
      const total = a.tranches.reduce((s, t) => s + t.amount, 0n);
      const last = a.tranches.reduce((m, t) => (t.unlockAt > m ? t.unlockAt : m), 0n);
      return `Lock ${dpnText(total)} of ${formatAddress(a.account)} in ${a.tranches.length} tranche${a.tranches.length === 1 ? '' : 's'}, the last unlocking ${new Date(Number(last)).toISOString()}`;
    }
  }
}

// ------------------------------------------------------------------------------- reads

export class GovernanceReader {
  constructor(private readonly r: StateReader) {}

  async governance(opts: At = {}): Promise<VerifiedGovernance> {
    const b = await this.r.getState(GovKey.board(), opts);
    if (!b.value) malformed(`the chain has no decision board in its state at height ${b.height}`);
    const at = { height: b.height };
    const [reps, committee, gov, clock, plan] = await Promise.all([
      this.r.getState(GovKey.representatives(), at), this.r.getState(ContractKey.committee(), at), this.r.getState(GovKey.govParams(), at),
      this.r.getState(GovKey.electionClock(), at), this.r.getState(GovKey.upgradePlan(), at),
    ]);
    if (!committee.value) malformed(`the chain has no technical committee in its state at height ${b.height}`);
    if (!gov.value) malformed(`the chain has no governance params in its state at height ${b.height}`);
    const c = decodeProven(decodeCommittee, committee.value!, 'committee');
    const u = plan.value ? decodeProven(decodeUpgradePlan, plan.value, 'upgrade plan') : null;
    return {
      board: bodyView(decodeProven(decodeBody, b.value!, 'board')),
      representatives: reps.value ? bodyView(decodeProven(decodeBody, reps.value, 'representatives')) : null,
      committee: { members: c.members.map(formatAddress), threshold: c.threshold },
      govParams: decodeProven(decodeGovParams, gov.value!, 'governance params'),
      // Absent before the first election: none yet, none open.
      electionClock: clock.value ? decodeProven(decodeElectionClock, clock.value, 'election clock') : { latest: 0n, open: false },
      upgradePlan: u ? { version: u.version, severity: u.severity, activationHeight: u.activationHeight, resolution: toHex(u.resolution) } : null,
      height: b.height, headerHash: b.headerHash, time: b.time,
    };
  }

  async isBoardMember(address: Uint8Array, opts: At = {}): Promise<VerifiedMembership> {
    const s = await this.r.getState(GovKey.board(), opts);
    if (!s.value) malformed(`the chain has no decision board in its state at height ${s.height}`);
    const board = decodeProven(decodeBody, s.value!, 'board');
    return { address: formatAddress(address), member: board.members.some((m) => equalBytes(m, address)), board: bodyView(board), height: s.height, headerHash: s.headerHash, time: s.time };
  }

  async election(id: bigint, opts: At & { tallies?: boolean } = {}): Promise<VerifiedElection> {
    const s = await this.r.getState(GovKey.election(electionId(id)), opts.height !== undefined ? { height: opts.height } : {});
    if (!s.value) throw new DipnetError(ErrorCode.ELECTION_UNKNOWN, `no election ${id} at height ${s.height}`, { id: id.toString(), height: s.height.toString() });
    const e = decodeProven(decodeElection, s.value, 'election');
    if (e.id !== id) malformed(`proven election record under id ${id} says it is election ${e.id}`);
    const out: VerifiedElection = {
      id: e.id, opensAt: e.opensAt, votingEndsAt: e.votingEndsAt, boardVoteEndsAt: e.boardVoteEndsAt, phase: e.phase, candidates: e.candidates.map(formatAddress),
      totalWeight: e.totalWeight, voters: e.voters, representatives: e.representatives.map(formatAddress), board: e.board.map(formatAddress),
      height: s.height, headerHash: s.headerHash, time: s.time,
    };
    return opts.tallies ? { ...out, tallies: await this.ranked(e, s.height) } : out;
  }

  /** Every candidate's tally at `height`, in the chain's order (see elections.ts in the node). */
  private async ranked(e: Election, height: bigint): Promise<VerifiedTally[]> {
    const raw: { c: Uint8Array; t: VerifiedTally }[] = [];
    for (let i = 0; i < e.candidates.length; i += READ_CONCURRENCY) {
      raw.push(...await Promise.all(e.candidates.slice(i, i + READ_CONCURRENCY).map(async (c) => ({ c, t: await this.tally(e.id, c, { height }) }))));
    }
    const byWeight = (a: typeof raw[number], b: typeof raw[number]): number => (a.t.weight === b.t.weight ? compareBytes(a.c, b.c) : a.t.weight > b.t.weight ? -1 : 1);
    const boardPhase = e.phase === 'boardVoting' || e.phase === 'closed';
    raw.sort(boardPhase ? (a, b) => (a.t.boardVotes !== b.t.boardVotes ? b.t.boardVotes - a.t.boardVotes : byWeight(a, b)) : byWeight);
    return raw.map((x) => x.t);
  }

  async tally(election: bigint, candidate: Uint8Array, opts: At = {}): Promise<VerifiedTally> {
    const s = await this.r.getState(GovKey.candidateTally(electionId(election), candidate), opts);
    const t = s.value ? decodeProven(decodeCandidateTally, s.value, 'candidate tally') : { weight: 0n, voters: 0, boardVotes: 0 };
    return { election, candidate: formatAddress(candidate), ...t, height: s.height, headerHash: s.headerHash, time: s.time };
  }

  async ballot(election: bigint, holder: Uint8Array, opts: At = {}): Promise<VerifiedBallot> {
    const s = await this.r.getState(GovKey.holderBallot(electionId(election), holder), opts);
    const b = s.value ? decodeProven(decodeHolderBallot, s.value, 'holder ballot') : null;
    return { election, holder: formatAddress(holder), ballot: b ? { candidate: formatAddress(b.candidate), weight: b.weight } : null, height: s.height, headerHash: s.headerHash, time: s.time };
  }

  async resolution(id: Uint8Array, opts: At = {}): Promise<VerifiedResolution> {
    const s = await this.r.getState(GovKey.resolution(id), opts);
    if (!s.value) throw new DipnetError(ErrorCode.RESOLUTION_UNKNOWN, `no resolution ${toHex(id)} at height ${s.height}`, { id: toHex(id), height: s.height.toString() });
    const x = decodeProven(decodeResolution, s.value, 'resolution');
    return {
      id: toHex(id), body: x.body, proposer: formatAddress(x.proposer), action: x.action, summary: describeGovAction(x.action), proposedAtHeight: x.proposedAtHeight,
      deadline: x.deadline, activationHeight: x.activationHeight, voters: x.voters.map(formatAddress), threshold: x.threshold,
      approvals: x.approvals.map(formatAddress), rejections: x.rejections.map(formatAddress), status: x.status, note: x.note,
      height: s.height, headerHash: s.headerHash, time: s.time,
    };
  }

  async resolutions(opts: At = {}): Promise<VerifiedResolutions> {
    const s = await this.r.getState(GovKey.resolutionIndex(), opts);
    const index = s.value ? decodeProven(decodeResolutionIndex, s.value, 'resolution index') : { open: [], recent: [] };
    const recent: VerifiedResolution[] = [];
    for (let i = 0; i < index.recent.length; i += READ_CONCURRENCY) {
      recent.push(...await Promise.all(index.recent.slice(i, i + READ_CONCURRENCY).map(async (id) => {
        try {
          return await this.resolution(id, { height: s.height });
        } catch (e) {
          if (e instanceof DipnetError && e.code === ErrorCode.RESOLUTION_UNKNOWN) return malformed(`the proven resolution index names ${toHex(id).slice(0, 16)}…, which is not in state`);
          throw e;
        }
      })));
    }
    return { open: index.open.map(toHex), recent, height: s.height, headerHash: s.headerHash, time: s.time };
  }

  async token(id: Uint8Array, opts: At = {}): Promise<VerifiedToken> {
    const s = await this.r.getState(TokenKey.token(id), opts);
    if (!s.value) throw new DipnetError(ErrorCode.TOKEN_UNKNOWN, `no token ${toHex(id)} at height ${s.height}`, { id: toHex(id), height: s.height.toString() });
    const t = decodeProven(decodeTokenRecord, s.value, 'token record');
    return {
      id: toHex(id), issuer: formatAddress(t.issuer), symbol: t.symbol, name: t.name, decimals: t.decimals, supply: t.supply, mintable: t.mintable,
      createdAt: t.createdAt, height: s.height, headerHash: s.headerHash, time: s.time,
    };
  }

  /** The balance, with the token's existence proven at the same height (a balance of an unknown token is an error, not 0). */
  async tokenBalance(token: Uint8Array, holder: Uint8Array, opts: At = {}): Promise<VerifiedTokenBalance> {
    const s = await this.r.getState(TokenKey.balance(token, holder), opts);
    await this.token(token, { height: s.height });
    return {
      token: toHex(token), holder: formatAddress(holder), balance: s.value ? decodeProven(decodeTokenBalance, s.value, 'token balance') : 0n, exists: s.value !== undefined,
      height: s.height, headerHash: s.headerHash, time: s.time,
    };
  }
}

// ------------------------------------------------------------------------------- txs

/**
 * Signs `body` with the wallet (nonce from a proven account, the minimum fee from proven params),
 * submits it, and waits until a proven nonce shows it executed.
 */
export async function sendGovTx(host: ContractTxHost, body: TxBody, opts: GovTxOptions, onProgress?: (s: GovTxStage) => void): Promise<GovTxResult> {
  host.ensureUsable();
  const wallet = host.wallet();
  const progress = (s: GovTxStage): void => {
    try {
      onProgress?.(s);
    } catch {
      // a listener's failure is its own
    }
  };
  if (opts.fee !== undefined && (typeof opts.fee !== 'bigint' || opts.fee <= 0n)) invalid('fee must be a positive bigint of units');
  if (opts.nonce !== undefined && (typeof opts.nonce !== 'bigint' || opts.nonce < 0n)) invalid('nonce must be a non-negative bigint');
  await host.sync();
  const signerAt = await host.getAccount(wallet.address);
  const nonce = opts.nonce ?? signerAt.account.nonce;
  const { params } = await host.getParams();
  const { bytes, tx } = await buildSignedTx(wallet, host.chainId, nonce, body, params, opts.fee);
  const hash = toHex(txHash(bytes));
  progress({ stage: 'signed', hash, nonce, fee: tx.fee });
  const sent = await host.submit(bytes, (hint) => progress({ stage: 'hint', hash, hint }));
  progress({ stage: 'submitted', hash });
  const pending: PendingTx = { hash, signer: wallet.addressText, nonce, kind: 'transfer', sentAt: host.now(), fromHeight: signerAt.height };
  await host.rememberSent(pending);
  const timeoutMs = waitFor(opts.timeoutMs, sent.accepted);
  const deadline = host.now() + timeoutMs;
  const resend = host.resender?.(bytes);
  while (host.now() < deadline) {
    host.ensureUsable();
    await host.nextHead(Math.min(1000, Math.max(0, deadline - host.now())));
    await resend?.();
    if (!host.following()) await host.sync().catch(() => undefined);
    const fate = await host.proveTxFate(pending);
    if (fate) await host.forgetSent(pending);
    if (fate?.outcome === 'executed') {
      progress({ stage: 'finalised', hash, height: fate.height });
      return { txHash: hash, nonce, fee: tx.fee, height: fate.height };
    }
    if (fate) throw notExecuted(pending, fate.height);
  }
  throw host.stillPending(pending, timeoutMs, sent.refusal);
}

/** A holder's ballot in an open election; returns it proven, with the weight the chain gave it. */
export async function vote(host: ContractTxHost, reader: GovernanceReader, req: VoteRequest, onProgress?: (s: GovTxStage) => void): Promise<VoteResult> {
  host.ensureUsable();
  const wallet = host.wallet();
  const election = electionId(req.election);
  const candidate = addressBytes(req.candidate, 'candidate');
  const result = await sendGovTx(host, { type: 'electionVote', election, candidate }, req, onProgress);
  const ballot = await reader.ballot(election, wallet.address, { height: result.height });
  // The nonce moved but no ballot of ours is in state: the nonce went to another tx of this key.
  if (!ballot.ballot) throw new LightError(LightErrorCode.LC_TX_REJECTED, `nonce ${result.nonce} was spent by another tx; no ballot in election ${election} at height ${result.height}`, { remoteCode: ErrorCode.TX_NONCE_REPLAYED, included: false, hash: result.txHash });
  return { ...result, ballot };
}

/** A member's decision on a resolution; returns the resolution proven after it. */
export async function decideResolution(host: ContractTxHost, reader: GovernanceReader, req: DecideResolutionRequest, onProgress?: (s: GovTxStage) => void): Promise<DecideResolutionResult> {
  host.ensureUsable();
  host.wallet();
  const id = idBytes(req.resolution, 'resolution');
  if (typeof req.approve !== 'boolean') invalid('approve must be true or false');
  const result = await sendGovTx(host, { type: 'decideResolution', resolution: id, approve: req.approve }, req, onProgress);
  return { ...result, resolution: await reader.resolution(id, { height: result.height }) };
}

