/** Typed access to state records through a StateView. */
import {
  StateKey, EMPTY_ACCOUNT, equalBytes, toHex, encodeAccount, decodeAccount, encodeValidatorRecord, decodeValidatorRecord,
  encodeDelegation, decodeDelegation, decodeParams, encodeParams, decodeValidatorSchedule, encodeValidatorSchedule,
  decodeRoster, encodeRoster, decodeUnbondingQueue, encodeUnbondingQueue,
  GovKey, decodeGovParams, ageSinceAfterInflow, liveTranches,
  type Account, type ValidatorRecord, type Params, type ValidatorSchedule, type Unbonding,
} from '@dipnet/protocol';
import type { StateView } from './state-view.ts';

/**
 * An encoding's decoded account, kept on the encoding itself. A busy block reads the same few
 * records again and again (a sender's account once per tx, in admission and again in execution);
 * state values are never changed in place (a write stores new bytes), so the same bytes object
 * decodes the same. On the object, not in a map: a map of recent encodings kept every
 * intermediate encoding of a block alive past the young generation (14% of what survived it).
 */
const DECODED = Symbol('decoded account');
type AccountEncoding = Uint8Array & { [DECODED]?: Account };

/**
 * Account keys and their hex ids for long-lived address objects (the mempool's cached signer
 * addresses, one object for all of a sender's txs), so a sender's key is not rebuilt, hex-encoded
 * and hashed as a map key for every read and write. Only such objects are registered (a
 * recipient's address is a fresh view per tx: registering those would cost more than it saves),
 * and each hit is checked against the address bytes, so a changed buffer can never alias.
 */
type AccountKey = { readonly key: Uint8Array; readonly id: string };
const accountKeys = new WeakMap<Uint8Array, AccountKey>();

function newAccountKey(addr: Uint8Array): AccountKey {
  const key = StateKey.account(addr);
  return { key, id: toHex(key) };
}

/** Registers an address object that will be used for many txs (see `accountKeys`). */
export function rememberAccountKey(addr: Uint8Array): void {
  accountKeys.set(addr, newAccountKey(addr));
}

function accountKey(addr: Uint8Array): AccountKey {
  const k = accountKeys.get(addr);
  return k && k.key.length === addr.length + 1 && sameTail(k.key, addr) ? k : newAccountKey(addr);
}

/** key[1..] equals addr. */
function sameTail(key: Uint8Array, addr: Uint8Array): boolean {
  for (let i = 0; i < addr.length; i++) if (key[i + 1] !== addr[i]) return false;
  return true;
}

function readAccount(s: StateView, { key, id }: AccountKey): Account {
  const raw: AccountEncoding | undefined = s.getById(key, id);
  if (!raw) return EMPTY_ACCOUNT;
  return (raw[DECODED] ??= decodeAccount(raw));
}

function writeAccount(s: StateView, { key, id }: AccountKey, a: Account): void {
  const raw: AccountEncoding = encodeAccount(a);
  raw[DECODED] = a;
  s.setById(key, id, raw);
}

export const getAccount = (s: StateView, addr: Uint8Array): Account => readAccount(s, accountKey(addr));
export const putAccount = (s: StateView, addr: Uint8Array, a: Account): void => writeAccount(s, accountKey(addr), a);

export const getValidator = (s: StateView, addr: Uint8Array): ValidatorRecord | undefined => {
  const raw = s.get(StateKey.validator(addr));
  return raw ? decodeValidatorRecord(raw) : undefined;
};
export const putValidator = (s: StateView, addr: Uint8Array, v: ValidatorRecord): void => s.set(StateKey.validator(addr), encodeValidatorRecord(v));

export const getShares = (s: StateView, delegator: Uint8Array, validator: Uint8Array): bigint => {
  const raw = s.get(StateKey.delegation(delegator, validator));
  return raw ? decodeDelegation(raw) : 0n;
};
export const putShares = (s: StateView, delegator: Uint8Array, validator: Uint8Array, shares: bigint): void =>
  s.set(StateKey.delegation(delegator, validator), shares === 0n ? undefined : encodeDelegation(shares));

/**
 * A singleton record read by every tx that changes rarely (params): keeps its last decoding, so a
 * read costs a byte comparison instead of a decode.
 */
function cachedRecord<T>(key: Uint8Array, decode: (raw: Uint8Array) => T, what: string): (s: StateView) => T {
  let last: { raw: Uint8Array; value: T } | null = null;
  const id = toHex(key);
  return (s) => {
    const raw = s.getById(key, id);
    if (!raw) throw new Error(`state has no ${what}: genesis was not applied`);
    if (last && (last.raw === raw || equalBytes(last.raw, raw))) return last.value;
    last = { raw, value: decode(raw) };
    return last.value;
  };
}

export const getParams = cachedRecord(StateKey.params(), decodeParams, 'params');
export const putParams = (s: StateView, p: Params): void => s.set(StateKey.params(), encodeParams(p));

export const getGovParams = cachedRecord(GovKey.govParams(), decodeGovParams, 'governance params');

/**
 * Adds `amount` to an account at chain time `now`. The received coins arrive with coin-age zero:
 * the account's weight (balance × capped age) is kept, never raised (see governance/coin-age.ts).
 */
export function creditAccount(s: StateView, addr: Uint8Array, amount: bigint, now: bigint): void {
  if (amount === 0n) return;
  const k = accountKey(addr);
  const a = readAccount(s, k);
  writeAccount(s, k, { ...a, balance: a.balance + amount, ageSince: ageSinceAfterInflow(a, amount, now, getGovParams(s).coinAgeCapMs) });
}

/**
 * The account after `moved` DPN left it (a transfer, a bond, a payment) and `fee` was paid:
 * moving coins resets coin-age, paying only a fee does not. Unlocked tranches are dropped.
 */
export function afterOutflow(a: Account, moved: bigint, fee: bigint, now: bigint): Account {
  return {
    ...a,
    balance: a.balance - moved - fee,
    ageSince: moved > 0n ? now : a.ageSince,
    ...(a.locks.length ? liveLocks(a, now) : {}),
  };
}

/** Drops unlocked tranches; with none left, nothing of the bonded stake is locked either. */
function liveLocks(a: Account, now: bigint): Pick<Account, 'locks' | 'lockBonded'> {
  const locks = liveTranches(a.locks, now);
  return { locks, lockBonded: locks.length ? a.lockBonded : 0n };
}

export function getSchedule(s: StateView): ValidatorSchedule {
  const raw = s.get(StateKey.validatorSchedule());
  if (!raw) throw new Error('state has no validator schedule: genesis was not applied');
  return decodeValidatorSchedule(raw);
}
export const putSchedule = (s: StateView, v: ValidatorSchedule): void => s.set(StateKey.validatorSchedule(), encodeValidatorSchedule(v));

export const getRoster = (s: StateView): Uint8Array[] => {
  const raw = s.get(StateKey.validatorRoster());
  return raw ? decodeRoster(raw) : [];
};
export const putRoster = (s: StateView, r: readonly Uint8Array[]): void => s.set(StateKey.validatorRoster(), encodeRoster(r));

export const getUnbondings = (s: StateView): Unbonding[] => {
  const raw = s.get(StateKey.unbondingQueue());
  return raw ? decodeUnbondingQueue(raw) : [];
};
export const putUnbondings = (s: StateView, q: readonly Unbonding[]): void =>
  s.set(StateKey.unbondingQueue(), q.length ? encodeUnbondingQueue(q) : undefined);
