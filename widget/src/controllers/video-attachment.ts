/**
 * Video attachment for `<dip-shoppable-video>`: finds the `<video>` to annotate (the `for` target,
 * else the first one in the slotted content), keeps watching for players that make their video
 * late or replace it, says so (`dip-error`, source `video`) when none appears, and while attached
 * relays what the video and its player do (media events, resizes, fullscreen, picture-in-picture,
 * media-chrome's controller state, metadata tracks) to the element through `AttachmentEvents`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How long the element waits for a `<video>` to appear before it says so (`dip-error`, source `video`). */
export const NO_VIDEO_MS = 10_000;

export interface AttachmentHost extends ReactiveControllerHost, HTMLElement {
  readonly for: string | null;
  readonly hasUpdated: boolean;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** What the element does about the attached video. */
export interface AttachmentEvents {
  /** The attached video is about to change (it is still `video`): stop per-frame work on it. */
  detaching(): void;
  /** A video was attached (its listeners are in place): take over its state and start. */
  attached(video: HTMLVideoElement): void;
  /** Time, size or layout may have changed: place the hotspots again. */
  changed(): void;
  /** The video played (false) or paused/ended (true). */
  setPaused(paused: boolean): void;
  /** Whether the element considers the video paused now. */
  isPaused(): boolean;
  /** Whether the scene list is open now. */
  isListOpen(): boolean;
  /** Open the scene list (the overlay cannot be seen, or can again after fullscreen without it). */
  openList(): void;
  /** A metadata track loaded, or failed to. */
  trackLoaded(el: HTMLTrackElement): void;
  trackFailed(el: HTMLTrackElement): void;
  /** A video is there (clear a "no video" error). */
  found(): void;
  /** No video appeared within NO_VIDEO_MS. */
  missing(message: string): void;
}

export class VideoAttachment implements ReactiveController {
  readonly #host: AttachmentHost;
  readonly #on: AttachmentEvents;
  #video: HTMLVideoElement | null = null;
  #detach: AbortController | null = null;
  #resize: ResizeObserver | null = null;
  #waitFor: MutationObserver | null = null;
  #noVideoTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Something without the overlay (the bare video, a player's container inside us) is fullscreen. */
  #fullscreenWithout = false;

  constructor(host: AttachmentHost, on: AttachmentEvents) {
    this.#host = host;
    this.#on = on;
    host.addController(this);
  }

  /** The annotated video, once found. */
  get video(): HTMLVideoElement | null {
    return this.#video;
  }

  /** The media-chrome `<media-controller>` driving the video, whether it wraps the element or sits inside it. */
  get mediaController(): Element | null {
    return this.#video?.closest('media-controller') ?? this.#host.closest('media-controller');
  }

