/**
 * The wallet frame's side of the wallet window: opens the window (a popup on the wallet's own
 * origin, where the key lives in first-party storage), hands it the order the viewer confirmed,
 * and relays its progress. Messages count only from that window and from the wallet's origin.
 */
import { toHex } from '@dipnet/protocol';
import { BaseError } from '@dipnet/protocol/base-error';
import { WalletRefusal, accept, logRefusal, msg, parseWindowToFrame, type ChainChoice, type OrderToSign, type WindowToFrame } from './protocol.ts';
import { WALLET_FILES } from './files.ts';
import type { PaymentStage, ShopOrderOutcome, ShopTxHint } from '../shop/shop-client.ts';


/** How long the window may take to load and start before the frame gives up on it. */
const WINDOW_READY_MS = 20_000;

export interface SentOrder { orderId: string; txHash: string; fee: bigint }

/** A pending payment's failure as the panel knows it (LC_TX_PENDING with the order). */
class PendingError extends BaseError<'LC_TX_PENDING', { hash: string; order: { orderId: string } }> {
  override readonly name = 'PendingError';
  constructor(message: string, details: { hash: string; order: { orderId: string } }) {
    super('LC_TX_PENDING', message, { details });
  }
}

/** A failure the wallet window reported, with its code. */
class WindowError extends BaseError {
  override readonly name = 'WindowError';
  constructor(code: string, message: string) {
    super(code, message);
  }
}

export class WalletWindowBridge {
  /** The wallet the window last reported (its address is not secret). */
  address: string | null = null;
  #win: Window | null = null;
  #listener: ((m: WindowToFrame) => void) | null = null;
  #outcomes = new Set<(o: ShopOrderOutcome) => void>();
  /** Orders reported pending, with what the outcome needs to say. */
  #pending = new Map<string, { product: string; quantity: number; commitment: string; salt: string; shipping: Readonly<Record<string, string>> }>();

  constructor(readonly url: string) {}

  /** Whether `source` is the wallet window this bridge opened. */
  owns(source: MessageEventSource | null): boolean {
    return source !== null && source === this.#win;
  }

  /** A message that arrived from this bridge's window (the frame routes it here). */
  receive(e: MessageEvent): void {
    if (e.origin !== location.origin) {
      logRefusal('wallet frame', new WalletRefusal('WALLET_MSG_ORIGIN', 'the wallet window is on another origin'), e.origin);
      return;
    }
    const m = accept('wallet frame', e, parseWindowToFrame);
    if (!m) return;
    if (m.type === 'wallet') this.address = m.address;
    if (m.type === 'outcome') this.#outcome(m);
    this.#listener?.(m);
  }

  /**
   * Opens the wallet window. Must run while the viewer's click still counts as a user activation
   * (browsers allow popups only then); throws WALLET_POPUP_BLOCKED otherwise.
   */
  open(): void {
    if (this.#win && !this.#win.closed) {
      this.#win.focus();
      return;
    }
    // An unguessable name: the embedding page cannot find the window by name and navigate it.
    const name = `dipnet-wallet-${toHex(crypto.getRandomValues(new Uint8Array(8)))}`;
    const win = window.open(new URL(WALLET_FILES.window, this.url).href, name, 'popup,width=440,height=680');
    if (!win) throw new WalletRefusal('WALLET_POPUP_BLOCKED', 'the browser blocked the wallet window (allow pop-ups for this site, or click Pay again)');
    this.#win = win;
  }

  cancel(): void {
    this.#win?.postMessage(msg({ type: 'cancel' }), location.origin);
  }

  /** Has the window sign and send `order`; resolves when the order is proven, rejects as the light client would. */
  placeOrder(chain: ChainChoice, order: OrderToSign, site: string, onStage?: (s: PaymentStage) => void, onHint?: (h: ShopTxHint) => void): Promise<SentOrder> {
    const win = this.#win;
    if (!win || win.closed) return Promise.reject(new WalletRefusal('WALLET_WINDOW_CLOSED', 'the wallet window is not open'));
    return new Promise<SentOrder>((resolve, reject) => {
      let ready = false;
      const done = (): void => {
        clearTimeout(timer);
        clearInterval(closedPoll);
        this.#listener = null;
      };
      const timer = setTimeout(() => {
        if (ready) return;
        done();
        reject(new WalletRefusal('WALLET_WINDOW_UNREACHABLE', 'the wallet window did not answer (a Cross-Origin-Opener-Policy of "same-origin" on the page cuts it off)'));
      }, WINDOW_READY_MS);
      // The viewer may close the window at any point: say so rather than wait forever.
      const closedPoll = setInterval(() => {
        if (!win.closed) return;
        done();
        reject(new WindowError('WALLET_WINDOW_CLOSED', 'the wallet window was closed before the payment was proven; open your wallet to see whether it was sent'));
      }, 400);
      this.#listener = (m) => {
        switch (m.type) {
          case 'window-ready':
            ready = true;
            win.postMessage(msg({ type: 'sign-order', chain, order, site }), location.origin);
            return;
          case 'stage': onStage?.(m.stage); return;
          case 'hint': onHint?.({ source: m.source, says: m.says, code: m.code, ...(m.height !== undefined ? { height: m.height } : {}) }); return;
          case 'placed': done(); resolve({ orderId: m.orderId, txHash: m.txHash, fee: m.fee }); return;
          case 'pending':
            done();
            this.#pending.set(m.orderId, { product: order.product, quantity: order.quantity, commitment: order.commitment, salt: order.salt, shipping: order.shipping });
            reject(new PendingError(m.message, { hash: m.txHash, order: { orderId: m.orderId } }));
            return;
          case 'failed': done(); reject(new WindowError(m.code, m.message)); return;
          default:
        }
      };
    });
  }

  /** Called once per pending order when the window proves its fate. */
  onOrderOutcome(listener: (o: ShopOrderOutcome) => void): () => void {
    this.#outcomes.add(listener);
    return () => this.#outcomes.delete(listener);
  }

  pendingOrders(): { orderId: string; product: string; txHash: string }[] {
    return [...this.#pending].map(([orderId, p]) => ({ orderId, product: p.product, txHash: '' }));
  }

  #outcome(m: Extract<WindowToFrame, { type: 'outcome' }>): void {
    const p = this.#pending.get(m.orderId);
    if (!p) return;
    this.#pending.delete(m.orderId);
    const o: ShopOrderOutcome = { outcome: m.outcome, orderId: m.orderId, txHash: m.txHash, product: p.product, quantity: p.quantity, commitment: p.commitment, salt: p.salt, shipping: p.shipping, fee: m.fee, height: m.height };
    for (const l of this.#outcomes) l(o);
  }
}
