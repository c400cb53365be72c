/**
 * The mempool: signed txs that passed every check against the committed state plus the txs
 * ahead of them. It keeps a "pending" state view with all of its txs applied, so a second tx
 * from one sender is checked against the first (nonce sequence, remaining balance).
 */
import {
  ErrorCode, fail, DipnetError, decodeSignedTx, txHash, toHex, txSignBytes,
} from '@dipnet/protocol';
import type { Chain, Candidate } from './chain.ts';
import { StateView } from './state/state-view.ts';
import { applyTx } from './state/executor.ts';

export interface SyncVerifier {
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

export const MEMPOOL_MAX_TXS = 20_000;
const VERIFIED_CACHE = 50_000;

export class Mempool {
  private readonly txs = new Map<string, Candidate>();
  private pending: StateView;
  /** Tx hashes whose signatures were checked here, so block validation need not check them again. */
  readonly verified = new Set<string>();

  constructor(private readonly chain: Chain, private readonly verifier: SyncVerifier, private readonly maxTxs = MEMPOOL_MAX_TXS) {
    this.pending = chain.committedView();
  }

  get size(): number {
    return this.txs.size;
  }

  has(hash: Uint8Array): boolean {
    return this.txs.has(toHex(hash));
  }

  /** Validates and adds a signed tx. Throws a DipnetError with a specific code; nothing changes then. */
  add(bytes: Uint8Array): Uint8Array {
    const stx = decodeSignedTx(bytes);
    const hash = txHash(bytes);
    const id = toHex(hash);
    if (this.txs.has(id)) fail(ErrorCode.TX_DUPLICATE, 'tx is already in the mempool');
    if (this.chain.store.getTx(hash)) fail(ErrorCode.TX_NONCE_REPLAYED, 'tx was already committed');
    if (this.txs.size >= this.maxTxs) fail(ErrorCode.TX_MEMPOOL_FULL, 'mempool is full; retry later');
    if (stx.tx.chainId !== this.chain.chainId) fail(ErrorCode.TX_WRONG_CHAIN, `tx is for chain "${stx.tx.chainId}", this is "${this.chain.chainId}"`);
    if (!this.verifier.verify(stx.tx.signer, txSignBytes(stx.tx), stx.signature)) fail(ErrorCode.TX_BAD_SIGNATURE, 'signature does not verify');
    const head = this.chain.head;
    const now = BigInt(Date.now());
    applyTx(this.pending, { chainId: this.chain.chainId, height: head.height + 1n, time: now > head.time ? now : head.time + 1n, proposer: new Uint8Array(20) }, stx, bytes.length);
    this.txs.set(id, { bytes, tx: stx, hash });
    this.markVerified(id);
    return hash;
  }

  private markVerified(id: string): void {
    this.verified.add(id);
    if (this.verified.size > VERIFIED_CACHE) this.verified.delete(this.verified.values().next().value!);
  }

  /** Candidates for the next block, in arrival order. */
  candidates(limit: number): Candidate[] {
    const out: Candidate[] = [];
    for (const c of this.txs.values()) {
      if (out.length >= limit) break;
      out.push(c);
    }
    return out;
  }

  remove(hashes: Iterable<Uint8Array>): void {
    for (const h of hashes) this.txs.delete(toHex(h));
  }

  /** After a block commits: drop its txs and re-check the rest against the new state. */
  recheck(committed: Iterable<Uint8Array>): void {
    this.remove(committed);
    this.pending = this.chain.committedView();
    const head = this.chain.head;
    const ctx = { chainId: this.chain.chainId, height: head.height + 1n, time: head.time + 1n, proposer: new Uint8Array(20) };
    for (const [id, c] of this.txs) {
      try {
        applyTx(this.pending, ctx, c.tx, c.bytes.length);
      } catch (e) {
        if (!(e instanceof DipnetError)) throw e;
        this.txs.delete(id);
      }
    }
  }
}
