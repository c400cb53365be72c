/**
 * Evaluates template expressions. Templates were type-checked when submitted (parseTemplate), so
 * operands have the declared types; what remains are run-time faults — underflow, overflow,
 * division by zero, an index out of range, an empty choice — each a VM_FAULT. Every node costs
 * gas before it runs.
 */
import { ErrorCode, fail, equalBytes, U128_MAX, type Expr, type Value } from '@dipnet/protocol';
import { Gas, type GasMeter } from './gas.ts';

/** What an expression can see; implemented by the order machine for one order. */
export interface Env {
  readonly gas: GasMeter;
  env(name: string): Value;
  param(name: string): Value;
  variable(name: string): Value | undefined;
  arg(name: string): Value;
  productField(op: string, product: Uint8Array): Value;
  children(op: string, tag: string, state?: string): Value;
  parentIn(state: string): boolean;
}

const fault = (msg: string): never => fail(ErrorCode.VM_FAULT, msg);

function checked(n: bigint): bigint {
  if (n > U128_MAX) fault('arithmetic overflow');
  return n;
}

function equal(a: Value, b: Value): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return equalBytes(a, b);
  return a === b;
}

export function evaluate(e: Expr, env: Env, item?: Value): Value {
  env.gas.charge(Gas.exprNode);
  if (typeof e === 'number') return BigInt(e);
  if (typeof e === 'boolean') return e;
  const [op, ...a] = e as readonly [string, ...Expr[]];
  const ev = (i: number): Value => evaluate(a[i]!, env, item);
  const int = (i: number): bigint => ev(i) as bigint;
  switch (op) {
    case 'int': return BigInt(a[0] as unknown as string);
    case 'str': return a[0] as unknown as string;
    case 'param': return env.param(a[0] as unknown as string);
    case 'var': {
      const v = env.variable(a[0] as unknown as string);
      if (v === undefined) fault(`variable "${String(a[0])}" is not set`);
      return v!;
    }
    case 'isSet': return env.variable(a[0] as unknown as string) !== undefined;
    case 'arg': return env.arg(a[0] as unknown as string);
    case 'item': return item!;
    case '+': return checked(int(0) + int(1));
    case '-': {
      const x = int(0), y = int(1);
      if (y > x) fault(`arithmetic underflow (${x} - ${y})`);
      return x - y;
    }
    case '*': return checked(int(0) * int(1));
    case '/': {
      const x = int(0), y = int(1);
      if (y === 0n) fault('division by zero');
      return x / y;
    }
    case 'min': { const x = int(0), y = int(1); return x < y ? x : y; }
    case 'max': { const x = int(0), y = int(1); return x > y ? x : y; }
    case '<': return int(0) < int(1);
    case '<=': return int(0) <= int(1);
    case '>': return int(0) > int(1);
    case '>=': return int(0) >= int(1);
    case '==': return equal(ev(0), ev(1));
    case '!=': return !equal(ev(0), ev(1));
    case 'and':
      for (let i = 0; i < a.length; i++) if (!(ev(i) as boolean)) return false;
      return true;
    case 'or':
      for (let i = 0; i < a.length; i++) if (ev(i) as boolean) return true;
      return false;
    case 'not': return !(ev(0) as boolean);
    case 'if': return (ev(0) as boolean) ? ev(1) : ev(2);
    case 'len': return BigInt((ev(0) as readonly Value[]).length);
    case 'at': {
      const l = ev(0) as readonly Value[];
      const i = int(1);
      if (i >= BigInt(l.length)) fault(`index ${i} is outside a list of ${l.length}`);
      return l[Number(i)]!;
    }
    case 'contains': {
      const l = ev(0) as readonly Value[];
      const x = ev(1);
      return l.some((y) => equal(x, y));
    }
    case 'argmin': case 'argmax': {
      const l = ev(0) as readonly Value[];
      let best: Value | undefined;
      let bestKey = 0n;
      for (const x of l) {
        if (a.length === 3 && !(evaluate(a[2]!, env, x) as boolean)) continue;
        const k = evaluate(a[1]!, env, x) as bigint;
        // Ties keep the earlier element: list order is the declared preference.
        if (best === undefined || (op === 'argmin' ? k < bestKey : k > bestKey)) { best = x; bestKey = k; }
      }
      if (best === undefined) fault(`${op}: no element of the list qualifies`);
      return best!;
    }
    case 'first': {
      for (const x of ev(0) as readonly Value[]) if (evaluate(a[1]!, env, x) as boolean) return x;
      return fault('first: no element of the list qualifies');
    }
    case 'sum': {
      let s = 0n;
      for (const x of ev(0) as readonly Value[]) s = checked(s + (evaluate(a[1]!, env, x) as bigint));
      return s;
    }
    case 'all':
      for (const x of ev(0) as readonly Value[]) if (!(evaluate(a[1]!, env, x) as boolean)) return false;
      return true;
    case 'any':
      for (const x of ev(0) as readonly Value[]) if (evaluate(a[1]!, env, x) as boolean) return true;
      return false;
    case 'productPrice': case 'productCost': case 'productLeadTime': case 'productProducer': case 'productOpen':
      return env.productField(op, ev(0) as Uint8Array);
    case 'childrenDone': case 'anyChildRefunded': case 'childCount':
      return env.children(op, a[0] as unknown as string);
    case 'anyChildIn': return env.children(op, a[0] as unknown as string, a[1] as unknown as string);
    case 'parentIn': return env.parentIn(a[0] as unknown as string);
    default:
      return env.env(op);
  }
}
