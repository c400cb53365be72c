/**
 * The order machine: runs templates over orders. An order is created by a consumer's tx (a root)
 * or by its parent's `order` effect (a sub-order funded from the parent's escrow), runs its
 * template's onOrder effects, then moves between states by signed transitions, automatic
 * transitions (fired as soon as their guards hold) and timers. When an order changes, its parent
 * re-checks its automatic transitions, so a parent proceeds as soon as its parts are done.
 *
 * Settlement (`release`) pays every sub-order first (they must be done), then the designer's
 * fee, then the rest of the escrow to the producer. `refund` runs the template's onRefund
 * effects, refunds every open sub-order into this escrow, then returns the escrow to the payer
 * (the consumer, or the parent order). Money only ever moves between escrows and accounts, so
 * supply is conserved by construction; the property test checks it after every block.
 *
 * Currency: an order's escrow is in its product's currency (DPN or the producer's own token); a
 * graph never mixes currencies (a sub-order's product must be priced in its parent's currency).
 * Designer fees are always DPN: a token order's fee is paid by its buyer (the consumer for a
 * root, the parent's producer for a sub-order) beside the token escrow, and returns to that buyer
 * on a refund.
 */
import {
  ErrorCode, fail, equalBytes, childOrderId, orderAddress, isDpnCurrency, toHex, MAX_CHILDREN, MAX_ORDER_DEPTH, SETTLED, REFUNDED,
  type Effect, type Template, type Transition, type Value, type ScalarType,
} from '@dipnet/protocol';
import { evaluate, type Env } from './evaluate.ts';
import { Session, type LiveOrder, type LoadedProduct } from './session.ts';
import { Gas } from './gas.ts';
import { scheduleTimer } from './timers.ts';

/** Most sub-orders one execution may create (the gas limit bounds it too). */
export const MAX_ORDERS_PER_EXECUTION = 512;
const MAX_AUTO_STEPS = 16;

interface Frame {
  readonly order: LiveOrder;
  readonly kind: 'onOrder' | 'onRefund' | 'signed' | 'auto' | 'timer';
  readonly signer?: Uint8Array;
  readonly args?: ReadonlyMap<string, Value>;
  readonly refundCause?: string;
}

export class OrderMachine {
  constructor(readonly s: Session) {}

  // -- creation -------------------------------------------------------------------------------

  /** Checks that a product can take a new order: its template approved and not deprecated. */
  static checkOrderable(p: LoadedProduct): void {
    const st = p.template.record.status;
    if (st === 'deprecated') fail(ErrorCode.TEMPLATE_DEPRECATED, `product "${p.record.name}" uses a deprecated template; it takes no new orders`);
    if (st !== 'approved') fail(ErrorCode.TEMPLATE_NOT_APPROVED, `product "${p.record.name}" uses a template that is ${st}`);
  }

  /** Cost of ordering `quantity` of a product: its price (in its currency) plus its template designer's fee (DPN). */
  static cost(p: LoadedProduct, quantity: number): { price: bigint; designerFee: bigint } {
    return { price: p.record.price * BigInt(quantity), designerFee: p.template.record.designerFee };
  }

  /** What ordering it takes from the paying escrow or account in the product's currency: the designer's fee too when that is DPN. */
  static escrowCost(p: LoadedProduct, quantity: number): bigint {
    const { price, designerFee } = OrderMachine.cost(p, quantity);
    return isDpnCurrency(p.record.currency) ? price + designerFee : price;
  }

  /** Creates an order whose escrow already holds its escrow cost (and, for a token order, whose fee is paid), then starts it. */
  create(init: {
    id: Uint8Array; product: LoadedProduct; parent: LiveOrder | null; tag: string; consumer: Uint8Array; buyer: Uint8Array; payer: Uint8Array;
    quantity: number; shipping: Uint8Array;
  }): LiveOrder {
    const s = this.s;
    s.gas.charge(Gas.orderCreate);
    if (s.ordersCreated >= MAX_ORDERS_PER_EXECUTION) fail(ErrorCode.ORDER_TOO_LARGE, `one execution may create at most ${MAX_ORDERS_PER_EXECUTION} orders`);
    const { price, designerFee } = OrderMachine.cost(init.product, init.quantity);
    const t = init.product.template.template;
    const o: LiveOrder = {
      id: init.id, address: orderAddress(init.id), product: init.product, template: init.product.template.id,
      parent: init.parent ? init.parent.id : null, root: init.parent ? init.parent.root : init.id, depth: init.parent ? init.parent.depth + 1 : 0,
      tag: init.tag, consumer: init.consumer, buyer: init.buyer, payer: init.payer, quantity: init.quantity, price, designerFee, shipping: init.shipping,
      status: 'active', state: t.initial, stateSince: s.ctx.time, stateSeq: 1, vars: new Map(), children: [], escrowIn: OrderMachine.escrowCost(init.product, init.quantity), escrowOut: 0n,
      createdAt: s.ctx.time, history: [], busy: true, loaded: null, currency: init.product.record.currency,
    };
    s.addOrder(o);
    init.product.record = { ...init.product.record, orders: init.product.record.orders + 1n };
    s.touchProduct(init.product);
    s.record(o, 'ordered');
    this.scheduleTimers(o);
    this.run(t.onOrder, { order: o, kind: 'onOrder' });
    o.busy = false;
    this.settle(o);
    return o;
  }

