/**
 * The DIPNET explorer: blocks and their commits, validators, contract txs, templates, products,
 * orders — and an order's production graph as a live picture (the digital twin).
 *
 * Two kinds of data, labelled as such on the page:
 *   - lists come from a relay's index (what exists, recent activity): hints, not proofs;
 *   - the order graph, products and templates on their own pages are read through the light client
 *     in a Web Worker, which trusts only the genesis hash and proves every value against a header
 *     whose commit it verified ("verified at block N").
 * Updates follow new heads (the relay's SSE stream, the light client's watchOrder): no polling.
 * Routes are hashes: #/blocks, #/block/<height>, #/validators, #/txs, #/templates, #/template/<id>,
 * #/products, #/product/<id>, #/orders, #/order/<id>, #/governance (bodies, elections, resolutions:
 * all verified).
 */
import { html, render, nothing, type TemplateResult } from 'lit';
import { loadConfig, type ExplorerConfig } from './config.ts';
import { Relay, type BlockRow, type ContractTxJson, type TemplateJson, type ProductJson, type OrderJson, type ValidatorSetJson } from './relay.ts';
import { startVerifier, type Verifier, type VerifiedOrderTree, type VerifiedProduct, type VerifiedTemplate } from './lc.ts';
import { renderTwin, phaseOf, PHASE_LABEL, type TwinNode } from './graph.ts';
import { governanceSections, loadGovernance, type GovData } from './governance.ts';
import { ago, dpn, duration, int, isoTime, shortAddr, shortHex, TX_KIND } from './format.ts';

type Route =
  | { name: 'blocks' } | { name: 'block'; height: bigint } | { name: 'validators' } | { name: 'txs' } | { name: 'templates' } | { name: 'template'; id: string }
  | { name: 'products' } | { name: 'product'; id: string } | { name: 'orders' } | { name: 'order'; id: string } | { name: 'governance' } | { name: 'notfound'; path: string };

const HEX64 = /^[0-9a-f]{64}$/;
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [a, b] = parts;
  if (!a || a === 'blocks') return { name: 'blocks' };
  if (a === 'block' && b && /^\d+$/.test(b)) return { name: 'block', height: BigInt(b) };
  if (a === 'validators' || a === 'txs' || a === 'templates' || a === 'products' || a === 'orders' || a === 'governance') return { name: a };
  if ((a === 'template' || a === 'product' || a === 'order') && b && HEX64.test(b.toLowerCase())) return { name: a, id: b.toLowerCase() };
  return { name: 'notfound', path: hash };
}

const TABS: readonly [Route['name'], string, string][] = [
  ['blocks', '#/blocks', 'Blocks'], ['validators', '#/validators', 'Validators'], ['txs', '#/txs', 'Transactions'],
  ['templates', '#/templates', 'Templates'], ['products', '#/products', 'Products'], ['orders', '#/orders', 'Orders'],
  ['governance', '#/governance', 'Governance'],
];
const TAB_OF: Partial<Record<Route['name'], Route['name']>> = { block: 'blocks', template: 'templates', product: 'products', order: 'orders' };

// ------------------------------------------------------------------------------------ state

interface OrderView {
  id: string;
  tree: VerifiedOrderTree | null;
  nodes: TwinNode[];
  selected: string | null;
  changed: Set<string>;
  error: string | null;
  updates: number;
  off: (() => void) | null;
}

const app = {
  cfg: null as ExplorerConfig | null,
  relay: null as Relay | null,
  lc: null as Verifier | null,
  lcError: null as string | null,
  route: parseRoute(location.hash),
  chainHead: null as { height: bigint; time: number } | null,
  verified: null as { height: bigint; hash: string } | null,
  live: 'connecting' as 'connecting' | 'live' | 'reconnecting',
  // Relay hints, refreshed on new heads.
  blocks: null as BlockRow[] | null,
  vset: null as ValidatorSetJson | null,
  txs: null as ContractTxJson[] | null,
  templates: null as TemplateJson[] | null,
  threshold: null as number | null,
  products: null as ProductJson[] | null,
  orders: null as OrderJson[] | null,
  listError: null as string | null,
  // Verified pages.
  order: null as OrderView | null,
  detail: null as { id: string; product?: VerifiedProduct; template?: VerifiedTemplate; error?: string } | null,
  gov: { data: null as GovData | null, error: null as string | null, loading: false, again: false },
};

