/**
 * Authenticated state map: a compact binary sparse Merkle tree over 256-bit key hashes.
 *
 * Shape (Jellyfish-style). The path of a key is the bits of its key hash, most significant bit
 * first, 0 = left. A subtree holding no leaf is the empty hash (ZERO_HASH); a subtree holding
 * exactly one leaf is that leaf itself, placed at the shallowest depth where its path is unique;
 * every internal node therefore has at least two leaves beneath it (one child may still be empty
 * when all of them share the next bit). The shape is a pure function of the key set, so the root
 * does not depend on insertion order and deleting a key restores the exact earlier root.
 *
 *   valueHash    = H(stateValue, value)
 *   leaf hash    = H(stateLeaf, keyHash || valueHash)
 *   internal     = H(stateNode, left || right)          empty child = ZERO_HASH
 *   empty tree   = ZERO_HASH
 *
 * Stored node encodings (keyed by node hash):
 *   leaf     = u8 0 || keyHash[32] || u32 len || value (len <= 64 KiB)
 *   internal = u8 1 || left[32] || right[32]
 *
 * Proof encoding (see `encodeSmtProof`):
 *   u16 depth (<= 256) || bitmap[ceil(depth/8)] || nonEmptySibling[32]* || option(otherLeaf)
 * Bit i of the bitmap (MSB first) is set iff the sibling at depth i (root = 0) is non-empty; only
 * non-empty siblings are written. Padding bits must be zero and a written sibling must not be
 * ZERO_HASH, so every proof has exactly one encoding. otherLeaf = keyHash[32] || valueHash[32].
 */
import { toHex, equalBytes, compareBytes } from './bytes.ts';
import { Writer, type Reader, decodeExact } from './codec.ts';
import { ErrorCode, fail } from './errors.ts';
import { HashTag, ZERO_HASH, HASH_LENGTH, taggedHash } from './hash.ts';

export type Hash = Uint8Array;

/** Root of the empty map. */
export const EMPTY_ROOT: Hash = ZERO_HASH;
/** Largest value a leaf may hold. */
export const SMT_MAX_VALUE_BYTES = 64 * 1024;
/** Deepest possible leaf: two keys differing only in their last bit. */
export const SMT_MAX_DEPTH = 256;

const NODE_LEAF = 0;
const NODE_INTERNAL = 1;

/** The tree path of a raw state key. */
export const stateKeyHash = (rawKey: Uint8Array): Hash => taggedHash(HashTag.stateKey, rawKey);
export const smtValueHash = (value: Uint8Array): Hash => taggedHash(HashTag.stateValue, value);
export const smtLeafHash = (keyHash: Hash, valueHash: Hash): Hash => taggedHash(HashTag.stateLeaf, keyHash, valueHash);
const nodeHash = (left: Hash, right: Hash): Hash => taggedHash(HashTag.stateNode, left, right);

const isZero = (h: Uint8Array): boolean => {
  for (let i = 0; i < h.length; i++) if (h[i] !== 0) return false;
  return true;
};
const bitAt = (key: Uint8Array, depth: number): number => (key[depth >> 3]! >> (7 - (depth & 7))) & 1;

/** Read access to persisted nodes, by node hash. Synchronous (backed by LMDB sync gets or a Map). */
export interface SmtNodeReader {
  getNode(hash: Hash): Uint8Array | undefined;
}

// ---------------------------------------------------------------------------------------------
// Node encoding

type SmtNode =
  | { readonly kind: typeof NODE_LEAF; readonly keyHash: Hash; readonly value: Uint8Array }
  | { readonly kind: typeof NODE_INTERNAL; readonly left: Hash; readonly right: Hash };

/**
 * Collects the nodes an operation creates (hex of node hash -> node bytes). Node bytes are laid out
 * exactly as `Writer` would write them (checked by the tests) but written in place: a bulk build
 * carves them out of shared slabs, which keeps a million-node map cheap for the garbage collector.
 */
class NodeSink {
  readonly nodes = new Map<string, Uint8Array>();
  private slab: Uint8Array | null = null;
  private off = 0;

  /** slabSize 0: one array per node (single updates, whose nodes may be kept individually). */
  constructor(private readonly slabSize = 0) {}

  private alloc(n: number): Uint8Array {
    if (this.slabSize === 0 || n > this.slabSize >> 4) return new Uint8Array(n);
    if (!this.slab || this.off + n > this.slab.length) {
      this.slab = new Uint8Array(this.slabSize);
      this.off = 0;
    }
    const b = this.slab.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }

