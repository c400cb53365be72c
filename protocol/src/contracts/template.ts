/**
 * The contract-template language. A template is a JSON document (schema in CONTRACTS.md): a
 * declarative state machine over one order — typed parameters, typed order variables, states,
 * transitions (who may fire each, guards, effects) and a small expression language written as
 * JSON arrays (`["+", ["param", "price"], 1]`). It has no clock but block time, no randomness
 * and no I/O; orders reach other contracts only through the fixed effects (`order`, `pay`,
 * `deposit`, `release`, `refund`, `emit`).
 *
 * The chain stores a template's bytes verbatim and names it by their hash. `parseTemplate` is the
 * one strict reader, used by the node when a template is submitted and by clients that display
 * one: unknown keys, unknown operators, wrong arity, undeclared names and ill-typed expressions
 * are all rejected with TEMPLATE_INVALID and a path to the offending node.
 */
import { ErrorCode, fail } from '../errors.ts';
import { taggedHash } from '../hash.ts';

export const TEMPLATE_FORMAT = 'template/1';
export const MAX_TEMPLATE_BYTES = 12 * 1024;
export const MAX_NAME = 32;
export const MAX_STATES = 16;
export const MAX_TRANSITIONS = 32;
export const MAX_PARAMS = 16;
export const MAX_VARS = 16;
export const MAX_ARGS = 4;
export const MAX_LIST = 64;
export const MAX_TEXT = 256;
const MAX_EXPR_DEPTH = 24;
const MAX_EFFECT_DEPTH = 4;

/** Types of values in expressions. */
export type ValueType = 'int' | 'bool' | 'address' | 'product' | 'hash' | 'str' | 'list:int' | 'list:address' | 'list:product';
/** Types a parameter is declared with; each maps to a value type. */
export type ParamType = 'amount' | 'duration' | 'count' | 'bool' | 'address' | 'product' | 'hash' | 'text' | 'choice' | 'products' | 'addresses' | 'amounts';
/** Order variables and transition arguments hold scalars. */
export type ScalarType = 'int' | 'bool' | 'address' | 'product' | 'hash';

export const PARAM_VALUE_TYPE: Record<ParamType, ValueType> = {
  amount: 'int', duration: 'int', count: 'int', bool: 'bool', address: 'address', product: 'product', hash: 'hash',
  text: 'str', choice: 'str', products: 'list:product', addresses: 'list:address', amounts: 'list:int',
};

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** Largest list length (list types). */
  readonly max?: number;
  /** The allowed values (choice). */
  readonly options?: readonly string[];
}

export type Expr = number | boolean | readonly [string, ...unknown[]];
export type Effect = readonly [string, ...unknown[]];

/** Who may fire a signed transition. `param:x` is the address in parameter x. */
export type Role = 'producer' | 'buyer' | 'consumer' | 'anyone' | `param:${string}`;

export interface Transition {
  readonly name: string;
  readonly from: readonly string[];
  /** Target state; absent when the effects end in `release` or `refund`. */
  readonly to?: string;
  /** Signed by this role; or `auto` (fired as soon as its guards hold); or a timer (`after`). */
  readonly by?: Role | 'auto';
  /** Milliseconds after entering the `from` state at which the timer fires. */
  readonly after?: Expr;
  readonly args: readonly { readonly name: string; readonly type: ScalarType }[];
  readonly when: readonly { readonly cond: Expr; readonly message: string }[];
  readonly effects: readonly Effect[];
}

export interface Template {
  readonly name: string;
  readonly summary: string;
  readonly params: readonly ParamSpec[];
  readonly vars: readonly { readonly name: string; readonly type: ScalarType }[];
  readonly states: readonly string[];
  readonly initial: string;
  /** States in which an order counts as done for its parent. */
  readonly done: readonly string[];
  readonly onOrder: readonly Effect[];
  readonly onRefund: readonly Effect[];
  readonly transitions: readonly Transition[];
}

