/**
 * libp2p transport: the node's request/response protocols `/dipnet/<chainId>/<method>/1`
 * (protocol/src/wire.ts) over WebSockets or WebRTC-direct — the transports a browser can dial.
 * One libp2p node per light client, started on first use; connections to a node are reused
 * across requests. Each request is one stream carrying one varint-length-prefixed request
 * frame and one response frame (a `WireResult` envelope keeping the node's error codes).
 *
 * `subscribeHeads` follows the node's `heads` push stream (one HeaderWithCommit frame per
 * finalised block), reopening it with backoff when it drops. Only a node that does not speak that
 * protocol is polled instead: a `status` request paced on a timer (default 1 s; no busy loop).
 * Either way the heads are unverified; the client verifies each one before trusting it.
 */
import { createLibp2p, type Libp2p } from 'libp2p';
import { webSockets } from '@libp2p/websockets';
import { webRTCDirect } from '@libp2p/webrtc';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { Stream } from '@libp2p/interface';
import {
  FrameDecoder, LightErrorCode, WIRE_MAX_RESPONSE_BYTES, WireMethod, MAX_HEADERS_PER_REQUEST, wireProtocolId,
  encodeFrame, decodeWireResult, encodeHeadsRequest, decodeHeadEvent, WIRE_MAX_HEAD_FRAME_BYTES, encodeStatusRequest, decodeStatusResponse, encodeHeadersRequest, decodeHeadersResponse,
  encodeValidatorsRequest, decodeValidatorsResponse, encodeProofRequest, decodeProofResponse, encodeSubmitTxRequest,
  decodeSubmitTxResponse, LightError, type StateProofAnswer, type ValidatorSet,
  payloadBytes, readOneFrame,
} from '@dipnet/protocol';
import type { HeadSubscription, LightSource, SignedHeader, SourceStatus } from './types.ts';
import { backoffMs, decodeAs, remoteError, sleep, unavailable } from './util.ts';

export interface Libp2pTransportOptions {
  /** Per-request timeout including the dial (default 10 s). */
  readonly timeoutMs?: number;
  /** Interval of the status poll behind `subscribeHeads` on nodes without the `heads` stream (default 1000 ms). */
  readonly headPollMs?: number;
}

/** The light client's own libp2p node, shared by every libp2p source. */
export class Libp2pConnector {
  private node: Promise<Libp2p> | null = null;

  get(): Promise<Libp2p> {
    this.node ??= createLibp2p({
      transports: [webSockets(), webRTCDirect()],
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

const toBytes = payloadBytes;

export class Libp2pSource implements LightSource {
  readonly kind = 'libp2p' as const;
  readonly id: string;
  private readonly addr: Multiaddr;
  private readonly timeoutMs: number;
  private readonly headPollMs: number;
  private readonly subs = new Set<HeadSubscription>();
  /** How `subscribeHeads` last followed this node (null before it connected). */
  headsVia: 'push' | 'poll' | null = null;

  constructor(addr: string, private readonly chainId: string, private readonly connector: Libp2pConnector, opts: Libp2pTransportOptions = {}) {
    this.addr = multiaddr(addr);
    this.id = addr;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.headPollMs = opts.headPollMs ?? 1000;
  }

  private async request(method: string, body: Uint8Array): Promise<Uint8Array> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let frame: Uint8Array;
    let stream: Stream | undefined;
    try {
      const node = await this.connector.get();
      stream = await node.dialProtocol(this.addr, wireProtocolId(this.chainId, method), { signal });
      const reading = readOneFrame(stream, WIRE_MAX_RESPONSE_BYTES + 16, signal);
      reading.catch(() => {});
      stream.send(encodeFrame(body));
      await stream.close({ signal });
      frame = await reading;
    } catch (e) {
      stream?.abort(e instanceof Error ? e : new Error(String(e)));
      if (e instanceof LightError) throw e;
      throw unavailable(this.id, method, e);
    }
    const result = decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, `${method} response envelope`, this.id, () => decodeWireResult(frame));
    if (result.ok) return result.body;
    throw remoteError(this.id, result.code, result.message, method);
  }

  async status(): Promise<SourceStatus> {
    const body = await this.request(WireMethod.status, encodeStatusRequest());
    const s = decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'status', this.id, () => decodeStatusResponse(body));
    return { chainId: s.chainId, genesisHash: s.genesisHash, height: s.height, headHash: s.headHash };
  }

  async signedHeaders(from: bigint, count: number): Promise<SignedHeader[]> {
    const n = Math.max(1, Math.min(count, MAX_HEADERS_PER_REQUEST));
    const body = await this.request(WireMethod.headers, encodeHeadersRequest({ fromHeight: from, count: n }));
    const r = decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'headers', this.id, () => decodeHeadersResponse(body));
    if (r.items.length > 0 && r.items[0]!.header.height !== from) {
      throw new LightError(LightErrorCode.LC_HEADER_INVALID, `${this.id} answered headers from ${r.items[0]!.header.height}, asked from ${from}`, { source: this.id });
    }
    return [...r.items];
  }

