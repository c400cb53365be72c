/**
 * Seeds a devnet with the demo catalogue of production contracts: the jacket of the whitepaper's
 * purchase flow, made by a bill of materials from a fabric tender (three fabric producers may
 * bid), a button supply contract (the cheaper of two suppliers), a lining, a carrier's logistics
 * and an inspector's inspection.
 *
 * Three steps, each only as far as the chain still needs it:
 *   1. fund every actor from the devnet sale key (accounts below a floor are topped up);
 *   2. submit the base templates from the demo designer key and have dev committee members
 *      approve them until the committee threshold is reached;
 *   3. create the products, in dependency order (a product's parameters may only name products
 *      that already exist).
 *
 * Every key is a deterministic dev key (`devKey('demo/…')`), so a re-run finds what an earlier
 * run made — a template by its id, a product by producer, name and template — and submits only
 * what is missing. Running it on a seeded chain submits nothing; an interrupted run resumes.
 *
 * The module does no I/O of its own: the caller supplies how to submit txs and read state
 * (`SeedChain`). `relaySeedChain` adapts a relay client for that.
 */
import {
  addressOf, dpn, productId, paramsFromJson, encodeProductParams, encodeSignedTx, signTx, requiredFee, sha256, utf8, toHex, fromHex, equalBytes,
  formatDpn, decodeAccount, decodeParams, decodeTemplateRecord, decodeProductRecord, decodeCommittee, decodeSignedTx, decodeTxReceipt,
  ContractKey, StateKey, CONTRACT_TX_TYPES, EMPTY_ACCOUNT, ErrorCode, txHash,
  type KeyPair, type TxBody, type TxReceipt, type Params, type Committee, type TemplateRecord, type Account,
} from '@dipnet/protocol';
import { devKey } from './dev-keys.ts';
import { devCommitteeKey, DEVNET_COMMITTEE_SIZE } from './genesis.ts';
import { loadBaseTemplates, BASE_TEMPLATE_NAMES, type BaseTemplate, type BaseTemplateName } from '../contracts/base-templates.ts';
import type { RelayClient } from '../cli/relay-client.ts';

/** How the seeder reaches a chain. */
export interface SeedChain {
  readonly chainId: string;
  /**
   * Submits signed txs in this order and resolves once every one is committed, with their
   * receipts in the same order (`undefined` for txs that leave none, i.e. non-contract txs).
   * Throws if any tx is refused or not committed. Order matters: consecutive nonces of one key
   * must reach the mempool in nonce order, and a batch lets them share a block.
   */
  submit(txs: readonly Uint8Array[]): Promise<readonly (TxReceipt | undefined)[]>;
  /** The committed value under a raw state key, or undefined when absent. */
  read(key: Uint8Array): Promise<Uint8Array | undefined>;
}

export const DEMO_ACTOR_NAMES = [
  'designer', 'maker', 'lining', 'buttons-a', 'buttons-b', 'fabric-1', 'fabric-2', 'fabric-3', 'carrier', 'inspector', 'viewer',
] as const;
export type DemoActorName = (typeof DEMO_ACTOR_NAMES)[number];

/** The demo's keys: public knowledge, for local devnets only. */
export const demoKey = (name: DemoActorName): KeyPair => devKey(`demo/${name}`);
export const demoActors = (): Record<DemoActorName, KeyPair> =>
  Object.fromEntries(DEMO_ACTOR_NAMES.map((n) => [n, demoKey(n)])) as Record<DemoActorName, KeyPair>;

export const DEMO_PRODUCT_NAMES = [
  'lining', 'buttons-a', 'buttons-b', 'fabric-1', 'fabric-2', 'fabric-3', 'courier', 'inspection', 'buttons', 'fabric', 'jacket',
] as const;
export type DemoProductName = (typeof DEMO_PRODUCT_NAMES)[number];

const DPN = dpn(1);
const MINUTE = 60_000n;
const HOUR = 60n * MINUTE;
const DAY = 24n * HOUR;

/** Designer fees the demo designer asks for each base template (DPN units per order). */
export const DEMO_DESIGNER_FEES: Readonly<Record<BaseTemplateName, bigint>> = {
  'bill-of-materials': DPN, supply: DPN / 2n, tender: DPN / 2n, logistics: DPN / 5n, inspection: DPN / 5n, guarantee: DPN / 10n,
};

