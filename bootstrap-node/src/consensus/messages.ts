/** Consensus wire messages between validators: proposals (with the block) and votes. */
import {
  Reader, Writer, decodeExact, readBlock, writeBlock, readSignedVote, writeSignedVote, ErrorCode, fail,
  SIGNATURE_LENGTH, type Block, type SignedVote,
} from '@dipnet/protocol';

export interface ProposalMessage {
  readonly kind: 'proposal';
  readonly height: bigint;
  readonly round: number;
  readonly polRound: number;
  readonly block: Block;
  readonly signature: Uint8Array;
}
export interface VoteMessage {
  readonly kind: 'vote';
  readonly vote: SignedVote;
}
export type ConsensusMessage = ProposalMessage | VoteMessage;

const KIND_PROPOSAL = 1;
const KIND_VOTE = 2;
const MAX_ROUND = 100_000;

export function encodeConsensusMessage(m: ConsensusMessage): Uint8Array {
  const w = new Writer(m.kind === 'vote' ? 144 : 4096);
  if (m.kind === 'proposal') {
    w.u8(KIND_PROPOSAL).u64(m.height).u32(m.round).u32(m.polRound + 1);
    writeBlock(w, m.block);
    w.fixed(m.signature, SIGNATURE_LENGTH);
  } else {
    w.u8(KIND_VOTE);
    writeSignedVote(w, m.vote);
  }
  return w.finish();
}

export function decodeConsensusMessage(bytes: Uint8Array): ConsensusMessage {
  return decodeExact(bytes, (r: Reader): ConsensusMessage => {
    const kind = r.u8('message kind');
    if (kind === KIND_PROPOSAL) {
      const height = r.u64('height');
      const round = r.u32('round');
      const polRound = r.u32('polRound') - 1;
      if (round > MAX_ROUND || polRound >= round) fail(ErrorCode.DECODE_NON_CANONICAL, 'proposal round out of range');
      const block = readBlock(r);
      if (block.header.height !== height) fail(ErrorCode.DECODE_NON_CANONICAL, 'proposal height differs from its block');
      return { kind: 'proposal', height, round, polRound, block, signature: r.fixed(SIGNATURE_LENGTH, 'signature') };
    }
    if (kind === KIND_VOTE) {
      const vote = readSignedVote(r);
      if (vote.vote.round > MAX_ROUND) fail(ErrorCode.DECODE_NON_CANONICAL, 'vote round out of range');
      return { kind: 'vote', vote };
    }
    return fail(ErrorCode.DECODE_UNKNOWN_TAG, `unknown consensus message kind ${kind}`);
  }, 'consensus message');
}