const root = document.getElementById('app')!;
const $ = <T extends Element>(sel: string): T | null => root.querySelector<T>(sel);
let renderQueued = false;
function update(): void {
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    render(view(), root);
  });
}
const errText = (e: unknown): string => (e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)
  ? `${(e as { code?: string }).code ? `${(e as { code?: string }).code}: ` : ''}${(e as { message: string }).message}` : String(e));

// ------------------------------------------------------------------------------------ data

const BLOCKS = 20;
async function loadBlocks(): Promise<void> {
  const r = app.relay!;
  const { headers } = await r.headers(BLOCKS);
  const rows = await Promise.all(headers.reverse().map((h) => r.block(h)));
  app.blocks = rows;
  if (rows[0]) app.vset = await r.validatorSet(rows[0].height, undefined).catch(() => app.vset);
}

async function loadList(): Promise<void> {
  const r = app.relay;
  if (!r) return;
  try {
    switch (TAB_OF[app.route.name] ?? app.route.name) {
      case 'blocks':
      case 'validators':
        await loadBlocks();
        break;
      case 'txs':
        app.txs = (await r.contractTxs(50)).txs;
        break;
      case 'templates': {
        const [t, c] = await Promise.all([r.templates(50), r.committee().catch(() => null)]);
        app.templates = t.templates;
        app.threshold = c?.committee.threshold ?? null;
        break;
      }
      case 'products':
        app.products = (await r.products(50)).products;
        break;
      case 'orders': {
        const [o, p] = await Promise.all([r.orders(50), app.products ? null : r.products(50)]);
        app.orders = o.orders;
        if (p) app.products = p.products;
        break;
      }
    }
    app.listError = null;
  } catch (e) {
    app.listError = errText(e);
  }
  update();
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
/** Coalesces bursts of heads into one refresh of the current list. */
function scheduleRefresh(): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void loadList(), 250);
}

function followHeads(): void {
  const es = new EventSource(`${app.relay!.base}/v1/events/heads`);
  es.addEventListener('open', () => { app.live = 'live'; update(); });
  es.addEventListener('error', () => { app.live = 'reconnecting'; update(); });
  es.addEventListener('head', (ev) => {
    try {
      const d = JSON.parse((ev as MessageEvent<string>).data) as { height: string };
      app.chainHead = { height: BigInt(d.height), time: Date.now() };
    } catch { /* a malformed event is ignored; the next one counts */ }
    app.live = 'live';
    scheduleRefresh();
    update();
  });
}

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
      if (!app.orders) app.orders = (await app.relay!.orders(50)).orders;
    } else {
      d.template = await app.lc.api.getTemplate(id);
    }
  } catch (e) {
    d.error = errText(e);
  }
  update();
}

/**
 * Reads the governance view through the light client; called when the view opens and on every
 * new verified head while it is open (heads arriving during a read coalesce into one more).
 */
async function loadGov(): Promise<void> {
  const g = app.gov;
  if (app.route.name !== 'governance') return;
  if (!app.lc) {
    g.error = app.lcError;
    update();
    return;
  }
  if (g.loading) {
    g.again = true;
    return;
  }
  g.loading = true;
  try {
    do {
      g.again = false;
      try {
        g.data = await loadGovernance(app.lc.api);
        g.error = null;
      } catch (e) {
        g.error = errText(e);
      }
      update();
    } while (g.again && app.route.name === 'governance');
  } finally {
    g.loading = false;
  }
}

