/** One order's production graph (the digital twin), read and followed through the light client. */
import { html, nothing, type TemplateResult } from 'lit';
import { app, errText, update, type OrderView } from '../state.ts';
import type { VerifiedOrderTree } from '../lc.ts';
import { renderTwin, phaseOf, PHASE_LABEL, type TwinNode } from '../graph.ts';
import { dpn, int, isoTime, shortHex } from '../format.ts';
import { addrLink, header, verifiedBadge } from '../ui.ts';
import type { Page } from '../page.ts';
import { loadOrders } from './contracts.ts';

async function openOrder(id: string): Promise<void> {
  closeOrder();
  const v: OrderView = { id, tree: null, nodes: [], selected: null, changed: new Set(), error: null, updates: 0, off: null };
  app.order = v;
  update();
  if (!app.lc) {
    v.error = app.lcError ?? 'the light client is starting';
    update();
    return;
  }
  let seq = 0;
  const onTree = async (tree: VerifiedOrderTree): Promise<void> => {
    const mine = ++seq;
    try {
      const nodes = await twinNodes(tree);
      if (mine !== seq || app.order !== v) return; // a newer tree arrived meanwhile
      const before = new Map(v.nodes.map((n) => [n.id, `${n.state}/${n.status}`]));
      v.changed = new Set(v.tree ? nodes.filter((n) => before.get(n.id) !== `${n.state}/${n.status}`).map((n) => n.id) : []);
      v.tree = tree;
      v.nodes = nodes;
      v.error = null;
      v.updates++;
      update();
    } catch (e) {
      v.error = errText(e);
      update();
    }
  };
  try {
    const off = await app.lc.watchOrder(id, (t) => void onTree(t), (e) => { v.error = errText(e); update(); });
    if (app.order === v) v.off = off;
    else off();
  } catch (e) {
    v.error = errText(e);
    update();
  }
}
function closeOrder(): void {
  app.order?.off?.();
  app.order = null;
}

/** Names and producers of every order's product, and whether its state counts as done, all proven. */
async function twinNodes(tree: VerifiedOrderTree): Promise<TwinNode[]> {
  const lc = app.lc!;
  return Promise.all(tree.orders.map(async (o) => {
    const [p, t] = await Promise.all([lc.product(o.product), lc.template(o.template)]);
    return {
      id: o.id, parent: o.parent, children: o.children, productName: p.name, producer: p.producer, tag: o.tag, state: o.state, status: o.status,
      done: t.template.done.includes(o.state), escrow: o.escrow,
    };
  }));
}

function orderView(id: string): TemplateResult {
  const v = app.order?.id === id ? app.order : null;
  const tree = v?.tree;
  if (!v || !tree) {
    return html`${header('Order', html`<span class="mono">${id}</span>`)}
      ${v?.error ? html`<p class="error" role="alert">${v.error}</p>` : html`<p class="empty" role="status">Reading the order graph through the light client…</p>`}`;
  }
  const rootNode = v.nodes.find((n) => n.id === tree.root);
  const sel = v.nodes.find((n) => n.id === v.selected) ?? null;
  const selOrder = sel ? tree.orders.find((o) => o.id === sel.id) : null;
  const counts = { working: 0, done: 0, settled: 0, refunded: 0 };
  for (const n of v.nodes) counts[phaseOf(n)]++;
  return html`${header(`Order: ${rootNode?.productName ?? ''}`, html`<span class="mono" title=${tree.root}>${shortHex(tree.root)}</span> ·
      ${v.nodes.length} orders in the graph · ${counts.working} in progress, ${counts.done} done, ${counts.settled} settled${counts.refunded ? `, ${counts.refunded} refunded` : ''}`,
    verifiedBadge(tree.height, tree.headerHash))}
    ${tree.root !== id ? html`<p class="note">This order is part of a larger purchase: showing the whole graph from its root.</p>` : nothing}
    <p class="live-line" aria-live="polite" data-updates=${v.updates}>
      <i class="dot live" aria-hidden="true"></i> Live: redrawn when a new verified block changes any order (${v.updates === 1 ? 'as first read' : `${v.updates - 1} update${v.updates === 2 ? '' : 's'} so far`}).
      ${v.error ? html`<span class="error">Last update failed: ${v.error}</span>` : nothing}
    </p>
    ${renderTwin({ nodes: v.nodes, root: tree.root, selected: v.selected, changed: v.changed, onSelect: (sid) => { v.selected = v.selected === sid ? null : sid; update(); } })}
    ${sel && selOrder ? html`<section class="panel" aria-labelledby="sel-title">
      <h2 id="sel-title">${sel.productName} <span class="pill phase-${phaseOf(sel)}">${sel.status === 'active' ? sel.state : sel.status}</span></h2>
      <dl class="facts">
        <div><dt>Order</dt><dd class="mono small">${sel.id}</dd></div>
        <div><dt>Role</dt><dd>${sel.tag || 'the purchase (root)'}${selOrder.depth ? ` · depth ${selOrder.depth}` : ''}</dd></div>
        <div><dt>Producer</dt><dd class="mono">${sel.producer}</dd></div>
        <div><dt>Price × qty</dt><dd>${dpn(selOrder.price)} × ${selOrder.quantity} + designer fee ${dpn(selOrder.designerFee)}</dd></div>
        <div><dt>Escrow</dt><dd>${dpn(selOrder.escrow)} (in ${dpn(selOrder.escrowIn)}, out ${dpn(selOrder.escrowOut)})</dd></div>
        <div><dt>In this state since</dt><dd>${isoTime(selOrder.stateSince)}</dd></div>
        ${selOrder.vars.length ? html`<div><dt>Variables</dt><dd class="mono small">${selOrder.vars.map((x) => `${x.name} = ${JSON.stringify(x.value)}`).join(' · ')}</dd></div>` : nothing}
      </dl>
      <h3>History</h3>
      <ol class="history">${selOrder.history.map((h) => html`<li><span class="ev">${h.event}</span> <a href="#/block/${h.height}">#${int(h.height)}</a> <span class="muted">${isoTime(h.time)}</span></li>`)}</ol>
    </section>` : nothing}
    <h2>All orders in the graph</h2>
    <div class="table-wrap"><table class="data twin-table" aria-label="Orders in the production graph">
      <thead><tr><th scope="col">Product</th><th scope="col">Role</th><th scope="col">Producer</th><th scope="col">State</th><th scope="col">Phase</th><th scope="col" class="num">Escrow</th></tr></thead>
      <tbody>${v.nodes.map((n) => html`<tr data-order-id=${n.id}>
        <th scope="row"><button class="linkish" @click=${() => { v.selected = n.id; update(); }}>${n.productName}</button></th>
        <td>${n.tag || 'root'}</td><td>${addrLink(n.producer)}</td><td>${n.status === 'active' ? n.state : n.status}</td>
        <td><span class="pill phase-${phaseOf(n)}">${PHASE_LABEL[phaseOf(n)]}</span></td><td class="num">${dpn(n.escrow)}</td></tr>`)}</tbody>
    </table></div>`;
}

export const ORDER_PAGE: Page = {
  name: 'order', path: 'order/:id', params: { id: /^[0-9a-f]{64}$/ }, tab: 'orders', list: loadOrders,
  enter: (p, verifierReady) => { if (verifierReady || app.order?.id !== p.id) void openOrder(p.id!); },
  leave: closeOrder,
  render: (p) => orderView(p.id!),
};