/** Built-in terminal states an order enters through `release` and `refund`. */
export const SETTLED = 'settled';
export const REFUNDED = 'refunded';

export const templateId = (code: Uint8Array): Uint8Array => taggedHash('dipnet/template/v1', code);

/** Gas a parse costs the submitter: reading and checking the document is work for every node. */
export const templateParseGas = (codeBytes: number): bigint => 2_000n + 20n * BigInt(codeBytes);

// ---------------------------------------------------------------------------------------------
// Parsing

const NAME_RE = /^[a-zA-Z][a-zA-Z0-9_-]{0,31}$/;
const ROLE_FIXED = new Set(['producer', 'buyer', 'consumer', 'anyone', 'auto']);
const SCALARS = new Set<ScalarType>(['int', 'bool', 'address', 'product', 'hash']);
const PARAM_TYPES = new Set(Object.keys(PARAM_VALUE_TYPE));

function bad(path: string, msg: string): never {
  return fail(ErrorCode.TEMPLATE_INVALID, `${path}: ${msg}`, { path });
}

function obj(v: unknown, path: string, allowed: readonly string[], required: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(path, 'must be an object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!allowed.includes(k)) bad(path, `unknown key "${k}"`);
  for (const k of required) if (!(k in o)) bad(path, `missing "${k}"`);
  return o;
}
function arr(v: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(v)) bad(path, 'must be an array');
  if (v.length > max) bad(path, `at most ${max} entries`);
  return v;
}
function name(v: unknown, path: string): string {
  if (typeof v !== 'string' || !NAME_RE.test(v)) bad(path, 'must be a name: a letter, then up to 31 letters, digits, "_" or "-"');
  return v;
}
function text(v: unknown, path: string, max = MAX_TEXT): string {
  if (typeof v !== 'string' || new TextEncoder().encode(v).length > max) bad(path, `must be a string of at most ${max} bytes`);
  return v;
}
function unique(names: readonly string[], path: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) bad(path, `"${n}" is declared twice`);
    seen.add(n);
  }
}

