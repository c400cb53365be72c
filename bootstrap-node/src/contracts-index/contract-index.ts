/**
 * The contract index: lists of templates, products, orders, committee proposals and contract
 * txs that the chain state (a hashed Merkle map, no range scans) cannot give. It is derived,
 * non-consensus data: it only says WHICH ids exist and in what order they appeared; every value
 * a client sees is read from state (with a proof where the relay serves one).
 *
 * Persistence: its own LMDB environment in `<dataDir>/contracts-index/`, with the last indexed
 * height. Each block's entries and the new height are written in one transaction after the
 * block commits; on start the index replays the stored blocks above its height (all of them for
 * a store that never had an index). So a crash between a block commit and its index write, an
 * upgrade, or deleting the directory all end in the same index — at the cost of a replay, never
 * of a wrong answer. A separate environment (not a named DB in the chain store's) keeps the
 * chain store's transactions, map size and DB slots untouched by an optional feature, and lets
 * an operator drop the index with `rm -r`.
 */
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { stateKeyHash, type Block, type SparseMerkleTree } from '@dipnet/protocol';
import { deriveBlock, type BlockEntries, type ContractTxType, type IndexedTx, type StateReader } from './derive.ts';

export const INDEX_DIR = 'contracts-index';
export const MAX_PAGE = 100;

/** What the index needs from the node: stored blocks and state at any stored height. */
export interface IndexSource {
  headHeight(): bigint;
  getBlock(height: bigint): Block | undefined;
  readonly smt: SparseMerkleTree;
}

// Key prefixes. Lists are keyed by a global sequence number (u64 BE), so ranges read in order.
const P = {
  meta: 0x01,
  template: 0x10, templateSeq: 0x11,
  product: 0x20, productSeq: 0x21, productByProducer: 0x22,
  order: 0x30, orderSeq: 0x31, orderByConsumer: 0x32, orderByProduct: 0x33,
  tx: 0x40, txSeq: 0x41,
  proposal: 0x50, proposalSeq: 0x51,
} as const;
const META_HEIGHT = Buffer.from([P.meta, 0]);
const META_NEXT_SEQ = Buffer.from([P.meta, 1]);

const u64 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
};
const k = (prefix: number, ...parts: Uint8Array[]): Buffer => Buffer.concat([Buffer.from([prefix]), ...parts.map((p) => Buffer.from(p))]);

export interface Page {
  readonly ids: Uint8Array[];
  /** Pass as `after` for the next (older) page; null at the end. */
  readonly next: Uint8Array | null;
}

export class ContractIndex {
  private readonly env: RootDatabase;
  private readonly db: Database<Buffer, Buffer>;
  private height: bigint;
  private nextSeq: bigint;

  private constructor(dataDir: string, private readonly source: IndexSource) {
    this.env = open({ path: join(dataDir, INDEX_DIR), maxDbs: 2, overlappingSync: false });
    this.db = this.env.openDB('index', { encoding: 'binary', keyEncoding: 'binary' }) as unknown as Database<Buffer, Buffer>;
    this.height = this.db.getBinary(META_HEIGHT)?.readBigUInt64BE(0) ?? 0n;
    this.nextSeq = this.db.getBinary(META_NEXT_SEQ)?.readBigUInt64BE(0) ?? 0n;
  }

  /** Opens the index and replays the stored blocks it has not seen. */
  static open(dataDir: string, source: IndexSource): ContractIndex {
    const index = new ContractIndex(dataDir, source);
    index.catchUp();
    return index;
  }

  /** Highest block whose entries are indexed. */
  get indexedHeight(): bigint {
    return this.height;
  }

  /** Indexes every stored block above the indexed height, in order. Called after each commit. */
  catchUp(): void {
    const head = this.source.headHeight();
    if (this.height > head) {
      // The chain store was replaced (e.g. reset): this index describes another history.
      this.clear();
    }
    while (this.height < head) this.apply(this.height + 1n);
  }

  private reader(height: bigint): StateReader | undefined {
    const block = this.source.getBlock(height);
    if (!block) return undefined;
    const root = block.header.stateRoot;
    return (key) => this.source.smt.get(root, stateKeyHash(key));
  }

  private apply(height: bigint): void {
    const block = this.source.getBlock(height);
    if (!block) throw new Error(`contract index: block ${height} is not stored`);
    const after = this.reader(height)!;
    const before = height > 1n ? this.reader(height - 1n) : undefined;
    this.write(deriveBlock(block, after, before, (id) => this.db.getBinary(k(P.orderSeq, id)) !== undefined));
  }

  private write(e: BlockEntries): void {
    let seq = this.nextSeq;
    this.env.transactionSync(() => {
      // Each id is listed once: membership keys make a replayed block a no-op.
      const add = (seqPrefix: number, listPrefix: number, id: Uint8Array, scoped: Buffer[] = []): void => {
        if (this.db.getBinary(k(seqPrefix, id)) !== undefined) return;
        const s = u64(seq++);
        this.db.putSync(k(seqPrefix, id), s);
        this.db.putSync(k(listPrefix, s), Buffer.from(id));
        for (const scope of scoped) this.db.putSync(Buffer.concat([scope, s]), Buffer.from(id));
      };
      for (const id of e.templates) add(P.templateSeq, P.template, id);
      for (const id of e.proposals) add(P.proposalSeq, P.proposal, id);
      for (const p of e.products) add(P.productSeq, P.product, p.id, [k(P.productByProducer, p.producer)]);
      for (const o of e.orders) {
        add(P.orderSeq, P.order, o.id, [k(P.orderByProduct, o.product), ...(o.consumer ? [k(P.orderByConsumer, o.consumer)] : [])]);
      }
      for (const t of e.txs) {
        if (this.db.getBinary(k(P.txSeq, t.hash)) !== undefined) continue;
        const s = u64(seq++);
        this.db.putSync(k(P.txSeq, t.hash), s);
        this.db.putSync(k(P.tx, s), encodeTx(t));
      }
      this.db.putSync(META_NEXT_SEQ, u64(seq));
      this.db.putSync(META_HEIGHT, u64(e.height));
    });
    this.nextSeq = seq;
    this.height = e.height;
  }

