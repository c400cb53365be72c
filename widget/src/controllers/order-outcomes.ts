/**
 * Order outcomes for `<dip-shoppable-video>` (same-origin wallet): tells the site of every order
 * proven on chain, even one whose payment outlived the purchase flow, and keeps the page's flag
 * that a purchase's outcome is still to be proven, so a reload mid-payment starts the light client
 * at once (which kept the payment).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ShopClient } from '../shop/shop-client.ts';
import { emit } from '../events.ts';

/** The page's flag that it has a purchase whose outcome is still to be proven (the light client keeps the details). */
const pendingMark = (chainId: string): string => `dipnet-pending-orders/${chainId}`;
const readMark = (key: string): boolean => {
  try {
    return globalThis.localStorage?.getItem(key) === '1';
  } catch {
    return false; // storage blocked: the outcome then arrives when the shop is next used
  }
};
const writeMark = (key: string, on: boolean): void => {
  try {
    if (on) globalThis.localStorage?.setItem(key, '1');
    else globalThis.localStorage?.removeItem(key);
  } catch {
    // storage blocked
  }
};

export interface OutcomesHost extends ReactiveControllerHost, HTMLElement {
  readonly chainId: string | null;
}

export class OrderOutcomes implements ReactiveController {
  readonly #host: OutcomesHost;
  /** Whether payments are kept in this page's light client now (the same-origin wallet). */
  readonly #sameOrigin: () => boolean;
  #outcomesOf: ShopClient | null = null;
  #unoutcomes: (() => void) | null = null;

  constructor(host: OutcomesHost, sameOrigin: () => boolean) {
    this.#host = host;
    this.#sameOrigin = sameOrigin;
    host.addController(this);
  }

  hostConnected(): void {
    this.#host.addEventListener('dip-purchase-start', this.#onPurchaseStart);
    for (const t of ['dip-purchase-finalised', 'dip-purchase-failed']) this.#host.addEventListener(t, this.#onPurchaseSettled);
  }

  /** A purchase was left unproven by an earlier page (a reload mid-payment). */
  get pendingFromEarlier(): boolean {
    const chainId = this.#host.chainId;
    return !!chainId && readMark(pendingMark(chainId));
  }

  /**
   * The site learns of every order proven on chain, even one whose payment outlived the purchase
   * flow (the panel may be closed by then): `dip-order-placed` with the shipping details and salt,
   * exactly once (a flow that ends with a proven order tells it itself).
   */
  watch(shop: ShopClient): ShopClient {
    if (this.#outcomesOf === shop) return shop;
    this.#unoutcomes?.();
    this.#outcomesOf = shop;
    this.#unoutcomes = shop.onOrderOutcome?.((o) => {
      this.#onPurchaseSettled();
      if (o.outcome !== 'placed') return;
      emit(this.#host, 'dip-order-placed', {
        orderId: o.orderId, txHash: o.txHash, fee: o.fee, commitment: o.commitment, salt: o.salt, product: o.product, quantity: o.quantity, shipping: o.shipping, provenLate: true,
      });
    }) ?? null;
    return shop;
  }

  /**
   * A payment began: remember (not secret: a flag) that this page may have one to resolve, so a
   * reload before it is settled starts the light client at once (which kept the payment). The flag
   * goes once the light client has nothing pending.
   */
  #onPurchaseStart = (): void => {
    const chainId = this.#host.chainId;
    // Only the same-origin wallet keeps payments in this page's light client.
    if (chainId && this.#sameOrigin()) writeMark(pendingMark(chainId), true);
  };

  #onPurchaseSettled = (): void => {
    const shop = this.#outcomesOf;
    void shop?.pendingOrders?.().then((left) => {
      const chainId = this.#host.chainId;
      if (left.length === 0 && chainId) writeMark(pendingMark(chainId), false);
    }, () => undefined);
  };
}
