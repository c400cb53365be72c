/** Votes of one type in one round, tallied by stake; detects double signs. */
import { toHex, makeEvidence, type SignedVote, type DuplicateVoteEvidence } from '@dipnet/protocol';

export class VoteSet {
  private readonly byValidator = new Map<number, SignedVote>();
  private readonly tally = new Map<string, bigint>();
  private anyPower = 0n;

  constructor(private readonly powers: readonly bigint[], private readonly total: bigint) {}

  /** Adds a verified vote. Returns evidence if the validator already voted differently. */
  add(index: number, sv: SignedVote): { added: boolean; evidence?: DuplicateVoteEvidence } {
    const prev = this.byValidator.get(index);
    if (prev) {
      if (toHex(prev.vote.blockHash) === toHex(sv.vote.blockHash)) return { added: false };
      return { added: false, evidence: makeEvidence(prev, sv) };
    }
    this.byValidator.set(index, sv);
    const key = toHex(sv.vote.blockHash);
    const p = this.powers[index]!;
    this.tally.set(key, (this.tally.get(key) ?? 0n) + p);
    this.anyPower += p;
    return { added: true };
  }

  /** > 2/3 of power for exactly this hash. */
  hasTwoThirdsFor(hash: Uint8Array): boolean {
    return (this.tally.get(toHex(hash)) ?? 0n) * 3n > this.total * 2n;
  }

  /** The hash (possibly nil) that has > 2/3, if any. */
  twoThirdsMajority(): string | null {
    for (const [k, p] of this.tally) if (p * 3n > this.total * 2n) return k;
    return null;
  }

  hasTwoThirdsAny(): boolean {
    return this.anyPower * 3n > this.total * 2n;
  }

  votes(): IterableIterator<[number, SignedVote]> {
    return this.byValidator.entries();
  }

  votesFor(hash: Uint8Array): [number, SignedVote][] {
    const k = toHex(hash);
    return [...this.byValidator].filter(([, v]) => toHex(v.vote.blockHash) === k);
  }
}
