/**
 * A light-client worker in a Node worker thread (the browser's dedicated worker's stand-in) and
 * the page's comlink handle to it; `stop` closes the client and ends the thread (tests).
 */
import { Worker } from 'node:worker_threads';
import type { Remote } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { connectLightClientWorker, type LightClientWorkerApi } from '../worker-api.ts';

/** `entry`: a script in this folder that exposes the API on its parentPort (`worker-entry.ts`, `worker-relay-only-entry.ts`). */
export function startWorkerThread(entry: 'worker-entry.ts' | 'worker-relay-only-entry.ts'): { lc: Remote<LightClientWorkerApi>; stop(): Promise<void> } {
  const worker = new Worker(new URL(`./${entry}`, import.meta.url), { execArgv: ['--import', 'tsx'] });
  const lc = connectLightClientWorker(nodeEndpoint(worker as never));
  return {
    lc,
    async stop() {
      await lc.close().catch(() => undefined);
      await worker.terminate();
    },
  };
}
