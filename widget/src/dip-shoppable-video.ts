/**
 * `<dip-shoppable-video>`: shoppable hotspots over any `<video>`.
 *
 * Wrap the site's video, or point at it:
 * ```html
 * <script type="module" src="dip-shoppable-video.js"></script>
 * <dip-shoppable-video src="props.json">
 *   <video src="film.mp4" controls><track kind="metadata" src="props.vtt" default></video>
 * </dip-shoppable-video>
 * <!-- or --> <video id="film" …></video> <dip-shoppable-video for="film"></dip-shoppable-video>
 * ```
 * Annotations (ANNOTATIONS.md) come from `src` and/or the video's `<track kind="metadata">`
 * children. Hotspots follow the video per presented frame (`requestVideoFrameCallback`, rAF
 * where missing), seeks, rate changes, resizes and `object-fit`/`object-position`. Everything from
 * an annotation is rendered as text (Lit text bindings; no innerHTML).
 *
 * @attr src - URL of a JSON annotation document.
 * @attr for - id of the `<video>` to annotate (in the same document or shadow root) instead of the slotted one.
 *   Placed inside a `<media-controller>` (media-chrome), the element sets `noautohide` on itself so
 *   the hotspots stay while the controls auto-hide during playback.
 * @slot - the `<video>` (or a wrapper containing it, e.g. `<media-controller>`).
 * @fires dip-hotspot-shown - `{ id, label, product, time }` each time a prop's hotspot appears.
 * @fires dip-hotspot-click - `{ id, label, product, time, via: 'hotspot' | 'list' }` on a hotspot or scene-list activation;
 *   cancelable: unless the host calls `preventDefault()`, the product panel opens (when a light client is configured).
 * @fires dip-order-placed - from the product panel: the order is on chain; forward `shipping` + `salt` to the producer.
 * @attr chain-id, checkpoint, relay, bootstrap - the chain and sources (the wallet checks the checkpoint against its own).
 * @attr wallet - URL of the wallet frame (`dipnet-wallet-frame.html`); default: the one the embed bundle ships beside itself.
 *   Products open in that cross-origin frame, and payments are signed in the wallet's own window: no script on the page
 *   can reach the viewer's key or sign.
 * @attr same-origin-wallet - opt-in: run the light client and keep the key in this page instead (with `worker`, or
 *   set the `shop` property). Any script on the page can then sign from the wallet: only for a site that runs its own wallet.
 * @attr stale-after - seconds after which a verified head counts as stale (default 150, kept within 1 s – 1 day): buying waits for a newer block.
 * @attr confirm-wait - seconds a sent payment may take to be proven in a verified block before the panel says
 *   "Payment sent — not confirmed yet" (`dip-purchase-pending`; default 30, kept within 1–600; the outcome is still reported later).
 * @attr metadata-base - base URL for products' relative metadata URIs (default: the page's).
 * @attr locale - BCP 47 locale of the panel (en, ko; default: the document's lang).
 * @attr pause-on-open - pause the video while the product panel is open.
 * @csspart panel - the product panel.
 * @fires dip-annotations-loaded - `{ source, count }` after a source was read and validated.
 * @fires dip-error - `{ source, path, message }` when a source is unreadable or malformed; its props are dropped.
 * @csspart overlay - the layer over the video's box.
 * @csspart hotspot - a hotspot button (also `hotspot-occluded` when the prop is occluded).
 * @csspart outline - the outline of a prop while paused.
 * @csspart hotspot-card - the small card a hovered or focused hotspot shows (label; the price only once verified).
 * @csspart scene - the "shop this scene" container; @csspart scene-toggle - its disclosure button.
 * @csspart scene-list - the list of props in the current scene; @csspart scene-item - one entry's button.
 * @csspart error - the error message.
 * @cssproperty [--dip-hotspot-size=28px] - hotspot diameter (kept ≥ 24px for WCAG 2.5.8).
 * @cssproperty [--dip-hotspot-color=#fff] - hotspot fill.
 * @cssproperty [--dip-hotspot-ring=rgba(0,0,0,.55)] - hotspot ring.
 * @cssproperty [--dip-accent=#ffb400] - focus ring and outline colour.
 * @cssproperty [--dip-panel-bg=rgba(20,20,20,.85)] - scene list background; [--dip-panel-fg=#fff] its text.
 * @cssproperty [--dip-font=system-ui, sans-serif] - font of the scene list.
 * @cssproperty [--dip-overlay-z=2] - z-index of the overlay.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { AnnotationDocument, Prop } from './annotations.ts';
import type { ShopClient } from './shop/shop-client.ts';
import { lazyShop } from './shop/lazy-shop.ts';
import { elementMessagesFor } from './element-messages.ts';
import { formatAmount } from './shop/format.ts';
import { displayText } from './display-text.ts';
import { secondsSince } from '@dipnet/protocol/format';
import { WalletFrameHost } from './wallet/frame-host.ts';
import { confirmWaitMsOf, staleAfterMsOf, type VerifiedProductSummary } from './wallet/protocol.ts';
import { DipEvent, emit, type AnnotationsLoadedDetail, type DipErrorDetail, type HotspotClickDetail, type HotspotDetail } from './events.ts';
import { styles } from './dip-shoppable-video.styles.ts';
import { VideoAttachment } from './controllers/video-attachment.ts';
import { AnnotationLoader } from './controllers/annotation-loader.ts';
import { FrameScheduler } from './controllers/frame-scheduler.ts';
import { HotspotLayout } from './controllers/hotspot-layout.ts';
import { HotspotCards, TIP_GRACE_MS } from './controllers/hotspot-cards.ts';
import { OrderOutcomes } from './controllers/order-outcomes.ts';

export { DipEvent, type AnnotationsLoadedDetail, type DipErrorDetail, type HotspotClickDetail, type HotspotDetail } from './events.ts';

export const TAG = 'dip-shoppable-video';

/**
 * The product dialog (`<dip-product-panel>`: the card, the purchase flow, tracking) loads on first
 * need, so a page that only plays video with hotspots does not pay for it. Properties the element
 * sets on it before its definition arrives are taken over when it upgrades.
 */
