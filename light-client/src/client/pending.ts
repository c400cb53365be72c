/**
 * Tx fate: the sent txs whose fate is not proven yet (kept in the store like the key, so a reload
 * does not lose a payment), proving each one's fate from proofs only (its receipt, or its block's
 * tx root, or its nonce spent by another tx), and telling each proven fate once.
 */
import { ContractKey, ErrorCode, HashTag, LightError, LightErrorCode, decodeTxReceipt, equalBytes, fromHex, headerHash, merkleRoot, parseAddress, toHex, txHash } from '@dipnet/protocol';
import type { PendingTx, TxHint, TxOutcome, VerifiedAccount, VerifiedState } from '../api.ts';
import { pendingRecord } from '../tx-fate.ts';
import type { TrustedHeader } from '../verify/engine.ts';
import { durationText, tell, type ClientState } from './state.ts';

export interface ProvenReads {
  getState(rawKey: Uint8Array, opts?: { height?: bigint }): Promise<VerifiedState>;
  getAccount(address: Uint8Array, opts?: { height?: bigint }): Promise<VerifiedAccount>;
  trustedAt(height: bigint): Promise<TrustedHeader>;
}

export type TxFate = { outcome: TxOutcome['outcome']; height: bigint; code: string; fee?: bigint };

export class PendingTxs {
  /** Sent txs whose fate is not proven yet, by hash; checked on every new verified head. */
  readonly pending = new Map<string, PendingTx>();
  private readonly outcomeListeners = new Set<(o: TxOutcome) => void>();
  private readonly unheardOutcomes: TxOutcome[] = [];
  private pendingCheck: Promise<void> | null = null;

  constructor(private readonly s: ClientState, private readonly reads: ProvenReads) {}

  /**
   * A sent tx's fate, from proofs only, or null while it is not proven. A contract tx: its receipt
   * proven at the head (executed, with its code), or no receipt at a height where the signer's
   * proven nonce is past the tx's (another tx took the nonce: it never executes). A transfer (no
   * receipt): once the proven nonce is past the tx's, the block that spent the nonce is found (its
   * nonce proven at each height tried) and checked against its verified header's tx root: the tx is
   * in it (executed) or not (another tx took the nonce).
   */
  async proveTxFate(p: PendingTx): Promise<TxFate | null> {
    const hash = fromHex(p.hash);
    const signer = parseAddress(p.signer);
    if (p.kind === 'contract') {
      const s = await this.reads.getState(ContractKey.txReceipt(hash));
      if (s.value) {
        const receipt = decodeTxReceipt(s.value);
        return { outcome: 'executed', height: receipt.height, code: receipt.code, fee: receipt.fee };
      }
      const acct = await this.reads.getAccount(signer, { height: s.height });
      return acct.account.nonce > p.nonce ? { outcome: 'not-executed', height: s.height, code: ErrorCode.TX_NONCE_REPLAYED } : null;
    }
    const head = await this.reads.getAccount(signer);
    if (head.account.nonce <= p.nonce) return null;
    // The first height whose proven nonce is past the tx's: that block spent the nonce (after the
    // height it was signed at, where the nonce was still unspent).
    let lo = p.fromHeight + 1n;
    let hi = head.height;
    while (lo < hi) {
      const mid = (lo + hi) / 2n;
      if ((await this.reads.getAccount(signer, { height: mid })).account.nonce > p.nonce) hi = mid;
      else lo = mid + 1n;
    }
    const included = await this.blockIncludes(hi, hash);
    return { outcome: included ? 'executed' : 'not-executed', height: hi, code: included ? '' : ErrorCode.TX_NONCE_REPLAYED };
  }

  /** Whether the block at `height` holds the tx, checked against the verified header (hash and tx root). */
  private async blockIncludes(height: bigint, hash: Uint8Array): Promise<boolean> {
    const t = await this.reads.trustedAt(height);
    return this.s.pool.run('block', async (src) => {
      if (!src.block) throw new LightError(LightErrorCode.LC_NOT_AVAILABLE, `${src.id} serves no blocks`);
      const b = await src.block(height);
      if (toHex(headerHash(b.header)) !== t.hashHex) throw new LightError(LightErrorCode.LC_HEADER_INVALID, `block ${height} does not match its verified header`);
      const ids = b.txs.map(txHash);
      if (!equalBytes(merkleRoot(HashTag.txRoot, ids), b.header.txRoot)) throw new LightError(LightErrorCode.LC_HEADER_INVALID, `block ${height}'s txs do not match its tx root`);
      return ids.some((id) => equalBytes(id, hash));
    });
  }

  /**
   * The caller stops waiting; the client does not: the tx is checked on every new head until
   * proven. A relay's refusal travels along as what it is, its word (`details.relaySays`,
   * `details.remoteCode`).
   */
  stillPending(p: PendingTx, waitedMs: number, refusal: TxHint | null = null): LightError {
    this.pending.set(p.hash, p);
    const says = refusal ? `${refusal.source} says it refused it (${refusal.code}${refusal.message ? `: ${refusal.message}` : ''}), but ` : '';
    return new LightError(
      LightErrorCode.LC_TX_PENDING,
      `tx ${p.hash.slice(0, 16)}… was sent; ${says}after ${durationText(waitedMs)} no verified block proves it executed or that it never will: still checking (onTxOutcome)`,
      { hash: p.hash, nonce: p.nonce.toString(), proven: false, ...(refusal ? { relaySays: refusal, remoteCode: refusal.code } : {}), ...(p.order ? { order: p.order } : {}) },
    );
  }

  /** Proves what it can of the pending txs (one pass at a time) and reports each proven fate once. */
  checkPending(): void {
    if (this.pendingCheck) return;
    this.pendingCheck = (async () => {
      for (const p of [...this.pending.values()]) {
        const fate = await this.proveTxFate(p).catch(() => null);
        if (!fate || !this.pending.delete(p.hash)) continue;
        await this.s.store.deletePending(p.hash).catch(() => undefined);
        const o: TxOutcome = { tx: p, ...fate };
        // Proven before anyone listens (right after a reload): kept for the first listener.
        if (this.outcomeListeners.size === 0) this.unheardOutcomes.push(o);
        tell(this.outcomeListeners, o);
      }
    })().finally(() => {
      this.pendingCheck = null;
    });
  }

  /** A new verified head: the pending txs may be proven now. */
  onNewHead(): void {
    if (this.pending.size > 0) this.checkPending();
  }

  /**
   * A sent tx is kept like the key from the moment it is sent until its fate is proven: a reload
   * must not lose a payment whose outcome (and, for an order, the shipping details and salt the
   * site must receive) is still to come.
   */
  async rememberSent(p: PendingTx): Promise<void> {
    await this.s.store.savePending(pendingRecord(p)).catch((e: unknown) => this.s.opts.logger?.warn('could not save a sent tx', { hash: p.hash, err: String(e) }));
  }

  /** Its fate is proven (and told to the caller): nothing to keep. */
  async forgetSent(p: PendingTx): Promise<void> {
    await this.s.store.deletePending(p.hash).catch(() => undefined);
  }

  pendingTxs(): PendingTx[] {
    return [...this.pending.values()];
  }

  onTxOutcome(listener: (o: TxOutcome) => void): () => void {
    this.outcomeListeners.add(listener);
    for (const o of this.unheardOutcomes.splice(0)) tell([listener], o);
    return () => this.outcomeListeners.delete(listener);
  }
}