export interface SeedOptions {
  /** DPN units sent to each actor whose balance is below `fundAmount / 10`. Default 10,000 DPN. */
  readonly fundAmount?: bigint;
  /** How long the fabric tender takes bids after an order. Default 5 minutes (time for a person to bid). */
  readonly tenderWindowMs?: bigint;
  /** Fees for templates this run submits (an existing template keeps its own). Default DEMO_DESIGNER_FEES. */
  readonly designerFees?: Partial<Record<BaseTemplateName, bigint>>;
  /** Progress lines for a console. */
  readonly log?: (line: string) => void;
}

export interface SeededTemplate {
  readonly id: Uint8Array;
  readonly designer: Uint8Array;
  /** The fee in force on chain (from the template record, which an earlier submitter may have set). */
  readonly designerFee: bigint;
}

export interface SeedResult {
  readonly actors: Record<DemoActorName, KeyPair>;
  /** The committee members whose keys approved (or would approve) the templates. */
  readonly committee: readonly KeyPair[];
  readonly templates: Record<BaseTemplateName, SeededTemplate>;
  readonly products: Record<DemoProductName, Uint8Array>;
  /** Txs this run submitted: 0 when the chain was already seeded. */
  readonly txCount: number;
}

type ProductIds = Partial<Record<DemoProductName, Uint8Array>>;

interface ProductPlan {
  readonly key: DemoProductName;
  readonly producer: DemoActorName;
  readonly template: BaseTemplateName;
  /** On-chain name; with the producer and the template, what finds the product again on a re-run. */
  readonly name: string;
  readonly description: string;
  readonly price: bigint;
  readonly leadTimeMs: bigint;
  /** Products the parameters name: they must exist before this one is created. */
  readonly needs: readonly DemoProductName[];
  readonly params: (ids: Required<ProductIds>) => Record<string, unknown>;
}

/** A part that is made directly: a bill of materials with no parts of its own. */
const direct = () => ({ parts: [], guarantee: [], inspection: [], logistics: [], graceMs: HOUR.toString(), confirmWindowMs: DAY.toString() });
const part = (key: DemoProductName, producer: DemoActorName, name: string, description: string, price: bigint): ProductPlan =>
  ({ key, producer, template: 'bill-of-materials', name, description, price, leadTimeMs: 2n * HOUR, needs: [], params: direct });
const hex = (id: Uint8Array | undefined): string => {
  if (!id) throw new Error('a product plan names a product it does not list in `needs`');
  return toHex(id);
};

/** The catalogue, in the whitepaper's numbers (prices in whole DPN). */
function catalogue(tenderWindowMs: bigint): readonly ProductPlan[] {
  return [
    part('lining', 'lining', 'Lining', 'Silk lining, cut to the jacket pattern', 20n * DPN),
    part('buttons-a', 'buttons-a', 'Buttons A', 'Horn buttons, set of eight', 5n * DPN),
    part('buttons-b', 'buttons-b', 'Buttons B', 'Corozo buttons, set of eight', 4n * DPN),
    part('fabric-1', 'fabric-1', 'Fabric 1', 'Wool twill, 2 m', 30n * DPN),
    part('fabric-2', 'fabric-2', 'Fabric 2', 'Wool flannel, 2 m', 25n * DPN),
    part('fabric-3', 'fabric-3', 'Fabric 3', 'Wool tweed, 2 m', 28n * DPN),
    {
      key: 'courier', producer: 'carrier', template: 'logistics', name: 'Courier', description: 'Door-to-door courier delivery',
      price: 8n * DPN, leadTimeMs: DAY, needs: [], params: () => ({ deliveryWindowMs: (3n * DAY).toString() }),
    },
    {
      key: 'inspection', producer: 'inspector', template: 'inspection', name: 'Quality check', description: 'Seams, buttons and lining checked against the checklist',
      price: 3n * DPN, leadTimeMs: DAY, needs: [], params: () => ({ checklist: toHex(sha256(utf8('dipnet-demo/jacket-checklist/v1'))) }),
    },
    {
      key: 'buttons', producer: 'maker', template: 'supply', name: 'Buttons (supply)', description: 'The cheaper of two button suppliers',
      price: 6n * DPN, leadTimeMs: 2n * HOUR, needs: ['buttons-a', 'buttons-b'],
      params: (p) => ({ suppliers: [hex(p['buttons-a']), hex(p['buttons-b'])], rule: 'cheapest' }),
    },
    {
      key: 'fabric', producer: 'maker', template: 'tender', name: 'Fabric (tender)', description: 'Fabric by tender: the cheapest bid wins',
      price: 35n * DPN, leadTimeMs: DAY, needs: [],
      params: () => ({ maxUnitPrice: (32n * DPN).toString(), maxLeadTimeMs: DAY.toString(), windowMs: tenderWindowMs.toString() }),
    },
    {
      key: 'jacket', producer: 'maker', template: 'bill-of-materials', name: 'Jacket', description: 'The jacket from the film: wool, lined, inspected, delivered',
      price: 120n * DPN, leadTimeMs: 7n * DAY, needs: ['fabric', 'buttons', 'lining', 'inspection', 'courier'],
      params: (p) => ({
        parts: [hex(p.fabric), hex(p.buttons), hex(p.lining)], guarantee: [], inspection: [hex(p.inspection)], logistics: [hex(p.courier)],
        graceMs: DAY.toString(), confirmWindowMs: (3n * DAY).toString(),
      }),
    },
  ];
}

