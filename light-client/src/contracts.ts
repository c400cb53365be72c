/**
 * Production contracts in the light client: proven reads of templates, products, orders (and an
 * order's whole graph) and tx receipts, and the wallet's contract txs (placeOrder,
 * fireTransition) followed to a receipt proven in a verified block. Every field returned is
 * decoded from a state value that `getState` verified against a trusted header; sources are asked
 * for bytes and proofs, never for answers (the relay's simulation is at most a gas hint).
 */
import {
  ContractKey, DipnetError, isDipnetError, ErrorCode, LightError, LightErrorCode, MAX_ORDER_DEPTH, MAX_QUANTITY, METADATA_URI_MAX, PRODUCT_NAME_MAX, decodeOrderRecord,
  decodeProductParams, decodeProductRecord, decodeTemplateRecord, decodeTxReceipt, encodeArgs, encodeProductParams, equalBytes, formatAddress, formatDpn,
  fromHex, paramsFromJson, parseTemplate, productId, rootOrderId, scalarFromJson, taggedHash, templateId, toHex, txHash, utf8, valueToJson,
  TokenKey, decodeTokenRecord, isDpnCurrency, formatTokenAmount,
  type OrderRecord, type Template, type TxBody, type TxReceipt, type Value,
} from '@dipnet/protocol';
import type {
  ContractTxOptions, ContractTxResult, ContractTxStage, CreateProductRequest, CreateProductResult, FireTransitionRequest, FireTransitionResult, PlaceOrderRequest, PlaceOrderResult,
  ShippingDetails, VerifiedAccount, VerifiedOrder, VerifiedOrderTree, VerifiedParams, VerifiedProduct, VerifiedReceipt, VerifiedState,
  VerifiedTemplate, ProductCurrency, PendingTx, TxHint,
} from './api.ts';
import { notExecuted, txWaitTurn, waitFor } from './tx-fate.ts';
import { buildSignedTx, type Wallet } from './wallet/wallet.ts';

/** Domain tag of shipping commitments: taggedHash(tag, salt(32) ‖ utf8(canonical JSON of the details)). */
export const SHIPPING_COMMITMENT_TAG = 'dipnet/shipping/v1';
export const SHIPPING_SALT_BYTES = 32;
/** Most orders getOrderTree reads; a larger graph comes back with `truncated: true`. */
export const MAX_TREE_ORDERS = 512;
/** Gas a contract tx's fee pays for unless told otherwise; unused gas is refunded by the chain. */
export const DEFAULT_GAS = { placeOrder: 2_000_000n, fireTransition: 1_000_000n, createProduct: 500_000n } as const;
/** The chain meters at most this much gas per tx (MAX_TX_GAS): a larger allowance buys nothing. */
export const MAX_GAS = 5_000_000n;
const READ_CONCURRENCY = 8;
const TEMPLATE_CACHE = 64;

const invalid = (msg: string): never => {
  throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, msg);
};
const malformed = (msg: string): never => {
  throw new LightError(LightErrorCode.LC_VALUE_MALFORMED, msg);
};

/** An id argument: 32 bytes, as hex or bytes. */
export function idBytes(v: string | Uint8Array, what: string): Uint8Array {
  if (v instanceof Uint8Array) return v.length === 32 ? v : invalid(`${what} must be 32 bytes`);
  if (typeof v !== 'string' || !/^[0-9a-fA-F]{64}$/.test(v)) return invalid(`${what} must be 32 bytes of hex`);
  return fromHex(v.toLowerCase(), 32);
}

function decodeProven<T>(decode: (b: Uint8Array) => T, bytes: Uint8Array, what: string): T {
  try {
    return decode(bytes);
  } catch (e) {
    return malformed(`proven ${what} does not decode: ${(e as Error).message}`);
  }
}

// ------------------------------------------------------------------------------- shipping

/**
 * One JSON text per value: object keys sorted (by UTF-16 code unit, as Array.prototype.sort
 * does), no whitespace, numbers as JSON.stringify writes them. Both sides of an order recompute
 * the commitment from it, so it must not depend on key order or formatting.
 */
