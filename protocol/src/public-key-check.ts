/**
 * Which Ed25519 public keys the chain accepts: the rule every key must pass where it enters —
 * a tx's signer (decoding), a validator set (decoding and building), a genesis validator, a
 * validator registration, the set in conflict evidence.
 *
 * OpenSSL and BoringSSL (and so node:crypto and WebCrypto) accept signatures under keys that
 * RFC 8032 §5.1.7 decodes but that no one should own:
 * - a small-order point (one of the 8 points of the 8-torsion subgroup): with A of small order,
 *   [S]B − [k]A = R holds for S = 0 and an R among the 8 points chosen to match k mod 8, so
 *   anyone can sign anything under it (the identity key `01 00…00` accepts `identity ‖ 0` for
 *   every message);
 * - a non-canonical encoding (y ≥ p, or x = 0 with the sign bit set): a second spelling of a key,
 *   hence a second address for the same key.
 * Rejecting both where keys enter makes every verifier's answer on chain keys the same; see
 * Chalkias, Garillot and Nikolaenko, "Taming the many EdDSAs" (SSR 2020), cases 0–2 and 10–11.
 *
 * Both checks are byte comparisons (no curve arithmetic), cheaper than a memo lookup, so they run
 * at every decode. Whether the key is a curve point at all takes a field square root (~100 µs in
 * portable code) and matters only for keys that enter state without signing anything (genesis,
 * registration): no verifier accepts any signature under an off-curve key.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { fromHex } from './bytes.ts';
import { ErrorCode, fail } from './errors.ts';
import { PUBLIC_KEY_LENGTH } from './keys.ts';

export type PublicKeyFault = 'wrong-length' | 'non-canonical-y' | 'non-canonical-sign' | 'small-order' | 'not-on-curve';

const FAULT_TEXT: Readonly<Record<PublicKeyFault, string>> = {
  'wrong-length': `not ${PUBLIC_KEY_LENGTH} bytes`,
  'non-canonical-y': 'non-canonical encoding (y ≥ p)',
  'non-canonical-sign': 'non-canonical encoding (x = 0 with the sign bit set)',
  'small-order': 'small-order point (anyone can forge signatures under it)',
  'not-on-curve': 'not a point on the curve',
};

const SIGN_BIT = 0x80;

/**
 * The y coordinates (little-endian, sign bit clear) of the 8 small-order points: 1 (the identity),
 * p − 1 (order 2), 0 (the two points of order 4), and the two y of the four points of order 8.
 * Only y = 1 and y = p − 1 have x = 0, so each other y names two points, one per sign bit.
 */
const Y_ONE = fromHex('0100000000000000000000000000000000000000000000000000000000000000');
const Y_MINUS_ONE = fromHex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
const SMALL_ORDER_Y: readonly Uint8Array[] = [
  Y_ONE,
  Y_MINUS_ONE,
  fromHex('0000000000000000000000000000000000000000000000000000000000000000'),
  fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
  fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'),
];

/** The key's y field (its sign bit ignored) equals `y`. */
function hasY(key: Uint8Array, y: Uint8Array): boolean {
  for (let i = 0; i < PUBLIC_KEY_LENGTH - 1; i++) if (key[i] !== y[i]) return false;
  return (key[PUBLIC_KEY_LENGTH - 1]! & ~SIGN_BIT) === y[PUBLIC_KEY_LENGTH - 1];
}

/** y ≥ p = 2^255 − 19: the field is 0x7fff…ff with a low byte of at least 0xed (19 values). */
function yAtLeastP(key: Uint8Array): boolean {
  if ((key[PUBLIC_KEY_LENGTH - 1]! & ~SIGN_BIT) !== 0x7f || key[0]! < 0xed) return false;
  for (let i = 1; i < PUBLIC_KEY_LENGTH - 1; i++) if (key[i] !== 0xff) return false;
  return true;
}

export interface PublicKeyCheckOptions {
  /** Also require a point on the curve (a field square root; for keys that never signed anything). */
  readonly onCurve?: boolean;
}

/** Why `key` is not an acceptable Ed25519 public key, or undefined if it is. */
export function publicKeyFault(key: Uint8Array, opts: PublicKeyCheckOptions = {}): PublicKeyFault | undefined {
  if (key.length !== PUBLIC_KEY_LENGTH) return 'wrong-length';
  if (yAtLeastP(key)) return 'non-canonical-y';
  const negative = (key[PUBLIC_KEY_LENGTH - 1]! & SIGN_BIT) !== 0;
  if (negative && (hasY(key, Y_ONE) || hasY(key, Y_MINUS_ONE))) return 'non-canonical-sign';
  if (SMALL_ORDER_Y.some((y) => hasY(key, y))) return 'small-order';
  if (opts.onCurve && !isCurvePoint(key)) return 'not-on-curve';
  return undefined;
}

function isCurvePoint(key: Uint8Array): boolean {
  try {
    ed25519.Point.fromBytes(key);
    return true;
  } catch {
    return false;
  }
}

/** Throws PUBLIC_KEY_INVALID naming `what` and the fault (details.reason) unless `key` is acceptable. */
export function checkPublicKey(key: Uint8Array, what: string, opts?: PublicKeyCheckOptions): void {
  const fault = publicKeyFault(key, opts);
  if (fault) fail(ErrorCode.PUBLIC_KEY_INVALID, `${what}: ${FAULT_TEXT[fault]}`, { reason: fault });
}
