/**
 * `<dip-order-graph>`: an order's production graph (the digital twin) as the product panel draws
 * it while tracking: a small SVG picture, one row per sub-order with an elbow from its parent and
 * a dot coloured by status, and the same as a list for screen readers (`ul.tree`, one `li` per
 * order). SVG attributes, not inline styles, so it renders under a strict CSP.
 *
 * It renders into its own children (no shadow root), so the graph stays part of the panel's
 * content (its text, `svg.graph` and `ul.tree` in the panel's shadow root); the shadow root it sits
 * in includes `orderGraphStyles`.
 *
 * @prop tree - the verified order tree (`ShopOrderTree`); nothing is drawn without one.
 * @prop locale - BCP 47 locale of the texts (default: the document's lang).
 */
import { LitElement, css, html, svg, nothing } from 'lit';
import type { ShopOrderTree } from './shop-client.ts';
import { messagesFor, type Messages } from './messages.ts';
import { displayText } from '../display-text.ts';

export const ORDER_GRAPH_TAG = 'dip-order-graph';

/** The graph's styles, for the shadow root it is rendered in (the product panel's). */
export const orderGraphStyles = css`
    dip-order-graph { display: block; }
    ul.tree { list-style: none; margin: 6px 0; padding: 0; }
    ul.tree li { display: flex; justify-content: space-between; gap: 8px; padding: 3px 0; border-bottom: 1px solid rgba(255, 255, 255, .08); }
    .badge { font-size: 12px; padding: 1px 6px; border-radius: 10px; background: rgba(255, 255, 255, .14); white-space: nowrap; }
    .badge.settled { background: #1f6f3b; }
    .badge.refunded { background: #7a2e2e; }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
    .d1 { padding-left: 14px; } .d2 { padding-left: 28px; } .d3 { padding-left: 42px; } .d4 { padding-left: 56px; }
    .d5 { padding-left: 70px; } .d6 { padding-left: 84px; } .d7 { padding-left: 98px; } .d8 { padding-left: 112px; }
    svg.graph { display: block; margin: 6px 0; font: 12px var(--dip-font, system-ui, sans-serif); overflow: visible; }
    svg.graph .edge { fill: none; stroke: rgba(255, 255, 255, .35); stroke-width: 1.5; }
    svg.graph circle { fill: var(--dip-accent, #ffb400); stroke: rgba(0, 0, 0, .5); }
    svg.graph .settled circle { fill: #3fb950; }
    svg.graph .refunded circle { fill: #f85149; }
    svg.graph text { fill: currentColor; }
    svg.graph text.state { opacity: .8; }
  `;

export class DipOrderGraph extends LitElement {
  static override properties = {
    tree: { attribute: false },
    locale: { type: String },
  };

  /** The verified order tree. */
  declare tree: ShopOrderTree | null;
  declare locale: string | null;

  constructor() {
    super();
    this.tree = null;
    this.locale = null;
  }

  /** Renders into the element itself: the graph is part of the content of the root it is in. */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override render(): unknown {
    const t = this.tree;
    if (!t) return nothing;
    const m = messagesFor(this.locale ?? document.documentElement.lang);
    return html`${this.#graph(t, m)}
      <ul class="tree sr" aria-label=${m.tracking}>
        ${t.nodes.map((n) => html`<li class="d${Math.min(n.depth, 8)}" data-order=${n.id}>
          <span>${n.tag ? html`<span class="note">${m.tag(n.tag)} · </span>` : nothing}${displayText(n.productName)}</span>
          <span class="badge ${n.status}">${n.status === 'active' ? m.state(n.state) : m.status[n.status]}</span></li>`)}
      </ul>`;
  }

  /** The picture: one row per sub-order, an elbow from each parent, a dot coloured by status. */
  #graph(t: ShopOrderTree, m: Messages): unknown {
    const ROW = 24;
    const rowOf = new Map(t.nodes.map((n, i) => [n.id, i] as const));
    const x = (depth: number) => 8 + depth * 16;
    const y = (i: number) => 12 + i * ROW;
    return html`<svg class="graph" aria-hidden="true" viewBox="0 0 340 ${t.nodes.length * ROW}" width="100%" height=${t.nodes.length * ROW}>
      ${t.nodes.map((n, i) => {
        const p = n.parent === null ? undefined : rowOf.get(n.parent);
        return p === undefined ? nothing
          : svg`<path class="edge" d="M${x(n.depth - 1)} ${y(p) + 6} V${y(i)} H${x(n.depth) - 7}"></path>`;
      })}
      ${t.nodes.map((n, i) => svg`<g class="node ${n.status}" data-order=${n.id}>
        <circle cx=${x(n.depth)} cy=${y(i)} r="6"></circle>
        <text x=${x(n.depth) + 12} y=${y(i) + 4}>${n.tag ? `${m.tag(n.tag)} · ` : ''}${displayText(n.productName)}</text>
        <text class="state" x="336" y=${y(i) + 4} text-anchor="end">${n.status === 'active' ? m.state(n.state) : m.status[n.status]}</text>
      </g>`)}
    </svg>`;
  }
}

if (!customElements.get(ORDER_GRAPH_TAG)) customElements.define(ORDER_GRAPH_TAG, DipOrderGraph);

declare global {
  interface HTMLElementTagNameMap { 'dip-order-graph': DipOrderGraph }
}
