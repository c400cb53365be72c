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
 * @attr stale-after - seconds after which a verified head counts as stale (default 150): buying waits for a newer block.
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
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { AnnotationError, parseAnnotationText, parseAnnotations, type AnnotationDocument, type Product, type Prop } from './annotations.ts';
import { boxAt, type BoxAt } from './box-at.ts';
import { contentRect } from './content-rect.ts';
import { propsFromCues } from './vtt-cues.ts';
import type { ShopClient } from './shop/shop-client.ts';
import { lazyShop } from './shop/lazy-shop.ts';
import { elementMessagesFor } from './element-messages.ts';
import { formatAmount } from './shop/format.ts';
import { displayText } from './display-text.ts';
import { WalletFrameHost } from './wallet/frame-host.ts';
import type { VerifiedProductSummary } from './wallet/protocol.ts';

export const TAG = 'dip-shoppable-video';

export const DipEvent = {
  hotspotShown: 'dip-hotspot-shown',
  hotspotClick: 'dip-hotspot-click',
  annotationsLoaded: 'dip-annotations-loaded',
  error: 'dip-error',
} as const;

export interface HotspotDetail { id: string; label: string; product: Product; time: number }
export interface HotspotClickDetail extends HotspotDetail { via: 'hotspot' | 'list' }
export interface AnnotationsLoadedDetail { source: string; count: number }
export interface DipErrorDetail { source: string; path: string; message: string }

/**
 * A prop in frame at the current time, with its box in overlay CSS pixels and where its hotspot
 * goes (inside the box, clear of the player's controls), or null while no such place exists.
 */
interface Visible { prop: Prop; box: BoxAt; left: number; top: number; width: number; height: number; spot: { x: number; y: number } | null }

type TipReason = 'hover' | 'focus' | 'card';
/** How long a card outlives the pointer leaving it or its hotspot, so the pointer can cross between the two. */
const TIP_GRACE_MS = 300;

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

/** How long the element waits for a `<video>` to appear before it says so (`dip-error`, source `video`). */
const NO_VIDEO_MS = 10_000;
/** Native `controls`: the height of the browser's control strip at the bottom of the video. */
const NATIVE_CONTROLS_PX = 48;
/** The players' own controls, which hotspots keep clear of (video.js, Plyr, media-chrome). */
const PLAYER_CONTROLS = '.vjs-control-bar, .vjs-big-play-button, .plyr__controls, .plyr__control--overlaid, media-control-bar, [slot="centered-chrome"]';
/** A player's container the element can find the controls in. */
const PLAYER_ROOT = '.video-js, .plyr, media-controller';

interface Rect { x: number; y: number; w: number; h: number }

/**
 * Where a prop's hotspot goes: the centre of the box's visible part when that is clear of every
 * control zone; else the nearest point of that part just clear of a zone (above a control bar,
 * beside a big play button); else nowhere while those controls show (the prop stays in the list).
 */
function spotFor(v: { left: number; top: number; width: number; height: number }, zones: readonly Rect[], r: number, ew: number, eh: number): { x: number; y: number } | null {
  const x0 = Math.max(v.left, 0);
  const x1 = Math.min(v.left + v.width, ew);
  const y0 = Math.max(v.top, 0);
  const y1 = Math.min(v.top + v.height, eh);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const clear = (x: number, y: number): boolean => zones.every((z) => x + r <= z.x || x - r >= z.x + z.w || y + r <= z.y || y - r >= z.y + z.h);
  if (clear(cx, cy)) return { x: cx, y: cy };
  let best: { x: number; y: number } | null = null;
  let bestD = Infinity;
  for (const z of zones) {
    for (const [x, y] of [[cx, z.y - r], [cx, z.y + z.h + r], [z.x - r, cy], [z.x + z.w + r, cy]] as const) {
      if (x < x0 || x > x1 || y < y0 || y > y1 || !clear(x, y)) continue;
      const d = Math.hypot(x - cx, y - cy);
      if (d < bestD) {
        best = { x, y };
        bestD = d;
      }
    }
  }
  return best;
}

