/**
 * The node's Fastify relay over HTTP(S): the fallback when libp2p cannot connect, and the one
 * transport with a push stream of heads (Server-Sent Events) and evidence submission.
 * Binary values arrive as hex of canonical encodings; everything is decoded strictly here and
 * verified by the client. Headers, commits and sets go through GET /v1/light-blocks/:height where the
 * relay has it (light-blocks.ts: one request per height instead of three, at a URL any HTTP cache shares).
 */
import {
  LightError, LightErrorCode, isLightError, decodeBlock, decodeCommit, decodeGenesisCommitment, decodeHeader, decodeSmtProof, decodeValidatorSet, toHex,
  type Block, type GenesisCommitment, type StateProofAnswer, type ValidatorSet,
} from '@dipnet/protocol';
import type { RelayPath, RelayResponse } from '@dipnet/bootstrap-node/relay-api';
import type { HeadSubscription, LightSource, SignedHeader, SourceStatus, TxStatusHint } from './types.ts';
import { decodeAs, hexField, remoteError, unavailable } from './util.ts';
import { subscribeSse } from './sse.ts';
import { LightBlockBatcher, RouteMissing, type LightBlockAnswer, type SetsWanted } from './light-blocks.ts';

export interface RelayHttpOptions {
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** Parallel commit fetches when assembling a run of signed headers (default 8). */
  readonly concurrency?: number;
  /** Replaces global fetch (tests, instrumentation). */
  readonly fetch?: typeof fetch;
  /** Use GET /v1/light-blocks where the relay has it (default true; false: the separate routes only). */
  readonly lightBlocks?: boolean;
}

/** Statuses of a route the relay does not have (as opposed to a height it does not have). */
const NO_ROUTE_STATUS = new Set([404, 405, 501]);
const NO_HEIGHT_CODES = new Set(['NOT_FOUND', 'HEIGHT_NOT_AVAILABLE']);

/** Largest page of GET /v1/headers. */
const MAX_PAGE = 100;

export class RelayHttpSource implements LightSource {
  readonly kind = 'relay-http' as const;
  readonly id: string;
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly fetchFn: typeof fetch;
  private readonly subs = new Set<HeadSubscription>();
  /** Coalesces header, commit and set reads into light-block requests; null when they are off. */
  readonly batcher: LightBlockBatcher | null;

  constructor(url: string, opts: RelayHttpOptions = {}) {
    this.base = url.replace(/\/+$/, '');
    this.id = this.base;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.concurrency = opts.concurrency ?? 8;
    this.fetchFn = opts.fetch ?? ((...a) => fetch(...a));
    this.batcher = opts.lightBlocks === false ? null : new LightBlockBatcher({
      lightBlocks: (heights, sets) => this.lightBlocks(heights, sets),
      signedHeader: (h) => this.signedHeaderSeparately(h),
      validatorSet: (h) => this.validatorSetSeparately(h),
    });
  }

