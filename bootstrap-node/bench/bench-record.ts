/**
 * One `BENCH {json}` line per figure on stdout, and the same records kept for this `npm run bench`
 * run (a file per parent shell: the benches of one run share it), so a later bench can derive a
 * figure from earlier ones measured on the same machine in the same run (relay-viewers.bench.ts).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchRecord {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly [extra: string]: unknown;
}

const runFile = (): string => join(tmpdir(), `dipnet-bench-run-${process.ppid}.jsonl`);

export function emit(r: BenchRecord): void {
  const line = JSON.stringify(r);
  console.log(`BENCH ${line}`);
  appendFileSync(runFile(), line + '\n');
}

/** This run's records so far, the latest of each name. */
export function recorded(): Map<string, BenchRecord> {
  const out = new Map<string, BenchRecord>();
  if (!existsSync(runFile())) return out;
  for (const l of readFileSync(runFile(), 'utf8').split('\n')) if (l) { const r = JSON.parse(l) as BenchRecord; out.set(r.name, r); }
  return out;
}
