/** Prepared validator sets by hash: decoded, hashed and indexed once per set, bounded LRU. */
import { prepareValidatorSet, type PreparedValidatorSet, type ValidatorSet } from '@dipnet/protocol';

export class ValidatorSetCache {
  private readonly sets = new Map<string, PreparedValidatorSet>();
  /**
   * Sets being fetched ahead of need, by expected hash, with the source asked: a header that
   * announces a new next set starts that fetch at once, so a later skip from it does not wait a
   * round trip. Only the same source's answer is used (a bad set is blamed on who served it).
   */
  private readonly pending = new Map<string, { readonly source: string; readonly set: Promise<PreparedValidatorSet> }>();

  constructor(private readonly max = 64) {}

  get(hashHex: string): PreparedValidatorSet | undefined {
    const s = this.sets.get(hashHex);
    if (s) {
      this.sets.delete(hashHex);
      this.sets.set(hashHex, s);
    }
    return s;
  }

  /** Prepares (checking the hash when given) and caches a set. */
  add(set: ValidatorSet, expectedHash?: Uint8Array): PreparedValidatorSet {
    const p = prepareValidatorSet(set, expectedHash);
    const had = this.get(p.hashHex);
    if (had) return had;
    this.sets.set(p.hashHex, p);
    while (this.sets.size > this.max) this.sets.delete(this.sets.keys().next().value!);
    return p;
  }

  /** The cached set, or the one `source` is already fetching, or fetches it with `fetch`. */
  async getOrFetch(hashHex: string, expectedHash: Uint8Array, source: string, fetch: () => Promise<ValidatorSet>): Promise<PreparedValidatorSet> {
    const hit = this.get(hashHex);
    if (hit) return hit;
    const p = this.pending.get(hashHex);
    if (p && p.source === source) return p.set;
    return this.add(await fetch(), expectedHash);
  }

  /** Starts fetching a set expected to be needed soon (no-op when cached or already on its way). */
  prefetch(hashHex: string, expectedHash: Uint8Array, source: string, fetch: () => Promise<ValidatorSet>): void {
    if (this.sets.has(hashHex) || this.pending.get(hashHex)?.source === source) return;
    const set = fetch().then((s) => this.add(s, expectedHash));
    const entry = { source, set };
    this.pending.set(hashHex, entry);
    // Failures surface when (and only if) the set is needed: getOrFetch awaits this promise.
    set.catch(() => undefined).finally(() => {
      if (this.pending.get(hashHex) === entry) this.pending.delete(hashHex);
    });
  }

  get size(): number {
    return this.sets.size;
  }
}
