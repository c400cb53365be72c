/**
 * The key rule against curve arithmetic: every key is classified by decoding it with
 * @noble/curves (lenient, as OpenSSL decodes), re-encoding it and clearing its cofactor, and the
 * byte-level rule must name the same fault — over the whole 8-torsion subgroup (found by
 * multiplying points by L, not from the rule's own table), every y ≥ p encoding, both sign bits,
 * mixed-order keys and ordinary ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { equalBytes, toHex, utf8 } from './bytes.ts';
import { isDipnetError, ErrorCode } from './errors.ts';
import { generateKeyPair } from './keys.ts';
import { checkPublicKey, publicKeyFault, type PublicKeyFault } from './public-key-check.ts';

const Point = ed25519.Point;
type Point = InstanceType<typeof Point>;
const L = Point.Fn.ORDER;
const P = Point.Fp.ORDER;

/** A curve point from a label: hash to a y, take the first that decodes. */
function pointFrom(label: string): Point {
  for (let n = 0; ; n++) {
    const b = sha512(utf8(`${label}/${n}`)).slice(0, 32);
    b[31]! &= 0x7f;
    try {
      return Point.fromBytes(b);
    } catch {
      // not a y of the curve: next
    }
  }
}

/** The 8-torsion subgroup from scratch: [L]Q is a torsion point; one of order 8 generates it. */
function torsionSubgroup(): Point[] {
  for (let n = 0; ; n++) {
    const q = pointFrom(`torsion ${n}`);
    const t = q.multiplyUnsafe(L - 1n).add(q);
    if (t.double().double().is0()) continue; // order 4 or less: try another Q
    const out = [Point.ZERO];
    for (let i = 1; i < 8; i++) out.push(out[i - 1]!.add(t));
    return out;
  }
}

function le(y: bigint, signBit: boolean): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = Number((y >> BigInt(8 * i)) & 0xffn);
  if (signBit) b[31]! |= 0x80;
  return b;
}

/** The fault by curve arithmetic (what the byte rule must agree with). */
function faultByArithmetic(key: Uint8Array): PublicKeyFault | undefined {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? key[i]! & 0x7f : key[i]!);
  if (y >= P) return 'non-canonical-y';
  let a: Point;
  try {
    a = Point.fromBytes(key, true);
  } catch {
    return 'not-on-curve';
  }
  if (!equalBytes(a.toBytes(), key)) return 'non-canonical-sign';
  return a.isSmallOrder() ? 'small-order' : undefined;
}

const torsion = torsionSubgroup();
const mixedOrderKeys = torsion.slice(1).map((t, i) => pointFrom(`mixed ${i}`).add(t).toBytes());
const ordinaryKeys = Array.from({ length: 64 }, () => generateKeyPair().publicKey);
const torsionEncodings = torsion.flatMap((t) => { const b = t.toBytes(); const flipped = b.slice(); flipped[31]! ^= 0x80; return [b, flipped]; });
const highY = Array.from({ length: 19 }, (_, i) => [le(P + BigInt(i), false), le(P + BigInt(i), true)]).flat();
/** y < p with no x on the curve (about half of all y). */
const offCurveKeys = Array.from({ length: 64 }, (_, i) => { const b = sha512(utf8(`y ${i}`)).slice(0, 32); b[31]! &= 0x7f; return b; })
  .filter((b) => { try { Point.fromBytes(b); return false; } catch { return true; } });
const candidates = [...torsionEncodings, ...highY, ...mixedOrderKeys, ...ordinaryKeys, ...offCurveKeys, new Uint8Array(32).fill(0xff)];

test('the byte-level rule names the same fault as curve arithmetic on every candidate key', () => {
  assert.ok(offCurveKeys.length >= 16, 'enough off-curve keys');
  for (const key of candidates) {
    const expected = faultByArithmetic(key);
    assert.equal(publicKeyFault(key, { onCurve: true }), expected, `key ${toHex(key)}`);
    // Without the curve check an off-curve key passes; every other verdict is the same.
    assert.equal(publicKeyFault(key), expected === 'not-on-curve' ? undefined : expected, `key ${toHex(key)} without the curve check`);
  }
});

test('each of the 8 small-order points is refused, and the 8 are distinct', () => {
  const canonical = torsion.map((t) => toHex(t.toBytes()));
  assert.equal(new Set(canonical).size, 8);
  for (const t of torsion) assert.equal(publicKeyFault(t.toBytes()), 'small-order', toHex(t.toBytes()));
});

test('mixed-order and ordinary keys are accepted: only small-order keys are forgeable', () => {
  for (const key of [...mixedOrderKeys, ...ordinaryKeys]) assert.equal(publicKeyFault(key, { onCurve: true }), undefined, toHex(key));
});

test('a key of the wrong length is refused', () => {
  assert.equal(publicKeyFault(ordinaryKeys[0]!.slice(1)), 'wrong-length');
});

test('checkPublicKey throws PUBLIC_KEY_INVALID naming what and why', () => {
  const identity = torsion[0]!.toBytes();
  assert.throws(() => checkPublicKey(identity, 'tx signer'), (e) => isDipnetError(e, ErrorCode.PUBLIC_KEY_INVALID)
    && e.message === 'tx signer: small-order point (anyone can forge signatures under it)' && e.details?.['reason'] === 'small-order');
  assert.throws(() => checkPublicKey(le(P, false), 'k'), (e) => isDipnetError(e, ErrorCode.PUBLIC_KEY_INVALID) && /non-canonical encoding \(y ≥ p\)/.test(e.message));
  assert.throws(() => checkPublicKey(le(1n, true), 'k'), (e) => isDipnetError(e, ErrorCode.PUBLIC_KEY_INVALID) && /x = 0 with the sign bit set/.test(e.message));
  const offCurve = offCurveKeys[0]!;
  assert.doesNotThrow(() => checkPublicKey(offCurve, 'k'));
  assert.throws(() => checkPublicKey(offCurve, 'k', { onCurve: true }), (e) => isDipnetError(e, ErrorCode.PUBLIC_KEY_INVALID) && /not a point on the curve/.test(e.message));
  assert.doesNotThrow(() => checkPublicKey(ordinaryKeys[0]!, 'k', { onCurve: true }));
});