/** Reads and checks a template document. Throws TEMPLATE_INVALID. */
export function parseTemplate(code: Uint8Array): Template {
  if (code.length > MAX_TEMPLATE_BYTES) bad('$', `template of ${code.length} bytes exceeds ${MAX_TEMPLATE_BYTES}`);
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(code));
  } catch (e) {
    bad('$', `not UTF-8 JSON (${(e as Error).message})`);
  }
  const o = obj(doc, '$', ['dipnet', 'name', 'summary', 'params', 'vars', 'states', 'initial', 'done', 'onOrder', 'onRefund', 'transitions'], ['dipnet', 'name', 'states', 'initial', 'transitions']);
  if (o.dipnet !== TEMPLATE_FORMAT) bad('$.dipnet', `must be "${TEMPLATE_FORMAT}"`);

  const params = arr(o.params ?? [], '$.params', MAX_PARAMS).map((p, i): ParamSpec => {
    const path = `$.params[${i}]`;
    const po = obj(p, path, ['name', 'type', 'max', 'options'], ['name', 'type']);
    const type = po.type as ParamType;
    if (typeof po.type !== 'string' || !PARAM_TYPES.has(po.type)) bad(`${path}.type`, `unknown parameter type "${String(po.type)}"`);
    const isList = PARAM_VALUE_TYPE[type].startsWith('list:');
    let max: number | undefined;
    if (isList) {
      max = po.max === undefined ? MAX_LIST : (po.max as number);
      if (!Number.isInteger(max) || max < 1 || max > MAX_LIST) bad(`${path}.max`, `must be an integer 1..${MAX_LIST}`);
    } else if (po.max !== undefined) bad(`${path}.max`, 'only list parameters have a max');
    let options: string[] | undefined;
    if (type === 'choice') {
      options = arr(po.options, `${path}.options`, 16).map((x, j) => name(x, `${path}.options[${j}]`));
      if (options.length === 0) bad(`${path}.options`, 'a choice needs options');
      unique(options, `${path}.options`);
    } else if (po.options !== undefined) bad(`${path}.options`, 'only choice parameters have options');
    return { name: name(po.name, `${path}.name`), type, ...(max !== undefined ? { max } : {}), ...(options ? { options } : {}) };
  });
  unique(params.map((p) => p.name), '$.params');

  const scalarDecl = (v: unknown, path: string) => {
    const d = obj(v, path, ['name', 'type'], ['name', 'type']);
    if (!SCALARS.has(d.type as ScalarType)) bad(`${path}.type`, 'must be int, bool, address, product or hash');
    return { name: name(d.name, `${path}.name`), type: d.type as ScalarType };
  };
  const vars = arr(o.vars ?? [], '$.vars', MAX_VARS).map((v, i) => scalarDecl(v, `$.vars[${i}]`));
  unique(vars.map((v) => v.name), '$.vars');

  const states = arr(o.states, '$.states', MAX_STATES).map((s, i) => name(s, `$.states[${i}]`));
  if (states.length === 0) bad('$.states', 'needs at least one state');
  unique(states, '$.states');
  for (const s of states) if (s === SETTLED || s === REFUNDED) bad('$.states', `"${s}" is a built-in state`);
  const stateName = (v: unknown, path: string): string => {
    const s = name(v, path);
    if (!states.includes(s)) bad(path, `unknown state "${s}"`);
    return s;
  };
  const initial = stateName(o.initial, '$.initial');
  const done = arr(o.done ?? [], '$.done', MAX_STATES).map((s, i) => stateName(s, `$.done[${i}]`));

  const t: Template = {
    name: name(o.name, '$.name'),
    summary: o.summary === undefined ? '' : text(o.summary, '$.summary', 512),
    params, vars, states, initial, done,
    onOrder: [], onRefund: [], transitions: [],
  };
  const checker = new Checker(t);
  const onOrder = checker.effects(o.onOrder ?? [], '$.onOrder', { kind: 'onOrder', args: [] });
  const onRefund = checker.effects(o.onRefund ?? [], '$.onRefund', { kind: 'onRefund', args: [] });

  const transitions = arr(o.transitions, '$.transitions', MAX_TRANSITIONS).map((x, i): Transition => {
    const path = `$.transitions[${i}]`;
    const to = obj(x, path, ['name', 'from', 'to', 'by', 'after', 'args', 'when', 'effects'], ['name', 'from']);
    const from = arr(to.from, `${path}.from`, MAX_STATES).map((s, j) => stateName(s, `${path}.from[${j}]`));
    if (from.length === 0) bad(`${path}.from`, 'needs at least one state');
    if ((to.by === undefined) === (to.after === undefined)) bad(path, 'needs exactly one of "by" (who fires it) and "after" (a timer)');
    let by: Transition['by'];
    if (to.by !== undefined) {
      const role = to.by;
      if (typeof role !== 'string') bad(`${path}.by`, 'must be a role');
      if (role.startsWith('param:')) {
        const p = params.find((q) => q.name === role.slice(6));
        if (!p || p.type !== 'address') bad(`${path}.by`, `"${role}" must name an address parameter`);
      } else if (!ROLE_FIXED.has(role)) bad(`${path}.by`, 'must be producer, buyer, consumer, anyone, auto or param:<address parameter>');
      by = to.by as Transition['by'];
    }
    const kind: Scope['kind'] = by === undefined ? 'timer' : by === 'auto' ? 'auto' : 'signed';
    const args = arr(to.args ?? [], `${path}.args`, MAX_ARGS).map((a, j) => scalarDecl(a, `${path}.args[${j}]`));
    unique(args.map((a) => a.name), `${path}.args`);
    if (args.length > 0 && kind !== 'signed') bad(`${path}.args`, 'only signed transitions take arguments');
    const scope: Scope = { kind, args };
    const after = to.after === undefined ? undefined : checker.expect(to.after, `${path}.after`, scope, 'int');
    const when = arr(to.when ?? [], `${path}.when`, 16).map((w, j) => {
      const wp = `${path}.when[${j}]`;
      const pair = arr(w, wp, 2);
      if (pair.length !== 2) bad(wp, 'must be [condition, message]');
      return { cond: checker.expect(pair[0], `${wp}[0]`, scope, 'bool'), message: text(pair[1], `${wp}[1]`, 120) };
    });
    const effects = checker.effects(to.effects ?? [], `${path}.effects`, scope);
    const last = effects[effects.length - 1];
    const terminal = last !== undefined && (last[0] === 'release' || last[0] === 'refund');
    if (terminal && to.to !== undefined) bad(`${path}.to`, 'a transition ending in release or refund has no "to"');
    if (!terminal && to.to === undefined) bad(path, 'needs "to" unless its effects end in release or refund');
    return {
      name: name(to.name, `${path}.name`), from,
      ...(to.to !== undefined ? { to: stateName(to.to, `${path}.to`) } : {}),
      ...(by !== undefined ? { by } : {}), ...(after !== undefined ? { after } : {}),
      args, when, effects,
    };
  });
  unique(transitions.map((x) => x.name), '$.transitions');
  return { ...t, onOrder, onRefund, transitions };
}

