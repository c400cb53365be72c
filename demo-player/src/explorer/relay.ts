/**
 * The relay's index and chain routes (unverified hints: what exists, recent activity). Values the
 * explorer vouches for come from the light client instead (see lc.ts).
 */
import { BaseError, decodeCommit, fromHex } from '@dipnet/protocol';

export interface HeaderJson {
  readonly height: string;
  readonly hash: string;
  readonly fields: { readonly time: string; readonly proposer: string; readonly validatorsHash: string; readonly chainId: string; readonly stateRoot: string };
}
export interface ValidatorJson { readonly address: string; readonly publicKey: string; readonly power: string }
export interface ValidatorSetJson { readonly height: string; readonly hash: string; readonly validators: readonly ValidatorJson[]; readonly totalPower: string }
export interface StatusJson { readonly chainId: string; readonly genesisHash: string; readonly height: string; readonly headHash: string; readonly headTime: string; readonly peers: number; readonly mempoolSize: number }
export interface ReceiptJson { readonly ok: boolean; readonly height: string; readonly gasUsed: string; readonly fee: string; readonly code: string; readonly message: string }
export interface ContractTxJson { readonly hash: string; readonly height: string; readonly index: number; readonly type: string; readonly sender: string; readonly subject: string; readonly receipt: ReceiptJson | null }
export interface TemplateJson {
  readonly id: string; readonly name: string | null; readonly summary: string | null; readonly status: string; readonly designer: string; readonly designerFee: string;
  readonly submittedAt: string; readonly approvals: readonly string[]; readonly rejections: readonly string[]; readonly codeBytes: number;
}
export interface ProductJson {
  readonly id: string; readonly template: string; readonly templateName: string | null; readonly producer: string; readonly name: string; readonly price: string;
  readonly leadTimeMs: string; readonly createdAt: string; readonly orders: string; readonly metadataUri: string;
}
export interface OrderJson {
  readonly id: string; readonly product: string; readonly parent: string | null; readonly root: string; readonly depth: number; readonly tag: string; readonly consumer: string;
  readonly status: string; readonly state: string; readonly price: string; readonly escrow: string; readonly createdAt: string; readonly children: readonly string[];
}
export interface CommitteeJson { readonly committee: { readonly members: readonly string[]; readonly threshold: number } }

/** One block as the blocks view shows it: header, who signed its commit, with what power. */
export interface BlockRow {
  readonly height: bigint;
  readonly hash: string;
  readonly time: number;
  readonly proposer: string;
  readonly txCount: number;
  readonly round: number | null;
  readonly signers: readonly { readonly index: number; readonly address: string; readonly power: bigint }[];
  readonly signedPower: bigint;
  readonly totalPower: bigint;
  readonly validators: readonly ValidatorJson[];
}

/** A relay's error answer: its `{ error: { code, message } }` body (or `HTTP_<status>`), and the status. */
export class RelayError extends BaseError<string, { status: number }> {
  override readonly name = 'RelayError';
  constructor(readonly status: number, code: string, message: string) {
    super(code, message, { details: { status } });
  }
}

export class Relay {
  private readonly sets = new Map<string, Promise<ValidatorSetJson>>();
  private readonly blocks = new Map<string, BlockRow>();

  constructor(readonly base: string) {}

  async get<T>(path: string): Promise<T> {
    const r = await fetch(this.base + path, { headers: { accept: 'application/json' } });
    if (!r.ok) {
      let code = `HTTP_${r.status}`;
      let message = `${path}: HTTP ${r.status}`;
      try {
        const e = (await r.json()) as { error?: { code?: string; message?: string }; code?: string; message?: string };
        code = e.error?.code ?? e.code ?? code;
        message = e.error?.message ?? e.message ?? message;
      } catch { /* not JSON */ }
      throw new RelayError(r.status, code, message);
    }
    return (await r.json()) as T;
  }

  status = (): Promise<StatusJson> => this.get('/v1/status');
  headers = (limit: number): Promise<{ headers: HeaderJson[] }> => this.get(`/v1/headers?limit=${limit}`);
  contractTxs = (limit: number): Promise<{ height: string; txs: ContractTxJson[] }> => this.get(`/v1/contract-txs?limit=${limit}`);
  templates = (limit: number): Promise<{ height: string; templates: TemplateJson[] }> => this.get(`/v1/templates?limit=${limit}`);
  products = (limit: number): Promise<{ height: string; products: ProductJson[] }> => this.get(`/v1/products?limit=${limit}`);
  orders = (limit: number): Promise<{ height: string; orders: OrderJson[] }> => this.get(`/v1/orders?limit=${limit}`);
  committee = (): Promise<CommitteeJson> => this.get('/v1/committee');

  /** Validator sets change rarely: one request per set hash seen. */
  validatorSet(height: bigint, hash?: string): Promise<ValidatorSetJson> {
    const key = hash ?? `h${height}`;
    let p = this.sets.get(key);
    if (!p) {
      p = this.get<ValidatorSetJson>(`/v1/validators/${height}`);
      this.sets.set(key, p);
      p.catch(() => this.sets.delete(key));
    }
    return p;
  }

  /** A block with its commit's signers (blocks are final: cached). */
  async block(h: HeaderJson): Promise<BlockRow> {
    const cached = this.blocks.get(h.height);
    if (cached) return cached;
    const height = BigInt(h.height);
    const [commit, block, set] = await Promise.all([
      this.get<{ commit: string }>(`/v1/commits/${height}`).catch(() => null),
      this.get<{ txCount: number }>(`/v1/blocks/${height}`).catch(() => null),
      this.validatorSet(height, h.fields.validatorsHash),
    ]);
    const c = commit ? decodeCommit(fromHex(commit.commit)) : null;
    const signers = (c?.signatures ?? []).flatMap((s) => {
      const v = set.validators[s.validatorIndex];
      return v ? [{ index: s.validatorIndex, address: v.address, power: BigInt(v.power) }] : [];
    });
    const row: BlockRow = {
      height, hash: h.hash, time: Number(h.fields.time), proposer: h.fields.proposer, txCount: block?.txCount ?? 0, round: c?.round ?? null,
      signers, signedPower: signers.reduce((a, s) => a + s.power, 0n), totalPower: BigInt(set.totalPower), validators: set.validators,
    };
    // Only a block whose commit is stored is final here; otherwise ask again next time.
    if (c) this.blocks.set(h.height, row);
    return row;
  }
}
