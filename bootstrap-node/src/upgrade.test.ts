/**
 * Upgrade signals end to end on four real validator nodes: the board schedules version 0.2.0 at
 * height H; three nodes run 0.2.0 and carry on past H, the node still on 0.1.0 stops at H − 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { addressOf, dpn, resolutionId, type KeyPair, type TxBody } from '@dipnet/protocol';
import { devnetGenesis, devBoardKey } from './devnet/genesis.ts';
import { devKey } from './devnet/dev-keys.ts';
import { startMemoryValidators, signedTx, waitFor } from './testing/fixtures.ts';
import { compareVersions, SOFTWARE_VERSION } from './upgrade.ts';

test('SOFTWARE_VERSION is the package version; versions compare numerically', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(SOFTWARE_VERSION, pkg.version);
  assert.ok(compareVersions('0.10.0', '0.9.9') > 0);
  assert.ok(compareVersions('1.0.0', '1.0.0') === 0);
  assert.ok(compareVersions('0.1.0', '0.1.1') < 0);
});

test('a passed upgrade halts nodes older than its version at its activation height; upgraded ones go on', async () => {
  const chainId = 'upgrade-test';
  const genesis = devnetGenesis({ chainId, validators: 4 });
  const net = await startMemoryValidators(genesis, { softwareVersions: ['0.1.0', '0.2.0', '0.2.0', '0.2.0'] });
  try {
    const [old, fresh] = [net.nodes[0]!, net.nodes[1]!];
    const sale = devKey('sale');
    const board = Array.from({ length: 5 }, (_, i) => devBoardKey(i));
    const nonces = new Map<KeyPair, bigint>();
    const submit = async (k: KeyPair, body: TxBody) => {
      const n = nonces.get(k) ?? 0n;
      nonces.set(k, n + 1n);
      await fresh.submitTx(signedTx(chainId, k, n, body));
    };
    for (const k of board) await submit(sale, { type: 'transfer', to: addressOf(k.publicKey), amount: dpn(10), memo: '' });
    await waitFor(() => old.chain.head.height >= 2n && board.every((k) => old.chain.committedView().get(new Uint8Array([0x01, ...addressOf(k.publicKey)])) !== undefined), { timeoutMs: 20_000, what: 'board funded' });
    const H = fresh.chain.head.height + 8n;
    await submit(board[0]!, { type: 'proposeResolution', body: 'board', action: { type: 'upgrade', version: '0.2.0', severity: 'major' }, deadline: BigInt(Date.now()) + 60_000n, activationHeight: H });
    const id = resolutionId(addressOf(board[0]!.publicKey), 0n);
    await waitFor(() => fresh.mempool.size === 0, { timeoutMs: 10_000, what: 'proposal included' });
    for (const k of board.slice(1)) await submit(k, { type: 'decideResolution', resolution: id, approve: true });
    await waitFor(() => old.pendingUpgrade !== null, { timeoutMs: 20_000, what: 'the old node sees the scheduled upgrade' });
    assert.equal(old.pendingUpgrade!.activationHeight, H);
    assert.equal(fresh.pendingUpgrade, null, 'an upgraded node has nothing to wait for');
    // Keep blocks coming past H: one tx per block (an idle chain makes no empty blocks).
    const deadline = Date.now() + 30_000;
    while (fresh.chain.head.height < H + 2n && Date.now() < deadline) {
      const h = fresh.chain.head.height;
      await submit(sale, { type: 'transfer', to: addressOf(devKey('upgrade/bob').publicKey), amount: 1n, memo: '' });
      await waitFor(() => fresh.chain.head.height > h, { timeoutMs: 10_000, what: 'a block' });
    }
    await waitFor(() => fresh.chain.head.height >= H + 2n, { timeoutMs: 30_000, what: 'upgraded nodes finalise past H' }).catch((e) => {
      throw new Error(`${e.message}: H=${H} heights=${net.nodes.map((n) => n.chain.head.height).join(',')} mempool=${fresh.mempool.size}`);
    });
    assert.equal(old.chain.head.height, H - 1n, 'the old node stopped before the activation height');
  } finally {
    await net.stop();
  }
});
