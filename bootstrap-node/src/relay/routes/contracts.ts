/**
 * Production contracts for explorers and wallets: templates, products, orders, order graphs,
 * contract-tx receipts, the review committee, and tx dry runs.
 *
 * Which ids exist comes from the node's contract index (a hint: state has no range scans). Every
 * value comes from state at one height per request. Single-object routes answer exactly like
 * GET /v1/state/:key (`height`, `key`, `value`, `proof`, `stateRoot`) plus the record decoded
 * for humans, so a client can verify the raw value and ignore the decoding.
 */
import type { FastifyPluginAsync } from 'fastify';
import {
  isDpnCurrency, ContractKey, DipnetError, ErrorCode, StateKey, REVIEW_POOL, MAX_TX_BYTES,
  decodeAccount, decodeCommittee, decodeCommitteeProposal, decodeOrderRecord, decodeProductParams, decodeProductRecord, decodeTemplateRecord, decodeTxReceipt,
  encodeSmtProof, formatAddress, orderAddress, parseAddress, parseTemplate, productAddress, toHex, valueToJson,
  type OrderRecord, type ProductRecord, type Template, type TemplateRecord,
} from '@dipnet/protocol';
import type { NodeApi } from '../../node-api.ts';
import type { ContractsApi } from '../../contracts-index/api.ts';
import { MAX_PAGE } from '../../contracts-index/contract-index.ts';
import { fixedHex, objectOf, parseHex, varHex, withErrors } from '../schemas.ts';
import { RULE_KEYWORD } from '../validation-messages.ts';

export interface ContractRoutesOptions {
  readonly node: NodeApi;
  readonly contracts: ContractsApi;
  /** Per-IP limit for POST /v1/txs/simulate (it executes a tx). */
  readonly rateLimit: { readonly max: number; readonly timeWindow: number };
}

/** Most nodes GET /v1/orders/:id/tree returns (MAX_CHILDREN × MAX_ORDER_DEPTH keeps real graphs far below). */
export const MAX_TREE_NODES = 2048;

// ------------------------------------------------------------------------------ schemas

/** 'DPN', or the hex id of the token a product or order is priced in. */
const currencyText = (c: Uint8Array): string => (isDpnCurrency(c) ? 'DPN' : hex(c));
const str = { type: 'string' } as const;
const strs = { type: 'array', items: str } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const address = {
  type: 'string', pattern: '^dpn[0-9a-f]{40}$', [RULE_KEYWORD]: "must be an address: 'dpn' and 40 lowercase hex digits", description: 'dpn… address',
} as const;
const idParams = (what: string) => ({
  type: 'object', required: ['id'], properties: { id: fixedHex(32, `${what} id (64 hex)`) }, additionalProperties: false,
}) as const;
const limit = { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 20 } as const;
const after = fixedHex(32, 'last id of the previous page (pages run newest first)');

/** The fields of GET /v1/state/:key: the raw value and its proof. */
const proofFields = {
  height: { type: 'string', description: 'height whose state root the proof is against' },
  key: { type: 'string', description: 'raw state key' },
  value: { type: ['string', 'null'], description: 'hex of the canonical record encoding' },
  proof: { type: 'string', description: 'canonical SMT proof encoding' },
  stateRoot: str,
} as const;

