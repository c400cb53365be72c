/**
 * Bisection on synthetic chains (real keys and signatures, protocol test fixtures) served by an
 * in-memory source: whole validator-set rotations, the cost in headers and signatures, and a
 * far header signed by a set nobody announced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerHash, toHex, LightErrorCode, isLightError, LightError, type Header, type Commit, type ValidatorSet, type GenesisCommitment, type KeyPair, type StateProofAnswer } from '@dipnet/protocol';
import { testValidators, testHeader, testCommit, paramsOnlyState } from '@dipnet/protocol/test-fixtures';

/** The chain's state holds its params (the client reads the unbonding period at start). */
const STATE = paramsOnlyState();
import { createLightClient, type LightSource, type SignedHeader, type SourceStatus } from '../index.ts';

const CHAIN = 'dipnet-lc-engine-test';
const T0 = 1_700_000_000_000;

interface Chain {
  headers: Header[];
  commits: Commit[];
  sets: ValidatorSet[];
}

/** `n` headers; the validator set is replaced entirely every `every` heights. */
function makeChain(n: number, every: number): Chain {
  const gens: { keys: KeyPair[]; set: ValidatorSet }[] = [];
  const gen = (h: number) => {
    const g = Math.floor((h - 1) / every);
    gens[g] ??= testValidators(4, 10n, `g${g}-`);
    return gens[g]!;
  };
  const c: Chain = { headers: [], commits: [], sets: [] };
  for (let h = 1; h <= n; h++) {
    const { keys, set } = gen(h);
    const prev = h === 1 ? new Uint8Array(32) : new Uint8Array(headerHash(c.headers[h - 2]!));
    const header = { ...testHeader(CHAIN, BigInt(h), set, gen(h + 1).set, prev), stateRoot: STATE.root };
    c.headers.push(header);
    c.commits.push(testCommit(CHAIN, header, set, keys.slice(0, 3)));
    c.sets.push(set);
  }
  return c;
}

class ChainSource implements LightSource {
  readonly kind = 'relay-http' as const;
  requests = 0;
  constructor(readonly id: string, private readonly c: Chain, private readonly override: Map<number, SignedHeader & { set: ValidatorSet }> = new Map()) {}
  private at(h: bigint) {
    const i = Number(h);
    this.requests++;
    if (i < 1 || i > this.c.headers.length) throw new LightError(LightErrorCode.LC_NOT_AVAILABLE, `no height ${h}`);
    const o = this.override.get(i);
    return o ?? { header: this.c.headers[i - 1]!, commit: this.c.commits[i - 1]!, set: this.c.sets[i - 1]! };
  }
  async status(): Promise<SourceStatus> {
    const top = this.at(BigInt(this.c.headers.length));
    return { chainId: CHAIN, genesisHash: new Uint8Array(32), height: top.header.height, headHash: headerHash(top.header) };
  }
  async genesisCommitment(): Promise<GenesisCommitment> {
    throw new LightError(LightErrorCode.LC_NOT_AVAILABLE, 'these tests start from checkpoints');
  }
  async signedHeader(h: bigint): Promise<SignedHeader> {
    const { header, commit } = this.at(h);
    return { header, commit };
  }
  async signedHeaders(from: bigint, count: number): Promise<SignedHeader[]> {
    const out: SignedHeader[] = [];
    for (let h = from; h < from + BigInt(count) && h <= BigInt(this.c.headers.length); h++) out.push(await this.signedHeader(h));
    return out;
  }
  async validatorSet(h: bigint): Promise<ValidatorSet> {
    if (Number(h) === this.c.headers.length + 1) return this.c.sets[this.c.sets.length - 1]!;
    return this.at(h).set;
  }
  async stateProof(rawKey: Uint8Array, height: bigint): Promise<StateProofAnswer> {
    return STATE.answer(rawKey, height);
  }
  async submitTx(): Promise<Uint8Array> {
    throw new LightError(LightErrorCode.LC_NOT_AVAILABLE, 'no mempool here');
  }
  async close(): Promise<void> {}
}

const chain = makeChain(200, 25);
const root = chain.headers[0]!;
const now = () => T0 + 300 * 1000;
const open = (source: LightSource, mode: 'skipping' | 'sequential' = 'skipping') =>
  createLightClient({ chainId: CHAIN, trust: { height: 1, hash: toHex(headerHash(root)) }, trustingPeriodMs: 3_600_000, sources: [source], store: 'memory', follow: false, now, mode });

test('bisection crosses complete validator-set rotations with a fraction of the headers', async () => {
  const src = new ChainSource('honest', chain);
  const lc = await open(src);
  assert.equal(lc.head().height, 200n);
  assert.equal(lc.head().hash, toHex(headerHash(chain.headers[199]!)));
  const s = lc.stats();
  assert.ok(s.bisections > 0);
  // Each of the 7 rotations is crossed by an adjacent step; everything else is skipped.
  assert.ok(s.headersVerified < 80, `${s.headersVerified} headers verified for 200`);
  const seq = await open(new ChainSource('honest-2', chain), 'sequential');
  assert.equal(seq.head().hash, lc.head().hash);
  assert.equal(seq.stats().headersVerified, 200);
  assert.ok(s.signaturesVerified < seq.stats().signaturesVerified / 2, `${s.signaturesVerified} vs ${seq.stats().signaturesVerified} signatures`);
  await lc.close();
  await seq.close();
});

test('a far header signed by a set nobody announced is rejected once bisection reaches it', async () => {
  const alien = testValidators(4, 10n, 'alien-');
  const real = chain.headers[199]!;
  const forged = { ...real, validatorsHash: testHeader(CHAIN, 200n, alien.set).validatorsHash, stateRoot: new Uint8Array(32).fill(9) };
  const override = new Map([[200, { header: forged, commit: testCommit(CHAIN, forged, alien.set, alien.keys), set: alien.set }]]);
  await assert.rejects(open(new ChainSource('liar', chain, override)), (e: unknown) => {
    assert.ok(isLightError(e), String(e));
    assert.equal(e.code, LightErrorCode.LC_HEADER_NOT_CHAINED, e.message);
    assert.equal(e.details.source, 'liar');
    return true;
  });
});

test('headers whose time does not increase are refused', async () => {
  const late = { ...chain.headers[1]!, time: chain.headers[0]!.time };
  const c2: Chain = { headers: [chain.headers[0]!, late], commits: [chain.commits[0]!, testCommit(CHAIN, late, chain.sets[1]!, testValidators(4, 10n, 'g0-').keys.slice(0, 3))], sets: chain.sets.slice(0, 2) };
  await assert.rejects(open(new ChainSource('time', c2)), (e: unknown) => isLightError(e, LightErrorCode.LC_TIME_NOT_INCREASING));
});