let panelModule: Promise<unknown> | null = null;
const loadPanel = (): void => {
  panelModule ??= import('./shop/dip-product-panel.ts').catch((e: unknown) => {
    panelModule = null; // let a later open try again
    throw e;
  });
  panelModule.catch(() => undefined);
};

export class DipShoppableVideo extends LitElement {
  static override properties = {
    src: { type: String, reflect: true },
    for: { type: String, reflect: true },
    chainId: { type: String, attribute: 'chain-id' },
    checkpoint: { type: String },
    relay: { type: String },
    bootstrap: { type: String },
    worker: { type: String },
    wallet: { type: String },
    sameOriginWallet: { type: Boolean, attribute: 'same-origin-wallet' },
    metadataBase: { type: String, attribute: 'metadata-base' },
    staleAfter: { type: Number, attribute: 'stale-after' },
    confirmWait: { type: Number, attribute: 'confirm-wait' },
    locale: { type: String },
    pauseOnOpen: { type: Boolean, attribute: 'pause-on-open' },
  };

  static override styles = styles;

  /** URL of a JSON annotation document (attribute `src`). */
  declare src: string | null;
  /** id of the `<video>` to annotate instead of the slotted one (attribute `for`). */
  declare for: string | null;
  /** Chain id the light client verifies (attribute `chain-id`). */
  declare chainId: string | null;
  /** Trusted checkpoint the site pins: the genesis hash or a recent header hash (64 hex). */
  declare checkpoint: string | null;
  /** Relay URLs, space-separated (used when libp2p cannot connect). */
  declare relay: string | null;
  /** Node multiaddrs, space-separated (libp2p over WebSockets / WebRTC-direct). */
  declare bootstrap: string | null;
  /** URL of the light-client worker script (see README); default: the one the embed bundle ships beside itself. */
  declare worker: string | null;
  /** Base URL for products' relative metadata URIs (default: the page's). */
  declare metadataBase: string | null;
  /** Seconds after which the verified head is stale (attribute `stale-after`, default 150). */
  declare staleAfter: number | null;
  /** Seconds a sent payment may take to be proven before the panel reports it pending (attribute `confirm-wait`, default 30). */
  declare confirmWait: number | null;
  /** URL of the wallet frame page (attribute `wallet`); default: `DipShoppableVideo.defaultWallet`. */
  declare wallet: string | null;
  /** Opt-in: the light client and the key in this page (attribute `same-origin-wallet`). */
  declare sameOriginWallet: boolean;

