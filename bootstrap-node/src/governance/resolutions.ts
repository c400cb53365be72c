/**
 * Resolutions (whitepaper ch. 4). A board resolution passes only when all five board members
 * approve before its deadline; the technical committee decides small fixes (template
 * deprecation, patch upgrade signals) by its threshold. A passed resolution takes effect at the
 * start of its activation height, before that block's txs, so e.g. a new fee schedule is what
 * the first tx of that block pays.
 *
 * Status: open → passed → executed (or failed, if the action no longer applies at activation);
 * open → rejected (too many rejections to reach the threshold); open → expired (deadline or
 * activation height reached first, or the board changed).
 */
import {
  ErrorCode, fail, DipnetError, equalBytes, resolutionId, bodyMayDecide, ContractKey, GovKey,
  encodeGovParams, encodeCommittee, decodeTemplateRecord, encodeTemplateRecord, encodeUpgradePlan,
  lockedInBalance, mergeTranches, liveTranches, truncateUtf8, REASON_MAX, MAX_OPEN_RESOLUTIONS, RECENT_RESOLUTIONS,
  type GovAction, type GovBody, type Resolution,
} from '@dipnet/protocol';
import type { StateView } from '../state/state-view.ts';
import type { BlockContext } from '../state/block-context.ts';
import { getAccount, putAccount, putParams, getGovParams } from '../state/accounts.ts';
import { getBoard, getCommittee, getResolution, putResolution, getResolutionIndex, putResolutionIndex, isMember } from './bodies.ts';

export function proposeResolution(
  s: StateView, ctx: BlockContext, sender: Uint8Array, nonce: bigint,
  b: { body: GovBody; action: GovAction; deadline: bigint; activationHeight: bigint },
): Uint8Array {
  const { voters, threshold } = deciders(s, b.body);
  if (!isMember(voters, sender)) fail(ErrorCode.GOV_NOT_MEMBER, `only a member of the ${b.body === 'board' ? 'decision board' : 'technical committee'} may propose to it`);
  if (!bodyMayDecide(b.body, b.action)) fail(ErrorCode.GOV_NOT_ALLOWED, `the technical committee decides only small fixes; "${b.action.type}" needs the board`);
  if (b.deadline <= ctx.time) fail(ErrorCode.TX_INVALID, 'the deadline is already past');
  const gov = getGovParams(s);
  if (b.deadline > ctx.time + gov.maxResolutionMs) fail(ErrorCode.TX_INVALID, `the deadline may be at most ${gov.maxResolutionMs} ms ahead`);
  if (b.activationHeight <= ctx.height) fail(ErrorCode.TX_INVALID, `the activation height must be after the current height ${ctx.height}`);
  checkAction(s, b.action);
  const index = getResolutionIndex(s);
  if (index.open.length >= MAX_OPEN_RESOLUTIONS) fail(ErrorCode.RESOLUTION_TOO_MANY, `${MAX_OPEN_RESOLUTIONS} resolutions are open`);
  const id = resolutionId(sender, nonce);
  const r: Resolution = {
    body: b.body, proposer: sender, action: b.action, proposedAtHeight: ctx.height, deadline: b.deadline, activationHeight: b.activationHeight,
    voters, threshold, approvals: [sender], rejections: [], status: 'open', note: '',
  };
  putResolution(s, id, settle(s, id, r));
  putResolutionIndex(s, { open: [...index.open, id], recent: [id, ...index.recent].slice(0, RECENT_RESOLUTIONS) });
  return id;
}

export function decideResolution(s: StateView, ctx: BlockContext, sender: Uint8Array, id: Uint8Array, approve: boolean): void {
  const r = getResolution(s, id);
  if (!r) fail(ErrorCode.RESOLUTION_UNKNOWN, 'no resolution with that id');
  if (r.status === 'expired') fail(ErrorCode.RESOLUTION_EXPIRED, `the resolution expired: ${r.note}`);
  if (r.status !== 'open') fail(ErrorCode.RESOLUTION_CLOSED, `the resolution is already ${r.status}`);
  if (!isMember(r.voters, sender)) fail(ErrorCode.GOV_NOT_MEMBER, 'only the members the resolution was put to may decide it');
  if (isMember(r.approvals, sender) || isMember(r.rejections, sender)) fail(ErrorCode.RESOLUTION_ALREADY_DECIDED, 'this member already decided');
  if (ctx.time >= r.deadline || ctx.height >= r.activationHeight) fail(ErrorCode.RESOLUTION_EXPIRED, 'the deadline or activation height has passed');
  const next = approve ? { ...r, approvals: [...r.approvals, sender] } : { ...r, rejections: [...r.rejections, sender] };
  putResolution(s, id, settle(s, id, next));
}

/** Applies the threshold: enough approvals pass it; enough rejections make passing impossible. */
function settle(s: StateView, id: Uint8Array, r: Resolution): Resolution {
  if (r.approvals.length >= r.threshold) {
    // An upgrade is announced as soon as it passes, so operators see it before its height.
    if (r.action.type === 'upgrade') {
      s.set(GovKey.upgradePlan(), encodeUpgradePlan({ version: r.action.version, severity: r.action.severity, activationHeight: r.activationHeight, resolution: id }));
    }
    return { ...r, status: 'passed' };
  }
  if (r.voters.length - r.rejections.length < r.threshold) {
    removeOpen(s, id);
    const why = r.body === 'board' ? ErrorCode.RESOLUTION_NOT_UNANIMOUS : 'COMMITTEE_THRESHOLD';
    return { ...r, status: 'rejected', note: `${why}: ${r.rejections.length} of ${r.voters.length} rejected` };
  }
  return r;
}

