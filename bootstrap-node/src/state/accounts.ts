/** Typed access to state records through a StateView. */
import {
  StateKey, EMPTY_ACCOUNT, equalBytes, encodeAccount, decodeAccount, encodeValidatorRecord, decodeValidatorRecord,
  encodeDelegation, decodeDelegation, decodeParams, encodeParams, decodeValidatorSchedule, encodeValidatorSchedule,
  decodeRoster, encodeRoster, decodeUnbondingQueue, encodeUnbondingQueue,
  type Account, type ValidatorRecord, type Params, type ValidatorSchedule, type Unbonding,
} from '@dipnet/protocol';
import type { StateView } from './state-view.ts';

export const getAccount = (s: StateView, addr: Uint8Array): Account => {
  const raw = s.get(StateKey.account(addr));
  return raw ? decodeAccount(raw) : EMPTY_ACCOUNT;
};
export const putAccount = (s: StateView, addr: Uint8Array, a: Account): void => s.set(StateKey.account(addr), encodeAccount(a));

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

// Params are read by every tx and change rarely: keep the last decoding.
let lastParams: { raw: Uint8Array; params: Params } | null = null;

export function getParams(s: StateView): Params {
  const raw = s.get(StateKey.params());
  if (!raw) throw new Error('state has no params: genesis was not applied');
  if (lastParams && equalBytes(lastParams.raw, raw)) return lastParams.params;
  const params = decodeParams(raw);
  lastParams = { raw, params };
  return params;
}
export const putParams = (s: StateView, p: Params): void => s.set(StateKey.params(), encodeParams(p));

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
