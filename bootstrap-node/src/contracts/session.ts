/**
 * One contract execution (a tx or a timer firing): reads records through a StateView, keeps the
 * orders and products it touches in memory, moves DPN and tokens, meters gas, and writes
 * everything back in `flush`. The caller runs it on a child view, so a failure anywhere drops
 * every change.
 *
 * An order's escrow is in its currency (DPN or its producer's token). A DPN escrow includes the
 * designer's fee; a token order holds the fee in DPN beside its token escrow (see `payFee`).
 */
import {
  ErrorCode, fail, toHex, equalBytes, spendable,
  ContractKey, decodeOrderRecord, encodeOrderRecord, decodeProductRecord, encodeProductRecord, decodeTemplateRecord, encodeTemplateRecord,
  parseTemplate, decodeProductParams, orderAddress, truncateUtf8, isDpnCurrency, MAX_HISTORY, MAX_NAME,
  type OrderRecord, type ProductRecord, type TemplateRecord, type Template, type Value, type ScalarType,
} from '@dipnet/protocol';
import type { StateView } from '../state/state-view.ts';
import { getAccount, putAccount, creditAccount, afterOutflow } from '../state/accounts.ts';
import type { BlockContext } from '../state/block-context.ts';
import { creditToken, debitToken } from '../tokens/ledger.ts';
import { Gas, type GasMeter } from './gas.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface LoadedTemplate {
  readonly id: Uint8Array;
  readonly record: TemplateRecord;
  readonly template: Template;
}

export interface LoadedProduct {
  readonly id: Uint8Array;
  record: ProductRecord;
  readonly params: ReadonlyMap<string, Value>;
  readonly template: LoadedTemplate;
}

/** An order being executed: its record fields (mutable), variables and resolved contract. */
export interface LiveOrder extends Mutable<Omit<OrderRecord, 'vars' | 'children' | 'history' | 'product'>> {
  readonly id: Uint8Array;
  readonly address: Uint8Array;
  readonly vars: Map<number, { type: ScalarType; value: Value }>;
  readonly children: Uint8Array[];
  readonly history: { time: bigint; height: bigint; event: string }[];
  readonly product: LoadedProduct;
  /** Set while the order's own effects run, so children do not re-enter it. */
  busy: boolean;
  /** The record's bytes as loaded (null for a new order): unchanged orders are not written back. */
  readonly loaded: Uint8Array | null;
}

// Parsing is a pure function of the bytes: share results across executions.
const parsedTemplates = new Map<string, Template>();
const PARSED_MAX = 512;

export class Session {
  private readonly orders = new Map<string, LiveOrder>();
  private readonly products = new Map<string, LoadedProduct>();
  private readonly templates = new Map<string, LoadedTemplate>();
  private readonly dirtyProducts = new Set<string>();
  private readonly dirtyTemplates = new Set<string>();
  private readonly newContracts: { address: Uint8Array; kind: number }[] = [];
  ordersCreated = 0;

  constructor(
    readonly state: StateView,
    readonly ctx: BlockContext,
    readonly gas: GasMeter,
  ) {}

  template(id: Uint8Array): LoadedTemplate {
    const hex = toHex(id);
    const cached = this.templates.get(hex);
    if (cached) return cached;
    const raw = this.state.get(ContractKey.template(id));
    if (!raw) fail(ErrorCode.TEMPLATE_UNKNOWN, `no template ${hex.slice(0, 16)}…`);
    const record = decodeTemplateRecord(raw);
    this.gas.charge(Gas.read + Gas.templateLoad(record.code.length));
    let template = parsedTemplates.get(hex);
    if (!template) {
      template = parseTemplate(record.code);
      if (parsedTemplates.size >= PARSED_MAX) parsedTemplates.delete(parsedTemplates.keys().next().value!);
      parsedTemplates.set(hex, template);
    }
    const t = { id, record, template };
    this.templates.set(hex, t);
    return t;
  }

  setTemplateRecord(t: LoadedTemplate, record: TemplateRecord): void {
    const hex = toHex(t.id);
    this.templates.set(hex, { ...t, record });
    this.dirtyTemplates.add(hex);
  }

