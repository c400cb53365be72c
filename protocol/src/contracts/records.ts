/**
 * State records of the contract layer: templates and their review, the committee, products,
 * orders (with their escrow accounts), order timers and contract-tx receipts. Keys and encodings
 * live here so the node writes and the light client proves exactly the same bytes.
 *
 * | ns   | key                      | value               |
 * |------|--------------------------|---------------------|
 * | 0x07 | tx hash(32)              | TxReceipt           |
 * | 0x20 | template id(32)          | TemplateRecord      |
 * | 0x21 | product id(32)           | ProductRecord       |
 * | 0x22 | order id(32)             | OrderRecord         |
 * | 0x23 | second(u64)              | TimerBucket         |
 * | 0x24 | —                        | timer cursor (u64)  |
 * | 0x25 | proposal id(32)          | CommitteeProposal   |
 * | 0x26 | address(20)              | contract kind (u8)  |
 * | 0x40 | —                        | Committee           |
 *
 * An order is a contract account: its escrow balance is `escrowIn - escrowOut` of its record
 * (in the order's `currency`), proven with the record. Its address `orderAddress(id)` is marked
 * (0x26) so that no transfer can send DPN or a token to it outside the rules.
 */
import { Reader, Writer, decodeExact, encodeWith } from '../codec.ts';
import { ADDRESS_LENGTH } from '../keys.ts';
import { concatBytes, utf8, stateKey, u64be } from '../bytes.ts';
import { taggedHash } from '../hash.ts';
import { ErrorCode, fail } from '../errors.ts';
import { MAX_NAME, MAX_TEMPLATE_BYTES, MAX_TEXT, type ScalarType } from './template.ts';
import { ID_LENGTH, SCALAR_TAGS, readScalar, writeScalar, type Value } from './values.ts';

export const ContractNs = {
  txReceipt: 0x07,
  template: 0x20,
  product: 0x21,
  order: 0x22,
  timerBucket: 0x23,
  timerCursor: 0x24,
  committeeProposal: 0x25,
  contractAccount: 0x26,
  committee: 0x40,
} as const;

const key = stateKey;

export const ContractKey = {
  txReceipt: (txHash: Uint8Array) => key(ContractNs.txReceipt, txHash),
  template: (id: Uint8Array) => key(ContractNs.template, id),
  product: (id: Uint8Array) => key(ContractNs.product, id),
  order: (id: Uint8Array) => key(ContractNs.order, id),
  timerBucket: (second: bigint) => key(ContractNs.timerBucket, u64be(second)),
  timerCursor: () => key(ContractNs.timerCursor),
  committeeProposal: (id: Uint8Array) => key(ContractNs.committeeProposal, id),
  /** Marks an address as a contract account (1 = product, 2 = order): plain transfers to it are refused. */
  contractAccount: (address: Uint8Array) => key(ContractNs.contractAccount, address),
  committee: () => key(ContractNs.committee),
};

export const productId = (producer: Uint8Array, nonce: bigint): Uint8Array => taggedHash('dipnet/product/v1', concatBytes(producer, u64be(nonce)));
export const rootOrderId = (consumer: Uint8Array, nonce: bigint): Uint8Array => taggedHash('dipnet/order/v1', concatBytes(consumer, u64be(nonce)));
export const childOrderId = (parent: Uint8Array, index: number): Uint8Array => taggedHash('dipnet/order-child/v1', concatBytes(parent, u64be(BigInt(index))));
/** The escrow account of an order. No key can sign for it. */
export const orderAddress = (id: Uint8Array): Uint8Array => taggedHash('dipnet/order-account/v1', id).slice(0, ADDRESS_LENGTH);
/** The contract account of a product. No key can sign for it. */
export const productAddress = (id: Uint8Array): Uint8Array => taggedHash('dipnet/product-account/v1', id).slice(0, ADDRESS_LENGTH);

// ---------------------------------------------------------------------------------------------

export const TemplateStatus = { pending: 0, approved: 1, rejected: 2, deprecated: 3 } as const;
export type TemplateStatus = keyof typeof TemplateStatus;
const TEMPLATE_STATUSES = Object.keys(TemplateStatus) as TemplateStatus[];
export const MAX_COMMITTEE = 32;

