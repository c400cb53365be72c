/**
 * The sources a client knows, in preference order (libp2p before HTTP), with their health:
 * `ok`; `unavailable` (unreachable, or serving a header from the future; retried after a
 * backoff); `faulty` (served data that failed verification). A faulty mark expires too, later:
 * a relay that lied may have been repaired, and a page whose only relay was written off for good
 * could never recover. Data that failed cryptographic checks (a bad signature, a short commit, a
 * wrong proof) backs off from 30 s up to 30 min; an undecodable answer, which a broken proxy can
 * produce, from 5 s up to 5 min. `run` asks the first usable source and moves on to the next
 * when one is unreachable or lies; the caller sees the most telling error.
 */
import { LightError, LightErrorCode, LYING_CODES, isLightError } from '@dipnet/protocol';
import type { LightSource, SourceKind } from './types.ts';
import { backoffMs } from './util.ts';

export type SourceHealth = 'ok' | 'unavailable' | 'faulty';

export interface SourceInfo {
  readonly id: string;
  readonly kind: SourceKind;
  readonly health: SourceHealth;
  /** The last error that made it unavailable or faulty (kept once it is `ok` again, as history). */
  readonly lastError: { readonly code: string; readonly message: string } | null;
  /** When (ms since the epoch) an unavailable or faulty source is asked again; null when ok. */
  readonly retryAt: number | null;
}

interface Entry {
  readonly source: LightSource;
  health: SourceHealth;
  failures: number;
  faults: number;
  retryAt: number;
  lastError: { code: string; message: string } | null;
}

/** Answers that cannot be decoded: a lie, or a broken proxy or network in between. */
const UNDECODABLE: ReadonlySet<string> = new Set([LightErrorCode.LC_RESPONSE_MALFORMED, LightErrorCode.LC_PROOF_MALFORMED, LightErrorCode.LC_VALUE_MALFORMED]);

/** Retried like an unreachable source: nothing was proven wrong, the answer is just not usable yet. */
const RETRY_LATER: ReadonlySet<string> = new Set([LightErrorCode.LC_SOURCE_UNAVAILABLE, LightErrorCode.LC_HEADER_FROM_FUTURE]);

/** The error with the source named in its details and message. */
export function attribute(e: LightError, source: LightSource): LightError {
  if (e.details.source === source.id) return e;
  return new LightError(e.code, `${e.message} (source ${source.id})`, { ...e.details, source: source.id }, { cause: e.cause });
}

export class SourcePool {
  private readonly entries: Entry[];

  constructor(sources: readonly LightSource[], private readonly now: () => number = Date.now) {
    this.entries = sources.map((source) => ({ source, health: 'ok', failures: 0, faults: 0, retryAt: 0, lastError: null }));
  }

  get size(): number {
    return this.entries.length;
  }

  info(): SourceInfo[] {
    return this.entries.map((e) => ({ id: e.source.id, kind: e.source.kind, health: e.health, lastError: e.lastError, retryAt: e.health === 'ok' ? null : e.retryAt }));
  }

  all(): LightSource[] {
    return this.entries.map((e) => e.source);
  }

  /** Sources worth asking now: healthy first, then unreachable ones, then faulty ones, whose backoff has passed. */
  usable(): LightSource[] {
    const t = this.now();
    const due = (health: SourceHealth) => this.entries.filter((e) => e.health === health && (health === 'ok' || e.retryAt <= t));
    return [...due('ok'), ...due('unavailable'), ...due('faulty')].map((e) => e.source);
  }

  /** Up to `max` usable sources other than `primary`. */
  witnesses(primary: LightSource, max: number): LightSource[] {
    return this.usable().filter((s) => s !== primary).slice(0, max);
  }

  private entry(s: LightSource): Entry | undefined {
    return this.entries.find((e) => e.source === s);
  }

  /** The source answered with data that verified: it is healthy again (a faulty one keeps its fault count). */
  markOk(s: LightSource): void {
    const e = this.entry(s);
    if (e) {
      e.health = 'ok';
      e.failures = 0;
    }
  }

  /** Records a failure: lying codes make the source faulty, unreachable or early ones back it off. */
  report(s: LightSource, err: unknown): void {
    const e = this.entry(s);
    if (!e || !isLightError(err)) return;
    if (LYING_CODES.has(err.code)) {
      e.health = 'faulty';
      e.retryAt = this.now() + (UNDECODABLE.has(err.code) ? backoffMs(e.faults++, 5_000, 300_000) : backoffMs(e.faults++, 30_000, 1_800_000));
      e.lastError = { code: err.code, message: err.message };
    } else if (RETRY_LATER.has(err.code) && e.health !== 'faulty') {
      e.health = 'unavailable';
      e.retryAt = this.now() + backoffMs(e.failures++);
      e.lastError = { code: err.code, message: err.message };
    }
  }

  /**
   * Runs `fn` against usable sources in turn until one succeeds. Errors that are not about the
   * source (expired trust, a rejected tx, a conflict) are thrown at once.
   */
  async run<T>(op: string, fn: (s: LightSource) => Promise<T>): Promise<T> {
    let best: LightError | null = null;
    const rank = (e: LightError): number => (LYING_CODES.has(e.code) ? 3 : e.code === LightErrorCode.LC_NOT_AVAILABLE ? 2 : 1);
    for (const s of this.usable()) {
      try {
        const r = await fn(s);
        this.markOk(s);
        return r;
      } catch (err) {
        if (!isLightError(err)) throw err;
        const e = attribute(err, s);
        const retryable = LYING_CODES.has(e.code) || RETRY_LATER.has(e.code) || e.code === LightErrorCode.LC_NOT_AVAILABLE;
        if (!retryable) throw e;
        this.report(s, e);
        if (!best || rank(e) > rank(best)) best = e;
      }
    }
    if (best) throw best;
    const faulty = this.entries.filter((e) => e.health === 'faulty').map((e) => e.source.id);
    const next = Math.min(...this.entries.map((e) => e.retryAt));
    const retryInMs = Math.max(0, next - this.now());
    throw new LightError(
      LightErrorCode.LC_NO_SOURCES,
      `${op}: no usable source now (${this.entries.length} configured${faulty.length ? `, faulty: ${faulty.join(', ')}` : ''}); the next is asked again in ${Math.ceil(retryInMs / 1000)} s`,
      { faulty, retryInMs },
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.entries.map((e) => e.source.close().catch(() => undefined)));
  }
}