  product(id: Uint8Array): LoadedProduct {
    const hex = toHex(id);
    const cached = this.products.get(hex);
    if (cached) return cached;
    this.gas.charge(Gas.read);
    const raw = this.state.get(ContractKey.product(id));
    if (!raw) fail(ErrorCode.PRODUCT_UNKNOWN, `no product ${hex.slice(0, 16)}…`);
    const record = decodeProductRecord(raw);
    const template = this.template(record.template);
    const p: LoadedProduct = { id, record, params: decodeProductParams(template.template, record.params), template };
    this.products.set(hex, p);
    return p;
  }

  hasProduct(id: Uint8Array): boolean {
    return this.products.has(toHex(id)) || this.state.get(ContractKey.product(id)) !== undefined;
  }

  touchProduct(p: LoadedProduct): void {
    this.dirtyProducts.add(toHex(p.id));
  }

  addProduct(p: LoadedProduct, address: Uint8Array): void {
    const hex = toHex(p.id);
    this.products.set(hex, p);
    this.dirtyProducts.add(hex);
    this.newContracts.push({ address, kind: 1 });
  }

  order(id: Uint8Array): LiveOrder {
    const hex = toHex(id);
    const cached = this.orders.get(hex);
    if (cached) return cached;
    this.gas.charge(Gas.read);
    const raw = this.state.get(ContractKey.order(id));
    if (!raw) fail(ErrorCode.ORDER_UNKNOWN, `no order ${hex.slice(0, 16)}…`);
    const r = decodeOrderRecord(raw);
    const o: LiveOrder = {
      ...r, id, address: orderAddress(id), product: this.product(r.product), busy: false, loaded: raw,
      vars: new Map(r.vars.map((v) => [v.index, { type: v.type, value: v.value }])),
      children: [...r.children], history: r.history.map((h) => ({ ...h })),
    };
    this.orders.set(hex, o);
    return o;
  }

  addOrder(o: LiveOrder): void {
    this.orders.set(toHex(o.id), o);
    this.newContracts.push({ address: o.address, kind: 2 });
    this.ordersCreated++;
  }

  /** Appends to an order's visible history (the newest MAX_HISTORY entries are kept). */
  record(o: LiveOrder, event: string): void {
    this.gas.charge(Gas.history);
    o.history.push({ time: this.ctx.time, height: this.ctx.height, event: truncateUtf8(event, MAX_NAME) });
    if (o.history.length > MAX_HISTORY) o.history.splice(0, o.history.length - MAX_HISTORY);
  }

  // -- money ----------------------------------------------------------------------------------

  /** Escrow an order holds now, in its currency. */
  static escrow(o: LiveOrder): bigint {
    return o.escrowIn - o.escrowOut;
  }

  /** The designer's fee an active order keeps in its escrow: in a token order the fee is held in DPN apart. */
  static feeInEscrow(o: { readonly status: string; readonly currency: Uint8Array; readonly designerFee: bigint }): bigint {
    return o.status === 'active' && isDpnCurrency(o.currency) ? o.designerFee : 0n;
  }

  /** Escrow an active order may spend: the designer's fee stays reserved until settlement. */
  static available(o: LiveOrder): bigint {
    const e = Session.escrow(o);
    const reserve = Session.feeInEscrow(o);
    return e > reserve ? e - reserve : 0n;
  }

  isContractAccount(address: Uint8Array): boolean {
    return this.newContracts.some((c) => equalBytes(c.address, address)) || this.state.get(ContractKey.contractAccount(address)) !== undefined;
  }

  credit(address: Uint8Array, amount: bigint): void {
    creditAccount(this.state, address, amount, this.ctx.time);
  }

  /** Takes `amount` from a person's spendable balance. */
  debit(address: Uint8Array, amount: bigint, what: string): void {
    const a = getAccount(this.state, address);
    const free = spendable(a, this.ctx.time);
    if (free < amount) {
      if (a.balance >= amount) fail(ErrorCode.TX_FUNDS_LOCKED, `${what}: funds are locked`);
      fail(ErrorCode.TX_INSUFFICIENT_FUNDS, `${what}: spendable balance ${free} is less than ${amount}`);
    }
    putAccount(this.state, address, afterOutflow(a, amount, 0n, this.ctx.time));
  }

