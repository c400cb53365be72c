/**
 * The element's side of the wallet frame: the `<iframe>` on the wallet's origin that shows a
 * product and runs the purchase. The page gives it a product to open and answers its purchase
 * requests; it re-dispatches the frame's events on the element. Messages count only from that
 * iframe's window and the wallet's origin; the frame's shipping details arrive only after the
 * viewer paid, and never a key (the frame has none).
 */
import { FORWARDED_EVENTS, accept, logRefusal, msg, parseFrameToPage, type PageToFrame, type VerifiedProductSummary } from './protocol.ts';

export interface FrameHostOptions {
  /** URL of `dipnet-wallet-frame.html`. */
  readonly url: string;
  /** Where the frame's events are dispatched (the element). */
  readonly target: HTMLElement;
  readonly onClose: () => void;
  /** A product the frame verified (for hover cards). */
  readonly onVerified: (p: VerifiedProductSummary) => void;
}

type OpenRequest = Omit<Extract<PageToFrame, { type: 'open' }>, 'type'>;

export class WalletFrameHost {
  readonly frame: HTMLIFrameElement;
  readonly origin: string;
  #ready = false;
  #queued: OpenRequest | null = null;
  #abort = new AbortController();

  constructor(readonly options: FrameHostOptions) {
    const url = new URL(options.url, document.baseURI);
    this.origin = url.origin;
    const f = document.createElement('iframe');
    f.src = url.href;
    f.title = 'DIPNET checkout';
    f.className = 'wallet-frame';
    f.setAttribute('part', 'panel wallet-frame');
    // The frame sends no referrer path; it learns the page's origin from its messages.
    f.referrerPolicy = 'origin';
    this.frame = f;
    window.addEventListener('message', (e) => this.#onMessage(e), { signal: this.#abort.signal });
  }

  open(request: OpenRequest): void {
    if (!this.#ready) {
      this.#queued = request;
      return;
    }
    this.#post({ type: 'open', ...request });
  }

  close(): void {
    if (this.#ready) this.#post({ type: 'close' });
  }

  dispose(): void {
    this.#abort.abort();
    this.frame.remove();
  }

  #post(body: PageToFrame): void {
    this.frame.contentWindow?.postMessage(msg(body), this.origin);
  }

  #onMessage(e: MessageEvent): void {
    if (e.source === null || e.source !== this.frame.contentWindow) return; // not our frame: not ours to judge
    if (e.origin !== this.origin) {
      logRefusal('element', new Error(`the wallet frame's window now shows another origin (expected ${this.origin})`), e.origin);
      return;
    }
    const m = accept('element', e, parseFrameToPage);
    if (!m) return;
    const { target } = this.options;
    switch (m.type) {
      case 'ready': {
        this.#ready = true;
        const q = this.#queued;
        this.#queued = null;
        if (q) this.#post({ type: 'open', ...q });
        return;
      }
      case 'size':
        this.frame.style.height = `${m.height}px`;
        return;
      case 'event':
        if ((FORWARDED_EVENTS as readonly string[]).includes(m.name)) {
          target.dispatchEvent(new CustomEvent(m.name, { detail: m.detail, bubbles: true, composed: true }));
        }
        return;
      case 'purchase-request': {
        const go = target.dispatchEvent(new CustomEvent('dip-purchase-request', { detail: m.detail, bubbles: true, composed: true, cancelable: true }));
        this.#post({ type: 'purchase-answer', seq: m.seq, go });
        return;
      }
      case 'verified-product':
        this.options.onVerified(m.product);
        return;
      case 'close':
        this.options.onClose();
        return;
    }
  }
}