/** Gas each contract tx may use; what it does not use is refunded. */
const GAS_BUDGET = 1_000_000n;
/** Product metadata travels as a data: URI (it fits in the 256-byte field), pinned by its SHA-256. */
const metadataOf = (p: ProductPlan): { uri: string; hash: Uint8Array } => {
  const doc = JSON.stringify({ name: p.name, description: p.description });
  return { uri: `data:application/json,${encodeURIComponent(doc)}`, hash: sha256(utf8(doc)) };
};

/** Funds the demo actors, publishes and approves the base templates, creates the demo products. */
export async function seedContracts(chain: SeedChain, opts: SeedOptions = {}): Promise<SeedResult> {
  const log = opts.log ?? (() => {});
  const fundAmount = opts.fundAmount ?? dpn(10_000);
  const fees = { ...DEMO_DESIGNER_FEES, ...opts.designerFees };
  const actors = demoActors();
  const rawParams = await chain.read(StateKey.params());
  if (!rawParams) throw new Error('the chain has no params: is this a DIPNET chain?');
  const tx = new TxSigner(chain, decodeParams(rawParams));

  // 1. Funds. The committee members sign reviews, so they need fees too.
  const committee = await devCommittee(chain);
  const sale = devKey('sale');
  const toFund: KeyPair[] = [];
  for (const k of [...Object.values(actors), ...committee.keys]) {
    if ((await tx.account(k)).balance < fundAmount / 10n) toFund.push(k);
  }
  if (toFund.length > 0) {
    log(`funding ${toFund.length} accounts with ${formatDpn(fundAmount)} DPN each`);
    const txs = [];
    for (const k of toFund) txs.push(await tx.sign(sale, { type: 'transfer', to: addressOf(k.publicKey), amount: fundAmount, memo: 'demo seed' }, 0n));
    await tx.submit(txs);
  }

  // 2. Templates: submit the missing ones, then approve every pending one up to the threshold.
  const base = loadBaseTemplates();
  const records = new Map<BaseTemplateName, TemplateRecord | undefined>();
  const readRecords = async () => {
    for (const n of BASE_TEMPLATE_NAMES) records.set(n, await readTemplate(chain, base[n]));
  };
  await readRecords();
  const missing = BASE_TEMPLATE_NAMES.filter((n) => !records.get(n));
  if (missing.length > 0) {
    log(`submitting templates: ${missing.join(', ')}`);
    const txs = [];
    for (const n of missing) txs.push(await tx.sign(actors.designer, { type: 'submitTemplate', code: base[n].code, designerFee: fees[n] }));
    await tx.submit(txs);
    await readRecords();
  }
  const reviews: Uint8Array[] = [];
  for (const n of BASE_TEMPLATE_NAMES) {
    const r = records.get(n)!;
    if (r.status === 'approved') continue;
    if (r.status !== 'pending') throw new Error(`template "${n}" is ${r.status} on this chain; the demo needs it approved`);
    const voted = [...r.approvals, ...r.rejections];
    const voters = committee.keys.filter((k) => !voted.some((a) => equalBytes(a, addressOf(k.publicKey))));
    const needed = committee.threshold - r.approvals.length;
    if (voters.length < needed) throw new Error(`template "${n}" needs ${needed} more approvals; only ${voters.length} dev committee keys have not voted`);
    for (const k of voters.slice(0, needed)) reviews.push(await tx.sign(k, { type: 'reviewTemplate', template: base[n].id, approve: true }));
  }
  if (reviews.length > 0) {
    log(`approving templates (${reviews.length} reviews)`);
    await tx.submit(reviews);
    await readRecords();
    const open = BASE_TEMPLATE_NAMES.filter((n) => records.get(n)!.status !== 'approved');
    if (open.length > 0) throw new Error(`templates still not approved after review: ${open.join(', ')}`);
  }

  // 3. Products, in waves: each wave holds the plans whose named products all exist.
  const plans = catalogue(opts.tenderWindowMs ?? 5n * MINUTE);
  const ids: ProductIds = {};
  for (const p of plans) {
    const found = await findProduct(chain, tx, actors[p.producer], p, base[p.template].id);
    if (found) ids[p.key] = found;
  }
  let pending = plans.filter((p) => !ids[p.key]);
  while (pending.length > 0) {
    const wave = pending.filter((p) => p.needs.every((n) => ids[n]));
    if (wave.length === 0) throw new Error(`product plans depend on each other in a cycle: ${pending.map((p) => p.key).join(', ')}`);
    log(`creating products: ${wave.map((p) => p.name).join(', ')}`);
    const txs: Uint8Array[] = [];
    const created: [DemoProductName, Uint8Array][] = [];
    for (const p of wave) {
      const producer = actors[p.producer];
      const t = base[p.template];
      const meta = metadataOf(p);
      const params = encodeProductParams(t.template, paramsFromJson(t.template, p.params(ids as Required<ProductIds>)));
      const nonce = (await tx.account(producer)).nonce;
      txs.push(await tx.sign(producer, {
        type: 'createProduct', template: t.id, name: p.name, metadataUri: meta.uri, metadataHash: meta.hash, price: p.price, leadTimeMs: p.leadTimeMs, params,
      }));
      created.push([p.key, productId(addressOf(producer.publicKey), nonce)]);
    }
    await tx.submit(txs);
    for (const [k, id] of created) ids[k] = id;
    pending = pending.filter((p) => !wave.includes(p));
  }

  const templates = Object.fromEntries(BASE_TEMPLATE_NAMES.map((n) => {
    const r = records.get(n)!;
    return [n, { id: base[n].id, designer: r.designer, designerFee: r.designerFee }];
  })) as Record<BaseTemplateName, SeededTemplate>;
  log(tx.count === 0 ? 'demo contracts already seeded' : `demo contracts seeded (${tx.count} txs)`);
  return { actors, committee: committee.keys, templates, products: ids as Record<DemoProductName, Uint8Array>, txCount: tx.count };
}

