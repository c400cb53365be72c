import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_ROOT,
  SMT_MAX_VALUE_BYTES,
  SparseMerkleTree,
  buildSmt,
  decodeSmtProof,
  encodeSmtProof,
  smtLeafHash,
  smtValueHash,
  stateKeyHash,
  verifySmtProof,
  type Hash,
  type SmtNodeReader,
  type SmtProof,
} from './smt.ts';
import { HashTag, ZERO_HASH, taggedHash } from './hash.ts';
import { equalBytes, fromHex, toHex, utf8 } from './bytes.ts';
import { ErrorCode, isDipnetError } from './errors.ts';
import { Writer } from './codec.ts';

// Deterministic PRNG (xorshift32) so failures reproduce.
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return {
    int: (n: number) => next() % n,
    bytes: (n: number) => {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = next() & 0xff;
      return b;
    },
  };
}

class MapStore implements SmtNodeReader {
  readonly m = new Map<string, Uint8Array>();
  getNode(hash: Hash) {
    return this.m.get(toHex(hash));
  }
  put(nodes: Map<string, Uint8Array>) {
    for (const [k, v] of nodes) this.m.set(k, v);
  }
}

function shuffle<T>(a: T[], r: ReturnType<typeof rng>): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Key hash with the given leading bits (string of '0'/'1'), the rest random. */
function keyWithPrefix(bits: string, r: ReturnType<typeof rng>): Hash {
  const k = r.bytes(32);
  for (let i = 0; i < bits.length; i++) {
    const mask = 0x80 >> (i & 7);
    if (bits[i] === '1') k[i >> 3]! |= mask;
    else k[i >> 3]! &= ~mask;
  }
  return k;
}

const leafOf = (k: Hash, v: Uint8Array) => smtLeafHash(k, smtValueHash(v));
const node = (l: Hash, r: Hash) => taggedHash(HashTag.stateNode, l, r);

function randomEntries(n: number, seed: number): [Hash, Uint8Array][] {
  const r = rng(seed);
  const out: [Hash, Uint8Array][] = [];
  for (let i = 0; i < n; i++) out.push([r.bytes(32), r.bytes(1 + r.int(60))]);
  return out;
}

function expectCode(fn: () => unknown, code: ErrorCode) {
  assert.throws(fn, (e: unknown) => isDipnetError(e, code));
}

test('stateKeyHash and hash shapes follow the spec', () => {
  assert.deepEqual(stateKeyHash(utf8('acct/x')), taggedHash(HashTag.stateKey, utf8('acct/x')));
  assert.deepEqual(EMPTY_ROOT, ZERO_HASH);
  assert.deepEqual(buildSmt([]).root, EMPTY_ROOT);
  const r = rng(1);
  // One key: the root is the leaf itself.
  const k = r.bytes(32);
  const v = utf8('hello');
  assert.deepEqual(buildSmt([[k, v]]).root, leafOf(k, v));
  assert.deepEqual(leafOf(k, v), taggedHash(HashTag.stateLeaf, k, taggedHash(HashTag.stateValue, v)));
  // Two keys split at the first bit.
  const a = keyWithPrefix('0', r);
  const b = keyWithPrefix('1', r);
  assert.deepEqual(buildSmt([[b, v], [a, v]]).root, node(leafOf(a, v), leafOf(b, v)));
  // Two keys sharing the prefix 101, split at bit 3; a third key under 0.
  const c = keyWithPrefix('1010', r);
  const d = keyWithPrefix('1011', r);
  const e = keyWithPrefix('0', r);
  // depth 1: bit 0 -> left; depth 2: bit 1 -> right; depth 3 splits c | d
  const expected = node(leafOf(e, v), node(node(ZERO_HASH, node(leafOf(c, v), leafOf(d, v))), ZERO_HASH));
  assert.deepEqual(buildSmt([[c, v], [d, v], [e, v]]).root, expected);
});

