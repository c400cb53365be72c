/**
 * Values of the template language and their canonical encodings. A product's parameters and a
 * transition's arguments travel in txs as bytes laid out by the template's declarations (in
 * declaration order, no names); order variables carry a type tag so an order record decodes
 * without its template. JSON forms (decimal strings for amounts, `dpn…` addresses, hex ids) are
 * for tools and the explorer.
 */
import { Reader, Writer, decodeExact } from '../codec.ts';
import { ErrorCode, fail } from '../errors.ts';
import { ADDRESS_LENGTH, formatAddress, parseAddress } from '../keys.ts';
import { fromHex, toHex } from '../bytes.ts';
import { MAX_TEXT, type ParamSpec, type ScalarType, type Template } from './template.ts';

export type Value = bigint | boolean | Uint8Array | string | readonly Value[];
export const ID_LENGTH = 32;
export const U128_MAX = (1n << 128n) - 1n;

const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = (1n << 32n) - 1n;

function writeParam(w: Writer, p: ParamSpec, v: Value): void {
  switch (p.type) {
    case 'amount': w.u128(v as bigint); return;
    case 'duration': w.u64(v as bigint); return;
    case 'count': w.u32(Number(v as bigint)); return;
    case 'bool': w.bool(v as boolean); return;
    case 'address': w.fixed(v as Uint8Array, ADDRESS_LENGTH); return;
    case 'product': case 'hash': w.fixed(v as Uint8Array, ID_LENGTH); return;
    case 'text': w.string(v as string, MAX_TEXT); return;
    case 'choice': {
      const i = p.options!.indexOf(v as string);
      if (i < 0) fail(ErrorCode.PARAMS_INVALID, `${p.name}: "${String(v)}" is not one of ${p.options!.join(', ')}`);
      w.u8(i);
      return;
    }
    case 'products': w.array(v as Uint8Array[], p.max!, (w, x) => w.fixed(x, ID_LENGTH)); return;
    case 'addresses': w.array(v as Uint8Array[], p.max!, (w, x) => w.fixed(x, ADDRESS_LENGTH)); return;
    case 'amounts': w.array(v as bigint[], p.max!, (w, x) => w.u128(x)); return;
  }
}

function readParam(r: Reader, p: ParamSpec): Value {
  switch (p.type) {
    case 'amount': return r.u128(p.name);
    case 'duration': return r.u64(p.name);
    case 'count': return BigInt(r.u32(p.name));
    case 'bool': return r.bool(p.name);
    case 'address': return r.fixed(ADDRESS_LENGTH, p.name);
    case 'product': case 'hash': return r.fixed(ID_LENGTH, p.name);
    case 'text': return r.string(MAX_TEXT, p.name);
    case 'choice': {
      const i = r.u8(p.name);
      if (i >= p.options!.length) fail(ErrorCode.DECODE_NON_CANONICAL, `${p.name}: option ${i} does not exist`);
      return p.options![i]!;
    }
    case 'products': return r.array(p.max!, (r) => r.fixed(ID_LENGTH, p.name), p.name);
    case 'addresses': return r.array(p.max!, (r) => r.fixed(ADDRESS_LENGTH, p.name), p.name);
    case 'amounts': return r.array(p.max!, (r) => r.u128(p.name), p.name);
  }
}

/** Canonical bytes of a product's parameters, in the template's declaration order. */
export function encodeProductParams(t: Template, values: ReadonlyMap<string, Value>): Uint8Array {
  const w = new Writer(256);
  for (const p of t.params) {
    const v = values.get(p.name);
    if (v === undefined) fail(ErrorCode.PARAMS_INVALID, `missing parameter "${p.name}"`);
    writeParam(w, p, v);
  }
  return w.finish();
}

/** Decodes parameters strictly; any schema mismatch is PARAMS_INVALID. */
export function decodeProductParams(t: Template, bytes: Uint8Array): Map<string, Value> {
  try {
    return decodeExact(bytes, (r) => new Map(t.params.map((p) => [p.name, readParam(r, p)] as const)), 'params');
  } catch (e) {
    return fail(ErrorCode.PARAMS_INVALID, `parameters do not match template "${t.name}": ${(e as Error).message}`);
  }
}

export function writeScalar(w: Writer, type: ScalarType, v: Value): void {
  switch (type) {
    case 'int': w.u128(v as bigint); return;
    case 'bool': w.bool(v as boolean); return;
    case 'address': w.fixed(v as Uint8Array, ADDRESS_LENGTH); return;
    case 'product': case 'hash': w.fixed(v as Uint8Array, ID_LENGTH); return;
  }
}

export function readScalar(r: Reader, type: ScalarType, what: string): Value {
  switch (type) {
    case 'int': return r.u128(what);
    case 'bool': return r.bool(what);
    case 'address': return r.fixed(ADDRESS_LENGTH, what);
    case 'product': case 'hash': return r.fixed(ID_LENGTH, what);
  }
}

export const SCALAR_TAGS: readonly ScalarType[] = ['int', 'bool', 'address', 'product', 'hash'];

