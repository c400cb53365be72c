/**
 * Txs travel between nodes in small batches: one gossip message per few milliseconds of client
 * submissions instead of one per tx, which divides the per-message cost (framing, encryption,
 * dedup, forwarding) by the batch size under load and adds at most `FLUSH_MS` of latency.
 */
import { Writer, decodeExact, MAX_TX_BYTES } from '@dipnet/protocol';

export const TX_BATCH_MAX_TXS = 512;
/** Stays under the 64 KiB gossip limit of the 'txs' topic. */
export const TX_BATCH_MAX_BYTES = 60 * 1024;
const FLUSH_MS = 20;

/**
 * A tx batch, strictly (at most `maxTxs`); also the binary body of the relay's `POST /v1/txs/batch`.
 * The txs are views into `bytes` (one allocation per batch, not per tx), which must not change.
 */
export const decodeTxBatch = (bytes: Uint8Array, maxTxs = TX_BATCH_MAX_TXS): Uint8Array[] =>
  decodeExact(bytes, (r) => r.array(maxTxs, (r) => r.bytesView(MAX_TX_BYTES, 'tx'), 'txs'), 'tx batch');

export function encodeTxBatch(txs: readonly Uint8Array[]): Uint8Array {
  const w = new Writer(8 + txs.reduce((n, t) => n + t.length + 4, 0));
  w.array(txs, TX_BATCH_MAX_TXS, (w, t) => w.bytes(t, MAX_TX_BYTES));
  return w.finish();
}

/** Collects txs and hands them to `send` as batches. */
export class TxBatcher {
  private txs: Uint8Array[] = [];
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly send: (batch: Uint8Array) => void) {}

  push(tx: Uint8Array): void {
    if (this.bytes + tx.length + 4 > TX_BATCH_MAX_BYTES - 16 || this.txs.length >= TX_BATCH_MAX_TXS) this.flush();
    this.txs.push(tx);
    this.bytes += tx.length + 4;
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.txs.length === 0) return;
    const batch = encodeTxBatch(this.txs);
    this.txs = [];
    this.bytes = 0;
    this.send(batch);
  }
}
