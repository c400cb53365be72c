/** DPN amounts: bigint counts of the smallest unit; 1 DPN = 10^9 units. */
import { ErrorCode, fail } from './errors.ts';
import { DPN_DECIMALS, UNITS_PER_DPN } from './units.ts';

export { DPN_DECIMALS, UNITS_PER_DPN, formatDpn } from './units.ts';
/** 10,000,000,000 DPN, fixed at genesis; no rule creates or destroys DPN. */
export const TOTAL_SUPPLY = 10_000_000_000n * UNITS_PER_DPN;

export const dpn = (whole: bigint | number): bigint => BigInt(whole) * UNITS_PER_DPN;

/** Parses "12.5" DPN into units; rejects more than 9 decimals, signs and exponents. */
export function parseDpn(text: string): bigint {
  const m = /^(\d{1,20})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!m) fail(ErrorCode.INVALID_ARGUMENT, `not a DPN amount (up to 9 decimals): ${text.slice(0, 40)}`);
  return BigInt(m[1]!) * UNITS_PER_DPN + BigInt((m[2] ?? '').padEnd(DPN_DECIMALS, '0'));
}
