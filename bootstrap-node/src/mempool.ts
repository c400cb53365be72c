/**
 * The mempool: signed txs that passed every check, waiting for a block.
 *
 * A new tx is checked by the state machine itself against the committed state with its sender's
 * pending txs accounted for (the sender's next nonce and the DPN its pending txs already commit):
 * a transfer by the executor's own checks, any other tx by `applyTx` on a throwaway view. So the
 * rules live in one place, and after a block only the senders that block touched are re-examined —
 * never the whole pool.
 */
import {
  CONTRACT_TX_TYPES,
  ErrorCode, fail, decodeSignedTx, txHash, toHex, txSender, requiredFee, spendable,
  type SignedTx, type Params,
} from '@dipnet/protocol';
import type { Chain, Candidate, KnownTxs } from './chain.ts';
import { signedTxSignBytesTransient } from './crypto/tx-sign-bytes.ts';
import { BoundedMap, BoundedSet } from './bounded.ts';
import { applyTx, checkTransferAdmission, txOutflow } from './state/executor.ts';
import { getAccount, putAccount, getParams, rememberAccountKey } from './state/accounts.ts';
import type { StateView } from './state/state-view.ts';

export interface SyncVerifier {
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

export const MEMPOOL_MAX_TXS = 20_000;
/**
 * Ids of txs whose signatures block validation checked, and of recently committed txs (a late
 * gossip copy of one is recognised without decoding it). A gossip copy trails its block by a
 * second or two: 25,000 ids cover ~5 s at the chain's top rate, and bigger sets only lengthen
 * the old generation's marking (a miss costs what the copy would have cost anyway).
 */
const VERIFIED_CACHE = 25_000;
const COMMITTED_CACHE = 25_000;
const ADDRESS_CACHE = 100_000;
/** Admission checks run in a context without a proposer: no rule a tx is checked by reads it. */
const NO_PROPOSER = new Uint8Array(20);

interface Pending extends Candidate {
  /** Spendable DPN this tx commits: its fee plus what it moves out of the account. */
  readonly cost: bigint;
}

interface SenderQueue {
  readonly address: Uint8Array;
  /** Pending txs in nonce order, consecutive from the committed nonce. */
  txs: Pending[];
  reserved: bigint;
  /** A tx was removed from the middle (a block builder rejected it): the next reconcile is a full one. */
  holed: boolean;
  /** The params (fee rule) every queued tx was checked against. */
  checkedWith: Params;
}

export class Mempool implements KnownTxs {
  private readonly txs = new Map<string, Pending>();
  private readonly senders = new Map<string, SenderQueue>();
  /**
   * Txs whose signatures block validation checked before their gossip copy arrived, so admission
   * need not check them again. (A pooled tx needs no entry: the pool itself says it was checked.)
   */
  readonly verified = new BoundedSet<string>(VERIFIED_CACHE);
  /** Recently committed tx ids (the tx index knows them all; this answers without a store read). */
  private readonly committed = new BoundedSet<string>(COMMITTED_CACHE);
  /** Signer public key (hex) → address and its hex: one hash per signer instead of one per tx. */
  private readonly addresses = new BoundedMap<string, { readonly address: Uint8Array; readonly id: string }>(ADDRESS_CACHE);

  /** Never written to: transfers are checked without running them. */
  private readonly readView: StateView;

  constructor(private readonly chain: Chain, private readonly verifier: SyncVerifier, private readonly maxTxs = MEMPOOL_MAX_TXS) {
    this.readView = chain.committedView();
  }

  get size(): number {
    return this.txs.size;
  }

  /** The decoded tx and its signer's address, if it is in the pool (its signature was verified on arrival). */
  get(id: string): Candidate | undefined {
    return this.txs.get(id);
  }

  /** Block validation checked this tx's signature: a later gossip copy need not be checked again. */
  verifiedElsewhere(id: string): void {
    this.verified.add(id);
  }

  has(hash: Uint8Array): boolean {
    return this.txs.has(toHex(hash));
  }

