/**
 * Contract txs: template submission and review, committee actions, product creation, orders and
 * signed transitions. Each runs in a Session on the view it is given and flushes on success;
 * the executor decides what a failure costs (see applyTx).
 */
import {
  ErrorCode, fail, equalBytes, toHex, parseTemplate, templateId, templateParseGas, decodeProductParams, decodeArgs, productId, productAddress, rootOrderId,
  ContractKey, REVIEW_POOL, encodeTemplateRecord, decodeCommittee, committeeActionId, decodeCommitteeProposal, encodeCommitteeProposal,
  PARAM_VALUE_TYPE, SMT_MAX_VALUE_BYTES, DPN_CURRENCY, isDpnCurrency, type TxBody, type Committee, type CommitteeProposal, type Value,
} from '@dipnet/protocol';
import type { StateView } from '../state/state-view.ts';
import { getAccount, getParams } from '../state/accounts.ts';
import type { BlockContext } from '../state/block-context.ts';
import { Session } from './session.ts';
import { OrderMachine } from './order-machine.ts';
import { Gas, GasMeter, TIMER_GAS } from './gas.ts';
import { processTimers } from './timers.ts';
import { requireToken } from '../tokens/ledger.ts';

type ContractBody = Extract<TxBody, { type: 'submitTemplate' | 'reviewTemplate' | 'committeeVote' | 'createProduct' | 'placeOrder' | 'fireTransition' }>;

export function getCommittee(state: StateView): Committee {
  const raw = state.get(ContractKey.committee());
  if (!raw) throw new Error('state has no committee: genesis was not applied');
  return decodeCommittee(raw);
}

/** Runs one contract tx body for `sender` (whose nonce was `nonce`). Throws a DipnetError on failure. */
export function runContractTx(state: StateView, ctx: BlockContext, sender: Uint8Array, nonce: bigint, body: ContractBody, gas: GasMeter): void {
  const s = new Session(state, ctx, gas);
  switch (body.type) {
    case 'submitTemplate': submitTemplate(s, sender, body); break;
    case 'reviewTemplate': reviewTemplate(s, sender, body); break;
    case 'committeeVote': committeeVote(s, sender, body); break;
    case 'createProduct': createProduct(s, sender, nonce, body); break;
    case 'placeOrder': placeOrder(s, sender, nonce, body); break;
    case 'fireTransition': {
      const m = new OrderMachine(s);
      const o = s.order(body.order);
      const t = o.product.template.template.transitions.find((x) => x.name === body.transition);
      const args = t ? decodeArgs(t.args, body.args) : new Map<string, Value>();
      m.fireSigned(o, body.transition, sender, args);
      break;
    }
  }
  s.flush();
  checkValueSizes(state);
}

/**
 * No execution may write a value the state tree cannot hold: that would make the block
 * impossible to commit and halt the chain. The execution fails instead (and pays its fee).
 */
function checkValueSizes(view: StateView): void {
  for (const { value } of view.entries()) {
    if (value && value.length > SMT_MAX_VALUE_BYTES) fail(ErrorCode.ORDER_TOO_LARGE, `execution would write a state value of ${value.length} bytes (limit ${SMT_MAX_VALUE_BYTES})`);
  }
}

function submitTemplate(s: Session, sender: Uint8Array, b: Extract<ContractBody, { type: 'submitTemplate' }>): void {
  s.gas.charge(Number(templateParseGas(b.code.length)));
  parseTemplate(b.code);
  const id = templateId(b.code);
  if (s.state.get(ContractKey.template(id))) fail(ErrorCode.TEMPLATE_EXISTS, `template ${toHex(id).slice(0, 16)}… was already submitted`);
  const fee = getParams(s.state).reviewFee;
  s.debit(sender, fee, 'review fee');
  s.credit(REVIEW_POOL, fee);
  s.state.set(ContractKey.template(id), encodeTemplateRecord({ designer: sender, designerFee: b.designerFee, status: 'pending', submittedAt: s.ctx.time, approvals: [], rejections: [], code: b.code }));
}

function requireMember(c: Committee, sender: Uint8Array): void {
  if (!c.members.some((m) => equalBytes(m, sender))) fail(ErrorCode.COMMITTEE_NOT_MEMBER, 'only a member of the review committee may vote');
}

/** Approved at `threshold` approvals; rejected once approval can no longer reach it. */
function decide(c: Committee, approvals: number, rejections: number): 'approved' | 'rejected' | null {
  if (approvals >= c.threshold) return 'approved';
  if (c.members.length - rejections < c.threshold) return 'rejected';
  return null;
}

function reviewTemplate(s: Session, sender: Uint8Array, b: Extract<ContractBody, { type: 'reviewTemplate' }>): void {
  const c = getCommittee(s.state);
  requireMember(c, sender);
  const t = s.template(b.template);
  const r = t.record;
  if (r.status !== 'pending') fail(ErrorCode.COMMITTEE_CLOSED, `the template was already ${r.status}`);
  if ([...r.approvals, ...r.rejections].some((m) => equalBytes(m, sender))) fail(ErrorCode.COMMITTEE_ALREADY_VOTED, 'this member already reviewed the template');
  const approvals = b.approve ? [...r.approvals, sender] : r.approvals;
  const rejections = b.approve ? r.rejections : [...r.rejections, sender];
  const d = decide(c, approvals.length, rejections.length);
  s.setTemplateRecord(t, { ...r, approvals, rejections, status: d ?? 'pending' });
}

