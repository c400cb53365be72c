/**
 * Fault tests on real validator processes: SIGKILL one validator under load (finality goes on,
 * and it catches up when restarted), SIGKILL all and restart (nothing finalised is lost, same
 * state root), two of four down (no block can be finalised; progress resumes when they return).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, dpn, StateKey, decodeAccount, type KeyPair } from '@dipnet/protocol';
import { DevnetHarness } from './devnet-harness.ts';
import { testAccount, transferBytes, fund, waitCommitted } from './load.ts';

interface HeaderInfo { height: string; hash: string; header: string }

async function headerAt(net: DevnetHarness, node: number, height: bigint): Promise<HeaderInfo> {
  return net.clients[node]!.get<HeaderInfo>(`/v1/headers/${height}`);
}

/** Submits transfers round-robin over the given relays until stopped; returns every accepted hash. */
function startLoad(net: DevnetHarness, senders: KeyPair[], relays: number[]): { stop: () => Promise<string[]> } {
  let running = true;
  const hashes: string[] = [];
  const sink = addressOf(testAccount('sink').publicKey);
  const loops = senders.map(async (s, i) => {
    let nonce = 0n;
    while (running) {
      const client = net.clients[relays[i % relays.length]!]!;
      try {
        hashes.push(await client.submitTx(transferBytes(net.chainId, s, sink, dpn(1), nonce)));
        nonce++;
      } catch {
        // a relay may be briefly unavailable; the same nonce is retried
      }
      await new Promise((r) => setTimeout(r, 40));
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return hashes;
    },
  };
}

test('validators survive SIGKILL: finality continues, restarts catch up, nothing finalised is lost', { timeout: 300_000 }, async () => {
  const net = await DevnetHarness.start(4);
  after(() => net.stop());
  const senders = [0, 1, 2].map((i) => testAccount(`fault-sender-${i}`));
  await fund(net.clients[0]!, net.chainId, senders, dpn(100_000));

  // 1. SIGKILL one validator under load: the other three keep finalising.
  const load = startLoad(net, senders, [0, 1, 2]);
  await new Promise((r) => setTimeout(r, 2000));
  await net.kill(3, 'SIGKILL');
  const atKill = await net.height(0);
  await net.waitUntil(async () => (await net.height(0)) >= atKill + 3n, { timeoutMs: 30_000, what: 'three more blocks with validator 3 killed' });

  // 2. Restart it: it catches up to the others and agrees with them.
  await net.restart(3);
  const target = await net.height(0);
  await net.waitUntil(async () => (await net.height(3)) >= target, { timeoutMs: 60_000, what: 'validator 3 to catch up' });
  assert.equal((await headerAt(net, 3, target)).hash, (await headerAt(net, 0, target)).hash);

  const submitted = await load.stop();
  await waitCommitted(net.clients[0]!, submitted, 60_000);
  assert.ok(submitted.length > 20, `load submitted only ${submitted.length} txs`);

  // 3. SIGKILL every validator at once, then restart them all.
  const top = await net.height(0);
  const before = await Promise.all([0, 1, 2, 3].map((i) => headerAt(net, i, top).catch(() => null)));
  await Promise.all([0, 1, 2, 3].map((i) => net.kill(i, 'SIGKILL')));
  for (let i = 0; i < 4; i++) net.startValidator(i);
  await Promise.all([0, 1, 2, 3].map((i) => net.waitUntil(async () => (await net.height(i)) >= top, { timeoutMs: 60_000, what: `validator ${i} back at height ${top}` })));
  for (let i = 0; i < 4; i++) {
    const h = await headerAt(net, i, top);
    assert.equal(h.hash, (before[0] ?? before.find(Boolean))!.hash, `validator ${i} lost or changed block ${top}`);
    if (before[i]) assert.equal(h.header, before[i]!.header, 'same header, hence same state root');
  }
  for (const hash of submitted) {
    const s = await net.clients[(Number.parseInt(hash.slice(0, 2), 16)) % 4]!.txStatus(hash);
    assert.equal(s.status, 'committed', `tx ${hash} lost after restart`);
  }

  // 4. Two of four down: no block can be finalised; back up: progress resumes.
  await net.kill(2, 'SIGKILL');
  await net.kill(3, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 1500));
  const stuck = await net.height(0);
  const probe = testAccount('probe');
  const probeTx = await net.clients[1]!.submitTx(transferBytes(net.chainId, senders[1]!, addressOf(probe.publicKey), dpn(2), await nextNonce(net, senders[1]!)));
  await new Promise((r) => setTimeout(r, 5000));
  assert.equal(await net.height(0), stuck, 'a block was finalised with half of the stake down');
  assert.equal(await net.height(1), stuck);
  net.startValidator(2);
  net.startValidator(3);
  await waitCommitted(net.clients[1]!, [probeTx], 60_000);
  assert.ok((await net.height(0)) > stuck);
});

async function nextNonce(net: DevnetHarness, key: KeyPair): Promise<bigint> {
  const { value } = await net.clients[0]!.provenValue(StateKey.account(addressOf(key.publicKey)));
  return value ? decodeAccount(value).nonce : 0n;
}
