/**
 * Whether a click in the wallet frame can count as the viewer's own: against a host page that
 * makes the frame transparent, covers it with a layer the pointer passes through, or shows it only
 * for the instant of a click (clickjacking).
 *
 * - The event is trusted and carries a user activation (`navigator.userActivation`).
 * - Where IntersectionObserver v2 exists (Chromium), the observed element must be reported
 *   *visible* — unoccluded, unclipped, opacity 1, no transform or filter on it or any ancestor, the
 *   host page's included — and must have been so for `minVisibleMs` before the click, and must still
 *   be so one report later (a layer slid over just before the click shows up there).
 * - Elsewhere (Firefox, Safari): the document must be visible and focused and the element shown for
 *   `minVisibleMs`; the confirm step cannot be covered from inside, and the payment then happens in
 *   the wallet's own top-level window, which no page can overlay.
 */
import { WalletRefusal } from './protocol.ts';

/** IntersectionObserver v2's fields (not yet in TypeScript's DOM types). */
interface VisibilityEntry extends IntersectionObserverEntry { readonly isVisible?: boolean }

const supportsV2 = (): boolean => typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;

export class ClickGuard {
  readonly #minVisibleMs: number;
  readonly #v2 = supportsV2();
  #observer: IntersectionObserver | null = null;
  /** Since when (performance.now()) the element has been reported visible, or null while it is not. */
  #visibleSince: number | null = null;
  #shownAt = performance.now();

  constructor(readonly target: Element, minVisibleMs = 500) {
    this.#minVisibleMs = minVisibleMs;
    if (!this.#v2) return;
    const options = { trackVisibility: true, delay: 100 } as IntersectionObserverInit;
    this.#observer = new IntersectionObserver((entries) => {
      for (const e of entries as VisibilityEntry[]) {
        if (e.isVisible) this.#visibleSince ??= e.time;
        else this.#visibleSince = null;
      }
    }, options);
    this.#observer.observe(target);
  }

  /** How the frame is judged here: for the logs and the README. */
  get mode(): 'intersection-observer-v2' | 'time-and-focus' {
    return this.#v2 ? 'intersection-observer-v2' : 'time-and-focus';
  }

  disconnect(): void {
    this.#observer?.disconnect();
  }

  /** Rejects (WalletRefusal) unless `click` counts as the viewer's; resolves after one more visibility report. */
  async check(click: Event): Promise<void> {
    const at = performance.now();
    if (!click.isTrusted) throw new WalletRefusal('WALLET_NO_GESTURE', 'the click was made by a script, not by the viewer');
    const activation = (navigator as Navigator & { userActivation?: { isActive: boolean } }).userActivation;
    if (activation && !activation.isActive) throw new WalletRefusal('WALLET_NO_GESTURE', 'the click carries no user activation');
    if (!this.#v2) {
      if (document.visibilityState !== 'visible' || !document.hasFocus()) throw new WalletRefusal('WALLET_NOT_VISIBLE', 'the wallet frame was not visible and focused');
      if (at - this.#shownAt < this.#minVisibleMs) throw new WalletRefusal('WALLET_NOT_VISIBLE', `the wallet frame was shown less than ${this.#minVisibleMs} ms before the click`);
      return;
    }
    this.#requireVisible(at, 'at the click');
    // A layer slid over the frame just before the click is reported within one observer delay.
    await new Promise((r) => setTimeout(r, 160));
    this.#requireVisible(at, 'just after the click');
  }

  #requireVisible(clickAt: number, when: string): void {
    const since = this.#visibleSince;
    if (since === null) throw new WalletRefusal('WALLET_NOT_VISIBLE', `the wallet frame was covered, transparent, transformed or clipped ${when}`);
    if (clickAt - since < this.#minVisibleMs) {
      throw new WalletRefusal('WALLET_NOT_VISIBLE', `the wallet frame had been fully visible for ${Math.max(0, Math.round(clickAt - since))} ms, less than ${this.#minVisibleMs} ms, ${when}`);
    }
  }
}
