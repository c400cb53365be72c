/** Typed access to governance records and the genesis board. */
import {
  GovKey, ContractKey, Power, equalBytes, encodeBody, decodeBody, encodeGovParams, encodeElection, decodeElection, encodeElectionClock, decodeElectionClock,
  encodeCandidateTally, decodeCandidateTally, encodeResolution, decodeResolution, encodeResolutionIndex, decodeResolutionIndex, decodeCommittee,
  type Body, type Election, type ElectionClock, type CandidateTally, type Resolution, type ResolutionIndex, type Committee, type Genesis,
} from '@dipnet/protocol';
import type { StateView } from '../state/state-view.ts';

export const BOARD_POWERS = Power.boardResolution;
export const REPRESENTATIVE_POWERS = Power.electBoard;

export function applyGenesisGovernance(state: StateView, g: Genesis): void {
  const gov = g.governance;
  state.set(GovKey.govParams(), encodeGovParams(gov.params));
  putBoard(state, { members: gov.board, termStart: g.genesisTime, termEnd: g.genesisTime + gov.params.boardTermMs, election: 0n, powers: BOARD_POWERS });
  putClock(state, { latest: 0n, open: false });
  putResolutionIndex(state, { open: [], recent: [] });
}

export function getBoard(s: StateView): Body {
  const raw = s.get(GovKey.board());
  if (!raw) throw new Error('state has no board: genesis was not applied');
  return decodeBody(raw);
}
export const putBoard = (s: StateView, b: Body): void => s.set(GovKey.board(), encodeBody(b));

export function getRepresentatives(s: StateView): Body | undefined {
  const raw = s.get(GovKey.representatives());
  return raw ? decodeBody(raw) : undefined;
}
export const putRepresentatives = (s: StateView, b: Body): void => s.set(GovKey.representatives(), encodeBody(b));

export function getCommittee(s: StateView): Committee {
  const raw = s.get(ContractKey.committee());
  if (!raw) throw new Error('state has no committee: genesis was not applied');
  return decodeCommittee(raw);
}

export function getClock(s: StateView): ElectionClock {
  const raw = s.get(GovKey.electionClock());
  return raw ? decodeElectionClock(raw) : { latest: 0n, open: false };
}
export const putClock = (s: StateView, c: ElectionClock): void => s.set(GovKey.electionClock(), encodeElectionClock(c));

export function getElection(s: StateView, id: bigint): Election | undefined {
  const raw = s.get(GovKey.election(id));
  return raw ? decodeElection(raw) : undefined;
}
export const putElection = (s: StateView, e: Election): void => s.set(GovKey.election(e.id), encodeElection(e));

const EMPTY_TALLY: CandidateTally = { weight: 0n, voters: 0, boardVotes: 0 };
export function getTally(s: StateView, election: bigint, candidate: Uint8Array): CandidateTally {
  const raw = s.get(GovKey.candidateTally(election, candidate));
  return raw ? decodeCandidateTally(raw) : EMPTY_TALLY;
}
export const putTally = (s: StateView, election: bigint, candidate: Uint8Array, t: CandidateTally): void =>
  s.set(GovKey.candidateTally(election, candidate), encodeCandidateTally(t));

export function getResolution(s: StateView, id: Uint8Array): Resolution | undefined {
  const raw = s.get(GovKey.resolution(id));
  return raw ? decodeResolution(raw) : undefined;
}
export const putResolution = (s: StateView, id: Uint8Array, r: Resolution): void => s.set(GovKey.resolution(id), encodeResolution(r));

export function getResolutionIndex(s: StateView): ResolutionIndex {
  const raw = s.get(GovKey.resolutionIndex());
  return raw ? decodeResolutionIndex(raw) : { open: [], recent: [] };
}
export const putResolutionIndex = (s: StateView, x: ResolutionIndex): void => s.set(GovKey.resolutionIndex(), encodeResolutionIndex(x));

export const isMember = (members: readonly Uint8Array[], addr: Uint8Array): boolean => members.some((m) => equalBytes(m, addr));