function onRoute(): void {
  const prev = app.route;
  app.route = parseRoute(location.hash);
  if (prev.name === 'order' && (app.route.name !== 'order' || app.route.id !== prev.id)) closeOrder();
  if (app.route.name === 'order' && app.order?.id !== app.route.id) void openOrder(app.route.id);
  if (app.route.name === 'product' || app.route.name === 'template') void openDetail(app.route.name, app.route.id);
  if (app.route.name === 'governance') void loadGov();
  void loadList();
  update();
  // Move focus to the new view's heading, so keyboard and screen-reader users land on it.
  queueMicrotask(() => requestAnimationFrame(() => $<HTMLElement>('#view-title')?.focus({ preventScroll: false })));
}

// ------------------------------------------------------------------------------------ views

const HINT = html`<span class="badge hint" title="Read from a relay's index: a hint of what exists, not a proof">relay index · unverified</span>`;
const verifiedBadge = (height: bigint, hash: string) =>
  html`<span class="badge verified" data-verified-height=${height.toString()} title="Every value here is Merkle-proven against header ${hash}, whose commit the light client verified from the genesis hash">
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M6.4 11.2 3.2 8l1.1-1.1 2.1 2.1 5.3-5.3 1.1 1.1z" fill="currentColor"/></svg>
    Verified at block ${int(height)}</span>`;

const addrLink = (a: string) => html`<span class="mono addr" title=${a}>${shortAddr(a)}</span>`;
const loading = (what: string) => html`<p class="empty" role="status">Loading ${what}…</p>`;

function header(title: string, sub: TemplateResult | string, badge: TemplateResult | typeof nothing = nothing): TemplateResult {
  return html`<div class="view-head">
    <div><h1 id="view-title" tabindex="-1">${title}</h1><p class="lede">${sub}</p></div>${badge}
  </div>`;
}

function statusBar(): TemplateResult {
  const c = app.cfg;
  return html`<section class="xp-status" aria-label="Connection">
    <div class="stat"><span class="k">Chain</span><span class="v mono">${c?.chainId ?? '—'}</span></div>
    <div class="stat"><span class="k">Head</span><span class="v" data-chain-height=${app.chainHead?.height.toString() ?? ''}>${app.chainHead ? `#${int(app.chainHead.height)}` : '—'}</span></div>
    <div class="stat"><span class="k">Light client</span><span class="v ${app.verified ? 'ok' : app.lcError ? 'bad' : ''}" data-lc-height=${app.verified?.height.toString() ?? ''}>
      ${app.verified ? html`verified #${int(app.verified.height)}` : app.lcError ? 'failed' : 'syncing…'}</span></div>
    <div class="stat"><span class="k">Updates</span><span class="v"><i class="dot ${app.live}" aria-hidden="true"></i>${app.live === 'live' ? 'live (new heads)' : app.live}</span></div>
    <div class="stat grow"><span class="k">Relay</span><span class="v mono small">${c?.relays[0] ?? '—'}</span></div>
  </section>`;
}

function tabs(): TemplateResult {
  const cur = TAB_OF[app.route.name] ?? app.route.name;
  return html`<nav class="xp-tabs" aria-label="Explorer sections">
    ${TABS.map(([name, href, label]) => html`<a href=${href} aria-current=${cur === name ? 'page' : 'false'}>${label}</a>`)}
    <form class="search" role="search" @submit=${onSearch}>
      <label class="visually-hidden" for="xp-search">Go to an order, product, template id or block height</label>
      <input id="xp-search" name="q" placeholder="Order / product / template id, or block height" autocomplete="off" spellcheck="false">
      <button type="submit">Go</button>
    </form>
  </nav>`;
}

async function onSearch(e: SubmitEvent): Promise<void> {
  e.preventDefault();
  const input = (e.currentTarget as HTMLFormElement).elements.namedItem('q') as HTMLInputElement;
  const q = input.value.trim().toLowerCase().replace(/^0x/, '').replace(/^#/, '');
  if (/^\d+$/.test(q)) location.hash = `#/block/${q}`;
  else if (HEX64.test(q) && app.lc) {
    // Which kind of id: ask proven state (unknown ids are proven absent).
    for (const [kind, read] of [['order', app.lc.api.getOrder], ['product', app.lc.api.getProduct], ['template', app.lc.api.getTemplate]] as const) {
      try {
        await read(q);
        location.hash = `#/${kind}/${q}`;
        return;
      } catch { /* try the next kind */ }
    }
    input.setCustomValidity('No order, product or template has this id');
    input.reportValidity();
    input.addEventListener('input', () => input.setCustomValidity(''), { once: true });
  } else {
    input.setCustomValidity('Enter a 64-hex id or a block height');
    input.reportValidity();
    input.addEventListener('input', () => input.setCustomValidity(''), { once: true });
  }
}