  async signedHeader(height: bigint): Promise<SignedHeader> {
    const [first] = await this.signedHeaders(height, 1);
    if (!first) throw new LightError(LightErrorCode.LC_NOT_AVAILABLE, `${this.id} has no header ${height}`, { source: this.id });
    return first;
  }

  async validatorSet(height: bigint): Promise<ValidatorSet> {
    const body = await this.request(WireMethod.validators, encodeValidatorsRequest({ height }));
    const r = decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'validators', this.id, () => decodeValidatorsResponse(body));
    if (r.height !== height) throw new LightError(LightErrorCode.LC_RESPONSE_MALFORMED, `${this.id} answered validators of height ${r.height}, asked ${height}`, { source: this.id });
    return r.validatorSet;
  }

  async stateProof(rawKey: Uint8Array, height: bigint): Promise<StateProofAnswer> {
    const body = await this.request(WireMethod.proof, encodeProofRequest({ key: rawKey, height }));
    return decodeAs(LightErrorCode.LC_PROOF_MALFORMED, 'state proof', this.id, () => decodeProofResponse(body));
  }

  async submitTx(signedTx: Uint8Array): Promise<Uint8Array> {
    const body = await this.request(WireMethod.submitTx, encodeSubmitTxRequest({ tx: signedTx }));
    return decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'submit-tx', this.id, () => decodeSubmitTxResponse(body)).txHash;
  }

  subscribeHeads(onHead: (h: SignedHeader) => void, onError?: (e: unknown) => void): HeadSubscription {
    const ac = new AbortController();
    void (async () => {
      let attempt = 0;
      while (!ac.signal.aborted) {
        try {
          await this.followPush(onHead, ac.signal, () => { attempt = 0; });
        } catch (e) {
          if (ac.signal.aborted) break;
          if ((e as Error | undefined)?.name === 'UnsupportedProtocolError') return this.followPoll(onHead, onError, ac.signal);
          onError?.(e instanceof LightError ? e : unavailable(this.id, WireMethod.heads, e));
        }
        await sleep(backoffMs(attempt++), ac.signal);
      }
    })();
    const handle: HeadSubscription = { close: () => { ac.abort(); this.subs.delete(handle); } };
    this.subs.add(handle);
    return handle;
  }

  /** One `heads` stream: resolves when the node ends it, rejects on a failure or a malformed frame. */
  private async followPush(onHead: (h: SignedHeader) => void, signal: AbortSignal, onFrame: () => void): Promise<void> {
    const node = await this.connector.get();
    const stream = await node.dialProtocol(this.addr, wireProtocolId(this.chainId, WireMethod.heads), { signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) });
    this.headsVia = 'push';
    await new Promise<void>((resolve, reject) => {
      const decoder = new FrameDecoder(WIRE_MAX_HEAD_FRAME_BYTES);
      const finish = (err: unknown): void => {
        stream.removeEventListener('message', onMessage);
        stream.removeEventListener('close', onClose);
        signal.removeEventListener('abort', onAbort);
        if (err === null) resolve();
        else reject(err);
      };
      const onMessage = (evt: { data: Uint8Array | { subarray(): Uint8Array } }): void => {
        try {
          for (const f of decoder.push(toBytes(evt.data))) {
            onHead(decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'head frame', this.id, () => decodeHeadEvent(f)));
            onFrame();
          }
        } catch (e) {
          stream.abort(e instanceof Error ? e : new Error(String(e)));
          finish(e instanceof LightError ? e : new LightError(LightErrorCode.LC_RESPONSE_MALFORMED, `${this.id} broke the heads framing: ${(e as Error)?.message ?? e}`, { source: this.id }));
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
        stream.send(encodeFrame(encodeHeadsRequest()));
      } catch (e) {
        finish(e);
      }
    });
  }

  /** Fallback for nodes without the `heads` protocol: a paced `status` poll. */
  private async followPoll(onHead: (h: SignedHeader) => void, onError: ((e: unknown) => void) | undefined, signal: AbortSignal): Promise<void> {
    this.headsVia = 'poll';
    let last = -1n;
    while (!signal.aborted) {
      try {
        const s = await this.status();
        if (s.height > last && s.height > 0n) {
          const h = await this.signedHeader(s.height);
          if (signal.aborted) break;
          last = s.height;
          onHead(h);
        }
      } catch (e) {
        if (!signal.aborted) onError?.(e);
      }
      await sleep(this.headPollMs, signal);
    }
  }

  async close(): Promise<void> {
    for (const s of [...this.subs]) s.close();
  }
}
