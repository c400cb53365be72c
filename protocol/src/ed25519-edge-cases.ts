/**
 * Hand-built Ed25519 vectors for the cases the public suites cover thinly: every small-order key,
 * every non-canonical encoding of one, small-order and mixed-order R, and mixed-order keys. Each
 * is built from a deterministic scalar, and `valid` is the cofactorless answer by construction
 * ([S]B − [k]A encodes to R, k = SHA-512(R ‖ A ‖ M) mod L): what OpenSSL and BoringSSL answer.
 * The cofactored answer ([8]([S]B − [k]A − R) = 0) is true for every one of them, so each
 * `valid: false` vector is one a cofactored verifier accepts and OpenSSL refuses.
 * Test support (Node or browser): not part of the chain's rules.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, fromHex, utf8 } from './bytes.ts';

const Point = ed25519.Point;
type Point = InstanceType<typeof Point>;
const Fn = Point.Fn;

export interface EdgeCaseVector {
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  /** The cofactorless answer (OpenSSL's, BoringSSL's). */
  readonly valid: boolean;
}

const scalarOf = (label: string): bigint => Fn.create(bytesToNumberLE(sha512(utf8(`dipnet/ed25519-edge-case/${label}`))));
const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array): bigint => Fn.create(bytesToNumberLE(sha512(concatBytes(r, a, m))));
const signature = (r: Uint8Array, s: bigint): Uint8Array => concatBytes(r, Fn.toBytes(s));

/** The 8-torsion subgroup, [i]T for a point T of order 8, i = 0…7 (index 0: the identity). */
function torsion(): Point[] {
  const t = Point.fromBytes(fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'));
  if (t.double().double().is0() || !t.double().double().double().is0()) throw new Error('expected a point of order 8');
  const out = [Point.ZERO];
  for (let i = 1; i < 8; i++) out.push(out[i - 1]!.add(t));
  return out;
}

/**
 * A signature with S = 0 under a small-order key, as anyone can make one: [0]B − [k]A = −[k]A is
 * itself a small-order point, so R is whichever of the 8 makes the equation hold for k — found by
 * trying messages until one does (k mod ord(A) decides).
 */
function forgeUnderSmallOrderKey(name: string, keyBytes: Uint8Array, points: readonly Point[]): EdgeCaseVector {
  const a = Point.fromBytes(keyBytes, true);
  for (let n = 0; ; n++) {
    const message = utf8(`${name}, message ${n}`);
    for (const candidate of points) {
      const r = candidate.toBytes();
      if (equalBytes(a.multiplyUnsafe(challenge(r, keyBytes, message)).negate().toBytes(), r)) {
        return { name, publicKey: keyBytes, message, signature: signature(r, 0n), valid: true };
      }
    }
  }
}

/** An ordinary signature whose R has torsion point `t` added (or is `t` alone, with nonce 0). */
function signWithTorsionInR(name: string, secret: bigint, nonce: bigint, t: Point): EdgeCaseVector {
  const publicKey = Point.BASE.multiply(secret).toBytes();
  const message = utf8(name);
  const rPoint = nonce === 0n ? t : Point.BASE.multiply(nonce).add(t);
  const r = rPoint.toBytes();
  const s = Fn.create(nonce + challenge(r, publicKey, message) * secret);
  return { name, publicKey, message, signature: signature(r, s), valid: t.is0() };
}

/**
 * A signature under the mixed-order key A = [a]B + T with an ordinary R = [r]B: [S]B − [k]A =
 * R − [k]T, so it verifies cofactorless iff k ≡ 0 mod 8. Tries messages until k mod 8 is as wanted.
 */
function signUnderMixedOrderKey(name: string, t: Point, kDivisibleBy8: boolean): EdgeCaseVector {
  const secret = scalarOf('mixed-order key');
  const publicKey = Point.BASE.multiply(secret).add(t).toBytes();
  const nonce = scalarOf(`mixed-order key nonce, ${name}`);
  const r = Point.BASE.multiply(nonce).toBytes();
  for (let n = 0; ; n++) {
    const message = utf8(`${name}, message ${n}`);
    const k = challenge(r, publicKey, message);
    if ((k % 8n === 0n) !== kDivisibleBy8) continue;
    return { name, publicKey, message, signature: signature(r, Fn.create(nonce + k * secret)), valid: kDivisibleBy8 };
  }
}

/** Little-endian y with a sign bit, for the non-canonical encodings. */
function encoding(y: bigint, signBit: boolean): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((y >> BigInt(8 * i)) & 0xffn);
  if (signBit) out[31]! |= 0x80;
  return out;
}

let built: readonly EdgeCaseVector[] | undefined;

/** The hand-built vectors (built once; ~0.5 s of portable curve arithmetic). */
export function edgeCaseVectors(): readonly EdgeCaseVector[] {
  if (built) return built;
  const points = torsion();
  const p = Point.Fp.ORDER;
  const out: EdgeCaseVector[] = [];
  // Each of the 8 small-order keys, canonically encoded (index 0 is the identity `01 00…00`,
  // which accepts `identity ‖ 0` for every message).
  points.forEach((pt, i) => out.push(forgeUnderSmallOrderKey(`small-order key [${i}]T`, pt.toBytes(), points)));
  // Non-canonical encodings of small-order points: y ≥ p (y = p ≡ 0, y = p + 1 ≡ 1) with either
  // sign bit, and x = 0 with the sign bit set (the identity, and (0, −1) of order 2).
  for (const [what, y, sign] of [
    ['y = p', p, false], ['y = p, sign bit set', p, true], ['y = p + 1', p + 1n, false], ['y = p + 1, sign bit set', p + 1n, true],
    ['y = 1, sign bit set', 1n, true], ['y = p − 1, sign bit set', p - 1n, true],
  ] as const) {
    out.push(forgeUnderSmallOrderKey(`non-canonical small-order key (${what})`, encoding(y, sign), points));
  }
  const secret = scalarOf('signer');
  // R of small order: the identity verifies cofactorless; the other seven only cofactored.
  points.forEach((t, i) => out.push(signWithTorsionInR(`small-order R = [${i}]T`, secret, 0n, t)));
  // Mixed-order R = [r]B + [i]T, i = 1…7: cofactored only.
  points.slice(1).forEach((t, i) => out.push(signWithTorsionInR(`mixed-order R = [r]B + [${i + 1}]T`, secret, scalarOf(`nonce ${i + 1}`), t)));
  // A mixed-order key (the key rule accepts it: only small-order keys are forgeable).
  out.push(signUnderMixedOrderKey('mixed-order key, k ≢ 0 mod 8', points[1]!, false));
  out.push(signUnderMixedOrderKey('mixed-order key, k ≡ 0 mod 8', points[1]!, true));
  built = out;
  return out;
}
