/**
 * Tokens issued by accounts (a production unit's own fungible token). Balances are state values
 * like DPN accounts, so the light client proves them the same way.
 *
 * | ns   | key                        | value                 |
 * |------|----------------------------|-----------------------|
 * | 0x30 | token id(32)               | TokenRecord           |
 * | 0x31 | token id(32) ‖ holder(20)  | balance (u128)        |
 * | 0x32 | issuer(20) ‖ symbol(utf8)  | token id(32)          |
 *
 * A zero balance is not stored (its key is absent, proven by an absence proof). Tokens held by
 * an order's escrow are not balances: they are `escrowIn - escrowOut` of an order whose
 * `currency` is the token (contracts/records.ts), so balances + escrows = supply.
 */
import { Reader, Writer, decodeExact, encodeWith } from '../codec.ts';
import { ADDRESS_LENGTH } from '../keys.ts';
import { concatBytes, utf8, stateKey, u64be } from '../bytes.ts';
import { taggedHash } from '../hash.ts';
import { ErrorCode, fail } from '../errors.ts';
import { DPN_CURRENCY } from '../tx.ts';
import { TOKEN_NAME_MAX, TOKEN_SYMBOL_MAX } from '../limits.ts';

export const TokenNs = { token: 0x30, balance: 0x31, issuerSymbol: 0x32 } as const;

const key = stateKey;

export const TokenKey = {
  token: (id: Uint8Array) => key(TokenNs.token, id),
  balance: (token: Uint8Array, holder: Uint8Array) => key(TokenNs.balance, token, holder),
  issuerSymbol: (issuer: Uint8Array, symbol: string) => key(TokenNs.issuerSymbol, issuer, utf8(symbol)),
};

/** A token's id: from its issuer and the issuing tx's nonce. */
export const tokenId = (issuer: Uint8Array, nonce: bigint): Uint8Array => taggedHash('dipnet/token/v1', concatBytes(issuer, u64be(nonce)));

/** Whether a product's or order's currency is DPN (32 zero bytes) rather than a token id. */
export const isDpnCurrency = (currency: Uint8Array): boolean => currency.length === DPN_CURRENCY.length && currency.every((b) => b === 0);

/** Supply is a u128 like DPN amounts. */
export const MAX_TOKEN_SUPPLY = (1n << 128n) - 1n;

export interface TokenRecord {
  readonly issuer: Uint8Array;
  readonly symbol: string;
  readonly name: string;
  readonly decimals: number;
  readonly supply: bigint;
  /** Whether the issuer may mint more. */
  readonly mintable: boolean;
  readonly createdAt: bigint;
}
export const writeTokenRecord = (w: Writer, t: TokenRecord): void => {
  w.fixed(t.issuer, ADDRESS_LENGTH).string(t.symbol, TOKEN_SYMBOL_MAX).string(t.name, TOKEN_NAME_MAX).u8(t.decimals).u128(t.supply).bool(t.mintable).u64(t.createdAt);
};
export const readTokenRecord = (r: Reader): TokenRecord => ({
  issuer: r.fixed(ADDRESS_LENGTH, 'issuer'), symbol: r.string(TOKEN_SYMBOL_MAX, 'symbol'), name: r.string(TOKEN_NAME_MAX, 'name'),
  decimals: r.u8('decimals'), supply: r.u128('supply'), mintable: r.bool('mintable'), createdAt: r.u64('createdAt'),
});
export const encodeTokenRecord = (t: TokenRecord): Uint8Array => encodeWith(t, writeTokenRecord, 128);
export const decodeTokenRecord = (b: Uint8Array): TokenRecord => decodeExact(b, readTokenRecord, 'token record');

export const encodeTokenBalance = (amount: bigint): Uint8Array => encodeWith(amount, (w, a) => w.u128(a), 16);
export const decodeTokenBalance = (b: Uint8Array): bigint => decodeExact(b, (r) => r.u128('token balance'), 'token balance');

/** Formats token units with the token's decimals without float rounding: (1500n, 3) → "1.5". */
export function formatTokenAmount(units: bigint, decimals: number): string {
  if (decimals === 0) return units.toString();
  const d = 10n ** BigInt(decimals);
  const frac = (units % d).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${units / d}${frac ? '.' + frac : ''}`;
}

/** Parses "12.5" into token units; rejects more decimals than the token has, signs and exponents. */
export function parseTokenAmount(text: string, decimals: number): bigint {
  const m = /^(\d{1,39})(?:\.(\d+))?$/.exec(text.trim());
  if (!m || (m[2] ?? '').length > decimals) fail(ErrorCode.INVALID_ARGUMENT, `not a token amount (up to ${decimals} decimals): ${text.slice(0, 40)}`);
  const units = BigInt(m[1]!) * 10n ** BigInt(decimals) + BigInt((m[2] ?? '').padEnd(decimals, '0') || '0');
  if (units > MAX_TOKEN_SUPPLY) fail(ErrorCode.INVALID_ARGUMENT, 'token amount exceeds the maximum supply');
  return units;
}
