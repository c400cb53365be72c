/**
 * Head following with failover: subscribes to one source's pushed heads (SSE, the libp2p `heads`
 * stream) and verifies each newer one; drops a source that lies or cannot be reached for the
 * next; and, when the followed source goes quiet, asks another whether the chain moved on and
 * follows that one if so.
 */
import { LightErrorCode, LYING_CODES, isLightError, type LightError } from '@dipnet/protocol';
import { attribute } from '../transport/pool.ts';
import type { HeadSubscription, LightSource, SignedHeader } from '../transport/types.ts';
import { unrefTimer, type ClientState } from './state.ts';

export interface FollowDeps {
  /** Verifies from the latest trusted header to `goal` (sync.ts `advance`). */
  advance(src: LightSource, goal: bigint, target?: SignedHeader): Promise<void>;
}

export class Follower {
  private subscription: { source: LightSource; sub: HeadSubscription } | null = null;
  /** When (wall clock) the followed source last announced a head (or was subscribed to). */
  private lastHeadAt = 0;
  private headWatch: ReturnType<typeof setInterval> | null = null;
  private refollow: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly s: ClientState, private readonly deps: FollowDeps) {}

  /** The followed source, or null when none is. */
  get followed(): LightSource | null {
    return this.subscription?.source ?? null;
  }

  follow(prefer?: LightSource): void {
    const s = this.s;
    if (s.closed || s.halted || this.subscription) return;
    const candidates = s.pool.usable().filter((x) => x.subscribeHeads);
    // Both transports push heads (SSE, the libp2p `heads` stream), so follow the preferred source.
    const src = prefer && candidates.includes(prefer) ? prefer : candidates[0];
    if (!src?.subscribeHeads) {
      // Every source is down or backing off: look again shortly.
      this.refollow ??= unrefTimer(setTimeout(() => { this.refollow = null; this.follow(); }, 2000));
      return;
    }
    const sub = src.subscribeHeads(
      (sh) => void this.onAnnouncedHead(src, sh),
      (e) => {
        // A lying source is faulty; one that cannot be reached is left for the next (the pool
        // retries it after a backoff), rather than waited for while the chain moves on.
        if (isLightError(e) && (LYING_CODES.has(e.code) || e.code === LightErrorCode.LC_SOURCE_UNAVAILABLE)) this.dropSubscription(src, e);
      },
      // Resume above the verified head: a new subscription after a drop gets the heads it missed.
      s.latest.header.height,
    );
    this.subscription = { source: src, sub };
    this.lastHeadAt = Date.now();
    this.headWatch ??= unrefTimer(setInterval(() => void this.watchHeads(), s.opts.headWatchMs ?? 5000));
  }

  /** Stops following (a halt); the timers stay until close(). */
  unsubscribe(): void {
    this.subscription?.sub.close();
    this.subscription = null;
  }

  /** Stops following and every timer. */
  close(): void {
    this.unsubscribe();
    if (this.headWatch) clearInterval(this.headWatch);
    if (this.refollow) clearTimeout(this.refollow);
  }

  private dropSubscription(src: LightSource, e: LightError): void {
    this.s.pool.report(src, attribute(e, src));
    this.switchSubscription(src);
  }

  /** Leaves `from` (if it is followed) for `to`, or for the next usable source. */
  switchSubscription(from: LightSource, to?: LightSource): void {
    if (this.subscription?.source !== from) return;
    this.subscription.sub.close();
    this.subscription = null;
    this.follow(to);
  }

  /**
   * Quiet for a while: the chain may be idle, or the followed node may have stopped. Another
   * source's status tells; if it has a newer head, verify up to it from there and follow it.
   */
  private async watchHeads(): Promise<void> {
    const s = this.s;
    const followed = this.subscription?.source;
    // Wall-clock time on purpose: this is about liveness, not the (injectable) chain clock.
    if (!followed || s.closed || s.halted || Date.now() - this.lastHeadAt < (s.opts.headWatchMs ?? 5000)) return;
    this.lastHeadAt = Date.now();
    const other = s.pool.usable().find((x) => x !== followed && x.subscribeHeads);
    if (!other) return;
    const height = await this.headOf(other);
    if (height === null || height <= s.latest.header.height) return;
    s.opts.logger?.warn('the followed source fell behind; following another', { followed: followed.id, other: other.id, height: height.toString() });
    await this.verifyHeadFrom(other, height);
    if (this.subscription?.source === followed && s.latest.header.height >= height) this.switchSubscription(followed, other);
  }

  /** The head height a source claims (unverified), or null when it cannot say (the failure is reported). */
  async headOf(src: LightSource): Promise<bigint | null> {
    try {
      return (await src.status()).height;
    } catch (e) {
      if (isLightError(e)) this.s.pool.report(src, attribute(e, src));
      return null;
    }
  }

  private onAnnouncedHead(src: LightSource, sh: SignedHeader): Promise<void> {
    // Only a newer head is progress: a source replaying old heads must not look alive.
    if (this.subscription?.source === src && sh.header.height > this.s.latest.header.height) this.lastHeadAt = Date.now();
    return this.verifyHeadFrom(src, sh.header.height, sh);
  }

  /** Verifies up to `height` from `src` (queued behind other syncs); a lying source is dropped. */
  verifyHeadFrom(src: LightSource, height: bigint, sh?: SignedHeader): Promise<void> {
    const s = this.s;
    return s.serial(async () => {
      if (s.closed || s.halted) return;
      if (height <= s.latest.header.height) return;
      try {
        await this.deps.advance(src, height, sh);
      } catch (e) {
        if (isLightError(e) && LYING_CODES.has(e.code)) this.dropSubscription(src, e);
        else if (isLightError(e, LightErrorCode.LC_HEADER_FROM_FUTURE)) {
          // Early for this clock, not a lie: verify the same head once the clock has caught up.
          s.opts.logger?.warn('an announced head is ahead of this clock; retrying later', { height: height.toString(), err: e.message });
          const retryInMs = Math.min(Number(e.details.retryInMs ?? 1000), 60_000);
          unrefTimer(setTimeout(() => void this.verifyHeadFrom(src, height, sh), retryInMs));
        } else if (!isLightError(e, LightErrorCode.LC_CONFLICT)) s.opts.logger?.warn('could not verify an announced head', { height: height.toString(), err: String(e) });
      }
    });
  }
}
