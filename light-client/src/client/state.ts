/**
 * The light client's shared state: options, source pool, store, the window of verified headers,
 * the wallet, the halt, and the listeners. Every part of the client (the other client/*.ts
 * modules) reads and grows this one object; it imports none of them, so parts get it, and each
 * other, passed in explicitly (client.ts wires them).
 */
import { LightError, LightErrorCode, fromHex, toHex } from '@dipnet/protocol';
export { durationText } from '@dipnet/protocol/format';
import type { ConflictReport, Freshness, LightClientOptions, LightClientStats, SyncProgress, VerifiedHead } from '../api.ts';
import { ValidatorSetCache } from '../verify/validator-cache.ts';
import type { TrustedHeader, VerifyContext } from '../verify/engine.ts';
import type { SourcePool } from '../transport/pool.ts';
import type { LightStore } from '../store/types.ts';
import type { Wallet } from '../wallet/wallet.ts';

export const bytesOf = (v: string | Uint8Array, what: string): Uint8Array => {
  try {
    return typeof v === 'string' ? fromHex(v, 32) : v;
  } catch {
    throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, `${what} must be 32 bytes of hex`);
  }
};

/** Timers of the head watch must not keep a Node process alive (browsers have no `unref`). */
export function unrefTimer<T>(t: T): T {
  (t as { unref?: () => void }).unref?.();
  return t;
}

/** Calls every listener with `v`; a listener's failure is its own. */
export function tell<T>(listeners: Iterable<(v: T) => void>, v: T): void {
  for (const l of listeners) {
    try {
      l(v);
    } catch {
      // a listener's failure is its own
    }
  }
}

export class ClientState {
  readonly chainId: string;
  readonly now: () => number;
  readonly sets = new ValidatorSetCache(64);
  readonly stats: LightClientStats = { signaturesVerified: 0, headersVerified: 0, bisections: 0, proofsVerified: 0, storeRebuilds: 0, lastRebuildReason: null, resumedFromStore: false, trustingPeriodMs: Infinity };
  /** Set by start(), once the verifier is ready. */
  verify!: VerifyContext;
  readonly window = new Map<bigint, TrustedHeader>();
  latest!: TrustedHeader;
  /** Trusted headers not written to the store yet. */
  readonly unsaved = new Map<bigint, TrustedHeader>();
  /** Hashes (hex) of the validator sets the store holds. */
  readonly savedSets = new Set<string>();
  readonly trustRootId: string;
  wallet: Wallet | null = null;
  halted: ConflictReport | null = null;
  closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  readonly headListeners = new Set<(h: VerifiedHead) => void>();
  readonly progressListeners = new Set<(p: SyncProgress) => void>();
  readonly conflictListeners = new Set<(r: ConflictReport) => void>();
  readonly freshnessListeners = new Set<(f: Freshness) => void>();

  constructor(readonly opts: LightClientOptions, readonly pool: SourcePool, readonly store: LightStore) {
    this.chainId = opts.chainId;
    this.stats.trustingPeriodMs = opts.trustingPeriodMs ?? Infinity;
    this.now = opts.now ?? Date.now;
    const t = opts.trust;
    this.trustRootId = 'genesisHash' in t
      ? `genesis:${toHex(bytesOf(t.genesisHash, 'genesisHash'))}`
      : `checkpoint:${BigInt(t.height)}:${toHex(bytesOf(t.hash, 'checkpoint hash'))}`;
  }

  /** The configured trusting period, or (until the chain's parameters are read) no limit yet. */
  get trustingPeriodMs(): number {
    return this.stats.trustingPeriodMs;
  }

  ensureUsable(): void {
    if (this.closed) throw new LightError(LightErrorCode.LC_CLOSED, 'the light client is closed');
    if (this.halted) {
      throw new LightError(LightErrorCode.LC_HALTED, `halted: two valid commits at height ${this.halted.height} (${this.halted.primary.source} vs ${this.halted.witness.source}); see conflict()`, { height: this.halted.height.toString() });
    }
  }

  /** Runs `fn` after every earlier sync/update (one writer of the trusted state at a time). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every queued sync/update has settled. */
  drained(): Promise<unknown> {
    return this.queue.catch(() => undefined);
  }

  head(): VerifiedHead {
    const h = this.latest.header;
    return { height: h.height, hash: this.latest.hashHex, time: h.time, header: h };
  }

  acceptTrusted(t: TrustedHeader): void {
    this.window.set(t.header.height, t);
    this.unsaved.set(t.header.height, t);
    if (!this.latest || t.header.height > this.latest.header.height) this.latest = t;
    const max = this.opts.trustedWindow ?? 100;
    if (this.window.size > max) {
      const heights = [...this.window.keys()].sort((a, b) => (a < b ? -1 : 1));
      for (const h of heights.slice(0, this.window.size - max)) if (h !== this.latest.header.height) this.window.delete(h);
    }
  }

  /** Drops every trusted header (before starting again from the trust root). */
  forgetTrusted(): void {
    this.window.clear();
    this.unsaved.clear();
    this.savedSets.clear();
    this.latest = undefined as unknown as TrustedHeader;
  }
}
