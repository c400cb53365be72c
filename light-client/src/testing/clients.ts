/**
 * Light clients for tests against a TestNet (not part of the package API): each trusts the net's
 * genesis hash, in memory, and one close() ends them all together with whatever else a test
 * opened (tampering proxies, worker threads), so every test file cleans up the same way.
 */
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { Remote } from 'comlink';
import { genesisHash, toHex } from '@dipnet/protocol';
import { createLightClient, type LightClient, type LightClientOptions } from '../index.ts';
import { connectLightClientWorker, type LightClientWorkerApi } from '../worker.ts';
import type { TestNet } from './devnet.ts';

/** Long enough that no test's trusted header expires. */
const DAY = 86_400_000;

export interface TestClients {
  /** Hex hash of the net's genesis, the clients' trust anchor. */
  readonly genesisHash: string;
  /** A client of relay 0 that does not follow the chain unless `over` says so. */
  open(over?: Partial<LightClientOptions>): Promise<LightClient>;
  /** A client behind the comlink worker API in a real worker thread (Node's stand-in for a Web Worker), started on every relay. */
  openWorker(): Promise<Remote<LightClientWorkerApi>>;
  /** Runs `close` when close() runs, after the clients are closed. */
  onClose(close: () => Promise<unknown>): void;
  close(): Promise<void>;
}

export function testClients(net: TestNet): TestClients {
  const chainId = net.genesis.chainId;
  const hash = toHex(genesisHash(net.genesis));
  const clients: LightClient[] = [];
  const closers: (() => Promise<unknown>)[] = [];
  return {
    genesisHash: hash,
    async open(over = {}) {
      const c = await createLightClient({ chainId, trust: { genesisHash: hash }, trustingPeriodMs: DAY, relays: [net.relayUrls[0]!], store: 'memory', follow: false, ...over });
      clients.push(c);
      return c;
    },
    async openWorker() {
      const worker = new Worker(new URL('./worker-entry.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
      const lc = connectLightClientWorker(nodeEndpoint(worker as never));
      closers.push(async () => {
        await lc.close().catch(() => undefined);
        await worker.terminate();
      });
      await lc.start({ chainId, trust: { genesisHash: hash }, trustingPeriodMs: DAY, relays: net.relayUrls, store: 'memory' });
      return lc;
    },
    onClose: (close) => void closers.push(close),
    async close() {
      for (const c of clients) await c.close();
      for (const c of closers) await c();
    },
  };
}