const templateFields = {
  id: str, name: nullableStr, summary: nullableStr, status: str, designer: str, designerFee: str, submittedAt: str,
  approvals: strs, rejections: strs, codeBytes: { type: 'integer' },
} as const;
const templateSchema = objectOf(templateFields);
const productSchema = objectOf({
  id: str, address: str, template: str, templateName: nullableStr, producer: str, name: str, metadataUri: str, metadataHash: str,
  price: str, currency: { ...str, description: "'DPN' or the hex id of the producer's token the price and escrow are in" }, leadTimeMs: str,
  params: { ...anyObject, type: ['object', 'null'], description: 'parameters in JSON form (null if they do not decode)' }, createdAt: str, orders: str,
});
const orderSchema = objectOf({
  id: str, address: str, product: str, template: str, parent: nullableStr, root: str, depth: { type: 'integer' }, tag: str,
  consumer: str, buyer: str, payer: str, quantity: { type: 'integer' }, price: str, currency: str, designerFee: str, shipping: str,
  status: str, state: str, stateSince: str, stateSeq: { type: 'integer' },
  vars: { type: 'array', items: objectOf({ index: { type: 'integer' }, name: nullableStr, type: str, value: {} }) },
  children: strs, escrowIn: str, escrowOut: str, escrow: { type: 'string', description: 'escrowIn − escrowOut: the balance of the order account' },
  createdAt: str,
  history: { type: 'array', items: objectOf({ time: str, height: str, event: str }) },
});
const receiptSchema = objectOf({ ok: { type: 'boolean' }, height: str, gasUsed: str, fee: str, code: str, message: str });
/** A page of a list route: the height it was read at, the items, and the cursor of the next page. */
const pageOf = <K extends string>(key: K, item: object) => objectOf({ height: str, [key]: { type: 'array', items: item }, next: nullableStr } as Record<'height' | 'next' | K, unknown>);

// ------------------------------------------------------------------------------ views

const hex = toHex;
const addr = formatAddress;

function tryParse(code: Uint8Array): Template | null {
  try {
    return parseTemplate(code);
  } catch {
    return null; // a template the current language no longer reads is still shown, unnamed
  }
}

function templateView(id: Uint8Array, r: TemplateRecord, t: Template | null) {
  return {
    id: hex(id), name: t?.name ?? null, summary: t?.summary ?? null, status: r.status, designer: addr(r.designer), designerFee: r.designerFee.toString(),
    submittedAt: r.submittedAt.toString(), approvals: r.approvals.map(addr), rejections: r.rejections.map(addr), codeBytes: r.code.length,
  };
}

function paramsJson(t: Template | null, raw: Uint8Array) {
  if (!t) return null;
  try {
    const values = decodeProductParams(t, raw);
    return Object.fromEntries(t.params.map((p) => [p.name, valueToJson(p.type, values.get(p.name)!)]));
  } catch {
    return null;
  }
}

function productView(id: Uint8Array, r: ProductRecord, t: Template | null) {
  return {
    id: hex(id), address: addr(productAddress(id)), template: hex(r.template), templateName: t?.name ?? null, producer: addr(r.producer), name: r.name,
    metadataUri: r.metadataUri, metadataHash: hex(r.metadataHash), price: r.price.toString(), currency: currencyText(r.currency), leadTimeMs: r.leadTimeMs.toString(),
    params: paramsJson(t, r.params), createdAt: r.createdAt.toString(), orders: r.orders.toString(),
  };
}

function orderView(id: Uint8Array, o: OrderRecord, t: Template | null) {
  return {
    id: hex(id), address: addr(orderAddress(id)), product: hex(o.product), template: hex(o.template), parent: o.parent ? hex(o.parent) : null, root: hex(o.root),
    depth: o.depth, tag: o.tag, consumer: addr(o.consumer), buyer: addr(o.buyer), payer: addr(o.payer), quantity: o.quantity, price: o.price.toString(), currency: currencyText(o.currency),
    designerFee: o.designerFee.toString(), shipping: hex(o.shipping), status: o.status, state: o.state, stateSince: o.stateSince.toString(), stateSeq: o.stateSeq,
    vars: o.vars.map((v) => ({ index: v.index, name: t?.vars[v.index]?.name ?? null, type: v.type, value: valueToJson(v.type, v.value) })),
    children: o.children.map(hex), escrowIn: o.escrowIn.toString(), escrowOut: o.escrowOut.toString(), escrow: (o.escrowIn - o.escrowOut).toString(),
    createdAt: o.createdAt.toString(), history: o.history.map((h) => ({ time: h.time.toString(), height: h.height.toString(), event: h.event })),
  };
}

/**
 * Reads at one height for the whole request, decoding records once (templates are shared by
 * many products and orders).
 */
