/**
 * Benchmark fixture (not product code): a synthetic but correctly signed chain behind the relay
 * HTTP API the light client uses (/v1/status, /v1/headers/:h, /v1/commits/:h, /v1/validators/:h,
 * /v1/light-blocks/:h, /v1/light-blocks?heights=… and /v1/light-blocks/path/:from/:to with the relay's semantics, see
 * bootstrap-node/src/relay/routes/chain.ts; `lightBlocks: false` emulates a relay without them).
 *
 * Heights 1..N; the validator set changes every `epoch` heights. Epoch e's set is keys
 * [3e, 3e+5): 5 validators of equal power, 2 of them carried over from epoch e−1, so > 1/3 of a
 * trusted set signs headers one epoch ahead but none two epochs ahead — skipping must bisect.
 * Header hashes are chained (computed once at start). Response bodies (header, commit, validator
 * set, light block JSON) are built on first request and cached per height (a batch answer is the
 * cached light blocks joined, as cheap for the server as answering them one by one); commits are signed with node:crypto
 * (same deterministic Ed25519 signatures as @noble/curves, ~30x faster). The bench fills the cache
 * with a warm-up sync before it times one (`prepared`), so the timed sync measures the client;
 * `work` accounts for the time the handler spends building bodies vs answering from the cache.
 * Header times end 1 s before start-up.
 */
import { createPrivateKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  addressOf, planLightPath, encodeCommit, encodeHeader, encodeSmtProof, encodeValidatorSet, fromHex, headerHash, keyPairFromSecret, makeValidatorSet, sha256, toHex, utf8,
  validatorSetHash, voteSignBytes, VoteType, type Commit, type Header, type KeyPair, type ValidatorSet,
} from '@dipnet/protocol';
import { paramsOnlyState } from '@dipnet/protocol/test-fixtures';

/** Every header's state: just the chain params, which a client reads at start (its trusting period). */
const STATE = paramsOnlyState();

/** PKCS#8 DER prefix of a raw 32-byte Ed25519 seed (RFC 8410). */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface SyntheticChainOptions {
  readonly chainId: string;
  readonly height: number;
  readonly epoch: number;
  readonly perSet?: number;
  readonly carried?: number;
  /** Serve /v1/light-blocks (default true). */
  readonly lightBlocks?: boolean;
}

type Kind = 'headers' | 'commits' | 'validators' | 'lb-none' | 'lb-signing' | 'lb-both';

export class SyntheticChain {
  readonly chainId: string;
  readonly height: number;
  readonly genesis = sha256(utf8('dipnet-lc-bench/genesis'));
  readonly requests = { headers: 0, commits: 0, validators: 0, status: 0, lightBlocks: 0, lightBlockHeights: 0 };
  readonly lightBlocks: boolean;
  /** Handler time: building bodies (cache misses, incl. signing) and answering from the cache. */
  readonly work = { builtBodies: 0, buildMs: 0, cachedBodies: 0, cachedMs: 0 };
  private readonly epoch: number;
  private readonly perSet: number;
  private readonly step: number;
  private readonly keys: { pair: KeyPair; key: KeyObject; address: Uint8Array }[] = [];
  private readonly sets: { set: ValidatorSet; hash: Uint8Array; signers: number[] }[] = [];
  private readonly hashes: Uint8Array[] = [];
  /** Response bodies by `${kind}/${height}`. */
  private readonly bodies = new Map<string, string>();
  private readonly t0: bigint;

  constructor(o: SyntheticChainOptions) {
    this.chainId = o.chainId;
    this.height = o.height;
    this.epoch = o.epoch;
    this.perSet = o.perSet ?? 5;
    this.step = this.perSet - (o.carried ?? 2);
    this.lightBlocks = o.lightBlocks ?? true;
    this.t0 = BigInt(Date.now()) - BigInt(o.height + 1) * 1000n;
    for (let h = 1; h <= o.height; h++) this.hashes.push(headerHash(this.header(h)));
  }

