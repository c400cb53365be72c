/** The shadow styles of `<dip-shoppable-video>` (overlay, hotspots, cards, scene list, error, panel slot). */
import { css } from 'lit';

export const styles = css`
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
