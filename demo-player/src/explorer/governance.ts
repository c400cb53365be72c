/**
 * The explorer's governance view: the decision board, the community representatives, the
 * technical committee, governance parameters, the latest election with its ranked tallies, and
 * recent resolutions. Everything is read through the light client and pinned to one verified
 * height (the board's proof decides it), so the page never mixes two states. Chain data is only
 * ever bound as text.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { UNITS_PER_DPN } from '@dipnet/protocol';
import type { Remote } from 'comlink';
import type { LightClientWorkerApi } from '@dipnet/light-client/worker';
import type { VerifiedBody, VerifiedElection, VerifiedGovernance, VerifiedResolution, VerifiedResolutions } from '@dipnet/light-client/api';
import { duration, int, isoTime, relTime, shortAddr, shortHex } from './format.ts';

export interface GovData {
  readonly gov: VerifiedGovernance;
  /** The latest election and, when another one chose the sitting board, that one too; each with its ranked tallies. */
  readonly elections: readonly VerifiedElection[];
  readonly resolutions: VerifiedResolutions;
}

export async function loadGovernance(api: Remote<LightClientWorkerApi>): Promise<GovData> {
  const gov = await api.getGovernance();
  const at = { height: gov.height };
  const ids = [...new Set([gov.electionClock.latest, gov.board.election].filter((id) => id > 0n))].sort((a, b) => (a > b ? -1 : 1));
  const [elections, resolutions] = await Promise.all([
    Promise.all(ids.map((id) => api.getElection(id, { ...at, tallies: true }))),
    api.getResolutions(at),
  ]);
  return { gov, elections, resolutions };
}

// ------------------------------------------------------------------------------------ text

/** Coin-age weight (unit·ms) in the largest unit that keeps a few digits. */
export function weightText(w: bigint): string {
  const dpnSeconds = w / (UNITS_PER_DPN * 1000n);
  if (dpnSeconds >= 864_000n) return `${int(dpnSeconds / 86_400n)} DPN·days`;
  if (dpnSeconds >= 36_000n) return `${int(dpnSeconds / 3600n)} DPN·h`;
  return `${int(dpnSeconds)} DPN·s`;
}

const PHASE_TEXT: Readonly<Record<string, string>> = {
  voting: 'holder voting', boardVoting: 'board vote', closed: 'closed', failed: 'failed: too few candidates with weight',
};
const POWER_TEXT: Readonly<Record<string, string>> = {
  boardResolution: 'decides resolutions (unanimously)', committeeFix: 'decides small fixes', electBoard: 'elects the board', reviewTemplates: 'reviews templates',
};
const RESOLUTION_PILL: Readonly<Record<string, string>> = { open: 'warn', passed: 'phase-done', executed: 'ok', rejected: 'bad', expired: 'bad', failed: 'bad' };

const addr = (a: string) => html`<span class="mono addr">${a}</span>`;
const pct = (part: bigint, total: bigint): number => (total > 0n ? Number((part * 10_000n) / total) / 100 : 0);
const share = (part: bigint, total: bigint) => {
  const p = pct(part, total);
  return html`<span class="power"><span class="bar"><span style="width:${p}%" class="share"></span></span>${p.toFixed(1)}%</span>`;
};

// ------------------------------------------------------------------------------------ sections

