/**
 * Elections (whitepaper ch. 4): when the board's term ends, holders vote with balance ×
 * coin-age for candidates; the 30 with most weight become community representatives, who then
 * vote (one vote each) for the 5 board members among themselves.
 *
 * Phases run on chain time at the end of blocks: `voting` until `votingEndsAt`, `boardVoting`
 * until `boardVoteEndsAt`, then `closed`. Ties rank by address (smaller first), and board ties
 * by holder weight first. An election with fewer than 5 representatives fails: the board stays
 * and a new election opens at the next block.
 */
import {
  ErrorCode, fail, compareBytes, electionWeight, GovKey, encodeHolderBallot, encodeBoardBallot,
  REPRESENTATIVES, BOARD_SIZE, MAX_CANDIDATES, type Election,
} from '@dipnet/protocol';
import type { StateView } from '../state/state-view.ts';
import type { BlockContext } from '../state/block-context.ts';
import { getAccount, getGovParams } from '../state/accounts.ts';
import {
  getBoard, putBoard, getClock, putClock, getElection, putElection, getTally, putTally, putRepresentatives,
  isMember, BOARD_POWERS, REPRESENTATIVE_POWERS,
} from './bodies.ts';
import { expireOpenBoardResolutions } from './resolutions.ts';

function openElection(s: StateView, id: bigint): Election {
  const e = getElection(s, id);
  if (!e) fail(ErrorCode.ELECTION_UNKNOWN, `no election ${id}`);
  return e;
}

function inVoting(e: Election, now: bigint): void {
  if (e.phase !== 'voting' || now >= e.votingEndsAt) fail(ErrorCode.ELECTION_CLOSED, `election ${e.id} is not taking candidates or holder votes (phase ${e.phase}, voting ended at ${e.votingEndsAt})`);
}

export function registerCandidate(s: StateView, ctx: BlockContext, sender: Uint8Array, id: bigint): void {
  const e = openElection(s, id);
  inVoting(e, ctx.time);
  if (isMember(e.candidates, sender)) fail(ErrorCode.ELECTION_ALREADY_CANDIDATE, 'already a candidate in this election');
  if (e.candidates.length >= MAX_CANDIDATES) fail(ErrorCode.ELECTION_CANDIDATES_FULL, `election ${id} has ${MAX_CANDIDATES} candidates`);
  const candidates = [...e.candidates, sender].sort(compareBytes);
  putElection(s, { ...e, candidates });
}

export function holderVote(s: StateView, ctx: BlockContext, sender: Uint8Array, id: bigint, candidate: Uint8Array): void {
  const e = openElection(s, id);
  inVoting(e, ctx.time);
  if (!isMember(e.candidates, candidate)) fail(ErrorCode.ELECTION_NOT_CANDIDATE, 'that address is not a candidate in this election');
  if (s.get(GovKey.holderBallot(id, sender))) fail(ErrorCode.ELECTION_ALREADY_VOTED, `this account already voted in election ${id}`);
  const acct = getAccount(s, sender);
  const weight = electionWeight(acct, e.opensAt, getGovParams(s).coinAgeCapMs);
  if (weight === 0n) {
    if (acct.balance > 0n && acct.ageSince >= e.opensAt) fail(ErrorCode.ELECTION_WEIGHT_MOVED, 'this account moved or received DPN after the election opened, which restarted its coin-age: it carries no weight into this election');
    fail(ErrorCode.ELECTION_NO_WEIGHT, 'this account held no DPN with coin-age when the election opened');
  }
  s.set(GovKey.holderBallot(id, sender), encodeHolderBallot({ candidate, weight }));
  const t = getTally(s, id, candidate);
  putTally(s, id, candidate, { ...t, weight: t.weight + weight, voters: t.voters + 1 });
  putElection(s, { ...e, totalWeight: e.totalWeight + weight, voters: e.voters + 1 });
}