test('stored node bytes use the canonical codec layout', () => {
  const r = rng(77);
  const k1 = keyWithPrefix('0', r);
  const k2 = keyWithPrefix('1', r);
  const v1 = r.bytes(40);
  const v2 = new Uint8Array(0);
  for (const nodes of [buildSmt([[k1, v1], [k2, v2]]).nodes, new SparseMerkleTree(new MapStore()).update(EMPTY_ROOT, [[k2, v2], [k1, v1]]).nodes]) {
    assert.equal(nodes.size, 3);
    const l1 = leafOf(k1, v1);
    const l2 = leafOf(k2, v2);
    assert.deepEqual(nodes.get(toHex(l1)), new Writer().u8(0).fixed(k1, 32).bytes(v1, SMT_MAX_VALUE_BYTES).finish());
    assert.deepEqual(nodes.get(toHex(l2)), new Writer().u8(0).fixed(k2, 32).bytes(v2, SMT_MAX_VALUE_BYTES).finish());
    assert.deepEqual(nodes.get(toHex(node(l1, l2))), new Writer().u8(1).fixed(l1, 32).fixed(l2, 32).finish());
  }
  // a corrupt stored node is rejected by the strict decoder
  const store = new MapStore();
  const built = buildSmt([[k1, v1], [k2, v2]]);
  store.put(built.nodes);
  const leaf = store.m.get(toHex(leafOf(k1, v1)))!;
  store.m.set(toHex(leafOf(k1, v1)), new Uint8Array([...leaf, 0]));
  expectCode(() => new SparseMerkleTree(store).get(built.root, k1), ErrorCode.DECODE_TRAILING_BYTES);
});

test('root is independent of insertion order and matches buildSmt', () => {
  const entries = randomEntries(400, 7);
  const built = buildSmt(entries);
  const r = rng(99);
  for (let round = 0; round < 3; round++) {
    const store = new MapStore();
    const tree = new SparseMerkleTree(store);
    let root = EMPTY_ROOT;
    const order = shuffle(entries.slice(), r);
    if (round === 0) {
      for (const e of order) {
        const u = tree.update(root, [e]);
        store.put(u.nodes);
        root = u.root;
      }
    } else {
      // batches of random size
      for (let i = 0; i < order.length; ) {
        const n = 1 + r.int(round === 1 ? 10 : 150);
        const u = tree.update(root, order.slice(i, i + n));
        store.put(u.nodes);
        root = u.root;
        i += n;
      }
    }
    assert.deepEqual(root, built.root);
    for (const [k, v] of entries) assert.deepEqual(tree.get(root, k), v);
  }
  // a single batch update from empty equals buildSmt, and the same node set
  const store = new MapStore();
  const tree = new SparseMerkleTree(store);
  const u = tree.update(EMPTY_ROOT, entries);
  assert.deepEqual(u.root, built.root);
  assert.deepEqual(new Set(u.nodes.keys()), new Set(built.nodes.keys()));
  // later duplicates win
  store.put(built.nodes);
  const [k0] = entries[0]!;
  assert.deepEqual(buildSmt([...entries, [k0, utf8('last')]]).root, tree.update(built.root, [[k0, utf8('last')]]).root);
});

test('bulk build of a large, skewed batch with duplicates matches chunked updates', () => {
  const r = rng(55);
  const entries = randomEntries(5000, 56);
  // 100 keys in one 16-bit bucket, 20 of them sharing 30 bits
  for (let i = 0; i < 100; i++) entries.push([keyWithPrefix(i < 20 ? '1011'.repeat(7) + '01' : '1011'.repeat(4), r), r.bytes(8)]);
  // duplicates: later ones win
  for (let i = 0; i < 300; i++) entries.push([entries[r.int(entries.length)]![0].slice(), r.bytes(8)]);
  const built = buildSmt(entries);
  const store = new MapStore();
  const tree = new SparseMerkleTree(store);
  let root = EMPTY_ROOT;
  for (let i = 0; i < entries.length; i += 700) {
    const u = tree.update(root, entries.slice(i, i + 700));
    store.put(u.nodes);
    root = u.root;
  }
  assert.deepEqual(root, built.root);
  const latest = new Map(entries.map(([k, v]) => [toHex(k), v]));
  for (const [k, v] of latest) assert.deepEqual(tree.get(root, fromHex(k)), v);
});

