/** The governance page: bodies, elections and resolutions, all verified at one block (governance.ts draws them). */
import { html, nothing, type TemplateResult } from 'lit';
import { app, errText, update } from '../state.ts';
import { governanceSections, loadGovernance } from '../governance.ts';
import { header, verifiedBadge } from '../ui.ts';
import type { Page } from '../page.ts';

/** A failed read is tried again after this long, not only at the next head (an idle chain may make none for a while). */
const RETRY_AFTER_FAILURE_MS = 2_000;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Reads the governance view through the light client; called when the view opens and on every
 * new verified head while it is open (heads arriving during a read coalesce into one more).
 */
async function loadGov(): Promise<void> {
  clearTimeout(retryTimer);
  const g = app.gov;
  if (app.route.page !== GOVERNANCE_PAGE) return;
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
    } while (g.again && app.route.page === GOVERNANCE_PAGE);
  } finally {
    g.loading = false;
  }
  if (g.error && app.route.page === GOVERNANCE_PAGE) retryTimer = setTimeout(() => void loadGov(), RETRY_AFTER_FAILURE_MS);
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

export const GOVERNANCE_PAGE: Page = {
  name: 'governance', path: 'governance', tab: 'governance', label: 'Governance',
  enter: () => void loadGov(), onVerifiedHead: () => void loadGov(), render: governanceView,
};
