/**
 * Typed access to token records and balances through a StateView. Every token movement goes
 * through `creditToken`/`debitToken`, so a zero balance is never stored and no unit is made or
 * lost outside `issueToken`/`tokenMint`.
 */
import {
  ErrorCode, fail, toHex, TokenKey, decodeTokenRecord, encodeTokenRecord, decodeTokenBalance, encodeTokenBalance,
  type TokenRecord,
} from '@dipnet/protocol';
import type { StateView } from '../state/state-view.ts';

export const getToken = (s: StateView, id: Uint8Array): TokenRecord | undefined => {
  const raw = s.get(TokenKey.token(id));
  return raw ? decodeTokenRecord(raw) : undefined;
};

export function requireToken(s: StateView, id: Uint8Array): TokenRecord {
  const t = getToken(s, id);
  if (!t) fail(ErrorCode.TOKEN_UNKNOWN, `no token ${toHex(id).slice(0, 16)}…`);
  return t;
}

export const putToken = (s: StateView, id: Uint8Array, t: TokenRecord): void => s.set(TokenKey.token(id), encodeTokenRecord(t));

export const getTokenBalance = (s: StateView, token: Uint8Array, holder: Uint8Array): bigint => {
  const raw = s.get(TokenKey.balance(token, holder));
  return raw ? decodeTokenBalance(raw) : 0n;
};

const putTokenBalance = (s: StateView, token: Uint8Array, holder: Uint8Array, amount: bigint): void =>
  s.set(TokenKey.balance(token, holder), amount === 0n ? undefined : encodeTokenBalance(amount));

/** Adds to a holder's balance; cannot overflow, since no balance exceeds the token's supply. */
export function creditToken(s: StateView, token: Uint8Array, holder: Uint8Array, amount: bigint): void {
  if (amount === 0n) return;
  putTokenBalance(s, token, holder, getTokenBalance(s, token, holder) + amount);
}

export function debitToken(s: StateView, token: Uint8Array, holder: Uint8Array, amount: bigint, what: string): void {
  const have = getTokenBalance(s, token, holder);
  if (have < amount) fail(ErrorCode.TOKEN_INSUFFICIENT_FUNDS, `${what}: token balance ${have} is less than ${amount}`, { balance: have.toString() });
  putTokenBalance(s, token, holder, have - amount);
}
