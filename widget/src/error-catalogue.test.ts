/**
 * widget/ERRORS.md lists every code the widget's errors carry; this test fails if a source file
 * names a widget code the table lacks, or the table keeps a code no source uses any more.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const widgetDir = fileURLToPath(new URL('../', import.meta.url));
const CODE = /'((?:ANNOTATION|METADATA|SHOP|PLAYER|WALLET)_[A-Z][A-Z0-9_]*[A-Z0-9])'/g;

function catalogue(): Set<string> {
  const rows = new Set<string>();
  for (const line of readFileSync(join(widgetDir, 'ERRORS.md'), 'utf8').split('\n')) {
    const m = /^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|\s*(.+?)\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
    if (!m) continue;
    assert.ok(!rows.has(m[1]!), `${m[1]} is listed twice`);
    assert.ok(m[2]!.length > 10 && m[3]!.length > 5, `${m[1]} has a meaning and what to do`);
    rows.add(m[1]!);
  }
  return rows;
}

function codesInSources(dir: string, found = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) codesInSources(p, found);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
      for (const m of readFileSync(p, 'utf8').matchAll(CODE)) if (!found.has(m[1]!)) found.set(m[1]!, p.slice(widgetDir.length));
    }
  }
  return found;
}

test('ERRORS.md and the widget sources name the same codes', () => {
  const rows = catalogue();
  const used = codesInSources(join(widgetDir, 'src'));
  const missing = [...used].filter(([c]) => !rows.has(c)).map(([c, f]) => `${c} (${f})`);
  assert.deepEqual(missing, [], 'codes used in the sources but missing from widget/ERRORS.md');
  const stale = [...rows].filter((c) => !used.has(c));
  assert.deepEqual(stale, [], 'codes in widget/ERRORS.md that no source uses');
});
