/**
 * The explorer's route table: one entry per page (pages/*.ts), in tab order. A new page is one
 * entry here. Routes are hashes: #/blocks, #/block/<height>, #/validators, #/txs, #/templates,
 * #/template/<id>, #/products, #/product/<id>, #/orders, #/order/<id>, #/governance.
 */
import { html } from 'lit';
import type { Page, Route } from './page.ts';
import { header } from './ui.ts';
import { CHAIN_PAGES } from './pages/chain.ts';
import { CONTRACT_PAGES } from './pages/contracts.ts';
import { ORDER_PAGE } from './pages/order.ts';
import { GOVERNANCE_PAGE } from './pages/governance.ts';

export const PAGES: readonly Page[] = [...CHAIN_PAGES, ...CONTRACT_PAGES, ORDER_PAGE, GOVERNANCE_PAGE];

const notFound = (path: string): Page => ({
  name: 'notfound', path, tab: '',
  render: () => html`${header('Not found', html`No page at <code>${path}</code>.`)}<p><a href="#/blocks">Latest blocks</a></p>`,
});

/** The page of a location hash (`#/order/ab…`); no path is the blocks page. */
export function matchRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts.length === 0) parts.push('blocks');
  for (const page of PAGES) {
    const segs = page.path.split('/');
    if (segs.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = segs.every((seg, i) => {
      const part = parts[i]!;
      if (!seg.startsWith(':')) return seg === part;
      const value = part.toLowerCase();
      params[seg.slice(1)] = value;
      return page.params?.[seg.slice(1)]?.test(value) ?? true;
    });
    if (ok) return { page, params, key: `${page.name}/${parts.slice(1).join('/').toLowerCase()}` };
  }
  return { page: notFound(hash), params: {}, key: `notfound:${hash}` };
}
