/**
 * Checks an LMDB data file page by page BEFORE it is mapped. LMDB trusts its file: a truncated
 * data.mdb makes the process die of SIGBUS when a page past the end is touched, damaged meta
 * pages make it SIGSEGV, and a damaged tree page surfaces later as MDB_CORRUPTED or an assertion
 * abort (issue 23). Reading the file with plain reads first turns all of these into a
 * `StoreDamagedError` the node can report.
 *
 * Layout read here (lmdb-js 3 bundles LMDB's mdb.master3, data version 2;
 * node_modules/lmdb/dependencies/lmdb/libraries/liblmdb/mdb.c):
 *   page header (24 bytes): pgno u64 · txnid u64 · pad u16 · flags u16 · lower u16 · upper u16
 *     (an overflow page's lower/upper are one u32: its page count)
 *   pages 0 and 1 are meta pages; after the header: magic u32 · version u32 · address u64 ·
 *     mapsize u64 · free DB (MDB_db, 48 bytes) · main DB (48 bytes) · last_pg u64 · txnid u64
 *   MDB_db: pad u32 (the free DB's pad is the page size) · flags u16 · depth u16 ·
 *     branch/leaf/overflow page counts u64 · entries u64 · root u64 (all ones = empty)
 *   node (in branch and leaf pages, at offsets listed after the header): lo u16 · hi u16 ·
 *     flags u16 · ksize u16 · key · data. A branch node's child page is lo | hi << 16 | flags << 32;
 *     a leaf node's data size is lo | hi << 16; F_BIGDATA data is the u64 first page of an
 *     overflow run, F_SUBDATA data is the MDB_db of a named database.
 * The meta page with the higher txnid is the current snapshot; every page reachable from its
 * free and main trees (and the named databases in the main tree) is visited once and must lie
 * inside the file, carry its own page number and the kind its parent expects.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StoreDamagedError } from './store-errors.ts';

const MDB_MAGIC = 0xbeefc0de;
const MDB_DATA_VERSION = 2;
const PAGEHDRSZ = 24;
const META_OFF = PAGEHDRSZ;
const DB_SIZE = 48;
const NODESIZE = 8;
const P_BRANCH = 0x01;
const P_LEAF = 0x02;
const P_OVERFLOW = 0x04;
const P_META = 0x08;
const P_LEAF2 = 0x20;
const KIND_MASK = P_BRANCH | P_LEAF | P_OVERFLOW | P_META | P_LEAF2 | 0x40;
const F_BIGDATA = 0x01;
const F_SUBDATA = 0x02;
const F_DUPDATA = 0x04;
const P_INVALID = 0xffffffffffffffffn;
const MAX_DEPTH = 64;

export interface LmdbMeta {
  readonly pageSize: number;
  readonly lastPage: number;
  readonly txnid: bigint;
  readonly freeRoot: bigint;
  readonly mainRoot: bigint;
}

export interface LmdbFileReport {
  readonly file: string;
  readonly fileBytes: number;
  /** The current snapshot (the valid meta page with the higher txnid). */
  readonly meta: LmdbMeta;
  /** Page numbers in use by the current snapshot (trees and overflow runs, not meta pages), ascending. */
  readonly pagesInUse: readonly number[];
  /**
   * The pages in use that carry a page header (tree pages and the first page of each overflow run),
   * ascending: the ones this check can judge. An overflow run's later pages hold only value bytes,
   * which LMDB does not checksum, so no check of the file's structure can see a change there.
   */
  readonly headerPages: readonly number[];
}

interface DbRecord { readonly root: bigint; readonly depth: number }

/**
 * Reads `file` (an LMDB data.mdb) and checks its meta pages and every page reachable from the
 * current snapshot. Throws `StoreDamagedError` (kind 'truncated', 'meta' or 'pages').
 *
 * @example
 *   checkLmdbFile(join(dataDir, 'data.mdb')); // before open({ path: dataDir })
 */
export function checkLmdbFile(file: string): LmdbFileReport {
  const fd = openSync(file, 'r');
  try {
    return new PageWalker(file, fd, fstatSync(fd).size).run();
  } finally {
    closeSync(fd);
  }
}

class PageWalker {
  private meta!: LmdbMeta;
  private seen!: Uint8Array;
  private readonly inUse: number[] = [];
  private readonly withHeader: number[] = [];

  constructor(private readonly file: string, private readonly fd: number, private readonly size: number) {}

