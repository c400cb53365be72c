/**
 * Transactions. A tx is signed by one Ed25519 key; its account is the key's address. The nonce
 * must equal the account's next nonce (no replays, no gaps), the fee is the most the signer
 * pays, and the body is a tagged union that later rules extend by adding kinds.
 */
import { Reader, Writer, decodeExact } from './codec.ts';
import { taggedHash, HashTag } from './hash.ts';
import { sign, addressOf, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, ADDRESS_LENGTH, type SignatureVerifier } from './keys.ts';
import { signBytes, SignDomain, CHAIN_ID_MAX } from './signing.ts';
import { ErrorCode, fail } from './errors.ts';

export const MAX_TX_BYTES = 16 * 1024;
export const MEMO_MAX = 256;
export const MONIKER_MAX = 64;

/** Tx kinds; numbers are part of the encoding and never reused. */
export const TxKind = {
  transfer: 1,
  registerValidator: 2,
  bond: 3,
  unbond: 4,
} as const;

export type TxBody =
  | { readonly type: 'transfer'; readonly to: Uint8Array; readonly amount: bigint; readonly memo: string }
  /** Makes the signer's key a validator candidate with an initial self-bond. */
  | { readonly type: 'registerValidator'; readonly moniker: string; readonly selfBond: bigint }
  /** Bonds the signer's spendable DPN to a registered validator. */
  | { readonly type: 'bond'; readonly validator: Uint8Array; readonly amount: bigint }
  /** Starts unbonding; the DPN returns after the unbonding period of chain time. */
  | { readonly type: 'unbond'; readonly validator: Uint8Array; readonly amount: bigint };

export interface Tx {
  readonly chainId: string;
  readonly signer: Uint8Array; // Ed25519 public key
  readonly nonce: bigint;
  readonly fee: bigint;
  readonly body: TxBody;
}

export interface SignedTx {
  readonly tx: Tx;
  readonly signature: Uint8Array;
}

function writeBody(w: Writer, b: TxBody): void {
  switch (b.type) {
    case 'transfer':
      w.u16(TxKind.transfer).fixed(b.to, ADDRESS_LENGTH).u128(b.amount).string(b.memo, MEMO_MAX);
      return;
    case 'registerValidator':
      w.u16(TxKind.registerValidator).string(b.moniker, MONIKER_MAX).u128(b.selfBond);
      return;
    case 'bond':
      w.u16(TxKind.bond).fixed(b.validator, ADDRESS_LENGTH).u128(b.amount);
      return;
    case 'unbond':
      w.u16(TxKind.unbond).fixed(b.validator, ADDRESS_LENGTH).u128(b.amount);
      return;
  }
}

function readBody(r: Reader): TxBody {
  const kind = r.u16('tx kind');
  switch (kind) {
    case TxKind.transfer:
      return { type: 'transfer', to: r.fixed(ADDRESS_LENGTH, 'to'), amount: r.u128('amount'), memo: r.string(MEMO_MAX, 'memo') };
    case TxKind.registerValidator:
      return { type: 'registerValidator', moniker: r.string(MONIKER_MAX, 'moniker'), selfBond: r.u128('selfBond') };
    case TxKind.bond:
      return { type: 'bond', validator: r.fixed(ADDRESS_LENGTH, 'validator'), amount: r.u128('amount') };
    case TxKind.unbond:
      return { type: 'unbond', validator: r.fixed(ADDRESS_LENGTH, 'validator'), amount: r.u128('amount') };
    default:
      return fail(ErrorCode.TX_UNKNOWN_TYPE, `unknown tx kind ${kind}`);
  }
}

export function writeTx(w: Writer, tx: Tx): void {
  w.string(tx.chainId, CHAIN_ID_MAX).fixed(tx.signer, PUBLIC_KEY_LENGTH).u64(tx.nonce).u128(tx.fee);
  writeBody(w, tx.body);
}

export function readTx(r: Reader): Tx {
  return {
    chainId: r.string(CHAIN_ID_MAX, 'chainId'),
    signer: r.fixed(PUBLIC_KEY_LENGTH, 'signer'),
    nonce: r.u64('nonce'),
    fee: r.u128('fee'),
    body: readBody(r),
  };
}

export function encodeTx(tx: Tx): Uint8Array {
  const w = new Writer(160);
  writeTx(w, tx);
  return w.finish();
}

export function encodeSignedTx(stx: SignedTx): Uint8Array {
  const w = new Writer(224);
  writeTx(w, stx.tx);
  w.fixed(stx.signature, SIGNATURE_LENGTH);
  return w.finish();
}

export function decodeSignedTx(bytes: Uint8Array): SignedTx {
  if (bytes.length > MAX_TX_BYTES) fail(ErrorCode.TX_OVERSIZE, `tx of ${bytes.length} bytes exceeds ${MAX_TX_BYTES}`);
  return decodeExact(bytes, (r) => ({ tx: readTx(r), signature: r.fixed(SIGNATURE_LENGTH, 'signature') }), 'signed tx');
}

/** The tx id: a hash of the whole signed encoding. */
export const txHash = (signedTxBytes: Uint8Array): Uint8Array => taggedHash(HashTag.tx, signedTxBytes);

export const txSignBytes = (tx: Tx): Uint8Array => signBytes(SignDomain.tx, tx.chainId, encodeTx(tx));

export function signTx(tx: Tx, secretKey: Uint8Array): SignedTx {
  return { tx, signature: sign(secretKey, txSignBytes(tx)) };
}

/** Checks the signature and chain id; state checks (nonce, balance) belong to the state machine. */
export async function verifyTxSignature(stx: SignedTx, chainId: string, verifier: SignatureVerifier): Promise<void> {
  if (stx.tx.chainId !== chainId) fail(ErrorCode.TX_WRONG_CHAIN, `tx is for chain "${stx.tx.chainId}", this is "${chainId}"`);
  if (!(await verifier.verify(stx.tx.signer, txSignBytes(stx.tx), stx.signature))) fail(ErrorCode.TX_BAD_SIGNATURE, 'signature does not verify');
}

export const txSender = (tx: Tx): Uint8Array => addressOf(tx.signer);
