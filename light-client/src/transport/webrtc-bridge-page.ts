/**
 * The page side of the WebRTC-direct bridge. Chromium has no `RTCPeerConnection` in dedicated
 * workers, so the page's main thread runs a small libp2p node (WebRTC-direct transport only) and
 * carries the light client's request/response frames to nodes on the worker's behalf, over a
 * MessagePort (comlink). It reuses `Libp2pWire` (libp2p.ts) unchanged.
 *
 * The page moves bytes only: it neither decodes nor checks anything, and the worker treats it as
 * no more trusted than a relay (it verifies every header, commit and proof itself, and any error
 * the page reports is just "unavailable"). The worker side is webrtc-bridge-worker.ts.
 *
 *   const lc = connectLightClientWorker(worker);
 *   const bridge = await startWebRtcBridge(lc);   // before lc.start(): /webrtc-direct addrs go through it
 *   await lc.start({ …, multiaddrs });
 */
import { expose, releaseProxy, transfer, type Remote } from 'comlink';
import { Libp2pConnector, Libp2pWire } from './libp2p.ts';

/** A `heads` stream's events, all on one port so they arrive in order. */
export type BridgeHeadsEvent =
  | { readonly type: 'open' }
  | { readonly type: 'bytes'; readonly bytes: Uint8Array }
  | { readonly type: 'end' }
  | { readonly type: 'error'; readonly name: string; readonly message: string };

/** What the page serves to the worker over the bridge port. */
export interface WebRtcBridgeApi {
  /** One exchange: `body` out as one frame on a new `method` stream, the response frame's payload back as received. */
  request(chainId: string, addr: string, method: string, body: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** Opens a `heads` stream (events to `sink`, a comlink proxy) until `closeHeads(id)` or its end. */
  openHeads(id: number, chainId: string, addr: string, request: Uint8Array, dialTimeoutMs: number, sink: (e: BridgeHeadsEvent) => void): void;
  closeHeads(id: number): void;
}

/** The worker-side API a bridge attaches to (LightClientWorkerApi has it). */
export interface WebRtcBridgeTarget {
  attachWebRtcBridge(port: MessagePort): Promise<void> | void;
}

export interface WebRtcBridge {
  /** The page's libp2p peer id (what nodes see as the browser). */
  peerId(): Promise<string>;
  /** Remote addresses of the page node's open connections. */
  connections(): Promise<string[]>;
  /** Stops the page's libp2p node and closes the port (the worker falls back to its other sources). */
  close(): Promise<void>;
}

export function createWebRtcBridgeApi(connector: Libp2pConnector): { api: WebRtcBridgeApi; close(): void } {
  const wires = new Map<string, Libp2pWire>();
  const heads = new Map<number, AbortController>();
  const wire = (chainId: string, addr: string): Libp2pWire => {
    const key = `${chainId} ${addr}`;
    let w = wires.get(key);
    if (!w) wires.set(key, (w = new Libp2pWire(addr, chainId, connector)));
    return w;
  };
  const api: WebRtcBridgeApi = {
    async request(chainId, addr, method, body, timeoutMs) {
      // A copy of just the frame (it may be a view into a larger buffer libp2p still uses).
      const frame = (await wire(chainId, addr).request(method, body, AbortSignal.timeout(timeoutMs))).slice();
      return transfer(frame, [frame.buffer]);
    },
    openHeads(id, chainId, addr, request, dialTimeoutMs, sink) {
      heads.get(id)?.abort();
      const ac = new AbortController();
      heads.set(id, ac);
      const send = (e: BridgeHeadsEvent): void => void Promise.resolve(sink(e)).catch(() => ac.abort());
      wire(chainId, addr).heads(request, { onOpen: () => send({ type: 'open' }), onBytes: (bytes) => send({ type: 'bytes', bytes: bytes.slice() }) }, ac.signal, dialTimeoutMs).then(
        () => send({ type: 'end' }),
        (e: unknown) => send({ type: 'error', name: (e as Error)?.name ?? 'Error', message: (e as Error)?.message ?? String(e) }),
      ).finally(() => {
        if (heads.get(id) === ac) heads.delete(id);
        (sink as unknown as Partial<Remote<() => void>>)[releaseProxy]?.();
      });
    },
    closeHeads(id) {
      heads.get(id)?.abort();
      heads.delete(id);
    },
  };
  return { api, close: () => { for (const ac of heads.values()) ac.abort(); heads.clear(); } };
}

/**
 * Starts the page's WebRTC-direct node and attaches it to a light-client worker (call before its
 * `start()`). The worker then prefers its `/webrtc-direct` multiaddrs through this bridge and falls
 * back to WebSockets and HTTP when the bridge fails.
 */
export async function startWebRtcBridge(target: Remote<WebRtcBridgeTarget> | WebRtcBridgeTarget): Promise<WebRtcBridge> {
  const connector = new Libp2pConnector('webrtc-direct');
  const { api, close } = createWebRtcBridgeApi(connector);
  const channel = new MessageChannel();
  expose(api, channel.port1);
  await target.attachWebRtcBridge(transfer(channel.port2, [channel.port2]));
  return {
    peerId: async () => (await connector.get()).peerId.toString(),
    connections: async () => (await connector.get()).getConnections().filter((c) => c.status === 'open').map((c) => c.remoteAddr.toString()),
    async close() {
      close();
      channel.port1.close();
      await connector.stop();
    },
  };
}
