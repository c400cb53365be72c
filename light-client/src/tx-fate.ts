/**
 * The fate of a sent tx comes from proofs, never from a relay's word: "executed" from a verified
 * block that holds it (its receipt, or its block's tx root), "not executed" only once the signer's
 * proven nonce has moved past it without it (another tx spent the nonce, so it never executes).
 * Until then it is pending, and the client keeps checking (client/pending.ts `proveTxFate`).
 */
import { ErrorCode, LightError, LightErrorCode } from '@dipnet/protocol';
import type { PendingTx } from './api.ts';
import type { StoredPending } from './store/types.ts';

/** Proven: the tx's nonce was spent by another tx by `height`, so it never executes. */
export function notExecuted(p: PendingTx, height: bigint): LightError {
  return new LightError(LightErrorCode.LC_TX_REJECTED, `nonce ${p.nonce} was spent by another tx by height ${height}; tx ${p.hash.slice(0, 16)}… never executes`, {
    remoteCode: ErrorCode.TX_NONCE_REPLAYED, included: false, proven: true, hash: p.hash, height: height.toString(),
  });
}

/**
 * How long a caller waits for proof: `timeoutMs` (default 30 s) once a source took the tx; when
 * every source refused it, only long enough for a forwarded copy to show up in a verified block
 * (a relay's refusal is a hint, not a verdict, so the answer is then "pending", not "failed").
 */
export const REFUSED_WAIT_MS = 3_000;
export const waitFor = (timeoutMs: number | undefined, accepted: boolean): number => (accepted ? timeoutMs ?? 30_000 : Math.min(timeoutMs ?? 30_000, REFUSED_WAIT_MS));

/** A pending tx as the store keeps it (next to the wallet key; numbers as text). */
export function pendingRecord(p: PendingTx): StoredPending {
  return { id: p.hash, kind: `tx/${p.kind}`, createdAt: p.sentAt, data: { format: 1, hash: p.hash, signer: p.signer, nonce: p.nonce.toString(), kind: p.kind, sentAt: p.sentAt, fromHeight: p.fromHeight.toString(), ...(p.order ? { order: p.order } : {}) } };
}

/** A stored pending tx, or null for a record this build does not read (it stays stored). */
export function pendingFromRecord(r: StoredPending): PendingTx | null {
  const d = r.data as { format?: unknown; hash?: unknown; signer?: unknown; nonce?: unknown; kind?: unknown; sentAt?: unknown; fromHeight?: unknown; order?: PendingTx['order'] };
  if (d.format !== 1 || typeof d.hash !== 'string' || typeof d.signer !== 'string' || typeof d.nonce !== 'string' || !/^\d+$/.test(d.nonce)) return null;
  if (d.kind !== 'transfer' && d.kind !== 'contract') return null;
  const fromHeight = typeof d.fromHeight === 'string' && /^\d+$/.test(d.fromHeight) ? BigInt(d.fromHeight) : 0n;
  return { hash: d.hash, signer: d.signer, nonce: BigInt(d.nonce), kind: d.kind, sentAt: typeof d.sentAt === 'number' ? d.sentAt : r.createdAt, fromHeight, ...(d.order ? { order: d.order } : {}) };
}

/** What one turn of a sent tx's wait needs of the client. */
export interface TxWaitHost {
  ensureUsable(): void;
  now(): number;
  nextHead(ms: number): Promise<void>;
  following(): boolean;
  sync(): Promise<unknown>;
}

/**
 * One turn of waiting for a sent tx (transfers and contract txs alike): the next verified head (at
 * most 1 s, never past the deadline), a resend, the relays' hints, and a sync when heads do not
 * arrive by themselves. The caller then looks for the proof.
 */
export async function txWaitTurn(host: TxWaitHost, deadline: number, resend: (() => Promise<void>) | undefined, hints: () => Promise<void>): Promise<void> {
  host.ensureUsable();
  await host.nextHead(Math.min(1000, Math.max(0, deadline - host.now())));
  await resend?.();
  await hints();
  if (!host.following()) await host.sync().catch(() => undefined);
}
