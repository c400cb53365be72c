/**
 * Hotspot placement for `<dip-shoppable-video>`: at each tick, works out which props are in frame
 * (their boxes at the video's time, mapped through `object-fit`/`object-position`, padding and
 * borders into overlay pixels), where each hotspot goes clear of the player's controls, and writes
 * positions to the rendered overlay as transforms only. The host re-renders only when the set of
 * hotspots changes; positions alone are written in place (and after every host update).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Prop } from '../annotations.ts';
import { boxAt, type BoxAt } from '../box-at.ts';
import { contentRect } from '../content-rect.ts';

/**
 * A prop in frame at the current time, with its box in overlay CSS pixels and where its hotspot
 * goes (inside the box, clear of the player's controls), or null while no such place exists.
 */
export interface Visible { prop: Prop; box: BoxAt; left: number; top: number; width: number; height: number; spot: { x: number; y: number } | null }

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

/** What the layout reads from the element, and tells it after each tick. */
export interface LayoutInputs {
  video(): HTMLVideoElement | null;
  props(): readonly Prop[];
  /** Whether the element shows the paused view (outlines): part of what needs a re-render. */
  paused(): boolean;
  /** After each tick: the props in frame now (`visible`), the ids that were before, the media time. */
  framed(visible: readonly Visible[], before: ReadonlySet<string>, t: number): void;
}

export class HotspotLayout implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };
  readonly #in: LayoutInputs;
  #visible: Visible[] = [];
  #key = '';
  #overlayKey = '';
  #overlay = { ox: 0, oy: 0, ew: 0, eh: 0 };
  #radius = 0;
  #radiusAt = 0;
  /** The player's control zones at the last tick (overlay pixels). */
  #zones: Rect[] = [];

  constructor(host: ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment }, inputs: LayoutInputs) {
    this.#host = host;
    this.#in = inputs;
    host.addController(this);
  }

  /** The props in frame at the last tick, in render order. */
  get visible(): readonly Visible[] {
    return this.#visible;
  }

  /** The host rendered: write every position again (the overlay's size too). */
  hostUpdated(): void {
    this.#overlayKey = '';
    this.place();
  }

  /** Forces the next tick to re-render (the props or the view changed), and ticks. */
  refresh(): void {
    this.#key = '\0';
    this.tick();
  }

  /** Recomputes what is in frame and where; re-renders only when that set changes. */
  tick(mediaTime?: number): void {
    const video = this.#in.video();
    if (!video) return;
    const host = this.#host;
    const t = mediaTime ?? video.currentTime;
    // Reads first (layout is clean here), then writes only transforms.
    const hr = host.getBoundingClientRect();
    const vr = video.getBoundingClientRect();
    const cs = getComputedStyle(video);
    const padL = parseFloat(cs.paddingLeft) || 0;
    const padT = parseFloat(cs.paddingTop) || 0;
    const cw = video.clientWidth - padL - (parseFloat(cs.paddingRight) || 0);
    const ch = video.clientHeight - padT - (parseFloat(cs.paddingBottom) || 0);
    const frame = contentRect(video.videoWidth, video.videoHeight, cw, ch, cs.objectFit, cs.objectPosition);
    const ox = vr.left - hr.left - host.clientLeft + video.clientLeft;
    const oy = vr.top - hr.top - host.clientTop + video.clientTop;
    const fx = padL + frame.x;
    const fy = padT + frame.y;
    const ew = video.clientWidth;
    const eh = video.clientHeight;
    const seen = new Set<string>();
    const visible: Visible[] = [];
    for (const prop of this.#in.props()) {
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
    const zones = this.#controlZones(video, vr.left + video.clientLeft, vr.top + video.clientTop, ew, eh);
    this.#zones = zones;
    const radius = this.#hotspotRadius();
    for (const v of visible) v.spot = spotFor(v, zones, radius, ew, eh);
    const before = new Set(this.#visible.map((v) => v.prop.id));
    this.#visible = visible;
    this.#overlay = { ox, oy, ew, eh };
    const key = visible.map((v) => `${v.prop.id}${v.box.occluded ? '*' : ''}${v.spot ? '' : '-'}`).join('\n') + (this.#in.paused() ? '|p' : '');
    if (key !== this.#key) {
      this.#key = key;
      host.requestUpdate(); // positions are applied in hostUpdated()
    } else {
      this.place();
    }
    this.#in.framed(visible, before, t);
  }

  /** Writes positions to the rendered nodes (transforms only; the overlay's size when it changes). */
  place(): void {
    const overlay = this.#host.renderRoot.querySelector<HTMLElement>('.overlay');
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
  #controlZones(video: HTMLVideoElement, originX: number, originY: number, ew: number, eh: number): Rect[] {
    const zones: Rect[] = [];
    const player = video.closest(PLAYER_ROOT) ?? this.#host.closest(PLAYER_ROOT);
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

  /** Half a hotspot's outer size (size + ring) plus a small gap, re-read at most once a second. */
  #hotspotRadius(): number {
    const now = performance.now();
    if (!this.#radius || now - this.#radiusAt > 1000) {
      const size = parseFloat(getComputedStyle(this.#host).getPropertyValue('--dip-hotspot-size')) || 28;
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
}
