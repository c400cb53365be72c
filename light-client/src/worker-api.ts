/**
 * The light client behind comlink, for a dedicated Web Worker (verification off the main thread),
 * over whichever light-client factory the worker bundle chose: `@dipnet/light-client/worker`
 * (createLightClient: relays, libp2p WebSockets, the page's WebRTC bridge) or
 * `@dipnet/light-client/worker-relay-only` (no libp2p in the worker's bundle; the page's WebRTC
 * bridge still works, since the page dials).
 *
 *   // worker.js (bundled):   import { exposeLightClient } from '@dipnet/light-client/worker'; exposeLightClient();
 *   // page:                  const lc = connectLightClientWorker(new Worker(url, { type: 'module' }));
 *   //                        await lc.start({ chainId, trust, trustingPeriodMs, multiaddrs, relays });
 *   // optional, before start(): await startWebRtcBridge(lc)   (@dipnet/light-client/webrtc-bridge)
 *
 * Chromium has no RTCPeerConnection in dedicated workers: with a bridge attached, the worker
 * reaches the `/webrtc-direct` multiaddrs through the page's main-thread libp2p node (asked first,
 * kind `libp2p-webrtc-bridge`), and its own libp2p (WebSockets) and the relays after it.
 *
 * Everything crossing the boundary is structured-clone data (bigint, Uint8Array, plain objects);
 * callbacks go through `proxy()`. Errors keep their `code` and `details` across the boundary.
 */
import { expose, wrap, proxy, transferHandlers, type Endpoint, type Remote } from 'comlink';
import { WEBRTC_DIRECT, WebRtcBridgeSource } from './transport/webrtc-bridge-worker.ts';
import type { WebRtcBridgeApi } from './transport/webrtc-bridge-page.ts';
import { BaseError, DipnetError, LightError, type ErrorCode, type LightErrorCode } from '@dipnet/protocol';
import { LIGHT_CLIENT_DATA_METHODS, type LightClient, type LightClientDataMethod, type LightClientOptions, type VerifiedHead } from './api.ts';

/** Options that can cross a worker boundary (no functions or class instances). */
export type WorkerLightClientOptions = Omit<LightClientOptions, 'store' | 'sources' | 'preferredSources' | 'verifier' | 'now' | 'logger' | 'relayOptions'> & {
  readonly store?: 'memory' | 'indexeddb';
};

/**
 * The worker's API: LightClient itself (derived, never restated: a new read in LightClient is
 * here too), less `chainId`, plus what only a worker has. Members that take callbacks (`transfer`,
 * `placeOrder`…, `watchOrder`, `onHead`…) want them wrapped with `proxy()` on the page, and the
 * unsubscribe functions they return are proxies.
 */
export interface LightClientWorkerApi extends Omit<LightClient, 'chainId'> {
  start(options: WorkerLightClientOptions): Promise<VerifiedHead>;
  /** The page's WebRTC-direct bridge (`startWebRtcBridge` does this); used by the next `start()`. */
  attachWebRtcBridge(port: MessagePort): void;
}

let errorTransferInstalled = false;

/**
 * A serialised error as its class again: LightError and DipnetError by name (contract lookups throw
 * the chain's codes: PRODUCT_UNKNOWN, PARAMS_INVALID…), any other coded error as a BaseError of the
 * same name, code and details; an error without a code stays a plain Error.
 */
function rebuildError(v: { name: string; message: string; code?: string; details?: unknown }): Error {
  const details = (v.details ?? undefined) as Record<string, unknown> | undefined;
  if (v.name === 'LightError' && v.code) return new LightError(v.code as LightErrorCode, v.message, details ?? {});
  if (v.name === 'DipnetError' && v.code) return new DipnetError(v.code as ErrorCode, v.message, details);
  const e = typeof v.code === 'string' && v.code ? new BaseError(v.code, v.message, { details }) : new Error(v.message);
  e.name = v.name;
  return e;
}

/** Makes thrown errors keep their name, `code`, message and `details` across comlink (call on both sides). */
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
      throw rebuildError(s.value);
    },
  } as never);
}

/** Makes a light client from options: createLightClient, or createRelayOnlyLightClient for a bundle without libp2p. */
export type LightClientFactory = (options: LightClientOptions) => Promise<LightClient>;

