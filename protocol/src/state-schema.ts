/**
 * The state map's key layout and value encodings. Every key is a one-byte namespace followed by
 * fixed-width ids; the tree path is `stateKeyHash(key)`. Later rules add namespaces here
 * (0x20–0x2f: templates, contracts, orders; 0x30–0x3f: issued tokens; 0x40–0x5f: governance,
 * see contracts/records.ts and governance/records.ts) — never reuse a byte.
 *
 * | ns   | key                                | value            |
 * |------|------------------------------------|------------------|
 * | 0x01 | address(20)                        | Account          |
 * | 0x02 | address(20)                        | ValidatorRecord  |
 * | 0x03 | delegator(20) ‖ validator(20)      | Delegation       |
 * | 0x04 | —                                  | UnbondingQueue   |
 * | 0x05 | —                                  | ValidatorRoster  |
 * | 0x06 | evidence hash(32)                  | height (u64)     |
 * | 0x10 | —                                  | Params           |
 * | 0x11 | —                                  | ValidatorSchedule|
 */
import { Reader, Writer, decodeExact, encodeWith } from './codec.ts';
import { ADDRESS_LENGTH, PUBLIC_KEY_LENGTH } from './keys.ts';
import { stateKey } from './bytes.ts';
import { ErrorCode, fail } from './errors.ts';
import { MONIKER_MAX } from './limits.ts';
import { checkSynchronyParams } from './block-time.ts';
import { readLockTranches, writeLockTranches, type LockTranche } from './governance/coin-age.ts';
import { MAX_VALIDATORS, readValidatorSet, writeValidatorSet, type ValidatorSet } from './validator-set.ts';

export const StateNs = {
  account: 0x01,
  validator: 0x02,
  delegation: 0x03,
  unbondingQueue: 0x04,
  validatorRoster: 0x05,
  processedEvidence: 0x06,
  params: 0x10,
  validatorSchedule: 0x11,
} as const;

const ns = stateKey;

export const StateKey = {
  account: (address: Uint8Array) => ns(StateNs.account, address),
  validator: (address: Uint8Array) => ns(StateNs.validator, address),
  delegation: (delegator: Uint8Array, validator: Uint8Array) => ns(StateNs.delegation, delegator, validator),
  unbondingQueue: () => ns(StateNs.unbondingQueue),
  validatorRoster: () => ns(StateNs.validatorRoster),
  processedEvidence: (hash: Uint8Array) => ns(StateNs.processedEvidence, hash),
  params: () => ns(StateNs.params),
  validatorSchedule: () => ns(StateNs.validatorSchedule),
};

/**
 * A general account. `ageSince` and `locks` carry coin-age and lockups (see
 * governance/coin-age.ts): locked DPN counts in the balance but cannot leave before it unlocks.
 */
export interface Account {
  readonly balance: bigint;
  readonly nonce: bigint;
  readonly ageSince: bigint;
  readonly locks: readonly LockTranche[];
  /** How much of the locked amount is bonded to validators (so it is not also held in the balance). */
  readonly lockBonded: bigint;
}
export const EMPTY_ACCOUNT: Account = { balance: 0n, nonce: 0n, ageSince: 0n, locks: [], lockBonded: 0n };

export const encodeAccount = (a: Account): Uint8Array =>
  encodeWith(a, (w, a) => { w.u128(a.balance).u64(a.nonce).u64(a.ageSince); writeLockTranches(w, a.locks); w.u128(a.lockBonded); }, 64 + 24 * a.locks.length);
export const decodeAccount = (b: Uint8Array): Account =>
  decodeExact(b, (r) => ({ balance: r.u128('balance'), nonce: r.u64('nonce'), ageSince: r.u64('ageSince'), locks: readLockTranches(r), lockBonded: r.u128('lockBonded') }), 'account');

export { spendable } from './governance/coin-age.ts';

export interface ValidatorRecord {
  readonly publicKey: Uint8Array;
  readonly moniker: string;
  /** All DPN bonded to this validator (self and delegated). */
  readonly stake: bigint;
  /** Delegation shares outstanding; a delegation's tokens = shares × stake / shares-total, so a slash reaches every delegator at once. */
  readonly shares: bigint;
  readonly slashed: bigint;
  /** Jailed validators (double signers) leave the set and cannot rejoin. */
  readonly jailed: boolean;
}

export const encodeValidatorRecord = (v: ValidatorRecord): Uint8Array =>
  encodeWith(v, (w, v) => w.fixed(v.publicKey, PUBLIC_KEY_LENGTH).string(v.moniker, MONIKER_MAX).u128(v.stake).u128(v.shares).u128(v.slashed).bool(v.jailed), 128);
export const decodeValidatorRecord = (b: Uint8Array): ValidatorRecord =>
  decodeExact(b, (r) => ({ publicKey: r.fixed(PUBLIC_KEY_LENGTH, 'publicKey'), moniker: r.string(MONIKER_MAX, 'moniker'), stake: r.u128('stake'), shares: r.u128('shares'), slashed: r.u128('slashed'), jailed: r.bool('jailed') }), 'validator record');

