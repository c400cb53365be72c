/**
 * Peer misbehaviour accounting. Each penalty lowers a peer's score; the score decays back
 * towards zero with a half-life, so occasional faults are forgiven while a peer that keeps
 * misbehaving crosses the threshold and is banned (disconnected, refused and not redialled)
 * for `banMs`.
 */
export interface PeerScorerOptions {
  /** Score at or below -threshold bans the peer. */
  readonly threshold: number;
  readonly halfLifeMs: number;
  readonly banMs: number;
  readonly onBan: (peerId: string, reason: string, untilMs: number) => void;
  readonly now?: () => number;
}

export class PeerScorer {
  private readonly scores = new Map<string, { score: number; at: number }>();
  private readonly bans = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly opts: PeerScorerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Current (decayed) score; 0 for unknown peers, negative for misbehaving ones. */
  score(peerId: string): number {
    const e = this.scores.get(peerId);
    if (!e) return 0;
    const t = this.now();
    return e.score * Math.pow(0.5, (t - e.at) / this.opts.halfLifeMs);
  }

  /** Lowers the score by `amount`; returns true if this penalty got the peer banned. */
  penalize(peerId: string, amount: number, reason: string): boolean {
    if (this.isBanned(peerId)) return false;
    const score = this.score(peerId) - amount;
    const t = this.now();
    if (score <= -this.opts.threshold) {
      this.scores.delete(peerId);
      const until = t + this.opts.banMs;
      this.bans.set(peerId, until);
      this.opts.onBan(peerId, reason, until);
      return true;
    }
    this.scores.set(peerId, { score, at: t });
    if (this.scores.size > 10_000) this.prune();
    return false;
  }

  isBanned(peerId: string): boolean {
    const until = this.bans.get(peerId);
    if (until === undefined) return false;
    if (until <= this.now()) {
      this.bans.delete(peerId);
      return false;
    }
    return true;
  }

  /** Epoch ms the ban ends, or 0 if not banned. */
  bannedUntil(peerId: string): number {
    return this.isBanned(peerId) ? this.bans.get(peerId)! : 0;
  }

  private prune(): void {
    for (const id of [...this.scores.keys()]) if (Math.abs(this.score(id)) < 1) this.scores.delete(id);
  }
}
