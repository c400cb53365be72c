/** Prepared validator sets by hash: decoded, hashed and indexed once per set, bounded LRU. */
import { prepareValidatorSet, type PreparedValidatorSet, type ValidatorSet } from '@dipnet/protocol';

export class ValidatorSetCache {
  private readonly sets = new Map<string, PreparedValidatorSet>();

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

  get size(): number {
    return this.sets.size;
  }
}