/** A delegation is a number of shares of the validator's stake. */
export const encodeDelegation = (amount: bigint): Uint8Array => encodeWith(amount, (w, a) => w.u128(a), 16);
export const decodeDelegation = (b: Uint8Array): bigint => decodeExact(b, (r) => r.u128('delegation'), 'delegation');

/** 16 + 44 bytes each must stay within the state's 64 KiB value limit. */
export const MAX_UNBONDINGS = 1_400;
export interface Unbonding {
  readonly releaseAt: bigint;
  readonly delegator: Uint8Array;
  readonly amount: bigint;
}
/** Pending unbondings, sorted by release time then insertion. */
export const encodeUnbondingQueue = (q: readonly Unbonding[]): Uint8Array =>
  encodeWith(q, (w, q) => w.array(q, MAX_UNBONDINGS, (w, u) => w.u64(u.releaseAt).fixed(u.delegator, ADDRESS_LENGTH).u128(u.amount)), 16 + q.length * 44);
export const decodeUnbondingQueue = (b: Uint8Array): Unbonding[] =>
  decodeExact(b, (r) => r.array(MAX_UNBONDINGS, (r) => ({ releaseAt: r.u64('releaseAt'), delegator: r.fixed(ADDRESS_LENGTH, 'delegator'), amount: r.u128('amount') }), 'unbondings'), 'unbonding queue');

export const MAX_ROSTER = 10_000;
/** Addresses of every registered validator, sorted, for computing the active set. */
export const encodeRoster = (r: readonly Uint8Array[]): Uint8Array => encodeWith(r, (w, r) => w.array(r, MAX_ROSTER, (w, a) => w.fixed(a, ADDRESS_LENGTH)), 8 + r.length * 20);
export const decodeRoster = (b: Uint8Array): Uint8Array[] => decodeExact(b, (r) => r.array(MAX_ROSTER, (r) => r.fixed(ADDRESS_LENGTH, 'address'), 'roster'), 'roster');

/** Chain parameters: state, not constants, so governance can change them. */
export interface Params {
  /** Fee per byte of the signed tx encoding. */
  readonly feePerByte: bigint;
  /** Flat fee per tx. */
  readonly feeBase: bigint;
  /** Price of one unit of gas (contract execution). */
  readonly gasPrice: bigint;
  readonly unbondingPeriodMs: bigint;
  readonly minValidatorStake: bigint;
  readonly maxValidators: number;
  /** Fraction of stake slashed for a double sign, in basis points. */
  readonly slashBps: number;
  /** Paid into the review pool with every template submitted for review. */
  readonly reviewFee: bigint;
  /** Block time bounds (block-time.ts): how far apart honest clocks may be, in ms. */
  readonly timePrecisionMs: number;
  /** Block time bounds: how long a proposal may take to arrive, in ms. */
  readonly messageDelayMs: number;
}

export function writeParams(w: Writer, p: Params): void {
  w.u128(p.feePerByte).u128(p.feeBase).u128(p.gasPrice).u64(p.unbondingPeriodMs).u128(p.minValidatorStake).u16(p.maxValidators).u16(p.slashBps).u128(p.reviewFee)
    .u32(p.timePrecisionMs).u32(p.messageDelayMs);
}
export function readParams(r: Reader): Params {
  const p = { feePerByte: r.u128('feePerByte'), feeBase: r.u128('feeBase'), gasPrice: r.u128('gasPrice'), unbondingPeriodMs: r.u64('unbondingPeriodMs'), minValidatorStake: r.u128('minValidatorStake'), maxValidators: r.u16('maxValidators'), slashBps: r.u16('slashBps'), reviewFee: r.u128('reviewFee'), timePrecisionMs: r.u32('timePrecisionMs'), messageDelayMs: r.u32('messageDelayMs') };
  if (p.maxValidators < 1 || p.maxValidators > MAX_VALIDATORS || p.slashBps > 10_000) fail(ErrorCode.DECODE_NON_CANONICAL, 'params out of range');
  checkSynchronyParams(p);
  return p;
}
export const encodeParams = (p: Params): Uint8Array => encodeWith(p, writeParams, 128);
export const decodeParams = (b: Uint8Array): Params => decodeExact(b, readParams, 'params');

/** Fee a tx of `txBytes` bytes owes (gas is added by rules that meter execution). */
export const requiredFee = (p: Params, txBytes: number, gasUsed = 0n): bigint => p.feeBase + p.feePerByte * BigInt(txBytes) + p.gasPrice * gasUsed;

/**
 * Validator sets by height: `current` signs the next block, `next` the one after. A staking
 * change made in block H takes effect at H + 2, and headers announce it one block ahead.
 */
export interface ValidatorSchedule {
  readonly current: ValidatorSet;
  readonly next: ValidatorSet;
}
export const encodeValidatorSchedule = (s: ValidatorSchedule): Uint8Array => encodeWith(s, (w, s) => { writeValidatorSet(w, s.current); writeValidatorSet(w, s.next); }, 512);
export const decodeValidatorSchedule = (b: Uint8Array): ValidatorSchedule => decodeExact(b, (r) => ({ current: readValidatorSet(r), next: readValidatorSet(r) }), 'validator schedule');