export interface TemplateRecord {
  readonly designer: Uint8Array;
  /** Paid to the designer from every order made through the template. */
  readonly designerFee: bigint;
  readonly status: TemplateStatus;
  readonly submittedAt: bigint;
  readonly approvals: readonly Uint8Array[];
  readonly rejections: readonly Uint8Array[];
  readonly code: Uint8Array;
}

const addrList = (w: Writer, l: readonly Uint8Array[]) => w.array(l, MAX_COMMITTEE, (w, a) => w.fixed(a, ADDRESS_LENGTH));
const readAddrList = (r: Reader, what: string) => r.array(MAX_COMMITTEE, (r) => r.fixed(ADDRESS_LENGTH, what), what);
function readEnum<T extends string>(r: Reader, all: readonly T[], what: string): T {
  const i = r.u8(what);
  if (i >= all.length) fail(ErrorCode.DECODE_NON_CANONICAL, `${what}: unknown value ${i}`);
  return all[i]!;
}

export const encodeTemplateRecord = (t: TemplateRecord): Uint8Array =>
  encodeWith(t, (w, t) => {
    w.fixed(t.designer, ADDRESS_LENGTH).u128(t.designerFee).u8(TemplateStatus[t.status]).u64(t.submittedAt);
    addrList(w, t.approvals);
    addrList(w, t.rejections);
    w.bytes(t.code, MAX_TEMPLATE_BYTES);
  }, 256 + t.code.length);
export const decodeTemplateRecord = (b: Uint8Array): TemplateRecord =>
  decodeExact(b, (r) => ({
    designer: r.fixed(ADDRESS_LENGTH, 'designer'), designerFee: r.u128('designerFee'), status: readEnum(r, TEMPLATE_STATUSES, 'status'),
    submittedAt: r.u64('submittedAt'), approvals: readAddrList(r, 'approvals'), rejections: readAddrList(r, 'rejections'), code: r.bytes(MAX_TEMPLATE_BYTES, 'code'),
  }), 'template record');

/** The template-review committee: members and how many must agree. */
export interface Committee {
  readonly members: readonly Uint8Array[];
  readonly threshold: number;
}
export const writeCommittee = (w: Writer, c: Committee): void => { addrList(w, c.members); w.u8(c.threshold); };
export function readCommittee(r: Reader): Committee {
  const c = { members: readAddrList(r, 'members'), threshold: r.u8('threshold') };
  if (c.threshold < 1 || c.threshold > c.members.length) fail(ErrorCode.DECODE_NON_CANONICAL, 'committee threshold out of range');
  return c;
}
export const encodeCommittee = (c: Committee): Uint8Array => encodeWith(c, writeCommittee, 32 + 20 * c.members.length);
export const decodeCommittee = (b: Uint8Array): Committee => decodeExact(b, readCommittee, 'committee');

/** A committee decision that moves funds or changes a template: a bug bounty and/or deprecation. */
export interface CommitteeAction {
  readonly template: Uint8Array;
  /** Receives `bounty` from the review pool (may be zero). */
  readonly reporter: Uint8Array;
  readonly bounty: bigint;
  readonly deprecate: boolean;
  /** Why, in words (kept on chain for the record). */
  readonly reason: string;
}
export const writeCommitteeAction = (w: Writer, a: CommitteeAction): void => {
  w.fixed(a.template, ID_LENGTH).fixed(a.reporter, ADDRESS_LENGTH).u128(a.bounty).bool(a.deprecate).string(a.reason, MAX_TEXT);
};
export const readCommitteeAction = (r: Reader): CommitteeAction => ({
  template: r.fixed(ID_LENGTH, 'template'), reporter: r.fixed(ADDRESS_LENGTH, 'reporter'), bounty: r.u128('bounty'), deprecate: r.bool('deprecate'), reason: r.string(MAX_TEXT, 'reason'),
});
export const committeeActionId = (a: CommitteeAction): Uint8Array => taggedHash('dipnet/committee-action/v1', encodeWith(a, writeCommitteeAction, 128));

