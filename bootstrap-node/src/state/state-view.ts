/**
 * A write overlay on state. Txs run in a child view that is merged into its parent only when
 * they succeed, so a failed tx changes nothing. Keys are raw state keys (see
 * protocol/src/state-schema.ts); the overlay records the block's writes for the SMT update.
 */
import { toHex } from '@dipnet/protocol';

export type StateReader = (rawKey: Uint8Array) => Uint8Array | undefined;

export class StateView {
  private readonly writes = new Map<string, { key: Uint8Array; value: Uint8Array | undefined }>();

  constructor(private readonly base: StateReader) {}

  get(key: Uint8Array): Uint8Array | undefined {
    const w = this.writes.get(toHex(key));
    return w ? w.value : this.base(key);
  }

  set(key: Uint8Array, value: Uint8Array | undefined): void {
    this.writes.set(toHex(key), { key, value });
  }

  child(): StateView {
    return new StateView((k) => this.get(k));
  }

  /** Moves this view's writes into `parent` (which must be the view it was made from). */
  mergeInto(parent: StateView): void {
    for (const { key, value } of this.writes.values()) parent.set(key, value);
  }

  entries(): IterableIterator<{ key: Uint8Array; value: Uint8Array | undefined }> {
    return this.writes.values();
  }

  get size(): number {
    return this.writes.size;
  }
}
