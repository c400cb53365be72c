/** The product panel's shadow styles (the order graph's come with `<dip-order-graph>`). */
import { css } from 'lit';
import { orderGraphStyles } from './dip-order-graph.ts';

export const panelStyles = [css`
    :host {
      display: block; box-sizing: border-box; width: min(24rem, 100%); max-height: 100%; overflow: auto;
      font: 14px/1.4 var(--dip-font, system-ui, sans-serif); color: var(--dip-panel-fg, #fff);
      background: var(--dip-panel-bg, rgba(20, 20, 20, .96)); border-radius: 8px; padding: 14px 16px;
      box-shadow: 0 6px 24px rgba(0, 0, 0, .4); overflow-x: hidden;
    }
    /* Names and descriptions are anyone's text, up to the chain's limits: wrap anywhere, in an isolated run. */
    h2 { font-size: 18px; margin: 0 36px 6px 0; overflow-wrap: anywhere; unicode-bidi: isolate; }
    p, li, label { overflow-wrap: anywhere; }
    .description { unicode-bidi: isolate; max-height: 8.4em; overflow-y: auto; }
    h3 { font-size: 14px; margin: 12px 0 6px; }
    p { margin: 6px 0; }
    .close { position: absolute; right: 10px; top: 8px; }
    button {
      font: inherit; color: inherit; background: rgba(255, 255, 255, .12); border: 1px solid rgba(255, 255, 255, .25);
      border-radius: 6px; padding: 6px 12px; min-height: 32px; cursor: pointer;
    }
    button.primary { background: var(--dip-accent, #ffb400); color: #111; border-color: transparent; font-weight: 600; }
    button:disabled { opacity: .5; cursor: default; }
    button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid var(--dip-accent, #ffb400); outline-offset: 2px; }
    img { width: 100%; max-height: 10rem; object-fit: contain; background: rgba(255, 255, 255, .06); border-radius: 6px; }
    dl { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 2px 12px; margin: 8px 0; }
    dt { opacity: .75; }
    dd { margin: 0; text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; min-width: 0; overflow: hidden; text-overflow: ellipsis; }
    .price { font-size: 20px; font-weight: 700; }
    .verified { display: inline-flex; gap: 4px; align-items: center; font-size: 12px; color: #7ee787; }
    .verified::before { content: '✔'; }
    .warn { color: #ffb4a8; }
    label { display: grid; gap: 2px; margin: 6px 0; }
    input, select { font: inherit; padding: 5px 8px; border-radius: 4px; border: 1px solid rgba(255, 255, 255, .35); background: rgba(0, 0, 0, .35); color: inherit; }
    .actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 12px; }
    button.link { background: none; border: 0; padding: 4px 0; min-height: 24px; font-size: 12px; text-decoration: underline; opacity: .85; }
    .import { margin-top: 8px; border-top: 1px solid rgba(255, 255, 255, .15); padding-top: 4px; }
    input[aria-invalid="true"] { border-color: #ffb4a8; }
    .note { font-size: 12px; opacity: .8; }
    .sources { margin: 8px 0 0; padding-left: 18px; }
    code { font-size: 12px; word-break: break-all; }
    ol.stages { margin: 8px 0; padding-left: 20px; }
    ol.stages li.done { color: #7ee787; }
    progress { width: 100%; }
`, orderGraphStyles];