  /** leaf = u8 0 || keyHash[32] || u32 len || value */
  leaf(keyHash: Hash, value: Uint8Array): Hash {
    const n = value.length;
    const b = this.alloc(37 + n);
    b[0] = NODE_LEAF;
    b.set(keyHash, 1);
    b[33] = n >>> 24;
    b[34] = (n >>> 16) & 0xff;
    b[35] = (n >>> 8) & 0xff;
    b[36] = n & 0xff;
    b.set(value, 37);
    const hash = smtLeafHash(keyHash, smtValueHash(value));
    this.nodes.set(toHex(hash), b);
    return hash;
  }

  /** internal = u8 1 || left[32] || right[32] */
  internal(left: Hash, right: Hash): Hash {
    const b = this.alloc(65);
    b[0] = NODE_INTERNAL;
    b.set(left, 1);
    b.set(right, 33);
    const hash = nodeHash(left, right);
    this.nodes.set(toHex(hash), b);
    return hash;
  }
}

function readNode(r: Reader): SmtNode {
  const tag = r.u8('smt node tag');
  if (tag === NODE_LEAF) {
    const keyHash = r.fixed(HASH_LENGTH, 'smt leaf key');
    const value = r.bytes(SMT_MAX_VALUE_BYTES, 'smt leaf value');
    return { kind: NODE_LEAF, keyHash, value };
  }
  if (tag === NODE_INTERNAL) {
    const left = r.fixed(HASH_LENGTH, 'smt left child');
    const right = r.fixed(HASH_LENGTH, 'smt right child');
    return { kind: NODE_INTERNAL, left, right };
  }
  return fail(ErrorCode.DECODE_UNKNOWN_TAG, `smt node: unknown tag ${tag}`);
}

const decodeNode = (b: Uint8Array): SmtNode => decodeExact(b, readNode, 'smt node');

function checkHash(h: unknown, what: string): asserts h is Hash {
  if (!(h instanceof Uint8Array) || h.length !== HASH_LENGTH) fail(ErrorCode.INVALID_ARGUMENT, `${what}: expected ${HASH_LENGTH} bytes`);
}

function checkValue(v: unknown): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) fail(ErrorCode.INVALID_ARGUMENT, 'smt value: expected bytes');
  if (v.length > SMT_MAX_VALUE_BYTES) fail(ErrorCode.INVALID_ARGUMENT, `smt value: ${v.length} bytes exceed ${SMT_MAX_VALUE_BYTES}`);
}

// ---------------------------------------------------------------------------------------------
// Building subtrees from sorted leaves (shared by update and buildSmt)

interface LeafItem {
  readonly keyHash: Hash;
  readonly value: Uint8Array;
  /** Hash of an already persisted leaf node: reused as is, not re-emitted. */
  readonly hash?: Hash;
}