  /** Everything `order` checks about the product and the graph before it moves money. */
  private checkChild(parent: LiveOrder, productId: Uint8Array): LoadedProduct {
    const s = this.s;
    const product = s.product(productId);
    OrderMachine.checkOrderable(product);
    if (!equalBytes(product.record.currency, parent.currency)) {
      fail(ErrorCode.CURRENCY_MISMATCH, `"${product.record.name}" is priced in ${currencyName(product.record.currency)}; this order pays in ${currencyName(parent.currency)}`);
    }
    if (parent.depth + 1 >= MAX_ORDER_DEPTH) fail(ErrorCode.CONTRACT_TOO_DEEP, `the order graph would be deeper than ${MAX_ORDER_DEPTH} levels`);
    for (let a: LiveOrder | null = parent; a; a = a.parent ? s.order(a.parent) : null) {
      if (equalBytes(a.product.id, productId)) fail(ErrorCode.CONTRACT_CYCLE, `product "${product.record.name}" would order itself through its own parts`);
    }
    return product;
  }

  /** The `order` effect: a sub-order of `parent` on `productId`, funded from the parent's escrow. */
  private orderChild(parent: LiveOrder, productId: Uint8Array, tag: string): void {
    const product = this.checkChild(parent, productId);
    if (parent.children.length >= MAX_CHILDREN) fail(ErrorCode.ORDER_TOO_LARGE, `an order may have at most ${MAX_CHILDREN} sub-orders`);
    const cost = OrderMachine.escrowCost(product, parent.quantity);
    if (Session.available(parent) < cost) {
      fail(ErrorCode.ESCROW_INSUFFICIENT, `ordering "${product.record.name}" costs ${cost}; the order has ${Session.available(parent)} to spend`);
    }
    // A token sub-order's DPN designer fee comes from its buyer, the parent's producer (the token's issuer).
    const fee = OrderMachine.cost(product, parent.quantity).designerFee;
    if (!isDpnCurrency(parent.currency) && fee > 0n) this.s.debit(parent.product.record.producer, fee, `designer fee of "${product.record.name}"`);
    const id = childOrderId(parent.id, parent.children.length);
    parent.escrowOut += cost;
    parent.children.push(id);
    this.create({ id, product, parent, tag, consumer: parent.consumer, buyer: parent.product.record.producer, payer: parent.address, quantity: parent.quantity, shipping: new Uint8Array(32) });
  }

  // -- transitions ----------------------------------------------------------------------------

  /** A signed transition fired by a tx. */
  fireSigned(o: LiveOrder, name: string, signer: Uint8Array, args: ReadonlyMap<string, Value>): void {
    if (o.status !== 'active') fail(ErrorCode.ORDER_CLOSED, `the order is already ${o.status}`);
    const t = o.product.template.template.transitions.find((x) => x.name === name);
    if (!t || t.by === undefined || t.by === 'auto') fail(ErrorCode.ORDER_TRANSITION_UNKNOWN, `template "${o.product.template.template.name}" has no signed transition "${name}"`);
    if (!t.from.includes(o.state)) fail(ErrorCode.ORDER_BAD_STATE, `"${name}" cannot fire in state "${o.state}" (only in ${t.from.join(', ')})`);
    if (!this.mayFire(o, t, signer)) fail(ErrorCode.ORDER_WRONG_PARTY, `"${name}" may be fired only by the ${t.by}`);
    this.apply(o, t, { order: o, kind: 'signed', signer, args });
    this.settle(o);
  }

  private mayFire(o: LiveOrder, t: Transition, signer: Uint8Array): boolean {
    switch (t.by) {
      case 'anyone': return true;
      case 'producer': return equalBytes(signer, o.product.record.producer);
      case 'buyer': return equalBytes(signer, o.buyer);
      case 'consumer': return equalBytes(signer, o.consumer);
      default: return equalBytes(signer, o.product.params.get(t.by!.slice(6)) as Uint8Array);
    }
  }

