/**
 * Freshness: how old the verified head is by this device's clock. Reports each change (and, while
 * stale, the ageing); while stale asks every source, not only the followed one, for a newer head;
 * and refuses to let a payment be signed on a stale head (LC_HEAD_STALE).
 */
import { LightError, LightErrorCode } from '@dipnet/protocol';
import type { Freshness } from '../api.ts';
import type { LightSource } from '../transport/types.ts';
import { durationText, tell, unrefTimer, type ClientState } from './state.ts';

export interface FreshnessDeps {
  /** The head height a source claims (unverified), or null. */
  headOf(src: LightSource): Promise<bigint | null>;
  /** Verifies up to `height` from `src`. */
  verifyHeadFrom(src: LightSource, height: bigint): Promise<void>;
  /** The followed source, or null. */
  followed(): LightSource | null;
  /** Leaves the followed source `from` for `to`. */
  switchSubscription(from: LightSource, to: LightSource): void;
}

export class FreshnessWatch {
  private timer: ReturnType<typeof setInterval> | null = null;
  private last: Freshness['state'] = 'fresh';

  constructor(private readonly s: ClientState, private readonly deps: FreshnessDeps) {}

  private get staleAfterMs(): number {
    return this.s.opts.staleAfterMs ?? 150_000;
  }

  freshness(): Freshness {
    const h = this.s.latest.header;
    const ageMs = Math.max(0, this.s.now() - Number(h.time));
    return { state: ageMs > this.staleAfterMs ? 'stale' : 'fresh', height: h.height, time: h.time, ageMs, staleAfterMs: this.staleAfterMs };
  }

  private emit(): void {
    const f = this.freshness();
    this.last = f.state;
    tell(this.s.freshnessListeners, f);
  }

  /** A new verified head: a stale client tells its listeners how fresh it is now. */
  onNewHead(): void {
    if (this.last === 'stale') this.emit();
  }

  start(): void {
    this.timer = unrefTimer(setInterval(() => void this.watch(), Math.min(5000, this.staleAfterMs / 4)));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Every few seconds: report a change of freshness; while stale, ask every source (not only the
   * followed one) for its head and verify from any that has a newer one — a relay that freezes
   * the head, or replays old ones, is then left for one that does not.
   */
  private async watch(): Promise<void> {
    const s = this.s;
    if (s.closed || s.halted) return;
    const f = this.freshness();
    if (f.state !== this.last || f.state === 'stale') this.emit();
    if (f.state !== 'stale') return;
    for (const src of s.pool.usable()) {
      const height = await this.deps.headOf(src);
      if (height === null || height <= s.latest.header.height) continue;
      await this.deps.verifyHeadFrom(src, height);
      if (this.freshness().state === 'fresh') {
        const followed = this.deps.followed();
        if (followed && followed !== src) this.deps.switchSubscription(followed, src);
        return;
      }
    }
  }

  /** Throws LC_HEAD_STALE when the verified head is stale: a payment must not be signed on it. */
  ensureFresh(): void {
    const f = this.freshness();
    if (f.state === 'stale') {
      throw new LightError(
        LightErrorCode.LC_HEAD_STALE,
        `the last verified block is ${f.height}, ${durationText(f.ageMs)} old (more than ${durationText(f.staleAfterMs)}): the network may be unreachable or hiding newer blocks, so nothing is paid on it`,
        { height: f.height.toString(), ageMs: f.ageMs, staleAfterMs: f.staleAfterMs },
      );
    }
  }
}