export const ProposalStatus = { open: 0, executed: 1, rejected: 2 } as const;
export type ProposalStatus = keyof typeof ProposalStatus;
export interface CommitteeProposal {
  readonly action: CommitteeAction;
  readonly status: ProposalStatus;
  readonly approvals: readonly Uint8Array[];
  readonly rejections: readonly Uint8Array[];
}
export const encodeCommitteeProposal = (p: CommitteeProposal): Uint8Array =>
  encodeWith(p, (w, p) => { writeCommitteeAction(w, p.action); w.u8(ProposalStatus[p.status]); addrList(w, p.approvals); addrList(w, p.rejections); }, 256);
export const decodeCommitteeProposal = (b: Uint8Array): CommitteeProposal =>
  decodeExact(b, (r) => ({ action: readCommitteeAction(r), status: readEnum(r, Object.keys(ProposalStatus) as ProposalStatus[], 'status'), approvals: readAddrList(r, 'approvals'), rejections: readAddrList(r, 'rejections') }), 'committee proposal');

// ---------------------------------------------------------------------------------------------

export const PRODUCT_NAME_MAX = 64;
export const MAX_PARAMS_BYTES = 8 * 1024;

export interface ProductRecord {
  readonly template: Uint8Array;
  readonly producer: Uint8Array;
  readonly name: string;
  /** Where the product's metadata (image, description) lives, and the hash that pins it. */
  readonly metadataUri: string;
  readonly metadataHash: Uint8Array;
  /** Listed price per unit, in DPN units. */
  readonly price: bigint;
  readonly leadTimeMs: bigint;
  /** Canonical parameter bytes (see values.ts). */
  readonly params: Uint8Array;
  readonly createdAt: bigint;
  readonly orders: bigint;
  /**
   * What `price` is in: DPN_CURRENCY (32 zero bytes) for DPN, or the id of a token the producer
   * issued (protocol/src/tokens/records.ts). Orders of the product pay and settle in it.
   */
  readonly currency: Uint8Array;
}
export const encodeProductRecord = (p: ProductRecord): Uint8Array =>
  encodeWith(p, (w, p) => {
    w.fixed(p.template, ID_LENGTH).fixed(p.producer, ADDRESS_LENGTH).string(p.name, PRODUCT_NAME_MAX).string(p.metadataUri, MAX_TEXT).fixed(p.metadataHash, ID_LENGTH)
      .u128(p.price).u64(p.leadTimeMs).bytes(p.params, MAX_PARAMS_BYTES).u64(p.createdAt).u64(p.orders).fixed(p.currency, ID_LENGTH);
  }, 288 + p.params.length);
export const decodeProductRecord = (b: Uint8Array): ProductRecord =>
  decodeExact(b, (r) => ({
    template: r.fixed(ID_LENGTH, 'template'), producer: r.fixed(ADDRESS_LENGTH, 'producer'), name: r.string(PRODUCT_NAME_MAX, 'name'), metadataUri: r.string(MAX_TEXT, 'metadataUri'),
    metadataHash: r.fixed(ID_LENGTH, 'metadataHash'), price: r.u128('price'), leadTimeMs: r.u64('leadTimeMs'), params: r.bytes(MAX_PARAMS_BYTES, 'params'),
    createdAt: r.u64('createdAt'), orders: r.u64('orders'), currency: r.fixed(ID_LENGTH, 'currency'),
  }), 'product record');

// ---------------------------------------------------------------------------------------------

export const OrderStatus = { active: 0, settled: 1, refunded: 2 } as const;
export type OrderStatus = keyof typeof OrderStatus;
export const MAX_CHILDREN = 64;
export const MAX_HISTORY = 64;
export const MAX_ORDER_DEPTH = 8;
export const MAX_QUANTITY = 1000;

export interface OrderEvent {
  readonly time: bigint;
  readonly height: bigint;
  readonly event: string;
}

