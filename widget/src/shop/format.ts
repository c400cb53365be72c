/** Display formatting for verified values. */
import type { Messages } from './messages.ts';

const DECIMALS = 9n;
const UNIT = 10n ** DECIMALS;

/** DPN units → a decimal string with no trailing zeros ("12.5"). Exact: no floating point. */
export function unitsToDecimal(units: bigint): string {
  const whole = units / UNIT;
  const frac = (units % UNIT).toString().padStart(Number(DECIMALS), '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/** "12.5 DPN", grouped for the locale, keeping every digit (Intl formats decimal strings exactly). */
export function formatDpn(units: bigint, locale?: string): string {
  const dec = unitsToDecimal(units);
  let text = dec;
  try {
    text = new Intl.NumberFormat(locale, { maximumFractionDigits: 9 }).format(dec as unknown as number);
  } catch {
    // An unknown locale keeps the plain decimal.
  }
  return `${text} DPN`;
}

/** An amount in a product's currency: DPN, or a producer's token with its own decimals and symbol. */
export function formatAmount(units: bigint, currency: { symbol: string; decimals: number; native: boolean }, locale?: string): string {
  if (currency.native) return formatDpn(units, locale);
  const d = 10n ** BigInt(currency.decimals);
  const frac = currency.decimals ? (units % d).toString().padStart(currency.decimals, '0').replace(/0+$/, '') : '';
  const dec = frac ? `${units / d}.${frac}` : `${units / d}`;
  let text = dec;
  try {
    text = new Intl.NumberFormat(locale, { maximumFractionDigits: 20 }).format(dec as unknown as number);
  } catch {
    // An unknown locale keeps the plain decimal.
  }
  return `${text} ${currency.symbol}`;
}

export function formatDuration(ms: bigint, m: Messages): string {
  const min = Number(ms / 60_000n);
  if (min >= 60 * 24) return m.days(Math.round(min / (60 * 24)));
  if (min >= 60) return m.hours(Math.round(min / 60));
  return m.minutes(Math.max(1, min));
}

/** `dpn1234…cdef`: enough to recognise, short enough to fit. */
export const shortAddress = (a: string): string => (a.length > 16 ? `${a.slice(0, 9)}…${a.slice(-4)}` : a);
export const shortHex = (h: string): string => (h.length > 16 ? `${h.slice(0, 8)}…${h.slice(-6)}` : h);