test('tree is compact: depth ~ log2(n), deletes re-compact to the earlier root', () => {
  const entries = randomEntries(2048, 3);
  const built = buildSmt(entries);
  const store = new MapStore();
  store.put(built.nodes);
  const tree = new SparseMerkleTree(store);
  let maxDepth = 0;
  let total = 0;
  for (const [k] of entries) {
    const p = tree.prove(built.root, k);
    maxDepth = Math.max(maxDepth, p.siblings.length);
    total += p.siblings.length;
  }
  assert.ok(total / entries.length < 14, `mean depth ${total / entries.length}`);
  assert.ok(maxDepth < 30, `max depth ${maxDepth}`);
  // n leaves + (n - 1) branching nodes + ~0.44n one-child nodes on shared prefixes
  assert.ok(built.nodes.size < 2.7 * entries.length, `node count ${built.nodes.size}`);

  // Two keys sharing 40 bits: delete one, the other must move back up.
  const r = rng(5);
  const deep1 = keyWithPrefix('1'.repeat(40) + '0', r);
  const deep2 = keyWithPrefix('1'.repeat(40) + '1', r);
  const u1 = tree.update(built.root, [[deep1, utf8('a')]]);
  store.put(u1.nodes);
  const u2 = tree.update(u1.root, [[deep2, utf8('b')]]);
  store.put(u2.nodes);
  assert.ok(tree.prove(u2.root, deep2).siblings.length === 41);
  const u3 = tree.update(u2.root, [[deep2, undefined]]);
  store.put(u3.nodes);
  assert.deepEqual(u3.root, u1.root);
  const u4 = tree.update(u3.root, [[deep1, undefined]]);
  assert.deepEqual(u4.root, built.root);
  // deleting both in one batch also works
  assert.deepEqual(tree.update(u2.root, [[deep1, undefined], [deep2, undefined]]).root, built.root);
  // delete all keys -> empty root
  assert.deepEqual(tree.update(built.root, entries.map(([k]) => [k, undefined] as const)).root, EMPTY_ROOT);
  // deleting an absent key is a no-op that creates nothing
  const noop = tree.update(built.root, [[r.bytes(32), undefined]]);
  assert.deepEqual(noop.root, built.root);
  assert.equal(noop.nodes.size, 0);
});

test('updates are functional: old roots still answer, overlay of pending nodes works', () => {
  const entries = randomEntries(200, 11);
  const built = buildSmt(entries);
  const store = new MapStore();
  store.put(built.nodes);
  const tree = new SparseMerkleTree(store);
  const [k0, v0] = entries[0]!;
  const [k1, v1] = entries[1]!;
  const fresh = rng(12).bytes(32);
  // two uncommitted blocks chained through a pending overlay
  const pending = new Map<string, Uint8Array>();
  const a = tree.update(built.root, [[k0, utf8('new0')], [fresh, utf8('fresh')]], pending);
  for (const [h, b] of a.nodes) pending.set(h, b);
  const b = tree.update(a.root, [[k1, undefined]], pending);
  for (const [h, n] of b.nodes) pending.set(h, n);
  // without the overlay the new root cannot be read
  expectCode(() => tree.get(b.root, k0), ErrorCode.NOT_FOUND);
  assert.deepEqual(tree.get(b.root, k0, pending), utf8('new0'));
  assert.deepEqual(tree.get(b.root, fresh, pending), utf8('fresh'));
  assert.equal(tree.get(b.root, k1, pending), undefined);
  assert.deepEqual(tree.get(a.root, k1, pending), v1);
  const p = tree.prove(b.root, k1, pending);
  assert.ok(verifySmtProof(b.root, k1, undefined, p));
  // old root unchanged
  assert.deepEqual(tree.get(built.root, k0), v0);
  assert.deepEqual(tree.get(built.root, k1), v1);
  assert.equal(tree.get(built.root, fresh), undefined);
  // commit, then no overlay needed
  store.put(pending);
  assert.deepEqual(tree.get(b.root, k0), utf8('new0'));
  assert.deepEqual(b.root, buildSmt([...entries.filter(([k]) => k !== k1), [k0, utf8('new0')], [fresh, utf8('fresh')]]).root);
});