/**
 * A simple product for the demo scene's other props: a bill of materials with no parts (the
 * producer makes it directly), its metadata pinned by SHA-256 (the caller serves the bytes at
 * `metadataUri`).
 */
export interface SimpleProductPlan {
  /** The caller's key for the product in the result (e.g. the scene prop). */
  readonly key: string;
  /** The producer's deterministic devnet key is devKey(`demo/${producer}`). */
  readonly producer: string;
  /** On-chain name; with the producer and the template, what finds the product again on a re-run. */
  readonly name: string;
  readonly price: bigint;
  readonly leadTimeMs: bigint;
  readonly metadataUri: string;
  /** SHA-256 of the metadata file's bytes. */
  readonly metadataHash: Uint8Array;
}

export interface SimpleProductsResult {
  readonly products: Record<string, Uint8Array>;
  readonly producers: Record<string, KeyPair>;
  /** Txs this run submitted: 0 when every product already exists and every producer is funded. */
  readonly txCount: number;
}

/**
 * Creates simple bill-of-materials products by other producers (the demo scene's lamp, mug,
 * chair…), idempotently like `seedContracts`: producers below the funding floor are topped up
 * from the devnet sale key, and only missing products are created. Needs the bill-of-materials
 * template approved (run `seedContracts` first). Separate from `seedContracts` so its tx counts
 * stay those of the jacket catalogue.
 */
