/**
 * The element inside the players sites use. A player's fullscreen button makes *its own* container
 * fullscreen (video.js: `.video-js`; Plyr: `.plyr`; media-chrome: `<media-controller>`), and only
 * that container's descendants are drawn then. So the element goes inside it, pointing at the
 * player's `<video>` with `for`, covering the container: the hotspots then stay visible in the
 * player's fullscreen, and the element keeps clear of the player's controls (it knows each
 * player's control bar and big play button, and native `controls`).
 *
 * ```js
 * import { registerVideojsPlugin, attachToPlyr } from 'https://embed.example/dip-shoppable-video.js';
 * registerVideojsPlugin(videojs);  videojs('film').dipShoppable({ src: '/props.json', 'chain-id': … });
 * attachToPlyr(new Plyr('#film'), { src: '/props.json', … });
 * ```
 * media-chrome needs no adapter: put the element inside `<media-controller>` with `for`, or wrap
 * the controller (the element then becomes the controller's fullscreen element).
 */
import { BaseError } from '@dipnet/protocol/base-error';
import { DipShoppableVideo, TAG } from './dip-shoppable-video.ts';

/** A player the adapters cannot attach to (only HTML5 `<video>` techs are supported). */
export class PlayerAdapterError extends BaseError<'PLAYER_UNSUPPORTED'> {
  override readonly name = 'PlayerAdapterError';
}

let ids = 0;

/**
 * Creates a `<dip-shoppable-video>` for `video` inside `container` (the element the player makes
 * fullscreen), right after the video, covering the container. Returns the element.
 */
export function attachToPlayer(container: HTMLElement, video: HTMLVideoElement, attributes: Readonly<Record<string, string>> = {}): DipShoppableVideo {
  if (!video.id) video.id = `dip-video-${++ids}`;
  const el = document.createElement(TAG) as DipShoppableVideo;
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
  el.setAttribute('for', video.id);
  el.setAttribute('in-player', '');
  if (video.parentElement && container.contains(video)) video.after(el);
  else container.append(el);
  return el;
}

/** What the adapter uses of video.js (8.x). */
interface VideojsPlayer {
  el(): HTMLElement;
  tech(opts?: unknown): { el(): HTMLElement } | undefined;
  on(type: string, listener: () => void): void;
}
interface Videojs {
  registerPlugin(name: string, plugin: (this: VideojsPlayer, attributes?: Record<string, string>) => unknown): unknown;
  getPlugin?(name: string): unknown;
}

/**
 * Registers `player.dipShoppable(attributes)` with video.js: the element goes inside the player
 * (`player.el()`, which its fullscreen button makes fullscreen), pointing at the tech's `<video>`.
 */
export function registerVideojsPlugin(videojs: Videojs): void {
  if (videojs.getPlugin?.('dipShoppable')) return;
  videojs.registerPlugin('dipShoppable', function dipShoppable(this: VideojsPlayer, attributes: Record<string, string> = {}) {
    const root = this.el();
    const video = root.querySelector('video');
    if (!video) throw new PlayerAdapterError('PLAYER_UNSUPPORTED', 'dipShoppable: this video.js player has no <video> (only the HTML5 tech is supported)');
    return attachToPlayer(root, video, attributes);
  });
}

/** What the adapter uses of Plyr (3.x). */
interface PlyrLike {
  readonly elements: { readonly container?: HTMLElement | null };
  readonly media: HTMLElement;
}

/** The element inside Plyr's container (what its fullscreen button makes fullscreen), over its `<video>`. */
export function attachToPlyr(plyr: PlyrLike, attributes: Readonly<Record<string, string>> = {}): DipShoppableVideo {
  const container = plyr.elements.container;
  if (!container || !(plyr.media instanceof HTMLVideoElement)) throw new PlayerAdapterError('PLAYER_UNSUPPORTED', 'attachToPlyr: the Plyr instance has no container or no <video> (only HTML5 video is supported)');
  // Inside Plyr's video wrapper, next to the video: the same box as the picture.
  const wrapper = plyr.media.parentElement ?? container;
  return attachToPlayer(wrapper, plyr.media, attributes);
}