/** A transition's arguments, in declaration order. */
export function encodeArgs(decls: readonly { name: string; type: ScalarType }[], values: ReadonlyMap<string, Value>): Uint8Array {
  const w = new Writer(64);
  for (const d of decls) {
    const v = values.get(d.name);
    if (v === undefined) fail(ErrorCode.PARAMS_INVALID, `missing argument "${d.name}"`);
    writeScalar(w, d.type, v);
  }
  return w.finish();
}

export function decodeArgs(decls: readonly { name: string; type: ScalarType }[], bytes: Uint8Array): Map<string, Value> {
  try {
    return decodeExact(bytes, (r) => new Map(decls.map((d) => [d.name, readScalar(r, d.type, d.name)] as const)), 'args');
  } catch (e) {
    return fail(ErrorCode.PARAMS_INVALID, `arguments do not match: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON forms for tools

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function intFromJson(v: unknown, what: string, max: bigint): bigint {
  let n: bigint;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) n = BigInt(v);
  else if (typeof v === 'string' && /^(0|[1-9][0-9]*)$/.test(v)) n = BigInt(v);
  else return fail(ErrorCode.PARAMS_INVALID, `${what}: expected a non-negative integer (number or decimal string)`);
  if (n > max) fail(ErrorCode.PARAMS_INVALID, `${what}: ${n} is too large`);
  return n;
}
function idFromJson(v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) fail(ErrorCode.PARAMS_INVALID, `${what}: expected 64 lowercase hex digits`);
  return fromHex(v, ID_LENGTH);
}
function addressFromJson(v: unknown, what: string): Uint8Array {
  try {
    return parseAddress(v as string);
  } catch {
    return fail(ErrorCode.PARAMS_INVALID, `${what}: expected a dpn… address`);
  }
}
function listFromJson<T>(v: unknown, what: string, max: number, each: (x: unknown, what: string) => T): T[] {
  if (!Array.isArray(v)) fail(ErrorCode.PARAMS_INVALID, `${what}: expected a list`);
  if (v.length > max) fail(ErrorCode.PARAMS_INVALID, `${what}: at most ${max} entries`);
  return v.map((x, i) => each(x, `${what}[${i}]`));
}

/** Reads parameters from their JSON form (as a studio form or the CLI writes them). */
export function paramsFromJson(t: Template, json: Record<string, unknown>): Map<string, Value> {
  for (const k of Object.keys(json)) if (!t.params.some((p) => p.name === k)) fail(ErrorCode.PARAMS_INVALID, `template "${t.name}" has no parameter "${k}"`);
  const out = new Map<string, Value>();
  for (const p of t.params) {
    const v = json[p.name];
    if (v === undefined) fail(ErrorCode.PARAMS_INVALID, `missing parameter "${p.name}"`);
    out.set(p.name, scalarOrListFromJson(p, v));
  }
  return out;
}

function scalarOrListFromJson(p: ParamSpec, v: unknown): Value {
  switch (p.type) {
    case 'amount': return intFromJson(v, p.name, U128_MAX);
    case 'duration': return intFromJson(v, p.name, U64_MAX);
    case 'count': return intFromJson(v, p.name, U32_MAX);
    case 'bool':
      if (typeof v !== 'boolean') fail(ErrorCode.PARAMS_INVALID, `${p.name}: expected true or false`);
      return v;
    case 'address': return addressFromJson(v, p.name);
    case 'product': case 'hash': return idFromJson(v, p.name);
    case 'text':
      if (typeof v !== 'string' || new TextEncoder().encode(v).length > MAX_TEXT) fail(ErrorCode.PARAMS_INVALID, `${p.name}: expected text of at most ${MAX_TEXT} bytes`);
      return v;
    case 'choice':
      if (typeof v !== 'string' || !p.options!.includes(v)) fail(ErrorCode.PARAMS_INVALID, `${p.name}: expected one of ${p.options!.join(', ')}`);
      return v;
    case 'products': return listFromJson(v, p.name, p.max!, idFromJson);
    case 'addresses': return listFromJson(v, p.name, p.max!, addressFromJson);
    case 'amounts': return listFromJson(v, p.name, p.max!, (x, w) => intFromJson(x, w, U128_MAX));
  }
}

export function scalarFromJson(type: ScalarType, v: unknown, what: string): Value {
  switch (type) {
    case 'int': return intFromJson(v, what, U128_MAX);
    case 'bool':
      if (typeof v !== 'boolean') fail(ErrorCode.PARAMS_INVALID, `${what}: expected true or false`);
      return v;
    case 'address': return addressFromJson(v, what);
    case 'product': case 'hash': return idFromJson(v, what);
  }
}

/** JSON form of a value given its parameter or scalar type. */
export function valueToJson(type: ParamSpec['type'] | ScalarType, v: Value): Json {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof Uint8Array) return type === 'address' ? formatAddress(v) : toHex(v);
  const elem = type === 'addresses' ? 'address' : type === 'amounts' ? 'int' : 'product';
  return (v as Value[]).map((x) => valueToJson(elem, x));
}