function bodySection(kind: 'board' | 'representatives', b: VerifiedBody, now: number): TemplateResult {
  const title = kind === 'board' ? 'Decision board' : 'Community representatives';
  const ends = kind === 'board' ? 'Term ends (next election opens)' : 'Term ends';
  return html`<section class="gov-body" data-gov=${kind} aria-labelledby="gov-${kind}">
    <h2 id="gov-${kind}">${title} <span class="pill muted" data-count=${b.members.length}>${b.members.length} members</span></h2>
    <dl class="facts">
      <div><dt>Chosen by</dt><dd data-election=${b.election.toString()}>${b.election === 0n ? 'genesis (the foundation’s first board)' : `election #${b.election}`}</dd></div>
      <div><dt>Term started</dt><dd>${isoTime(b.termStart)}</dd></div>
      <div><dt>${ends}</dt><dd>${isoTime(b.termEnd)} (${relTime(Number(b.termEnd), now)})</dd></div>
      <div><dt>Powers</dt><dd>${b.powers.map((p) => POWER_TEXT[p] ?? p).join('; ') || '—'}</dd></div>
    </dl>
    <ol class="members" aria-label="${title}: members">${b.members.map((m) => html`<li data-member=${m}>${addr(m)}</li>`)}</ol>
  </section>`;
}

function committeeSection(g: VerifiedGovernance): TemplateResult {
  const c = g.committee;
  return html`<section class="gov-body" data-gov="committee" aria-labelledby="gov-committee">
    <h2 id="gov-committee">Technical committee <span class="pill muted" data-threshold=${c.threshold}>${c.threshold} of ${c.members.length} must agree</span></h2>
    <p class="lede">Reviews contract templates and decides small fixes (template deprecation, patch upgrade signals); a board resolution can replace it.</p>
    <ol class="members" aria-label="Technical committee: members">${c.members.map((m) => html`<li data-member=${m}>${addr(m)}</li>`)}</ol>
  </section>`;
}

function paramsSection(g: VerifiedGovernance): TemplateResult {
  const p = g.govParams;
  return html`<section data-gov="params" aria-labelledby="gov-params">
    <h2 id="gov-params">Governance parameters</h2>
    <dl class="facts">
      <div><dt>Board term</dt><dd>${duration(p.boardTermMs)}</dd></div>
      <div><dt>Holder voting</dt><dd>${duration(p.votingPeriodMs)}</dd></div>
      <div><dt>Board vote</dt><dd>${duration(p.boardVotePeriodMs)}</dd></div>
      <div><dt>Coin-age cap</dt><dd>${duration(p.coinAgeCapMs)}</dd></div>
      <div><dt>Longest resolution</dt><dd>${duration(p.maxResolutionMs)}</dd></div>
      ${g.upgradePlan ? html`<div data-upgrade=${g.upgradePlan.version}><dt>Scheduled upgrade</dt>
        <dd>${g.upgradePlan.version} (${g.upgradePlan.severity}) at block #${int(g.upgradePlan.activationHeight)}</dd></div>` : nothing}
    </dl>
  </section>`;
}

function electionSection(e: VerifiedElection, g: VerifiedGovernance, now: number): TemplateResult {
  const tallies = e.tallies ?? [];
  const reps = new Set(e.representatives);
  const board = new Set(e.board);
  const boardPhase = e.phase === 'boardVoting' || e.phase === 'closed';
  const latest = e.id === g.electionClock.latest;
  return html`<section class="gov-election" data-election-id=${e.id.toString()} data-phase=${e.phase} aria-labelledby="gov-election-${e.id}">
    <h2 id="gov-election-${e.id}">Election #${e.id}${latest ? '' : ' (chose the sitting board)'}
      <span class="pill ${e.phase === 'failed' ? 'bad' : e.phase === 'closed' ? 'ok' : 'warn'}">${PHASE_TEXT[e.phase] ?? e.phase}</span></h2>
    <dl class="facts">
      <div><dt>Opened (coin-age measured)</dt><dd>${isoTime(e.opensAt)}</dd></div>
      <div><dt>Holder voting until</dt><dd>${isoTime(e.votingEndsAt)} (${relTime(Number(e.votingEndsAt), now)})</dd></div>
      <div><dt>Board vote until</dt><dd>${isoTime(e.boardVoteEndsAt)} (${relTime(Number(e.boardVoteEndsAt), now)})</dd></div>
      <div><dt>Voters</dt><dd data-voters=${e.voters}>${int(e.voters)} holders, ${weightText(e.totalWeight)} of coin-age weight</dd></div>
    </dl>
    ${tallies.length === 0 ? html`<p class="empty">No candidates registered${e.phase === 'voting' ? ' yet' : ''}.</p>` : html`
    <div class="table-wrap"><table class="data" aria-label="Election #${e.id}: candidates ranked">
      <thead><tr><th scope="col" class="num">Rank</th><th scope="col">Candidate</th><th scope="col">Result</th><th scope="col" class="num">Weight (balance × coin-age)</th>
        <th scope="col">Share</th><th scope="col" class="num">Voters</th><th scope="col" class="num">Board votes</th></tr></thead>
      <tbody>${tallies.map((t, i) => html`<tr data-candidate=${t.candidate} data-weight=${t.weight.toString()} data-board-votes=${t.boardVotes}>
        <td class="num">${i + 1}</td>
        <th scope="row">${addr(t.candidate)}</th>
        <td>${board.has(t.candidate) ? html`<span class="pill ok">board</span> ` : nothing}${reps.has(t.candidate) ? html`<span class="pill phase-done">representative</span>` : nothing}</td>
        <td class="num">${weightText(t.weight)}</td>
        <td>${share(t.weight, e.totalWeight)}</td>
        <td class="num">${t.voters}</td>
        <td class="num">${boardPhase ? t.boardVotes : '—'}</td>
      </tr>`)}</tbody>
    </table></div>`}
    ${e.representatives.length ? html`<h3>Representatives elected (${e.representatives.length})</h3>
      <ol class="members inline" aria-label="Election #${e.id}: representatives">${e.representatives.map((m) => html`<li>${addr(m)}</li>`)}</ol>` : nothing}
    ${e.board.length ? html`<h3>Board chosen by the representatives</h3>
      <ol class="members inline" aria-label="Election #${e.id}: board result">${e.board.map((m) => html`<li data-board-result=${m}>${addr(m)}</li>`)}</ol>` : nothing}
  </section>`;
}

function resolutionRow(r: VerifiedResolution, verifiedHeight: bigint, now: number): TemplateResult {
  // Relative times only while they still matter.
  const pending = r.status === 'open' || r.status === 'passed';
  const left = pending ? r.activationHeight - verifiedHeight : 0n;
  return html`<tr data-resolution=${r.id} data-status=${r.status}>
    <th scope="row"><span class="mono" title=${r.id}>${shortHex(r.id)}</span><div class="sub">by <span class="mono">${shortAddr(r.proposer)}</span> at block #${int(r.proposedAtHeight)}</div></th>
    <td>${r.body === 'board' ? 'board' : 'committee'}</td>
    <td class="summary">${r.summary}</td>
    <td>${isoTime(r.deadline)}${r.status === 'open' ? html`<div class="sub">${relTime(Number(r.deadline), now)}</div>` : nothing}</td>
    <td class="num">#${int(r.activationHeight)}${left > 0n ? html`<div class="sub">in ${int(left)} blocks</div>` : nothing}</td>
    <td class="num" data-approvals=${r.approvals.length} title=${r.approvals.join('\n')}>${r.approvals.length}/${r.voters.length}${r.threshold !== r.voters.length ? html`<div class="sub">${r.threshold} needed</div>` : nothing}
      ${r.rejections.length ? html`<div class="sub">${r.rejections.length} rejected</div>` : nothing}</td>
    <td><span class="pill ${RESOLUTION_PILL[r.status] ?? 'muted'}">${r.status}</span>${r.note ? html`<div class="sub note-text">${r.note}</div>` : nothing}</td>
  </tr>`;
}

function resolutionsSection(d: GovData, now: number): TemplateResult {
  const rs = d.resolutions.recent;
  return html`<section data-gov="resolutions" aria-labelledby="gov-resolutions">
    <h2 id="gov-resolutions">Resolutions <span class="pill muted">${d.resolutions.open.length} open</span></h2>
    <p class="lede">A board resolution passes only when all five members approve before its deadline; it takes effect at the start of its activation block.</p>
    ${rs.length === 0 ? html`<p class="empty">No resolutions yet.</p>` : html`
    <div class="table-wrap"><table class="data" aria-label="Recent resolutions">
      <thead><tr><th scope="col">Resolution</th><th scope="col">Body</th><th scope="col">Action</th><th scope="col">Deadline</th>
        <th scope="col" class="num">Takes effect</th><th scope="col" class="num">Approvals</th><th scope="col">Status</th></tr></thead>
      <tbody>${rs.map((r) => resolutionRow(r, d.gov.height, now))}</tbody>
    </table></div>`}
  </section>`;
}

/** The whole view below its header. */
export function governanceSections(d: GovData, now = Date.now()): TemplateResult {
  const g = d.gov;
  return html`
    ${bodySection('board', g.board, now)}
    ${g.representatives ? bodySection('representatives', g.representatives, now)
      : html`<section data-gov="representatives" aria-labelledby="gov-representatives"><h2 id="gov-representatives">Community representatives</h2>
        <p class="empty">None yet: the first election seats 30 representatives, who then choose the board.</p></section>`}
    ${committeeSection(g)}
    ${d.elections.length === 0 ? html`<section aria-labelledby="gov-no-election"><h2 id="gov-no-election">Elections</h2>
      <p class="empty">No election yet: the first opens when the board’s term ends, ${isoTime(g.board.termEnd)}.</p></section>`
      : d.elections.map((e) => electionSection(e, g, now))}
    ${resolutionsSection(d, now)}
    ${paramsSection(g)}`;
}
