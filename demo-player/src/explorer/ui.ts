/** Pieces every explorer page draws with: headings, badges, bars, pills. Chain data is only ever bound as text. */
import { html, nothing, type TemplateResult } from 'lit';
import { app } from './state.ts';
import type { BlockRow } from './relay.ts';
import { int, shortAddr } from './format.ts';

export const HINT = html`<span class="badge hint" title="Read from a relay's index: a hint of what exists, not a proof">relay index · unverified</span>`;
export const verifiedBadge = (height: bigint, hash: string) =>
  html`<span class="badge verified" data-verified-height=${height.toString()} title="Every value here is Merkle-proven against header ${hash}, whose commit the light client verified from the genesis hash">
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M6.4 11.2 3.2 8l1.1-1.1 2.1 2.1 5.3-5.3 1.1 1.1z" fill="currentColor"/></svg>
    Verified at block ${int(height)}</span>`;

export const addrLink = (a: string) => html`<span class="mono addr" title=${a}>${shortAddr(a)}</span>`;
export const loading = (what: string) => html`<p class="empty" role="status">Loading ${what}…</p>`;

export function header(title: string, sub: TemplateResult | string, badge: TemplateResult | typeof nothing = nothing): TemplateResult {
  return html`<div class="view-head">
    <div><h1 id="view-title" tabindex="-1">${title}</h1><p class="lede">${sub}</p></div>${badge}
  </div>`;
}

export function validatorChip(b: BlockRow, address: string): TemplateResult {
  const i = b.validators.findIndex((v) => v.address === address);
  return html`<span class="vchip" title=${address}>${i >= 0 ? html`<b>V${i}</b> ` : nothing}<span class="mono">${shortAddr(address)}</span></span>`;
}

/** `quorum`: green above 2/3 (a commit), amber below; `share`: a neutral bar. */
export function powerBar(part: bigint, total: bigint, kind: 'quorum' | 'share' = 'quorum'): TemplateResult {
  const pct = total > 0n ? Number((part * 10_000n) / total) / 100 : 0;
  return html`<span class="power" title="${int(part)} of ${int(total)} DPN of voting power"><span class="bar"><span style="width:${pct}%" class=${kind === 'share' ? 'share' : pct > 66.67 ? 'ok' : 'low'}></span></span>${pct.toFixed(pct % 1 ? 1 : 0)}%</span>`;
}

export const statusPill = (s: string) => html`<span class="pill ${s === 'approved' ? 'ok' : s === 'pending' ? 'warn' : s === 'rejected' || s === 'deprecated' ? 'bad' : 'muted'}">${s}</span>`;

export const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function sceneLabel(id: string): TemplateResult | typeof nothing {
  const props = Object.entries(app.cfg?.products ?? {}).filter(([, p]) => p === id).map(([k]) => k);
  return props.length ? html`<span class="pill scene" title="Seen in the demo scene">in scene: ${props.join(', ')}</span>` : nothing;
}
