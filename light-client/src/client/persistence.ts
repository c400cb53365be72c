/**
 * Restoring from and persisting to the store: the trusted headers and validator sets (adopted
 * only when they are ours, intact and within the trusting period; otherwise the store is rebuilt
 * from the trust root), the wallet, and the sent txs still pending. Writes go in one transaction
 * each, after the trust root's own write.
 */
import { LightErrorCode, checkWithinTrustingPeriod, decodeHeader, decodeValidatorSet, encodeHeader, encodeValidatorSet, isLightError, prepareValidatorSet, toHex } from '@dipnet/protocol';
import type { PendingTx } from '../api.ts';
import { pendingFromRecord } from '../tx-fate.ts';
import { toTrusted, type TrustedHeader } from '../verify/engine.ts';
import { STORE_SCHEMA_VERSION, type StoreMeta, type StoredHeader, type StoredValidatorSet } from '../store/types.ts';
import { walletFromStored } from '../wallet/wallet.ts';
import type { ClientState } from './state.ts';

export class Persistence {
  /**
   * The trust root's write (store reset, then the root), started without waiting so the sync that
   * follows fetches meanwhile; every later write, start() and close() wait for it.
   */
  private rootWrite: Promise<void> | null = null;

  constructor(private readonly s: ClientState) {}

  private meta(): StoreMeta {
    return { schema: STORE_SCHEMA_VERSION, chainId: this.s.chainId, trustRoot: this.s.trustRootId, createdAt: this.s.now() };
  }

  async rebuild(reason: string): Promise<void> {
    this.s.stats.storeRebuilds++;
    this.s.stats.lastRebuildReason = reason;
    this.s.opts.logger?.warn('light client store rebuilt from the trust root', { reason });
    await this.s.store.reset(this.meta());
  }

  /** Adopts the stored trusted state if it is ours, intact and within the trusting period. */
  async restore(): Promise<boolean> {
    const s = this.s;
    let st;
    try {
      st = await s.store.load();
    } catch (e) {
      if (!isLightError(e, LightErrorCode.LC_STORE_CORRUPT)) throw e;
      await this.rebuild(e.message);
      return false;
    }
    if (!st || st.headers.length === 0) {
      if (st) await s.store.reset(this.meta());
      return false;
    }
    if (st.meta.schema !== STORE_SCHEMA_VERSION || st.meta.chainId !== s.chainId || st.meta.trustRoot !== s.trustRootId) {
      await this.rebuild(`stored state is for ${st.meta.chainId} / ${st.meta.trustRoot} (schema ${st.meta.schema})`);
      return false;
    }
    const headers: TrustedHeader[] = [];
    try {
      for (const r of st.sets) {
        const p = prepareValidatorSet(decodeValidatorSet(r.set));
        if (p.hashHex !== r.hash) throw new Error(`validator set record ${r.hash.slice(0, 16)} hashes to ${p.hashHex.slice(0, 16)}`);
        s.sets.add(p.set);
        s.savedSets.add(p.hashHex);
      }
      for (const r of st.headers) {
        const t = toTrusted(decodeHeader(r.header));
        if (t.hashHex !== r.hash || t.header.height !== r.height) throw new Error(`header record ${r.height} does not match its hash`);
        if (t.header.chainId !== s.chainId) throw new Error(`header record ${r.height} is for chain ${t.header.chainId}`);
        headers.push(t);
      }
      const newest = headers[headers.length - 1]!;
      if (!s.sets.get(toHex(newest.header.validatorsHash))) throw new Error('the validator set of the newest trusted header is missing');
    } catch (e) {
      await this.rebuild(`stored state is corrupt: ${(e as Error).message}`);
      return false;
    }
    const newest = headers[headers.length - 1]!;
    try {
      checkWithinTrustingPeriod(newest.header, { trustingPeriodMs: s.trustingPeriodMs, now: s.now() });
    } catch {
      await this.rebuild(`stored head ${newest.header.height} is older than the trusting period`);
      return false;
    }
    for (const t of headers) s.window.set(t.header.height, t);
    s.latest = newest;
    s.stats.resumedFromStore = true;
    return true;
  }

  /**
   * The stored wallet, read whatever becomes of the trusted state. A wallet the store cannot read
   * (LC_WALLET_STORE_NEWER / LC_WALLET_STORE_CORRUPT) fails the start: running without it would
   * invite creating another key in its place.
   */
  async restoreWallet(): Promise<void> {
    const stored = await this.s.store.loadWallet();
    if (stored) this.s.wallet = walletFromStored(stored);
  }

  /** Pending txs saved by an earlier session (a reload in the middle of a payment), into `pending`. */
  async restorePending(pending: Map<string, PendingTx>): Promise<void> {
    for (const r of await this.s.store.loadPending()) {
      const p = pendingFromRecord(r);
      if (p) pending.set(p.hash, p);
    }
  }

  /** Resets the store and writes the trust root (just accepted), without waiting: see `rootWrite`. */
  writeRoot(): void {
    this.rootWrite = this.s.store.reset(this.meta()).then(() => this.persistNow());
    this.rootWrite.catch(() => undefined);
  }

  async rootWritten(): Promise<void> {
    const w = this.rootWrite;
    if (!w) return;
    await w;
    if (this.rootWrite === w) this.rootWrite = null;
  }

  /** For close(): the root's write settled, whatever its result. */
  async settled(): Promise<void> {
    await this.rootWrite?.catch(() => undefined);
  }

  /** Writes the trusted headers not yet stored (one transaction), after the root's write. */
  async persist(): Promise<void> {
    await this.rootWritten();
    await this.persistNow();
  }

  private async persistNow(): Promise<void> {
    const s = this.s;
    const taken = [...s.unsaved.keys()];
    const keep = new Set<string>();
    for (const t of s.window.values()) {
      keep.add(toHex(t.header.validatorsHash));
      keep.add(toHex(t.header.nextValidatorsHash));
    }
    const sets: StoredValidatorSet[] = [];
    for (const hex of keep) {
      if (s.savedSets.has(hex)) continue;
      const p = s.sets.get(hex);
      if (p) sets.push({ hash: hex, set: encodeValidatorSet(p.set) });
    }
    const headers: StoredHeader[] = [...s.unsaved.values()].filter((t) => s.window.has(t.header.height)).map((t) => ({ height: t.header.height, hash: t.hashHex, header: encodeHeader(t.header) }));
    const oldest = [...s.window.keys()].reduce((m, h) => (h < m ? h : m), s.latest.header.height);
    for (const h of [...s.savedSets]) if (!keep.has(h)) s.savedSets.delete(h);
    await s.store.saveTrusted(headers, sets, oldest, new Set([...keep].filter((h) => s.savedSets.has(h) || sets.some((x) => x.hash === h))));
    for (const x of sets) s.savedSets.add(x.hash);
    // Only what was written: headers accepted during the write are the next write's.
    for (const h of taken) s.unsaved.delete(h);
  }
}