function blocksView(): TemplateResult {
  const rows = app.blocks;
  return html`${header('Blocks', 'The latest finalised blocks and the commit that made each final: which validators precommitted it, with how much stake.', HINT)}
    ${!rows ? loading('blocks') : html`
    <div class="table-wrap"><table class="data blocks" aria-label="Latest blocks">
      <thead><tr><th scope="col">Height</th><th scope="col">Time</th><th scope="col">Proposer</th><th scope="col" class="num">Txs</th>
        <th scope="col">Commit signers</th><th scope="col" class="num">Signed power</th></tr></thead>
      <tbody>${rows.map((b) => html`<tr data-height=${b.height.toString()}>
        <th scope="row"><a href="#/block/${b.height}">#${int(b.height)}</a></th>
        <td title=${isoTime(b.time)}>${ago(b.time)}</td>
        <td>${validatorChip(b, b.proposer)}</td>
        <td class="num">${b.txCount}</td>
        <td><ul class="signers" aria-label="Signed by">${b.validators.map((v, i) => {
          const s = b.signers.find((x) => x.index === i);
          return html`<li class="sig ${s ? 'yes' : 'no'}" data-signer=${s ? v.address : ''} title="${v.address} · power ${int(v.power)} · ${s ? 'signed' : 'did not sign'}">
            <span aria-hidden="true">V${i}</span><span class="visually-hidden">validator ${i} ${s ? 'signed' : 'did not sign'}</span></li>`;
        })}</ul></td>
        <td class="num">${powerBar(b.signedPower, b.totalPower)}</td>
      </tr>`)}</tbody>
    </table></div>`}`;
}

function validatorChip(b: BlockRow, address: string): TemplateResult {
  const i = b.validators.findIndex((v) => v.address === address);
  return html`<span class="vchip" title=${address}>${i >= 0 ? html`<b>V${i}</b> ` : nothing}<span class="mono">${shortAddr(address)}</span></span>`;
}

/** `quorum`: green above 2/3 (a commit), amber below; `share`: a neutral bar. */
function powerBar(part: bigint, total: bigint, kind: 'quorum' | 'share' = 'quorum'): TemplateResult {
  const pct = total > 0n ? Number((part * 10_000n) / total) / 100 : 0;
  return html`<span class="power" title="${int(part)} of ${int(total)} DPN of voting power"><span class="bar"><span style="width:${pct}%" class=${kind === 'share' ? 'share' : pct > 66.67 ? 'ok' : 'low'}></span></span>${pct.toFixed(pct % 1 ? 1 : 0)}%</span>`;
}