function deciders(s: StateView, body: GovBody): { voters: readonly Uint8Array[]; threshold: number } {
  if (body === 'board') {
    const b = getBoard(s);
    return { voters: b.members, threshold: b.members.length };
  }
  const c = getCommittee(s);
  return { voters: c.members, threshold: c.threshold };
}

/** Checks that an action could apply now (it is checked again when it takes effect). */
function checkAction(s: StateView, a: GovAction): void {
  if (a.type === 'deprecateTemplate') {
    const raw = s.get(ContractKey.template(a.template));
    if (!raw) fail(ErrorCode.TEMPLATE_UNKNOWN, 'no template with that id');
    if (decodeTemplateRecord(raw).status === 'deprecated') fail(ErrorCode.TEMPLATE_DEPRECATED, 'the template is already deprecated');
  }
  if (a.type === 'setCommittee' && new Set(a.committee.members.map((m) => m.join())).size !== a.committee.members.length) {
    fail(ErrorCode.TX_INVALID, 'committee members must be distinct');
  }
}

function applyAction(s: StateView, ctx: BlockContext, a: GovAction): void {
  switch (a.type) {
    case 'setParams': putParams(s, a.params); return;
    case 'setGovParams': s.set(GovKey.govParams(), encodeGovParams(a.gov)); return;
    case 'setCommittee': s.set(ContractKey.committee(), encodeCommittee(a.committee)); return;
    case 'deprecateTemplate': {
      checkAction(s, a);
      const t = decodeTemplateRecord(s.get(ContractKey.template(a.template))!);
      s.set(ContractKey.template(a.template), encodeTemplateRecord({ ...t, status: 'deprecated' }));
      return;
    }
    case 'upgrade': return; // announced when it passed; nodes act at the height (see node's upgrade check)
    case 'addLock': {
      const acct = getAccount(s, a.account);
      const adding = a.tranches.reduce((sum, t) => sum + t.amount, 0n);
      const live = liveTranches(a.tranches, ctx.time);
      if (lockedInBalance(acct, ctx.time) + adding > acct.balance) fail(ErrorCode.TX_INSUFFICIENT_FUNDS, `the account holds ${acct.balance}, too little to lock ${adding} more`);
      putAccount(s, a.account, { ...acct, locks: mergeTranches(liveTranches(acct.locks, ctx.time), live) });
      return;
    }
  }
}

/** Start of block: passed resolutions due at this height take effect; overdue open ones expire. */
export function resolutionsBeginBlock(s: StateView, ctx: BlockContext): void {
  const index = getResolutionIndex(s);
  if (index.open.length === 0) return;
  const stillOpen: Uint8Array[] = [];
  for (const id of index.open) {
    const r = getResolution(s, id)!;
    if (r.status === 'passed' && ctx.height >= r.activationHeight) {
      const child = s.child();
      try {
        applyAction(child, ctx, r.action);
        child.mergeInto(s);
        putResolution(s, id, { ...r, status: 'executed' });
      } catch (e) {
        if (!(e instanceof DipnetError)) throw e;
        // The note keeps the code in front, as DipnetError's message used to: it is chain state.
        putResolution(s, id, { ...r, status: 'failed', note: truncateUtf8(`${e.code}: ${e.message}`, REASON_MAX) });
      }
    } else if (r.status === 'open' && (ctx.time >= r.deadline || ctx.height >= r.activationHeight)) {
      const why = r.body === 'board' ? ErrorCode.RESOLUTION_NOT_UNANIMOUS : 'COMMITTEE_THRESHOLD';
      putResolution(s, id, { ...r, status: 'expired', note: `${why}: ${r.approvals.length} of ${r.voters.length} approved by the ${ctx.time >= r.deadline ? 'deadline' : 'activation height'}` });
    } else if (r.status === 'open' || r.status === 'passed') {
      stillOpen.push(id);
    }
  }
  if (stillOpen.length !== index.open.length) putResolutionIndex(s, { ...index, open: stillOpen });
}

/** A new board starts with a clean slate: the old board's open resolutions expire. */
export function expireOpenBoardResolutions(s: StateView, note: string): void {
  const index = getResolutionIndex(s);
  const stillOpen: Uint8Array[] = [];
  for (const id of index.open) {
    const r = getResolution(s, id)!;
    if (r.body === 'board' && r.status === 'open') putResolution(s, id, { ...r, status: 'expired', note });
    else stillOpen.push(id);
  }
  if (stillOpen.length !== index.open.length) putResolutionIndex(s, { ...index, open: stillOpen });
}

function removeOpen(s: StateView, id: Uint8Array): void {
  const index = getResolutionIndex(s);
  putResolutionIndex(s, { ...index, open: index.open.filter((x) => !equalBytes(x, id)) });
}