export function canonicalJson(v: unknown): string {
  const walk = (x: unknown, depth: number): string => {
    if (depth > 32) return invalid('shipping details nest too deeply');
    if (x === null) return 'null';
    switch (typeof x) {
      case 'string': return JSON.stringify(x);
      case 'boolean': return x ? 'true' : 'false';
      case 'number': return Number.isFinite(x) ? JSON.stringify(x) : invalid('shipping details hold a non-finite number');
      case 'object': {
        if (Array.isArray(x)) return `[${x.map((y) => walk(y, depth + 1)).join(',')}]`;
        const proto = Object.getPrototypeOf(x);
        if (proto !== Object.prototype && proto !== null) return invalid('shipping details must be plain JSON (objects, arrays, strings, numbers, booleans, null)');
        const o = x as Record<string, unknown>;
        return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${walk(o[k], depth + 1)}`).join(',')}}`;
      }
      default: return invalid(`shipping details hold a ${typeof x}, which JSON cannot carry`);
    }
  };
  return walk(v, 0);
}

/** The commitment an order carries for its (off-chain) shipping details. */
export function shippingCommitment(details: ShippingDetails, salt: Uint8Array): Uint8Array {
  if (!(salt instanceof Uint8Array) || salt.length !== SHIPPING_SALT_BYTES) invalid(`the salt must be ${SHIPPING_SALT_BYTES} bytes`);
  if (details === undefined || details === null || (typeof details !== 'string' && typeof details !== 'object')) invalid('shipping details are a string or a JSON object');
  return taggedHash(SHIPPING_COMMITMENT_TAG, salt, utf8(canonicalJson(details)));
}

/** For the producer: do these details and salt (received off chain) match the order's commitment? */
export function checkShippingCommitment(details: ShippingDetails, salt: string | Uint8Array, commitment: string | Uint8Array): boolean {
  return equalBytes(shippingCommitment(details, idBytes(salt, 'salt')), idBytes(commitment, 'commitment'));
}

// ------------------------------------------------------------------------------- reads

export interface StateReader {
  getState(rawKey: Uint8Array, opts?: { height?: bigint }): Promise<VerifiedState>;
}

interface ProvenOrder {
  readonly order: VerifiedOrder;
  readonly record: OrderRecord;
  readonly raw: Uint8Array;
}

/** Contract reads over proven state. Every multi-value read is pinned to one verified height. */
export class ContractReader {
  // Parsed code by template id. Safe to keep: the id is the hash of the code, checked on insert.
  private readonly parsed = new Map<string, Template>();

  constructor(private readonly r: StateReader) {}

  private parse(id: Uint8Array, code: Uint8Array): Template {
    const k = toHex(id);
    const hit = this.parsed.get(k);
    if (hit) return hit;
    if (!equalBytes(templateId(code), id)) malformed(`proven template ${k.slice(0, 16)}… holds code that does not hash to its id`);
    let t: Template;
    try {
      t = parseTemplate(code);
    } catch (e) {
      return malformed(`proven template ${k.slice(0, 16)}… does not parse: ${(e as Error).message}`);
    }
    if (this.parsed.size >= TEMPLATE_CACHE) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(k, t);
    return t;
  }

