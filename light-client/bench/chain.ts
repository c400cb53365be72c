/**
 * Benchmark fixture (not product code): a synthetic but correctly signed chain behind the relay
 * HTTP API the light client uses (/v1/status, /v1/headers/:h, /v1/commits/:h, /v1/validators/:h).
 *
 * Heights 1..N; the validator set changes every `epoch` heights. Epoch e's set is keys
 * [3e, 3e+5): 5 validators of equal power, 2 of them carried over from epoch e−1, so > 1/3 of a
 * trusted set signs headers one epoch ahead but none two epochs ahead — skipping must bisect.
 * Header hashes are chained (computed once at start); commits are signed lazily with
 * @noble/curves on first request and cached per height. Header times end 1 s before start-up.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  encodeCommit, encodeHeader, encodeValidatorSet, headerHash, keyPairFromSecret, makeValidatorSet, sha256, toHex, utf8,
  validatorSetHash, type Header, type KeyPair, type ValidatorSet,
} from '@dipnet/protocol';
import { testCommit } from '@dipnet/protocol/test-fixtures';

export interface SyntheticChainOptions {
  readonly chainId: string;
  readonly height: number;
  readonly epoch: number;
  readonly perSet?: number;
  readonly carried?: number;
}

export class SyntheticChain {
  readonly chainId: string;
  readonly height: number;
  readonly genesis = sha256(utf8('dipnet-lc-bench/genesis'));
  readonly requests = { headers: 0, commits: 0, validators: 0, status: 0 };
  private readonly epoch: number;
  private readonly perSet: number;
  private readonly step: number;
  private readonly keys: KeyPair[] = [];
  private readonly sets: { set: ValidatorSet; hash: Uint8Array; signers: KeyPair[] }[] = [];
  private readonly hashes: Uint8Array[] = [];
  private readonly commits = new Map<number, string>();
  private readonly t0: bigint;

  constructor(o: SyntheticChainOptions) {
    this.chainId = o.chainId;
    this.height = o.height;
    this.epoch = o.epoch;
    this.perSet = o.perSet ?? 5;
    this.step = this.perSet - (o.carried ?? 2);
    this.t0 = BigInt(Date.now()) - BigInt(o.height + 1) * 1000n;
    for (let h = 1; h <= o.height; h++) this.hashes.push(headerHash(this.header(h)));
  }

  private key(i: number): KeyPair {
    while (this.keys.length <= i) this.keys.push(keyPairFromSecret(sha256(utf8(`dipnet-lc-bench/key/${this.keys.length}`))));
    return this.keys[i]!;
  }

  /** The set that signs height h (h may be height + 1: the head's next set). */
  setAt(h: number): { set: ValidatorSet; hash: Uint8Array; signers: KeyPair[] } {
    const e = Math.floor((h - 1) / this.epoch);
    while (this.sets.length <= e) {
      const i = this.sets.length;
      const signers = Array.from({ length: this.perSet }, (_, k) => this.key(i * this.step + k));
      const set = makeValidatorSet(signers.map((k) => ({ publicKey: k.publicKey, power: 10n })));
      this.sets.push({ set, hash: validatorSetHash(set), signers });
    }
    return this.sets[e]!;
  }

  header(h: number): Header {
    const z = new Uint8Array(32);
    return {
      chainId: this.chainId, height: BigInt(h), time: this.t0 + BigInt(h) * 1000n,
      prevHash: h === 1 ? this.genesis : this.hashes[h - 2]!, lastCommitHash: z, txRoot: z, evidenceRoot: z,
      stateRoot: sha256(utf8(`dipnet-lc-bench/state/${h}`)), validatorsHash: this.setAt(h).hash, nextValidatorsHash: this.setAt(h + 1).hash,
      proposer: new Uint8Array(20),
    };
  }

  hashAt(h: number): Uint8Array {
    return this.hashes[h - 1]!;
  }

  private commitHex(h: number): string {
    let c = this.commits.get(h);
    if (!c) {
      const s = this.setAt(h);
      c = toHex(encodeCommit(testCommit(this.chainId, this.header(h), s.set, s.signers)));
      this.commits.set(h, c);
    }
    return c;
  }

  /** Answers relay API requests; returns false for paths it does not know. */
  handle(req: IncomingMessage, resp: ServerResponse): boolean {
    const url = (req.url ?? '/').split('?')[0]!;
    const json = (status: number, body: unknown): true => {
      resp.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      return true;
    };
    if (url === '/v1/status') {
      this.requests.status++;
      return json(200, { chainId: this.chainId, genesisHash: toHex(this.genesis), height: String(this.height), headHash: toHex(this.hashAt(this.height)) });
    }
    const m = /^\/v1\/(headers|commits|validators)\/(\d+)$/.exec(url);
    if (!m) return false;
    const kind = m[1] as 'headers' | 'commits' | 'validators';
    const h = Number(m[2]);
    const max = kind === 'validators' ? this.height + 1 : this.height;
    if (h < 1 || h > max) return json(404, { error: { code: 'LC_NOT_AVAILABLE', message: `no ${kind} at height ${h}` } });
    this.requests[kind]++;
    if (kind === 'headers') return json(200, { header: toHex(encodeHeader(this.header(h))) });
    if (kind === 'commits') return json(200, { commit: this.commitHex(h) });
    return json(200, { validatorSet: toHex(encodeValidatorSet(this.setAt(h).set)) });
  }
}