  private clear(): void {
    this.env.transactionSync(() => {
      this.db.clearSync();
    });
    this.height = 0n;
    this.nextSeq = 0n;
  }

  /** Newest first; `after` is the last id of the previous page; `keep` filters without ending the page early. */
  private page(listPrefix: Buffer, seqPrefix: number, limit: number, after?: Uint8Array, keep?: (id: Uint8Array) => boolean): Page {
    const n = Math.max(1, Math.min(limit, MAX_PAGE));
    let start = Buffer.concat([listPrefix, Buffer.alloc(8, 0xff)]);
    if (after) {
      const s = this.db.getBinary(k(seqPrefix, after));
      // An unknown cursor is an empty page, not the first one: clients stop instead of looping.
      if (!s) return { ids: [], next: null };
      start = Buffer.concat([listPrefix, s]);
    }
    const ids: Uint8Array[] = [];
    for (const { key, value } of this.db.getRange({ start, end: listPrefix, reverse: true, ...(keep ? {} : { limit: n + 1 }) })) {
      // Only this list's keys (prefix ‖ seq) count; the cursor itself was on the previous page.
      if ((key as Buffer).length !== listPrefix.length + 8 || Buffer.compare(key as Buffer, start) === 0) continue;
      const id = new Uint8Array(value as Buffer);
      if (keep && !keep(id)) continue;
      ids.push(id);
      if (ids.length > n) break;
    }
    const more = ids.length > n;
    if (more) ids.pop();
    return { ids, next: more ? ids[ids.length - 1]! : null };
  }

  templates(limit: number, after?: Uint8Array): Page {
    return this.page(Buffer.from([P.template]), P.templateSeq, limit, after);
  }

  products(opts: { producer?: Uint8Array; limit: number; after?: Uint8Array }): Page {
    const prefix = opts.producer ? k(P.productByProducer, opts.producer) : Buffer.from([P.product]);
    return this.page(prefix, P.productSeq, opts.limit, opts.after);
  }

  /** By consumer: root orders (purchases) only; by product: every order of the product, sub-orders included. */
  orders(opts: { consumer?: Uint8Array; product?: Uint8Array; limit: number; after?: Uint8Array }): Page {
    const { consumer, product } = opts;
    if (consumer && product) {
      // A consumer's purchases are few: walk them and keep the ones of this product.
      const byProduct = k(P.orderByProduct, product);
      return this.page(k(P.orderByConsumer, consumer), P.orderSeq, opts.limit, opts.after, (id) => {
        const s = this.db.getBinary(k(P.orderSeq, id));
        return s !== undefined && this.db.getBinary(Buffer.concat([byProduct, s])) !== undefined;
      });
    }
    const prefix = consumer ? k(P.orderByConsumer, consumer) : product ? k(P.orderByProduct, product) : Buffer.from([P.order]);
    return this.page(prefix, P.orderSeq, opts.limit, opts.after);
  }

  proposals(limit: number): Page {
    return this.page(Buffer.from([P.proposal]), P.proposalSeq, limit);
  }

  /** The latest contract txs, newest first (failed ones included; their receipts say why). */
  recentTxs(limit: number): IndexedTx[] {
    const n = Math.max(1, Math.min(limit, MAX_PAGE));
    const out: IndexedTx[] = [];
    const prefix = Buffer.from([P.tx]);
    for (const { value } of this.db.getRange({ start: Buffer.concat([prefix, Buffer.alloc(8, 0xff)]), end: prefix, reverse: true, limit: n })) out.push(decodeTx(value as Buffer));
    return out;
  }

  has(kind: 'template' | 'product' | 'order', id: Uint8Array): boolean {
    const prefix = kind === 'template' ? P.templateSeq : kind === 'product' ? P.productSeq : P.orderSeq;
    return this.db.getBinary(k(prefix, id)) !== undefined;
  }

  async close(): Promise<void> {
    await this.env.close();
  }
}

const TX_TYPES: readonly ContractTxType[] = ['submitTemplate', 'reviewTemplate', 'committeeVote', 'createProduct', 'placeOrder', 'fireTransition'];

// hash(32) ‖ height(8) ‖ index(4) ‖ type(1) ‖ sender(20) ‖ subject(32)
function encodeTx(t: IndexedTx): Buffer {
  const b = Buffer.alloc(32 + 8 + 4 + 1 + 20 + 32);
  Buffer.from(t.hash).copy(b, 0);
  b.writeBigUInt64BE(t.height, 32);
  b.writeUInt32BE(t.index, 40);
  b.writeUInt8(TX_TYPES.indexOf(t.type), 44);
  Buffer.from(t.sender).copy(b, 45);
  Buffer.from(t.subject).copy(b, 65);
  return b;
}

function decodeTx(b: Buffer): IndexedTx {
  const slice = (from: number, len: number) => new Uint8Array(b.subarray(from, from + len));
  return { hash: slice(0, 32), height: b.readBigUInt64BE(32), index: b.readUInt32BE(40), type: TX_TYPES[b.readUInt8(44)]!, sender: slice(45, 20), subject: slice(65, 32) };
}
