import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { toHex, headerHash, dpn, addressOf, TOTAL_SUPPLY, StateKey, decodeAccount, isDipnetError, ErrorCode } from '@dipnet/protocol';
import { devnetGenesis } from '../devnet/genesis.ts';
import { devKey, devValidatorKey } from '../devnet/dev-keys.ts';
import { transfer, waitFor, startMemoryValidators } from '../testing/fixtures.ts';

async function startNet(n: number) {
  const net = await startMemoryValidators(devnetGenesis({ chainId: 'dipnet-test', validators: n }));
  return { ...net, cleanup: net.stop };
}

test('four validators finalise transfers and agree on every block', async () => {
  const net = await startNet(4);
  after(net.cleanup);
  const sale = devKey('sale');
  const bob = devKey('bob');
  const n0 = net.nodes[0]!;
  for (let i = 0; i < 30; i++) await n0.submitTx(transfer('dipnet-test', sale, bob, dpn(1), BigInt(i)));
  await waitFor(() => net.nodes.every((n) => n!.mempool.size === 0 && n!.chain.head.height >= 1n), { timeoutMs: 20_000, what: 'txs to commit everywhere' });
  const top = net.nodes.reduce((m, n) => (n!.chain.head.height < m ? n!.chain.head.height : m), 1n << 62n);
  for (let h = 1n; h <= top; h++) {
    const hashes = new Set(net.nodes.map((n) => toHex(headerHash(n!.getHeader(h)!))));
    assert.equal(hashes.size, 1, `nodes disagree at height ${h}`);
  }
  const raw = n0.chain.store.getValue(StateKey.account(addressOf(bob.publicKey)));
  assert.ok(raw);
  assert.equal(decodeAccount(raw).balance, dpn(30));
  // Each tx's commit is verifiable against the validator set of its height.
  const commit = n0.getCommit(1n)!;
  assert.ok(commit.signatures.length >= 3);
  assert.ok(TOTAL_SUPPLY > 0n);
});

test('keeps finalising with one validator down, halts with two, resumes when they return', async () => {
  const net = await startNet(4);
  after(net.cleanup);
  const sale = devKey('sale');
  const n0 = net.nodes[0]!;
  let nonce = 0n;
  const send = () => n0.submitTx(transfer('dipnet-test', sale, devKey('carol'), dpn(1), nonce++));
  await send();
  await waitFor(() => n0.chain.head.height >= 1n, { timeoutMs: 10_000, what: 'first block' });

  net.hub.setDown('node-3', true);
  const h1 = n0.chain.head.height;
  await send();
  await waitFor(() => n0.chain.head.height > h1 && n0.mempool.size === 0, { timeoutMs: 15_000, what: 'progress with one down' });

  net.hub.setDown('node-2', true);
  const h2 = n0.chain.head.height;
  await send();
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(n0.chain.head.height, h2, 'no block may be finalised with half the stake down');

  net.hub.setDown('node-2', false);
  net.hub.setDown('node-3', false);
  await waitFor(() => n0.chain.head.height > h2 && n0.mempool.size === 0, { timeoutMs: 30_000, what: 'progress after recovery' });
  await waitFor(() => net.nodes.every((n) => n!.chain.head.height >= n0.chain.head.height), { timeoutMs: 15_000, what: 'laggards to catch up' });
  const h = n0.chain.head.height;
  const hashes = new Set(net.nodes.map((n) => toHex(headerHash(n!.getHeader(h)!))));
  assert.equal(hashes.size, 1);
});

test('a block naming a proposer outside the validator set is invalid', async () => {
  const net = await startNet(1);
  after(net.cleanup);
  const n0 = net.nodes[0]!;
  await waitFor(() => n0.chain.head.height >= 1n, { timeoutMs: 10_000, what: 'block 1' });
  const head = n0.chain.head;
  const built = await n0.chain.buildBlock(head.time + 1n, addressOf(devValidatorKey(0).publicKey), [], [], n0.getCommit(head.height) ?? null);
  const block = { ...built.block, header: { ...built.block.header, proposer: addressOf(devKey('mallory').publicKey) } };
  // An idle single validator makes no block for a minute, so the head is still the one built on.
  assert.equal(n0.chain.head.height, head.height);
  await assert.rejects(n0.chain.validateBlock(block, null), (e: unknown) => isDipnetError(e, ErrorCode.BLOCK_INVALID) && /proposer/.test((e as Error).message));
});