  run(): LmdbFileReport {
    if (this.size < 2 * 512) {
      this.damage('truncated', `${this.file} is ${this.size} bytes: shorter than LMDB's two meta pages`);
    }
    this.meta = this.readMetas();
    const { pageSize, lastPage } = this.meta;
    if (this.size < 2 * pageSize) this.damage('truncated', `${this.file} is ${this.size} bytes: shorter than two ${pageSize}-byte meta pages`);
    this.seen = new Uint8Array(lastPage + 1);
    this.seen[0] = this.seen[1] = 1;
    const [free, main] = [this.dbAt(this.metaBuf, META_OFF + 24), this.dbAt(this.metaBuf, META_OFF + 24 + DB_SIZE)];
    this.walkTree(free, 'free DB', false);
    this.walkTree(main, 'main DB', true);
    // LMDB notes that the file may legitimately end before last_pg when the last pages are free;
    // a page in use past the end was reported above, so only the in-use pages decide.
    this.inUse.sort((a, b) => a - b);
    this.withHeader.sort((a, b) => a - b);
    return { file: this.file, fileBytes: this.size, meta: this.meta, pagesInUse: this.inUse, headerPages: this.withHeader };
  }

  private metaBuf: Buffer = Buffer.alloc(0);

  /** Both meta pages must be valid (LMDB writes both when it creates a file); the newer one is current. */
  private readMetas(): LmdbMeta {
    const first = this.readAt(0, PAGEHDRSZ + 160);
    const m0 = this.parseMeta(first, 0);
    if (typeof m0 === 'string') this.damage('meta', `meta page 0 of ${this.file} is damaged (${m0}); LMDB cannot open it`);
    const second = this.readAt(m0.pageSize, PAGEHDRSZ + 160);
    const m1 = this.parseMeta(second, 1);
    if (typeof m1 === 'string') this.damage('meta', `meta page 1 of ${this.file} is damaged (${m1})`);
    if (m1.pageSize !== m0.pageSize) this.damage('meta', `the meta pages of ${this.file} disagree on the page size (${m0.pageSize}, ${m1.pageSize})`);
    const [current, buf] = m1.txnid > m0.txnid ? [m1, second] : [m0, first];
    this.metaBuf = buf;
    return current;
  }

  private parseMeta(b: Buffer, pgno: number): LmdbMeta | string {
    if (b.length < PAGEHDRSZ + 160) return 'short read';
    if (!(b.readUInt16LE(18) & P_META)) return 'not flagged as a meta page';
    if (b.readBigUInt64LE(0) !== BigInt(pgno)) return `page number ${b.readBigUInt64LE(0)}`;
    const magic = b.readUInt32LE(META_OFF);
    if (magic !== MDB_MAGIC) return `magic 0x${magic.toString(16)}, expected 0x${MDB_MAGIC.toString(16)}`;
    const version = b.readUInt32LE(META_OFF + 4) & 0xffff;
    if (version !== MDB_DATA_VERSION) return `data version ${version}, expected ${MDB_DATA_VERSION}`;
    const pageSize = b.readUInt32LE(META_OFF + 24);
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return `page size ${pageSize}`;
    const lastPage = b.readBigUInt64LE(META_OFF + 24 + 2 * DB_SIZE);
    if (lastPage < 1n || lastPage > BigInt(Number.MAX_SAFE_INTEGER) / BigInt(pageSize)) return `last page ${lastPage}`;
    return {
      pageSize, lastPage: Number(lastPage), txnid: b.readBigUInt64LE(META_OFF + 24 + 2 * DB_SIZE + 8),
      freeRoot: b.readBigUInt64LE(META_OFF + 24 + 40), mainRoot: b.readBigUInt64LE(META_OFF + 24 + DB_SIZE + 40),
    };
  }

  private dbAt(b: Buffer, off: number): DbRecord {
    return { depth: b.readUInt16LE(off + 6), root: b.readBigUInt64LE(off + 40) };
  }

  private walkTree(db: DbRecord, name: string, isMain: boolean): void {
    if (db.root === P_INVALID) return;
    if (db.depth < 1 || db.depth > MAX_DEPTH) this.damage('pages', `${name} has depth ${db.depth}`);
    this.walkPage(db.root, db.depth, name, isMain);
  }

