/**
 * Tells whether a node keeps up with its chain (issue 23, "health that tells the truth"): a node
 * whose disk is full stops at its height yet still answers every read, so "answers" is no proof
 * of health. It is stalled while its store writes fail, or while its head has not moved for
 * `headStallMs` although peers report higher heads. Failed writes are logged at error level,
 * rate-limited (the first, then one line a minute with a count) because a full disk fails every
 * retry; after `maxWriteStallMs` of failures the node gives up (`dipnet node` exits 5).
 *
 * Pure bookkeeping over an injected clock: the node feeds it commits, failed writes and the
 * heights its peers' status answers carry.
 */
import type { HealthReason, NodeHealth } from './node-api.ts';
import { WriteStallError, type StoreWriteError } from './store/store-errors.ts';

export interface HealthLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface HealthMonitorOptions {
  readonly now: () => number;
  readonly log: HealthLogger;
  /** The head at start. */
  readonly height: bigint;
  /** How long the head may stay put while peers are ahead before the node is stalled. */
  readonly headStallMs?: number;
  /** How long writes may fail before the node gives up (0: never). */
  readonly maxWriteStallMs?: number;
  /** Called once when writes have failed for maxWriteStallMs (already logged at error level). */
  readonly onWriteStall: (e: WriteStallError) => void;
}

/** A node a few blocks behind catches up within seconds; half a minute still at one height is not catching up. */
export const DEFAULT_HEAD_STALL_MS = 30_000;
/** Generous: a supervisor should hear of a full disk, not of a slow one being cleaned up. */
export const DEFAULT_MAX_WRITE_STALL_MS = 10 * 60_000;
/** While writes keep failing, one error line per this interval (with the count since the last). */
export const FAILURE_LOG_INTERVAL_MS = 60_000;

export const FAILED_WRITE_MSG = 'commit failed: cannot write the store';

interface Failing {
  readonly since: number;
  last: StoreWriteError;
  count: number;
  loggedAt: number;
  /** Failures since the last line logged. */
  unlogged: number;
}

export class HealthMonitor {
  private readonly now: () => number;
  private readonly log: HealthLogger;
  readonly headStallMs: number;
  readonly maxWriteStallMs: number;
  private readonly onWriteStall: (e: WriteStallError) => void;
  private headHeight: bigint;
  private headAt: number;
  private readonly peers = new Map<string, { height: bigint; at: number }>();
  private failures = 0;
  private failing: Failing | null = null;
  private gaveUp = false;

  constructor(o: HealthMonitorOptions) {
    this.now = o.now;
    this.log = o.log;
    this.headStallMs = o.headStallMs ?? DEFAULT_HEAD_STALL_MS;
    this.maxWriteStallMs = o.maxWriteStallMs ?? DEFAULT_MAX_WRITE_STALL_MS;
    this.onWriteStall = o.onWriteStall;
    this.headHeight = o.height;
    this.headAt = o.now();
  }

  /** A block was committed: the head moved, and the store can be written again. */
  headAdvanced(height: bigint): void {
    const now = this.now();
    this.headHeight = height;
    this.headAt = now;
    const f = this.failing;
    if (!f) return;
    this.failing = null;
    this.log.info({ height: height.toString(), failedForMs: now - f.since, failures: f.count }, 'store writes recovered');
  }

  /** A peer's status answer (its head height). */
  peerHeight(peer: string, height: bigint): void {
    this.peers.set(peer, { height, at: this.now() });
  }

  /** A store write failed for want of room: logged (rate-limited) and counted. */
  writeFailed(e: StoreWriteError): void {
    const now = this.now();
    this.failures++;
    const f = this.failing;
    if (!f) {
      this.failing = { since: now, last: e, count: 1, loggedAt: now, unlogged: 0 };
      this.log.error({ err: e.message, errno: e.errno, path: e.path, height: this.headHeight.toString(), maxWriteStallMs: this.maxWriteStallMs }, FAILED_WRITE_MSG);
    } else {
      f.last = e;
      f.count++;
      f.unlogged++;
      if (now - f.loggedAt >= FAILURE_LOG_INTERVAL_MS) {
        this.log.error({ err: e.message, errno: e.errno, path: e.path, height: this.headHeight.toString(), failures: f.unlogged, failingForMs: now - f.since }, FAILED_WRITE_MSG);
        f.loggedAt = now;
        f.unlogged = 0;
      }
    }
    this.check();
  }

  /** Gives up (once) when writes have failed for maxWriteStallMs; called on each failure and by the node's timer. */
  check(): void {
    const f = this.failing;
    if (!f || this.gaveUp || this.maxWriteStallMs <= 0) return;
    const failingFor = this.now() - f.since;
    if (failingFor < this.maxWriteStallMs) return;
    this.gaveUp = true;
    const e = new WriteStallError(failingFor, f.last);
    this.log.error({ err: e.message, code: e.code, failures: f.count, failingForMs: failingFor, maxWriteStallMs: this.maxWriteStallMs }, 'cannot write the store: giving up');
    this.onWriteStall(e);
  }

  health(): NodeHealth {
    const now = this.now();
    const headAgeMs = now - this.headAt;
    let peerHeight: bigint | null = null;
    for (const [id, p] of this.peers) {
      // A peer not heard from within the window says nothing about now (it left, or we are cut off).
      if (now - p.at > this.headStallMs) this.peers.delete(id);
      else if (peerHeight === null || p.height > peerHeight) peerHeight = p.height;
    }
    const reasons: HealthReason[] = [];
    const f = this.failing;
    if (f) reasons.push({ code: 'WRITES_FAILING', message: `${f.count} store write(s) failed in the last ${secs(now - f.since)} s: ${f.last.summary}` });
    if (headAgeMs >= this.headStallMs && peerHeight !== null && peerHeight > this.headHeight) {
      reasons.push({ code: 'BEHIND_PEERS', message: `the head has stayed at height ${this.headHeight} for ${secs(headAgeMs)} s while peers are at ${peerHeight}` });
    }
    return {
      status: reasons.length ? 'stalled' : 'ok',
      height: this.headHeight,
      reasons,
      headAgeMs,
      peerHeight,
      commitFailures: this.failures,
      ...(f ? { lastCommitError: f.last.summary, since: f.since } : {}),
    };
  }
}

const secs = (ms: number): number => Math.round(ms / 1000);