test('inclusion and non-inclusion proofs verify and reject forgeries', () => {
  const r = rng(21);
  const v = utf8('value');
  // Keys laid out so both non-inclusion cases occur.
  const present = [keyWithPrefix('00', r), keyWithPrefix('010', r), keyWithPrefix('011', r), keyWithPrefix('1100', r), keyWithPrefix('1101', r)];
  const entries = present.map((k, i) => [k, utf8(`v${i}`)] as [Hash, Uint8Array]);
  const built = buildSmt(entries);
  const store = new MapStore();
  store.put(built.nodes);
  const tree = new SparseMerkleTree(store);
  const root = built.root;

  for (const [k, val] of entries) {
    const p = tree.prove(root, k);
    assert.equal(p.otherLeaf, null);
    assert.ok(verifySmtProof(root, k, val, p));
    assert.ok(!verifySmtProof(root, k, v, p), 'wrong value');
    assert.ok(!verifySmtProof(root, k, undefined, p), 'present key claimed absent');
    assert.ok(!verifySmtProof(r.bytes(32), k, val, p), 'wrong root');
    for (const [k2] of entries) if (k2 !== k) assert.ok(!verifySmtProof(root, k2, val, p), 'wrong key');
    for (let i = 0; i < p.siblings.length; i++) {
      const sib = p.siblings.map((s) => s.slice());
      sib[i]![31]! ^= 1;
      assert.ok(!verifySmtProof(root, k, val, { ...p, siblings: sib }), 'tampered sibling');
    }
    assert.ok(!verifySmtProof(root, k, val, { ...p, siblings: p.siblings.slice(1) }), 'dropped sibling');
    assert.ok(!verifySmtProof(root, k, val, { ...p, siblings: [...p.siblings, ZERO_HASH] }), 'extra sibling');
  }

  // absent key under '10': empty slot
  const absentEmpty = keyWithPrefix('10', r);
  const pe = tree.prove(root, absentEmpty);
  assert.equal(pe.otherLeaf, null);
  assert.equal(pe.siblings.length, 2);
  assert.ok(verifySmtProof(root, absentEmpty, undefined, pe));
  assert.ok(!verifySmtProof(root, absentEmpty, v, pe));
  assert.ok(!verifySmtProof(root, present[0]!, undefined, pe));

  // absent key under '00' (occupied by present[0]): other-leaf proof
  const absentLeaf = keyWithPrefix('001', r);
  const pl = tree.prove(root, absentLeaf);
  assert.ok(pl.otherLeaf);
  assert.deepEqual(pl.otherLeaf.keyHash, present[0]);
  assert.deepEqual(pl.otherLeaf.valueHash, smtValueHash(utf8('v0')));
  assert.ok(verifySmtProof(root, absentLeaf, undefined, pl));
  assert.ok(!verifySmtProof(root, absentLeaf, v, pl), 'non-inclusion proof used as inclusion');
  // The other leaf's own key cannot be "proved absent" with it.
  assert.ok(!verifySmtProof(root, present[0]!, undefined, pl));
  // A key off the other leaf's path cannot borrow the proof.
  const offPath = keyWithPrefix('01', r);
  assert.ok(!verifySmtProof(root, offPath, undefined, pl));
  // Tampered other leaf.
  const vh = pl.otherLeaf.valueHash.slice();
  vh[0]! ^= 1;
  assert.ok(!verifySmtProof(root, absentLeaf, undefined, { ...pl, otherLeaf: { keyHash: pl.otherLeaf.keyHash, valueHash: vh } }));
  // Forged absence of a present key: point at another leaf / empty.
  const forged: SmtProof = { siblings: tree.prove(root, present[1]!).siblings, otherLeaf: { keyHash: present[2]!, valueHash: smtValueHash(utf8('v2')) } };
  assert.ok(!verifySmtProof(root, present[1]!, undefined, forged));

  // Empty tree and single-leaf tree.
  const pEmpty = tree.prove(EMPTY_ROOT, absentLeaf);
  assert.deepEqual(pEmpty, { siblings: [], otherLeaf: null });
  assert.ok(verifySmtProof(EMPTY_ROOT, absentLeaf, undefined, pEmpty));
  assert.ok(!verifySmtProof(root, absentLeaf, undefined, pEmpty));
  const single = buildSmt([[present[0]!, v]]);
  store.put(single.nodes);
  assert.ok(verifySmtProof(single.root, present[0]!, v, tree.prove(single.root, present[0]!)));
  assert.ok(verifySmtProof(single.root, absentLeaf, undefined, tree.prove(single.root, absentLeaf)));

  // Never throws on garbage.
  const junk: unknown[] = [null, {}, { siblings: 'x', otherLeaf: null }, { siblings: [new Uint8Array(3)], otherLeaf: null }, { siblings: [], otherLeaf: { keyHash: 1 } }, { siblings: new Array(300).fill(ZERO_HASH), otherLeaf: null }];
  for (const j of junk) assert.equal(verifySmtProof(root, absentLeaf, undefined, j as SmtProof), false);
  assert.equal(verifySmtProof(new Uint8Array(5), absentLeaf, undefined, pe), false);
  assert.equal(verifySmtProof(root, new Uint8Array(31), undefined, pe), false);
});

