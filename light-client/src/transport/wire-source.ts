/**
 * A `LightSource` over the node's request/response protocols `/dipnet/<chainId>/<method>/1`
 * (protocol/src/wire.ts), whatever carries the bytes: the light client's own libp2p node
 * (libp2p.ts), or the page's WebRTC-direct node through a MessagePort (webrtc-bridge-worker.ts).
 * A carrier only moves frames; encoding requests and decoding answers (the `WireResult` envelope,
 * the node's error codes, head frames) happens here, in the light client.
 *
 * `subscribeHeads` follows the node's `heads` push stream (one HeaderWithCommit frame per
 * finalised block), reopening it with backoff when it drops. Only a node that does not speak that
 * protocol is polled instead: a `status` request paced on a timer (default 1 s; no busy loop).
 * Either way the heads are unverified; the client verifies each one before trusting it.
 */
import {
  FrameDecoder, LightError, LightErrorCode, MAX_HEADERS_PER_REQUEST, WIRE_MAX_HEAD_FRAME_BYTES, WireMethod,
  decodeBlockResponse, decodeGenesisCommitment, decodeHeadEvent, decodeHeadersResponse, decodeProofResponse, decodeStatusResponse, decodeSubmitTxResponse, decodeValidatorsResponse, decodeWireResult,
  encodeBlockRequest, encodeGenesisRequest, encodeHeadersRequest, encodeHeadsRequest, encodeProofRequest, encodeStatusRequest, encodeSubmitTxRequest, encodeValidatorsRequest,
  type Block, type GenesisCommitment, type StateProofAnswer, type ValidatorSet,
} from '@dipnet/protocol';
import type { HeadSubscription, LightSource, SignedHeader, SourceKind, SourceStatus } from './types.ts';
import { backoffMs, decodeAs, remoteError, sleep, unavailable } from './util.ts';

/** Moves frames between the light client and one node. Failures may be any error (→ LC_SOURCE_UNAVAILABLE). */
export interface WireCarrier {
  /**
   * One exchange on a new stream for `method`: sends `body` as one frame, resolves with the one
   * response frame's payload as received (a `WireResult` envelope, not decoded).
   */
  request(method: string, body: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
  /**
   * Opens the `heads` stream (calling `onOpen` once it is), sends `request` as its first frame and
   * hands over the bytes that arrive, as they arrive. Resolves when the node ends the stream or
   * `signal` aborts; rejects on a failure, with an error named `UnsupportedProtocolError` when the
   * node does not speak `heads`. `onBytes` throwing ends the stream with that error.
   */
  heads(request: Uint8Array, on: HeadsHandlers, signal: AbortSignal, dialTimeoutMs: number): Promise<void>;
}

export interface HeadsHandlers {
  onOpen(): void;
  onBytes(bytes: Uint8Array): void;
}

export interface WireSourceOptions {
  /** Per-request timeout including the dial (default 10 s). */
  readonly timeoutMs?: number;
  /** Interval of the status poll behind `subscribeHeads` on nodes without the `heads` stream (default 1000 ms). */
  readonly headPollMs?: number;
}

export class WireSource implements LightSource {
  private readonly timeoutMs: number;
  private readonly headPollMs: number;
  private readonly subs = new Set<HeadSubscription>();
  /** How `subscribeHeads` last followed this node (null before it connected). */
  headsVia: 'push' | 'poll' | null = null;

  constructor(readonly id: string, readonly kind: SourceKind, private readonly carrier: WireCarrier, opts: WireSourceOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.headPollMs = opts.headPollMs ?? 1000;
  }

  private async request(method: string, body: Uint8Array): Promise<Uint8Array> {
    let frame: Uint8Array;
    try {
      frame = await this.carrier.request(method, body, AbortSignal.timeout(this.timeoutMs));
    } catch (e) {
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

  async block(height: bigint): Promise<Block> {
    const body = await this.request(WireMethod.block, encodeBlockRequest({ height }));
    return decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'block', this.id, () => decodeBlockResponse(body)).block;
  }

  async genesisCommitment(): Promise<GenesisCommitment> {
    const body = await this.request(WireMethod.genesis, encodeGenesisRequest());
    return decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'genesis commitment', this.id, () => decodeGenesisCommitment(body));
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
    const decoder = new FrameDecoder(WIRE_MAX_HEAD_FRAME_BYTES);
    const onOpen = (): void => { this.headsVia = 'push'; };
    await this.carrier.heads(encodeHeadsRequest(), { onOpen, onBytes: (bytes) => {
      let frames: Uint8Array[];
      try {
        frames = decoder.push(bytes);
      } catch (e) {
        throw new LightError(LightErrorCode.LC_RESPONSE_MALFORMED, `${this.id} broke the heads framing: ${(e as Error)?.message ?? e}`, { source: this.id });
      }
      for (const f of frames) {
        onHead(decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'head frame', this.id, () => decodeHeadEvent(f)));
        onFrame();
      }
    } }, signal, this.timeoutMs);
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
