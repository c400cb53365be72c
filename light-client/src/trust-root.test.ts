/**
 * The genesis trust root binds block 1 to its signers (issue 16 §1). Attack: a source that knows
 * only the public genesis hash signs its own header 1 — linked to that hash, with a state root
 * holding 10^24 DPN for the viewer — with its own key, and serves a matching validator set. It may
 * also copy the real genesis commitment from an honest relay. Against real in-process validators
 * and their relay:
 * - alone, it is rejected: no head, no balance, the error names why;
 * - as the primary with an honest witness, or as a witness of an honest primary, the client
 *   trusts the real chain, the forger is marked faulty and the honest relay never is.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  LightError, LightErrorCode, StateKey, addressOf, buildSmt, encodeAccount, genesisCommitment, genesisHash, headerHash,
  isLightError, makeValidatorSet, SparseMerkleTree, stateKeyHash, toHex, validatorSetHash, EMPTY_ACCOUNT,
  type GenesisCommitment, type Header, type StateProofAnswer, type ValidatorSet, dpn,
} from '@dipnet/protocol';
import { testCommit } from '@dipnet/protocol/test-fixtures';
import { createLightClient, type LightClient, type LightClientOptions, type LightSource, type SignedHeader, type SourceStatus } from './index.ts';
import { startNet } from './testing/devnet.ts';
import { devKey } from '@dipnet/bootstrap-node';

const CHAIN = 'dipnet-lc-trust-root-test';
const net = await startNet({ chainId: CHAIN, validators: 4, relays: 1 });
await net.commit(devKey('sale'), { type: 'transfer', to: addressOf(devKey('trust-root/someone').publicKey), amount: dpn(1), memo: '' });
const clients: LightClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
  await net.stop();
});

const PINNED = genesisHash(net.genesis);
const viewer = addressOf(devKey('trust-root/viewer').publicKey);
const FORGED_BALANCE = 10n ** 24n;

/** Signs its own header 1 linked to the pinned genesis hash, with a set of its own key. */
class ForgingSource implements LightSource {
  readonly kind = 'relay-http' as const;
  readonly key = devKey('trust-root/forger');
  readonly set: ValidatorSet = makeValidatorSet([{ publicKey: this.key.publicKey, power: 1_000_000n }]);
  readonly header: Header;
  readonly commit;
  readonly tree: SparseMerkleTree;
  asked = 0;

  constructor(readonly id: string, private readonly commitment: 'own' | 'copied') {
    const { root, nodes } = buildSmt([[stateKeyHash(StateKey.account(viewer)), encodeAccount({ ...EMPTY_ACCOUNT, balance: FORGED_BALANCE })]]);
    this.tree = new SparseMerkleTree({ getNode: (h) => nodes.get(toHex(h)) });
    this.header = {
      chainId: CHAIN, height: 1n, time: net.genesis.genesisTime + 1n, prevHash: PINNED, lastCommitHash: new Uint8Array(32),
      txRoot: new Uint8Array(32), evidenceRoot: new Uint8Array(32), stateRoot: root,
      validatorsHash: validatorSetHash(this.set), nextValidatorsHash: validatorSetHash(this.set), proposer: addressOf(this.key.publicKey),
    };
    this.commit = testCommit(CHAIN, this.header, this.set, [this.key]);
  }

  async status(): Promise<SourceStatus> {
    this.asked++;
    return { chainId: CHAIN, genesisHash: PINNED, height: 1n, headHash: headerHash(this.header) };
  }
  async genesisCommitment(): Promise<GenesisCommitment> {
    this.asked++;
    // Its own set named in a commitment (which cannot hash to the pin), or the real one copied.
    return this.commitment === 'own'
      ? { ...genesisCommitment(net.genesis), validatorsHash: validatorSetHash(this.set) }
      : genesisCommitment(net.genesis);
  }
  async signedHeader(height: bigint): Promise<SignedHeader> {
    this.asked++;
    if (height !== 1n) throw new LightError(LightErrorCode.LC_NOT_AVAILABLE, `no height ${height}`);
    return { header: this.header, commit: this.commit };
  }
  async signedHeaders(from: bigint): Promise<SignedHeader[]> {
    return from === 1n ? [await this.signedHeader(1n)] : [];
  }
  async validatorSet(): Promise<ValidatorSet> {
    this.asked++;
    return this.set;
  }
  async stateProof(rawKey: Uint8Array, height: bigint): Promise<StateProofAnswer> {
    const k = stateKeyHash(rawKey);
    return { height, key: rawKey, value: this.tree.get(this.header.stateRoot, k) ?? null, proof: this.tree.prove(this.header.stateRoot, k), stateRoot: this.header.stateRoot };
  }
  async submitTx(): Promise<Uint8Array> {
    throw new LightError(LightErrorCode.LC_SOURCE_UNAVAILABLE, 'not here');
  }
  async close(): Promise<void> {}
}

