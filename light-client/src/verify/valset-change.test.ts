/**
 * Skipping verification across a real validator-set change. Genesis has validators 0–2 (1M DPN
 * each); validators 3–5 register with 3M each (75% of the new stake) and the genesis validators
 * then go offline, so later heads are signed by 3–5 alone. A client trusting genesis cannot jump
 * to such a head (none of its trusted set signed it): it must bisect to a header signed by both
 * generations, then jump from there. Sequential verification reaches the same head.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, genesisHash, toHex, headerHash, validatorSetHash, equalBytes, dpn, StateKey, decodeAccount } from '@dipnet/protocol';
import { createLightClient, type LightClientOptions } from '../index.ts';
import { startNet, waitHeight } from '../testing/devnet.ts';
import { devKey, devValidatorKey } from '@dipnet/bootstrap-node';

const CHAIN = 'dipnet-lc-valset-test';
const net = await startNet({ chainId: CHAIN, validators: 3, relays: 0 });
after(() => net.stop());
const sale = devKey('sale');

// Validators 3–5 run nodes from the start, outside the set; node 3 serves the relay.
const joiners = [3, 4, 5].map(devValidatorKey);
const added = [];
for (const k of joiners) added.push(await net.addNode(k.secretKey));
const relay = added[0]!.url;
const n3 = added[0]!.node;

for (const k of joiners) await net.commit(sale, { type: 'transfer', to: addressOf(k.publicKey), amount: dpn(3_000_100), memo: '' });
const checkpointHeight = n3.chain.head.height;
let registeredAt = 0n;
for (const k of joiners) registeredAt = await net.commit(k, { type: 'registerValidator', moniker: `joiner`, selfBond: dpn(3_000_000) });
// The new set signs from registeredAt + 2; make sure blocks are signed by it while 0–2 are still up.
await net.commit(sale, { type: 'transfer', to: addressOf(devKey('x').publicKey), amount: 1n, memo: '' });
await net.commit(sale, { type: 'transfer', to: addressOf(devKey('x').publicKey), amount: 1n, memo: '' });
await net.commit(sale, { type: 'transfer', to: addressOf(devKey('x').publicKey), amount: 1n, memo: '' });
const mixedHeight = n3.chain.head.height;
assert.equal(n3.getValidatorSet(mixedHeight)!.validators.length, 6);
await waitHeight(net, mixedHeight);
// The genesis generation leaves.
for (const i of [0, 1, 2]) await net.stopNode(i);
for (let i = 0; i < 4; i++) await net.commit(sale, { type: 'transfer', to: addressOf(devKey('y').publicKey), amount: 1n, memo: '' }, 3);
const top = n3.chain.head.height;

const genesisKeys = [0, 1, 2].map((i) => toHex(devValidatorKey(i).publicKey));
const signersOf = (h: bigint): string[] => {
  const set = n3.getValidatorSet(h)!;
  return n3.getCommit(h)!.signatures.map((s) => toHex(set.validators[s.validatorIndex]!.publicKey));
};

const opts = (over: Partial<LightClientOptions> = {}): LightClientOptions => ({
  chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, trustingPeriodMs: 86_400_000, relays: [relay], store: 'memory', follow: false, ...over,
});

test('the scenario is real: the head is signed by none of the genesis validators', () => {
  assert.ok(registeredAt > checkpointHeight);
  assert.equal(signersOf(top).filter((k) => genesisKeys.includes(k)).length, 0);
  assert.ok(!equalBytes(validatorSetHash(n3.getValidatorSet(1n)!), validatorSetHash(n3.getValidatorSet(top)!)));
});

test('skipping from genesis bisects across the validator-set change', async () => {
  const lc = await createLightClient(opts());
  try {
    assert.equal(lc.head().height, top);
    assert.equal(lc.head().hash, toHex(headerHash(n3.getHeader(top)!)));
    const s = lc.stats();
    assert.ok(s.bisections >= 1, `bisected ${s.bisections} times`);
    assert.ok(s.headersVerified < Number(top), `verified ${s.headersVerified} of ${top} headers`);
    const j = addressOf(joiners[0]!.publicKey);
    const raw = n3.chain.store.getValue(StateKey.account(j))!;
    assert.equal((await lc.getAccount(j)).account.balance, decodeAccount(raw).balance);
  } finally {
    await lc.close();
  }
});

test('skipping from a checkpoint before the change, and sequential from genesis, agree', async () => {
  const cp = await createLightClient(opts({ trust: { height: checkpointHeight, hash: toHex(headerHash(n3.getHeader(checkpointHeight)!)) } }));
  const seq = await createLightClient(opts({ mode: 'sequential' }));
  try {
    assert.equal(cp.head().hash, seq.head().hash);
    assert.equal(seq.head().height, top);
    assert.equal(seq.stats().headersVerified, Number(top), 'sequential checks every header');
    assert.ok(cp.stats().bisections >= 1);
  } finally {
    await cp.close();
    await seq.close();
  }
});