export async function seedSimpleProducts(chain: SeedChain, plans: readonly SimpleProductPlan[], opts: Pick<SeedOptions, 'fundAmount' | 'log'> = {}): Promise<SimpleProductsResult> {
  const log = opts.log ?? (() => {});
  const fundAmount = opts.fundAmount ?? dpn(10_000);
  const rawParams = await chain.read(StateKey.params());
  if (!rawParams) throw new Error('the chain has no params: is this a DIPNET chain?');
  const tx = new TxSigner(chain, decodeParams(rawParams));
  const bom = loadBaseTemplates()['bill-of-materials'];
  const record = await readTemplate(chain, bom);
  if (record?.status !== 'approved') throw new Error('the bill-of-materials template is not approved on this chain: run seedContracts first');

  const producers: Record<string, KeyPair> = {};
  for (const p of plans) producers[p.producer] ??= devKey(`demo/${p.producer}`);
  const toFund: KeyPair[] = [];
  for (const k of Object.values(producers)) if ((await tx.account(k)).balance < fundAmount / 10n) toFund.push(k);
  if (toFund.length > 0) {
    log(`funding ${toFund.length} producers with ${formatDpn(fundAmount)} DPN each`);
    const sale = devKey('sale');
    const txs = [];
    for (const k of toFund) txs.push(await tx.sign(sale, { type: 'transfer', to: addressOf(k.publicKey), amount: fundAmount, memo: 'demo seed' }, 0n));
    await tx.submit(txs);
  }

  const products: Record<string, Uint8Array> = {};
  const txs: Uint8Array[] = [];
  const created: [string, Uint8Array][] = [];
  for (const p of plans) {
    const producer = producers[p.producer]!;
    const found = await findProduct(chain, tx, producer, p, bom.id);
    if (found) {
      products[p.key] = found;
      continue;
    }
    const params = encodeProductParams(bom.template, paramsFromJson(bom.template, direct()));
    const nonce = (await tx.account(producer)).nonce;
    txs.push(await tx.sign(producer, {
      type: 'createProduct', template: bom.id, name: p.name, metadataUri: p.metadataUri, metadataHash: p.metadataHash, price: p.price, leadTimeMs: p.leadTimeMs, params,
    }));
    created.push([p.key, productId(addressOf(producer.publicKey), nonce)]);
  }
  if (txs.length > 0) {
    log(`creating products: ${plans.filter((p) => created.some(([k]) => k === p.key)).map((p) => p.name).join(', ')}`);
    await tx.submit(txs);
    for (const [k, id] of created) products[k] = id;
  }
  return { products, producers, txCount: tx.count };
}

/** The dev committee keys that sit on the chain's committee, and its threshold. */
async function devCommittee(chain: SeedChain): Promise<{ keys: KeyPair[]; threshold: number }> {
  const raw = await chain.read(ContractKey.committee());
  if (!raw) throw new Error('the chain has no template-review committee');
  const c: Committee = decodeCommittee(raw);
  const keys = Array.from({ length: DEVNET_COMMITTEE_SIZE }, (_, i) => devCommitteeKey(i))
    .filter((k) => c.members.some((m) => equalBytes(m, addressOf(k.publicKey))));
  if (keys.length < c.threshold) throw new Error(`only ${keys.length} dev keys sit on a committee of threshold ${c.threshold}: not a devnet committee`);
  return { keys, threshold: c.threshold };
}

async function readTemplate(chain: SeedChain, t: BaseTemplate): Promise<TemplateRecord | undefined> {
  const raw = await chain.read(ContractKey.template(t.id));
  return raw ? decodeTemplateRecord(raw) : undefined;
}

/**
 * An existing product of `producer` with the plan's name and template. Products are the
 * producer's first txs, so the scan from nonce 0 normally ends after a few reads.
 */
async function findProduct(chain: SeedChain, tx: TxSigner, producer: KeyPair, p: { readonly name: string }, template: Uint8Array): Promise<Uint8Array | undefined> {
  const addr = addressOf(producer.publicKey);
  const { nonce } = await tx.account(producer);
  for (let n = 0n; n < nonce; n++) {
    const id = productId(addr, n);
    const raw = await chain.read(ContractKey.product(id));
    if (!raw) continue;
    const r = decodeProductRecord(raw);
    if (r.name === p.name && equalBytes(r.template, template)) return id;
  }
  return undefined;
}