export interface OrderRecord {
  readonly product: Uint8Array;
  readonly template: Uint8Array;
  readonly parent: Uint8Array | null;
  readonly root: Uint8Array;
  readonly depth: number;
  /** The parent's label for this sub-order (part, supplier, ship…); empty for a root. */
  readonly tag: string;
  /** The viewer who placed the root order. */
  readonly consumer: Uint8Array;
  /** Who the order serves: the consumer for a root, the parent product's producer otherwise. */
  readonly buyer: Uint8Array;
  /** Where a refund goes: the consumer for a root, the parent order's escrow otherwise. */
  readonly payer: Uint8Array;
  readonly quantity: number;
  /**
   * Price paid into escrow (unit price × quantity, in `currency`) and the designer's fee on top
   * (always DPN: in a token-priced order it is held beside the token escrow, see `currency`).
   */
  readonly price: bigint;
  readonly designerFee: bigint;
  /** Commitment to the shipping details kept off chain (roots only; zero otherwise). */
  readonly shipping: Uint8Array;
  readonly status: OrderStatus;
  readonly state: string;
  readonly stateSince: bigint;
  readonly stateSeq: number;
  readonly vars: readonly { readonly index: number; readonly type: ScalarType; readonly value: Value }[];
  readonly children: readonly Uint8Array[];
  /** Everything that ever entered and left the escrow account; their difference is its balance. */
  readonly escrowIn: bigint;
  readonly escrowOut: bigint;
  readonly createdAt: bigint;
  readonly history: readonly OrderEvent[];
  /**
   * The product's currency when the order was made. For DPN_CURRENCY the escrow is DPN and
   * includes the designer's fee. For a token, `escrowIn - escrowOut` counts token units only and
   * the order's account also holds `designerFee` DPN while the order is active.
   */
  readonly currency: Uint8Array;
}

const ORDER_STATUSES = Object.keys(OrderStatus) as OrderStatus[];

export const encodeOrderRecord = (o: OrderRecord): Uint8Array =>
  encodeWith(o, (w, o) => {
    w.fixed(o.product, ID_LENGTH).fixed(o.template, ID_LENGTH).optional(o.parent, (w, p) => w.fixed(p, ID_LENGTH)).fixed(o.root, ID_LENGTH).u8(o.depth).string(o.tag, MAX_NAME)
      .fixed(o.consumer, ADDRESS_LENGTH).fixed(o.buyer, ADDRESS_LENGTH).fixed(o.payer, ADDRESS_LENGTH).u32(o.quantity).u128(o.price).u128(o.designerFee)
      .fixed(o.shipping, ID_LENGTH).u8(OrderStatus[o.status]).string(o.state, MAX_NAME).u64(o.stateSince).u32(o.stateSeq);
    w.array(o.vars, 16, (w, v) => { w.u8(v.index).u8(SCALAR_TAGS.indexOf(v.type)); writeScalar(w, v.type, v.value); });
    w.array(o.children, MAX_CHILDREN, (w, c) => w.fixed(c, ID_LENGTH));
    w.u128(o.escrowIn).u128(o.escrowOut).u64(o.createdAt);
    w.array(o.history, MAX_HISTORY, (w, h) => w.u64(h.time).u64(h.height).string(h.event, MAX_NAME));
    w.fixed(o.currency, ID_LENGTH);
  }, 544 + o.children.length * 32 + o.history.length * 40);

