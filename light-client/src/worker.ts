/**
 * The light client behind comlink, for a dedicated Web Worker (verification off the main thread).
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
import { createLightClient } from './client.ts';
import type {
  ConflictReport, ContractTxStage, Freshness, TxOutcome, CreateProductRequest, DecideResolutionRequest, FireTransitionRequest, GovTxStage, LightClient, LightClientOptions, PlaceOrderRequest,
  SyncProgress, TransferRequest, TransferStage, VerifiedHead, VerifiedOrderTree, VoteRequest,
} from './api.ts';

/** Options that can cross a worker boundary (no functions or class instances). */
export type WorkerLightClientOptions = Omit<LightClientOptions, 'store' | 'sources' | 'preferredSources' | 'verifier' | 'now' | 'logger' | 'relayOptions'> & {
  readonly store?: 'memory' | 'indexeddb';
};

export interface LightClientWorkerApi {
  start(options: WorkerLightClientOptions): Promise<VerifiedHead>;
  /** The page's WebRTC-direct bridge (`startWebRtcBridge` does this); used by the next `start()`. */
  attachWebRtcBridge(port: MessagePort): void;
  head(): VerifiedHead;
  sync(height?: bigint): ReturnType<LightClient['sync']>;
  getState: LightClient['getState'];
  getAccount: LightClient['getAccount'];
  getParams: LightClient['getParams'];
  walletAddress(): string | null;
  createWallet: LightClient['createWallet'];
  importWallet: LightClient['importWallet'];
  transfer(req: TransferRequest, onProgress?: (s: TransferStage) => void): ReturnType<LightClient['transfer']>;
  getTemplate: LightClient['getTemplate'];
  getProduct: LightClient['getProduct'];
  getOrder: LightClient['getOrder'];
  getOrderTree: LightClient['getOrderTree'];
  getReceipt: LightClient['getReceipt'];
  /** Returns a (proxied) unsubscribe function; wrap `listener` and `onError` with `proxy()`. */
  watchOrder(id: string | Uint8Array, listener: (t: VerifiedOrderTree) => void, onError?: (e: unknown) => void): () => void;
  placeOrder(req: PlaceOrderRequest, onProgress?: (s: ContractTxStage) => void): ReturnType<LightClient['placeOrder']>;
  fireTransition(req: FireTransitionRequest, onProgress?: (s: ContractTxStage) => void): ReturnType<LightClient['fireTransition']>;
  createProduct(req: CreateProductRequest, onProgress?: (s: ContractTxStage) => void): ReturnType<LightClient['createProduct']>;
  getGovernance: LightClient['getGovernance'];
  getElection: LightClient['getElection'];
  getCandidateTally: LightClient['getCandidateTally'];
  getHolderBallot: LightClient['getHolderBallot'];
  getResolution: LightClient['getResolution'];
  getResolutions: LightClient['getResolutions'];
  isBoardMember: LightClient['isBoardMember'];
  getToken: LightClient['getToken'];
  getTokenBalance: LightClient['getTokenBalance'];
  vote(req: VoteRequest, onProgress?: (s: GovTxStage) => void): ReturnType<LightClient['vote']>;
  decideResolution(req: DecideResolutionRequest, onProgress?: (s: GovTxStage) => void): ReturnType<LightClient['decideResolution']>;
  /** Returns a (proxied) unsubscribe function. */
  onHead(listener: (h: VerifiedHead) => void): () => void;
  onSyncProgress(listener: (p: SyncProgress) => void): () => void;
  onConflict(listener: (r: ConflictReport) => void): () => void;
  onFreshness(listener: (f: Freshness) => void): () => void;
  freshness: LightClient['freshness'];
  onTxOutcome(listener: (o: TxOutcome) => void): () => void;
  pendingTxs: LightClient['pendingTxs'];
  conflict(): ConflictReport | null;
  sources: LightClient['sources'];
  stats: LightClient['stats'];
  storageEstimate: LightClient['storageEstimate'];
  close(): Promise<void>;
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

export function createWorkerApi(): LightClientWorkerApi {
  let client: LightClient | null = null;
  let bridge: Remote<WebRtcBridgeApi> | null = null;
  const c = (): LightClient => {
    if (!client) throw new LightError('LC_CLOSED', 'the light client is not started: call start() first');
    return client;
  };
  return {
    async start(options) {
      if (client) await client.close();
      if (!bridge) {
        client = await createLightClient(options);
      } else {
        // The worker cannot dial WebRTC itself: those addresses go through the page, first.
        const b = bridge;
        const all = options.multiaddrs ?? [];
        const preferredSources = all.filter((a) => WEBRTC_DIRECT.test(a)).map((a) => new WebRtcBridgeSource(a, options.chainId, b, options.libp2pOptions));
        client = await createLightClient({ ...options, multiaddrs: all.filter((a) => !WEBRTC_DIRECT.test(a)), preferredSources });
      }
      return client.head();
    },
    attachWebRtcBridge(port) {
      bridge = wrap<WebRtcBridgeApi>(port);
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
    getTemplate: (id, o) => c().getTemplate(id, o),
    getProduct: (id, o) => c().getProduct(id, o),
    getOrder: (id, o) => c().getOrder(id, o),
    getOrderTree: (id, o) => c().getOrderTree(id, o),
    getReceipt: (h, o) => c().getReceipt(h, o),
    // Errors handed to onError are plain-cloned: keep the code, message and details.
    watchOrder: (id, l, onError) => proxy(c().watchOrder(id, (t) => void l(t), onError ? (e) => void onError(cloneableError(e)) : undefined)),
    placeOrder: (req, onProgress) => c().placeOrder(req, onProgress ? (s) => void onProgress(s) : undefined),
    fireTransition: (req, onProgress) => c().fireTransition(req, onProgress ? (s) => void onProgress(s) : undefined),
    createProduct: (req, onProgress) => c().createProduct(req, onProgress ? (s) => void onProgress(s) : undefined),
    getGovernance: (o) => c().getGovernance(o),
    getElection: (id, o) => c().getElection(id, o),
    getCandidateTally: (e, a, o) => c().getCandidateTally(e, a, o),
    getHolderBallot: (e, a, o) => c().getHolderBallot(e, a, o),
    getResolution: (id, o) => c().getResolution(id, o),
    getResolutions: (o) => c().getResolutions(o),
    isBoardMember: (a, o) => c().isBoardMember(a, o),
    getToken: (id, o) => c().getToken(id, o),
    getTokenBalance: (t, h, o) => c().getTokenBalance(t, h, o),
    vote: (req, onProgress) => c().vote(req, onProgress ? (s) => void onProgress(s) : undefined),
    decideResolution: (req, onProgress) => c().decideResolution(req, onProgress ? (s) => void onProgress(s) : undefined),
    onHead: (l) => proxy(c().onHead((h) => void l(h))),
    onSyncProgress: (l) => proxy(c().onSyncProgress((p) => void l(p))),
    onConflict: (l) => proxy(c().onConflict((r) => void l(r))),
    onFreshness: (l) => proxy(c().onFreshness((f) => void l(f))),
    freshness: () => c().freshness(),
    onTxOutcome: (l) => proxy(c().onTxOutcome((o) => void l(o))),
    pendingTxs: () => c().pendingTxs(),
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