  /** Validates and adds a signed tx. Throws a DipnetError with a specific code; nothing changes then. */
  add(bytes: Uint8Array): Uint8Array {
    const hash = txHash(bytes);
    const id = toHex(hash);
    if (this.txs.has(id)) fail(ErrorCode.TX_DUPLICATE, 'tx is already in the mempool');
    if (this.committed.has(id)) fail(ErrorCode.TX_NONCE_REPLAYED, 'tx was already committed');
    return this.admit(bytes, hash, id);
  }

  /**
   * For gossip: adds a tx unless it is already pooled or recently committed — the usual fate of
   * a copy that arrives after the proposal carrying it — and says which (false = known, nothing
   * done). Anything else is checked as by `add` and throws the same errors.
   */
  addIfNew(bytes: Uint8Array): boolean {
    const hash = txHash(bytes);
    const id = toHex(hash);
    if (this.txs.has(id) || this.committed.has(id)) return false;
    this.admit(bytes, hash, id);
    return true;
  }

  private admit(bytes: Uint8Array, hash: Uint8Array, id: string): Uint8Array {
    const stx = decodeSignedTx(bytes);
    if (this.txs.size >= this.maxTxs) fail(ErrorCode.TX_MEMPOOL_FULL, 'mempool is full; retry later');
    if (stx.tx.chainId !== this.chain.chainId) fail(ErrorCode.TX_WRONG_CHAIN, `tx is for chain "${stx.tx.chainId}", this is "${this.chain.chainId}"`);
    if (!this.verified.has(id) && !this.verifier.verify(stx.tx.signer, signedTxSignBytesTransient(bytes, stx.tx.chainId), stx.signature)) {
      fail(ErrorCode.TX_BAD_SIGNATURE, 'signature does not verify');
    }
    const { address: senderAddr, id: senderId } = this.signerOf(stx);
    const queue = this.senders.get(senderId);
    // Check with the state machine, as if the sender's pending txs had already run. A transfer's
    // check only reads, so it shares one view of committed state (it reads through to the latest).
    const isTransfer = stx.tx.body.type === 'transfer';
    const view = isTransfer ? this.readView : this.chain.committedView();
    const account = getAccount(view, senderAddr);
    // A committed tx's nonce is used, so only an old nonce needs the tx index (for a clearer error).
    if (stx.tx.nonce < account.nonce && this.chain.store.getTx(hash)) fail(ErrorCode.TX_NONCE_REPLAYED, 'tx was already committed');
    const pending = queue && queue.txs.length > 0
      ? { ...account, balance: account.balance - queue.reserved, nonce: account.nonce + BigInt(queue.txs.length) }
      : account;
    const head = this.chain.head;
    const now = BigInt(Date.now());
    const ctx = { chainId: this.chain.chainId, height: head.height + 1n, time: now > head.time ? now : head.time + 1n, proposer: NO_PROPOSER };
    let fee: bigint;
    if (isTransfer) {
      // The commonest tx is checked by the same rules without running it (nothing to throw away).
      fee = checkTransferAdmission(view, ctx, stx as Parameters<typeof checkTransferAdmission>[2], bytes.length, senderAddr, pending);
    } else {
      if (pending !== account) putAccount(view, senderAddr, pending);
      // A contract tx is simulated strictly (it would fail → rejected here, not charged) when it is
      // the sender's only pending tx; behind others it may depend on them, so it is only prechecked.
      ({ fee } = applyTx(view, ctx, stx, bytes.length, { simulate: pending === account, sender: senderAddr }));
    }
    const isContract = CONTRACT_TX_TYPES.has(stx.tx.body.type);
    const p: Pending = { bytes, tx: stx, hash, id, senderAddress: senderAddr, senderId, cost: (isContract ? stx.tx.fee : fee) + txOutflow(stx.tx.body, view) };
    this.txs.set(id, p);
    if (queue) {
      queue.txs.push(p);
      queue.reserved += p.cost;
      // Checked against newer params than the rest of the queue: the next reconcile checks them all.
      if (getParams(view) !== queue.checkedWith) queue.holed = true;
    } else {
      this.senders.set(senderId, { address: senderAddr, txs: [p], reserved: p.cost, holed: false, checkedWith: getParams(view) });
    }
    return hash;
  }