function blockView(height: bigint): TemplateResult {
  const b = app.blocks?.find((x) => x.height === height);
  if (!b) {
    // Not among the latest: fetch it on demand.
    if (app.relay) {
      void app.relay.get<{ headers: import('./relay.ts').HeaderJson[] }>(`/v1/headers?from=${height}&limit=1`)
        .then(async ({ headers }) => {
          if (headers[0]) {
            const row = await app.relay!.block(headers[0]);
            app.blocks = [...(app.blocks ?? []).filter((x) => x.height !== row.height), row].sort((x, y) => Number(y.height - x.height));
          } else app.listError = `no block #${height} yet`;
          update();
        }).catch((e) => { app.listError = errText(e); update(); });
    }
    return html`${header(`Block #${int(height)}`, 'Loading…', HINT)}${app.listError ? html`<p class="error" role="alert">${app.listError}</p>` : loading('the block')}`;
  }
  return html`${header(`Block #${int(height)}`, html`<span class="mono">${b.hash}</span>`, HINT)}
    <dl class="facts">
      <div><dt>Time</dt><dd>${isoTime(b.time)} (${ago(b.time)})</dd></div>
      <div><dt>Proposer</dt><dd>${validatorChip(b, b.proposer)}</dd></div>
      <div><dt>Transactions</dt><dd>${b.txCount}</dd></div>
      <div><dt>Commit round</dt><dd>${b.round ?? '—'}</dd></div>
      <div><dt>Signed power</dt><dd>${powerBar(b.signedPower, b.totalPower)}</dd></div>
    </dl>
    <h2>Commit: precommits</h2>
    <div class="table-wrap"><table class="data" aria-label="Validators and their precommits">
      <thead><tr><th scope="col">Validator</th><th scope="col">Address</th><th scope="col" class="num">Power</th><th scope="col">Precommit</th></tr></thead>
      <tbody>${b.validators.map((v, i) => {
        const s = b.signers.some((x) => x.index === i);
        return html`<tr><th scope="row">V${i}</th><td class="mono">${v.address}</td><td class="num">${int(v.power)} DPN</td>
          <td>${s ? html`<span class="pill ok">signed</span>` : html`<span class="pill muted">absent</span>`}</td></tr>`;
      })}</tbody>
    </table></div>
    <p><a href="#/block/${height - 1n}" ?hidden=${height <= 1n}>← #${int(height - 1n)}</a> · <a href="#/block/${height + 1n}">#${int(height + 1n)} →</a></p>`;
}

function validatorsView(): TemplateResult {
  const set = app.vset;
  const blocks = app.blocks ?? [];
  return html`${header('Validators', 'The set that signs the next block, with its bonded stake (voting power in whole DPN), and how many of the latest blocks each one precommitted.', HINT)}
    ${!set ? loading('validators') : html`
    <div class="table-wrap"><table class="data" aria-label="Validators">
      <thead><tr><th scope="col">Validator</th><th scope="col">Address</th><th scope="col" class="num">Stake (power)</th><th scope="col">Share</th>
        <th scope="col" class="num">Signed (last ${blocks.length})</th><th scope="col" class="num">Proposed</th></tr></thead>
      <tbody>${set.validators.map((v, i) => html`<tr>
        <th scope="row">V${i}</th><td class="mono" title=${v.publicKey}>${v.address}</td><td class="num">${int(v.power)} DPN</td>
        <td>${powerBar(BigInt(v.power), BigInt(set.totalPower), 'share')}</td>
        <td class="num">${blocks.filter((b) => b.signers.some((s) => s.address === v.address)).length}</td>
        <td class="num">${blocks.filter((b) => b.proposer === v.address).length}</td>
      </tr>`)}</tbody>
      <tfoot><tr><th scope="row" colspan="2">Total</th><td class="num">${int(set.totalPower)} DPN</td><td colspan="3"></td></tr></tfoot>
    </table></div>`}`;
}

function subjectLink(t: ContractTxJson): TemplateResult {
  const kind = t.type === 'submitTemplate' || t.type === 'reviewTemplate' || t.type === 'committeeVote' ? (t.type === 'committeeVote' ? null : 'template')
    : t.type === 'createProduct' ? 'product' : t.type === 'placeOrder' || t.type === 'fireTransition' ? 'order' : null;
  if (!kind || !t.receipt?.ok) return html`<span class="mono muted">${shortHex(t.subject)}</span>`;
  return html`<a class="mono" href="#/${kind}/${t.subject}">${kind} ${shortHex(t.subject)}</a>`;
}

