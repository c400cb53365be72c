/** Display formatting for verified values: the protocol's format module, plus the shop's localized words. */
import { dpnText, formatDpn as unitsToDecimal, groupDecimal, shortAddress, shortHex } from '@dipnet/protocol/format';
import type { Messages } from './messages.ts';

export { shortAddress, shortHex, unitsToDecimal };

/** "12.5 DPN", grouped for the locale, keeping every digit (Intl formats decimal strings exactly). */
export const formatDpn = (units: bigint, locale?: string): string => dpnText(units, { grouped: true, locale });

/** An amount in a product's currency: DPN, or a producer's token with its own decimals and symbol. */
export function formatAmount(units: bigint, currency: { symbol: string; decimals: number; native: boolean }, locale?: string): string {
  if (currency.native) return formatDpn(units, locale);
  const d = 10n ** BigInt(currency.decimals);
  const frac = currency.decimals ? (units % d).toString().padStart(currency.decimals, '0').replace(/0+$/, '') : '';
  const dec = frac ? `${units / d}.${frac}` : `${units / d}`;
  return `${groupDecimal(dec, locale)} ${currency.symbol}`;
}

export function formatDuration(ms: bigint, m: Messages): string {
  const min = Number(ms / 60_000n);
  if (min >= 60 * 24) return m.days(Math.round(min / (60 * 24)));
  if (min >= 60) return m.hours(Math.round(min / 60));
  return m.minutes(Math.max(1, min));
}

