/**
 * Gas: every step of contract execution costs gas, so a tx's work is bounded by what it pays
 * for. Costs are fixed numbers, independent of caches, so every node meters the same.
 */
import { ErrorCode, fail } from '@dipnet/protocol';

export const Gas = {
  exprNode: 2,
  effect: 10,
  read: 100,
  write: 200,
  childScan: 20,
  orderCreate: 2_000,
  pay: 300,
  history: 50,
  timer: 300,
  /** Loading a template: fixed plus per byte of code. */
  templateLoad: (codeBytes: number) => 100 + (codeBytes >> 4),
} as const;

/** Most gas one tx may use; one timer firing gets `TIMER_GAS`. */
export const MAX_TX_GAS = 5_000_000;
export const TIMER_GAS = 1_000_000;
/** Most gas the txs of one block may use together. */
export const BLOCK_GAS_LIMIT = 50_000_000;

export class GasMeter {
  used = 0;
  constructor(readonly limit: number) {}

  charge(n: number): void {
    this.used += n;
    if (this.used > this.limit) fail(ErrorCode.GAS_EXHAUSTED, `out of gas (limit ${this.limit})`, { limit: this.limit });
  }
}
