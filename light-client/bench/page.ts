/** The benchmark page: starts bench workers (worker-entry.ts) and exposes them to Playwright. */
import type { Remote } from 'comlink';
import { connectLightClientWorker } from '../src/worker.ts';
import type { BenchWorkerApi } from './worker-entry.ts';

const workers: { w: Worker; api: Remote<BenchWorkerApi> }[] = [];

const lcBench = {
  /** A new worker; returns its index. */
  spawn(): number {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    workers.push({ w, api: connectLightClientWorker(w) as unknown as Remote<BenchWorkerApi> });
    return workers.length - 1;
  },
  api: (i: number): Remote<BenchWorkerApi> => workers[i]!.api,
  terminate(i: number): void {
    workers[i]!.w.terminate();
  },
};

(window as unknown as { lcBench: typeof lcBench }).lcBench = lcBench;
document.getElementById('status')!.textContent = 'page ready';