  /** Credits a person in `currency`: DPN or a token. */
  creditIn(currency: Uint8Array, address: Uint8Array, amount: bigint): void {
    if (isDpnCurrency(currency)) this.credit(address, amount);
    else creditToken(this.state, currency, address, amount);
  }

  /** Takes `amount` of `currency` from a person (DPN from the spendable balance). */
  debitIn(currency: Uint8Array, address: Uint8Array, amount: bigint, what: string): void {
    if (isDpnCurrency(currency)) this.debit(address, amount, what);
    else debitToken(this.state, currency, address, amount, what);
  }

  /** Pays out of an order's escrow, in its currency, to a person (never to a contract account). */
  payOut(o: LiveOrder, to: Uint8Array, amount: bigint, what: string): void {
    this.gas.charge(Gas.pay);
    if (amount > Session.escrow(o)) fail(ErrorCode.ESCROW_INSUFFICIENT, `${what}: escrow holds ${Session.escrow(o)}, needs ${amount}`);
    if (this.isContractAccount(to)) fail(ErrorCode.VM_FAULT, `${what}: cannot pay a contract account directly`);
    o.escrowOut += amount;
    this.creditIn(o.currency, to, amount);
  }

  /**
   * Ends an active order's hold on its designer's fee: paid to `to` (the designer on settlement,
   * the one who paid it on a refund). A DPN order pays it out of its escrow; a token order from
   * the DPN it holds beside the escrow.
   */
  payFee(o: LiveOrder, to: Uint8Array, what: string): void {
    if (isDpnCurrency(o.currency)) return this.payOut(o, to, o.designerFee, what);
    this.gas.charge(Gas.pay);
    this.credit(to, o.designerFee);
  }

  /** Moves escrow from one order to another (sub-order funding, refunds to a parent). */
  transfer(from: LiveOrder, to: LiveOrder, amount: bigint): void {
    this.gas.charge(Gas.pay);
    if (amount > Session.escrow(from)) fail(ErrorCode.ESCROW_INSUFFICIENT, `escrow holds ${Session.escrow(from)}, needs ${amount}`);
    from.escrowOut += amount;
    to.escrowIn += amount;
  }

  // -- write-back -----------------------------------------------------------------------------

  flush(): void {
    for (const o of this.orders.values()) {
      const rec: OrderRecord = {
        product: o.product.id, template: o.template, parent: o.parent, root: o.root, depth: o.depth, tag: o.tag, consumer: o.consumer, buyer: o.buyer,
        payer: o.payer, quantity: o.quantity, price: o.price, designerFee: o.designerFee, shipping: o.shipping, status: o.status, state: o.state,
        stateSince: o.stateSince, stateSeq: o.stateSeq, vars: [...o.vars].sort((a, b) => a[0] - b[0]).map(([index, v]) => ({ index, type: v.type, value: v.value })),
        children: o.children, escrowIn: o.escrowIn, escrowOut: o.escrowOut, createdAt: o.createdAt, history: o.history, currency: o.currency,
      };
      const bytes = encodeOrderRecord(rec);
      // Orders only read (a parent's children scanned, ancestors walked) stay as they are.
      if (o.loaded && equalBytes(o.loaded, bytes)) continue;
      this.gas.charge(Gas.write);
      this.state.set(ContractKey.order(o.id), bytes);
    }
    for (const hex of this.dirtyProducts) {
      this.gas.charge(Gas.write);
      const p = this.products.get(hex)!;
      this.state.set(ContractKey.product(p.id), encodeProductRecord(p.record));
    }
    for (const hex of this.dirtyTemplates) {
      this.gas.charge(Gas.write);
      const t = this.templates.get(hex)!;
      this.state.set(ContractKey.template(t.id), encodeTemplateRecord(t.record));
    }
    for (const c of this.newContracts) this.state.set(ContractKey.contractAccount(c.address), new Uint8Array([c.kind]));
  }
}
