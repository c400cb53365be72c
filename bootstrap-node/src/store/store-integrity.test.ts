import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSync, closeSync, writeSync, truncateSync, statSync, readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { open } from 'lmdb';
import { checkLmdbFile } from './store-integrity.ts';
import { StoreDamagedError, type StoreDamageKind } from './store-errors.ts';
import { tempDir } from '../testing/fixtures.ts';

const dir = await tempDir('dipnet-integrity-');
after(dir.cleanup);

/**
 * A real LMDB store laid out like the chain store (named databases, small and multi-page values).
 * `txns` > 1 leaves free pages behind (copy-on-write), as a running node's store has.
 */
async function makeStore(name: string, txns: number): Promise<string> {
  const path = join(dir.path, name);
  const root = open({ path, maxDbs: 16, mapSize: 1024 ** 3, overlappingSync: false });
  const bin = { encoding: 'binary' as const, keyEncoding: 'binary' as const };
  const dbs = ['blocks', 'smt-nodes', 'state-values'].map((n) => root.openDB(n, bin));
  for (let t = 0; t < txns; t++) {
    root.transactionSync(() => {
      for (let i = 0; i < 600; i++) {
        const k = Buffer.from(`k-${t}-${i}`);
        dbs[i % 3]!.putSync(k, Buffer.alloc(i % 50 === 0 ? 10_000 : 120, i));
        if (t > 0 && i % 4 === 0) dbs[i % 3]!.removeSync(Buffer.from(`k-${t - 1}-${i}`));
      }
    });
  }
  await root.close();
  return join(path, 'data.mdb');
}

function copyOf(file: string, name: string): string {
  const d = join(dir.path, name);
  mkdirSync(d, { recursive: true });
  cpSync(file, join(d, 'data.mdb'));
  return join(d, 'data.mdb');
}

function overwrite(file: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

function damaged(file: string, kind: StoreDamageKind, message?: RegExp): void {
  assert.throws(() => checkLmdbFile(file), (e: unknown) => {
    assert.ok(e instanceof StoreDamagedError, `not a StoreDamagedError: ${String(e)}`);
    assert.equal(e.code, 'STORE_DAMAGED');
    assert.equal(e.kind, kind, e.message);
    assert.equal(e.path, file);
    if (message) assert.match(e.message, message);
    return true;
  });
}

const dense = await makeStore('dense', 1);
const churned = await makeStore('churned', 12);

test('default: an intact store passes and its meta page matches the file', () => {
  for (const file of [dense, churned]) {
    const r = checkLmdbFile(file);
    assert.equal(r.meta.pageSize, 4096);
    assert.ok(r.meta.txnid >= 1n);
    assert.ok(r.pagesInUse.length > 10);
    assert.ok(r.pagesInUse.at(-1)! <= r.meta.lastPage);
    assert.ok(statSync(file).size >= (r.pagesInUse.at(-1)! + 1) * r.meta.pageSize);
    // Every value of 10,000 bytes takes an overflow run of 3 pages, only the first with a header.
    assert.ok(r.headerPages.length < r.pagesInUse.length && r.headerPages.every((p) => r.pagesInUse.includes(p)));
  }
  // Written in one transaction, nearly every page is in use (lmdb-js opens each named database in
  // a transaction of its own, which frees a few).
  const r = checkLmdbFile(dense);
  assert.ok(r.pagesInUse.length >= r.meta.lastPage - 8, `${r.pagesInUse.length} of ${r.meta.lastPage - 1} pages in use`);
});

test('behavior: a store the checker passed opens and reads in LMDB', async () => {
  const file = copyOf(churned, 'reopen');
  checkLmdbFile(file);
  const root = open({ path: join(dir.path, 'reopen'), maxDbs: 16, overlappingSync: false });
  const blocks = root.openDB('blocks', { encoding: 'binary', keyEncoding: 'binary' });
  assert.equal(blocks.getBinary(Buffer.from('k-11-3'))!.length, 120);
  await root.close();
  checkLmdbFile(file);
});

test('error: data.mdb truncated to half is reported as truncated', () => {
  const file = copyOf(churned, 'half');
  truncateSync(file, Math.floor(statSync(file).size / 2));
  damaged(file, 'truncated', /bytes but .* uses page \d+/);
});

test('error: data.mdb truncated by one page is reported as truncated', () => {
  const file = copyOf(dense, 'one-page');
  truncateSync(file, statSync(file).size - 4096);
  damaged(file, 'truncated');
});

test('error: data.mdb truncated to 0 bytes is reported as truncated, not taken for a new store', () => {
  const file = copyOf(dense, 'zero');
  truncateSync(file, 0);
  damaged(file, 'truncated', /0 bytes/);
});

test('error: both meta pages zeroed are reported as damaged meta pages', () => {
  const file = copyOf(churned, 'meta-zero');
  overwrite(file, 0, new Uint8Array(2 * 4096));
  damaged(file, 'meta', /meta page 0/);
});

test('error: both meta pages overwritten with random bytes are reported as damaged meta pages', () => {
  const file = copyOf(churned, 'meta-random');
  overwrite(file, 0, randomBytes(2 * 4096));
  damaged(file, 'meta');
});

test('error: a bad magic in meta page 1 alone is reported', () => {
  const file = copyOf(churned, 'meta-1');
  overwrite(file, 4096 + 24, Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  damaged(file, 'meta', /meta page 1 .*magic 0xefbeadde/);
});

test('error: a meta page of another LMDB data version is reported', () => {
  const file = copyOf(churned, 'meta-version');
  const v = Buffer.alloc(4);
  v.writeUInt32LE(1);
  overwrite(file, 24 + 4, v);
  damaged(file, 'meta', /data version 1/);
});

test('error: three random pages in use overwritten mid-file are reported', () => {
  for (let run = 0; run < 5; run++) {
    const file = copyOf(churned, `random-${run}`);
    const { headerPages } = checkLmdbFile(file);
    // A free page may hold anything; damage matters (and is found) in the pages the snapshot uses
    // that carry a header. An overflow run's later pages are value bytes only, which LMDB does not
    // checksum (picking those made this test fail now and then: nothing there to find).
    const middle = headerPages.slice(Math.floor(headerPages.length / 3), Math.floor((2 * headerPages.length) / 3));
    for (let i = 0; i < 3; i++) overwrite(file, middle[Math.floor(Math.random() * middle.length)]! * 4096, randomBytes(4096));
    damaged(file, 'pages');
  }
});

test('error: a zeroed page in use by a churned store is reported', () => {
  const file = copyOf(churned, 'zero-page');
  const { headerPages } = checkLmdbFile(file);
  const page = headerPages[Math.floor(headerPages.length / 2)]!;
  overwrite(file, page * 4096, new Uint8Array(4096));
  damaged(file, 'pages', new RegExp(`page ${page}`));
});

test('error: a valid page copied over another (right shape, wrong place) is reported', () => {
  const file = copyOf(dense, 'moved-page');
  const { headerPages } = checkLmdbFile(file);
  const bytes = readFileSync(file);
  const [a, b] = [headerPages[10]!, headerPages[20]!];
  bytes.copy(bytes, b * 4096, a * 4096, (a + 1) * 4096);
  writeFileSync(file, bytes);
  damaged(file, 'pages', /carries page number|reached twice/);
});