  private key(i: number): { pair: KeyPair; key: KeyObject; address: Uint8Array } {
    while (this.keys.length <= i) {
      const seed = sha256(utf8(`dipnet-lc-bench/key/${this.keys.length}`));
      const pair = keyPairFromSecret(seed);
      this.keys.push({ pair, key: createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' }), address: addressOf(pair.publicKey) });
    }
    return this.keys[i]!;
  }

  /** The set that signs height h (h may be height + 1: the head's next set). */
  setAt(h: number): { set: ValidatorSet; hash: Uint8Array; signers: number[] } {
    const e = Math.floor((h - 1) / this.epoch);
    while (this.sets.length <= e) {
      const i = this.sets.length;
      const signers = Array.from({ length: this.perSet }, (_, k) => i * this.step + k);
      const set = makeValidatorSet(signers.map((k) => ({ publicKey: this.key(k).pair.publicKey, power: 10n })));
      this.sets.push({ set, hash: validatorSetHash(set), signers });
    }
    return this.sets[e]!;
  }

  header(h: number): Header {
    const z = new Uint8Array(32);
    return {
      chainId: this.chainId, height: BigInt(h), time: this.t0 + BigInt(h) * 1000n,
      prevHash: h === 1 ? this.genesis : this.hashes[h - 2]!, lastCommitHash: z, txRoot: z, evidenceRoot: z,
      stateRoot: STATE.root, validatorsHash: this.setAt(h).hash, nextValidatorsHash: this.setAt(h + 1).hash,
      proposer: new Uint8Array(20),
    };
  }

  hashAt(h: number): Uint8Array {
    return this.hashes[h - 1]!;
  }

  /** Every signer of h's set signs a precommit for header h (what protocol's testCommit builds). */
  commit(h: number): Commit {
    const s = this.setAt(h);
    const blockHash = this.hashAt(h);
    const signatures = s.signers.map((i) => {
      const k = this.key(i);
      const msg = voteSignBytes(this.chainId, { type: VoteType.precommit, height: BigInt(h), round: 0, blockHash, validator: k.address });
      const validatorIndex = s.set.validators.findIndex((v) => toHex(v.publicKey) === toHex(k.pair.publicKey));
      return { validatorIndex, signature: new Uint8Array(nodeSign(null, msg, k.key)) };
    }).sort((a, b) => a.validatorIndex - b.validatorIndex);
    return { height: BigInt(h), round: 0, blockHash, signatures };
  }

  private body(kind: Kind, h: number): string {
    const id = `${kind}/${h}`;
    const t = performance.now();
    let b = this.bodies.get(id);
    if (b !== undefined) {
      this.work.cachedBodies++;
      this.work.cachedMs += performance.now() - t;
      return b;
    }
    b = JSON.stringify(
      kind === 'headers' ? { header: toHex(encodeHeader(this.header(h))) }
        : kind === 'commits' ? { commit: toHex(encodeCommit(this.commit(h))) }
          : kind === 'validators' ? { validatorSet: toHex(encodeValidatorSet(this.setAt(h).set)) }
            : this.lightBlock(h, kind),
    );
    this.bodies.set(id, b);
    this.work.builtBodies++;
    this.work.buildMs += performance.now() - t;
    return b;
  }

  /** What the relay's GET /v1/light-blocks answers for one height. */
  private lightBlock(h: number, kind: 'lb-none' | 'lb-signing' | 'lb-both') {
    const header = this.header(h);
    const changes = toHex(header.nextValidatorsHash) !== toHex(header.validatorsHash);
    return {
      height: String(h), hash: toHex(this.hashAt(h)), header: toHex(encodeHeader(header)), commit: toHex(encodeCommit(this.commit(h))),
      validatorSet: kind === 'lb-none' ? null : toHex(encodeValidatorSet(this.setAt(h).set)),
      nextValidatorSet: kind === 'lb-both' && changes ? toHex(encodeValidatorSet(this.setAt(h + 1).set)) : null,
    };
  }

  /** Zeroes the request and work counters (after a warm-up). */
  resetCounters(): void {
    for (const k of Object.keys(this.requests) as (keyof typeof this.requests)[]) this.requests[k] = 0;
    for (const k of Object.keys(this.work) as (keyof typeof this.work)[]) this.work[k] = 0;
  }

  /** Answers relay API requests; returns false for paths it does not know. */
  handle(req: IncomingMessage, resp: ServerResponse): boolean {
    const [url, query = ''] = (req.url ?? '/').split('?') as [string, string?];
    const json = (status: number, body: unknown): true => {
      resp.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      return true;
    };
    if (url === '/v1/status') {
      this.requests.status++;
      return json(200, { chainId: this.chainId, genesisHash: toHex(this.genesis), height: String(this.height), headHash: toHex(this.hashAt(this.height)) });
    }
    if (this.lightBlocks && (url === '/v1/light-blocks' || url.startsWith('/v1/light-blocks/'))) return this.handleLightBlocks(url, new URLSearchParams(query), json, resp);
    const st = /^\/v1\/state\/([0-9a-f]+)$/.exec(url);
    if (st) {
      // Every header's state holds just the chain params (the client reads them at start).
      const h = BigInt(new URLSearchParams(query).get('height') ?? String(this.height));
      const a = STATE.answer(fromHex(st[1]!), h);
      return json(200, { height: String(a.height), key: toHex(a.key), value: a.value ? toHex(a.value) : null, proof: toHex(encodeSmtProof(a.proof)), stateRoot: toHex(a.stateRoot) });
    }
    const m = /^\/v1\/(headers|commits|validators)\/(\d+)$/.exec(url);
    if (!m) return false;
    const kind = m[1] as 'headers' | 'commits' | 'validators';
    const h = Number(m[2]);
    const max = kind === 'validators' ? this.height + 1 : this.height;
    if (h < 1 || h > max) return json(404, { error: { code: 'LC_NOT_AVAILABLE', message: `no ${kind} at height ${h}` } });
    this.requests[kind]++;
    resp.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(this.body(kind, h));
    return true;
  }

  /** GET /v1/light-blocks/:h and ?heights=a,b,… (≤ 16 distinct), `validators` none | signing | both. */
  private handleLightBlocks(url: string, q: URLSearchParams, json: (status: number, body: unknown) => true, resp: ServerResponse): true {
    const bad = (message: string) => json(400, { error: { code: 'RELAY_BAD_REQUEST', message } });
    const sets = q.get('validators') ?? 'both';
    if (sets !== 'none' && sets !== 'signing' && sets !== 'both') return bad('validators must be none, signing or both');
    const path = /^\/v1\/light-blocks\/path\/(\d{1,20})\/(\d{1,20})$/.exec(url);
    if (path) {
      // The relay's plan (protocol's planLightPath, as routes/chain.ts answers it), over who signs each height.
      const [from, to] = [Number(path[1]), Number(path[2])];
      if (from < 1 || to <= from) return bad('a path goes from a height of at least 1 up to a higher one');
      if (to > this.height) return json(404, { error: { code: 'NOT_FOUND', message: `no commit at height ${to}` } });
      const signedBy = (h: bigint): Commit => {
        const s = this.setAt(Number(h));
        const signatures = s.signers.map((i) => ({ validatorIndex: s.set.validators.findIndex((v) => toHex(v.publicKey) === toHex(this.key(i).pair.publicKey)), signature: new Uint8Array(64) }));
        return { height: h, round: 0, blockHash: this.hashAt(Number(h)), signatures };
      };
      const heights = planLightPath({ validatorSet: (h) => (h >= 1n && h <= BigInt(this.height) + 1n ? this.setAt(Number(h)).set : undefined), commit: (h) => (h >= 1n && h <= BigInt(this.height) ? signedBy(h) : undefined) }, BigInt(from), BigInt(to));
      this.requests.lightBlocks++;
      this.requests.lightBlockHeights += heights.length;
      resp.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(`{"to":"${to}","blocks":[${heights.map((h) => this.body('lb-both', Number(h))).join(',')}]}`);
      return true;
    }
    const one = /^\/v1\/light-blocks\/(\d{1,20})$/.exec(url);
    const list = one ? one[1]! : url === '/v1/light-blocks' ? q.get('heights') ?? '' : '';
    if (!/^\d{1,20}(,\d{1,20}){0,15}$/.test(list)) return bad('heights: up to 16 comma-separated heights');
    const heights = list.split(',').map(Number);
    if (new Set(heights).size !== heights.length) return bad('heights must be distinct');
    const missing = heights.find((h) => h < 1 || h > this.height);
    if (missing !== undefined) return json(404, { error: { code: 'NOT_FOUND', message: `no header at height ${missing}` } });
    this.requests.lightBlocks++;
    this.requests.lightBlockHeights += heights.length;
    const kind = `lb-${sets}` as const;
    const bodies = heights.map((h) => this.body(kind, h));
    resp.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(one ? bodies[0] : `{"blocks":[${bodies.join(',')}]}`);
    return true;
  }
}