  /** The wallet frame used when the element has no `wallet` attribute: the embed bundle sets it to the one built beside itself. */
  static defaultWallet: string | null = null;

  /**
   * The worker used when the element has no `worker` attribute: the embed bundle
   * (`npm run build -w widget`) sets it to the worker script built beside itself.
   */
  static defaultWorker: string | null = null;
  declare locale: string | null;
  /** Pause the video while the product panel is open. */
  declare pauseOnOpen: boolean;
  /** Verified chain access; set it to share one light client between elements (else made from the attributes). */
  shop: ShopClient | null = null;
  #open: { product: string; label: string } | null = null;

  #paused = true;
  #listOpen = false;
  /** Props seen so far, newest first: the list for later when no overlay can be drawn (PiP, native fullscreen). */
  #seen = new Map<string, Prop>();

  /** The props and errors of every annotation source. */
  #annotations = new AnnotationLoader(this, () => {
    this.#layout.refresh();
    this.requestUpdate();
  });

  /** The annotated video and what it (and its player) does. */
  #attachment = new VideoAttachment(this, {
    detaching: () => this.#frames.cancel(),
    attached: (video) => {
      this.#paused = video.paused;
      this.#listOpen = video.paused;
      this.#frames.schedule();
      this.#layout.tick();
    },
    changed: () => this.#layout.tick(),
    setPaused: (paused) => this.#setPaused(paused),
    isPaused: () => this.#paused,
    isListOpen: () => this.#listOpen,
    openList: () => {
      this.#listOpen = true;
      this.requestUpdate();
    },
    trackLoaded: (el) => this.#annotations.readTrack(el),
    trackFailed: (el) => this.#annotations.trackFailed(el),
    found: () => {
      if (this.#annotations.clearError('video')) this.requestUpdate();
    },
    missing: (message) => {
      const detail: DipErrorDetail = { source: 'video', path: '', message };
      this.#annotations.setError('video', detail);
      this.requestUpdate();
      this.#emit<DipErrorDetail>(DipEvent.error, detail);
    },
  });

  /** Per presented frame: place the hotspots for the frame's media time. */
  #frames = new FrameScheduler(this, () => this.#attachment.video, (t) => this.#layout.tick(t));

  /** What is in frame and where its hotspots go. */
  #layout = new HotspotLayout(this, {
    video: () => this.#attachment.video,
    props: () => this.props,
    paused: () => this.#paused,
    framed: (visible, before, t) => {
      this.#cards.keepIf(new Set(visible.map((v) => v.prop.id)));
      for (const v of visible) {
        if (!this.#seen.has(v.prop.id)) {
          this.#seen.set(v.prop.id, v.prop);
          if (this.#listOpen) this.requestUpdate();
        }
        if (!before.has(v.prop.id)) {
          this.#emit<HotspotDetail>(DipEvent.hotspotShown, { id: v.prop.id, label: v.prop.label, product: v.prop.product, time: t });
        }
      }
    },
  });

  /** Orders proven on chain reach the site; the page remembers a payment still to be proven. */
  #outcomes = new OrderOutcomes(this, () => this.#mode() === 'same-origin');

  /** The hover cards; a hover or focus often precedes a click: fetch the dialog (or load the wallet frame) meanwhile. */
  #cards = new HotspotCards(this, () => this.#open !== null, () => {
    const mode = this.#mode();
    if (mode === 'same-origin') loadPanel();
    else if (mode === 'frame') this.#ensureFrame();
  });

  constructor() {
    super();
    this.src = null;
    this.for = null;
    this.chainId = null;
    this.checkpoint = null;
    this.relay = null;
    this.bootstrap = null;
    this.worker = null;
    this.metadataBase = null;
    this.staleAfter = null;
    this.confirmWait = null;
    this.wallet = null;
    this.sameOriginWallet = false;
    this.locale = null;
    this.pauseOnOpen = false;
  }

  /**
   * Where products open: the wallet frame (the default), or this page (`same-origin-wallet`, or a
   * `shop` set by the site); null when the element lacks what either needs.
   */
  #mode(): 'frame' | 'same-origin' | null {
    if (this.shop || this.sameOriginWallet) return 'same-origin';
    return this.chainId && (this.wallet ?? DipShoppableVideo.defaultWallet) ? 'frame' : null;
  }

  #frameHost: WalletFrameHost | null = null;
  /** Products the wallet frame verified (for hover cards): price, height, time. */
  #verified = new Map<string, VerifiedProductSummary>();

  #ensureFrame(): WalletFrameHost {
    if (!this.#frameHost) {
      this.#frameHost = new WalletFrameHost({
        url: this.wallet ?? DipShoppableVideo.defaultWallet!, target: this,
        onClose: () => this.closeProduct(),
        onVerified: (p) => {
          this.#verified.set(p.id, p);
          this.requestUpdate();
        },
      });
      this.requestUpdate();
    }
    return this.#frameHost;
  }

  /** The shop client in the same-origin mode: the one set as a property, else the page's shared one for the attributes. */
  #shop(): ShopClient | null {
    if (this.#mode() !== 'same-origin') return null;
    if (this.shop) return this.#outcomes.watch(this.shop);
    const worker = this.worker ?? DipShoppableVideo.defaultWorker;
    if (!this.chainId || !this.checkpoint || !worker || (!this.relay && !this.bootstrap)) return null;
    const split = (v: string | null) => (v ?? '').split(/\s+/).filter(Boolean);
    const confirmWaitMs = confirmWaitMsOf(this.confirmWait);
    const staleAfterMs = staleAfterMsOf(this.staleAfter);
    this.shop = lazyShop({
      worker, chainId: this.chainId, checkpoint: this.checkpoint, relays: split(this.relay), multiaddrs: split(this.bootstrap),
      ...(this.metadataBase ? { metadataBase: this.metadataBase } : {}),
      ...(staleAfterMs ? { staleAfterMs } : {}),
      ...(confirmWaitMs ? { confirmWaitMs } : {}),
    });
    return this.#outcomes.watch(this.shop);
  }

  #opener: HTMLElement | null = null;

  /** Opens the product panel for a product contract id (as a hotspot click does). */
  openProduct(product: string, label = '', opener?: HTMLElement): void {
    const mode = this.#mode();
    if (mode === 'same-origin' && !this.#shop()) return;
    if (mode === null) return;
    if (mode === 'frame') {
      const split = (v: string | null) => (v ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
      const confirmWaitMs = confirmWaitMsOf(this.confirmWait);
      const staleAfterMs = staleAfterMsOf(this.staleAfter);
      this.#ensureFrame().open({
        product: product.toLowerCase(), label: label.slice(0, 200), chainId: this.chainId!, relays: split(this.relay), multiaddrs: split(this.bootstrap),
        ...(this.checkpoint ? { checkpoint: this.checkpoint } : {}), ...(this.locale ? { locale: this.locale } : {}),
        metadataBase: new URL(this.metadataBase ?? document.baseURI, document.baseURI).href,
        ...(staleAfterMs ? { staleAfterMs } : {}),
        ...(confirmWaitMs ? { confirmWaitMs } : {}),
      });
      // Keyboard users land in the frame (its panel then focuses its first control).
      void this.updateComplete.then(() => this.#frameHost?.frame.focus());
    } else loadPanel();
    this.#opener = opener ?? ((this.renderRoot as ShadowRoot).activeElement as HTMLElement | null) ?? (document.activeElement as HTMLElement | null);
    this.#open = { product, label };
    this.#cards.clear(); // the dialog replaces the card (which, removed, would fire no pointerleave)
    if (this.pauseOnOpen) this.#pause();
    this.requestUpdate();
  }

  /** With media-chrome, ask the controller (so its UI stays in sync); else pause the video. */
  #pause(): void {
    const controller = this.#attachment.mediaController;
    if (controller) controller.dispatchEvent(new Event('mediapauserequest', { bubbles: true, composed: true }));
    else this.#attachment.video?.pause();
  }

  /** Fullscreen through this wrapper (not the bare video), so the overlay stays visible. */
  async toggleFullscreen(): Promise<void> {
    if (document.fullscreenElement === this) await document.exitFullscreen();
    else await this.requestFullscreen();
  }

  closeProduct(): void {
    this.#frameHost?.close();
    this.#open = null;
    this.requestUpdate();
    // Focus returns to what opened the dialog (if it is still there).
    void this.updateComplete.then(() => { if (this.#opener?.isConnected) this.#opener.focus(); });
  }

  /** The annotated video, once found. */
  get video(): HTMLVideoElement | null {
    return this.#attachment.video;
  }

  /** Every prop from every source (props from a metadata track may repeat an id: one per segment). */
  get props(): readonly Prop[] {
    return this.#annotations.props;
  }

  /** The latest annotation error, or null when every source is valid. */
  get error(): DipErrorDetail | null {
    return this.#annotations.error;
  }

  /** Annotations given directly (validated like a file; invalid input fires `dip-error`). */
  set annotations(value: AnnotationDocument | null) {
    this.#annotations.setDocument(value);
  }

  /** Ids of the props whose hotspots are shown now. */
  get visibleIds(): string[] {
    return this.#layout.visible.filter((v) => v.spot).map((v) => v.prop.id);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // media-chrome fades every slotted child but the media while playing and the viewer is idle.
    if (this.parentElement?.localName === 'media-controller' && !this.hasAttribute('noautohide')) this.setAttribute('noautohide', '');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#frameHost?.dispose();
    this.#frameHost = null;
  }

  protected override firstUpdated(): void {
    this.#attachment.resolve();
    // A purchase left unproven by an earlier page (a reload mid-payment): start the light client
    // now, so the order's outcome reaches the site (dip-order-placed) without waiting for a click.
    if (this.#outcomes.pendingFromEarlier) void this.#shop()?.ready().catch(() => undefined);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src')) this.#annotations.loadSrc(this.src);
  }

  protected override updated(changed: PropertyValues<this>): void {
    // (The hotspot layout writes every position after each update: HotspotLayout.hostUpdated.)
    if (changed.has('for') && changed.get('for') !== undefined) this.#attachment.resolve();
  }

  protected override render(): unknown {
    const vis = this.#layout.visible;
    const err = this.error;
    const m = elementMessagesFor(this.locale ?? document.documentElement.lang);
    const now = new Set(vis.map((v) => v.prop.id));
    const earlier = [...this.#seen.values()].filter((p) => !now.has(p.id)).reverse();
    const tip = this.#cards.shown();
    const tipProp = tip ? vis.find((v) => v.prop.id === tip.id)?.prop : undefined;
    // Only a price the light client already proved (never fetched for a hover, never unverified).
    const tipItem = tipProp ? this.#verifiedProduct(tipProp.product.contract) : null;
    const frame = this.#frameHost?.frame;
    return html`
      <slot @slotchange=${this.#attachment.resolve}></slot>
      <div class="overlay" part="overlay">
        ${this.#paused ? vis.map(() => html`<div class="outline" part="outline"></div>`) : nothing}
        ${vis.filter((v) => v.spot).map((v) => html`<button type="button" class="hotspot ${v.box.occluded ? 'occluded' : ''}"
            part=${v.box.occluded ? 'hotspot hotspot-occluded' : 'hotspot'} data-id=${v.prop.id}
            aria-describedby=${tipItem && tipProp?.id === v.prop.id ? 'tip-price' : nothing}
            @pointerenter=${() => this.#cards.on(v.prop.id, 'hover')} @pointerleave=${() => this.#cards.off('hover', TIP_GRACE_MS)}
            @focus=${() => this.#cards.on(v.prop.id, 'focus')} @blur=${() => this.#cards.off('focus', 0)}
            @click=${(e: Event) => this.#activate(v.prop, 'hotspot', e.currentTarget as HTMLElement)}><span class="sr">${displayText(v.prop.label)}</span></button>`)}
        ${tipProp ? html`<div class="tip" part="hotspot-card" role="tooltip" data-id=${tipProp.id}
            @pointerenter=${() => this.#cards.on(tipProp.id, 'card')} @pointerleave=${() => this.#cards.off('card', TIP_GRACE_MS)}>
            <span class="label">${displayText(tipProp.label)}</span>
            ${tipItem ? html`<span class="price" id="tip-price">${formatAmount(tipItem.price, tipItem.currency, this.locale ?? undefined)}</span>
              <span class="ok">${m.verifiedAt(String(tipItem.height), m.ago(secondsSince(tipItem.time)))}</span>` : nothing}
          </div>` : nothing}
        <div class="scene" part="scene" ?hidden=${this.#open !== null || (vis.length === 0 && earlier.length === 0)}>
          <button type="button" part="scene-toggle" aria-expanded=${this.#listOpen ? 'true' : 'false'} aria-controls="scene-list"
            @click=${this.#toggleList}>${m.shopThisScene(vis.length)}</button>
          <ul id="scene-list" part="scene-list" aria-label=${m.productsInScene} ?hidden=${!this.#listOpen}>
            ${vis.map((v) => html`<li><button type="button" part="scene-item" data-id=${v.prop.id}
                @click=${(e: Event) => this.#activate(v.prop, 'list', e.currentTarget as HTMLElement)}><span class="text">${displayText(v.prop.label)}</span></button></li>`)}
            ${earlier.length ? html`<li class="earlier" part="scene-earlier">${m.seenEarlier}</li>` : nothing}
            ${earlier.map((p) => html`<li><button type="button" part="scene-item scene-item-earlier" data-id=${p.id}
                @click=${(e: Event) => this.#activate(p, 'list', e.currentTarget as HTMLElement)}><span class="text">${displayText(p.label)}</span></button></li>`)}
          </ul>
        </div>
        <p class="error" part="error" role="status" ?hidden=${!err}>${err ? (err.source === 'video' ? err.message : `Annotations not loaded: ${err.message}`) : ''}</p>
        ${frame ? html`<div class="panel wallet" ?hidden=${this.#open === null}>${frame}</div>` : nothing}
        ${this.#open && !frame ? html`<dip-product-panel part="panel" class="panel" role="dialog" aria-label=${this.#open.label}
            .client=${this.#shop()} .product=${this.#open.product} .label=${this.#open.label} .locale=${this.locale}
            @dip-panel-close=${() => this.closeProduct()}></dip-product-panel>` : nothing}
      </div>
    `;
  }

  #setPaused(paused: boolean): void {
    this.#paused = paused;
    // On pause, offer the scene's list; on play, fold it unless the viewer is using it.
    if (paused) this.#listOpen = true;
    else if (!this.renderRoot.querySelector('.scene')?.contains((this.renderRoot as ShadowRoot).activeElement)) this.#listOpen = false;
    this.#frames.schedule();
    this.#layout.refresh();
  }

  /** A product's proven price for a hover card: from the wallet frame, or the same-origin light client; never fetched for a hover. */
  #verifiedProduct(contract: string): VerifiedProductSummary | null {
    return this.#verified.get(contract.toLowerCase()) ?? this.#shop()?.cachedProduct?.(contract) ?? null;
  }

  #toggleList = (): void => {
    this.#listOpen = !this.#listOpen;
    this.requestUpdate();
  };

  #activate(prop: Prop, via: 'hotspot' | 'list', opener?: HTMLElement): void {
    const go = this.#emit<HotspotClickDetail>(DipEvent.hotspotClick, {
      id: prop.id, label: prop.label, product: prop.product, time: this.#attachment.video?.currentTime ?? 0, via,
    }, true);
    // A host that handles the click itself calls preventDefault().
    if (go) this.openProduct(prop.product.contract, prop.label, opener);
  }

  #emit<T>(type: string, detail: T, cancelable = false): boolean {
    return emit(this, type, detail, cancelable);
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, DipShoppableVideo);

declare global {
  interface HTMLElementTagNameMap { 'dip-shoppable-video': DipShoppableVideo }
  interface HTMLElementEventMap {
    'dip-hotspot-shown': CustomEvent<HotspotDetail>;
    'dip-hotspot-click': CustomEvent<HotspotClickDetail>;
    'dip-annotations-loaded': CustomEvent<AnnotationsLoadedDetail>;
    'dip-error': CustomEvent<DipErrorDetail>;
  }
}
