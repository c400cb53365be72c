/**
 * A DPN transfer from the wallet: overspending is proven (from the proven account) before
 * anything is sent; then it is submitted and waited for until a verified block proves its fate,
 * or handed to the pending txs (LC_TX_PENDING) when the caller's wait ends first.
 */
import { ErrorCode, LightError, LightErrorCode, formatAddress, formatDpn, fromHex, parseAddress, spendable, toHex, txHash } from '@dipnet/protocol';
import type { PendingTx, TransferRequest, TransferResult, TransferStage } from '../api.ts';
import type { ContractTxHost } from '../contracts.ts';
import { notExecuted, txWaitTurn, waitFor } from '../tx-fate.ts';
import { buildSignedTx } from '../wallet/wallet.ts';

export interface TransferHost extends ContractTxHost {
  /** The latest verified header's time: what the spendable balance is proven at. */
  headTime(): bigint;
}

export async function transfer(host: TransferHost, req: TransferRequest, onProgress?: (s: TransferStage) => void): Promise<TransferResult> {
  host.ensureUsable();
  const wallet = host.wallet();
  let to: Uint8Array;
  try {
    to = typeof req.to === 'string' ? parseAddress(req.to) : req.to;
    formatAddress(to);
  } catch (e) {
    throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, (e as Error).message);
  }
  if (typeof req.amount !== 'bigint' || req.amount <= 0n) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'amount must be a positive bigint of units');
  const progress = (s: TransferStage): void => {
    try {
      onProgress?.(s);
    } catch {
      // ignore
    }
  };

  await host.sync();
  host.ensureFresh();
  const before = await host.getAccount(wallet.address);
  const { params } = await host.getParams();
  const { bytes, tx } = await buildSignedTx(wallet, host.chainId, before.account.nonce, { type: 'transfer', to, amount: req.amount, memo: req.memo ?? '' }, params, req.fee);
  // Overspending is proven here, from the proven account, before anything is sent.
  const available = spendable(before.account, host.headTime());
  if (req.amount + tx.fee > available) {
    throw new LightError(LightErrorCode.LC_TX_REJECTED, `the proven spendable balance at block ${before.height} is ${formatDpn(available)} DPN: not enough for ${formatDpn(req.amount)} DPN and a fee of ${formatDpn(tx.fee)} DPN; nothing was sent`, {
      remoteCode: ErrorCode.TX_INSUFFICIENT_FUNDS, included: false, proven: true, height: before.height.toString(),
    });
  }
  const hash = toHex(txHash(bytes));
  progress({ stage: 'signed', hash, nonce: tx.nonce, fee: tx.fee });
  const sent = await host.submit(bytes, (hint) => progress({ stage: 'hint', hash, hint }));
  progress({ stage: 'submitted', hash });
  const pendingTx: PendingTx = { hash, signer: wallet.addressText, nonce: tx.nonce, kind: 'transfer', sentAt: host.now(), fromHeight: before.height };
  await host.rememberSent(pendingTx);

  const deadline = host.now() + waitFor(req.timeoutMs, sent.accepted);
  const hints = host.hints(fromHex(hash), (hint) => progress({ stage: 'hint', hash, hint }));
  const resend = host.resender?.(bytes);
  while (host.now() < deadline) {
    await txWaitTurn(host, deadline, resend, hints);
    const fate = await host.proveTxFate(pendingTx);
    if (fate) await host.forgetSent(pendingTx);
    if (fate?.outcome === 'executed') {
      progress({ stage: 'finalised', hash, height: fate.height });
      const account = await host.getAccount(wallet.address);
      return { hash, nonce: tx.nonce, fee: tx.fee, height: fate.height, account, resultCode: null };
    }
    if (fate) throw notExecuted(pendingTx, fate.height);
  }
  throw host.stillPending(pendingTx, waitFor(req.timeoutMs, sent.accepted), sent.refusal);
}
