/**
 * Clocks disagree in the real world (issue 16 §3). Validators accept a proposal up to 10 s ahead
 * of their own clocks, so a viewer whose clock is a few seconds behind sees headers from "the
 * future": that is a reason to verify again later, never proof that a source lied.
 * Against real in-process validators, one of them with its clock ahead, and their relays.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, genesisHash, toHex, LightErrorCode, isLightError, dpn } from '@dipnet/protocol';
import { createLightClient, type LightClient } from './index.ts';
import { startNet } from './testing/devnet.ts';
import { devKey } from '@dipnet/bootstrap-node';
import { waitFor } from '@dipnet/bootstrap-node/testing';

const CHAIN = 'dipnet-lc-clock-test';
// Validator 0's clock runs 9 s ahead (the most its peers accept is 10 s): every block it proposes,
// and the blocks after it until real time catches up, carry a time ~9 s ahead of real time.
const AHEAD_MS = 9_000;
const net = await startNet({ chainId: CHAIN, validators: 4, relays: 2, clockOffsetsMs: [AHEAD_MS] });
const clients: LightClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
  await net.stop();
});
const sale = devKey('sale');
const GENESIS = toHex(genesisHash(net.genesis));
const transfer = (memo: string) => net.commit(sale, { type: 'transfer', to: addressOf(devKey('clock/bob').publicKey), amount: dpn(1), memo });
await transfer('block 1');

/** Blocks until one proposed by the validator whose clock is ahead is final. */
async function aheadBlock(): Promise<bigint> {
  for (let i = 0; i < 40; i++) {
    const height = await transfer(`tx ${i}`);
    const h = net.nodes[0]!.getHeader(height)!;
    if (Number(h.time) > Date.now() + AHEAD_MS / 2) return height;
  }
  throw new Error('validator 0 proposed no block');
}

for (const behindMs of [3_000, 8_000]) {
  test(`a validator's clock 9 s ahead, a viewer's ${behindMs / 1000} s behind: the viewer keeps syncing and no source is written off`, async () => {
    const lc = await createLightClient({
      chainId: CHAIN, trust: { genesisHash: GENESIS }, trustingPeriodMs: 86_400_000, relays: net.relayUrls, store: 'memory', follow: true,
      now: () => Date.now() - behindMs,
    });
    clients.push(lc);
    const height = await aheadBlock();
    await waitFor(() => lc.head().height >= height, { timeoutMs: 20_000, what: `the viewer at height ${height}` });
    assert.deepEqual(lc.sources().map((s) => s.health), ['ok', 'ok']);
  });
}

test('a header further ahead than the allowed drift is early, not a lie: the source is backed off, never faulty, and the head verifies once the clock catches up', async () => {
  let behindMs = 0;
  const lc = await createLightClient({
    chainId: CHAIN, trust: { genesisHash: GENESIS }, trustingPeriodMs: 86_400_000, relays: [net.relayUrls[0]!], store: 'memory', follow: false,
    now: () => Date.now() - behindMs,
  });
  clients.push(lc);
  behindMs = 60_000;
  const height = await transfer('while the viewer is a minute behind');
  await assert.rejects(lc.sync(), (e: unknown) => {
    assert.ok(isLightError(e, LightErrorCode.LC_HEADER_FROM_FUTURE), String(e));
    assert.match(e.message, /is this device's clock behind\?/);
    return true;
  });
  const [info] = lc.sources();
  assert.equal(info!.health, 'unavailable');
  assert.equal(info!.lastError?.code, LightErrorCode.LC_HEADER_FROM_FUTURE);
  behindMs = 0;
  await waitFor(async () => (await lc.sync().catch(() => null))?.height === height || lc.head().height >= height, { timeoutMs: 20_000, what: 'the head once the clock is right' });
  assert.deepEqual(lc.sources().map((s) => s.health), ['ok']);
});

test('a client whose clock is a minute behind says so at start', async () => {
  await assert.rejects(createLightClient({
    chainId: CHAIN, trust: { genesisHash: GENESIS }, trustingPeriodMs: 86_400_000, relays: net.relayUrls, store: 'memory', follow: false,
    now: () => Date.now() - 60_000,
  }), (e: unknown) => isLightError(e, LightErrorCode.LC_HEADER_FROM_FUTURE) && /clock behind/.test(e.message));
});
