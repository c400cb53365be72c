/** In-memory store: same contract as IndexedDB, for Node tools, tests and private browsing. */
import type { LightStore, StoreMeta, StoredHeader, StoredState, StoredValidatorSet, StoredWallet } from './types.ts';

export class MemoryStore implements LightStore {
  readonly kind = 'memory';
  private meta: StoreMeta | null = null;
  private readonly headers = new Map<bigint, StoredHeader>();
  private readonly sets = new Map<string, StoredValidatorSet>();
  private wallet: StoredWallet | null = null;

  async load(): Promise<StoredState | null> {
    if (!this.meta) return null;
    return {
      meta: { ...this.meta },
      headers: [...this.headers.values()].sort((a, b) => (a.height < b.height ? -1 : 1)).map((h) => ({ ...h, header: h.header.slice() })),
      sets: [...this.sets.values()].map((s) => ({ ...s, set: s.set.slice() })),
      wallet: this.wallet,
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

  async saveWallet(wallet: StoredWallet | null): Promise<void> {
    this.wallet = wallet;
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
