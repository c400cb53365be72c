/**
 * Ed25519 keys, signatures and addresses.
 *
 * Signing uses @noble/curves (portable, constant-time). Verification is pluggable: the node
 * passes node:crypto (OpenSSL), the browser WebCrypto (BoringSSL in Chromium), and
 * `nobleVerifier` is the portable fallback built to give exactly their answers
 * (ed25519-verify.ts) — native verification is ~10x faster on the hot paths (mempool, commits).
 * Which keys the chain accepts at all is public-key-check.ts.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { taggedHash, HashTag } from './hash.ts';
import { toHex, fromHex } from './bytes.ts';
import { ErrorCode, fail } from './errors.ts';
import { verifyCofactorless } from './ed25519-verify.ts';

export const PUBLIC_KEY_LENGTH = 32;
export const SECRET_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;
export const ADDRESS_LENGTH = 20;
export const ADDRESS_PREFIX = 'dpn';

export interface KeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function generateKeyPair(): KeyPair {
  const secretKey = ed25519.utils.randomSecretKey();
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export function keyPairFromSecret(secretKey: Uint8Array): KeyPair {
  if (secretKey.length !== SECRET_KEY_LENGTH) fail(ErrorCode.INVALID_ARGUMENT, 'secret key must be 32 bytes');
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export function sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}

/** Verifies one Ed25519 signature. May be synchronous (node:crypto, noble) or not (WebCrypto). */
export interface SignatureVerifier {
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean | Promise<boolean>;
}

/**
 * Portable verifier on @noble/curves' point arithmetic: OpenSSL's and BoringSSL's rule
 * (cofactorless equation, S < L, R compared as bytes; see ed25519-verify.ts), not noble's own
 * cofactored `verify`, which disagrees with them both ways.
 */
export const nobleVerifier: SignatureVerifier & { verify(p: Uint8Array, m: Uint8Array, s: Uint8Array): boolean } = {
  verify: verifyCofactorless,
};

/** An address is the first 20 bytes of a tagged hash of the Ed25519 public key. */
export function addressOf(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) fail(ErrorCode.INVALID_ARGUMENT, 'public key must be 32 bytes');
  return taggedHash(HashTag.address, publicKey).slice(0, ADDRESS_LENGTH);
}

/** Text form: `dpn` + 40 lowercase hex digits. */
export function formatAddress(address: Uint8Array): string {
  if (address.length !== ADDRESS_LENGTH) fail(ErrorCode.INVALID_ARGUMENT, 'address must be 20 bytes');
  return ADDRESS_PREFIX + toHex(address);
}

export function parseAddress(text: string): Uint8Array {
  if (typeof text !== 'string' || !text.startsWith(ADDRESS_PREFIX) || text.length !== ADDRESS_PREFIX.length + 40 || !/^[0-9a-f]+$/.test(text.slice(3))) {
    fail(ErrorCode.INVALID_ARGUMENT, `not a DIPNET address (dpn + 40 lowercase hex): ${String(text).slice(0, 64)}`);
  }
  return fromHex(text.slice(ADDRESS_PREFIX.length), ADDRESS_LENGTH);
}
