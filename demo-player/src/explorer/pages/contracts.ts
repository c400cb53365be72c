/** The contract pages: templates, products and root orders (relay lists), and one product or template (proven). */
import { html, nothing, type TemplateResult } from 'lit';
import { app, errText, update } from '../state.ts';
import type { OrderJson } from '../relay.ts';
import { ago, dpn, duration, int, isoTime, shortHex } from '../format.ts';
import { HINT, addrLink, clip, header, loading, sceneLabel, statusPill, verifiedBadge } from '../ui.ts';
import type { Page } from '../page.ts';

const LIST = 50;

async function loadTemplates(): Promise<void> {
  const r = app.relay!;
  const [t, c] = await Promise.all([r.templates(LIST), r.committee().catch(() => null)]);
  app.templates = t.templates;
  app.threshold = c?.committee.threshold ?? null;
}

async function loadProducts(): Promise<void> {
  app.products = (await app.relay!.products(LIST)).products;
}

export async function loadOrders(): Promise<void> {
  const r = app.relay!;
  const [o, p] = await Promise.all([r.orders(LIST), app.products ? null : r.products(LIST)]);
  app.orders = o.orders;
  if (p) app.products = p.products;
}

async function openDetail(kind: 'product' | 'template', id: string): Promise<void> {
  const d: NonNullable<typeof app.detail> = { id };
  app.detail = d;
  update();
  if (!app.lc) {
    d.error = app.lcError ?? 'the light client is starting';
    update();
    return;
  }
  try {
    if (kind === 'product') {
      d.product = await app.lc.api.getProduct(id);
      if (!app.orders) app.orders = (await app.relay!.orders(LIST)).orders;
    } else {
      d.template = await app.lc.api.getTemplate(id);
    }
  } catch (e) {
    d.error = errText(e);
  }
  update();
}

function templatesView(): TemplateResult {
  const ts = app.templates;
  return html`${header('Templates', 'Contract templates and their committee review. Only approved templates can be made into products and ordered.', HINT)}
    ${!ts ? loading('templates') : ts.length === 0 ? html`<p class="empty">No templates yet.</p>` : html`
    <div class="table-wrap"><table class="data" aria-label="Templates">
      <thead><tr><th scope="col">Template</th><th scope="col">Review</th><th scope="col" class="num">Approvals</th><th scope="col" class="num">Rejections</th>
        <th scope="col">Designer</th><th scope="col" class="num">Designer fee</th><th scope="col" class="num">Size</th></tr></thead>
      <tbody>${ts.map((t) => html`<tr data-template=${t.id}>
        <th scope="row"><a href="#/template/${t.id}">${t.name ?? shortHex(t.id)}</a><div class="sub">${t.summary ? clip(t.summary, 90) : ''}</div></th>
        <td>${statusPill(t.status)}</td>
        <td class="num" title=${t.approvals.join('\n')}>${t.approvals.length}${app.threshold ? ` / ${app.threshold}` : ''}</td>
        <td class="num" title=${t.rejections.join('\n')}>${t.rejections.length}</td>
        <td>${addrLink(t.designer)}</td>
        <td class="num">${dpn(t.designerFee)}</td>
        <td class="num">${(t.codeBytes / 1024).toFixed(1)} KiB</td>
      </tr>`)}</tbody>
    </table></div>`}`;
}

function productsView(): TemplateResult {
  const ps = app.products;
  return html`${header('Products', 'Product contracts: a producer’s offer made from an approved template, with its unit price and lead time.', HINT)}
    ${!ps ? loading('products') : ps.length === 0 ? html`<p class="empty">No products yet.</p>` : html`
    <div class="table-wrap"><table class="data" aria-label="Products">
      <thead><tr><th scope="col">Product</th><th scope="col">Producer</th><th scope="col" class="num">Price</th><th scope="col" class="num">Lead time</th>
        <th scope="col">Template</th><th scope="col" class="num">Orders</th></tr></thead>
      <tbody>${ps.map((p) => html`<tr data-product=${p.id}>
        <th scope="row"><a href="#/product/${p.id}">${p.name}</a> ${sceneLabel(p.id)}</th>
        <td>${addrLink(p.producer)}</td>
        <td class="num">${dpn(p.price)}</td>
        <td class="num">${duration(p.leadTimeMs)}</td>
        <td><a href="#/template/${p.template}">${p.templateName ?? shortHex(p.template)}</a></td>
        <td class="num">${int(p.orders)}</td>
      </tr>`)}</tbody>
    </table></div>`}`;
}

export function productName(id: string): string {
  return app.products?.find((p) => p.id === id)?.name ?? shortHex(id);
}

