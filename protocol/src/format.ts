/**
 * Display text shared by every UI and log line: short ids, DPN amounts, durations and ages, and
 * the retry backoff. Browser-safe (no Node APIs). Hex itself is `toHex`/`fromHex` in bytes.ts.
 */
import { formatDpn } from './units.ts';

export { formatDpn };

/** `1a2b3c4d…9e8f7a`: enough of a 32-byte hash to recognise, short enough to fit. */
export const shortHex = (h: string): string => (h.length > 16 ? `${h.slice(0, 8)}…${h.slice(-6)}` : h);
/** `dpn1a2b3c…7e8f` */
export const shortAddress = (a: string): string => (a.length > 16 ? `${a.slice(0, 9)}…${a.slice(-4)}` : a);

/**
 * Groups a plain decimal string ("1234.5") for a locale, keeping every digit (Intl formats
 * decimal strings exactly); an unknown locale keeps the plain decimal.
 */
export function groupDecimal(decimal: string, locale?: string, maximumFractionDigits = 20): string {
  try {
    return new Intl.NumberFormat(locale, { maximumFractionDigits }).format(decimal as unknown as number);
  } catch {
    return decimal;
  }
}

/**
 * DPN units as "12.5 DPN" with no float rounding. Plain ("1234.5 DPN") by default; with
 * `grouped`, grouped for `locale` ("1,234.5 DPN").
 */
export function dpnText(units: bigint | string, opts: { grouped?: boolean; locale?: string } = {}): string {
  const dec = formatDpn(typeof units === 'string' ? BigInt(units) : units);
  return `${opts.grouped ? groupDecimal(dec, opts.locale, 9) : dec} DPN`;
}

const DAY_MS = 86_400_000;
const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** A duration in words for messages: "1.5 days", "2 hours", "3 minutes", "1 second". */
export function durationText(ms: number): string {
  return ms >= DAY_MS ? plural(Math.round((ms / DAY_MS) * 10) / 10, 'day')
    : ms >= 3_600_000 ? plural(Math.round(ms / 360_000) / 10, 'hour')
      : ms >= 60_000 ? plural(Math.round(ms / 60_000), 'minute') : plural(Math.round(ms / 1000), 'second');
}

/** A duration in the largest whole unit it is a multiple of: "3 d", "2 h", "5 min", else seconds ("1.5 s"). */
export function shortDuration(ms: bigint | number | string): string {
  const n = Number(ms);
  if (n % DAY_MS === 0 && n > 0) return `${n / DAY_MS} d`;
  if (n % 3_600_000 === 0 && n > 0) return `${n / 3_600_000} h`;
  if (n % 60_000 === 0 && n > 0) return `${n / 60_000} min`;
  return `${(n / 1000).toLocaleString('en-US')} s`;
}

/** Whole seconds since `atMs` (ms since the epoch) by this device's clock; never negative (clocks differ). */
export const secondsSince = (atMs: number | bigint, now = Date.now()): number => Math.max(0, Math.floor((now - Number(atMs)) / 1000));

/** An age in seconds as "12 s ago", "3 min ago", "5 h ago", "2 d ago". */
export function agoText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** A moment relative to `now` (both ms since the epoch): "3 min ago" or "in 4 min". */
export function relativeTime(atMs: number, now = Date.now()): string {
  if (atMs <= now) return agoText(Math.round((now - atMs) / 1000));
  const s = Math.round((atMs - now) / 1000);
  if (s < 60) return `in ${s} s`;
  if (s < 3600) return `in ${Math.floor(s / 60)} min`;
  if (s < 86_400) return `in ${Math.floor(s / 3600)} h`;
  return `in ${Math.floor(s / 86_400)} d`;
}

/** Exponential backoff with ±25% jitter: `initialMs · 2^attempt`, capped at `maxMs`. */
export const backoffMs = (attempt: number, initialMs = 500, maxMs = 30_000, random: () => number = Math.random): number =>
  Math.round(Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30)) * (0.75 + random() * 0.5));