export const decodeOrderRecord = (b: Uint8Array): OrderRecord =>
  decodeExact(b, (r) => ({
    product: r.fixed(ID_LENGTH, 'product'), template: r.fixed(ID_LENGTH, 'template'), parent: r.optional((r) => r.fixed(ID_LENGTH, 'parent'), 'parent'),
    root: r.fixed(ID_LENGTH, 'root'), depth: r.u8('depth'), tag: r.string(MAX_NAME, 'tag'), consumer: r.fixed(ADDRESS_LENGTH, 'consumer'),
    buyer: r.fixed(ADDRESS_LENGTH, 'buyer'), payer: r.fixed(ADDRESS_LENGTH, 'payer'), quantity: r.u32('quantity'), price: r.u128('price'),
    designerFee: r.u128('designerFee'), shipping: r.fixed(ID_LENGTH, 'shipping'), status: readEnum(r, ORDER_STATUSES, 'status'), state: r.string(MAX_NAME, 'state'),
    stateSince: r.u64('stateSince'), stateSeq: r.u32('stateSeq'),
    vars: r.array(16, (r) => {
      const index = r.u8('var index');
      const type = readEnum(r, SCALAR_TAGS, 'var type');
      return { index, type, value: readScalar(r, type, 'var') };
    }, 'vars'),
    children: r.array(MAX_CHILDREN, (r) => r.fixed(ID_LENGTH, 'child'), 'children'),
    escrowIn: r.u128('escrowIn'), escrowOut: r.u128('escrowOut'), createdAt: r.u64('createdAt'),
    history: r.array(MAX_HISTORY, (r) => ({ time: r.u64('time'), height: r.u64('height'), event: r.string(MAX_NAME, 'event') }), 'history'),
    currency: r.fixed(ID_LENGTH, 'currency'),
  }), 'order record');

/** Timers due in one second of chain time: which order, at which state entry, which transition. */
export interface Timer {
  readonly order: Uint8Array;
  readonly seq: number;
  readonly transition: number;
}
export const MAX_TIMERS_PER_BUCKET = 100_000;
export const encodeTimerBucket = (ts: readonly Timer[]): Uint8Array =>
  encodeWith(ts, (w, ts) => w.array(ts, MAX_TIMERS_PER_BUCKET, (w, t) => w.fixed(t.order, ID_LENGTH).u32(t.seq).u8(t.transition)), 8 + ts.length * 37);
export const decodeTimerBucket = (b: Uint8Array): Timer[] =>
  decodeExact(b, (r) => r.array(MAX_TIMERS_PER_BUCKET, (r) => ({ order: r.fixed(ID_LENGTH, 'order'), seq: r.u32('seq'), transition: r.u8('transition') }), 'timers'), 'timer bucket');
export const encodeU64 = (n: bigint): Uint8Array => u64be(n);
export const decodeU64 = (b: Uint8Array): bigint => decodeExact(b, (r) => r.u64('u64'), 'u64');

/**
 * The outcome of an included contract tx: the fee it paid and, if it failed (its fee charged,
 * nothing else changed), the error code and message. `code` is empty on success.
 */
export interface TxReceipt {
  readonly height: bigint;
  readonly gasUsed: bigint;
  readonly fee: bigint;
  readonly code: string;
  readonly message: string;
}
export const encodeTxReceipt = (f: TxReceipt): Uint8Array => encodeWith(f, (w, f) => w.u64(f.height).u64(f.gasUsed).u128(f.fee).string(f.code, 40).string(f.message, MAX_TEXT), 128);
export const decodeTxReceipt = (b: Uint8Array): TxReceipt =>
  decodeExact(b, (r) => ({ height: r.u64('height'), gasUsed: r.u64('gasUsed'), fee: r.u128('fee'), code: r.string(40, 'code'), message: r.string(MAX_TEXT, 'message') }), 'tx receipt');

// The codec's reader refuses these in any string (see codec.ts): C0/C1 controls but tab and newline.
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Fits text into an on-chain string field of `maxBytes`: control characters and lone surrogates
 * become U+FFFD, the text is NFC, and it is cut at a code-point boundary. Error messages quote
 * submitted input (a template's unknown key, a JSON parse error), so they must be cleaned before a
 * receipt or history entry stores them — otherwise encoding throws and the block cannot be built.
 */
export const truncateUtf8 = (s: string, maxBytes: number): string => {
  let out = s.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL_CHARS, '\uFFFD').normalize('NFC');
  if (utf8(out).length <= maxBytes) return out;
  const kept: string[] = [];
  let bytes = 0;
  for (const cp of out) {
    const n = utf8(cp).length;
    if (bytes + n > maxBytes) break;
    kept.push(cp);
    bytes += n;
  }
  out = kept.join('').normalize('NFC');
  while (utf8(out).length > maxBytes) out = Array.from(out).slice(0, -1).join('').normalize('NFC');
  return out;
};