function txsView(): TemplateResult {
  const txs = app.txs;
  return html`${header('Transactions', 'Recent contract transactions with their receipts: what each paid (base fee + gas used; the rest of the declared fee is refunded) and whether it succeeded.', HINT)}
    ${!txs ? loading('transactions') : txs.length === 0 ? html`<p class="empty">No contract transactions yet.</p>` : html`
    <div class="table-wrap"><table class="data" aria-label="Contract transactions">
      <thead><tr><th scope="col">Tx</th><th scope="col">Block</th><th scope="col">Kind</th><th scope="col">Signer</th><th scope="col">Subject</th>
        <th scope="col" class="num">Fee paid</th><th scope="col" class="num">Gas used</th><th scope="col">Result</th></tr></thead>
      <tbody>${txs.map((t) => html`<tr data-tx=${t.hash}>
        <th scope="row" class="mono" title=${t.hash}>${shortHex(t.hash)}</th>
        <td><a href="#/block/${t.height}">#${int(t.height)}</a></td>
        <td>${TX_KIND[t.type] ?? t.type}</td>
        <td>${addrLink(t.sender)}</td>
        <td>${subjectLink(t)}</td>
        <td class="num">${t.receipt ? dpn(t.receipt.fee) : '—'}</td>
        <td class="num">${t.receipt ? int(t.receipt.gasUsed) : '—'}</td>
        <td>${!t.receipt ? html`<span class="pill muted">no receipt</span>` : t.receipt.ok ? html`<span class="pill ok">success</span>`
          : html`<span class="pill bad" title=${t.receipt.message}>${t.receipt.code}</span>`}</td>
      </tr>`)}</tbody>
    </table></div>`}`;
}