  async template(id: Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedTemplate> {
    const s = await this.r.getState(ContractKey.template(id), opts);
    if (!s.value) throw new DipnetError(ErrorCode.TEMPLATE_UNKNOWN, `no template ${toHex(id)} at height ${s.height}`, { id: toHex(id), height: s.height.toString() });
    const record = decodeProven(decodeTemplateRecord, s.value, 'template record');
    const template = this.parse(id, record.code);
    return {
      id: toHex(id), name: template.name, status: record.status, designer: formatAddress(record.designer), designerFee: record.designerFee,
      record, template, height: s.height, headerHash: s.headerHash, time: s.time,
    };
  }

  /** The parsed code of a template another proven record names, at that record's height. */
  private async templateOf(id: Uint8Array, height: bigint, what: string): Promise<VerifiedTemplate | Template> {
    const hit = this.parsed.get(toHex(id));
    if (hit) return hit;
    try {
      return await this.template(id, { height });
    } catch (e) {
      if (e instanceof DipnetError && e.code === ErrorCode.TEMPLATE_UNKNOWN) return malformed(`proven ${what} names template ${toHex(id).slice(0, 16)}…, which is not in state`);
      throw e;
    }
  }

  /** DPN, or the token record a product is priced in, proven at `height`. */
  private async currency(id: Uint8Array, height: bigint): Promise<ProductCurrency> {
    if (isDpnCurrency(id)) return { kind: 'dpn', symbol: 'DPN', decimals: 9 };
    const s = await this.r.getState(TokenKey.token(id), { height });
    if (!s.value) return malformed(`proven product is priced in token ${toHex(id).slice(0, 16)}…, which is not in state`);
    const t = decodeProven(decodeTokenRecord, s.value, 'token record');
    return { kind: 'token', id: toHex(id), symbol: t.symbol, decimals: t.decimals, issuer: formatAddress(t.issuer) };
  }

  async product(id: Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedProduct> {
    const s = await this.r.getState(ContractKey.product(id), opts);
    if (!s.value) throw new DipnetError(ErrorCode.PRODUCT_UNKNOWN, `no product ${toHex(id)} at height ${s.height}`, { id: toHex(id), height: s.height.toString() });
    const p = decodeProven(decodeProductRecord, s.value, 'product record');
    // The template's status and fee change over time, so read it at the product's height.
    let t: VerifiedTemplate;
    try {
      t = await this.template(p.template, { height: s.height });
    } catch (e) {
      if (e instanceof DipnetError && e.code === ErrorCode.TEMPLATE_UNKNOWN) return malformed(`proven product names template ${toHex(p.template).slice(0, 16)}…, which is not in state`);
      throw e;
    }
    let values: Map<string, Value>;
    try {
      values = decodeProductParams(t.template, p.params);
    } catch (e) {
      return malformed(`proven product parameters do not match their template: ${(e as Error).message}`);
    }
    const currency = await this.currency(p.currency, s.height);
    return {
      id: toHex(id), name: p.name, producer: formatAddress(p.producer), price: p.price, priceDpn: formatDpn(p.price), leadTimeMs: p.leadTimeMs,
      currency, priceText: `${currency.kind === 'dpn' ? formatDpn(p.price) : formatTokenAmount(p.price, currency.decimals)} ${currency.symbol}`,
      metadataUri: p.metadataUri, metadataHash: toHex(p.metadataHash),
      template: { id: t.id, name: t.name, status: t.status, designerFee: t.designerFee },
      open: t.status === 'approved',
      params: Object.fromEntries(t.template.params.map((spec) => [spec.name, valueToJson(spec.type, values.get(spec.name)!)])),
      createdAt: p.createdAt, orders: p.orders, height: s.height, headerHash: s.headerHash, time: s.time,
    };
  }

  async proven(id: Uint8Array, opts: { height?: bigint } = {}): Promise<ProvenOrder> {
    const s = await this.r.getState(ContractKey.order(id), opts);
    if (!s.value) throw new DipnetError(ErrorCode.ORDER_UNKNOWN, `no order ${toHex(id)} at height ${s.height}`, { id: toHex(id), height: s.height.toString() });
    const o = decodeProven(decodeOrderRecord, s.value, 'order record');
    // Variables are stored by index; their names are in the template (read only when needed).
    let varNames: readonly string[] = [];
    if (o.vars.length > 0) {
      const t = await this.templateOf(o.template, s.height, 'order');
      varNames = ('template' in t ? t.template : t).vars.map((v) => v.name);
    }
    const order: VerifiedOrder = {
      id: toHex(id), product: toHex(o.product), template: toHex(o.template), parent: o.parent ? toHex(o.parent) : null, root: toHex(o.root),
      depth: o.depth, tag: o.tag, consumer: formatAddress(o.consumer), buyer: formatAddress(o.buyer), payer: formatAddress(o.payer),
      quantity: o.quantity, price: o.price, designerFee: o.designerFee, shipping: toHex(o.shipping), status: o.status, state: o.state,
      stateSince: o.stateSince, escrow: o.escrowIn - o.escrowOut, escrowIn: o.escrowIn, escrowOut: o.escrowOut,
      children: o.children.map(toHex), history: o.history.map((h) => ({ time: h.time, height: h.height, event: h.event })),
      vars: o.vars.map((v) => ({ name: varNames[v.index] ?? `#${v.index}`, type: v.type, value: valueToJson(v.type, v.value) })),
      createdAt: o.createdAt, height: s.height, headerHash: s.headerHash, time: s.time,
    };
    return { order, record: o, raw: s.value };
  }

  async order(id: Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedOrder> {
    return (await this.proven(id, opts)).order;
  }

  /**
   * Walks the order graph from `id` breadth first, every record proven at the first one's
   * height. Each child must name its parent and root and sit one level deeper (depth is capped by
   * the chain at MAX_ORDER_DEPTH), no order may appear twice, and at most MAX_TREE_ORDERS are
   * read — so the walk ends whatever the state holds. `digest` changes iff any record changed.
   */
  async tree(id: Uint8Array, opts: { height?: bigint } = {}): Promise<{ tree: VerifiedOrderTree; digest: string }> {
    const first = await this.proven(id, opts);
    const height = first.order.height;
    const all: ProvenOrder[] = [first];
    const seen = new Set([first.order.id]);
    let level: ProvenOrder[] = [first];
    let truncated = false;
    while (level.length > 0 && !truncated) {
      const want: { parent: ProvenOrder; id: Uint8Array }[] = [];
      for (const p of level) {
        for (const c of p.record.children) {
          const k = toHex(c);
          if (seen.has(k)) malformed(`order ${k.slice(0, 16)}… appears twice in the graph of ${first.order.id.slice(0, 16)}…`);
          seen.add(k);
          if (all.length + want.length >= MAX_TREE_ORDERS) {
            truncated = true;
            break;
          }
          want.push({ parent: p, id: c });
        }
        if (truncated) break;
      }
      const next: ProvenOrder[] = [];
      for (let i = 0; i < want.length; i += READ_CONCURRENCY) {
        const batch = await Promise.all(want.slice(i, i + READ_CONCURRENCY).map(async (w) => {
          const c = await this.proven(w.id, { height });
          const r = c.record;
          if (!r.parent || !equalBytes(r.parent, fromHex(w.parent.order.id)) || !equalBytes(r.root, w.parent.record.root) || r.depth !== w.parent.record.depth + 1 || r.depth >= MAX_ORDER_DEPTH) {
            malformed(`proven order ${c.order.id.slice(0, 16)}… does not link back to its parent ${w.parent.order.id.slice(0, 16)}… (parent, root or depth)`);
          }
          return c;
        }));
        next.push(...batch);
      }
      all.push(...next);
      level = next;
    }
    const digest = toHex(taggedHash('dipnet/lc-order-tree', ...all.map((o) => o.raw)));
    return { tree: { root: first.order.id, orders: all.map((o) => o.order), truncated, height, headerHash: first.order.headerHash, time: first.order.time }, digest };
  }

  async receipt(hash: Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedReceipt | null> {
    const s = await this.r.getState(ContractKey.txReceipt(hash), opts);
    if (!s.value) return null;
    const receipt = decodeProven(decodeTxReceipt, s.value, 'tx receipt');
    return { txHash: toHex(hash), receipt, failure: receipt.code === '' ? null : receipt.code, height: s.height, headerHash: s.headerHash, time: s.time };
  }

  /** The parsed template of a proven order (for transition argument types). */
  async templateForOrder(o: ProvenOrder): Promise<Template> {
    const t = await this.templateOf(o.record.template, o.order.height, 'order');
    return 'template' in t ? t.template : t;
  }
}

// ------------------------------------------------------------------------------- txs

/** What the contract actions need of the client. */
export interface ContractTxHost {
  readonly chainId: string;
  ensureUsable(): void;
  /** Throws LC_HEAD_STALE when the verified head is too old to sign a payment on. */
  ensureFresh(): void;
  /** The wallet, or LC_INVALID_ARGUMENT. */
  wallet(): Wallet;
  /** True while new heads arrive by themselves (otherwise the wait loop syncs). */
  following(): boolean;
  now(): number;
  sync(): Promise<unknown>;
  getState(rawKey: Uint8Array, opts?: { height?: bigint }): Promise<VerifiedState>;
  getAccount(address: Uint8Array, opts?: { height?: bigint }): Promise<VerifiedAccount>;
  getParams(): Promise<VerifiedParams>;
  /** Submits to the sources; a refusal is only a source's word (`onHint`); throws only when none could be reached. */
  submit(bytes: Uint8Array, onHint: (h: TxHint) => void): Promise<{ accepted: boolean; refusal: TxHint | null }>;
  /** Re-sends a submitted tx to every source while it is not in a verified block (call once per wait step). */
  resender?(bytes: Uint8Array): () => Promise<void>;
  /** Asks a source about the tx, once per call, until one says it is in a block: a hint, never a step. */
  hints(hash: Uint8Array, onHint: (h: TxHint) => void): () => Promise<void>;
  /** Keeps checking the tx after the caller stops waiting; returns the LC_TX_PENDING error to throw. */
  stillPending(p: PendingTx, waitedMs: number, refusal: TxHint | null): LightError;
  /** Keeps a sent tx like the key until its fate is proven (a reload must not lose it). */
  rememberSent(p: PendingTx): Promise<void>;
  /** Its fate is proven: nothing to keep. */
  forgetSent(p: PendingTx): Promise<void>;
  /** A sent tx's fate from proofs (client/pending.ts), or null while unproven. */
  proveTxFate(p: PendingTx): Promise<{ outcome: 'executed' | 'not-executed'; height: bigint; code: string; fee?: bigint } | null>;
  /** A relay's gas estimate for the tx `build` makes (only called where a relay offers one), or null. */
  simulate(build: () => Promise<Uint8Array>): Promise<{ gasUsed: bigint } | null>;
  nextHead(ms: number): Promise<void>;
}

/** feeBase + feePerByte × size + gasPrice × gas: the most a contract tx may cost (unused gas is refunded). */
export const contractTxFee = (params: VerifiedParams['params'], sizeBytes: number, gas: bigint): bigint =>
  params.feeBase + params.feePerByte * BigInt(sizeBytes) + params.gasPrice * gas;

const safeProgress = (onProgress: ((s: ContractTxStage) => void) | undefined) => (s: ContractTxStage): void => {
  try {
    onProgress?.(s);
  } catch {
    // a listener's failure is its own
  }
};

/**
 * Signs `body` (nonce from a proven account, fee from proven params), submits it, and waits for
 * its receipt in a verified block. A refusal or a failed receipt is LC_TX_REJECTED carrying the
 * chain's code (`details.remoteCode`), whether it was included (`details.included`) and, if so,
 * the fee it paid (`details.fee`).
 */
export async function sendContractTx(
  host: ContractTxHost, body: TxBody & { type: 'placeOrder' | 'fireTransition' | 'createProduct' }, opts: ContractTxOptions, onProgress?: (s: ContractTxStage) => void,
  /** For an order: what a pending record keeps so the site learns of the order once it is proven. */
  pendingOrder?: (nonce: bigint) => NonNullable<PendingTx['order']>,
): Promise<{ result: ContractTxResult; wallet: Wallet }> {
  host.ensureUsable();
  const wallet = host.wallet();
  const progress = safeProgress(onProgress);
  if (opts.gas !== undefined && (typeof opts.gas !== 'bigint' || opts.gas <= 0n || opts.gas > MAX_GAS)) invalid(`gas must be a bigint in 1..${MAX_GAS}`);
  if (opts.fee !== undefined && (typeof opts.fee !== 'bigint' || opts.fee <= 0n)) invalid('fee must be a positive bigint of units');
  if (opts.nonce !== undefined && (typeof opts.nonce !== 'bigint' || opts.nonce < 0n)) invalid('nonce must be a non-negative bigint');
  await host.sync();
  host.ensureFresh();
  const signerAt = await host.getAccount(wallet.address);
  const nonce = opts.nonce ?? signerAt.account.nonce;
  const { params } = await host.getParams();
  let gas = opts.gas ?? DEFAULT_GAS[body.type];
  if (opts.gas === undefined && opts.fee === undefined && opts.simulate !== false) {
    // The probe pays for MAX_GAS so the simulation measures rather than runs out (it is never
    // broadcast). The answer is unverified, so it may only raise the allowance: a relay claiming too little cannot make the
    // tx run out of gas, and one claiming too much is capped (and the excess refunded anyway).
    const hint = await host.simulate(async () => (await buildSignedTx(wallet, host.chainId, nonce, body, params, undefined, MAX_GAS)).bytes).catch(() => null);
    if (hint && hint.gasUsed > 0n) {
      const want = hint.gasUsed + hint.gasUsed / 4n + 10_000n;
      if (want > gas) gas = want < MAX_GAS ? want : MAX_GAS;
    }
  }
  const { bytes, tx } = await buildSignedTx(wallet, host.chainId, nonce, body, params, opts.fee, gas);
  const hashBytes = txHash(bytes);
  const hash = toHex(hashBytes);
  progress({ stage: 'signed', hash, nonce, fee: tx.fee, gas });
  const hint = (h: TxHint): void => progress({ stage: 'hint', hash, hint: h });
  const sent = await host.submit(bytes, hint);
  progress({ stage: 'submitted', hash });
  const pending: PendingTx = { hash, signer: wallet.addressText, nonce, kind: 'contract', sentAt: host.now(), fromHeight: signerAt.height, ...(pendingOrder ? { order: pendingOrder(nonce) } : {}) };
  await host.rememberSent(pending);

  const timeoutMs = waitFor(opts.timeoutMs, sent.accepted);
  const deadline = host.now() + timeoutMs;
  const resend = host.resender?.(bytes);
  const hints = host.hints(hashBytes, hint);
  while (host.now() < deadline) {
    await txWaitTurn(host, deadline, resend, hints);
    const s = await host.getState(ContractKey.txReceipt(hashBytes));
    if (s.value) {
      await host.forgetSent(pending);
      const receipt: TxReceipt = decodeProven(decodeTxReceipt, s.value, 'tx receipt');
      progress({ stage: 'finalised', hash, height: s.height, code: receipt.code });
      if (receipt.code !== '') {
        throw new LightError(LightErrorCode.LC_TX_REJECTED, `tx ${hash.slice(0, 16)}… was included at height ${receipt.height} but failed with ${receipt.code}: ${receipt.message}; it paid ${formatDpn(receipt.fee)} DPN and changed nothing else`, {
          remoteCode: receipt.code, message: receipt.message, included: true, fee: receipt.fee, gasUsed: receipt.gasUsed, height: receipt.height, hash,
        });
      }
      return {
        wallet,
        result: { txHash: hash, nonce, fee: tx.fee, feePaid: receipt.fee, gasUsed: receipt.gasUsed, includedAt: receipt.height, height: s.height, receipt },
      };
    }
    // No receipt: if the nonce is spent at this very height, another tx took it and this one never will be included.
    const acct = await host.getAccount(wallet.address, { height: s.height });
    if (acct.account.nonce > nonce) {
      await host.forgetSent(pending);
      throw notExecuted(pending, s.height);
    }
  }
  throw host.stillPending(pending, timeoutMs, sent.refusal);
}

/** Places an order; only the salted commitment to the shipping details goes on chain. */
export async function placeOrder(host: ContractTxHost, reader: ContractReader, req: PlaceOrderRequest, onProgress?: (s: ContractTxStage) => void): Promise<PlaceOrderResult> {
  host.ensureUsable();
  host.wallet();
  const product = idBytes(req.product, 'product');
  const quantity = req.quantity ?? 1;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) invalid(`quantity must be an integer 1..${MAX_QUANTITY}`);
  if (req.maxTotal !== undefined && (typeof req.maxTotal !== 'bigint' || req.maxTotal < 0n)) invalid('maxTotal must be a non-negative bigint of units');
  const salt = req.salt !== undefined ? idBytes(req.salt, 'salt') : globalThis.crypto.getRandomValues(new Uint8Array(SHIPPING_SALT_BYTES));
  const commitment = shippingCommitment(req.shipping, salt);
  let maxTotal = req.maxTotal;
  // The product is read proven first: an unknown one is refused here, before anything is signed or sent.
  const p = await reader.product(product).catch((e: unknown) => {
    if (isDipnetError(e) && e.code === ErrorCode.PRODUCT_UNKNOWN) {
      throw new LightError(LightErrorCode.LC_TX_REJECTED, `${e.message}; nothing was sent`, { remoteCode: ErrorCode.PRODUCT_UNKNOWN, included: false, proven: true, ...e.details });
    }
    throw e;
  });
  if (maxTotal === undefined) {
    // The same sum the chain charges (price × quantity + the template's designer fee), from proven state.
    // (For a product priced in a token, maxTotal bounds the token amount; the designer fee is paid in DPN beside it.)
    maxTotal = p.price * BigInt(quantity) + (p.currency.kind === 'dpn' ? p.template.designerFee : 0n);
  }
  const body = { type: 'placeOrder' as const, product, quantity, maxTotal, shipping: commitment };
  const wallet0 = host.wallet();
  const { result, wallet } = await sendContractTx(host, body, req, onProgress, (nonce) => ({
    orderId: toHex(rootOrderId(wallet0.address, nonce)), product: toHex(product), quantity, commitment: toHex(commitment), salt: toHex(salt), shipping: req.shipping,
  }));
  const orderId = rootOrderId(wallet.address, result.nonce);
  const order = await reader.order(orderId, { height: result.height });
  return { ...result, orderId: toHex(orderId), commitment: toHex(commitment), salt: toHex(salt), order };
}

/** Fires a signed transition; arguments are typed by the order's proven template. */
export async function fireTransition(host: ContractTxHost, reader: ContractReader, req: FireTransitionRequest, onProgress?: (s: ContractTxStage) => void): Promise<FireTransitionResult> {
  host.ensureUsable();
  host.wallet();
  const id = idBytes(req.order, 'order');
  if (typeof req.transition !== 'string' || req.transition.length === 0) invalid('transition must be a name');
  const o = await reader.proven(id);
  const t = (await reader.templateForOrder(o)).transitions.find((x) => x.name === req.transition);
  const given = req.args ?? {};
  let args: Uint8Array = new Uint8Array();
  if (t) {
    for (const k of Object.keys(given)) if (!t.args.some((a) => a.name === k)) paramsInvalid(`transition "${t.name}" takes no argument "${k}"`);
    const values = new Map<string, Value>(t.args.map((a) => {
      const v = given[a.name];
      return [a.name, scalarFromJson(a.type, typeof v === 'bigint' ? v.toString() : v, a.name)];
    }));
    args = encodeArgs(t.args, values);
  }
  // An unknown transition is still sent: the chain refuses it with ORDER_TRANSITION_UNKNOWN.
  const body = { type: 'fireTransition' as const, order: id, transition: req.transition, args };
  const { result } = await sendContractTx(host, body, req, onProgress);
  return { ...result, order: await reader.order(id, { height: result.height }) };
}

/**
 * Makes a product contract from an approved template. The template is read proven first: its
 * parameter schema types `params` (their JSON form, as `paramsFromJson` reads it), and a template
 * that is not approved is refused here with the chain's own code (TEMPLATE_NOT_APPROVED,
 * TEMPLATE_DEPRECATED) before anything is signed. The new id is productId(signer, nonce).
 */
export async function createProduct(host: ContractTxHost, reader: ContractReader, req: CreateProductRequest, onProgress?: (s: ContractTxStage) => void): Promise<CreateProductResult> {
  host.ensureUsable();
  host.wallet();
  const template = idBytes(req.template, 'template');
  if (typeof req.name !== 'string' || req.name.trim() === '') invalid('a product needs a name');
  if (utf8(req.name).length > PRODUCT_NAME_MAX) invalid(`the name is longer than ${PRODUCT_NAME_MAX} bytes`);
  const metadataUri = req.metadataUri ?? '';
  if (typeof metadataUri !== 'string' || utf8(metadataUri).length > METADATA_URI_MAX) invalid(`metadataUri must be text of at most ${METADATA_URI_MAX} bytes`);
  const metadataHash = req.metadataHash === undefined ? new Uint8Array(32) : idBytes(req.metadataHash, 'metadataHash');
  if (typeof req.price !== 'bigint' || req.price < 0n) invalid('price must be a non-negative bigint of units');
  if (typeof req.leadTimeMs !== 'bigint' || req.leadTimeMs < 0n || req.leadTimeMs >= 1n << 64n) invalid('leadTimeMs must be a u64 bigint of milliseconds');
  if (typeof req.params !== 'object' || req.params === null || Array.isArray(req.params)) invalid('params must be an object of the template\'s parameters in JSON form');
  const t = await reader.template(template);
  if (t.status === 'deprecated') throw new DipnetError(ErrorCode.TEMPLATE_DEPRECATED, `template "${t.name}" is deprecated (verified at block ${t.height})`);
  if (t.status !== 'approved') throw new DipnetError(ErrorCode.TEMPLATE_NOT_APPROVED, `template "${t.name}" is ${t.status}, not approved (verified at block ${t.height})`);
  // bigints are accepted for amounts and durations (as decimal strings in the JSON form).
  const json = JSON.parse(JSON.stringify(req.params, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>;
  const params = encodeProductParams(t.template, paramsFromJson(t.template, json));
  const body = { type: 'createProduct' as const, template, name: req.name, metadataUri, metadataHash, price: req.price, leadTimeMs: req.leadTimeMs, params };
  const { result, wallet } = await sendContractTx(host, body, req, onProgress);
  const id = productId(wallet.address, result.nonce);
  const product = await reader.product(id, { height: result.height });
  return { ...result, productId: toHex(id), product };
}

function paramsInvalid(msg: string): never {
  throw new DipnetError(ErrorCode.PARAMS_INVALID, msg);
}
