/**
 * The digital twin: an order's production graph as an SVG picture. Nodes are sub-orders (product,
 * producer, tag, state, status colour), edges run parent → child, laid out as a tidy tree.
 * Keyboard: the picture is one tab stop; arrows move between orders (↑ parent, ↓ first part,
 * ← → neighbours in the row), Enter or Space opens an order's details.
 */
import { svg, html, nothing, type TemplateResult, type SVGTemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { layoutTree, DEFAULT_LAYOUT, type Placed } from './layout.ts';
import { shortAddr, dpn } from './format.ts';

export interface TwinNode {
  readonly id: string;
  readonly parent: string | null;
  readonly children: readonly string[];
  readonly productName: string;
  readonly producer: string;
  readonly tag: string;
  readonly state: string;
  readonly status: string;
  readonly done: boolean;
  readonly escrow: bigint;
}

export type Phase = 'settled' | 'refunded' | 'done' | 'working';
export const phaseOf = (n: Pick<TwinNode, 'status' | 'done'>): Phase =>
  n.status === 'settled' ? 'settled' : n.status === 'refunded' ? 'refunded' : n.done ? 'done' : 'working';
export const PHASE_LABEL: Readonly<Record<Phase, string>> = {
  working: 'in progress', done: 'done, awaiting parent', settled: 'settled (paid out)', refunded: 'refunded',
};
const TAG_LABEL: Readonly<Record<string, string>> = {
  '': 'order', part: 'part', supplier: 'supplier', ship: 'ship', inspect: 'inspect', guarantee: 'guarantee',
};

export interface TwinProps {
  readonly nodes: readonly TwinNode[];
  readonly root: string;
  readonly selected: string | null;
  /** Orders whose state changed in the last update (they pulse). */
  readonly changed: ReadonlySet<string>;
  readonly onSelect: (id: string) => void;
}

const W = DEFAULT_LAYOUT.nodeWidth;
const H = DEFAULT_LAYOUT.nodeHeight;
const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function edgePath(from: Placed<TwinNode>, to: Placed<TwinNode>): string {
  const x1 = from.x, y1 = from.y + H, x2 = to.x, y2 = to.y;
  const my = (y1 + y2) / 2;
  return `M${x1},${y1} C${x1},${my} ${x2},${my} ${x2},${y2}`;
}

/**
 * The node's accessible name: first its visible text in reading order (so speech input can name
 * it), then what the picture says by colour and abbreviation.
 */
export function describe(n: TwinNode): string {
  const visible = [clip(n.productName, 22), TAG_LABEL[n.tag] ?? n.tag, n.status === 'active' ? n.state : n.status, shortAddr(n.producer), n.status === 'active' ? dpn(n.escrow) : '']
    .filter(Boolean).join(' ');
  return `${visible}. ${n.productName}: ${PHASE_LABEL[phaseOf(n)]}; producer ${n.producer}; escrow ${dpn(n.escrow)}`;
}

export function renderTwin(p: TwinProps): TemplateResult {
  const layout = layoutTree(p.nodes, p.root);
  const byId = new Map(layout.nodes.map((n) => [n.node.id, n]));
  const focusId = p.selected && byId.has(p.selected) ? p.selected : p.root;

  const move = (e: KeyboardEvent, from: Placed<TwinNode>): void => {
    const row = layout.nodes.filter((n) => n.depth === from.depth);
    const i = row.indexOf(from);
    let to: Placed<TwinNode> | undefined;
    if (e.key === 'ArrowUp' && from.node.parent) to = byId.get(from.node.parent);
    else if (e.key === 'ArrowDown') to = from.node.children.map((c) => byId.get(c)).find(Boolean);
    else if (e.key === 'ArrowLeft') to = row[i - 1];
    else if (e.key === 'ArrowRight') to = row[i + 1];
    else if (e.key === 'Home') to = byId.get(p.root);
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      p.onSelect(from.node.id);
      return;
    } else return;
    e.preventDefault();
    if (!to) return;
    const svgEl = (e.currentTarget as SVGGElement).ownerSVGElement;
    const el = svgEl?.querySelector<SVGGElement>(`g.node[data-order-id="${to.node.id}"]`);
    if (el) {
      svgEl!.querySelectorAll<SVGGElement>('g.node').forEach((g) => g.setAttribute('tabindex', '-1'));
      el.setAttribute('tabindex', '0');
      el.focus();
    }
  };

  const node = (n: Placed<TwinNode>): SVGTemplateResult => {
    const o = n.node;
    const phase = phaseOf(o);
    const x = n.x - W / 2;
    return svg`<g class="node phase-${phase} ${p.changed.has(o.id) ? 'changed' : ''} ${p.selected === o.id ? 'selected' : ''}"
        data-order-id=${o.id} data-state=${o.state} data-status=${o.status} data-tag=${o.tag} data-phase=${phase}
        transform="translate(${x},${n.y})" tabindex=${o.id === focusId ? '0' : '-1'} role="button" aria-label=${describe(o)}
        aria-pressed=${p.selected === o.id ? 'true' : 'false'}
        @click=${() => p.onSelect(o.id)} @keydown=${(e: KeyboardEvent) => move(e, n)}>
      <title>${describe(o)}</title>
      <rect class="card" width=${W} height=${H} rx="10"></rect>
      <rect class="band" width="6" height=${H - 16} x="0" y="8" rx="3"></rect>
      <text class="name" x="16" y="24">${clip(o.productName, 22)}</text>
      <g class="tag-pill" transform="translate(16,34)">
        <rect width=${(TAG_LABEL[o.tag] ?? o.tag).length * 7 + 14} height="18" rx="9"></rect>
        <text x="7" y="13">${TAG_LABEL[o.tag] ?? o.tag}</text>
      </g>
      <text class="state" x=${W - 14} y="47" text-anchor="end">${o.status === 'active' ? o.state : o.status}</text>
      <text class="producer" x="16" y="74">${shortAddr(o.producer)}</text>
      <text class="escrow" x=${W - 14} y="74" text-anchor="end">${o.status === 'active' ? dpn(o.escrow) : ''}</text>
      <rect class="focus-ring" x="-4" y="-4" width=${W + 8} height=${H + 8} rx="13"></rect>
    </g>`;
  };

  return html`<figure class="twin" aria-labelledby="twin-caption">
    <div class="twin-scroll">
      <svg class="twin-svg" role="group" aria-label="Production graph: ${layout.nodes.length} orders. Use the arrow keys to move, Enter for details."
        viewBox="0 0 ${layout.width} ${layout.height}" width=${layout.width} height=${layout.height} data-orders=${layout.nodes.length}>
        <defs>
          <marker id="twin-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" class="arrow"></path>
          </marker>
        </defs>
        <g class="edges" aria-hidden="true">
          ${repeat(layout.edges, (e) => `${e.from.node.id}>${e.to.node.id}`, (e) => svg`<path class="edge phase-${phaseOf(e.to.node)}"
            data-from=${e.from.node.id} data-to=${e.to.node.id} d=${edgePath(e.from, e.to)} marker-end="url(#twin-arrow)"></path>`)}
        </g>
        <g class="nodes">${repeat(layout.nodes, (n) => n.node.id, node)}</g>
      </svg>
    </div>
    <figcaption id="twin-caption" class="legend">
      ${(['working', 'done', 'settled', 'refunded'] as Phase[]).map((ph) => html`<span class="legend-item"><i class="swatch phase-${ph}"></i>${PHASE_LABEL[ph]}</span>`)}
      <span class="legend-hint">Arrow keys move between orders · Enter shows details</span>
    </figcaption>
  </figure>`;
}

export const renderNothing = nothing;