const Kind = {
  Empty: 0,
  Leaf: 1,
  Internal: 2,
  /** An untouched, non-empty subtree whose node was not loaded. */
  Unknown: 3,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface Sub {
  readonly hash: Hash;
  readonly kind: Kind;
}

const EMPTY_SUB: Sub = { hash: ZERO_HASH, kind: Kind.Empty };

/** First index in [lo, hi) whose key has bit `depth` set; keys sorted and sharing `depth` bits. */
function splitIndex<T extends { readonly keyHash: Hash }>(items: readonly T[], lo: number, hi: number, depth: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bitAt(items[mid]!.keyHash, depth) === 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function buildSorted(items: readonly LeafItem[], lo: number, hi: number, depth: number, out: NodeSink): Sub {
  const n = hi - lo;
  if (n === 0) return EMPTY_SUB;
  if (n === 1) {
    const it = items[lo]!;
    return { hash: it.hash ?? out.leaf(it.keyHash, it.value), kind: Kind.Leaf };
  }
  if (depth >= SMT_MAX_DEPTH) fail(ErrorCode.INVALID_ARGUMENT, 'smt: duplicate key hash');
  const m = splitIndex(items, lo, hi, depth);
  const left = buildSorted(items, lo, m, depth + 1, out);
  const right = buildSorted(items, m, hi, depth + 1, out);
  return { hash: out.internal(left.hash, right.hash), kind: Kind.Internal };
}

const byKey = (a: { readonly keyHash: Hash }, b: { readonly keyHash: Hash }): number => compareBytes(a.keyHash, b.keyHash);

/** Stable sort by key hash (bucketed on the first 16 bits when large), then keep the last entry of each key. */
function sortDedupe<T extends { readonly keyHash: Hash }>(items: T[]): T[] {
  let sorted: T[];
  if (items.length < 4096) {
    sorted = items.sort(byKey);
  } else {
    const start = new Uint32Array(65537);
    for (const it of items) start[((it.keyHash[0]! << 8) | it.keyHash[1]!) + 1]!++;
    for (let i = 1; i <= 65536; i++) start[i]! += start[i - 1]!;
    const pos = start.slice(0, 65536);
    sorted = new Array<T>(items.length);
    for (const it of items) sorted[pos[(it.keyHash[0]! << 8) | it.keyHash[1]!]!++] = it;
    for (let b = 0; b < 65536; b++) {
      const s = start[b]!;
      const e = start[b + 1]!;
      if (e - s < 2) continue;
      if (e - s <= 32) {
        for (let i = s + 1; i < e; i++) {
          const cur = sorted[i]!;
          let j = i - 1;
          while (j >= s && compareBytes(sorted[j]!.keyHash, cur.keyHash) > 0) {
            sorted[j + 1] = sorted[j]!;
            j--;
          }
          sorted[j + 1] = cur;
        }
      } else {
        const part = sorted.slice(s, e).sort(byKey);
        for (let i = 0; i < part.length; i++) sorted[s + i] = part[i]!;
      }
    }
  }
  const out: T[] = [];
  for (const it of sorted) {
    const last = out[out.length - 1];
    if (last && equalBytes(last.keyHash, it.keyHash)) out[out.length - 1] = it;
    else out.push(it);
  }
  return out;
}

/**
 * Builds a tree from many entries at once (each internal node hashed once): same root and nodes as
 * repeated `update` from EMPTY_ROOT. Later duplicates win. The returned node byte arrays are views
 * into shared slabs (copy them, as any store does, rather than keeping `.buffer`).
 */
export function buildSmt(entries: Iterable<readonly [Hash, Uint8Array]>): { root: Hash; nodes: Map<string, Uint8Array> } {
  const items: LeafItem[] = [];
  for (const [keyHash, value] of entries) {
    checkHash(keyHash, 'smt key hash');
    checkValue(value);
    items.push({ keyHash, value });
  }
  const sorted = sortDedupe(items);
  const sink = new NodeSink(256 * 1024);
  const root = buildSorted(sorted, 0, sorted.length, 0, sink);
  return { root: root.hash, nodes: sink.nodes };
}

// ---------------------------------------------------------------------------------------------
// Proofs

export interface SmtProofLeaf {
  readonly keyHash: Hash;
  readonly valueHash: Hash;
}

/**
 * Path from the root down to where `keyHash`'s path ends: `siblings[i]` is the sibling at depth i
 * (ZERO_HASH when empty). The path ends at the key's own leaf (inclusion), at an empty slot
 * (non-inclusion, `otherLeaf` null), or at another key's leaf (non-inclusion, `otherLeaf` set).
 */
export interface SmtProof {
  readonly siblings: readonly Hash[];
  readonly otherLeaf: SmtProofLeaf | null;
}

export function encodeSmtProof(p: SmtProof): Uint8Array {
  const depth = p.siblings.length;
  if (depth > SMT_MAX_DEPTH) throw new RangeError(`smt proof: depth ${depth} exceeds ${SMT_MAX_DEPTH}`);
  const bitmap = new Uint8Array((depth + 7) >> 3);
  let present = 0;
  for (let i = 0; i < depth; i++) {
    const s = p.siblings[i]!;
    if (!(s instanceof Uint8Array) || s.length !== HASH_LENGTH) throw new RangeError(`smt proof: sibling ${i} is not ${HASH_LENGTH} bytes`);
    if (!isZero(s)) {
      bitmap[i >> 3]! |= 0x80 >> (i & 7);
      present++;
    }
  }
  const w = new Writer(2 + bitmap.length + present * HASH_LENGTH + 1 + 2 * HASH_LENGTH);
  w.u16(depth).fixed(bitmap, bitmap.length);
  for (const s of p.siblings) if (!isZero(s)) w.fixed(s, HASH_LENGTH);
  w.optional(p.otherLeaf, (w, l) => w.fixed(l.keyHash, HASH_LENGTH).fixed(l.valueHash, HASH_LENGTH));
  return w.finish();
}

function readSmtProof(r: Reader): SmtProof {
  const depth = r.u16('smt proof depth');
  if (depth > SMT_MAX_DEPTH) fail(ErrorCode.DECODE_OVERSIZE, `smt proof: depth ${depth} exceeds ${SMT_MAX_DEPTH}`);
  const bitmap = r.fixed((depth + 7) >> 3, 'smt proof bitmap');
  if (depth & 7 && (bitmap[bitmap.length - 1]! & (0xff >> (depth & 7))) !== 0) {
    fail(ErrorCode.DECODE_NON_CANONICAL, 'smt proof: bitmap padding bits set');
  }
  const siblings: Hash[] = [];
  for (let i = 0; i < depth; i++) {
    if (bitmap[i >> 3]! & (0x80 >> (i & 7))) {
      const s = r.fixed(HASH_LENGTH, 'smt proof sibling');
      if (isZero(s)) fail(ErrorCode.DECODE_NON_CANONICAL, `smt proof: sibling ${i} marked non-empty is zero`);
      siblings.push(s);
    } else {
      siblings.push(ZERO_HASH);
    }
  }
  const otherLeaf = r.optional(
    (r) => ({ keyHash: r.fixed(HASH_LENGTH, 'smt proof leaf key'), valueHash: r.fixed(HASH_LENGTH, 'smt proof leaf value hash') }),
    'smt proof leaf',
  );
  return { siblings, otherLeaf };
}

/** Strict decoding: rejects short input, trailing bytes, depth > 256 and non-canonical bitmaps. */
export const decodeSmtProof = (b: Uint8Array): SmtProof => decodeExact(b, readSmtProof, 'smt proof');

/**
 * True iff `proof` shows `keyHash` maps to `value` (undefined = absent) in the tree with `root`.
 * Never throws: a malformed proof or argument yields false.
 */
export function verifySmtProof(root: Hash, keyHash: Hash, value: Uint8Array | undefined, proof: SmtProof): boolean {
  try {
    if (!(root instanceof Uint8Array) || root.length !== HASH_LENGTH) return false;
    if (!(keyHash instanceof Uint8Array) || keyHash.length !== HASH_LENGTH) return false;
    if (proof === null || typeof proof !== 'object') return false;
    const { siblings, otherLeaf } = proof;
    if (!Array.isArray(siblings) || siblings.length > SMT_MAX_DEPTH) return false;
    const depth = siblings.length;
    let h: Hash;
    if (value !== undefined) {
      if (!(value instanceof Uint8Array) || value.length > SMT_MAX_VALUE_BYTES) return false;
      if (otherLeaf !== null) return false;
      h = smtLeafHash(keyHash, smtValueHash(value));
    } else if (otherLeaf === null) {
      h = ZERO_HASH;
    } else {
      if (typeof otherLeaf !== 'object') return false;
      const { keyHash: k, valueHash: vh } = otherLeaf;
      if (!(k instanceof Uint8Array) || k.length !== HASH_LENGTH) return false;
      if (!(vh instanceof Uint8Array) || vh.length !== HASH_LENGTH) return false;
      if (equalBytes(k, keyHash)) return false;
      // The other leaf must sit on keyHash's path: same first `depth` bits.
      for (let i = 0; i < depth; i++) if (bitAt(k, i) !== bitAt(keyHash, i)) return false;
      h = smtLeafHash(k, vh);
    }
    for (let i = depth - 1; i >= 0; i--) {
      const s: unknown = siblings[i];
      if (!(s instanceof Uint8Array) || s.length !== HASH_LENGTH) return false;
      h = bitAt(keyHash, i) === 0 ? nodeHash(h, s) : nodeHash(s, h);
    }
    return equalBytes(h, root);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The tree

interface Entry {
  readonly keyHash: Hash;
  readonly value: Uint8Array | undefined;
}

export class SparseMerkleTree {
  constructor(private readonly store: SmtNodeReader) {}

  private load(hash: Hash, pending: Map<string, Uint8Array> | undefined): SmtNode {
    const bytes = (pending?.get(toHex(hash))) ?? this.store.getNode(hash);
    if (!bytes) fail(ErrorCode.NOT_FOUND, `smt: missing node ${toHex(hash)}`);
    return decodeNode(bytes);
  }

  /** Value stored under keyHash in the tree with this root, or undefined. */
  get(root: Hash, keyHash: Hash, pending?: Map<string, Uint8Array>): Uint8Array | undefined {
    checkHash(root, 'smt root');
    checkHash(keyHash, 'smt key hash');
    let h = root;
    for (let depth = 0; ; depth++) {
      if (isZero(h)) return undefined;
      const node = this.load(h, pending);
      if (node.kind === NODE_LEAF) return equalBytes(node.keyHash, keyHash) ? node.value : undefined;
      if (depth >= SMT_MAX_DEPTH) fail(ErrorCode.DECODE_NON_CANONICAL, 'smt: stored path deeper than 256');
      h = bitAt(keyHash, depth) === 0 ? node.left : node.right;
    }
  }

  /** Inclusion proof if keyHash is present under root, non-inclusion proof otherwise. */
  prove(root: Hash, keyHash: Hash, pending?: Map<string, Uint8Array>): SmtProof {
    checkHash(root, 'smt root');
    checkHash(keyHash, 'smt key hash');
    const siblings: Hash[] = [];
    let h = root;
    for (let depth = 0; ; depth++) {
      if (isZero(h)) return { siblings, otherLeaf: null };
      const node = this.load(h, pending);
      if (node.kind === NODE_LEAF) {
        if (equalBytes(node.keyHash, keyHash)) return { siblings, otherLeaf: null };
        return { siblings, otherLeaf: { keyHash: node.keyHash, valueHash: smtValueHash(node.value) } };
      }
      if (depth >= SMT_MAX_DEPTH) fail(ErrorCode.DECODE_NON_CANONICAL, 'smt: stored path deeper than 256');
      if (bitAt(keyHash, depth) === 0) {
        siblings.push(node.right);
        h = node.left;
      } else {
        siblings.push(node.left);
        h = node.right;
      }
    }
  }

  /**
   * Functional batch update: nothing reachable from `root` is changed. `value` undefined deletes;
   * for a repeated key the last entry wins. Returns the new root and the nodes created (hex of
   * node hash -> node bytes); nodes are read from `pending` first, then from the store.
   */
  update(
    root: Hash,
    entries: Iterable<readonly [Hash, Uint8Array | undefined]>,
    pending?: Map<string, Uint8Array>,
  ): { root: Hash; nodes: Map<string, Uint8Array> } {
    checkHash(root, 'smt root');
    const list: Entry[] = [];
    for (const [keyHash, value] of entries) {
      checkHash(keyHash, 'smt key hash');
      if (value !== undefined) checkValue(value);
      list.push({ keyHash, value });
    }
    const sorted = sortDedupe(list);
    const sink = new NodeSink();
    if (sorted.length === 0) return { root, nodes: sink.nodes };
    const res = this.updateSub(root, 0, sorted, 0, sorted.length, pending, sink);
    return { root: res.hash, nodes: sink.nodes };
  }

  private updateSub(
    h: Hash,
    depth: number,
    entries: readonly Entry[],
    lo: number,
    hi: number,
    pending: Map<string, Uint8Array> | undefined,
    out: NodeSink,
  ): Sub {
    if (lo === hi) return isZero(h) ? EMPTY_SUB : { hash: h, kind: Kind.Unknown };
    if (isZero(h)) {
      const leaves: LeafItem[] = [];
      for (let i = lo; i < hi; i++) {
        const e = entries[i]!;
        if (e.value !== undefined) leaves.push({ keyHash: e.keyHash, value: e.value });
      }
      return buildSorted(leaves, 0, leaves.length, depth, out);
    }
    const node = this.load(h, pending);
    if (node.kind === NODE_LEAF) {
      // Merge the existing leaf into the (sorted) entries, entries overriding it.
      const leaves: LeafItem[] = [];
      let placed = false;
      for (let i = lo; i < hi; i++) {
        const e = entries[i]!;
        const c = placed ? 1 : compareBytes(node.keyHash, e.keyHash);
        if (c < 0) {
          leaves.push({ keyHash: node.keyHash, value: node.value, hash: h });
          placed = true;
        } else if (c === 0) {
          placed = true;
        }
        if (e.value !== undefined) leaves.push({ keyHash: e.keyHash, value: e.value });
      }
      if (!placed) leaves.push({ keyHash: node.keyHash, value: node.value, hash: h });
      return buildSorted(leaves, 0, leaves.length, depth, out);
    }
    if (depth >= SMT_MAX_DEPTH) fail(ErrorCode.DECODE_NON_CANONICAL, 'smt: stored path deeper than 256');
    const m = splitIndex(entries, lo, hi, depth);
    const left = this.updateSub(node.left, depth + 1, entries, lo, m, pending, out);
    const right = this.updateSub(node.right, depth + 1, entries, m, hi, pending, out);
    if (equalBytes(left.hash, node.left) && equalBytes(right.hash, node.right)) return { hash: h, kind: Kind.Internal };
    if (left.kind === Kind.Empty || right.kind === Kind.Empty) {
      const other = left.kind === Kind.Empty ? right : left;
      if (other.kind === Kind.Empty) return EMPTY_SUB;
      // A lone leaf moves up to the shallowest depth where its path is unique.
      const kind = other.kind === Kind.Unknown ? (this.load(other.hash, pending).kind === NODE_LEAF ? Kind.Leaf : Kind.Internal) : other.kind;
      if (kind === Kind.Leaf) return { hash: other.hash, kind };
    }
    return { hash: out.internal(left.hash, right.hash), kind: Kind.Internal };
  }
}