/** The worker's API over light clients made by `create`. */
export function createWorkerApiWith(create: LightClientFactory): LightClientWorkerApi {
  let client: LightClient | null = null;
  let bridge: Remote<WebRtcBridgeApi> | null = null;
  const c = (): LightClient => {
    if (!client) throw new LightError('LC_CLOSED', 'the light client is not started: call start() first');
    return client;
  };
  // The data methods, forwarded as they are (one per name in LIGHT_CLIENT_DATA_METHODS).
  const forward = (name: LightClientDataMethod) => (...args: unknown[]): unknown => {
    const lc = c();
    return (lc[name] as (...a: unknown[]) => unknown).apply(lc, args);
  };
  const data = Object.fromEntries(Object.keys(LIGHT_CLIENT_DATA_METHODS).map((name) => [name, forward(name as LightClientDataMethod)])) as Pick<LightClient, LightClientDataMethod>;
  return {
    ...data,
    async start(options) {
      // A start that fails leaves no client: a closed one must not answer as if started.
      const previous = client;
      client = null;
      await previous?.close();
      if (!bridge) {
        client = await create(options);
      } else {
        // The worker cannot dial WebRTC itself: those addresses go through the page, first.
        const b = bridge;
        const all = options.multiaddrs ?? [];
        const preferredSources = all.filter((a) => WEBRTC_DIRECT.test(a)).map((a) => new WebRtcBridgeSource(a, options.chainId, b, options.libp2pOptions));
        client = await create({ ...options, multiaddrs: all.filter((a) => !WEBRTC_DIRECT.test(a)), preferredSources });
      }
      return client.head();
    },
    attachWebRtcBridge(port) {
      bridge = wrap<WebRtcBridgeApi>(port);
    },
    // Callbacks arrive as comlink proxies: called without waiting for the page.
    transfer: (req, onProgress) => c().transfer(req, onProgress ? (s) => void onProgress(s) : undefined),
    // Errors handed to onError are plain-cloned: keep the code, message and details.
    watchOrder: (id, l, onError) => proxy(c().watchOrder(id, (t) => void l(t), onError ? (e) => void onError(cloneableError(e)) : undefined)),
    placeOrder: (req, onProgress) => c().placeOrder(req, onProgress ? (s) => void onProgress(s) : undefined),
    fireTransition: (req, onProgress) => c().fireTransition(req, onProgress ? (s) => void onProgress(s) : undefined),
    createProduct: (req, onProgress) => c().createProduct(req, onProgress ? (s) => void onProgress(s) : undefined),
    vote: (req, onProgress) => c().vote(req, onProgress ? (s) => void onProgress(s) : undefined),
    decideResolution: (req, onProgress) => c().decideResolution(req, onProgress ? (s) => void onProgress(s) : undefined),
    onHead: (l) => proxy(c().onHead((h) => void l(h))),
    onSyncProgress: (l) => proxy(c().onSyncProgress((p) => void l(p))),
    onConflict: (l) => proxy(c().onConflict((r) => void l(r))),
    onFreshness: (l) => proxy(c().onFreshness((f) => void l(f))),
    onTxOutcome: (l) => proxy(c().onTxOutcome((o) => void l(o))),
    async close() {
      await client?.close();
      client = null;
    },
  };
}

function cloneableError(e: unknown): { name: string; message: string; code?: string; details?: unknown } {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  let details: unknown;
  try {
    details = structuredClone((e as { details?: unknown }).details);
  } catch {
    details = undefined;
  }
  return { name: e.name, message: e.message, code: (e as { code?: string }).code, details };
}

/** In the worker: serves the API over light clients made by `create` on `endpoint` (default: the worker's global scope). */
export function exposeLightClientWith(create: LightClientFactory, endpoint?: Endpoint): void {
  installErrorTransfer();
  expose(createWorkerApiWith(create), endpoint);
}

/** On the page: the worker's API. Wrap callbacks with `proxy()` from comlink (re-exported). */
export function connectLightClientWorker(endpoint: Endpoint): Remote<LightClientWorkerApi> {
  installErrorTransfer();
  return wrap<LightClientWorkerApi>(endpoint);
}

export { proxy };
