/**
 * Hover cards for `<dip-shoppable-video>` (WCAG 1.4.13: dismissible, hoverable, persistent): which
 * hotspot's card shows, what keeps it shown (pointer over the hotspot, keyboard focus on it,
 * pointer over the card), the grace time for the pointer to cross between hotspot and card, and
 * Esc (anywhere) hiding it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type TipReason = 'hover' | 'focus' | 'card';
/** How long a card outlives the pointer leaving it or its hotspot, so the pointer can cross between the two. */
export const TIP_GRACE_MS = 300;

export interface CardsHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export class HotspotCards implements ReactiveController {
  readonly #host: CardsHost;
  /** True while cards must not show (the product dialog is open). */
  readonly #blocked: () => boolean;
  /** A hover or focus often precedes a click: the element prepares for one. */
  readonly #intent: () => void;
  /**
   * The card: the prop it is for, what keeps it shown and whether Esc dismissed it.
   */
  #tip: { id: string; via: Set<TipReason>; dismissed: boolean } | null = null;
  #timers = new Map<TipReason, ReturnType<typeof setTimeout>>();

  constructor(host: CardsHost, blocked: () => boolean, intent: () => void) {
    this.#host = host;
    this.#blocked = blocked;
    this.#intent = intent;
    host.addController(this);
  }

  hostConnected(): void {
    // Capture, at the window: Esc dismisses a hover card wherever focus is (even if a player stops the key).
    window.addEventListener('keydown', this.#onKey, true);
  }

  hostDisconnected(): void {
    window.removeEventListener('keydown', this.#onKey, true);
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  /** The card to show now, if any. */
  shown(): { id: string } | null {
    const t = this.#tip;
    return t && t.via.size > 0 && !t.dismissed && !this.#blocked() ? t : null;
  }

  /** No card (the dialog replaces it; removed, it would fire no pointerleave). */
  clear(): void {
    this.#tip = null;
  }

  /** The card's prop left the frame: the card goes too (and must not linger on a stale pointer state). */
  keepIf(inFrame: ReadonlySet<string>): void {
    if (this.#tip && !inFrame.has(this.#tip.id)) {
      this.#tip = null;
      this.#host.requestUpdate();
    }
  }

  on(id: string, why: TipReason): void {
    this.#intent();
    clearTimeout(this.#timers.get(why));
    this.#timers.delete(why);
    if (this.#tip?.id !== id) this.#tip = { id, via: new Set(), dismissed: false };
    // A fresh hover or focus after Esc shows the card again; moving onto the card does not undo Esc.
    if (why !== 'card') this.#tip.dismissed = false;
    this.#tip.via.add(why);
    this.#host.requestUpdate();
  }

  off(why: TipReason, delay: number): void {
    const drop = (): void => {
      this.#timers.delete(why);
      const t = this.#tip;
      if (!t?.via.delete(why)) return;
      if (t.via.size === 0) {
        // Pointer gone: fall back to the card of a hotspot that still has focus.
        const focused = (this.#host.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
        const id = focused?.classList.contains('hotspot') ? focused.dataset.id : undefined;
        this.#tip = id ? { id, via: new Set(['focus']), dismissed: t.dismissed && t.id === id } : null;
      }
      this.#host.requestUpdate();
    };
    clearTimeout(this.#timers.get(why));
    if (delay > 0) this.#timers.set(why, setTimeout(drop, delay));
    else drop();
  }

  #onKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape' || !this.shown()) return;
    // Hides the card only: focus and pointer stay where they are. The removed card fires no
    // pointerleave, so it stops counting as hovered now.
    this.#tip!.dismissed = true;
    this.#tip!.via.delete('card');
    this.#host.requestUpdate();
  };
}
