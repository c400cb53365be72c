/**
 * The wallet: one Ed25519 key held by the light client. Where the platform's WebCrypto has
 * Ed25519, a generated key is a non-extractable CryptoKey (its secret never reaches JavaScript
 * and is persisted in IndexedDB as a key object); an imported secret is kept as bytes and signed
 * with @noble/curves. Signatures are identical either way (Ed25519 is deterministic).
 */
import {
  addressOf, formatAddress, keyPairFromSecret, sign, generateKeyPair, encodeSignedTx, txSignBytes, requiredFee,
  LightError, LightErrorCode, type Params, type Tx, type TxBody,
} from '@dipnet/protocol';
import type { StoredWallet } from '../store/types.ts';

export interface Wallet {
  readonly kind: 'raw' | 'webcrypto';
  readonly publicKey: Uint8Array;
  readonly address: Uint8Array;
  /** `dpn…` text form. */
  readonly addressText: string;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

function fromRaw(secretKey: Uint8Array): Wallet {
  const kp = keyPairFromSecret(secretKey.slice());
  const address = addressOf(kp.publicKey);
  return { kind: 'raw', publicKey: kp.publicKey, address, addressText: formatAddress(address), sign: async (m) => sign(kp.secretKey, m) };
}

function fromCryptoKey(privateKey: CryptoKey, publicKey: Uint8Array): Wallet {
  const subtle = globalThis.crypto.subtle;
  const address = addressOf(publicKey);
  return {
    kind: 'webcrypto', publicKey, address, addressText: formatAddress(address),
    sign: async (m) => new Uint8Array(await subtle.sign({ name: 'Ed25519' }, privateKey, new Uint8Array(m))),
  };
}

export function walletFromStored(w: StoredWallet): Wallet {
  return w.kind === 'raw' ? fromRaw(w.secretKey) : fromCryptoKey(w.privateKey, w.publicKey);
}

export function importWallet(secretKey: Uint8Array): { wallet: Wallet; stored: StoredWallet } {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'a wallet secret key is 32 bytes');
  return { wallet: fromRaw(secretKey), stored: { kind: 'raw', secretKey: secretKey.slice() } };
}

/** A new key: non-extractable WebCrypto where available (unless `extractable`), raw bytes otherwise. */
export async function generateWallet(opts: { extractable?: boolean } = {}): Promise<{ wallet: Wallet; stored: StoredWallet }> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle && !opts.extractable) {
    try {
      const pair = (await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
      const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
      return { wallet: fromCryptoKey(pair.privateKey, publicKey), stored: { kind: 'webcrypto', privateKey: pair.privateKey, publicKey } };
    } catch {
      // No Ed25519 in this WebCrypto: fall back to a raw key.
    }
  }
  const kp = generateKeyPair();
  return { wallet: fromRaw(kp.secretKey), stored: { kind: 'raw', secretKey: kp.secretKey } };
}

/**
 * Signs a tx with the wallet, paying exactly the fee the chain's (proven) params require: the
 * base fee for its size plus, for a contract tx, `gas` × gasPrice (the chain refunds unused gas).
 */
export async function buildSignedTx(wallet: Wallet, chainId: string, nonce: bigint, body: TxBody, params: Params, fee?: bigint, gas = 0n): Promise<{ bytes: Uint8Array; tx: Tx }> {
  const draft: Tx = { chainId, signer: wallet.publicKey, nonce, fee: 0n, body };
  // Fees are u128, fixed width: the encoded size does not depend on the fee's value.
  const size = encodeSignedTx({ tx: draft, signature: new Uint8Array(64) }).length;
  const tx: Tx = { ...draft, fee: fee ?? requiredFee(params, size, gas) };
  const signature = await wallet.sign(txSignBytes(tx));
  return { bytes: encodeSignedTx({ tx, signature }), tx };
}
