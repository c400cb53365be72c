/**
 * The DPN unit and its display, with no imports: formatting code (the widget's element bundle)
 * takes this without the protocol's error table.
 */
export const DPN_DECIMALS = 9;
export const UNITS_PER_DPN = 10n ** BigInt(DPN_DECIMALS);

/** Formats units as a decimal DPN string without float rounding: 1500000000n → "1.5". */
export function formatDpn(units: bigint): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const whole = abs / UNITS_PER_DPN;
  const frac = (abs % UNITS_PER_DPN).toString().padStart(DPN_DECIMALS, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
}