  /** A timer set when the order entered a state; a no-op if the order has moved on since. */
  fireTimer(o: LiveOrder, seq: number, index: number): boolean {
    const t = o.product.template.template.transitions[index];
    if (o.status !== 'active' || o.stateSeq !== seq || !t || t.after === undefined || !t.from.includes(o.state)) return false;
    const frame: Frame = { order: o, kind: 'timer' };
    if (!this.guardsHold(t, frame)) return false;
    this.apply(o, t, frame);
    this.settle(o);
    return true;
  }

  private guardsHold(t: Transition, f: Frame): boolean {
    for (const g of t.when) if (!(evaluate(g.cond, this.env(f)) as boolean)) return false;
    return true;
  }

  private apply(o: LiveOrder, t: Transition, f: Frame): void {
    for (const g of t.when) {
      if (!(evaluate(g.cond, this.env(f)) as boolean)) fail(ErrorCode.ORDER_GUARD_FAILED, g.message, { transition: t.name });
    }
    o.busy = true;
    const terminal = this.run(t.effects, f, t.name);
    o.busy = false;
    if (terminal) return;
    // Staying in the same state (a bid) keeps its entry time and timers.
    if (t.to === o.state) this.s.record(o, t.name);
    else this.enter(o, t.to!, t.name);
  }

  private enter(o: LiveOrder, state: string, event: string): void {
    o.state = state;
    o.stateSince = this.s.ctx.time;
    o.stateSeq++;
    this.s.record(o, event);
    this.scheduleTimers(o);
  }