/** Where an expression or effect appears; decides which names and effects are allowed. */
interface Scope {
  readonly kind: 'onOrder' | 'onRefund' | 'signed' | 'auto' | 'timer';
  readonly args: readonly { readonly name: string; readonly type: ScalarType }[];
  /** Element type of the innermost list being iterated (`["item"]`). */
  readonly item?: ValueType;
}

const ENV_TYPES: Record<string, ValueType> = {
  now: 'int', height: 'int', escrow: 'int', available: 'int', price: 'int', quantity: 'int', orderedAt: 'int', stateSince: 'int',
  leadTime: 'int', listPrice: 'int', producer: 'address', buyer: 'address', consumer: 'address', self: 'product', isRoot: 'bool',
  refundCause: 'str', signer: 'address', state: 'str',
};
const PRODUCT_FIELDS: Record<string, ValueType> = { productPrice: 'int', productCost: 'int', productLeadTime: 'int', productProducer: 'address', productOpen: 'bool' };
const ARITH = new Set(['+', '-', '*', '/', 'min', 'max']);
const ORDERING = new Set(['<', '<=', '>', '>=']);
const ITERATORS = new Set(['argmin', 'argmax', 'sum', 'all', 'any', 'first']);

/** Checks expressions and effects against the template's declarations and types. */
class Checker {
  constructor(private readonly t: Template) {}

  expect(e: unknown, path: string, scope: Scope, type: ValueType): Expr {
    const got = this.expr(e, path, scope, 0);
    if (got !== type) bad(path, `expected ${type}, found ${got}`);
    return e as Expr;
  }

  private strLit(v: unknown, path: string): string {
    return name(v, path);
  }

