/**
 * Contract scaffolding for rules tests and benchmarks on a BlockRunner: base templates submitted
 * by a designer and approved by the devnet committee, funded actors, products from JSON params.
 */
import {
  addressOf, dpn, productId, paramsFromJson, encodeProductParams, rootOrderId, encodeArgs, scalarFromJson, ContractKey,
  decodeOrderRecord, decodeProductRecord, decodeTemplateRecord, DipnetError,
  type KeyPair, type OrderRecord, type TxBody, type Value,
} from '@dipnet/protocol';
import { devKey } from '../devnet/dev-keys.ts';
import { devCommitteeKey } from '../devnet/genesis.ts';
import { loadBaseTemplates, type BaseTemplateName, type BaseTemplate } from '../contracts/base-templates.ts';
import type { BlockRunner, BlockResult } from './block-runner.ts';
import type { TxOutcome } from '../state/executor.ts';

/** A generous fee: base + up to ~2M gas; unused gas is refunded. */
export const CONTRACT_FEE = dpn(1) / 100n;

export class ContractFixture {
  readonly templates: Record<BaseTemplateName, BaseTemplate> = loadBaseTemplates();
  readonly designer = devKey('contracts/designer');
  readonly committee = [0, 1, 2].map(devCommitteeKey);

  constructor(readonly runner: BlockRunner, readonly designerFees: Partial<Record<BaseTemplateName, bigint>> = {}) {}

  tx(key: KeyPair, body: TxBody, fee = CONTRACT_FEE): Uint8Array {
    return this.runner.tx(key, body, fee);
  }

  /** One block with these txs; throws if any was left out or failed. */
  ok(txs: Uint8Array[], advanceMs = 1000n): BlockResult {
    const r = this.runner.block(txs, advanceMs);
    r.results.forEach((x, i) => {
      if (x instanceof DipnetError) throw new Error(`tx ${i} was refused: ${x.message}`);
      if ((x as TxOutcome).failure) throw new Error(`tx ${i} failed: ${(x as TxOutcome).failure!.message}`);
    });
    return r;
  }

  /** Funds keys from the devnet sale account. */
  fund(keys: KeyPair[], amount = dpn(10_000)): void {
    const sale = devKey('sale');
    this.ok(keys.map((k) => this.tx(sale, { type: 'transfer', to: addressOf(k.publicKey), amount, memo: '' }, dpn(1))));
  }

  /** Submits every base template and has two committee members approve each. */
  publishBaseTemplates(): void {
    this.fund([this.designer, ...this.committee]);
    this.ok(Object.values(this.templates).map((t) => this.tx(this.designer, { type: 'submitTemplate', code: t.code, designerFee: this.designerFees[t.name] ?? 0n }, dpn(1) / 10n)));
    for (const m of this.committee.slice(0, 2)) {
      this.ok(Object.values(this.templates).map((t) => this.tx(m, { type: 'reviewTemplate', template: t.id, approve: true })));
    }
  }

  createProductTx(producer: KeyPair, template: BaseTemplateName, p: { name: string; price: bigint; leadTimeMs?: bigint; params: Record<string, unknown> }): { id: Uint8Array; tx: Uint8Array } {
    const t = this.templates[template];
    const addr = addressOf(producer.publicKey);
    const tx = this.tx(producer, {
      type: 'createProduct', template: t.id, name: p.name, metadataUri: `https://example.test/${encodeURIComponent(p.name)}`, metadataHash: new Uint8Array(32),
      price: p.price, leadTimeMs: p.leadTimeMs ?? 60_000n, params: encodeProductParams(t.template, paramsFromJson(t.template, p.params)),
    });
    return { id: productId(addr, this.runner.lastNonce(producer)), tx };
  }

  product(producer: KeyPair, template: BaseTemplateName, p: { name: string; price: bigint; leadTimeMs?: bigint; params: Record<string, unknown> }): Uint8Array {
    const { id, tx } = this.createProductTx(producer, template, p);
    this.ok([tx]);
    return id;
  }

  orderTx(consumer: KeyPair, product: Uint8Array, maxTotal: bigint, quantity = 1, shipping = new Uint8Array(32)): { id: Uint8Array; tx: Uint8Array } {
    const tx = this.tx(consumer, { type: 'placeOrder', product, quantity, maxTotal, shipping });
    return { id: rootOrderId(addressOf(consumer.publicKey), this.runner.lastNonce(consumer)), tx };
  }

  fireTx(key: KeyPair, order: Uint8Array, transition: string, args: Record<string, unknown> = {}): Uint8Array {
    const o = this.order(order);
    const t = this.templateOf(o.template).transitions.find((x) => x.name === transition);
    const values = new Map<string, Value>((t?.args ?? []).map((a) => [a.name, scalarFromJson(a.type, args[a.name], a.name)]));
    return this.tx(key, { type: 'fireTransition', order, transition, args: t ? encodeArgs(t.args, values) : new Uint8Array() });
  }

  templateOf(id: Uint8Array) {
    return Object.values(this.templates).find((t) => Buffer.from(t.id).equals(Buffer.from(id)))!.template;
  }

  order(id: Uint8Array): OrderRecord {
    const raw = this.runner.get(ContractKey.order(id));
    if (!raw) throw new Error('no such order');
    return decodeOrderRecord(raw);
  }

  productRecord(id: Uint8Array) {
    return decodeProductRecord(this.runner.get(ContractKey.product(id))!);
  }

  templateRecord(id: Uint8Array) {
    return decodeTemplateRecord(this.runner.get(ContractKey.template(id))!);
  }

  /** The sub-order of `parent` with this tag (the first, or the index-th). */
  child(parent: Uint8Array, tag: string, index = 0): Uint8Array {
    const kids = this.order(parent).children.filter((c) => this.order(c).tag === tag);
    if (!kids[index]) throw new Error(`order has no child "${tag}" #${index}`);
    return kids[index]!;
  }

  balance(key: KeyPair | Uint8Array): bigint {
    return this.runner.account(key instanceof Uint8Array ? key : addressOf(key.publicKey)).balance;
  }
}
