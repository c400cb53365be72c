/**
 * What one committed block adds to the contract index, worked out from the block's txs and the
 * state after it (and, for timers, before it). Pure: it reads state through the readers it is
 * given, so a live commit and a replay of a stored block derive exactly the same entries.
 *
 * Created ids follow the chain's rules: template = templateId(code), product =
 * productId(sender, nonce), root order = rootOrderId(sender, nonce). Sub-orders appear inside
 * the order graph of a root — when it is placed, when a transition fires on any order of the
 * graph, or when one of its timers fires at the end of a block — so for every graph touched in
 * the block the whole graph is walked through the records' `children` and new ids are kept.
 * Order effects never reach another root's graph, so touched graphs are all there is to walk.
 */
import {
  CONTRACT_TX_TYPES, ContractKey, decodeOrderRecord, decodeSignedTx, signedTxType, decodeTimerBucket, decodeTxReceipt, decodeU64,
  committeeActionId, productId, rootOrderId, templateId, toHex, txHash, txSender,
  type Block, type OrderRecord, type TxBody,
} from '@dipnet/protocol';

export type StateReader = (rawKey: Uint8Array) => Uint8Array | undefined;

export type ContractTxType = 'submitTemplate' | 'reviewTemplate' | 'committeeVote' | 'createProduct' | 'placeOrder' | 'fireTransition';

export interface IndexedTx {
  readonly hash: Uint8Array;
  readonly height: bigint;
  readonly index: number;
  readonly type: ContractTxType;
  readonly sender: Uint8Array;
  /** The template, proposal, product or order the tx created or acted on. */
  readonly subject: Uint8Array;
}

export interface IndexedOrder {
  readonly id: Uint8Array;
  readonly product: Uint8Array;
  /** Set for roots only: "orders by consumer" lists purchases, not the sub-orders they spawn. */
  readonly consumer: Uint8Array | null;
}

export interface BlockEntries {
  readonly height: bigint;
  readonly templates: Uint8Array[];
  readonly proposals: Uint8Array[];
  readonly products: { readonly id: Uint8Array; readonly producer: Uint8Array }[];
  /** Parents before children (breadth-first from each root). */
  readonly orders: IndexedOrder[];
  readonly txs: IndexedTx[];
}

/** Graph walks stop here: MAX_CHILDREN × MAX_ORDER_DEPTH bounds a graph far below it. */
const MAX_GRAPH_NODES = 100_000;

/**
 * @param after state after the block
 * @param before state before the block (undefined for block 1: nothing can be due then but
 *   timers set by the block's own txs, whose graphs the txs already touch)
 * @param known whether an order id is already indexed (walks skip nothing, but only new ids are returned)
 */
export function deriveBlock(block: Block, after: StateReader, before: StateReader | undefined, known: (orderId: Uint8Array) => boolean): BlockEntries {
  const height = block.header.height;
  const out: BlockEntries = { height, templates: [], proposals: [], products: [], orders: [], txs: [] };
  const touchedRoots = new Map<string, Uint8Array>();
  const orderAt = (id: Uint8Array): OrderRecord | undefined => {
    const raw = after(ContractKey.order(id));
    return raw ? decodeOrderRecord(raw) : undefined;
  };
  const touch = (orderId: Uint8Array) => {
    const o = orderAt(orderId);
    if (o) touchedRoots.set(toHex(o.root), o.root);
  };

  block.txs.forEach((bytes, index) => {
    // Most txs are not contract txs: their type alone says so, without decoding them.
    if (!CONTRACT_TX_TYPES.has(signedTxType(bytes))) return;
    const stx = decodeSignedTx(bytes);
    const body = stx.tx.body;
    const hash = txHash(bytes);
    const sender = txSender(stx.tx);
    const nonce = stx.tx.nonce;
    const subject = subjectOf(body as Extract<TxBody, { type: ContractTxType }>, sender, nonce);
    out.txs.push({ hash, height, index, type: body.type as ContractTxType, sender, subject });
    const receipt = after(ContractKey.txReceipt(hash));
    // A failed contract tx paid its fee and changed nothing else: it created nothing.
    if (!receipt || decodeTxReceipt(receipt).code !== '') return;
    switch (body.type) {
      case 'submitTemplate': out.templates.push(subject); break;
      case 'committeeVote': out.proposals.push(subject); break;
      case 'createProduct': out.products.push({ id: subject, producer: sender }); break;
      case 'placeOrder': touchedRoots.set(toHex(subject), subject); break;
      case 'fireTransition': touch(body.order); break;
      default: break;
    }
  });

  if (before) for (const id of dueTimerOrders(before, after)) touch(id);

  const seen = new Set<string>();
  for (const root of touchedRoots.values()) {
    const queue = [root];
    while (queue.length > 0 && seen.size < MAX_GRAPH_NODES) {
      const id = queue.shift()!;
      const hex = toHex(id);
      if (seen.has(hex)) continue;
      seen.add(hex);
      const o = orderAt(id);
      if (!o) continue;
      if (!known(id)) out.orders.push({ id, product: o.product, consumer: o.parent === null ? o.consumer : null });
      queue.push(...o.children);
    }
  }
  return out;
}

function subjectOf(body: Extract<TxBody, { type: ContractTxType }>, sender: Uint8Array, nonce: bigint): Uint8Array {
  switch (body.type) {
    case 'submitTemplate': return templateId(body.code);
    case 'reviewTemplate': return body.template;
    case 'committeeVote': return committeeActionId(body.action);
    case 'createProduct': return productId(sender, nonce);
    case 'placeOrder': return rootOrderId(sender, nonce);
    case 'fireTransition': return body.order;
  }
}

/**
 * Orders whose timers the block's end may have fired: those filed (before the block) in the
 * seconds the timer cursor moved over, plus the second it stopped before (a bucket the block
 * only partly worked off). Timers filed by the block's own txs belong to graphs the txs touched.
 */
function dueTimerOrders(before: StateReader, after: StateReader): Uint8Array[] {
  const cursorOf = (r: StateReader) => {
    const raw = r(ContractKey.timerCursor());
    return raw ? decodeU64(raw) : undefined;
  };
  const from = cursorOf(before);
  const to = cursorOf(after);
  if (from === undefined || to === undefined) return [];
  const ids: Uint8Array[] = [];
  for (let s = from + 1n; s <= to + 1n; s++) {
    const raw = before(ContractKey.timerBucket(s));
    if (raw) for (const t of decodeTimerBucket(raw)) ids.push(t.order);
  }
  return ids;
}
