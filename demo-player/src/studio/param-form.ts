/**
 * A template's typed parameter schema as form fields, and the form's text back to the parameters'
 * JSON form (protocol `paramsFromJson`), with a message per field a person can act on. Pure: the
 * studio's product form renders from `fieldKind` and validates with `parseField`/`parseForm`; the
 * chain-backed checks (a named product exists) come after, in the form.
 */
import { parseAddress, parseDpn, formatDpn, type ParamSpec, type Template } from '@dipnet/protocol';

export type FieldKind = 'dpn' | 'duration' | 'count' | 'bool' | 'address' | 'product' | 'products' | 'addresses' | 'amounts' | 'choice' | 'text' | 'hash';

export const MAX_TEXT_BYTES = 256;
const U32_MAX = 0xffff_ffffn;
const U64_MAX = (1n << 64n) - 1n;
const HEX64 = /^[0-9a-f]{64}$/;

export const fieldKind = (p: ParamSpec): FieldKind => (p.type === 'amount' ? 'dpn' : p.type);

/** What a field's placeholder and hint say. */
export function fieldHint(p: ParamSpec): string {
  switch (p.type) {
    case 'amount': return 'DPN, e.g. 12.5';
    case 'duration': return 'e.g. 90s, 10m, 1h, 2d (a bare number is ms)';
    case 'count': return 'a whole number';
    case 'bool': return '';
    case 'address': return 'dpn… address';
    case 'product': return 'product id (64 hex)';
    case 'hash': return '64 hex';
    case 'text': return `text, at most ${MAX_TEXT_BYTES} bytes`;
    case 'choice': return `one of ${(p.options ?? []).join(', ')}`;
    case 'products': return `product ids (64 hex), separated by spaces or commas; at most ${p.max}`;
    case 'addresses': return `dpn… addresses, separated by spaces or commas; at most ${p.max}`;
    case 'amounts': return `DPN amounts, separated by spaces or commas; at most ${p.max}`;
  }
}

const UNITS: Record<string, bigint> = { ms: 1n, s: 1000n, sec: 1000n, m: 60_000n, min: 60_000n, h: 3_600_000n, d: 86_400_000n };

/** "90s", "10 m", "1.5h", "2d", "250" (ms) → milliseconds. */
export function parseDurationMs(text: string): bigint {
  const m = /^(\d+)(?:\.(\d+))?\s*(ms|sec|s|min|m|h|d)?$/i.exec(text.trim());
  if (!m) throw new Error('expected a duration such as 90s, 10m, 1h or 2d');
  const unit = UNITS[(m[3] ?? 'ms').toLowerCase()]!;
  const frac = m[2] ?? '';
  const scale = 10n ** BigInt(frac.length);
  const ms = (BigInt(m[1]!) * scale + BigInt(frac || '0')) * unit;
  if (ms % scale !== 0n) throw new Error('that is not a whole number of milliseconds');
  const v = ms / scale;
  if (v > U64_MAX) throw new Error('too long');
  return v;
}

/** Milliseconds as the shortest exact duration text ("1h", "90s", "250ms"). */
export function formatDurationMs(ms: bigint): string {
  for (const [u, n] of [['d', 86_400_000n], ['h', 3_600_000n], ['m', 60_000n], ['s', 1000n]] as const) if (ms > 0n && ms % n === 0n) return `${ms / n}${u}`;
  return `${ms}ms`;
}

const split = (text: string): string[] => text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);

function dpnUnits(text: string): string {
  const t = text.trim();
  if (!/^\d+(\.\d{1,9})?$/.test(t)) throw new Error('expected an amount of DPN such as 12.5 (at most 9 decimals)');
  return parseDpn(t).toString();
}

function address(text: string): string {
  const t = text.trim();
  try {
    parseAddress(t);
  } catch {
    throw new Error(`"${t.slice(0, 20)}" is not a dpn… address`);
  }
  return t;
}

function id(text: string, what: string): string {
  const t = text.trim();
  if (!HEX64.test(t)) throw new Error(`"${t.length > 20 ? `${t.slice(0, 20)}…` : t}" is not a ${what} (64 lowercase hex)`);
  return t;
}

/** The JSON form of one field's value (`text` is what the input holds; `checked` for bool). */
export function parseField(p: ParamSpec, text: string, checked = false): unknown {
  switch (p.type) {
    case 'amount': return dpnUnits(text);
    case 'duration': return parseDurationMs(text).toString();
    case 'count': {
      if (!/^\d+$/.test(text.trim())) throw new Error('expected a whole number');
      const n = BigInt(text.trim());
      if (n > U32_MAX) throw new Error('too large');
      return n.toString();
    }
    case 'bool': return checked;
    case 'address': return address(text);
    case 'product': return id(text, 'product id');
    case 'hash': return id(text, 'hash');
    case 'text':
      if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES) throw new Error(`at most ${MAX_TEXT_BYTES} bytes`);
      return text;
    case 'choice':
      if (!(p.options ?? []).includes(text)) throw new Error(`choose one of ${(p.options ?? []).join(', ')}`);
      return text;
    case 'products': case 'addresses': case 'amounts': {
      const items = split(text);
      if (items.length > (p.max ?? 64)) throw new Error(`at most ${p.max} entries`);
      return items.map((x) => (p.type === 'products' ? id(x, 'product id') : p.type === 'addresses' ? address(x) : dpnUnits(x)));
    }
  }
}

/** The text a field starts with. */
export function defaultField(p: ParamSpec): { text: string; checked: boolean } {
  switch (p.type) {
    case 'duration': return { text: /confirm/i.test(p.name) ? '1m' : '1h', checked: false };
    case 'count': return { text: '1', checked: false };
    case 'choice': return { text: p.options?.[0] ?? '', checked: false };
    case 'amount': return { text: formatDpn(0n), checked: false };
    default: return { text: '', checked: false };
  }
}

export interface FormResult {
  /** The parameters in JSON form, when every field parsed. */
  readonly params: Record<string, unknown> | null;
  /** Field name → what is wrong. */
  readonly errors: Record<string, string>;
  /** Every product id a field names (for the existence check on chain). */
  readonly products: string[];
}

/** Every field of `t` from `values` (name → text/checked). */
export function parseForm(t: Pick<Template, 'params'>, values: Readonly<Record<string, { text: string; checked: boolean }>>): FormResult {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const products: string[] = [];
  for (const p of t.params) {
    const v = values[p.name] ?? defaultField(p);
    try {
      const j = parseField(p, v.text, v.checked);
      params[p.name] = j;
      if (p.type === 'product') products.push(j as string);
      if (p.type === 'products') products.push(...(j as string[]));
    } catch (e) {
      errors[p.name] = (e as Error).message;
    }
  }
  return { params: Object.keys(errors).length ? null : params, errors, products: [...new Set(products)] };
}
