/**
 * The sources a client knows, in preference order (libp2p before HTTP), with their health:
 * `ok`; `unavailable` (unreachable; retried after a backoff); `faulty` (served data that failed
 * verification — never asked again by this client). `run` asks the first usable source and moves
 * on to the next when one is unreachable or lies; the caller sees the most telling error.
 */
import { LightError, LightErrorCode, LYING_CODES, isLightError } from '@dipnet/protocol';
import type { LightSource, SourceKind } from './types.ts';
import { backoffMs } from './util.ts';

export type SourceHealth = 'ok' | 'unavailable' | 'faulty';

export interface SourceInfo {
  readonly id: string;
  readonly kind: SourceKind;
  readonly health: SourceHealth;
  readonly lastError: { readonly code: string; readonly message: string } | null;
}

interface Entry {
  readonly source: LightSource;
  health: SourceHealth;
  failures: number;
  retryAt: number;
  lastError: { code: string; message: string } | null;
}

/** The error with the source named in its details and message. */
export function attribute(e: LightError, source: LightSource): LightError {
  if (e.details.source === source.id) return e;
  const prefix = `${e.code}: `;
  const msg = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  return new LightError(e.code, `${msg} (source ${source.id})`, { ...e.details, source: source.id });
}

export class SourcePool {
  private readonly entries: Entry[];

  constructor(sources: readonly LightSource[], private readonly now: () => number = Date.now) {
    this.entries = sources.map((source) => ({ source, health: 'ok', failures: 0, retryAt: 0, lastError: null }));
  }

  get size(): number {
    return this.entries.length;
  }

  info(): SourceInfo[] {
    return this.entries.map((e) => ({ id: e.source.id, kind: e.source.kind, health: e.health, lastError: e.lastError }));
  }

  all(): LightSource[] {
    return this.entries.map((e) => e.source);
  }

  /** Sources worth asking now: healthy first, then unreachable ones whose backoff has passed. */
  usable(): LightSource[] {
    const t = this.now();
    const ok = this.entries.filter((e) => e.health === 'ok');
    const retry = this.entries.filter((e) => e.health === 'unavailable' && e.retryAt <= t);
    return [...ok, ...retry].map((e) => e.source);
  }

  /** Up to `max` usable sources other than `primary`. */
  witnesses(primary: LightSource, max: number): LightSource[] {
    return this.usable().filter((s) => s !== primary).slice(0, max);
  }

  private entry(s: LightSource): Entry | undefined {
    return this.entries.find((e) => e.source === s);
  }

  markOk(s: LightSource): void {
    const e = this.entry(s);
    if (e && e.health !== 'faulty') {
      e.health = 'ok';
      e.failures = 0;
    }
  }

  /** Records a failure: lying codes make the source faulty, LC_SOURCE_UNAVAILABLE backs it off. */
  report(s: LightSource, err: unknown): void {
    const e = this.entry(s);
    if (!e || !isLightError(err)) return;
    if (LYING_CODES.has(err.code)) {
      e.health = 'faulty';
      e.lastError = { code: err.code, message: err.message };
    } else if (err.code === LightErrorCode.LC_SOURCE_UNAVAILABLE && e.health !== 'faulty') {
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
        const retryable = LYING_CODES.has(e.code) || e.code === LightErrorCode.LC_SOURCE_UNAVAILABLE || e.code === LightErrorCode.LC_NOT_AVAILABLE;
        if (!retryable) throw e;
        this.report(s, e);
        if (!best || rank(e) > rank(best)) best = e;
      }
    }
    if (best) throw best;
    const faulty = this.entries.filter((e) => e.health === 'faulty').map((e) => e.source.id);
    throw new LightError(LightErrorCode.LC_NO_SOURCES, `${op}: no usable source (${this.entries.length} configured${faulty.length ? `, faulty: ${faulty.join(', ')}` : ''})`, { faulty });
  }

  async close(): Promise<void> {
    await Promise.all(this.entries.map((e) => e.source.close().catch(() => undefined)));
  }
}