const options = (sources: LightSource[], relays: string[] = []): LightClientOptions => ({
  chainId: CHAIN, trust: { genesisHash: toHex(PINNED) }, trustingPeriodMs: 86_400_000, store: 'memory', follow: false, sources, relays,
});
const open = async (o: LightClientOptions): Promise<LightClient> => {
  const c = await createLightClient(o);
  clients.push(c);
  return c;
};
const realBalance = async (lc: LightClient): Promise<bigint> => (await lc.getAccount(viewer)).account.balance;

for (const commitment of ['own', 'copied'] as const) {
  test(`a forged header 1 signed by a key of the forger's own is rejected when the forger is the only source (${commitment} genesis commitment)`, async () => {
    const forger = new ForgingSource(`forger-${commitment}-alone`, commitment);
    await assert.rejects(createLightClient(options([forger])), (e: unknown) => {
      assert.ok(isLightError(e), String(e));
      assert.equal(e.code, LightErrorCode.LC_CHECKPOINT_MISMATCH, e.message);
      assert.match(e.message, commitment === 'own' ? /genesis commitment served hashes to .*not the pinned genesis/ : /not the genesis set .* the pinned genesis commits to/);
      return true;
    });
    assert.ok(forger.asked > 0, 'the forger was asked');
  });

  test(`a forging primary with an honest witness: the real chain is trusted, the forger is faulty, the witness is not (${commitment} genesis commitment)`, async () => {
    const forger = new ForgingSource(`forger-${commitment}-primary`, commitment);
    // `sources` come after `relays` in the pool; preferredSources puts the forger first.
    const lc = await open({ ...options([], [net.relayUrls[0]!]), preferredSources: [forger] });
    assert.equal(lc.head().hash, toHex(headerHash(net.nodes[0]!.getHeader(lc.head().height)!)));
    assert.equal(await realBalance(lc), 0n);
    const health = Object.fromEntries(lc.sources().map((s) => [s.id, s.health]));
    assert.equal(health[forger.id], 'faulty');
    assert.equal(health[net.relayUrls[0]!], 'ok');
  });

  test(`an honest primary with a forging witness: the forger is faulty, the client keeps the real chain (${commitment} genesis commitment)`, async () => {
    const forger = new ForgingSource(`forger-${commitment}-witness`, commitment);
    const lc = await open(options([forger], [net.relayUrls[0]!]));
    assert.ok(forger.asked > 0, 'the forger was asked as a witness');
    assert.equal(lc.head().hash, toHex(headerHash(net.nodes[0]!.getHeader(lc.head().height)!)));
    assert.equal(await realBalance(lc), 0n);
    const health = Object.fromEntries(lc.sources().map((s) => [s.id, s.health]));
    assert.equal(health[forger.id], 'faulty');
    assert.equal(health[net.relayUrls[0]!], 'ok');
  });
}

test('the relay serves the genesis commitment, and it hashes to the genesis hash the nodes link block 1 to', async () => {
  const r = await (await fetch(`${net.relayUrls[0]}/v1/genesis`)).json() as Record<string, string>;
  const c = genesisCommitment(net.genesis);
  assert.equal(r.genesisHash, toHex(PINNED));
  assert.equal(r.validatorsHash, toHex(c.validatorsHash));
  assert.equal(toHex(net.nodes[0]!.getHeader(1n)!.prevHash), toHex(PINNED));
  assert.equal(toHex(net.nodes[0]!.getHeader(1n)!.validatorsHash), toHex(c.validatorsHash));
});
