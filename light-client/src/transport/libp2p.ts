/**
 * libp2p transport: the node's request/response protocols `/dipnet/<chainId>/<method>/1`
 * (protocol/src/wire.ts) over WebSockets or WebRTC-direct — the transports a browser can dial.
 * One libp2p node per light client, started on first use; connections to a node are reused
 * across requests. Each request is one stream carrying one varint-length-prefixed request
 * frame and one response frame (a `WireResult` envelope keeping the node's error codes).
 *
 * `Libp2pWire` only moves those frames (the page-side WebRTC bridge reuses it as is);
 * `Libp2pSource` is the `WireSource` (wire-source.ts: encoding, decoding, heads, poll fallback)
 * over it.
 */
import { createLibp2p, type Libp2p } from 'libp2p';
import { webSockets } from '@libp2p/websockets';
import { webRTCDirect } from '@libp2p/webrtc';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { Stream } from '@libp2p/interface';
import { WIRE_MAX_RESPONSE_BYTES, WireMethod, encodeFrame, payloadBytes, readOneFrame, wireProtocolId } from '@dipnet/protocol';
import { WireSource, type HeadsHandlers, type WireCarrier, type WireSourceOptions } from './wire-source.ts';

export type Libp2pTransportOptions = WireSourceOptions;

/** The light client's own libp2p node, shared by every libp2p source. */
export class Libp2pConnector {
  private node: Promise<Libp2p> | null = null;

  /** `webrtc-direct`: that transport only (a page's main thread, bridging it into a worker). */
  constructor(private readonly transports: 'all' | 'webrtc-direct' = 'all') {}

  get(): Promise<Libp2p> {
    this.node ??= createLibp2p({
      transports: this.transports === 'webrtc-direct' ? [webRTCDirect()] : [webSockets(), webRTCDirect()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      // Only the multiaddrs the embedding site configured are dialled (no discovery), so allow
      // them even when they are plain ws:// or private addresses (devnets, tests).
      connectionGater: { denyDialMultiaddr: () => false },
      services: { identify: identify() },
    });
    return this.node;
  }

  async stop(): Promise<void> {
    const n = this.node;
    this.node = null;
    if (n) await (await n).stop();
  }
}

/** Frames to and from one node over the connector's libp2p node. */
export class Libp2pWire implements WireCarrier {
  private readonly addr: Multiaddr;

  constructor(addr: string, private readonly chainId: string, private readonly connector: Libp2pConnector) {
    this.addr = multiaddr(addr);
  }

  async request(method: string, body: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    let stream: Stream | undefined;
    try {
      const node = await this.connector.get();
      stream = await node.dialProtocol(this.addr, wireProtocolId(this.chainId, method), { signal });
      const reading = readOneFrame(stream, WIRE_MAX_RESPONSE_BYTES + 16, signal);
      reading.catch(() => {});
      stream.send(encodeFrame(body));
      await stream.close({ signal });
      return await reading;
    } catch (e) {
      stream?.abort(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  }

  async heads(request: Uint8Array, on: HeadsHandlers, signal: AbortSignal, dialTimeoutMs: number): Promise<void> {
    const node = await this.connector.get();
    const stream = await node.dialProtocol(this.addr, wireProtocolId(this.chainId, WireMethod.heads), { signal: AbortSignal.any([signal, AbortSignal.timeout(dialTimeoutMs)]) });
    on.onOpen();
    await new Promise<void>((resolve, reject) => {
      const finish = (err: unknown): void => {
        stream.removeEventListener('message', onMessage);
        stream.removeEventListener('close', onClose);
        signal.removeEventListener('abort', onAbort);
        if (err === null) resolve();
        else reject(err);
      };
      const onMessage = (evt: { data: Uint8Array | { subarray(): Uint8Array } }): void => {
        try {
          on.onBytes(payloadBytes(evt.data));
        } catch (e) {
          stream.abort(e instanceof Error ? e : new Error(String(e)));
          finish(e);
        }
      };
      const onClose = (evt: { error?: Error }): void => finish(evt.error ?? null);
      // Closing our side asks the node to unsubscribe and close its side.
      const onAbort = (): void => {
        stream.close().catch((e: unknown) => stream.abort(e instanceof Error ? e : new Error(String(e))));
        finish(null);
      };
      stream.addEventListener('message', onMessage);
      stream.addEventListener('close', onClose);
      signal.addEventListener('abort', onAbort);
      try {
        stream.send(encodeFrame(request));
      } catch (e) {
        finish(e);
      }
    });
  }
}

export class Libp2pSource extends WireSource {
  declare readonly kind: 'libp2p';

  constructor(addr: string, chainId: string, connector: Libp2pConnector, opts: Libp2pTransportOptions = {}) {
    super(addr, 'libp2p', new Libp2pWire(addr, chainId, connector), opts);
  }
}