  /** `probe`: a missing route throws RouteMissing instead of an error about the source. */
  private async request<T>(op: string, path: string, init?: RequestInit, probe = false): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw unavailable(this.id, op, e);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch (e) {
      if (probe && NO_ROUTE_STATUS.has(res.status)) throw new RouteMissing(`${op}: HTTP ${res.status}`);
      if (!res.ok) throw remoteError(this.id, null, `HTTP ${res.status}`, op);
      throw decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, `${op} response`, this.id, () => {
        throw e;
      });
    }
    if (!res.ok) {
      const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      if (probe && NO_ROUTE_STATUS.has(res.status) && !(typeof err?.code === 'string' && NO_HEIGHT_CODES.has(err.code))) throw new RouteMissing(`${op}: HTTP ${res.status}`);
      throw remoteError(this.id, typeof err?.code === 'string' ? err.code : null, typeof err?.message === 'string' ? err.message : `HTTP ${res.status}`, op);
    }
    if (body === null || typeof body !== 'object') throw decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, `${op} response`, this.id, () => { throw new TypeError('not an object'); });
    return body as T;
  }

  async status(): Promise<SourceStatus> {
    const s = await this.request<Answer<'/v1/status'>>('status', '/v1/status');
    return decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'status', this.id, () => {
      if (typeof s.chainId !== 'string' || typeof s.height !== 'string') throw new TypeError('missing chainId or height');
      return { chainId: s.chainId, genesisHash: hexField(s.genesisHash, 'genesisHash'), height: BigInt(s.height), headHash: hexField(s.headHash, 'headHash') };
    });
  }

  async block(height: bigint): Promise<Block> {
    const r = await this.request<Answer<'/v1/blocks/{height}'>>('block', `/v1/blocks/${height}`);
    return decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'block', this.id, () => decodeBlock(hexField(r.block, 'block')));
  }

  async genesisCommitment(): Promise<GenesisCommitment> {
    const r = await this.request<Answer<'/v1/genesis'>>('genesis', '/v1/genesis');
    return decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'genesis commitment', this.id, () => decodeGenesisCommitment(hexField(r.commitment, 'commitment')));
  }

  private async header(height: bigint) {
    const r = await this.request<Answer<'/v1/headers/{height}'>>('header', `/v1/headers/${height}`);
    return decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'header', this.id, () => decodeHeader(hexField(r.header, 'header')));
  }

  private async commit(height: bigint) {
    const r = await this.request<Answer<'/v1/commits/{height}'>>('commit', `/v1/commits/${height}`);
    return decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'commit', this.id, () => decodeCommit(hexField(r.commit, 'commit')));
  }

  signedHeader(height: bigint): Promise<SignedHeader> {
    return this.batcher ? this.batcher.signedHeader(height) : this.signedHeaderSeparately(height);
  }

  private async signedHeaderSeparately(height: bigint): Promise<SignedHeader> {
    const [header, commit] = await Promise.all([this.header(height), this.commit(height)]);
    return { header, commit };
  }

  /**
   * GET /v1/light-blocks/:height, one request per height, all at once: one answer per height, in
   * the order asked. Always the same URL for a height (`validators=both`, no per-client batch of
   * heights) so every client's request for it is one object to an HTTP cache (immutable at the
   * relay); sets not wanted are just not decoded.
   */
  private async lightBlocks(heights: readonly bigint[], sets: SetsWanted): Promise<LightBlockAnswer[]> {
    const answers = await Promise.all(heights.map((h) => this.request<LightBlockJson>('light-blocks', `/v1/light-blocks/${h}?validators=both`, undefined, true)));
    const items = decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'light blocks', this.id, () => answers.map((x) => decodeLightBlockJson(x, sets)));
    items.forEach((b, i) => {
      // Answers are matched to heights by position: one out of place is a lie about every set it would serve.
      if (b.header.height !== heights[i]) throw new LightError(LightErrorCode.LC_HEADER_INVALID, `asked for light block ${heights[i]}, got header ${b.header.height}`, { source: this.id });
    });
    return items;
  }

  /**
   * GET /v1/light-blocks/path/:from/:to: the relay's plan of which heights to verify; null when the
   * relay has no such route. The heights are the relay's word: the engine checks each step.
   */
  async lightBlockPath(from: bigint, to: bigint): Promise<LightBlockAnswer[] | null> {
    let r: Answer<'/v1/light-blocks/path/{from}/{to}'>;
    try {
      r = await this.request<Answer<'/v1/light-blocks/path/{from}/{to}'>>('light-block-path', `/v1/light-blocks/path/${from}/${to}`, undefined, true);
    } catch (e) {
      // The path only saves requests: a relay without it, or refusing this one, leaves the bisection to do it all.
      if (e instanceof RouteMissing || (isLightError(e) && (e.code === LightErrorCode.LC_NOT_AVAILABLE || 'remoteCode' in (e.details ?? {})))) return null;
      throw e;
    }
    return decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'light block path', this.id, () => {
      if (!Array.isArray(r.blocks)) throw new TypeError('blocks is not an array');
      return r.blocks.map((x: LightBlockJson) => decodeLightBlockJson(x, 'both'));
    });
  }

  async signedHeaders(from: bigint, count: number): Promise<SignedHeader[]> {
    const limit = Math.max(1, Math.min(count, MAX_PAGE));
    const r = await this.request<Answer<'/v1/headers'>>('headers', `/v1/headers?from=${from}&limit=${limit}`);
    const headers = decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'headers page', this.id, () => {
      if (!Array.isArray(r.headers)) throw new TypeError('headers is not an array');
      return r.headers.map((h: { header?: unknown }) => decodeHeader(hexField(h?.header, 'header')));
    });
    const out: SignedHeader[] = new Array(headers.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < headers.length) {
        const i = next++;
        out[i] = { header: headers[i]!, commit: await this.commit(headers[i]!.height) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, headers.length) }, worker));
    return out;
  }

  validatorSet(height: bigint): Promise<ValidatorSet> {
    return this.batcher ? this.batcher.validatorSet(height) : this.validatorSetSeparately(height);
  }

  private async validatorSetSeparately(height: bigint): Promise<ValidatorSet> {
    const r = await this.request<Answer<'/v1/validators/{height}'>>('validators', `/v1/validators/${height}`);
    return decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'validator set', this.id, () => decodeValidatorSet(hexField(r.validatorSet, 'validatorSet')));
  }

  async stateProof(rawKey: Uint8Array, height: bigint): Promise<StateProofAnswer> {
    const r = await this.request<Answer<'/v1/state/{key}'>>('state', `/v1/state/${toHex(rawKey)}?height=${height}`);
    return decodeAs(LightErrorCode.LC_PROOF_MALFORMED, 'state proof', this.id, () => {
      if (typeof r.height !== 'string') throw new TypeError('missing height');
      return {
        height: BigInt(r.height),
        key: hexField(r.key, 'key'),
        value: r.value === null ? null : hexField(r.value, 'value'),
        proof: decodeSmtProof(hexField(r.proof, 'proof')),
        stateRoot: hexField(r.stateRoot, 'stateRoot'),
      };
    });
  }

  async submitTx(signedTx: Uint8Array): Promise<Uint8Array> {
    const r = await this.request<Answer<'/v1/txs', 'post'>>('submit-tx', '/v1/txs', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(signedTx) }),
    });
    return decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'tx hash', this.id, () => hexField(r.hash, 'hash'));
  }

  async txStatus(hash: Uint8Array): Promise<TxStatusHint> {
    const r = await this.request<Answer<'/v1/txs/{hash}'>>('tx-status', `/v1/txs/${toHex(hash)}`);
    if (r.status === 'committed' && typeof r.height === 'string') return { status: 'committed', height: BigInt(r.height), code: String(r.code ?? '') };
    return { status: r.status === 'pending' ? 'pending' : 'unknown' };
  }

  async submitEvidence(evidence: Uint8Array): Promise<void> {
    await this.request('evidence', '/v1/evidence', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ evidence: toHex(evidence) }),
    });
  }

  subscribeHeads(onHead: (h: SignedHeader) => void, onError?: (e: unknown) => void, after?: bigint): HeadSubscription {
    const sub = subscribeSse(this.base + '/v1/events/heads', {
      fetch: this.fetchFn,
      // The relay replays the heads above it (ids are heights), or says `resync` when too far behind.
      ...(after !== undefined ? { lastEventId: after.toString() } : {}),
      onEvent: (event, data) => {
        if (event !== 'head') return;
        let h: SignedHeader;
        try {
          const j = JSON.parse(data) as { header?: unknown; commit?: unknown };
          h = { header: decodeHeader(hexField(j.header, 'header')), commit: decodeCommit(hexField(j.commit, 'commit')) };
        } catch (e) {
          onError?.(decodeAs(LightErrorCode.LC_RESPONSE_MALFORMED, 'head event', this.id, () => { throw e; }));
          return;
        }
        onHead(h);
      },
      onError: (e) => onError?.(unavailable(this.id, 'events', e)),
    });
    const handle: HeadSubscription = { close: () => { sub.close(); this.subs.delete(handle); } };
    this.subs.add(handle);
    return handle;
  }

  async close(): Promise<void> {
    for (const s of [...this.subs]) s.close();
  }
}

/**
 * A relay answer as it arrives: the field names its /openapi.json promises for the route (so a
 * renamed field fails type-checking here), every value still unchecked until decoded.
 */
type Answer<P extends RelayPath, M extends 'get' | 'post' = 'get'> =
  [RelayResponse<P, M>] extends [never] ? { readonly 'no JSON answer in the API document': never } : { readonly [K in keyof RelayResponse<P, M>]?: unknown };
type LightBlockJson = Answer<'/v1/light-blocks/{height}'> | null | undefined;

/** One light block of the relay's JSON (`sets: 'none'` skips decoding the sets). */
function decodeLightBlockJson(x: LightBlockJson, sets: SetsWanted): LightBlockAnswer {
  const set = (v: unknown, what: string) => (sets === 'none' || v === null || v === undefined ? null : decodeValidatorSet(hexField(v, what)));
  return {
    header: decodeHeader(hexField(x?.header, 'header')),
    commit: decodeCommit(hexField(x?.commit, 'commit')),
    validatorSet: set(x?.validatorSet, 'validatorSet'),
    nextValidatorSet: set(x?.nextValidatorSet, 'nextValidatorSet'),
  };
}
