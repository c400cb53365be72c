/**
 * The light client following heads over a real relay's event stream (in-process validator, real
 * relay) resumes after its connection drops: it reconnects with Last-Event-ID, and the heads
 * finalised while it was away arrive from the relay's replay — verified like any other, each once
 * and in order — instead of a fresh sync.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { addressOf, genesisHash, toHex, dpn } from '@dipnet/protocol';
import { createLightClient, RelayHttpSource, type LightClient } from './index.ts';
import { startNet } from './testing/devnet.ts';
import { devKey } from '@dipnet/bootstrap-node';
import { waitFor } from '@dipnet/bootstrap-node/testing';

const CHAIN = 'dipnet-lc-sse-resume';
const net = await startNet({ chainId: CHAIN, validators: 1, relays: 1 });
const clients: LightClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
  await net.stop();
});

test('a dropped head stream resumes with Last-Event-ID: the heads finalised meanwhile are replayed, verified, once and in order', { timeout: 60_000 }, async () => {
  const sale = devKey('sale');
  const to = addressOf(devKey('lc/resume').publicKey);
  const sockets = new Set<Socket>();
  net.relays[0]!.server.on('connection', (s: Socket) => sockets.add(s));

  // Records the Last-Event-ID of each event-stream request, and holds the reconnect until the
  // test has finalised blocks the client cannot have seen live.
  const lastEventIds: (string | null)[] = [];
  let allowReconnect: () => void = () => {};
  const reconnectAllowed = new Promise<void>((resolve) => (allowReconnect = resolve));
  const recordingFetch: typeof fetch = async (input, init) => {
    if (String(input).endsWith('/v1/events/heads')) {
      lastEventIds.push(new Headers(init?.headers).get('last-event-id'));
      if (lastEventIds.length > 1) await reconnectAllowed;
    }
    return fetch(input, init);
  };
  const source = new RelayHttpSource(net.relayUrls[0]!, { fetch: recordingFetch });
  const lc = await createLightClient({
    chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, trustingPeriodMs: 86_400_000,
    sources: [source], store: 'memory', follow: true, headWatchMs: 60_000,
  });
  clients.push(lc);
  const heads: bigint[] = [];
  lc.onHead((h) => heads.push(h.height));
  const streams = async (): Promise<number> =>
    Number(/^dipnet_relay_sse_clients (\d+)$/m.exec(await (await fetch(`${net.relayUrls[0]}/metrics`)).text())?.[1]);
  await waitFor(async () => (await streams()) === 1, { timeoutMs: 10_000, what: 'the relay to hold the client\'s stream' });

  const h1 = await net.commit(sale, { type: 'transfer', to, amount: dpn(1), memo: '' });
  await waitFor(() => lc.head().height >= h1, { timeoutMs: 10_000, what: `head ${h1} live` });

  for (const s of sockets) s.destroy(); // the connection drops (a relay restart, a proxy timeout)
  await waitFor(async () => (await streams()) === 0, { timeoutMs: 10_000, what: 'the relay to see the stream gone' });
  const missed: bigint[] = [];
  for (let i = 0; i < 3; i++) missed.push(await net.commit(sale, { type: 'transfer', to, amount: dpn(1), memo: '' }));
  const last = missed.at(-1)!;
  assert.ok(lc.head().height < missed[0]!, 'the client saw none of them live');
  allowReconnect();
  await waitFor(() => lc.head().height >= last, { timeoutMs: 15_000, what: `heads up to ${last} after the reconnect` });

  assert.equal(lastEventIds.length, 2, 'one reconnect');
  assert.equal(lastEventIds[0], '1', 'the first subscription starts above the head the client synced to');
  const resumedAfter = BigInt(lastEventIds[1] ?? assert.fail('the reconnect sent no Last-Event-ID'));
  assert.ok(resumedAfter >= h1 && resumedAfter < missed[0]!, `the reconnect named the last height it had (${resumedAfter})`);
  const after = heads.filter((h) => h > resumedAfter);
  for (const h of missed) assert.ok(after.includes(h), `head ${h} finalised while away was delivered`);
  assert.deepEqual(after, [...after].sort((a, b) => (a < b ? -1 : 1)), 'in order');
  assert.equal(new Set(after).size, after.length, 'each once');
  assert.equal(lc.head().height, net.nodes[0]!.chain.head.height);
});
