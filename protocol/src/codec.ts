/**
 * Canonical binary encoding.
 *
 * Every value has exactly one encoding: integers are fixed-width big-endian, byte strings and
 * arrays carry a u32 length bounded by a per-field maximum, booleans are 0 or 1, strings are
 * UTF-8 that must round-trip and contain no control characters. The reader rejects anything
 * else — short input, trailing bytes, oversize lengths, unknown tags — with a typed error, so
 * a decoded value re-encodes to the very bytes it came from.
 */
import { ErrorCode, fail } from './errors.ts';
import { equalBytes } from './bytes.ts';

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;

/**
 * Scratch buffers that finished writers hand back: most encodings are small and short-lived
 * (an account, a key, a tx), and a fresh buffer and DataView per encoding costs more than
 * writing it. A writer that is dropped unfinished (an encoder threw) just keeps its scratch.
 */
const SCRATCH_BYTES = 1024;
const scratch: { buf: Uint8Array; view: DataView }[] = [];

export class Writer {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;
  private pooled: boolean;

  constructor(initialCapacity = 256) {
    this.pooled = initialCapacity <= SCRATCH_BYTES;
    const s = this.pooled ? scratch.pop() : undefined;
    if (s) {
      this.buf = s.buf;
      this.view = s.view;
    } else {
      this.buf = new Uint8Array(this.pooled ? SCRATCH_BYTES : initialCapacity);
      this.view = new DataView(this.buf.buffer);
    }
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.release();
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Hands the scratch buffer back (it is only ever one writer's at a time). */
  private release(): void {
    if (!this.pooled) return;
    this.pooled = false;
    if (scratch.length < 64) scratch.push({ buf: this.buf, view: this.view });
  }

  u8(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`u8 out of range: ${v}`);
    this.reserve(1);
    this.buf[this.len++] = v;
    return this;
  }

  u16(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`u16 out of range: ${v}`);
    this.reserve(2);
    this.view.setUint16(this.len, v);
    this.len += 2;
    return this;
  }

  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`u32 out of range: ${v}`);
    this.reserve(4);
    this.view.setUint32(this.len, v);
    this.len += 4;
    return this;
  }

  u64(v: bigint): this {
    if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw new RangeError(`u64 out of range: ${v}`);
    this.reserve(8);
    this.view.setBigUint64(this.len, v);
    this.len += 8;
    return this;
  }

  u128(v: bigint): this {
    if (typeof v !== 'bigint' || v < 0n || v > U128_MAX) throw new RangeError(`u128 out of range: ${v}`);
    this.reserve(16);
    // Most amounts fit 64 bits: then no shifted or masked BigInt is made.
    const small = v <= U64_MAX;
    this.view.setBigUint64(this.len, small ? 0n : v >> 64n);
    this.view.setBigUint64(this.len + 8, small ? v : v & U64_MAX);
    this.len += 16;
    return this;
  }

  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }

  /** Exactly `n` raw bytes, no length prefix. */
  fixed(b: Uint8Array, n: number): this {
    if (!(b instanceof Uint8Array) || b.length !== n) throw new RangeError(`expected ${n} bytes, got ${b?.length}`);
    this.reserve(n);
    this.buf.set(b, this.len);
    this.len += n;
    return this;
  }

  /** u32 length then bytes; `max` is the same bound the reader enforces. */
  bytes(b: Uint8Array, max: number): this {
    if (b.length > max) throw new RangeError(`byte string of ${b.length} exceeds ${max}`);
    this.u32(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  string(s: string, maxBytes: number): this {
    assertCleanText(s);
    return this.bytes(textEncoder.encode(s), maxBytes);
  }

  array<T>(items: readonly T[], max: number, each: (w: Writer, item: T) => void): this {
    if (items.length > max) throw new RangeError(`array of ${items.length} exceeds ${max}`);
    this.u32(items.length);
    for (const it of items) each(this, it);
    return this;
  }

  optional<T>(v: T | null | undefined, each: (w: Writer, item: T) => void): this {
    if (v === null || v === undefined) return this.u8(0);
    this.u8(1);
    each(this, v);
    return this;
  }

  /** Returns a copy of the written bytes. */
  /** The encoding (a copy); the writer must not be used after. */
  finish(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.release();
    return out;
  }
}

let lastString: { raw: Uint8Array; value: string } = { raw: new Uint8Array(0), value: '' };

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// C0/C1 controls other than tab/newline have no place in on-chain text (names, URIs, memos).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// Printable ASCII with tab and newline passes both checks (ASCII is always NFC): most on-chain
// text (chain ids, memos, tags) skips the costlier normalisation.
const PLAIN_ASCII = /^[\t\n\u0020-\u007e]*$/;
function assertCleanText(s: string): void {
  if (typeof s !== 'string') throw new TypeError('expected a string');
  if (PLAIN_ASCII.test(s)) return;
  if (CONTROL.test(s)) throw new RangeError('string contains control characters');
  if (s.normalize('NFC') !== s) throw new RangeError('string is not NFC-normalised');
}

export class Reader {
  private off = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get offset(): number {
    return this.off;
  }

  get remaining(): number {
    return this.buf.length - this.off;
  }

  private need(n: number, what: string): void {
    if (this.off + n > this.buf.length) {
      fail(ErrorCode.DECODE_TRUNCATED, `input ends inside ${what} at byte ${this.off}`);
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf[this.off++]!;
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.off);
    this.off += 2;
    return v;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.off);
    this.off += 4;
    return v;
  }

  u64(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.off);
    this.off += 8;
    return v;
  }

  u128(what = 'u128'): bigint {
    this.need(16, what);
    const hi = this.view.getBigUint64(this.off);
    const lo = this.view.getBigUint64(this.off + 8);
    this.off += 16;
    return hi === 0n ? lo : (hi << 64n) | lo;
  }

  bool(what = 'bool'): boolean {
    const v = this.u8(what);
    if (v > 1) fail(ErrorCode.DECODE_NON_CANONICAL, `${what}: boolean byte ${v} is not 0 or 1`);
    return v === 1;
  }

  fixed(n: number, what = 'bytes'): Uint8Array {
    return this.fixedView(n, what).slice();
  }

  /** `fixed`, as a view into the input (see `bytesView`); the input must not change afterwards. */
  fixedView(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }

  bytes(max: number, what = 'bytes'): Uint8Array {
    return this.fixed(this.lengthAtMost(max, what), what);
  }

  /** A u32 length prefix, at most `max`. Its label is only built when the input ends inside it (this runs for every string read). */
  private lengthAtMost(max: number, what: string): number {
    if (this.off + 4 > this.buf.length) this.need(4, `${what} length`);
    const n = this.u32(what);
    if (n > max) fail(ErrorCode.DECODE_OVERSIZE, `${what}: length ${n} exceeds ${max}`);
    return n;
  }

  /**
   * `bytes`, as a view into the input instead of a copy: for a list of records (the txs of a block
   * or a batch) that lives as long as its input anyway, so each record is not a separate allocation.
   * The input must not change afterwards.
   */
  bytesView(max: number, what = 'bytes'): Uint8Array {
    return this.fixedView(this.lengthAtMost(max, what), what);
  }

  string(maxBytes: number, what = 'string'): string {
    const raw = this.bytes(maxBytes, what);
    if (raw.length === 0) return '';
    // Every tx carries its chain id: the last short string read is kept, so a repeat skips the
    // UTF-8 decode and the canonical-form checks (the same bytes passed them before).
    if (raw.length <= 64 && equalBytes(raw, lastString.raw)) return lastString.value;
    const s = this.checkedText(raw, what);
    if (raw.length <= 64) lastString = { raw, value: s };
    return s;
  }

  private checkedText(raw: Uint8Array, what: string): string {
    let s: string;
    try {
      s = textDecoder.decode(raw);
    } catch {
      fail(ErrorCode.DECODE_INVALID_UTF8, `${what}: invalid UTF-8`);
    }
    if (PLAIN_ASCII.test(s)) return s;
    if (CONTROL.test(s)) fail(ErrorCode.DECODE_NON_CANONICAL, `${what}: contains control characters`);
    if (s.normalize('NFC') !== s) fail(ErrorCode.DECODE_NON_CANONICAL, `${what}: not NFC-normalised`);
    return s;
  }

  array<T>(max: number, each: (r: Reader) => T, what = 'array'): T[] {
    if (this.off + 4 > this.buf.length) this.need(4, `${what} length`);
    const n = this.u32(what);
    if (n > max) fail(ErrorCode.DECODE_OVERSIZE, `${what}: ${n} items exceed ${max}`);
    // Each item takes at least one byte; reject impossible counts before allocating.
    if (n > this.remaining) fail(ErrorCode.DECODE_TRUNCATED, `${what}: ${n} items cannot fit in ${this.remaining} bytes`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(each(this));
    return out;
  }

  optional<T>(each: (r: Reader) => T, what = 'optional'): T | null {
    if (this.off + 1 > this.buf.length) this.need(1, `${what} tag`);
    const tag = this.u8(what);
    if (tag === 0) return null;
    if (tag !== 1) fail(ErrorCode.DECODE_NON_CANONICAL, `${what}: option tag ${tag} is not 0 or 1`);
    return each(this);
  }

  /** Rejects trailing bytes: a value must consume its whole encoding. */
  end(what = 'value'): void {
    if (this.off !== this.buf.length) {
      fail(ErrorCode.DECODE_TRAILING_BYTES, `${what}: ${this.buf.length - this.off} trailing bytes`);
    }
  }
}

/** Decodes `bytes` with `read`, requiring the whole input to be consumed. */
export function decodeExact<T>(bytes: Uint8Array, read: (r: Reader) => T, what: string): T {
  if (!(bytes instanceof Uint8Array)) fail(ErrorCode.INVALID_ARGUMENT, `${what}: expected bytes`);
  const r = new Reader(bytes);
  const v = read(r);
  r.end(what);
  return v;
}

export function encodeWith<T>(value: T, write: (w: Writer, v: T) => void, sizeHint = 256): Uint8Array {
  const w = new Writer(sizeHint);
  write(w, value);
  return w.finish();
}
