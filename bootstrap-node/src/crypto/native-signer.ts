/**
 * Ed25519 signing with node:crypto (OpenSSL): a validator signs two votes per height and a
 * proposal per turn, and the portable noble signer costs a millisecond each. Ed25519 signatures
 * are deterministic, so these are the same bytes the protocol's `sign` makes (a test checks).
 */
import { createPrivateKey, sign } from 'node:crypto';

// DER PKCS#8 prefix of an Ed25519 private key (RFC 8410); the 32-byte seed follows.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function nativeSigner(secretKey: Uint8Array): (message: Uint8Array) => Uint8Array {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  return (message) => new Uint8Array(sign(null, message, key));
}
