/** In-memory store: same contract as IndexedDB, for Node tools, tests and private browsing. */
import type { LightStore, StoreMeta, StoredHeader, StoredPending, StoredState, StoredValidatorSet, StoredWallet } from './types.ts';
import { byCreation, checkPending } from './wallet-records.ts';

export class MemoryStore implements LightStore {
  readonly kind = 'memory';
  private meta: StoreMeta | null = null;
  private readonly headers = new Map<bigint, StoredHeader>();
  private readonly sets = new Map<string, StoredValidatorSet>();
  private wallet: StoredWallet | null = null;
  private readonly pending = new Map<string, StoredPending>();

  async load(): Promise<StoredState | null> {
    if (!this.meta) return null;
    return {
      meta: { ...this.meta },
      headers: [...this.headers.values()].sort((a, b) => (a.height < b.height ? -1 : 1)).map((h) => ({ ...h, header: h.header.slice() })),
      sets: [...this.sets.values()].map((s) => ({ ...s, set: s.set.slice() })),
    };
  }

  async reset(meta: StoreMeta): Promise<void> {
    this.meta = { ...meta };
    this.headers.clear();
    this.sets.clear();
  }

  async saveTrusted(headers: readonly StoredHeader[], sets: readonly StoredValidatorSet[], keepFromHeight: bigint, keepSets: ReadonlySet<string>): Promise<void> {
    for (const h of headers) this.headers.set(h.height, { ...h, header: h.header.slice() });
    for (const s of sets) this.sets.set(s.hash, { ...s, set: s.set.slice() });
    for (const k of [...this.headers.keys()]) if (k < keepFromHeight) this.headers.delete(k);
    for (const k of [...this.sets.keys()]) if (!keepSets.has(k)) this.sets.delete(k);
  }

  async loadWallet(): Promise<StoredWallet | null> {
    return this.wallet;
  }

  async saveWallet(wallet: StoredWallet): Promise<void> {
    this.wallet = wallet;
  }

  // Cloned on the way in and out, as IndexedDB does: a caller's later change is not stored.
  async savePending(rec: StoredPending): Promise<void> {
    checkPending(rec);
    this.pending.set(rec.id, structuredClone({ id: rec.id, kind: rec.kind, createdAt: rec.createdAt, data: rec.data }));
  }

  async loadPending(): Promise<StoredPending[]> {
    return [...this.pending.values()].map((r) => structuredClone(r)).sort(byCreation);
  }

  async deletePending(id: string): Promise<void> {
    this.pending.delete(id);
  }

  async estimate(): Promise<{ usage?: number; quota?: number } | null> {
    let usage = 0;
    for (const h of this.headers.values()) usage += h.header.length + 80;
    for (const s of this.sets.values()) usage += s.set.length + 80;
    return { usage };
  }

  async close(): Promise<void> {}

  /** Test hook: direct access to the raw records (to corrupt them on purpose). */
  get raw(): { headers: Map<bigint, StoredHeader>; sets: Map<string, StoredValidatorSet> } {
    return { headers: this.headers, sets: this.sets };
  }
}
