/**
 * A write overlay on state. Txs run in a child view that is merged into its parent only when
 * they succeed, so a failed tx changes nothing. Keys are raw state keys (see
 * protocol/src/state-schema.ts); the overlay records the block's writes for the SMT update.
 *
 * A key's hex id is computed once per read and handed down the chain of views (a tx's child,
 * the block's view, the committed reader), not once per level.
 */
import { toHex } from '@dipnet/protocol';

/** Reads committed state; `id` is `toHex(rawKey)`, given so the reader need not compute it. */
export type StateReader = (rawKey: Uint8Array, id: string) => Uint8Array | undefined;

interface Write {
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
}

export class StateView {
  private readonly writes = new Map<string, Write>();

  constructor(private readonly base: StateReader) {}

  get(key: Uint8Array): Uint8Array | undefined {
    return this.read(key, toHex(key));
  }

  /** `get` for a caller that keeps the key's id (`toHex(key)`): a constant key is not re-encoded per read. */
  getById(key: Uint8Array, id: string): Uint8Array | undefined {
    return this.read(key, id);
  }

  private read(key: Uint8Array, id: string): Uint8Array | undefined {
    const w = this.writes.get(id);
    return w ? w.value : this.base(key, id);
  }

  set(key: Uint8Array, value: Uint8Array | undefined): void {
    this.writes.set(toHex(key), { key, value });
  }

  /** `set` for a caller that keeps the key's id (`toHex(key)`). */
  setById(key: Uint8Array, id: string, value: Uint8Array | undefined): void {
    this.writes.set(id, { key, value });
  }

  child(): StateView {
    return new StateView((k, id) => this.read(k, id));
  }

  /** Moves this view's writes into `parent` (which must be the view it was made from). */
  mergeInto(parent: StateView): void {
    for (const [id, w] of this.writes) parent.writes.set(id, w);
  }

  entries(): IterableIterator<{ key: Uint8Array; value: Uint8Array | undefined }> {
    return this.writes.values();
  }

  get size(): number {
    return this.writes.size;
  }
}
