/**
 * Dry runs of signed txs for wallets sizing their fee: the tx runs through the real state
 * transition (`applyTx` in simulate mode, as the mempool checks it) on a throwaway overlay of
 * the committed head state, as if it were the next block's first tx. Nothing is written.
 */
import { DipnetError, decodeSignedTx, requiredFee, verifyTxSignature, type SignatureVerifier } from '@dipnet/protocol';
import type { Chain } from '../chain.ts';
import { applyTx } from '../state/executor.ts';
import { getParams } from '../state/accounts.ts';

export type SimulationResult =
  | { readonly ok: true; readonly gasUsed: number; readonly fee: bigint; readonly baseFee: bigint; readonly gasPrice: bigint; readonly height: bigint }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly baseFee: bigint; readonly gasPrice: bigint; readonly height: bigint };

/**
 * Throws only when the bytes are not a signed tx (DECODE_*, TX_OVERSIZE, TX_UNKNOWN_TYPE, and
 * PUBLIC_KEY_INVALID for a signer key that decoding refuses); every
 * other refusal — signature, nonce, funds, a contract error — is the simulation's answer.
 */
export async function simulateTx(chain: Chain, verifier: SignatureVerifier, bytes: Uint8Array): Promise<SimulationResult> {
  const stx = decodeSignedTx(bytes);
  const head = chain.head;
  const view = chain.committedView();
  const params = getParams(view);
  const common = { baseFee: requiredFee(params, bytes.length), gasPrice: params.gasPrice, height: head.height };
  const now = BigInt(Date.now());
  try {
    await verifyTxSignature(stx, chain.chainId, verifier);
    const r = applyTx(view, { chainId: chain.chainId, height: head.height + 1n, time: now > head.time ? now : head.time + 1n, proposer: new Uint8Array(20) }, stx, bytes.length, { simulate: true });
    return { ok: true, gasUsed: r.gasUsed, fee: r.fee, ...common };
  } catch (e) {
    if (!(e instanceof DipnetError)) throw e;
    return { ok: false, code: e.code, message: e.message, ...common };
  }
}
