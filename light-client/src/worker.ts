/**
 * The light client behind comlink, for a dedicated Web Worker (verification off the main thread).
 *
 *   // worker.js (bundled):   import { exposeLightClient } from '@dipnet/light-client/worker'; exposeLightClient();
 *   // page:                  const lc = connectLightClientWorker(new Worker(url, { type: 'module' }));
 *   //                        await lc.start({ chainId, trust, trustingPeriodMs, multiaddrs, relays });
 *
 * Everything crossing the boundary is structured-clone data (bigint, Uint8Array, plain objects);
 * callbacks go through `proxy()`. Errors keep their `code` and `details` across the boundary.
 */
import { expose, wrap, proxy, transferHandlers, type Endpoint, type Remote } from 'comlink';
import { LightError, type LightErrorCode } from '@dipnet/protocol';
import { createLightClient } from './client.ts';
import type { ConflictReport, LightClient, LightClientOptions, TransferRequest, TransferStage, VerifiedHead } from './api.ts';

/** Options that can cross a worker boundary (no functions or class instances). */
export type WorkerLightClientOptions = Omit<LightClientOptions, 'store' | 'sources' | 'verifier' | 'now' | 'logger' | 'relayOptions'> & {
  readonly store?: 'memory' | 'indexeddb';
};

export interface LightClientWorkerApi {
  start(options: WorkerLightClientOptions): Promise<VerifiedHead>;
  head(): VerifiedHead;
  sync(height?: bigint): ReturnType<LightClient['sync']>;
  getState: LightClient['getState'];
  getAccount: LightClient['getAccount'];
  getParams: LightClient['getParams'];
  walletAddress(): string | null;
  createWallet: LightClient['createWallet'];
  importWallet: LightClient['importWallet'];
  transfer(req: TransferRequest, onProgress?: (s: TransferStage) => void): ReturnType<LightClient['transfer']>;
  /** Returns a (proxied) unsubscribe function. */
  onHead(listener: (h: VerifiedHead) => void): () => void;
  onConflict(listener: (r: ConflictReport) => void): () => void;
  conflict(): ConflictReport | null;
  sources: LightClient['sources'];
  stats: LightClient['stats'];
  storageEstimate: LightClient['storageEstimate'];
  close(): Promise<void>;
}

let errorTransferInstalled = false;

/** Makes thrown errors keep `code` and `details` across comlink (call on both sides). */
export function installErrorTransfer(): void {
  if (errorTransferInstalled) return;
  errorTransferInstalled = true;
  type Serialized = { isError: true; value: { name: string; message: string; code?: string; details?: unknown } } | { isError: false; value: unknown };
  transferHandlers.set('throw', {
    canHandle: (v: unknown): v is { value: unknown } => typeof v === 'object' && v !== null && 'value' in v,
    serialize: ({ value }: { value: unknown }) => {
      let s: Serialized;
      if (value instanceof Error) {
        let details: unknown;
        try {
          details = structuredClone((value as { details?: unknown }).details);
        } catch {
          details = undefined;
        }
        s = { isError: true, value: { name: value.name, message: value.message, code: (value as { code?: string }).code, details } };
      } else {
        s = { isError: false, value };
      }
      return [s, []];
    },
    deserialize: (s: Serialized) => {
      if (!s.isError) throw s.value;
      const v = s.value;
      if (v.name === 'LightError' && v.code) {
        const prefix = `${v.code}: `;
        throw new LightError(v.code as LightErrorCode, v.message.startsWith(prefix) ? v.message.slice(prefix.length) : v.message, (v.details ?? {}) as Record<string, unknown>);
      }
      throw Object.assign(new Error(v.message), { name: v.name, code: v.code });
    },
  } as never);
}

export function createWorkerApi(): LightClientWorkerApi {
  let client: LightClient | null = null;
  const c = (): LightClient => {
    if (!client) throw new Error('call start() first');
    return client;
  };
  return {
    async start(options) {
      if (client) await client.close();
      client = await createLightClient(options);
      return client.head();
    },
    head: () => c().head(),
    sync: (h) => c().sync(h),
    getState: (k, o) => c().getState(k, o),
    getAccount: (a, o) => c().getAccount(a, o),
    getParams: () => c().getParams(),
    walletAddress: () => c().walletAddress(),
    createWallet: (o) => c().createWallet(o),
    importWallet: (k) => c().importWallet(k),
    transfer: (req, onProgress) => c().transfer(req, onProgress ? (s) => void onProgress(s) : undefined),
    onHead: (l) => proxy(c().onHead((h) => void l(h))),
    onConflict: (l) => proxy(c().onConflict((r) => void l(r))),
    conflict: () => c().conflict(),
    sources: () => c().sources(),
    stats: () => c().stats(),
    storageEstimate: () => c().storageEstimate(),
    async close() {
      await client?.close();
      client = null;
    },
  };
}

/** In the worker: serves the API on `endpoint` (default: the worker's global scope). */
export function exposeLightClient(endpoint?: Endpoint): void {
  installErrorTransfer();
  expose(createWorkerApi(), endpoint);
}

/** On the page: the worker's API. Wrap callbacks with `proxy()` from comlink (re-exported). */
export function connectLightClientWorker(endpoint: Endpoint): Remote<LightClientWorkerApi> {
  installErrorTransfer();
  return wrap<LightClientWorkerApi>(endpoint);
}

export { proxy };