export function ordersTable(orders: readonly OrderJson[], label: string): TemplateResult {
  return html`<div class="table-wrap"><table class="data" aria-label=${label}>
    <thead><tr><th scope="col">Order</th><th scope="col">Product</th><th scope="col">Consumer</th><th scope="col">State</th>
      <th scope="col" class="num">Escrow</th><th scope="col" class="num">Sub-orders</th><th scope="col">Placed</th></tr></thead>
    <tbody>${orders.map((o) => html`<tr data-order=${o.id}>
      <th scope="row"><a class="mono" href="#/order/${o.root}">${shortHex(o.id)}</a>${o.parent ? html`<div class="sub">${o.tag} of ${shortHex(o.root)}</div>` : nothing}</th>
      <td>${productName(o.product)}</td>
      <td>${addrLink(o.consumer)}</td>
      <td><span class="pill phase-${o.status === 'active' ? 'working' : o.status}">${o.status === 'active' ? o.state : o.status}</span></td>
      <td class="num">${dpn(o.escrow)}</td>
      <td class="num">${o.children.length}</td>
      <td title=${isoTime(Number(o.createdAt))}>${ago(Number(o.createdAt))}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

function ordersView(): TemplateResult {
  const os = app.orders?.filter((o) => o.parent === null);
  return html`${header('Orders', 'Purchases (root orders), newest first. Open one to see its production graph, verified by the light client.', HINT)}
    ${!os ? loading('orders') : os.length === 0 ? html`<p class="empty">No orders yet: buy a prop on the viewer page.</p>` : ordersTable(os, 'Orders')}`;
}

function productView(id: string): TemplateResult {
  const d = app.detail?.id === id ? app.detail : null;
  const p = d?.product;
  if (!p) return html`${header('Product', html`<span class="mono">${id}</span>`)}${d?.error ? html`<p class="error" role="alert">${d.error}</p>` : loading('the product (proven)')}`;
  const orders = (app.orders ?? []).filter((o) => o.product === id);
  return html`${header(p.name, html`Product contract <span class="mono">${shortHex(id)}</span> ${sceneLabel(id)}`, verifiedBadge(p.height, p.headerHash))}
    <dl class="facts">
      <div><dt>Producer</dt><dd class="mono">${p.producer}</dd></div>
      <div><dt>Unit price</dt><dd>${p.priceText}</dd></div>
      <div><dt>Lead time</dt><dd>${duration(p.leadTimeMs)}</dd></div>
      <div><dt>Template</dt><dd><a href="#/template/${p.template.id}">${p.template.name}</a> ${statusPill(p.template.status)} · designer fee ${dpn(p.template.designerFee)}</dd></div>
      <div><dt>Takes orders</dt><dd>${p.open ? html`<span class="pill ok">open</span>` : html`<span class="pill bad">closed</span>`}</dd></div>
      <div><dt>Orders so far</dt><dd>${int(p.orders)}</dd></div>
      <div><dt>Metadata</dt><dd class="mono small">${clip(decodeURIComponent(p.metadataUri), 120)}</dd></div>
    </dl>
    <h2>Parameters</h2>
    <pre class="code">${JSON.stringify(p.params, null, 2)}</pre>
    ${orders.length ? html`<h2>Recent orders ${HINT}</h2>${ordersTable(orders, 'Orders of this product')}` : nothing}`;
}

function templateView(id: string): TemplateResult {
  const d = app.detail?.id === id ? app.detail : null;
  const t = d?.template;
  if (!t) return html`${header('Template', html`<span class="mono">${id}</span>`)}${d?.error ? html`<p class="error" role="alert">${d.error}</p>` : loading('the template (proven)')}`;
  const doc = t.template;
  return html`${header(doc.name, html`${doc.summary}`, verifiedBadge(t.height, t.headerHash))}
    <dl class="facts">
      <div><dt>Review</dt><dd>${statusPill(t.status)} · ${t.record.approvals.length} approvals, ${t.record.rejections.length} rejections</dd></div>
      <div><dt>Designer</dt><dd class="mono">${t.designer}</dd></div>
      <div><dt>Designer fee</dt><dd>${dpn(t.designerFee)} per order</dd></div>
      <div><dt>Id (hash of the code)</dt><dd class="mono small">${t.id}</dd></div>
    </dl>
    <h2>States</h2>
    <p class="states">${doc.states.map((s) => html`<span class="pill ${doc.done.includes(s) ? 'phase-done' : 'muted'}">${s}${s === doc.initial ? ' (initial)' : ''}</span> `)}</p>
    <h2>Transitions</h2>
    <div class="table-wrap"><table class="data" aria-label="Transitions">
      <thead><tr><th scope="col">Name</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Fired by</th></tr></thead>
      <tbody>${doc.transitions.map((tr) => html`<tr><th scope="row">${tr.name}</th><td>${tr.from.join(', ')}</td><td>${tr.to ?? '(ends the order)'}</td>
        <td>${tr.by ?? (tr.after !== undefined ? 'timer' : '—')}</td></tr>`)}</tbody>
    </table></div>`;
}

const HEX64 = /^[0-9a-f]{64}$/;

export const CONTRACT_PAGES: readonly Page[] = [
  { name: 'templates', path: 'templates', tab: 'templates', label: 'Templates', list: loadTemplates, render: templatesView },
  { name: 'template', path: 'template/:id', params: { id: HEX64 }, tab: 'templates', list: loadTemplates, enter: (p) => void openDetail('template', p.id!), render: (p) => templateView(p.id!) },
  { name: 'products', path: 'products', tab: 'products', label: 'Products', list: loadProducts, render: productsView },
  { name: 'product', path: 'product/:id', params: { id: HEX64 }, tab: 'products', list: loadProducts, enter: (p) => void openDetail('product', p.id!), render: (p) => productView(p.id!) },
  { name: 'orders', path: 'orders', tab: 'orders', label: 'Orders', list: loadOrders, render: ordersView },
];
