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
 * Pages are entries of the route table (routes.ts); this file draws the frame around them (status,
 * tabs, search), follows heads, and moves between pages.
 */
import { html, render, nothing, type TemplateResult } from 'lit';
import { loadConfig } from './config.ts';
import { Relay } from './relay.ts';
import { startVerifier } from './lc.ts';
import { int, shortHex } from './format.ts';
import { app, errText, setDraw, update } from './state.ts';
import { PAGES, matchRoute } from './routes.ts';

const HEX64 = /^[0-9a-f]{64}$/;
const root = document.getElementById('app')!;
const $ = <T extends Element>(sel: string): T | null => root.querySelector<T>(sel);

// ------------------------------------------------------------------------------------ data

/** Refreshes the relay lists the current page shows. */
async function loadList(): Promise<void> {
  if (!app.relay) return;
  try {
    await app.route.page.list?.();
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

function onRoute(): void {
  const prev = app.route;
  app.route = matchRoute(location.hash);
  if (prev.key !== app.route.key) prev.page.leave?.();
  app.route.page.enter?.(app.route.params, false);
  void loadList();
  update();
  // Move focus to the new view's heading, so keyboard and screen-reader users land on it.
  queueMicrotask(() => requestAnimationFrame(() => $<HTMLElement>('#view-title')?.focus({ preventScroll: false })));
}

// ------------------------------------------------------------------------------------ frame

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
  const cur = app.route.page.tab;
  return html`<nav class="xp-tabs" aria-label="Explorer sections">
    ${PAGES.filter((p) => p.label).map((p) => html`<a href="#/${p.path}" aria-current=${cur === p.tab ? 'page' : 'false'}>${p.label}</a>`)}
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
  const { page, params } = app.route;
  return html`<div class="xp">
    ${statusBar()}
    ${tabs()}
    ${app.lcError ? html`<p class="error" role="alert">Light client: ${app.lcError}. Verified views are unavailable; relay lists still show.</p>` : nothing}
    ${app.listError && !page.ownsListError ? html`<p class="error" role="alert">Relay: ${app.listError}</p>` : nothing}
    <div class="view" data-view=${page.name}>${page.render(params)}</div>
  </div>`;
}

// ------------------------------------------------------------------------------------ start

async function main(): Promise<void> {
  app.route = matchRoute(location.hash);
  setDraw(() => render(view(), root));
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
    await app.lc.onHead((h) => { app.verified = { height: h.height, hash: h.hash }; app.route.page.onVerifiedHead?.(); update(); });
    // Verified views opened before the worker was ready: open them now.
    app.route.page.enter?.(app.route.params, true);
  } catch (e) {
    app.lcError = errText(e);
  }
  update();
  (window as unknown as { __explorerReady: boolean }).__explorerReady = true;
}

void main();
