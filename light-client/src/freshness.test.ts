/**
 * Freshness is part of "verified" (issue 17 §1). A relay that freezes the head — its status stays
 * at an old height, it has "no" newer headers, its event stream sends only heartbeats — or that
 * replays an old genuine head, must not be followed silently. Against real in-process validators,
 * through a proxy in front of a real relay:
 * - alone, the frozen relay makes the head stale within the threshold: the client says so
 *   (`freshness()`, `onFreshness`), refuses to sign a payment on it (LC_HEAD_STALE, nothing sent),
 *   and turns fresh again once the relay does;
 * - with an honest second relay, a frozen or replaying followed relay is left for the honest one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, formatAddress, genesisHash, toHex, LightErrorCode, isLightError, dpn } from '@dipnet/protocol';
import { createLightClient, type Freshness, type LightClient, type LightClientOptions } from './index.ts';
import { netBehindProxy } from './testing/devnet.ts';
import { devKey } from '@dipnet/bootstrap-node';
import { waitFor } from '@dipnet/bootstrap-node/testing';

const CHAIN = 'dipnet-lc-freshness-test';
const { net, proxy, track } = await netBehindProxy({ chainId: CHAIN, validators: 4, relays: 2 });
const sale = devKey('sale');
const viewer = devKey('freshness/viewer');
const transfer = (to: Uint8Array, memo: string) => net.commit(sale, { type: 'transfer', to, amount: dpn(5), memo });
await transfer(addressOf(viewer.publicKey), 'fund the viewer');
const STALE_MS = 2_000;
const open = async (over: Partial<LightClientOptions>): Promise<LightClient> => {
  return track(await createLightClient({
    chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, store: 'memory', follow: true, headWatchMs: 300, staleAfterMs: STALE_MS, ...over,
  }));
};
/** Keeps the chain moving (a block every ~100 ms) until `stop` is set. */
function busyChain(): { stop: () => Promise<void> } {
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) await transfer(addressOf(devKey(`freshness/sink-${i % 3}`).publicKey), `busy ${i}`);
  })();
  return { stop: async () => { running = false; await loop; } };
}

test('a relay that freezes the head: the head turns stale within the threshold, no payment is signed on it, and it turns fresh when the relay recovers', async () => {
  const lc = await open({ relays: [proxy.url] });
  const seen: Freshness[] = [];
  lc.onFreshness((f) => seen.push(f));
  proxy.freezeAt = lc.head().height;
  const frozenAt = lc.head().height;
  const busy = busyChain();
  try {
    await waitFor(() => seen.some((x) => x.state === 'stale'), { timeoutMs: STALE_MS + 8_000, what: 'the head to be reported stale' });
    const f = lc.freshness();
    assert.equal(f.height, frozenAt);
    assert.ok(f.ageMs > STALE_MS, `age ${f.ageMs}`);
    assert.equal(lc.freshness().state, 'stale');
    assert.ok(seen.every((s) => s.height === frozenAt), 'reported at the frozen height');
    assert.ok(net.nodes[0]!.chain.head.height > frozenAt, 'the chain itself moved on');

    await lc.importWallet(viewer.secretKey);
    const nonceBefore = net.nonce(viewer);
    await assert.rejects(lc.transfer({ to: formatAddress(addressOf(sale.publicKey)), amount: dpn(1) }), (e: unknown) => {
      assert.ok(isLightError(e, LightErrorCode.LC_HEAD_STALE), String(e));
      assert.match(e.message, new RegExp(`last verified block is ${frozenAt}, .* old .*the network may be unreachable or hiding newer blocks`));
      return true;
    });
    assert.equal(net.nonce(viewer), nonceBefore, 'nothing was sent');

    proxy.freezeAt = null;
    await waitFor(() => seen.at(-1)!.state === 'fresh', { timeoutMs: 10_000, what: 'the head to be reported fresh again' });
    assert.ok(lc.head().height > frozenAt);
    assert.equal(lc.freshness().state, 'fresh');
  } finally {
    proxy.freezeAt = null;
    await busy.stop();
  }
});

test('a frozen followed relay is left for an honest one that has newer heads', async () => {
  const lc = await open({ relays: [proxy.url, net.relayUrls[1]!] });
  proxy.freezeAt = lc.head().height;
  const busy = busyChain();
  try {
    const target = net.nodes[0]!.chain.head.height + 2n;
    await waitFor(() => lc.head().height >= target, { timeoutMs: 10_000, what: `the client past ${target}` });
    // Fresh once it follows the honest relay (on loaded cores a head can be verified after its
    // 2 s threshold; the next one, with the chain busy, comes within it).
    await waitFor(() => lc.freshness().state === 'fresh', { timeoutMs: 10_000, what: 'a fresh head from the honest relay' });
  } finally {
    proxy.freezeAt = null;
    await busy.stop();
  }
});

test('a relay replaying an old genuine head over its event stream does not keep the client at it', async () => {
  // Long before staleness: only the followed stream's silence about newer heads can tell.
  const lc = await open({ relays: [proxy.url, net.relayUrls[1]!], staleAfterMs: 120_000 });
  const old = lc.head().height;
  let oldEvent: string | null = null;
  proxy.tamperEvent = (data) => (oldEvent ??= data);
  const busy = busyChain();
  try {
    const target = net.nodes[0]!.chain.head.height + 2n;
    await waitFor(() => lc.head().height >= target, { timeoutMs: 10_000, what: `the client past ${target} (it was at ${old})` });
  } finally {
    proxy.tamperEvent = null;
    await busy.stop();
  }
});