  hostConnected(): void {
    if (this.#host.hasUpdated) this.resolve();
  }

  hostDisconnected(): void {
    this.#attach(null);
    this.#waitFor?.disconnect();
    this.#waitFor = null;
    clearTimeout(this.#noVideoTimer);
    this.#noVideoTimer = undefined;
  }

  /** The `<video>` the element should annotate now (the `for` target, or the first one in its content). */
  #findVideo(): HTMLVideoElement | null {
    const host = this.#host;
    let found: Element | null = null;
    if (host.for) {
      found = (host.getRootNode() as Document | ShadowRoot).getElementById?.(host.for) ?? null;
      // `for` may name a player's element (e.g. <video-js id>) that holds the video.
      if (found && !(found instanceof HTMLVideoElement)) found = found.querySelector('video');
    } else {
      const slot = host.renderRoot.querySelector('slot');
      for (const el of slot?.assignedElements({ flatten: true }) ?? []) {
        found = el instanceof HTMLVideoElement ? el : el.querySelector('video');
        if (found) break;
      }
    }
    return found instanceof HTMLVideoElement ? found : null;
  }

  /** Finds the video again (first render, `for` changed, slot changed) and attaches it if it is another. */
  resolve = (): void => {
    const host = this.#host;
    // Players create their <video> late (videojs() after load) and replace it on source changes:
    // keep watching the content (or, with `for`, the document) for as long as we are connected.
    if (!this.#waitFor && host.isConnected) {
      this.#waitFor = new MutationObserver(() => {
        const v = this.#video;
        if (!v || !v.isConnected || this.#findVideo() !== v) this.resolve();
      });
      this.#waitFor.observe(host.for ? host.getRootNode() : host, { childList: true, subtree: true });
    }
    const video = this.#findVideo();
    if (video !== this.#video) this.#attach(video);
    if (video) {
      clearTimeout(this.#noVideoTimer);
      this.#noVideoTimer = undefined;
      this.#on.found();
    } else if (host.isConnected && !this.#noVideoTimer) {
      this.#noVideoTimer = setTimeout(() => {
        if (this.#video || !host.isConnected) return;
        const where = host.for ? `with id "${host.for}"` : 'inside the element';
        this.#on.missing(`no <video> element ${where} appeared within ${NO_VIDEO_MS / 1000} s (a player that makes its <video> later is found whenever it does)`);
      }, NO_VIDEO_MS);
    }
  };

  #attach(video: HTMLVideoElement | null): void {
    this.#detach?.abort();
    this.#resize?.disconnect();
    this.#on.detaching();
    this.#video = video;
    if (!video) return;
    const on = this.#on;
    const ac = new AbortController();
    this.#detach = ac;
    const opts = { signal: ac.signal };
    const update = (): void => on.changed();
    for (const type of ['seeking', 'seeked', 'ratechange', 'loadedmetadata', 'loadeddata', 'resize', 'emptied', 'durationchange']) {
      video.addEventListener(type, update, opts);
    }
    video.addEventListener('play', () => on.setPaused(false), opts);
    video.addEventListener('pause', () => on.setPaused(true), opts);
    video.addEventListener('ended', () => on.setPaused(true), opts);
    // Fullscreen of the bare <video> (its own button, a double click) or of a player's container
    // inside this element draws nothing over it. Never take fullscreen away from the viewer: the
    // props seen meanwhile are kept, and the list of them opens when fullscreen ends.
    document.addEventListener('fullscreenchange', () => {
      const fs = document.fullscreenElement;
      const host = this.#host;
      if (fs && fs !== host && !fs.contains(host) && (fs === video || fs.contains(video))) this.#fullscreenWithout = true;
      else if (!fs && this.#fullscreenWithout) {
        this.#fullscreenWithout = false;
        on.openList();
      }
      update();
    }, opts);
    // Where no overlay can be drawn (picture-in-picture, iPhone native fullscreen) the list of
    // props seen keeps them for later.
    for (const type of ['enterpictureinpicture', 'webkitbeginfullscreen']) video.addEventListener(type, () => on.openList(), opts);
    this.#resize = new ResizeObserver(update);
    this.#resize.observe(video);
    this.#resize.observe(this.#host);
    for (const el of Array.from(video.querySelectorAll<HTMLTrackElement>('track[kind="metadata"]'))) {
      el.addEventListener('load', () => on.trackLoaded(el), opts);
      el.addEventListener('error', () => on.trackFailed(el), opts);
      // Metadata tracks load and fire cues only when not `disabled` (their default).
      if (el.track.mode === 'disabled') el.track.mode = 'hidden';
      if (el.readyState === HTMLTrackElement.LOADED) on.trackLoaded(el);
    }
    this.#followController(ac.signal, update);
    on.attached(video);
  }

  /**
   * media-chrome reflects the player's state as attributes on its controller (`mediapaused`,
   * `mediaispip`, `mediaisfullscreen`): follow them, so the overlay agrees with the player's own
   * UI even when the state changes without a media event reaching us first.
   */
  #followController(signal: AbortSignal, update: () => void): void {
    const controller = this.mediaController;
    if (!controller) return;
    const host = this.#host;
    // Wrapping the controller: its fullscreen button makes this element fullscreen (with the overlay).
    if (host.contains(controller) && 'fullscreenElement' in controller) (controller as Element & { fullscreenElement: Element }).fullscreenElement = host;
    const sync = (): void => {
      const paused = controller.hasAttribute('mediapaused');
      if (paused !== this.#on.isPaused()) this.#on.setPaused(paused);
      // Picture-in-picture draws no overlay: keep the props seen in the list for later.
      if (controller.hasAttribute('mediaispip') && !this.#on.isListOpen()) this.#on.openList();
      update();
    };
    const observer = new MutationObserver(sync);
    observer.observe(controller, { attributes: true, attributeFilter: ['mediapaused', 'mediaispip', 'mediaisfullscreen'] });
    signal.addEventListener('abort', () => observer.disconnect());
  }
}
