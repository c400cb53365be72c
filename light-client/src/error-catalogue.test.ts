/**
 * light-client/ERRORS.md lists every LC_ code with its meaning and what a caller should do; this
 * test fails if the table and `LightErrorCode` differ, or if a source file names an LC_ code that
 * is not catalogued (as bootstrap-node's relay test does for the relay's ERRORS.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { LightErrorCode, LYING_CODES } from '@dipnet/protocol';

const root = fileURLToPath(new URL('../../', import.meta.url));
const md = readFileSync(join(root, 'light-client/ERRORS.md'), 'utf8');

function catalogue(): Map<string, { meaning: string; action: string }> {
  const rows = new Map<string, { meaning: string; action: string }>();
  for (const line of md.split('\n')) {
    const m = /^\|\s*`(LC_[A-Z0-9_]+)`\s*\|\s*(.+?)\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
    if (!m) continue;
    assert.ok(!rows.has(m[1]!), `${m[1]} is listed twice in ERRORS.md`);
    rows.set(m[1]!, { meaning: m[2]!, action: m[3]! });
  }
  return rows;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p);
    else if (/\.(ts|js)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) yield p;
  }
}

test('ERRORS.md lists exactly the LightErrorCode codes, each with a meaning and an action', () => {
  const rows = catalogue();
  assert.deepEqual([...rows.keys()].sort(), Object.values(LightErrorCode).sort(), 'ERRORS.md and LightErrorCode list the same codes');
  for (const [code, { meaning, action }] of rows) {
    assert.ok(meaning.length > 10 && action.length > 5, `${code} has a meaning and what to do`);
  }
  for (const code of LYING_CODES) assert.ok(rows.has(code), `${code} (a lying code) is catalogued`);
});

test('every LC_ code named in the shipped sources is catalogued', () => {
  const rows = catalogue();
  const missing = new Set<string>();
  for (const dir of ['protocol/src', 'light-client/src', 'widget/src', 'demo-player/src']) {
    for (const file of sourceFiles(join(root, dir))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bLC_[A-Z][A-Z0-9_]*[A-Z0-9]\b/g)) {
        if (!rows.has(m[0])) missing.add(`${m[0]} (${file.slice(root.length)})`);
      }
    }
  }
  assert.deepEqual([...missing], [], 'codes missing from light-client/ERRORS.md');
});