  /**
   * The usual case after a block, in time proportional to what it committed: the queue's head
   * went into the block (those txs are already out of the pool), the rest still follows the
   * account's nonce, and the account can still pay for all of it — then every remaining tx is
   * still valid. Returns false (changing nothing) when that does not hold.
   */
  private shiftCommitted(q: SenderQueue, nonce: bigint, available: bigint): boolean {
    let k = 0;
    let gone = 0n;
    while (k < q.txs.length && !this.txs.has(q.txs[k]!.id)) gone += q.txs[k++]!.cost;
    if (k < q.txs.length && q.txs[k]!.tx.tx.nonce !== nonce) return false;
    const reserved = q.reserved - gone;
    if (reserved > available) return false;
    if (k > 0) q.txs = q.txs.slice(k);
    q.reserved = reserved;
    return true;
  }

  /** The signer's address and its hex, from the cache of recent signers (see `KnownTxs`). */
  signerOf(stx: SignedTx): { readonly address: Uint8Array; readonly id: string } {
    const key = toHex(stx.tx.signer);
    let a = this.addresses.get(key);
    if (!a) {
      const address = txSender(stx.tx);
      rememberAccountKey(address);
      a = { address, id: toHex(address) };
      this.addresses.set(key, a);
    }
    return a;
  }

  /** Candidates for the next block, in arrival order (which is nonce order per sender). */
  candidates(limit: number): Candidate[] {
    const out: Candidate[] = [];
    for (const c of this.txs.values()) {
      if (out.length >= limit) break;
      out.push(c);
    }
    return out;
  }

  /** Drops txs (by hex id; e.g. ones a block builder found invalid) and whatever of their senders' queues follows them. */
  remove(ids: Iterable<string>): void {
    const senders = this.drop(ids);
    for (const s of senders) {
      const q = this.senders.get(s);
      if (q) q.holed = true;
    }
    this.reconcile(senders);
  }

  /** After a block commits (its tx ids and signers' addresses, in hex): drop its txs and re-examine only the senders it touched. */
  recheck(committedIds: Iterable<string>, committedSenderIds: Iterable<string> = []): void {
    const touched = this.drop(committedIds, true);
    for (const s of committedSenderIds) touched.add(s);
    this.reconcile(touched);
  }

  /** Removes txs from the pool (and remembers them if they were committed); returns their senders. */
  private drop(ids: Iterable<string>, committed = false): Set<string> {
    const senders = new Set<string>();
    for (const id of ids) {
      if (committed) {
        this.committed.add(id);
      }
      const p = this.txs.get(id);
      if (p) {
        this.txs.delete(id);
        senders.add(p.senderId);
      }
    }
    return senders;
  }

  /**
   * Brings each touched sender's queue back in line with committed state: txs already gone or
   * whose nonce is used are dropped, a nonce gap drops everything after it, and the reserved
   * amount is recomputed.
   */
  private reconcile(senders: Iterable<string>): void {
    const view = this.chain.committedView();
    // The fee rule changes only with the params (a governance resolution); getParams returns the
    // same object while their bytes are unchanged.
    const params = getParams(view);
    const now = this.chain.head.time + 1n;
    for (const s of senders) {
      const q = this.senders.get(s);
      if (!q) continue;
      const account = getAccount(view, q.address);
      const available = spendable(account, now);
      if (q.checkedWith === params && !q.holed && this.shiftCommitted(q, account.nonce, available)) {
        if (q.txs.length === 0) this.senders.delete(s);
        continue;
      }
      q.holed = false;
      q.checkedWith = params;
      let nonce = account.nonce;
      const keep: Pending[] = [];
      let reserved = 0n;
      for (const p of q.txs) {
        if (!this.txs.has(p.id)) continue;
        if (p.tx.tx.nonce !== nonce || p.tx.tx.fee < requiredFee(params, p.bytes.length) || reserved + p.cost > available) {
          this.txs.delete(p.id);
          continue;
        }
        keep.push(p);
        reserved += p.cost;
        nonce++;
      }
      if (keep.length === 0) this.senders.delete(s);
      else {
        q.txs = keep;
        q.reserved = reserved;
      }
    }
  }
}