  expr(e: unknown, path: string, scope: Scope, depth: number): ValueType {
    if (depth > MAX_EXPR_DEPTH) bad(path, 'expression nests too deeply');
    if (typeof e === 'number') {
      if (!Number.isSafeInteger(e) || e < 0) bad(path, 'number literals are non-negative safe integers; write larger ones as ["int", "digits"]');
      return 'int';
    }
    if (typeof e === 'boolean') return 'bool';
    if (!Array.isArray(e) || e.length === 0 || typeof e[0] !== 'string') bad(path, 'an expression is a number, a boolean or ["operator", ...operands]');
    const [op, ...a] = e as [string, ...unknown[]];
    const n = (k: number) => { if (a.length !== k) bad(path, `"${op}" takes ${k} operand(s)`); };
    const sub = (i: number) => this.expr(a[i], `${path}[${i + 1}]`, scope, depth + 1);
    const want = (i: number, t: ValueType) => { const g = sub(i); if (g !== t) bad(`${path}[${i + 1}]`, `expected ${t}, found ${g}`); };
    if (op in ENV_TYPES) {
      n(0);
      if (op === 'signer' && scope.kind !== 'signed') bad(path, '"signer" exists only in signed transitions');
      if (op === 'refundCause' && scope.kind !== 'onRefund') bad(path, '"refundCause" exists only in onRefund');
      return ENV_TYPES[op]!;
    }
    if (op in PRODUCT_FIELDS) { n(1); want(0, 'product'); return PRODUCT_FIELDS[op]!; }
    if (ARITH.has(op)) { n(2); want(0, 'int'); want(1, 'int'); return 'int'; }
    if (ORDERING.has(op)) { n(2); want(0, 'int'); want(1, 'int'); return 'bool'; }
    switch (op) {
      case 'int':
        n(1);
        if (typeof a[0] !== 'string' || !/^(0|[1-9][0-9]{0,37})$/.test(a[0])) bad(path, '["int", "digits"] takes a decimal string');
        return 'int';
      case 'str': n(1); this.strLit(a[0], `${path}[1]`); return 'str';
      case 'param': {
        n(1);
        const p = this.t.params.find((q) => q.name === a[0]);
        if (!p) bad(path, `unknown parameter "${String(a[0])}"`);
        return PARAM_VALUE_TYPE[p.type];
      }
      case 'var': case 'isSet': {
        n(1);
        const v = this.t.vars.find((q) => q.name === a[0]);
        if (!v) bad(path, `unknown variable "${String(a[0])}"`);
        return op === 'isSet' ? 'bool' : v.type;
      }
      case 'arg': {
        n(1);
        const v = scope.args.find((q) => q.name === a[0]);
        if (!v) bad(path, `unknown argument "${String(a[0])}"`);
        return v.type;
      }
      case 'item':
        n(0);
        if (!scope.item) bad(path, '"item" exists only inside forEach or a list operator');
        return scope.item;
      case '==': case '!=': {
        n(2);
        const x = sub(0), y = sub(1);
        if (x !== y || x.startsWith('list:')) bad(path, `cannot compare ${x} with ${y}`);
        return 'bool';
      }
      case 'and': case 'or':
        if (a.length < 2) bad(path, `"${op}" takes two or more operands`);
        a.forEach((_, i) => want(i, 'bool'));
        return 'bool';
      case 'not': n(1); want(0, 'bool'); return 'bool';
      case 'if': {
        n(3); want(0, 'bool');
        const x = sub(1), y = sub(2);
        if (x !== y) bad(path, `branches differ: ${x} and ${y}`);
        return x;
      }
      case 'len': { n(1); const l = sub(0); if (!l.startsWith('list:')) bad(path, 'len takes a list'); return 'int'; }
      case 'at': { n(2); const l = sub(0); if (!l.startsWith('list:')) bad(path, 'at takes a list'); want(1, 'int'); return l.slice(5) as ValueType; }
      case 'contains': { n(2); const l = sub(0); if (!l.startsWith('list:')) bad(path, 'contains takes a list'); want(1, l.slice(5) as ValueType); return 'bool'; }
      case 'childrenDone': case 'anyChildRefunded': case 'childCount':
        n(1); this.strLit(a[0], `${path}[1]`);
        return op === 'childCount' ? 'int' : 'bool';
      case 'anyChildIn': n(2); this.strLit(a[0], `${path}[1]`); this.strLit(a[1], `${path}[2]`); return 'bool';
      case 'parentIn': n(1); this.strLit(a[0], `${path}[1]`); return 'bool';
      default:
        if (ITERATORS.has(op)) {
          // [op, list, body] or, for argmin/argmax/first, [op, list, key, where]
          if (a.length < 2 || a.length > 3) bad(path, `"${op}" takes a list, an expression and an optional filter`);
          const l = sub(0);
          if (!l.startsWith('list:')) bad(`${path}[1]`, `${op} takes a list`);
          const elem = l.slice(5) as ValueType;
          const inner: Scope = { ...scope, item: elem };
          const bodyType = this.expr(a[1], `${path}[2]`, inner, depth + 1);
          const wantBody: ValueType = op === 'all' || op === 'any' || op === 'first' ? 'bool' : 'int';
          if (bodyType !== wantBody) bad(`${path}[2]`, `expected ${wantBody}, found ${bodyType}`);
          if (a.length === 3) {
            if (op !== 'argmin' && op !== 'argmax') bad(path, `"${op}" takes no filter`);
            const w = this.expr(a[2], `${path}[3]`, inner, depth + 1);
            if (w !== 'bool') bad(`${path}[3]`, 'a filter is a bool expression');
          }
          return op === 'sum' ? 'int' : op === 'all' || op === 'any' ? 'bool' : elem;
        }
        return bad(path, `unknown operator "${op}"`);
    }
  }