test('proof encoding round-trips and decoding is strict', () => {
  const entries = randomEntries(1000, 31);
  const built = buildSmt(entries);
  const store = new MapStore();
  store.put(built.nodes);
  const tree = new SparseMerkleTree(store);
  const r = rng(32);
  const proofs: SmtProof[] = [];
  for (let i = 0; i < 50; i++) proofs.push(tree.prove(built.root, entries[i]![0]));
  for (let i = 0; i < 50; i++) proofs.push(tree.prove(built.root, r.bytes(32)));
  // a proof with empty siblings and depth not a multiple of 8
  const a = keyWithPrefix('1'.repeat(13) + '0', r);
  const b = keyWithPrefix('1'.repeat(13) + '1', r);
  const u = tree.update(built.root, [[a, utf8('a')], [b, utf8('b')]]);
  store.put(u.nodes);
  proofs.push(tree.prove(u.root, a));
  assert.ok(proofs.at(-1)!.siblings.some((s) => equalBytes(s, ZERO_HASH)));

  for (const p of proofs) {
    const enc = encodeSmtProof(p);
    const dec = decodeSmtProof(enc);
    assert.deepEqual(dec.siblings.map(toHex), p.siblings.map(toHex));
    assert.deepEqual(dec.otherLeaf && [toHex(dec.otherLeaf.keyHash), toHex(dec.otherLeaf.valueHash)], p.otherLeaf && [toHex(p.otherLeaf.keyHash), toHex(p.otherLeaf.valueHash)]);
    assert.deepEqual(encodeSmtProof(dec), enc);
    const nonEmpty = p.siblings.filter((s) => !equalBytes(s, ZERO_HASH)).length;
    assert.equal(enc.length, 2 + Math.ceil(p.siblings.length / 8) + 32 * nonEmpty + 1 + (p.otherLeaf ? 64 : 0));
    // every truncation is rejected
    for (let n = 0; n < enc.length; n++) expectCode(() => decodeSmtProof(enc.subarray(0, n)), ErrorCode.DECODE_TRUNCATED);
    // trailing bytes rejected
    expectCode(() => decodeSmtProof(new Uint8Array([...enc, 0])), ErrorCode.DECODE_TRAILING_BYTES);
  }
  const p0 = encodeSmtProof(proofs[0]!);
  // oversize depth
  const over = p0.slice();
  over[0] = 0x01;
  over[1] = 0x01; // 257
  expectCode(() => decodeSmtProof(over), ErrorCode.DECODE_OVERSIZE);
  expectCode(() => decodeSmtProof(new Uint8Array([0xff, 0xff])), ErrorCode.DECODE_OVERSIZE);
  // depth 3 with a padding bit set
  expectCode(() => decodeSmtProof(new Uint8Array([0, 3, 0b0001_0000, 0])), ErrorCode.DECODE_NON_CANONICAL);
  // sibling marked non-empty but zero
  expectCode(() => decodeSmtProof(new Uint8Array([0, 1, 0x80, ...ZERO_HASH, 0])), ErrorCode.DECODE_NON_CANONICAL);
  // bad option tag
  expectCode(() => decodeSmtProof(new Uint8Array([0, 0, 2])), ErrorCode.DECODE_NON_CANONICAL);
  // minimal proofs decode
  assert.deepEqual(decodeSmtProof(new Uint8Array([0, 0, 0])), { siblings: [], otherLeaf: null });
  // size bound: depth 256, all siblings present, plus other leaf
  const maxProof: SmtProof = { siblings: Array.from({ length: 256 }, () => r.bytes(32)), otherLeaf: { keyHash: r.bytes(32), valueHash: r.bytes(32) } };
  assert.equal(decodeSmtProof(encodeSmtProof(maxProof)).siblings.length, 256);
  assert.throws(() => encodeSmtProof({ siblings: new Array(257).fill(ZERO_HASH), otherLeaf: null }));
  // mutated bytes either fail to decode or fail to verify
  const k = entries[0]![0];
  const v = entries[0]![1];
  let rejected = 0;
  for (let i = 0; i < p0.length; i++) {
    const m = p0.slice();
    m[i]! ^= 1 << r.int(8);
    let ok = false;
    try {
      ok = verifySmtProof(built.root, k, v, decodeSmtProof(m));
    } catch {
      ok = false;
    }
    assert.equal(ok, false, `mutation at byte ${i} accepted`);
    rejected++;
  }
  assert.equal(rejected, p0.length);
});

