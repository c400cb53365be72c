/**
 * Validator sets: Ed25519 keys with voting power (whole DPN bonded), sorted by address so a set
 * has one encoding and one hash. Proposers rotate by stake along a Weyl sequence (see
 * `proposerIndex`), which needs no per-height state.
 */
import { Reader, Writer, decodeExact, encodeWith } from './codec.ts';
import { taggedHash, HashTag } from './hash.ts';
import { addressOf, PUBLIC_KEY_LENGTH } from './keys.ts';
import { checkPublicKey } from './public-key-check.ts';
import { compareBytes, equalBytes } from './bytes.ts';
import { ErrorCode, fail } from './errors.ts';

export const MAX_VALIDATORS = 150;

export interface Validator {
  readonly publicKey: Uint8Array;
  readonly power: bigint;
}

export interface ValidatorSet {
  readonly validators: readonly Validator[];
}

export function writeValidatorSet(w: Writer, set: ValidatorSet): void {
  w.array(set.validators, MAX_VALIDATORS, (w, v) => w.fixed(v.publicKey, PUBLIC_KEY_LENGTH).u64(v.power));
}

export function readValidatorSet(r: Reader): ValidatorSet {
  const validators = r.array(MAX_VALIDATORS, (r) => ({ publicKey: r.fixed(PUBLIC_KEY_LENGTH, 'validator key'), power: r.u64('power') }), 'validators');
  checkValidatorSet({ validators }, ErrorCode.DECODE_NON_CANONICAL);
  return { validators };
}

/**
 * A set is canonical when non-empty, sorted strictly by address, and every power is positive;
 * a key that fails the key rule (public-key-check.ts) is PUBLIC_KEY_INVALID whatever `code` is:
 * a small-order validator key would let anyone sign that validator's votes.
 */
export function checkValidatorSet(set: ValidatorSet, code: typeof ErrorCode.DECODE_NON_CANONICAL | typeof ErrorCode.VALIDATOR_SET_MISMATCH = ErrorCode.VALIDATOR_SET_MISMATCH): void {
  if (set.validators.length === 0) fail(code, 'validator set is empty');
  let prev: Uint8Array | null = null;
  for (const [i, v] of set.validators.entries()) {
    if (v.power <= 0n) fail(code, 'validator power must be positive');
    checkPublicKey(v.publicKey, `validator ${i} key`);
    const a = addressOf(v.publicKey);
    if (prev && compareBytes(prev, a) >= 0) fail(code, 'validators must be sorted by address without duplicates');
    prev = a;
  }
}

/** Builds a canonical set from unsorted entries. */
export function makeValidatorSet(validators: readonly Validator[]): ValidatorSet {
  const sorted = [...validators].sort((x, y) => compareBytes(addressOf(x.publicKey), addressOf(y.publicKey)));
  const set = { validators: sorted };
  checkValidatorSet(set);
  return set;
}

export const encodeValidatorSet = (s: ValidatorSet): Uint8Array => encodeWith(s, writeValidatorSet, 64 + 40 * s.validators.length);
export const decodeValidatorSet = (b: Uint8Array): ValidatorSet => decodeExact(b, readValidatorSet, 'validator set');
export const validatorSetHash = (s: ValidatorSet): Uint8Array => taggedHash(HashTag.validatorSet, encodeValidatorSet(s));

export function totalPower(set: ValidatorSet): bigint {
  let t = 0n;
  for (const v of set.validators) t += v.power;
  return t;
}

export function indexOfAddress(set: ValidatorSet, address: Uint8Array): number {
  return set.validators.findIndex((v) => equalBytes(addressOf(v.publicKey), address));
}

// floor(2^64 / golden ratio): a Weyl step that spreads consecutive slots evenly over [0, 1).
const WEYL_STEP = 0x9e3779b97f4a7c15n;
const TWO64 = 1n << 64n;

/**
 * Stake-weighted proposer for (height, round): slot s = height + round is mapped to the point
 * frac(s / phi) in [0, 1), and the validator whose cumulative-power interval holds it proposes.
 * Over any window of slots each validator proposes in proportion to its power (the Weyl sequence
 * has low discrepancy), and successive rounds of one height move to other proposers.
 */
export function proposerIndex(set: ValidatorSet, height: bigint, round: number): number {
  const total = totalPower(set);
  const slot = height + BigInt(round);
  const point = ((slot * WEYL_STEP) % TWO64) * total / TWO64; // in [0, total)
  let acc = 0n;
  for (let i = 0; i < set.validators.length; i++) {
    acc += set.validators[i]!.power;
    if (point < acc) return i;
  }
  return set.validators.length - 1;
}