const statusPill = (s: string) => html`<span class="pill ${s === 'approved' ? 'ok' : s === 'pending' ? 'warn' : s === 'rejected' || s === 'deprecated' ? 'bad' : 'muted'}">${s}</span>`;

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
const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function sceneLabel(id: string): TemplateResult | typeof nothing {
  const props = Object.entries(app.cfg?.products ?? {}).filter(([, p]) => p === id).map(([k]) => k);
  return props.length ? html`<span class="pill scene" title="Seen in the demo scene">in scene: ${props.join(', ')}</span>` : nothing;
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

function productName(id: string): string {
  return app.products?.find((p) => p.id === id)?.name ?? shortHex(id);
}

function ordersTable(orders: readonly OrderJson[], label: string): TemplateResult {
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
  return html`${header(p.name, html`Product contract <span class="mono">${shortHex(id, 12)}</span> ${sceneLabel(id)}`, verifiedBadge(p.height, p.headerHash))}
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
  return html`${header(`Order: ${rootNode?.productName ?? ''}`, html`<span class="mono" title=${tree.root}>${shortHex(tree.root, 12)}</span> ·
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

function governanceView(): TemplateResult {
  const g = app.gov;
  const d = g.data;
  const sub = 'The decision board, the community representatives and the technical committee, the latest election with its coin-age tallies, and the board’s resolutions — every value Merkle-proven at one verified block.';
  if (!d) {
    return html`${header('Governance', sub)}${g.error ? html`<p class="error" role="alert">${g.error}</p>`
      : html`<p class="empty" role="status">${app.lc ? 'Reading governance state through the light client…' : app.lcError ? `Light client: ${app.lcError}` : 'The light client is starting…'}</p>`}`;
  }
  return html`${header('Governance', sub, verifiedBadge(d.gov.height, d.gov.headerHash))}
    ${g.error ? html`<p class="error" role="alert">Last update failed: ${g.error}</p>` : nothing}
    ${governanceSections(d)}`;
}

function configProblem(problems: readonly string[]): TemplateResult {
  return html`<div class="view-head"><div><h1 id="view-title" tabindex="-1">Explorer</h1>
    <p class="lede">Blocks, validators, transactions and the production contracts behind an order.</p></div></div>
    <section class="note" role="alert">
      <strong>No chain to explore yet.</strong>
      <ul>${problems.map((p) => html`<li>${p}</li>`)}</ul>
      <p>Start a local devnet with <code>npm start</code> (it writes <code>demo-config.json</code>), or name a chain here. The light client trusts
        only the genesis hash you give it.</p>
      <form class="cfg-form" @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget as HTMLFormElement);
        const q = new URLSearchParams({ relay: String(f.get('relay') ?? ''), chain: String(f.get('chain') ?? ''), genesis: String(f.get('genesis') ?? '') });
        location.search = q.toString();
      }}>
        <label>Relay URL <input name="relay" required placeholder="http://127.0.0.1:26657" type="url"></label>
        <label>Chain id <input name="chain" required placeholder="dipnet-devnet"></label>
        <label>Genesis hash <input name="genesis" required pattern="[0-9a-fA-F]{64}" placeholder="64 hex digits"></label>
        <button type="submit">Connect</button>
      </form>
    </section>`;
}

let configProblems: readonly string[] | null = null;

function view(): TemplateResult {
  if (configProblems) return html`<div class="xp">${configProblem(configProblems)}</div>`;
  const r = app.route;
  let body: TemplateResult;
  switch (r.name) {
    case 'blocks': body = blocksView(); break;
    case 'block': body = blockView(r.height); break;
    case 'validators': body = validatorsView(); break;
    case 'txs': body = txsView(); break;
    case 'templates': body = templatesView(); break;
    case 'template': body = templateView(r.id); break;
    case 'products': body = productsView(); break;
    case 'product': body = productView(r.id); break;
    case 'orders': body = ordersView(); break;
    case 'order': body = orderView(r.id); break;
    case 'governance': body = governanceView(); break;
    default: body = html`${header('Not found', html`No page at <code>${r.path}</code>.`)}<p><a href="#/blocks">Latest blocks</a></p>`;
  }
  return html`<div class="xp">
    ${statusBar()}
    ${tabs()}
    ${app.lcError ? html`<p class="error" role="alert">Light client: ${app.lcError}. Verified views are unavailable; relay lists still show.</p>` : nothing}
    ${app.listError && r.name !== 'block' ? html`<p class="error" role="alert">Relay: ${app.listError}</p>` : nothing}
    <div class="view" data-view=${r.name}>${body}</div>
  </div>`;
}

// ------------------------------------------------------------------------------------ start

async function main(): Promise<void> {
  update();
  const c = await loadConfig();
  if (!c.ok) {
    configProblems = c.problems;
    update();
    return;
  }
  app.cfg = c.config;
  app.relay = new Relay(c.config.relays[0]!);
  window.addEventListener('hashchange', onRoute);
  followHeads();
  void app.relay.status().then((s) => {
    if (!app.chainHead) app.chainHead = { height: BigInt(s.height), time: Number(s.headTime) };
    if (s.genesisHash !== c.config.genesisHash) app.listError = `this relay serves genesis ${shortHex(s.genesisHash)}, not the configured ${shortHex(c.config.genesisHash)}`;
    update();
  }).catch((e) => { app.listError = errText(e); update(); });
  onRoute();
  try {
    app.lc = await startVerifier(c.config);
    app.verified = { height: app.lc.head.height, hash: app.lc.head.hash };
    await app.lc.onHead((h) => { app.verified = { height: h.height, hash: h.hash }; void loadGov(); update(); });
    // Verified views opened before the worker was ready: open them now.
    if (app.route.name === 'order') void openOrder(app.route.id);
    if (app.route.name === 'product' || app.route.name === 'template') void openDetail(app.route.name, app.route.id);
    if (app.route.name === 'governance') void loadGov();
  } catch (e) {
    app.lcError = errText(e);
  }
  update();
  (window as unknown as { __explorerReady: boolean }).__explorerReady = true;
}

void main();