class Reader {
  private readonly templates = new Map<string, { record: TemplateRecord; template: Template | null } | null>();
  private readonly products = new Map<string, ProductRecord | null>();

  constructor(private readonly c: ContractsApi, readonly height: bigint) {}

  raw(key: Uint8Array): Uint8Array | undefined {
    return this.c.stateValue(key, this.height);
  }

  template(id: Uint8Array) {
    const k = hex(id);
    if (!this.templates.has(k)) {
      const raw = this.raw(ContractKey.template(id));
      const record = raw ? decodeTemplateRecord(raw) : null;
      this.templates.set(k, record ? { record, template: tryParse(record.code) } : null);
    }
    return this.templates.get(k)!;
  }

  product(id: Uint8Array): ProductRecord | null {
    const k = hex(id);
    if (!this.products.has(k)) {
      const raw = this.raw(ContractKey.product(id));
      this.products.set(k, raw ? decodeProductRecord(raw) : null);
    }
    return this.products.get(k)!;
  }

  order(id: Uint8Array): OrderRecord | null {
    const raw = this.raw(ContractKey.order(id));
    return raw ? decodeOrderRecord(raw) : null;
  }
}

// ------------------------------------------------------------------------------ routes

export const contractRoutes: FastifyPluginAsync<ContractRoutesOptions> = async (app, { node, contracts: api, rateLimit }) => {
  const contracts = (): ContractsApi => api;
  const headHeight = (): bigint => {
    const h = node.status().height;
    if (h === 0n) throw new DipnetError(ErrorCode.HEIGHT_NOT_AVAILABLE, 'no block is committed yet');
    return h;
  };
  const reader = () => new Reader(contracts(), headHeight());

  /** The state route's answer for one key at the head; `missing` is thrown when the value is absent. */
  const proven = (key: Uint8Array, missing: () => DipnetError) => {
    const r = node.getStateProof(key, headHeight());
    if (r.value === undefined) throw missing();
    const fields = { height: r.height.toString(), key: hex(r.key), value: hex(r.value), proof: hex(encodeSmtProof(r.proof)), stateRoot: hex(r.stateRoot) };
    return { fields, value: r.value, height: r.height };
  };
  const unknown = (code: ErrorCode, what: string, id: string) => () => new DipnetError(code, `no ${what} ${id.slice(0, 16)}…`);

  // ---------------------------------------------------------------- templates

  app.get<{ Querystring: { limit: number; after?: string } }>('/v1/templates', {
    schema: {
      tags: ['contracts'],
      operationId: 'listTemplates',
      summary: 'Templates, newest submission first',
      querystring: { type: 'object', properties: { limit, after }, additionalProperties: false },
      response: withErrors({
        200: pageOf('templates', templateSchema),
      }),
    },
  }, async (req) => {
    const r = reader();
    const page = contracts().index.templates(req.query.limit, req.query.after ? parseHex(req.query.after) : undefined);
    const templates = page.ids.flatMap((id) => {
      const t = r.template(id);
      return t ? [templateView(id, t.record, t.template)] : [];
    });
    return { height: r.height.toString(), templates, next: page.next ? hex(page.next) : null };
  });

  app.get<{ Params: { id: string } }>('/v1/templates/:id', {
    schema: {
      tags: ['contracts'],
      operationId: 'getTemplate',
      summary: 'A template record with its proof, and the template document it holds',
      params: idParams('template'),
      response: withErrors({
        200: objectOf({
          ...proofFields,
          template: objectOf({
            ...templateFields,
            code: { type: 'string', description: 'the document as submitted (UTF-8 JSON); its hash is the id' },
            document: { ...anyObject, type: ['object', 'null'], description: 'the document as the template language reads it (null if it no longer parses)' },
          }),
        }),
      }),
    },
  }, async (req) => {
    const id = parseHex(req.params.id);
    const p = proven(ContractKey.template(id), unknown(ErrorCode.TEMPLATE_UNKNOWN, 'template', req.params.id));
    const rec = decodeTemplateRecord(p.value);
    const t = tryParse(rec.code);
    return { ...p.fields, template: { ...templateView(id, rec, t), code: new TextDecoder().decode(rec.code), document: t } };
  });

  // ---------------------------------------------------------------- products

  app.get<{ Querystring: { producer?: string; limit: number; after?: string } }>('/v1/products', {
    schema: {
      tags: ['contracts'],
      operationId: 'listProducts',
      summary: 'Products, newest first; optionally of one producer',
      querystring: { type: 'object', properties: { producer: address, limit, after }, additionalProperties: false },
      response: withErrors({
        200: pageOf('products', productSchema),
      }),
    },
  }, async (req) => {
    const r = reader();
    const q = req.query;
    const page = contracts().index.products({ limit: q.limit, ...(q.producer ? { producer: parseAddress(q.producer) } : {}), ...(q.after ? { after: parseHex(q.after) } : {}) });
    const products = page.ids.flatMap((id) => {
      const p = r.product(id);
      return p ? [productView(id, p, r.template(p.template)?.template ?? null)] : [];
    });
    return { height: r.height.toString(), products, next: page.next ? hex(page.next) : null };
  });

  app.get<{ Params: { id: string } }>('/v1/products/:id', {
    schema: {
      tags: ['contracts'],
      operationId: 'getProduct',
      summary: 'A product record with its proof; parameters in JSON form',
      params: idParams('product'),
      response: withErrors({ 200: objectOf({ ...proofFields, product: productSchema }) }),
    },
  }, async (req) => {
    const id = parseHex(req.params.id);
    const p = proven(ContractKey.product(id), unknown(ErrorCode.PRODUCT_UNKNOWN, 'product', req.params.id));
    const rec = decodeProductRecord(p.value);
    const t = new Reader(contracts(), p.height).template(rec.template)?.template ?? null;
    return { ...p.fields, product: productView(id, rec, t) };
  });

  // ---------------------------------------------------------------- orders

  app.get<{ Querystring: { consumer?: string; product?: string; limit: number; after?: string } }>('/v1/orders', {
    schema: {
      tags: ['contracts'],
      operationId: 'listOrders',
      summary: 'Orders, newest first; by consumer (their purchases: root orders) and/or by product (sub-orders included)',
      querystring: { type: 'object', properties: { consumer: address, product: fixedHex(32, 'product id'), limit, after }, additionalProperties: false },
      response: withErrors({
        200: pageOf('orders', orderSchema),
      }),
    },
  }, async (req) => {
    const r = reader();
    const q = req.query;
    const page = contracts().index.orders({
      limit: q.limit, ...(q.consumer ? { consumer: parseAddress(q.consumer) } : {}), ...(q.product ? { product: parseHex(q.product) } : {}), ...(q.after ? { after: parseHex(q.after) } : {}),
    });
    const orders = page.ids.flatMap((id) => {
      const o = r.order(id);
      return o ? [orderView(id, o, r.template(o.template)?.template ?? null)] : [];
    });
    return { height: r.height.toString(), orders, next: page.next ? hex(page.next) : null };
  });

  app.get<{ Params: { id: string } }>('/v1/orders/:id', {
    schema: {
      tags: ['contracts'],
      operationId: 'getOrder',
      summary: 'An order record with its proof: state, status, escrow, history, children',
      params: idParams('order'),
      response: withErrors({ 200: objectOf({ ...proofFields, order: orderSchema }) }),
    },
  }, async (req) => {
    const id = parseHex(req.params.id);
    const p = proven(ContractKey.order(id), unknown(ErrorCode.ORDER_UNKNOWN, 'order', req.params.id));
    const o = decodeOrderRecord(p.value);
    return { ...p.fields, order: orderView(id, o, new Reader(contracts(), p.height).template(o.template)?.template ?? null) };
  });

  app.get<{ Params: { id: string } }>('/v1/orders/:id/tree', {
    schema: {
      tags: ['contracts'],
      operationId: 'getOrderTree',
      summary: 'The whole order graph of the root above this order: nodes (breadth-first) and parent→child edges',
      description: 'Decoded values at one height, without proofs: verify any node with GET /v1/orders/:id or /v1/state/:key.',
      params: idParams('order'),
      response: withErrors({
        200: objectOf({
          height: str, root: str,
          nodes: {
            type: 'array',
            items: objectOf({
              id: str, parent: nullableStr, depth: { type: 'integer' }, tag: str, product: str, productName: nullableStr, producer: nullableStr,
              state: str, status: str, escrow: str, price: str,
            }),
          },
          edges: { type: 'array', items: objectOf({ from: str, to: str, tag: str }) },
          truncated: { type: 'boolean' },
        }),
      }),
    },
  }, async (req) => {
    const r = reader();
    const start = r.order(parseHex(req.params.id)) ?? (() => { throw unknown(ErrorCode.ORDER_UNKNOWN, 'order', req.params.id)(); })();
    const nodes = [];
    const edges = [];
    const queue: Uint8Array[] = [start.root];
    const seen = new Set<string>();
    while (queue.length > 0 && nodes.length < MAX_TREE_NODES) {
      const id = queue.shift()!;
      if (seen.has(hex(id))) continue;
      seen.add(hex(id));
      const o = r.order(id);
      if (!o) continue;
      const p = r.product(o.product);
      nodes.push({
        id: hex(id), parent: o.parent ? hex(o.parent) : null, depth: o.depth, tag: o.tag, product: hex(o.product), productName: p?.name ?? null,
        producer: p ? addr(p.producer) : null, state: o.state, status: o.status, escrow: (o.escrowIn - o.escrowOut).toString(), price: o.price.toString(),
      });
      for (const c of o.children) {
        const child = r.order(c);
        edges.push({ from: hex(id), to: hex(c), tag: child?.tag ?? '' });
        queue.push(c);
      }
    }
    return { height: r.height.toString(), root: hex(start.root), nodes, edges, truncated: queue.length > 0 };
  });

  // ---------------------------------------------------------------- txs

  app.get<{ Params: { hash: string } }>('/v1/txs/:hash/receipt', {
    schema: {
      tags: ['contracts'],
      operationId: 'getTxReceipt',
      summary: 'The receipt of an included contract tx (fee, gas, error) with its proof',
      params: { type: 'object', required: ['hash'], properties: { hash: fixedHex(32, 'tx hash') }, additionalProperties: false },
      response: withErrors({ 200: objectOf({ ...proofFields, receipt: receiptSchema }) }),
    },
  }, async (req) => {
    const p = proven(ContractKey.txReceipt(parseHex(req.params.hash)), () =>
      new DipnetError(ErrorCode.NOT_FOUND, `no receipt for tx ${req.params.hash.slice(0, 16)}…: not included yet, or not a contract tx`));
    const rc = decodeTxReceipt(p.value);
    return { ...p.fields, receipt: { ok: rc.code === '', height: rc.height.toString(), gasUsed: rc.gasUsed.toString(), fee: rc.fee.toString(), code: rc.code, message: rc.message } };
  });

  app.get<{ Querystring: { limit: number } }>('/v1/contract-txs', {
    schema: {
      tags: ['contracts'],
      operationId: 'listContractTxs',
      summary: 'The latest included contract txs, newest first, with their receipts',
      querystring: { type: 'object', properties: { limit }, additionalProperties: false },
      response: withErrors({
        200: objectOf({
          height: str,
          txs: {
            type: 'array',
            items: objectOf({
              hash: str, height: str, index: { type: 'integer' }, type: str, sender: str,
              subject: { type: 'string', description: 'the template, proposal, product or order the tx created or acted on' },
              receipt: { ...receiptSchema, type: ['object', 'null'] },
            }),
          },
        }),
      }),
    },
  }, async (req) => {
    const r = reader();
    const txs = contracts().index.recentTxs(req.query.limit).map((t) => {
      const raw = r.raw(ContractKey.txReceipt(t.hash));
      const rc = raw ? decodeTxReceipt(raw) : null;
      return {
        hash: hex(t.hash), height: t.height.toString(), index: t.index, type: t.type, sender: addr(t.sender), subject: hex(t.subject),
        receipt: rc ? { ok: rc.code === '', height: rc.height.toString(), gasUsed: rc.gasUsed.toString(), fee: rc.fee.toString(), code: rc.code, message: rc.message } : null,
      };
    });
    return { height: r.height.toString(), txs };
  });

  app.post<{ Body: { tx: string } }>('/v1/txs/simulate', {
    config: { rateLimit },
    schema: {
      tags: ['txs'],
      operationId: 'simulateTx',
      summary: 'Dry-run a signed tx against the head state: gas it would use and the fee it would pay',
      description:
        'Runs the tx as the first tx of the next block on a throwaway copy of the head state; nothing changes and nothing is broadcast. ' +
        'A tx that would be refused or fail answers 200 with ok=false and its error code. Sign the simulated tx with a generous fee: ' +
        'a contract tx only gets the gas its fee pays for (unused gas is refunded on chain). A wallet then declares ' +
        'baseFee + gasUsed × gasPrice with some margin.',
      body: { type: 'object', required: ['tx'], properties: { tx: varHex(MAX_TX_BYTES, 'hex of the canonical signed tx encoding') }, additionalProperties: false },
      response: withErrors({
        200: objectOf({
          ok: { type: 'boolean' },
          height: { type: 'string', description: 'head height the tx ran on top of' },
          gasUsed: { type: 'string', description: 'gas the tx used (ok only)' },
          fee: { type: 'string', description: 'fee it would be charged: baseFee + gasUsed × gasPrice (ok only)' },
          baseFee: { type: 'string', description: 'fee for the tx bytes alone' },
          gasPrice: str,
          error: { ...objectOf({ code: str, message: str }), description: 'why the tx would be refused or fail (not ok only)' },
        }, ['gasUsed', 'fee', 'error']),
      }),
    },
  }, async (req) => {
    const s = await contracts().simulateTx(parseHex(req.body.tx));
    const common = { height: s.height.toString(), baseFee: s.baseFee.toString(), gasPrice: s.gasPrice.toString() };
    return s.ok
      ? { ok: true, gasUsed: String(s.gasUsed), fee: s.fee.toString(), ...common }
      : { ok: false, error: { code: s.code, message: s.message }, ...common };
  });

  // ---------------------------------------------------------------- committee

  app.get('/v1/committee', {
    schema: {
      tags: ['contracts'],
      operationId: 'getCommittee',
      summary: 'The template-review committee with its proof, the review pool, and the latest committee proposals',
      response: withErrors({
        200: objectOf({
          ...proofFields,
          committee: objectOf({ members: strs, threshold: { type: 'integer' } }),
          reviewPool: objectOf({ address: str, balance: str }),
          proposals: {
            type: 'array',
            items: objectOf({
              id: str, template: str, reporter: str, bounty: str, deprecate: { type: 'boolean' }, reason: str, status: str, approvals: strs, rejections: strs,
            }),
          },
        }),
      }),
    },
  }, async () => {
    const p = proven(ContractKey.committee(), () => new DipnetError(ErrorCode.NOT_FOUND, 'this chain has no committee'));
    const c = decodeCommittee(p.value);
    const r = new Reader(contracts(), p.height);
    const pool = r.raw(StateKey.account(REVIEW_POOL));
    const proposals = contracts().index.proposals(MAX_PAGE).ids.flatMap((id) => {
      const raw = r.raw(ContractKey.committeeProposal(id));
      if (!raw) return [];
      const x = decodeCommitteeProposal(raw);
      return [{
        id: hex(id), template: hex(x.action.template), reporter: addr(x.action.reporter), bounty: x.action.bounty.toString(), deprecate: x.action.deprecate,
        reason: x.action.reason, status: x.status, approvals: x.approvals.map(addr), rejections: x.rejections.map(addr),
      }];
    });
    return {
      ...p.fields,
      committee: { members: c.members.map(addr), threshold: c.threshold },
      reviewPool: { address: addr(REVIEW_POOL), balance: (pool ? decodeAccount(pool).balance : 0n).toString() },
      proposals,
    };
  });
};