function committeeVote(s: Session, sender: Uint8Array, b: Extract<ContractBody, { type: 'committeeVote' }>): void {
  const c = getCommittee(s.state);
  requireMember(c, sender);
  const t = s.template(b.action.template);
  const id = committeeActionId(b.action);
  const key = ContractKey.committeeProposal(id);
  const raw = s.state.get(key);
  const p: CommitteeProposal = raw ? decodeCommitteeProposal(raw) : { action: b.action, status: 'open', approvals: [], rejections: [] };
  if (p.status !== 'open') fail(ErrorCode.COMMITTEE_CLOSED, `the action was already ${p.status}`);
  if ([...p.approvals, ...p.rejections].some((m) => equalBytes(m, sender))) fail(ErrorCode.COMMITTEE_ALREADY_VOTED, 'this member already voted on the action');
  const approvals = b.approve ? [...p.approvals, sender] : p.approvals;
  const rejections = b.approve ? p.rejections : [...p.rejections, sender];
  const d = decide(c, approvals.length, rejections.length);
  if (d === 'approved') {
    if (b.action.bounty > 0n) {
      const pool = getAccount(s.state, REVIEW_POOL).balance;
      if (pool < b.action.bounty) fail(ErrorCode.TX_INSUFFICIENT_FUNDS, `the review pool holds ${pool}, less than the bounty ${b.action.bounty}`);
      s.debit(REVIEW_POOL, b.action.bounty, 'bounty');
      s.credit(b.action.reporter, b.action.bounty);
    }
    if (b.action.deprecate && t.record.status !== 'deprecated') s.setTemplateRecord(t, { ...t.record, status: 'deprecated' });
  }
  s.state.set(key, encodeCommitteeProposal({ ...p, approvals, rejections, status: d === 'approved' ? 'executed' : d === 'rejected' ? 'rejected' : 'open' }));
}

function createProduct(s: Session, sender: Uint8Array, nonce: bigint, b: Extract<ContractBody, { type: 'createProduct' }>): void {
  const t = s.template(b.template);
  if (t.record.status === 'deprecated') fail(ErrorCode.TEMPLATE_DEPRECATED, `template "${t.template.name}" is deprecated`);
  if (t.record.status !== 'approved') fail(ErrorCode.TEMPLATE_NOT_APPROVED, `template "${t.template.name}" is ${t.record.status}, not approved`);
  if (b.name.trim() === '') fail(ErrorCode.PARAMS_INVALID, 'a product needs a name');
  const params = decodeProductParams(t.template, b.params);
  // Every product a parameter names must exist now (the order machine guards cycles at run time).
  for (const spec of t.template.params) {
    const vt = PARAM_VALUE_TYPE[spec.type];
    if (vt !== 'product' && vt !== 'list:product') continue;
    const ids = vt === 'product' ? [params.get(spec.name) as Uint8Array] : (params.get(spec.name) as Uint8Array[]);
    for (const id of ids) if (!s.hasProduct(id)) fail(ErrorCode.PRODUCT_UNKNOWN, `parameter "${spec.name}" names product ${toHex(id).slice(0, 16)}…, which does not exist`);
  }
  // A producer accepts only its own token (or DPN).
  const currency = b.currency ?? DPN_CURRENCY;
  if (!isDpnCurrency(currency)) {
    s.gas.charge(Gas.read);
    const token = requireToken(s.state, currency);
    if (!equalBytes(token.issuer, sender)) fail(ErrorCode.CURRENCY_MISMATCH, `a producer accepts only its own token; "${token.symbol}" was issued by another account`);
  }
  const id = productId(sender, nonce);
  s.addProduct({
    id, params, template: t,
    record: {
      template: b.template, producer: sender, name: b.name, metadataUri: b.metadataUri, metadataHash: b.metadataHash, price: b.price, leadTimeMs: b.leadTimeMs, params: b.params,
      createdAt: s.ctx.time, orders: 0n, currency,
    },
  }, productAddress(id));
}

function placeOrder(s: Session, sender: Uint8Array, nonce: bigint, b: Extract<ContractBody, { type: 'placeOrder' }>): void {
  const product = s.product(b.product);
  OrderMachine.checkOrderable(product);
  const { price, designerFee } = OrderMachine.cost(product, b.quantity);
  const currency = product.record.currency;
  if (isDpnCurrency(currency)) {
    const total = price + designerFee;
    if (b.maxTotal < total) fail(ErrorCode.ORDER_UNDERPAID, `the order costs ${total} (price ${price} + designer fee ${designerFee}); the tx offers at most ${b.maxTotal}`, { total: total.toString() });
    s.debit(sender, total, 'order');
  } else {
    // Priced in a token: `maxTotal` bounds the token amount; the designer's fee is DPN on top.
    if (b.maxTotal < price) fail(ErrorCode.ORDER_UNDERPAID, `the order costs ${price} token units (and a designer fee of ${designerFee} DPN units); the tx offers at most ${b.maxTotal}`, { total: price.toString() });
    s.debitIn(currency, sender, price, 'order');
    if (designerFee > 0n) s.debit(sender, designerFee, 'designer fee');
  }
  new OrderMachine(s).create({ id: rootOrderId(sender, nonce), product, parent: null, tag: '', consumer: sender, buyer: sender, payer: sender, quantity: b.quantity, shipping: b.shipping });
}

/** End of block: fires due order timers, each with its own gas and its own view. */
export function runOrderTimers(state: StateView, ctx: BlockContext): number {
  return processTimers(state, ctx, (view, t) => {
    const s = new Session(view, ctx, new GasMeter(TIMER_GAS));
    const o = s.order(t.order);
    if (new OrderMachine(s).fireTimer(o, t.seq, t.transition)) s.flush();
    checkValueSizes(view);
  });
}
