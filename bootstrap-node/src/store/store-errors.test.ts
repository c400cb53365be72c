/** Which store errors are a full disk (retry) and which are damage (stop): writeFailureOf. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { statfsSync } from 'node:fs';
import { LOW_SPACE_BYTES, isLmdbDamage, writeFailureOf } from './store-errors.ts';

const withCode = (message: string, code?: unknown) => Object.assign(new Error(message), code === undefined ? {} : { code });

test('ENOSPC, EDQUOT, EROFS and MDB_MAP_FULL are write failures, by errno number or by message', () => {
  assert.equal(writeFailureOf(withCode('No space left on device', 28), tmpdir()), 'ENOSPC');
  assert.equal(writeFailureOf(withCode('No space left on device'), tmpdir()), 'ENOSPC');
  assert.equal(writeFailureOf(withCode('Disk quota exceeded', 122), tmpdir()), 'EDQUOT');
  assert.equal(writeFailureOf(withCode('Read-only file system', 30), tmpdir()), 'EROFS');
  assert.equal(writeFailureOf(withCode('MDB_MAP_FULL: Environment mapsize limit reached', -30792), tmpdir()), 'MDB_MAP_FULL');
  assert.equal(writeFailureOf(withCode('MDB_CORRUPTED: Located page was wrong type', -30796), tmpdir()), null);
  assert.equal(writeFailureOf('not an error', tmpdir()), null);
});

test('EIO (LMDB\'s word for a short write) is a write failure only on a (nearly) full filesystem; otherwise damage', (t) => {
  const fs = statfsSync(tmpdir());
  if (fs.bavail * fs.bsize < LOW_SPACE_BYTES) return t.skip('the temp directory\'s filesystem is nearly full');
  const eio = withCode('Input/output error', 5);
  assert.equal(writeFailureOf(eio, tmpdir()), null);
  assert.equal(isLmdbDamage(eio), true);
});
