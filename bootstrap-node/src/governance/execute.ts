/** Governance txs and the per-block governance steps, dispatched from the state machine. */
import type { TxBody } from '@dipnet/protocol';
import type { StateView } from '../state/state-view.ts';
import type { BlockContext } from '../state/block-context.ts';
import { registerCandidate, holderVote, boardVote, electionsEndBlock } from './elections.ts';
import { proposeResolution, decideResolution, resolutionsBeginBlock } from './resolutions.ts';
import { getBoard, getClock, getElection, getResolution, getResolutionIndex } from './bodies.ts';

type GovTx = Extract<TxBody, { type: 'registerCandidate' | 'electionVote' | 'boardVote' | 'proposeResolution' | 'decideResolution' }>;

export function applyGovernanceTx(s: StateView, ctx: BlockContext, sender: Uint8Array, nonce: bigint, b: GovTx): void {
  switch (b.type) {
    case 'registerCandidate': return registerCandidate(s, ctx, sender, b.election);
    case 'electionVote': return holderVote(s, ctx, sender, b.election, b.candidate);
    case 'boardVote': return boardVote(s, ctx, sender, b.election, b.candidate);
    case 'proposeResolution': proposeResolution(s, ctx, sender, nonce, b); return;
    case 'decideResolution': return decideResolution(s, ctx, sender, b.resolution, b.approve);
  }
}

/**
 * The earliest chain time at which governance needs a block: the board's term ending, an
 * election phase ending, an open resolution's deadline — or now, for a passed resolution that
 * needs blocks to reach its activation height. Null when nothing is scheduled.
 */
export function governanceDueAt(s: StateView, headTime: bigint): bigint | null {
  let due: bigint | null = null;
  const at = (t: bigint) => { if (due === null || t < due) due = t; };
  const clock = getClock(s);
  const e = clock.open ? getElection(s, clock.latest) : undefined;
  if (!e) at(getBoard(s).termEnd);
  else at(e.phase === 'voting' ? e.votingEndsAt : e.boardVoteEndsAt);
  for (const id of getResolutionIndex(s).open) {
    const r = getResolution(s, id);
    if (r?.status === 'passed') at(headTime);
    else if (r?.status === 'open') at(r.deadline);
  }
  return due;
}

export const governanceBeginBlock = (s: StateView, ctx: BlockContext): void => resolutionsBeginBlock(s, ctx);
export const governanceEndBlock = (s: StateView, ctx: BlockContext): void => electionsEndBlock(s, ctx);