const sourceOf = (el: HTMLTrackElement): string => el.getAttribute('src') ?? el.label ?? 'metadata track';

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
    locale: { type: String },
    pauseOnOpen: { type: Boolean, attribute: 'pause-on-open' },
  };

  static override styles = css`
    :host { display: block; position: relative; }
    :host([hidden]) { display: none; }
    /* Inside a player's container (attachToPlayer): cover it, let clicks through to the player. */
    :host([in-player]) { position: absolute; inset: 0; pointer-events: none; }
    .overlay {
      position: absolute; left: 0; top: 0; width: 0; height: 0; overflow: hidden;
      pointer-events: none; z-index: var(--dip-overlay-z, 2); contain: layout style;
    }
    .hotspot {
      --size: max(24px, var(--dip-hotspot-size, 28px));
      position: absolute; left: 0; top: 0; width: var(--size); height: var(--size);
      margin: calc(var(--size) / -2) 0 0 calc(var(--size) / -2); padding: 0;
      border-radius: 50%; border: 3px solid var(--dip-hotspot-ring, rgba(0, 0, 0, .55));
      background: var(--dip-hotspot-color, #fff); cursor: pointer; pointer-events: auto;
      box-shadow: 0 0 0 0 var(--dip-hotspot-color, #fff); animation: dip-pulse 2s ease-out infinite;
      will-change: transform;
    }
    .hotspot.occluded { opacity: .6; }
    .hotspot:focus-visible, .scene button:focus-visible {
      outline: 3px solid var(--dip-accent, #ffb400); outline-offset: 2px;
    }
    .outline {
      position: absolute; left: 0; top: 0; box-sizing: border-box;
      border: 2px solid var(--dip-accent, #ffb400); border-radius: 4px; pointer-events: none;
    }
    .scene {
      position: absolute; right: 8px; top: 8px; max-width: min(18rem, 60%); max-height: calc(100% - 16px); overflow: auto; pointer-events: auto;
      font: 14px/1.3 var(--dip-font, system-ui, sans-serif); color: var(--dip-panel-fg, #fff);
    }
    .scene.left { right: auto; left: 8px; }
    .scene button {
      font: inherit; color: inherit; background: var(--dip-panel-bg, rgba(20, 20, 20, .85)); max-width: 100%; box-sizing: border-box;
      border: 0; border-radius: 4px; padding: 6px 10px; min-height: 24px; cursor: pointer; text-align: start; overflow-wrap: anywhere;
    }
    /* A label may be 200 characters of anything: two lines at most, ellipsized, isolated from the text around it. */
    .text { unicode-bidi: isolate; display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden; overflow-wrap: anywhere; }
    .scene ul { list-style: none; margin: 4px 0 0; padding: 0; display: grid; gap: 2px; }
    .scene li button { width: 100%; }
    .scene li.earlier { font-size: 12px; opacity: .8; padding: 4px 2px 0; }
    :host(:fullscreen) { background: #000; display: flex; align-items: center; justify-content: center; }
    :host(:fullscreen) ::slotted(video) { width: 100%; height: 100%; max-width: none; max-height: none; object-fit: contain; }
    /* A wrapped player made fullscreen through this element (Plyr's fullscreen.container, media-chrome) fills the screen. */
    :host(:fullscreen) ::slotted(:not(video)) { width: 100% !important; height: 100% !important; max-width: none !important; max-height: none !important; }
    .error {
      position: absolute; left: 8px; bottom: 8px; margin: 0; padding: 4px 8px; max-width: 90%;
      font: 12px/1.3 var(--dip-font, system-ui, sans-serif); color: #fff; background: #a00; border-radius: 4px;
    }
    .sr {
      position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap;
    }
    .tip {
      position: absolute; left: 0; top: 0; display: grid; gap: 2px; max-width: 14rem; padding: 4px 8px; pointer-events: auto;
      font: 13px/1.3 var(--dip-font, system-ui, sans-serif); color: var(--dip-panel-fg, #fff);
      background: var(--dip-panel-bg, rgba(20, 20, 20, .92)); border-radius: 4px; box-shadow: 0 2px 8px rgba(0, 0, 0, .4);
    }
    .tip .label { unicode-bidi: isolate; overflow-wrap: anywhere; }
    .tip .price { font-weight: 700; font-variant-numeric: tabular-nums; }
    .tip .ok { font-size: 11px; color: #7ee787; }
    .panel { position: absolute; right: 8px; top: 8px; max-height: calc(100% - 16px); max-width: calc(100% - 16px); pointer-events: auto; }
    .wallet { display: flex; flex-direction: column; }
    .wallet-frame { display: block; flex: 0 1 auto; min-height: 0; width: 24rem; max-width: 100%; height: 160px; border: 0; border-radius: 8px; background: transparent; color-scheme: normal; }
    [hidden] { display: none !important; }
    @keyframes dip-pulse { 70% { box-shadow: 0 0 0 10px transparent; } 100% { box-shadow: 0 0 0 0 transparent; } }
    @media (prefers-reduced-motion: reduce) {
      .hotspot { animation: none; will-change: auto; }
    }
  `;

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

  #video: HTMLVideoElement | null = null;
  #detach: AbortController | null = null;
  #resize: ResizeObserver | null = null;
  #waitFor: MutationObserver | null = null;
  #fetch: AbortController | null = null;
  #frameHandle = 0;
  #rafHandle = 0;
  #sources = new Map<string, Prop[]>();
  #errors = new Map<string, DipErrorDetail>();
  #visible: Visible[] = [];
  #key = '';
  #overlayKey = '';
  #paused = true;
  #listOpen = false;
  /**
   * The hotspot card (WCAG 1.4.13): the prop it is for, what keeps it shown (pointer over the
   * hotspot, keyboard focus on it, pointer over the card) and whether Esc dismissed it.
   */
  #tip: { id: string; via: Set<TipReason>; dismissed: boolean } | null = null;
  #tipTimers = new Map<TipReason, ReturnType<typeof setTimeout>>();
  /** Props seen so far, newest first: the list for later when no overlay can be drawn (PiP, native fullscreen). */
  #seen = new Map<string, Prop>();
  /** Something without the overlay (the bare video, a player's container inside us) is fullscreen. */
  #fullscreenWithout = false;

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
    if (this.shop) return this.#watchOutcomes(this.shop);
    const worker = this.worker ?? DipShoppableVideo.defaultWorker;
    if (!this.chainId || !this.checkpoint || !worker || (!this.relay && !this.bootstrap)) return null;
    const split = (v: string | null) => (v ?? '').split(/\s+/).filter(Boolean);
    this.shop = lazyShop({
      worker, chainId: this.chainId, checkpoint: this.checkpoint, relays: split(this.relay), multiaddrs: split(this.bootstrap),
      ...(this.metadataBase ? { metadataBase: this.metadataBase } : {}),
      ...(this.staleAfter && this.staleAfter > 0 ? { staleAfterMs: this.staleAfter * 1000 } : {}),
    });
    return this.#watchOutcomes(this.shop);
  }

  #outcomesOf: ShopClient | null = null;
  #unoutcomes: (() => void) | null = null;

  /**
   * The site learns of every order proven on chain, even one whose payment outlived the purchase
   * flow (the panel may be closed by then): `dip-order-placed` with the shipping details and salt,
   * exactly once (a flow that ends with a proven order tells it itself).
   */
  #watchOutcomes(shop: ShopClient): ShopClient {
    if (this.#outcomesOf === shop) return shop;
    this.#unoutcomes?.();
    this.#outcomesOf = shop;
    this.#unoutcomes = shop.onOrderOutcome?.((o) => {
      this.#onPurchaseSettled();
      if (o.outcome !== 'placed') return;
      this.#emit('dip-order-placed', {
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
    // Only the same-origin wallet keeps payments in this page's light client.
    if (this.chainId && this.#mode() === 'same-origin') writeMark(pendingMark(this.chainId), true);
  };

  #onPurchaseSettled = (): void => {
    const shop = this.#outcomesOf;
    void shop?.pendingOrders?.().then((left) => {
      if (left.length === 0 && this.chainId) writeMark(pendingMark(this.chainId), false);
    }, () => undefined);
  };

  #opener: HTMLElement | null = null;

  /** Opens the product panel for a product contract id (as a hotspot click does). */
  openProduct(product: string, label = '', opener?: HTMLElement): void {
    const mode = this.#mode();
    if (mode === 'same-origin' && !this.#shop()) return;
    if (mode === null) return;
    if (mode === 'frame') {
      const split = (v: string | null) => (v ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
      this.#ensureFrame().open({
        product: product.toLowerCase(), label: label.slice(0, 200), chainId: this.chainId!, relays: split(this.relay), multiaddrs: split(this.bootstrap),
        ...(this.checkpoint ? { checkpoint: this.checkpoint } : {}), ...(this.locale ? { locale: this.locale } : {}),
        metadataBase: new URL(this.metadataBase ?? document.baseURI, document.baseURI).href,
        ...(this.staleAfter && this.staleAfter > 0 ? { staleAfterMs: Math.round(this.staleAfter * 1000) } : {}),
      });
      // Keyboard users land in the frame (its panel then focuses its first control).
      void this.updateComplete.then(() => this.#frameHost?.frame.focus());
    } else loadPanel();
    this.#opener = opener ?? ((this.renderRoot as ShadowRoot).activeElement as HTMLElement | null) ?? (document.activeElement as HTMLElement | null);
    this.#open = { product, label };
    this.#tip = null; // the dialog replaces the card (which, removed, would fire no pointerleave)
    if (this.pauseOnOpen) this.#pause();
    this.requestUpdate();
  }

  /** With media-chrome, ask the controller (so its UI stays in sync); else pause the video. */
  #pause(): void {
    const controller = this.#controller();
    if (controller) controller.dispatchEvent(new Event('mediapauserequest', { bubbles: true, composed: true }));
    else this.#video?.pause();
  }

  /** The media-chrome `<media-controller>` driving the video, whether it wraps this element or sits inside it. */
  #controller(): Element | null {
    return this.#video?.closest('media-controller') ?? this.closest('media-controller');
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
    return this.#video;
  }

  /** Every prop from every source (props from a metadata track may repeat an id: one per segment). */
  get props(): readonly Prop[] {
    return [...this.#sources.values()].flat();
  }

  /** The latest annotation error, or null when every source is valid. */
  get error(): DipErrorDetail | null {
    return [...this.#errors.values()].at(-1) ?? null;
  }

  /** Annotations given directly (validated like a file; invalid input fires `dip-error`). */
  set annotations(value: AnnotationDocument | null) {
    if (value === null) this.#setSource('annotations', []);
    else this.#load('annotations', () => parseAnnotations(value, 'annotations').props);
  }

  /** Ids of the props whose hotspots are shown now. */
  get visibleIds(): string[] {
    return this.#visible.filter((v) => v.spot).map((v) => v.prop.id);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // media-chrome fades every slotted child but the media while playing and the viewer is idle.
    if (this.parentElement?.localName === 'media-controller' && !this.hasAttribute('noautohide')) this.setAttribute('noautohide', '');
    // Capture, at the window: Esc dismisses a hover card wherever focus is (even if a player stops the key).
    window.addEventListener('keydown', this.#onTipKey, true);
    this.addEventListener('dip-purchase-start', this.#onPurchaseStart);
    for (const t of ['dip-purchase-finalised', 'dip-purchase-failed']) this.addEventListener(t, this.#onPurchaseSettled);
    if (this.hasUpdated) this.#resolveVideo();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.#onTipKey, true);
    for (const t of this.#tipTimers.values()) clearTimeout(t);
    this.#tipTimers.clear();
    this.#attach(null);
    this.#waitFor?.disconnect();
    this.#waitFor = null;
    clearTimeout(this.#noVideoTimer);
    this.#noVideoTimer = undefined;
    this.#fetch?.abort();
    this.#frameHost?.dispose();
    this.#frameHost = null;
  }

  protected override firstUpdated(): void {
    this.#resolveVideo();
    // A purchase left unproven by an earlier page (a reload mid-payment): start the light client
    // now, so the order's outcome reaches the site (dip-order-placed) without waiting for a click.
    if (this.chainId && readMark(pendingMark(this.chainId))) void this.#shop()?.ready().catch(() => undefined);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src')) this.#loadSrc();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('for') && changed.get('for') !== undefined) this.#resolveVideo();
    this.#overlayKey = '';
    this.#place();
  }

  protected override render(): unknown {
    const vis = this.#visible;
    const err = this.error;
    const m = elementMessagesFor(this.locale ?? document.documentElement.lang);
    const now = new Set(vis.map((v) => v.prop.id));
    const earlier = [...this.#seen.values()].filter((p) => !now.has(p.id)).reverse();
    const tip = this.#tipShown();
    const tipProp = tip ? vis.find((v) => v.prop.id === tip.id)?.prop : undefined;
    // Only a price the light client already proved (never fetched for a hover, never unverified).
    const tipItem = tipProp ? this.#verifiedProduct(tipProp.product.contract) : null;
    const frame = this.#frameHost?.frame;
    return html`
      <slot @slotchange=${this.#resolveVideo}></slot>
      <div class="overlay" part="overlay">
        ${this.#paused ? vis.map(() => html`<div class="outline" part="outline"></div>`) : nothing}
        ${vis.filter((v) => v.spot).map((v) => html`<button type="button" class="hotspot ${v.box.occluded ? 'occluded' : ''}"
            part=${v.box.occluded ? 'hotspot hotspot-occluded' : 'hotspot'} data-id=${v.prop.id}
            aria-describedby=${tipItem && tipProp?.id === v.prop.id ? 'tip-price' : nothing}
            @pointerenter=${() => this.#tipOn(v.prop.id, 'hover')} @pointerleave=${() => this.#tipOff('hover', TIP_GRACE_MS)}
            @focus=${() => this.#tipOn(v.prop.id, 'focus')} @blur=${() => this.#tipOff('focus', 0)}
            @click=${(e: Event) => this.#activate(v.prop, 'hotspot', e.currentTarget as HTMLElement)}><span class="sr">${displayText(v.prop.label)}</span></button>`)}
        ${tipProp ? html`<div class="tip" part="hotspot-card" role="tooltip" data-id=${tipProp.id}
            @pointerenter=${() => this.#tipOn(tipProp.id, 'card')} @pointerleave=${() => this.#tipOff('card', TIP_GRACE_MS)}>
            <span class="label">${displayText(tipProp.label)}</span>
            ${tipItem ? html`<span class="price" id="tip-price">${formatAmount(tipItem.price, tipItem.currency, this.locale ?? undefined)}</span>
              <span class="ok">${m.verifiedAt(String(tipItem.height), m.ago(Math.max(0, Math.floor((Date.now() - Number(tipItem.time)) / 1000))))}</span>` : nothing}
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

  // ---- video discovery -------------------------------------------------------------------

  /** The `<video>` this element should annotate now (the `for` target, or the first one in its content). */
  #findVideo(): HTMLVideoElement | null {
    let found: Element | null = null;
    if (this.for) {
      found = (this.getRootNode() as Document | ShadowRoot).getElementById?.(this.for) ?? null;
      // `for` may name a player's element (e.g. <video-js id>) that holds the video.
      if (found && !(found instanceof HTMLVideoElement)) found = found.querySelector('video');
    } else {
      const slot = this.renderRoot.querySelector('slot');
      for (const el of slot?.assignedElements({ flatten: true }) ?? []) {
        found = el instanceof HTMLVideoElement ? el : el.querySelector('video');
        if (found) break;
      }
    }
    return found instanceof HTMLVideoElement ? found : null;
  }

  #resolveVideo = (): void => {
    // Players create their <video> late (videojs() after load) and replace it on source changes:
    // keep watching the content (or, with `for`, the document) for as long as we are connected.
    if (!this.#waitFor && this.isConnected) {
      this.#waitFor = new MutationObserver(() => {
        const v = this.#video;
        if (!v || !v.isConnected || this.#findVideo() !== v) this.#resolveVideo();
      });
      this.#waitFor.observe(this.for ? this.getRootNode() : this, { childList: true, subtree: true });
    }
    const video = this.#findVideo();
    if (video !== this.#video) this.#attach(video);
    if (video) {
      clearTimeout(this.#noVideoTimer);
      this.#noVideoTimer = undefined;
      if (this.#errors.delete('video')) this.requestUpdate();
    } else if (this.isConnected && !this.#noVideoTimer) {
      this.#noVideoTimer = setTimeout(() => {
        if (this.#video || !this.isConnected) return;
        const where = this.for ? `with id "${this.for}"` : 'inside the element';
        const detail: DipErrorDetail = { source: 'video', path: '', message: `no <video> element ${where} appeared within ${NO_VIDEO_MS / 1000} s (a player that makes its <video> later is found whenever it does)` };
        this.#errors.set('video', detail);
        this.requestUpdate();
        this.#emit<DipErrorDetail>(DipEvent.error, detail);
      }, NO_VIDEO_MS);
    }
  };

  #noVideoTimer: ReturnType<typeof setTimeout> | undefined = undefined;

  #attach(video: HTMLVideoElement | null): void {
    this.#detach?.abort();
    this.#resize?.disconnect();
    if (this.#video && this.#frameHandle) this.#video.cancelVideoFrameCallback?.(this.#frameHandle);
    cancelAnimationFrame(this.#rafHandle);
    this.#frameHandle = 0;
    this.#rafHandle = 0;
    this.#video = video;
    if (!video) return;
    const ac = new AbortController();
    this.#detach = ac;
    const opts = { signal: ac.signal };
    const update = (): void => this.#tick();
    for (const type of ['seeking', 'seeked', 'ratechange', 'loadedmetadata', 'loadeddata', 'resize', 'emptied', 'durationchange']) {
      video.addEventListener(type, update, opts);
    }
    video.addEventListener('play', () => this.#setPaused(false), opts);
    video.addEventListener('pause', () => this.#setPaused(true), opts);
    video.addEventListener('ended', () => this.#setPaused(true), opts);
    // Fullscreen of the bare <video> (its own button, a double click) or of a player's container
    // inside this element draws nothing over it. Never take fullscreen away from the viewer: the
    // props seen meanwhile are kept, and the list of them opens when fullscreen ends.
    document.addEventListener('fullscreenchange', () => {
      const fs = document.fullscreenElement;
      if (fs && fs !== this && !fs.contains(this) && (fs === video || fs.contains(video))) this.#fullscreenWithout = true;
      else if (!fs && this.#fullscreenWithout) {
        this.#fullscreenWithout = false;
        this.#listOpen = true;
        this.requestUpdate();
      }
      update();
    }, opts);
    // Where no overlay can be drawn (picture-in-picture, iPhone native fullscreen) the list of
    // props seen keeps them for later.
    for (const type of ['enterpictureinpicture', 'webkitbeginfullscreen']) video.addEventListener(type, () => { this.#listOpen = true; this.requestUpdate(); }, opts);
    this.#resize = new ResizeObserver(update);
    this.#resize.observe(video);
    this.#resize.observe(this);
    for (const el of Array.from(video.querySelectorAll<HTMLTrackElement>('track[kind="metadata"]'))) {
      el.addEventListener('load', () => this.#readTrack(el), opts);
      el.addEventListener('error', () => this.#fail(sourceOf(el), new AnnotationError('', 'the track could not be loaded', sourceOf(el))), opts);
      // Metadata tracks load and fire cues only when not `disabled` (their default).
      if (el.track.mode === 'disabled') el.track.mode = 'hidden';
      if (el.readyState === HTMLTrackElement.LOADED) this.#readTrack(el);
    }
    this.#followController(ac.signal, update);
    this.#paused = video.paused;
    this.#listOpen = video.paused;
    this.#scheduleFrame();
    this.#tick();
  }

  /**
   * media-chrome reflects the player's state as attributes on its controller (`mediapaused`,
   * `mediaispip`, `mediaisfullscreen`): follow them, so the overlay agrees with the player's own
   * UI even when the state changes without a media event reaching us first.
   */
  #followController(signal: AbortSignal, update: () => void): void {
    const controller = this.#controller();
    if (!controller) return;
    // Wrapping the controller: its fullscreen button makes this element fullscreen (with the overlay).
    if (this.contains(controller) && 'fullscreenElement' in controller) (controller as Element & { fullscreenElement: Element }).fullscreenElement = this;
    const sync = (): void => {
      const paused = controller.hasAttribute('mediapaused');
      if (paused !== this.#paused) this.#setPaused(paused);
      // Picture-in-picture draws no overlay: keep the props seen in the list for later.
      if (controller.hasAttribute('mediaispip') && !this.#listOpen) {
        this.#listOpen = true;
        this.requestUpdate();
      }
      update();
    };
    const observer = new MutationObserver(sync);
    observer.observe(controller, { attributes: true, attributeFilter: ['mediapaused', 'mediaispip', 'mediaisfullscreen'] });
    signal.addEventListener('abort', () => observer.disconnect());
  }

  // ---- annotation sources ------------------------------------------------------------------

  #loadSrc(): void {
    this.#fetch?.abort();
    const src = this.src;
    for (const key of [...this.#sources.keys()].filter((k) => k.startsWith('src:'))) this.#sources.delete(key);
    for (const key of [...this.#errors.keys()].filter((k) => k.startsWith('src:'))) this.#errors.delete(key);
    if (!src) return;
    const key = `src:${src}`;
    const ac = new AbortController();
    this.#fetch = ac;
    (async () => {
      const res = await fetch(new URL(src, document.baseURI), { signal: ac.signal, credentials: 'same-origin' });
      if (!res.ok) throw new AnnotationError('', `HTTP ${res.status} fetching the annotation file`, src);
      return res.text();
    })().then(
      (text) => !ac.signal.aborted && this.#load(key, () => parseAnnotationText(text, src).props),
      (e: unknown) => !ac.signal.aborted && this.#fail(key, e instanceof AnnotationError ? e : new AnnotationError('', `could not fetch the annotation file (${(e as Error).message})`, src)),
    );
  }

  #readTrack(el: HTMLTrackElement): void {
    const source = sourceOf(el);
    this.#load(`track:${source}`, () => propsFromCues(Array.from(el.track.cues ?? []) as unknown as VTTCue[], source));
  }

  #load(key: string, read: () => Prop[]): void {
    let props: Prop[];
    try {
      props = read();
    } catch (e) {
      this.#fail(key, e instanceof AnnotationError ? e : new AnnotationError('', String(e), key));
      return;
    }
    this.#errors.delete(key);
    this.#setSource(key, props);
    this.#emit<AnnotationsLoadedDetail>(DipEvent.annotationsLoaded, { source: key.replace(/^\w+:/, ''), count: props.length });
  }

  #fail(key: string, e: AnnotationError): void {
    this.#sources.delete(key);
    const detail = { source: e.source, path: e.path, message: e.message };
    this.#errors.set(key, detail);
    this.#key = '\0';
    this.#tick();
    this.requestUpdate();
    this.#emit<DipErrorDetail>(DipEvent.error, detail);
  }

  #setSource(key: string, props: Prop[]): void {
    this.#sources.set(key, props);
    this.#key = '\0';
    this.#tick();
    this.requestUpdate();
  }

  // ---- per-frame placement -----------------------------------------------------------------

  #setPaused(paused: boolean): void {
    this.#paused = paused;
    // On pause, offer the scene's list; on play, fold it unless the viewer is using it.
    if (paused) this.#listOpen = true;
    else if (!this.renderRoot.querySelector('.scene')?.contains((this.renderRoot as ShadowRoot).activeElement)) this.#listOpen = false;
    this.#scheduleFrame();
    this.#key = '\0';
    this.#tick();
  }

  #scheduleFrame(): void {
    const video = this.#video;
    if (!video) return;
    const rvfc = (video as Partial<Pick<HTMLVideoElement, 'requestVideoFrameCallback'>>).requestVideoFrameCallback;
    if (rvfc) {
      // Fires once per presented frame, also for the frame shown after a seek while paused.
      if (!this.#frameHandle) {
        this.#frameHandle = rvfc.call(video, (_now, meta) => {
          this.#frameHandle = 0;
          this.#tick(video.paused ? undefined : meta.mediaTime);
          this.#scheduleFrame();
        });
      }
    } else if (!video.paused && !this.#rafHandle) {
      this.#rafHandle = requestAnimationFrame(() => {
        this.#rafHandle = 0;
        this.#tick();
        this.#scheduleFrame();
      });
    }
  }

  /** Recomputes what is in frame and where; re-renders only when that set changes. */
  #tick(mediaTime?: number): void {
    const video = this.#video;
    if (!video) return;
    const t = mediaTime ?? video.currentTime;
    // Reads first (layout is clean here), then writes only transforms.
    const host = this.getBoundingClientRect();
    const vr = video.getBoundingClientRect();
    const cs = getComputedStyle(video);
    const padL = parseFloat(cs.paddingLeft) || 0;
    const padT = parseFloat(cs.paddingTop) || 0;
    const cw = video.clientWidth - padL - (parseFloat(cs.paddingRight) || 0);
    const ch = video.clientHeight - padT - (parseFloat(cs.paddingBottom) || 0);
    const frame = contentRect(video.videoWidth, video.videoHeight, cw, ch, cs.objectFit, cs.objectPosition);
    const ox = vr.left - host.left - this.clientLeft + video.clientLeft;
    const oy = vr.top - host.top - this.clientTop + video.clientTop;
    const fx = padL + frame.x;
    const fy = padT + frame.y;
    const ew = video.clientWidth;
    const eh = video.clientHeight;
    const seen = new Set<string>();
    const visible: Visible[] = [];
    for (const prop of this.props) {
      if (seen.has(prop.id)) continue;
      const box = boxAt(prop.track, t);
      if (!box) continue;
      const left = fx + box.x * frame.width;
      const top = fy + box.y * frame.height;
      const width = box.w * frame.width;
      const height = box.h * frame.height;
      const cx = left + width / 2;
      const cy = top + height / 2;
      if (cx < 0 || cy < 0 || cx > ew || cy > eh) continue; // cropped away by object-fit: cover/none
      seen.add(prop.id);
      visible.push({ prop, box, left, top, width, height, spot: null });
    }
    const zones = this.#controlZones(vr.left + video.clientLeft, vr.top + video.clientTop, ew, eh);
    this.#zones = zones;
    const radius = this.#hotspotRadius();
    for (const v of visible) v.spot = spotFor(v, zones, radius, ew, eh);
    const before = new Set(this.#visible.map((v) => v.prop.id));
    this.#visible = visible;
    // The prop left the frame: its card goes too (and must not linger on a stale pointer state).
    if (this.#tip && !seen.has(this.#tip.id)) {
      this.#tip = null;
      this.requestUpdate();
    }
    this.#overlay = { ox, oy, ew, eh };
    const key = visible.map((v) => `${v.prop.id}${v.box.occluded ? '*' : ''}${v.spot ? '' : '-'}`).join('\n') + (this.#paused ? '|p' : '');
    if (key !== this.#key) {
      this.#key = key;
      this.requestUpdate(); // positions are applied in updated()
    } else {
      this.#place();
    }
    for (const v of visible) {
      if (!this.#seen.has(v.prop.id)) {
        this.#seen.set(v.prop.id, v.prop);
        if (this.#listOpen) this.requestUpdate();
      }
      if (!before.has(v.prop.id)) {
        this.#emit<HotspotDetail>(DipEvent.hotspotShown, { id: v.prop.id, label: v.prop.label, product: v.prop.product, time: t });
      }
    }
  }

  #overlay = { ox: 0, oy: 0, ew: 0, eh: 0 };

  /** Writes positions to the rendered nodes (transforms only; the overlay's size when it changes). */
  #place(): void {
    const root = this.renderRoot as ShadowRoot;
    const overlay = root.querySelector<HTMLElement>('.overlay');
    if (!overlay) return;
    const { ox, oy, ew, eh } = this.#overlay;
    const okey = `${ox},${oy},${ew},${eh}`;
    if (okey !== this.#overlayKey) {
      this.#overlayKey = okey;
      overlay.style.transform = `translate(${ox}px, ${oy}px)`;
      overlay.style.width = `${ew}px`;
      overlay.style.height = `${eh}px`;
    }
    const hotspots = overlay.querySelectorAll<HTMLElement>('.hotspot');
    const outlines = overlay.querySelectorAll<HTMLElement>('.outline');
    this.#visible.filter((v) => v.spot).forEach((v, i) => {
      const h = hotspots[i];
      if (h) h.style.transform = `translate(${v.spot!.x}px, ${v.spot!.y}px)`;
    });
    this.#visible.forEach((v, i) => {
      const o = outlines[i];
      if (o) {
        // Cut to the video's box: with object-fit cover a box runs past what is shown.
        const x0 = Math.max(0, v.left), y0 = Math.max(0, v.top);
        const x1 = Math.min(ew, v.left + v.width), y1 = Math.min(eh, v.top + v.height);
        o.style.transform = `translate(${x0}px, ${y0}px)`;
        o.style.width = `${Math.max(0, x1 - x0)}px`;
        o.style.height = `${Math.max(0, y1 - y0)}px`;
      }
    });
    this.#placeTip(overlay, ew, eh);
    this.#placeScene(overlay, ew);
  }

  /**
   * The scene list sits top right, unless a hotspot is there (a prop in that corner) and not top
   * left: then it moves left.
   */
  #placeScene(overlay: HTMLElement, ew: number): void {
    const scene = overlay.querySelector<HTMLElement>('.scene');
    if (!scene || scene.hidden) return;
    const w = scene.offsetWidth;
    const h = scene.offsetHeight;
    const r = this.#hotspotRadius();
    const hits = (x: number): boolean => this.#visible.some((v) => v.spot && v.spot.x + r > x && v.spot.x - r < x + w && v.spot.y + r > 8 && v.spot.y - r < 8 + h);
    const left = hits(ew - 8 - w) && !hits(8);
    if (scene.classList.contains('left') !== left) scene.classList.toggle('left', left);
    // The open list stops above the player's controls below it (it scrolls instead of covering them).
    const x = left ? 8 : ew - 8 - w;
    const below = this.#zones.filter((z) => z.y > 8 && z.x < x + w && z.x + z.w > x).map((z) => z.y);
    const max = below.length ? `${Math.max(40, Math.min(...below) - 16)}px` : '';
    if (scene.style.maxHeight !== max) scene.style.maxHeight = max;
  }

  /**
   * Where the player draws controls now, in overlay pixels: video.js's control bar and big play
   * button, Plyr's controls, media-chrome's control bars and centred chrome (each while shown),
   * and the browser's own strip for native `controls`.
   */
  #controlZones(originX: number, originY: number, ew: number, eh: number): Rect[] {
    const video = this.#video!;
    const zones: Rect[] = [];
    const player = video.closest(PLAYER_ROOT) ?? this.closest(PLAYER_ROOT);
    for (const el of player ? Array.from(player.querySelectorAll(PLAYER_CONTROLS)) : []) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const cs = getComputedStyle(el);
      // Auto-hidden controls (faded out while playing) take no clicks: the hotspots may come back.
      if (cs.visibility === 'hidden' || Number(cs.opacity) < 0.05 || cs.pointerEvents === 'none') continue;
      zones.push({ x: r.left - originX, y: r.top - originY, w: r.width, h: r.height });
    }
    if (video.controls) zones.push({ x: 0, y: eh - NATIVE_CONTROLS_PX, w: ew, h: NATIVE_CONTROLS_PX });
    return zones;
  }

  #radius = 0;
  #radiusAt = 0;
  /** The player's control zones at the last tick (overlay pixels). */
  #zones: Rect[] = [];

  /** Half a hotspot's outer size (size + ring) plus a small gap, re-read at most once a second. */
  #hotspotRadius(): number {
    const now = performance.now();
    if (!this.#radius || now - this.#radiusAt > 1000) {
      const size = parseFloat(getComputedStyle(this).getPropertyValue('--dip-hotspot-size')) || 28;
      this.#radius = Math.max(24, size) / 2 + 3 + 4;
      this.#radiusAt = now;
    }
    return this.#radius;
  }

  /** Puts the card beside its hotspot, overlapping its edge (no gap for the pointer to fall into), flipped to stay in the overlay. */
  #placeTip(overlay: HTMLElement, ew: number, eh: number): void {
    const card = overlay.querySelector<HTMLElement>('.tip');
    const v = card && this.#visible.find((x) => x.prop.id === card.dataset.id);
    if (!card || !v?.spot) return;
    const cx = v.spot.x;
    const cy = v.spot.y;
    const w = card.offsetWidth;
    const h = card.offsetHeight;
    const x = cx + 8 + w <= ew ? cx + 8 : Math.max(0, cx - 8 - w);
    const y = cy + 8 + h <= eh ? cy + 8 : Math.max(0, cy - 8 - h);
    card.style.transform = `translate(${x}px, ${y}px)`;
  }

  // ---- hover cards (WCAG 1.4.13: dismissible, hoverable, persistent) -----------------------

  #tipShown(): { id: string } | null {
    const t = this.#tip;
    return t && t.via.size > 0 && !t.dismissed && this.#open === null ? t : null;
  }

  /** A product's proven price for a hover card: from the wallet frame, or the same-origin light client; never fetched for a hover. */
  #verifiedProduct(contract: string): VerifiedProductSummary | null {
    return this.#verified.get(contract.toLowerCase()) ?? this.#shop()?.cachedProduct?.(contract) ?? null;
  }

  #tipOn(id: string, why: TipReason): void {
    // A hover or focus often precedes a click: fetch the dialog (or load the wallet frame) meanwhile.
    const mode = this.#mode();
    if (mode === 'same-origin') loadPanel();
    else if (mode === 'frame') this.#ensureFrame();
    clearTimeout(this.#tipTimers.get(why));
    this.#tipTimers.delete(why);
    if (this.#tip?.id !== id) this.#tip = { id, via: new Set(), dismissed: false };
    // A fresh hover or focus after Esc shows the card again; moving onto the card does not undo Esc.
    if (why !== 'card') this.#tip.dismissed = false;
    this.#tip.via.add(why);
    this.requestUpdate();
  }

  #tipOff(why: TipReason, delay: number): void {
    const drop = (): void => {
      this.#tipTimers.delete(why);
      const t = this.#tip;
      if (!t?.via.delete(why)) return;
      if (t.via.size === 0) {
        // Pointer gone: fall back to the card of a hotspot that still has focus.
        const focused = (this.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
        const id = focused?.classList.contains('hotspot') ? focused.dataset.id : undefined;
        this.#tip = id ? { id, via: new Set(['focus']), dismissed: t.dismissed && t.id === id } : null;
      }
      this.requestUpdate();
    };
    clearTimeout(this.#tipTimers.get(why));
    if (delay > 0) this.#tipTimers.set(why, setTimeout(drop, delay));
    else drop();
  }

  #onTipKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape' || !this.#tipShown()) return;
    // Hides the card only: focus and pointer stay where they are. The removed card fires no
    // pointerleave, so it stops counting as hovered now.
    this.#tip!.dismissed = true;
    this.#tip!.via.delete('card');
    this.requestUpdate();
  };

  #toggleList = (): void => {
    this.#listOpen = !this.#listOpen;
    this.requestUpdate();
  };

  #activate(prop: Prop, via: 'hotspot' | 'list', opener?: HTMLElement): void {
    const go = this.#emit<HotspotClickDetail>(DipEvent.hotspotClick, {
      id: prop.id, label: prop.label, product: prop.product, time: this.#video?.currentTime ?? 0, via,
    }, true);
    // A host that handles the click itself calls preventDefault().
    if (go) this.openProduct(prop.product.contract, prop.label, opener);
  }

  #emit<T>(type: string, detail: T, cancelable = false): boolean {
    return this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true, cancelable }));
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