  effects(list: unknown, path: string, scope: Scope, depth = 0): Effect[] {
    if (depth > MAX_EFFECT_DEPTH) bad(path, 'effects nest too deeply');
    const effects = arr(list, path, 32);
    effects.forEach((e, i) => this.effect(e, `${path}[${i}]`, scope, depth, depth === 0 && i === effects.length - 1));
    return effects as Effect[];
  }

  private effect(e: unknown, path: string, scope: Scope, depth: number, isLastTopLevel: boolean): void {
    if (!Array.isArray(e) || e.length === 0 || typeof e[0] !== 'string') bad(path, 'an effect is ["action", ...operands]');
    const [op, ...a] = e as [string, ...unknown[]];
    const n = (k: number) => { if (a.length !== k) bad(path, `"${op}" takes ${k} operand(s)`); };
    const x = (i: number, t: ValueType) => this.expect(a[i], `${path}[${i + 1}]`, scope, t);
    switch (op) {
      case 'set': {
        n(2);
        const v = this.t.vars.find((q) => q.name === a[0]);
        if (!v) bad(path, `unknown variable "${String(a[0])}"`);
        x(1, v.type);
        return;
      }
      case 'order':
        n(2);
        if (scope.kind === 'onRefund') bad(path, 'onRefund cannot order');
        x(0, 'product'); this.strLit(a[1], `${path}[2]`);
        return;
      case 'checkOrderable':
        // Fails exactly as `order` would (closed product, cycle, depth), without ordering.
        n(1); x(0, 'product');
        return;
      case 'pay': n(2); x(0, 'address'); x(1, 'int'); return;
      case 'deposit':
        n(1);
        if (scope.kind !== 'signed') bad(path, 'only a signed transition can deposit (the signer pays)');
        x(0, 'int');
        return;
      case 'emit': n(1); this.strLit(a[0], `${path}[1]`); return;
      case 'require': n(2); x(0, 'bool'); text(a[1], `${path}[2]`, 120); return;
      case 'if':
        if (a.length !== 2 && a.length !== 3) bad(path, '"if" takes a condition, then-effects and optional else-effects');
        x(0, 'bool');
        this.effects(a[1], `${path}[2]`, scope, depth + 1);
        if (a.length === 3) this.effects(a[2], `${path}[3]`, scope, depth + 1);
        return;
      case 'forEach': {
        n(2);
        const l = this.expr(a[0], `${path}[1]`, scope, 0);
        if (!l.startsWith('list:')) bad(`${path}[1]`, 'forEach takes a list');
        this.effects(a[1], `${path}[2]`, { ...scope, item: l.slice(5) as ValueType }, depth + 1);
        return;
      }
      case 'release': case 'refund':
        n(0);
        if (scope.kind === 'onOrder' || scope.kind === 'onRefund') bad(path, `"${op}" ends a transition; it cannot appear in ${scope.kind}`);
        if (!isLastTopLevel) bad(path, `"${op}" must be the last top-level effect of a transition`);
        return;
      default:
        bad(path, `unknown effect "${op}"`);
    }
  }
}
