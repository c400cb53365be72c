/**
 * Portable Ed25519 verification that gives exactly the answers of OpenSSL (node:crypto, Node's
 * WebCrypto) and BoringSSL (Chromium's WebCrypto), so a light client without WebCrypto Ed25519
 * accepts the same signatures as the nodes and every other client.
 *
 * RFC 8032 §5.1.7 lets a verifier check the cofactored equation [8][S]B = [8]R + [8][k]A or the
 * cofactorless one [S]B = R + [k]A, and leaves the decoding of edge-case points open; libraries
 * differ on both ("Taming the many EdDSAs", Chalkias, Garillot and Nikolaenko, SSR 2020).
 * @noble/curves' own verify is cofactored and rejects small-order and non-canonical keys, so it
 * disagreed with OpenSSL both ways. This is what OpenSSL's and BoringSSL's ED25519_verify do:
 * - S ≥ L is rejected (no malleable second S);
 * - A is decoded leniently: y is taken mod p (a y ≥ p encoding is accepted) and a set sign bit on
 *   x = 0 is ignored; a y with no x on the curve fails; k = SHA-512(R ‖ A ‖ M) mod L hashes A's
 *   bytes as given;
 * - [S]B − [k]A is encoded and compared byte for byte with R — the cofactorless equation, and R
 *   must be the canonical encoding (R is never decoded).
 * Which keys the chain accepts at all is a separate rule (public-key-check.ts).
 *
 * Decoded keys are memoised: a validator's key is decoded once, not per signature.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { equalBytes, toHex } from './bytes.ts';

const Point = ed25519.Point;
type Point = InstanceType<typeof Point>;
const Fn = Point.Fn;

// keys.ts's lengths, restated: keys.ts builds its verifier from this module.
const PUBLIC_KEY_LENGTH = 32;
const SIGNATURE_LENGTH = 64;
const MAX_DECODED_KEYS = 1024;
/** Decoded keys by hex (null: no curve point), oldest first. */
const decoded = new Map<string, Point | null>();

function decodeKey(publicKey: Uint8Array): Point | null {
  const id = toHex(publicKey);
  let a = decoded.get(id);
  if (a === undefined) {
    try {
      a = Point.fromBytes(publicKey, true); // zip215 decoding: y < 2^255 reduced mod p, x = 0 with any sign
    } catch {
      a = null;
    }
    if (decoded.size >= MAX_DECODED_KEYS) decoded.delete(decoded.keys().next().value!);
    decoded.set(id, a);
  }
  return a;
}

/** True iff `signature` is `publicKey`'s signature of `message` by OpenSSL's and BoringSSL's rules. */
export function verifyCofactorless(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false;
  const s = bytesToNumberLE(signature.subarray(32));
  if (s >= Fn.ORDER) return false;
  const a = decodeKey(publicKey);
  if (!a) return false;
  const r = signature.subarray(0, 32);
  const k = Fn.create(bytesToNumberLE(sha512.create().update(r).update(publicKey).update(message).digest()));
  return equalBytes(Point.BASE.multiplyUnsafe(s).subtract(a.multiplyUnsafe(k)).toBytes(), r);
}
