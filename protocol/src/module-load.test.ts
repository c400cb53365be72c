/**
 * Every protocol module loads when it is the first one imported (issue 22 §2): a module that
 * computes a value at load from an import cycle would throw a ReferenceError here, while the same
 * cycle passes unnoticed through index.ts's line order. One fresh process per module.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const src = fileURLToPath(new URL('.', import.meta.url));

test('every protocol module can be imported first, in a fresh process', async () => {
  const modules = (await readdir(src, { recursive: true }))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  assert.ok(modules.length > 30, `found ${modules.length} modules`);
  const failures: string[] = [];
  // Two at a time: the machine has two cores and each process starts tsx.
  for (let i = 0; i < modules.length; i += 2) {
    await Promise.all(modules.slice(i, i + 2).map(async (file) => {
      const url = new URL(file, new URL('.', import.meta.url)).href;
      try {
        await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `await import(${JSON.stringify(url)});`], { cwd: src });
      } catch (e) {
        failures.push(`${file}: ${(e as { stderr?: string }).stderr?.split('\n').find((l) => /Error/.test(l)) ?? String(e)}`);
      }
    }));
  }
  assert.deepEqual(failures, []);
});