  /** `depth` counts the levels from this page down to the leaves (1 = leaf). */
  private walkPage(pgnoBig: bigint, depth: number, name: string, isMain: boolean): void {
    const pgno = this.claim(pgnoBig, 1, name);
    const { pageSize } = this.meta;
    const p = this.readPage(pgno);
    const flags = p.readUInt16LE(18) & KIND_MASK;
    const expected = depth > 1 ? P_BRANCH : P_LEAF;
    if (flags !== expected && !(expected === P_LEAF && flags === (P_LEAF | P_LEAF2))) {
      this.damage('pages', `page ${pgno} of ${this.file} (${name}) has flags 0x${flags.toString(16)}, expected a ${depth > 1 ? 'branch' : 'leaf'} page`);
    }
    const lower = p.readUInt16LE(20);
    const upper = p.readUInt16LE(22);
    if (lower > upper || upper > pageSize - PAGEHDRSZ || lower % 2 !== 0) {
      this.damage('pages', `page ${pgno} of ${this.file} (${name}) has free-space bounds ${lower}..${upper}`);
    }
    if (flags & P_LEAF2) return; // fixed-size keys only, no child pages
    const count = lower >> 1;
    if (count === 0 && depth > 1) this.damage('pages', `branch page ${pgno} of ${this.file} (${name}) is empty`);
    for (let i = 0; i < count; i++) {
      const off = p.readUInt16LE(PAGEHDRSZ + 2 * i) + PAGEHDRSZ;
      if (off < PAGEHDRSZ + upper || off + NODESIZE > pageSize) this.damage('pages', `page ${pgno} of ${this.file} (${name}): node ${i} at offset ${off} is outside the page's data`);
      const lo = p.readUInt16LE(off);
      const hi = p.readUInt16LE(off + 2);
      const nflags = p.readUInt16LE(off + 4);
      const ksize = p.readUInt16LE(off + 6);
      const dataOff = off + NODESIZE + ksize;
      if (depth > 1) {
        if (dataOff > pageSize) this.damage('pages', `page ${pgno} of ${this.file} (${name}): key of node ${i} runs past the page`);
        this.walkPage(BigInt(lo) | (BigInt(hi) << 16n) | (BigInt(nflags) << 32n), depth - 1, name, isMain);
        continue;
      }
      const dsize = lo | (hi << 16);
      const stored = nflags & F_BIGDATA ? 8 : dsize;
      if (dataOff + stored > pageSize) this.damage('pages', `page ${pgno} of ${this.file} (${name}): node ${i} runs past the page`);
      if (nflags & F_BIGDATA) {
        this.walkOverflow(p.readBigUInt64LE(dataOff), dsize, name);
      } else if (nflags & F_SUBDATA) {
        if (dsize < DB_SIZE) this.damage('pages', `page ${pgno} of ${this.file} (${name}): database record of ${dsize} bytes`);
        const sub = this.dbAt(p, dataOff);
        const key = p.subarray(off + NODESIZE, off + NODESIZE + ksize).toString('latin1');
        this.walkTree(sub, isMain && !(nflags & F_DUPDATA) ? `database "${key}"` : `${name} duplicates`, false);
      }
    }
  }

  private walkOverflow(first: bigint, dataSize: number, name: string): void {
    const pages = Math.floor((PAGEHDRSZ - 1 + dataSize) / this.meta.pageSize) + 1;
    const pgno = this.claim(first, pages, name);
    const p = this.readAt(pgno * this.meta.pageSize, PAGEHDRSZ);
    if (p.readBigUInt64LE(0) !== first) this.damage('pages', `overflow page ${pgno} of ${this.file} (${name}) is numbered ${p.readBigUInt64LE(0)}`);
    if (!(p.readUInt16LE(18) & P_OVERFLOW)) this.damage('pages', `page ${pgno} of ${this.file} (${name}) should start an overflow run`);
    const recorded = p.readUInt32LE(20);
    if (recorded !== pages) this.damage('pages', `overflow run at page ${pgno} of ${this.file} (${name}) records ${recorded} pages, its value needs ${pages}`);
  }

  /** Marks pages [pgno, pgno + n) as used once; each must exist in the snapshot and in the file. */
  private claim(pgnoBig: bigint, n: number, name: string): number {
    const { lastPage, pageSize } = this.meta;
    if (pgnoBig < 2n || pgnoBig + BigInt(n) - 1n > BigInt(lastPage)) {
      this.damage('pages', `${name} points to page ${pgnoBig}, outside pages 2..${lastPage} of ${this.file}`);
    }
    const pgno = Number(pgnoBig);
    if ((pgno + n) * pageSize > this.size) {
      this.damage('truncated', `${this.file} is ${this.size} bytes but ${name} uses page ${pgno + n - 1}, which ends at byte ${(pgno + n) * pageSize} (LMDB's last page is ${lastPage}: ${(lastPage + 1) * pageSize} bytes)`);
    }
    for (let i = pgno; i < pgno + n; i++) {
      if (this.seen[i]) this.damage('pages', `page ${i} of ${this.file} is reached twice (${name})`);
      this.seen[i] = 1;
      this.inUse.push(i);
    }
    this.withHeader.push(pgno);
    return pgno;
  }

  private readPage(pgno: number): Buffer {
    // One buffer per page: a branch page stays in use while its children are read.
    const b = this.readAt(pgno * this.meta.pageSize, this.meta.pageSize);
    if (b.readBigUInt64LE(0) !== BigInt(pgno)) {
      this.damage('pages', `page ${pgno} of ${this.file} carries page number ${b.readBigUInt64LE(0)}: it was overwritten`);
    }
    return b;
  }

  private readAt(offset: number, length: number): Buffer {
    const b = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, b, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    if (done < length) this.damage('truncated', `${this.file} ends at byte ${this.size}, inside the page at byte ${offset}`);
    return b;
  }

  private damage(kind: 'truncated' | 'meta' | 'pages', message: string): never {
    throw new StoreDamagedError(kind, this.file, message);
  }
}
