/**
 * Dialog focus for an element drawn in its shadow root: focus goes in when it appears and stays
 * in as its content changes, Tab and Shift+Tab cycle inside, Esc asks to close (the host returns
 * focus to what opened it). Every key stops at the dialog, so a surrounding player's shortcuts
 * (space, k, f…) never fire while the viewer types.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const FOCUSABLE = 'button:not([disabled]), input, select, [href], [tabindex]:not([tabindex="-1"])';

export class ModalFocus implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #onEscape: () => void;

  constructor(host: ReactiveControllerHost & HTMLElement, onEscape: () => void) {
    this.#host = host;
    this.#onEscape = onEscape;
  }

  hostConnected(): void {
    this.#host.addEventListener('keydown', this.#onKey);
  }

  hostDisconnected(): void {
    this.#host.removeEventListener('keydown', this.#onKey);
  }

  hostUpdated(): void {
    // Each step replaces the content: keep focus inside the dialog.
    const root = this.#host.shadowRoot;
    const active = root?.activeElement;
    if (!active || !root!.contains(active)) this.focusFirst();
  }

  #focusables(): HTMLElement[] {
    return Array.from(this.#host.shadowRoot?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []);
  }

  /** The first field, else the enabled primary action, else anything but ✕. */
  focusFirst(): void {
    const f = this.#focusables();
    const field = f.find((x) => x instanceof HTMLInputElement || x instanceof HTMLSelectElement);
    const primary = f.find((x) => x.classList.contains('primary'));
    (field ?? primary ?? f.find((x) => !x.classList.contains('close')) ?? f[0])?.focus();
  }

  #onKey = (e: KeyboardEvent): void => {
    e.stopPropagation();
    if (e.key === 'Escape') {
      e.preventDefault();
      this.#onEscape();
      return;
    }
    if (e.key !== 'Tab') return;
    const f = this.#focusables();
    if (f.length === 0) return;
    const active = this.#host.shadowRoot!.activeElement as HTMLElement | null;
    const i = active ? f.indexOf(active) : -1;
    const next = e.shiftKey ? (i <= 0 ? f.length - 1 : i - 1) : (i === f.length - 1 ? 0 : i + 1);
    e.preventDefault();
    f[next]!.focus();
  };
}
