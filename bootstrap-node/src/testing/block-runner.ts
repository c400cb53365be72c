/**
 * Runs the real state machine (applyTx, endBlock) block by block over an in-memory map, with
 * chain time under the test's control — no consensus, no network. For rules tests that need
 * thousands of txs or hours of chain time; end-to-end tests use real nodes instead.
 */
import {
  decodeSignedTx, encodeSignedTx, signTx, txHash, addressOf, toHex, DipnetError, StateKey, decodeAccount, EMPTY_ACCOUNT,
  type Genesis, type KeyPair, type TxBody, type Account,
} from '@dipnet/protocol';
import { StateView } from '../state/state-view.ts';
import { applyGenesis } from '../state/genesis-state.ts';
import { applyTx, beginBlock, endBlock, type TxOutcome } from '../state/executor.ts';

export interface BlockResult {
  readonly height: bigint;
  readonly time: bigint;
  /** One per tx: the outcome if included, or the error that kept it out. */
  readonly results: readonly (TxOutcome | DipnetError)[];
}

export class BlockRunner {
  private readonly values = new Map<string, Uint8Array>();
  height = 0n;
  time: bigint;
  private readonly nonces = new Map<string, bigint>();
  private readonly fees = new Map<string, bigint>();

  constructor(readonly genesis: Genesis, readonly proposer: Uint8Array = addressOf(genesis.validators[0]!.publicKey)) {
    const view = this.view();
    applyGenesis(view, genesis);
    this.commit(view);
    this.time = genesis.genesisTime;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.values.get(toHex(key));
  }

  account(addr: Uint8Array): Account {
    const raw = this.get(StateKey.account(addr));
    return raw ? decodeAccount(raw) : EMPTY_ACCOUNT;
  }

  /** Every stored key and value (for whole-state invariants). */
  *entries(): IterableIterator<[string, Uint8Array]> {
    yield* this.values.entries();
  }

  private view(): StateView {
    return new StateView((k) => this.values.get(toHex(k)));
  }

  private commit(view: StateView): void {
    for (const { key, value } of view.entries()) {
      if (value === undefined) this.values.delete(toHex(key));
      else this.values.set(toHex(key), value);
    }
  }

  /** Signs a tx with the key's next nonce (tracked here, so several can go in one block). */
  tx(key: KeyPair, body: TxBody, fee: bigint): Uint8Array {
    const addr = toHex(addressOf(key.publicKey));
    const nonce = this.nonces.get(addr) ?? this.account(addressOf(key.publicKey)).nonce;
    this.nonces.set(addr, nonce + 1n);
    return encodeSignedTx(signTx({ chainId: this.genesis.chainId, signer: key.publicKey, nonce, fee, body }, key.secretKey));
  }

  /** Total fees the address paid for its included txs. */
  feesPaid(addr: Uint8Array): bigint {
    return this.fees.get(toHex(addr)) ?? 0n;
  }

  /** The nonce of the last tx `tx()` signed for this key. */
  lastNonce(key: KeyPair): bigint {
    const next = this.nonces.get(toHex(addressOf(key.publicKey)));
    if (next === undefined || next === 0n) throw new Error('no tx signed for this key yet');
    return next - 1n;
  }

  /** Makes one block `advanceMs` after the last, with the txs that are valid to include. */
  block(txs: readonly Uint8Array[], advanceMs = 1000n): BlockResult {
    this.height++;
    this.time += advanceMs;
    const ctx = { chainId: this.genesis.chainId, height: this.height, time: this.time, proposer: this.proposer };
    const view = this.view();
    beginBlock(view, ctx);
    let fees = 0n;
    const results: (TxOutcome | DipnetError)[] = [];
    for (const bytes of txs) {
      let stx: ReturnType<typeof decodeSignedTx> | undefined;
      try {
        stx = decodeSignedTx(bytes);
        const outcome = applyTx(view, ctx, stx, bytes.length, { txId: txHash(bytes) });
        fees += outcome.fee;
        results.push(outcome);
        const payer = toHex(addressOf(decodeSignedTx(bytes).tx.signer));
        this.fees.set(payer, (this.fees.get(payer) ?? 0n) + outcome.fee);
      } catch (e) {
        if (!(e instanceof DipnetError)) throw e;
        results.push(e);
        // A tx left out does not use its nonce.
        if (!stx) continue;
        const addr = toHex(addressOf(stx.tx.signer));
        const next = this.nonces.get(addr);
        if (next !== undefined && next > stx.tx.nonce) this.nonces.set(addr, stx.tx.nonce);
      }
    }
    endBlock(view, ctx, fees);
    this.commit(view);
    return { height: this.height, time: this.time, results };
  }
}