  private scheduleTimers(o: LiveOrder): void {
    const ts = o.product.template.template.transitions;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (t.after === undefined || !t.from.includes(o.state)) continue;
      const delay = evaluate(t.after, this.env({ order: o, kind: 'timer' })) as bigint;
      const looked = scheduleTimer(this.s.state, this.s.ctx.time + delay, { order: o.id, seq: o.stateSeq, transition: i });
      this.s.gas.charge(Gas.timer * looked);
    }
  }

  /** Fires automatic transitions while one applies, then lets the parent react. */
  private settle(o: LiveOrder): void {
    for (let step = 0; step < MAX_AUTO_STEPS && o.status === 'active'; step++) {
      const f: Frame = { order: o, kind: 'auto' };
      const t = o.product.template.template.transitions.find((x) => x.by === 'auto' && x.from.includes(o.state) && this.guardsHold(x, f));
      if (!t) break;
      this.apply(o, t, f);
    }
    if (o.parent) {
      const p = this.s.order(o.parent);
      if (!p.busy && p.status === 'active') this.settle(p);
    }
  }

  // -- effects --------------------------------------------------------------------------------

  /** Runs effects; returns true if they ended the order (release or refund). */
  private run(effects: readonly Effect[], f: Frame, transition = ''): boolean {
    for (const e of effects) {
      if (this.effect(e, f, undefined, transition)) return true;
    }
    return false;
  }

  private effect(e: Effect, f: Frame, item: Value | undefined, transition: string): boolean {
    const s = this.s;
    const o = f.order;
    s.gas.charge(Gas.effect);
    const env = this.env(f);
    const ev = (x: unknown) => evaluate(x as Parameters<typeof evaluate>[0], env, item);
    const [op, ...a] = e;
    switch (op) {
      case 'set': {
        const t = o.product.template.template;
        const index = t.vars.findIndex((v) => v.name === a[0]);
        o.vars.set(index, { type: t.vars[index]!.type as ScalarType, value: ev(a[1]) });
        return false;
      }
      case 'order': this.orderChild(o, ev(a[0]) as Uint8Array, a[1] as string); return false;
      case 'checkOrderable': this.checkChild(o, ev(a[0]) as Uint8Array); return false;
      case 'pay': {
        const amount = ev(a[1]) as bigint;
        if (amount > Session.available(o)) fail(ErrorCode.ESCROW_INSUFFICIENT, `pay ${amount}: the order has ${Session.available(o)} to spend`);
        s.payOut(o, ev(a[0]) as Uint8Array, amount, 'pay');
        return false;
      }
      case 'deposit': {
        const amount = ev(a[0]) as bigint;
        s.debitIn(o.currency, f.signer!, amount, 'deposit');
        o.escrowIn += amount;
        return false;
      }
      case 'emit': s.record(o, a[0] as string); return false;
      case 'require':
        if (!(ev(a[0]) as boolean)) fail(ErrorCode.ORDER_GUARD_FAILED, a[1] as string, { transition });
        return false;
      case 'if': {
        const branch = (ev(a[0]) as boolean) ? a[1] : a[2];
        for (const x of (branch ?? []) as Effect[]) if (this.effect(x, f, item, transition)) return true;
        return false;
      }
      case 'forEach':
        for (const x of ev(a[0]) as readonly Value[]) {
          for (const y of a[1] as Effect[]) if (this.effect(y, f, x, transition)) return true;
        }
        return false;
      case 'release': this.release(o); return true;
      case 'refund': this.refund(o, transition); return true;
      default: return fail(ErrorCode.VM_FAULT, `unknown effect ${op}`);
    }
  }

  /**
   * Pays everyone: each done sub-order (recursively), the designer, then the producer. A sub-order
   * that is still unfinished when its buyer accepts the goods (a service nobody needed in the
   * end, e.g. a sub-assembly's own shipment) is refunded into this escrow, so settlement never
   * waits on it and its money goes to whoever accepted the work.
   */
  release(o: LiveOrder): void {
    const s = this.s;
    o.busy = true;
    for (const id of o.children) {
      const c = s.order(id);
      if (c.status !== 'active') continue;
      if (this.isDone(c)) this.release(c);
      else this.refund(c, 'unneeded');
    }
    s.payFee(o, o.product.template.record.designer, 'designer fee');
    s.payOut(o, o.product.record.producer, Session.escrow(o), 'settlement');
    o.status = 'settled';
    o.busy = false;
    this.enter(o, SETTLED, SETTLED);
  }

  /** Returns the escrow (with every open sub-order's) to whoever paid it. */
  refund(o: LiveOrder, cause: string): void {
    const s = this.s;
    o.busy = true;
    this.run(o.product.template.template.onRefund, { order: o, kind: 'onRefund', refundCause: cause });
    for (const id of o.children) {
      const c = s.order(id);
      if (c.status === 'active') this.refund(c, cause);
    }
    // A token order's DPN fee goes back to its buyer; a DPN order's is part of the escrow below.
    if (!isDpnCurrency(o.currency)) s.payFee(o, o.buyer, 'designer fee refund');
    const rest = Session.escrow(o);
    if (o.parent) s.transfer(o, s.order(o.parent), rest);
    else s.payOut(o, o.payer, rest, 'refund');
    o.status = 'refunded';
    o.busy = false;
    this.enter(o, REFUNDED, cause ? `${REFUNDED}:${cause}` : REFUNDED);
  }

  isDone(o: LiveOrder): boolean {
    return o.status === 'settled' || (o.status === 'active' && o.product.template.template.done.includes(o.state));
  }

  // -- the expression environment -------------------------------------------------------------

  private env(f: Frame): Env {
    const s = this.s;
    const o = f.order;
    const t: Template = o.product.template.template;
    const machine = this;
    return {
      gas: s.gas,
      env(name) {
        switch (name) {
          case 'now': return s.ctx.time;
          case 'height': return s.ctx.height;
          case 'escrow': return Session.escrow(o);
          case 'available': return Session.available(o);
          case 'price': return o.price;
          case 'quantity': return BigInt(o.quantity);
          case 'orderedAt': return o.createdAt;
          case 'stateSince': return o.stateSince;
          case 'leadTime': return o.product.record.leadTimeMs;
          case 'listPrice': return o.product.record.price;
          case 'producer': return o.product.record.producer;
          case 'buyer': return o.buyer;
          case 'consumer': return o.consumer;
          case 'self': return o.product.id;
          case 'isRoot': return o.parent === null;
          case 'refundCause': return f.refundCause ?? '';
          case 'signer': return f.signer!;
          case 'state': return o.state;
          default: return fail(ErrorCode.VM_FAULT, `unknown name ${name}`);
        }
      },
      param: (name) => o.product.params.get(name)!,
      variable(name) {
        return o.vars.get(t.vars.findIndex((v) => v.name === name))?.value;
      },
      arg: (name) => f.args!.get(name)!,
      productField(op, id) {
        if (op === 'productOpen') {
          if (!s.hasProduct(id)) return false;
          return s.product(id).template.record.status === 'approved';
        }
        const p = s.product(id);
        switch (op) {
          case 'productPrice': return p.record.price;
          case 'productCost': return OrderMachine.escrowCost(p, o.quantity);
          case 'productLeadTime': return p.record.leadTimeMs;
          default: return p.record.producer;
        }
      },
      children(op, tag, state) {
        let all = true, any = false, count = 0n;
        for (const id of o.children) {
          s.gas.charge(Gas.childScan);
          const c = s.order(id);
          if (c.tag !== tag) continue;
          count++;
          if (!machine.isDone(c)) all = false;
          if (op === 'anyChildRefunded' && c.status === 'refunded') any = true;
          if (op === 'anyChildIn' && c.state === state) any = true;
        }
        return op === 'childrenDone' ? all : op === 'childCount' ? count : any;
      },
      parentIn: (state) => (o.parent ? s.order(o.parent).state === state : false),
    };
  }
}


const currencyName = (c: Uint8Array): string => (isDpnCurrency(c) ? 'DPN' : `token ${toHex(c).slice(0, 16)}…`);