test('values: up to 64 KiB, empty value is distinct from absent', () => {
  const r = rng(41);
  const k1 = r.bytes(32);
  const k2 = r.bytes(32);
  const big = r.bytes(SMT_MAX_VALUE_BYTES);
  const built = buildSmt([[k1, big], [k2, new Uint8Array(0)]]);
  const store = new MapStore();
  store.put(built.nodes);
  const tree = new SparseMerkleTree(store);
  assert.deepEqual(tree.get(built.root, k1), big);
  assert.deepEqual(tree.get(built.root, k2), new Uint8Array(0));
  assert.ok(verifySmtProof(built.root, k2, new Uint8Array(0), tree.prove(built.root, k2)));
  assert.ok(!verifySmtProof(built.root, k2, undefined, tree.prove(built.root, k2)));
  expectCode(() => buildSmt([[k1, new Uint8Array(SMT_MAX_VALUE_BYTES + 1)]]), ErrorCode.INVALID_ARGUMENT);
  expectCode(() => tree.update(built.root, [[k1, new Uint8Array(SMT_MAX_VALUE_BYTES + 1)]]), ErrorCode.INVALID_ARGUMENT);
  expectCode(() => tree.update(built.root, [[new Uint8Array(31), utf8('x')]]), ErrorCode.INVALID_ARGUMENT);
});

test('randomized against a Map model', () => {
  const r = rng(2024);
  // Small key pool (some with long shared prefixes) so overwrites and deletes are frequent.
  const pool: Hash[] = [];
  for (let i = 0; i < 150; i++) pool.push(r.bytes(32));
  for (let i = 0; i < 30; i++) pool.push(keyWithPrefix('0110'.repeat(4 + r.int(12)) + (i & 1 ? '1' : '0'), r));
  const store = new MapStore();
  const tree = new SparseMerkleTree(store);
  const model = new Map<string, Uint8Array>();
  const history: { root: Hash; snapshot: Map<string, Uint8Array> }[] = [];
  let root = EMPTY_ROOT;
  let pending = new Map<string, Uint8Array>();
  let ops = 0;
  for (let step = 0; ops < 4000; step++) {
    const batch: [Hash, Uint8Array | undefined][] = [];
    const n = 1 + r.int(r.int(4) === 0 ? 40 : 4);
    for (let i = 0; i < n; i++) {
      const k = pool[r.int(pool.length)]!;
      const v = r.int(3) === 0 ? undefined : r.bytes(r.int(50));
      batch.push([k, v]);
    }
    ops += n;
    const u = tree.update(root, batch, pending);
    for (const [k, v] of batch) {
      if (v === undefined) model.delete(toHex(k));
      else model.set(toHex(k), v);
    }
    root = u.root;
    for (const [h, b] of u.nodes) pending.set(h, b);
    // commit the overlay every few steps
    if (r.int(4) === 0) {
      store.put(pending);
      pending = new Map();
    }
    for (let i = 0; i < 8; i++) {
      const k = pool[r.int(pool.length)]!;
      const want = model.get(toHex(k));
      assert.deepEqual(tree.get(root, k, pending), want);
      const p = tree.prove(root, k, pending);
      assert.ok(verifySmtProof(root, k, want, decodeSmtProof(encodeSmtProof(p))));
      if (want) assert.ok(!verifySmtProof(root, k, undefined, p));
    }
    if (step % 25 === 0) {
      const expected = buildSmt([...model].map(([h, v]) => [fromHex(h), v] as const));
      assert.deepEqual(root, expected.root, `root mismatch at step ${step}`);
      history.push({ root, snapshot: new Map(model) });
    }
  }
  // Old roots keep answering with their old contents.
  store.put(pending);
  for (const { root: old, snapshot } of history) {
    for (let i = 0; i < 20; i++) {
      const k = pool[r.int(pool.length)]!;
      assert.deepEqual(tree.get(old, k), snapshot.get(toHex(k)));
    }
  }
  // Emptying the map returns to the empty root.
  assert.deepEqual(tree.update(root, pool.map((k) => [k, undefined] as const)).root, EMPTY_ROOT);
});
