/**
 * The relay's index and chain routes (unverified hints: what exists, recent activity). Values the
 * explorer vouches for come from the light client instead (see lc.ts).
 */
import { BaseError, decodeCommit, fromHex } from '@dipnet/protocol';
import type { RelayPath, RelayResponse } from '@dipnet/bootstrap-node/relay-api';

/** Answers of the relay, typed from its /openapi.json (a changed route shape fails type-checking here). */
export type StatusJson = RelayResponse<'/v1/status'>;
export type HeaderJson = RelayResponse<'/v1/headers'>['headers'][number];
export type ValidatorSetJson = RelayResponse<'/v1/validators/{height}'>;
export type ValidatorJson = ValidatorSetJson['validators'][number];
export type ContractTxJson = RelayResponse<'/v1/contract-txs'>['txs'][number];
export type ReceiptJson = NonNullable<ContractTxJson['receipt']>;
export type TemplateJson = RelayResponse<'/v1/templates'>['templates'][number];
export type ProductJson = RelayResponse<'/v1/products'>['products'][number];
export type OrderJson = RelayResponse<'/v1/orders'>['orders'][number];
export type CommitteeJson = RelayResponse<'/v1/committee'>;

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

  private async get<T>(path: string): Promise<T> {
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

  /** GET `url`, an instance of the route `route` (its answer's type comes from the API document). */
  route = <P extends RelayPath>(_route: P, url: string): Promise<RelayResponse<P>> => this.get(url);

  status = () => this.route('/v1/status', '/v1/status');
  headers = (limit: number, from?: bigint) => this.route('/v1/headers', `/v1/headers?${from === undefined ? '' : `from=${from}&`}limit=${limit}`);
  contractTxs = (limit: number) => this.route('/v1/contract-txs', `/v1/contract-txs?limit=${limit}`);
  templates = (limit: number) => this.route('/v1/templates', `/v1/templates?limit=${limit}`);
  products = (limit: number) => this.route('/v1/products', `/v1/products?limit=${limit}`);
  orders = (limit: number) => this.route('/v1/orders', `/v1/orders?limit=${limit}`);
  committee = () => this.route('/v1/committee', '/v1/committee');

  /** Validator sets change rarely: one request per set hash seen. */
  validatorSet(height: bigint, hash?: string): Promise<ValidatorSetJson> {
    const key = hash ?? `h${height}`;
    let p = this.sets.get(key);
    if (!p) {
      p = this.route('/v1/validators/{height}', `/v1/validators/${height}`);
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
      this.route('/v1/commits/{height}', `/v1/commits/${height}`).catch(() => null),
      this.route('/v1/blocks/{height}', `/v1/blocks/${height}`).catch(() => null),
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
