/**
 * The worker side of the WebRTC-direct bridge (page side: webrtc-bridge-page.ts): a `WireSource`
 * whose frames the embedding page carries to the node over its main-thread WebRTC-direct libp2p
 * node. The page is no more trusted than a relay: its answers are decoded and verified here like
 * any node's, a non-byte answer is malformed, and every error it reports is only "unavailable"
 * (it cannot make the client believe a tx was rejected or trust expired). The worker applies its
 * own timeouts, so a page that never answers costs one timeout and a failover.
 */
import { proxy, type Remote } from 'comlink';
import { LightError, LightErrorCode } from '@dipnet/protocol';
import type { BridgeHeadsEvent, WebRtcBridgeApi } from './webrtc-bridge-page.ts';
import { WireSource, type HeadsHandlers, type WireCarrier, type WireSourceOptions } from './wire-source.ts';

export const WEBRTC_DIRECT = /\/webrtc-direct(\/|$)/;

/** A plain Error for anything the page reports (its name kept only to spot a node without `heads`). */
function fromPage(e: unknown): Error {
  const name = (e as Error | undefined)?.name === 'UnsupportedProtocolError' ? 'UnsupportedProtocolError' : 'Error';
  return Object.assign(new Error(`via the page's WebRTC bridge: ${(e as Error | undefined)?.message ?? String(e)}`), { name });
}

const aborted = (signal: AbortSignal): Promise<never> => new Promise((_, reject) => {
  const fail = (): void => reject(new Error(`timed out (${String(signal.reason?.message ?? signal.reason ?? 'aborted')})`));
  if (signal.aborted) fail();
  else signal.addEventListener('abort', fail, { once: true });
});

let nextHeadsId = 1;

export class WebRtcBridgeWire implements WireCarrier {
  constructor(private readonly bridge: Remote<WebRtcBridgeApi>, private readonly chainId: string, private readonly addr: string, private readonly timeoutMs: number) {}

  async request(method: string, body: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    const answer = this.bridge.request(this.chainId, this.addr, method, body, this.timeoutMs).catch((e: unknown) => { throw fromPage(e); });
    answer.catch(() => {});
    const frame: unknown = await Promise.race([answer, aborted(signal)]);
    if (!(frame instanceof Uint8Array)) {
      throw new LightError(LightErrorCode.LC_RESPONSE_MALFORMED, `the WebRTC bridge answered ${method} with ${typeof frame}, not bytes`, { source: this.addr });
    }
    return frame;
  }

  heads(request: Uint8Array, on: HeadsHandlers, signal: AbortSignal, dialTimeoutMs: number): Promise<void> {
    const id = nextHeadsId++;
    return new Promise<void>((resolve, reject) => {
      let done = false;
      let dial: ReturnType<typeof setTimeout> | undefined;
      const finish = (err: unknown): void => {
        if (done) return;
        done = true;
        clearTimeout(dial);
        signal.removeEventListener('abort', onAbort);
        if (err === null) resolve();
        else reject(err);
      };
      const onAbort = (): void => {
        void this.bridge.closeHeads(id).catch(() => undefined);
        finish(null);
      };
      // A bridge that does not open the stream within the dial timeout is down.
      dial = setTimeout(() => { void this.bridge.closeHeads(id).catch(() => undefined); finish(fromPage(new Error('heads: no answer from the page'))); }, dialTimeoutMs + 1000);
      const sink = (e: BridgeHeadsEvent): void => {
        if (done) return;
        try {
          if (e?.type === 'open') {
            clearTimeout(dial);
            on.onOpen();
          } else if (e?.type === 'bytes' && e.bytes instanceof Uint8Array) {
            on.onBytes(e.bytes);
          } else if (e?.type === 'end') {
            finish(null);
          } else {
            finish(fromPage(e?.type === 'error' ? Object.assign(new Error(e.message), { name: e.name }) : new Error('unexpected heads event')));
          }
        } catch (err) {
          // A malformed frame: stop the page's stream and report it as this source's fault.
          void this.bridge.closeHeads(id).catch(() => undefined);
          finish(err);
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      Promise.resolve(this.bridge.openHeads(id, this.chainId, this.addr, request, dialTimeoutMs, proxy(sink))).catch((e: unknown) => finish(fromPage(e)));
    });
  }
}

/** A node's `/webrtc-direct` multiaddr, reached through the page's bridge. */
export class WebRtcBridgeSource extends WireSource {
  declare readonly kind: 'libp2p-webrtc-bridge';

  constructor(addr: string, chainId: string, bridge: Remote<WebRtcBridgeApi>, opts: WireSourceOptions = {}) {
    super(addr, 'libp2p-webrtc-bridge', new WebRtcBridgeWire(bridge, chainId, addr, opts.timeoutMs ?? 10_000), opts);
  }
}