export function boardVote(s: StateView, ctx: BlockContext, sender: Uint8Array, id: bigint, candidate: Uint8Array): void {
  const e = openElection(s, id);
  if (e.phase !== 'boardVoting' || ctx.time >= e.boardVoteEndsAt) fail(ErrorCode.ELECTION_CLOSED, `election ${id} is not in its board vote (phase ${e.phase})`);
  if (!isMember(e.representatives, sender)) fail(ErrorCode.GOV_NOT_MEMBER, 'only the representatives elected in this election vote for the board');
  if (!isMember(e.representatives, candidate)) fail(ErrorCode.ELECTION_NOT_CANDIDATE, 'board members are chosen among the representatives');
  if (s.get(GovKey.boardBallot(id, sender))) fail(ErrorCode.ELECTION_ALREADY_VOTED, `this representative already voted for the board in election ${id}`);
  s.set(GovKey.boardBallot(id, sender), encodeBoardBallot(candidate));
  const t = getTally(s, id, candidate);
  putTally(s, id, candidate, { ...t, boardVotes: t.boardVotes + 1 });
}

/** Opens, tallies and closes elections as chain time passes; runs at the end of every block. */
export function electionsEndBlock(s: StateView, ctx: BlockContext): void {
  const clock = getClock(s);
  if (!clock.open) {
    const board = getBoard(s);
    if (ctx.time < board.termEnd) return;
    const gov = getGovParams(s);
    const id = clock.latest + 1n;
    const votingEndsAt = ctx.time + gov.votingPeriodMs;
    putElection(s, {
      id, opensAt: ctx.time, votingEndsAt, boardVoteEndsAt: votingEndsAt + gov.boardVotePeriodMs, phase: 'voting',
      candidates: [], totalWeight: 0n, voters: 0, representatives: [], board: [],
    });
    putClock(s, { latest: id, open: true });
    return;
  }
  const e = getElection(s, clock.latest)!;
  if (e.phase === 'voting' && ctx.time >= e.votingEndsAt) endHolderVoting(s, ctx, e);
  else if (e.phase === 'boardVoting' && ctx.time >= e.boardVoteEndsAt) endBoardVoting(s, ctx, e);
}

function endHolderVoting(s: StateView, ctx: BlockContext, e: Election): void {
  const ranked = e.candidates
    .map((c) => ({ c, w: getTally(s, e.id, c).weight }))
    .filter((x) => x.w > 0n)
    .sort((a, b) => (a.w === b.w ? compareBytes(a.c, b.c) : a.w > b.w ? -1 : 1))
    .slice(0, REPRESENTATIVES)
    .map((x) => x.c);
  if (ranked.length < BOARD_SIZE) {
    // Not enough support to seat a board: the board stays and the next block opens a new election.
    putElection(s, { ...e, phase: 'failed', representatives: ranked });
    putClock(s, { latest: e.id, open: false });
    const board = getBoard(s);
    putBoard(s, { ...board, termEnd: ctx.time });
    return;
  }
  const gov = getGovParams(s);
  putElection(s, { ...e, phase: 'boardVoting', representatives: ranked });
  putRepresentatives(s, { members: ranked, termStart: ctx.time, termEnd: e.boardVoteEndsAt + gov.boardTermMs, election: e.id, powers: REPRESENTATIVE_POWERS });
}

function endBoardVoting(s: StateView, ctx: BlockContext, e: Election): void {
  const board = e.representatives
    .map((c) => ({ c, t: getTally(s, e.id, c) }))
    .sort((a, b) => a.t.boardVotes !== b.t.boardVotes ? b.t.boardVotes - a.t.boardVotes : a.t.weight !== b.t.weight ? (a.t.weight > b.t.weight ? -1 : 1) : compareBytes(a.c, b.c))
    .slice(0, BOARD_SIZE)
    .map((x) => x.c);
  const gov = getGovParams(s);
  putElection(s, { ...e, phase: 'closed', board });
  putClock(s, { latest: e.id, open: false });
  putBoard(s, { members: board, termStart: ctx.time, termEnd: ctx.time + gov.boardTermMs, election: e.id, powers: BOARD_POWERS });
  // Unanimity was asked of the old board; its open resolutions cannot pass any more.
  expireOpenBoardResolutions(s, 'the board changed before every approval was in');
}