/** Signs with each key's next nonce (read once, then counted here) and submits. */
class TxSigner {
  private readonly accounts = new Map<string, Account>();
  private readonly nextNonce = new Map<string, bigint>();
  count = 0;

  constructor(private readonly chain: SeedChain, private readonly params: Params) {}

  /** The committed account (balance as of the last read; nonce counting txs signed since). */
  async account(key: KeyPair): Promise<Account> {
    const id = toHex(key.publicKey);
    let a = this.accounts.get(id);
    if (!a) {
      const raw = await this.chain.read(StateKey.account(addressOf(key.publicKey)));
      a = raw ? decodeAccount(raw) : EMPTY_ACCOUNT;
      this.accounts.set(id, a);
    }
    return { ...a, nonce: this.nextNonce.get(id) ?? a.nonce };
  }

  /** A signed tx paying the fee schedule for its size plus `gas` (contract txs get GAS_BUDGET; unused gas is refunded). */
  async sign(key: KeyPair, body: TxBody, gas = GAS_BUDGET): Promise<Uint8Array> {
    const { nonce } = await this.account(key);
    this.nextNonce.set(toHex(key.publicKey), nonce + 1n);
    const build = (fee: bigint) => encodeSignedTx(signTx({ chainId: this.chain.chainId, signer: key.publicKey, nonce, fee, body }, key.secretKey));
    // The fee field has a fixed width, so the size measured with fee 0 is the final size.
    return build(requiredFee(this.params, build(0n).length, gas));
  }

  /** Submits in order; any tx refused, left out or failed (by its receipt) stops the seeding. */
  async submit(txs: readonly Uint8Array[]): Promise<void> {
    this.count += txs.length;
    const receipts = await this.chain.submit(txs);
    receipts.forEach((r, i) => {
      if (r && r.code !== '') throw new Error(`seed tx ${i} (${decodeSignedTx(txs[i]!).tx.body.type}) failed: ${r.code}: ${r.message}`);
    });
    // Balances moved: read them afresh next time (nonces stay counted here).
    this.accounts.clear();
  }
}

/**
 * A SeedChain over a relay: txs go in one batch request (which keeps their order), commitment
 * is polled by hash, and every read — receipts included — is verified by the client against a
 * committed header's state root.
 */
export function relaySeedChain(client: RelayClient, chainId: string, opts: { timeoutMs?: number; pollMs?: number } = {}): SeedChain {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const pollMs = opts.pollMs ?? 100;
  return {
    chainId,
    async read(key) {
      return (await client.provenValue(key)).value;
    },
    async submit(txs) {
      if (txs.length === 0) return [];
      const results = await client.submitTxBatch(txs);
      const hashes = results.map((r, i) => {
        if (!('error' in r)) return r.hash;
        // The same signed bytes from an interrupted earlier run: wait for that one.
        if (r.error.code === ErrorCode.TX_DUPLICATE) return toHex(txHash(txs[i]!));
        throw new Error(`tx ${i} of ${txs.length} refused: ${r.error.code}: ${r.error.message}`);
      });
      const deadline = Date.now() + timeoutMs;
      let height = 0n;
      for (const h of hashes) {
        for (;;) {
          const s = await client.txStatus(h);
          if (s.status === 'committed') {
            if (BigInt(s.height!) > height) height = BigInt(s.height!);
            break;
          }
          // Unknown means the mempool dropped it (e.g. an earlier tx of its sender failed to apply).
          if (s.status === 'unknown' || Date.now() > deadline) throw new Error(`tx ${h} was not committed (status ${s.status})`);
          await new Promise((r) => setTimeout(r, pollMs));
        }
      }
      return Promise.all(txs.map(async (bytes, i) => {
        if (!CONTRACT_TX_TYPES.has(decodeSignedTx(bytes).tx.body.type)) return undefined;
        const { value } = await client.provenValue(ContractKey.txReceipt(fromHex(hashes[i]!, 32)), height);
        if (!value) throw new Error(`committed contract tx ${hashes[i]} has no receipt`);
        return decodeTxReceipt(value);
      }));
    },
  };
}
