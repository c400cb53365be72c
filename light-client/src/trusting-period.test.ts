/**
 * The trusting period is tied to the chain (issue 16 §3, CometBFT's rule): at most 2/3 of the
 * unbonding period read from proven parameters. On a chain whose unbonding period is 60 s:
 * a client configured for 14 days refuses to start and says why; an unset one trusts for 40 s,
 * and a genesis root older than that cannot anchor trust.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, genesisHash, toHex, LightErrorCode, isLightError, dpn } from '@dipnet/protocol';
import { createLightClient, type LightClient } from './index.ts';
import { startNet } from './testing/devnet.ts';
import { devKey, devnetGenesis } from '@dipnet/bootstrap-node';

const CHAIN = 'dipnet-lc-trusting-test';
const base = devnetGenesis({ chainId: CHAIN, validators: 4 });
const net = await startNet({ chainId: CHAIN, validators: 4, genesis: { ...base, params: { ...base.params, unbondingPeriodMs: 60_000n } } });
const clients: LightClient[] = [];
after(async () => {
  for (const c of clients) await c.close();
  await net.stop();
});
await net.commit(devKey('sale'), { type: 'transfer', to: addressOf(devKey('trusting/bob').publicKey), amount: dpn(1), memo: '' });
const options = { chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, relays: net.relayUrls, store: 'memory' as const, follow: false };

test('a client with a 14-day trusting period on a chain whose unbonding period is 60 s refuses to start, naming the limit', async () => {
  await assert.rejects(createLightClient({ ...options, trustingPeriodMs: 14 * 86_400_000 }), (e: unknown) => {
    assert.ok(isLightError(e, LightErrorCode.LC_TRUSTING_PERIOD_TOO_LONG), String(e));
    assert.match(e.message, /longer than 2\/3 of this chain's unbonding period of 1 min.*Use at most 40 s/);
    assert.equal(e.details.maxTrustingPeriodMs, 40_000);
    return true;
  });
});

test('unset, the trusting period is 2/3 of the proven unbonding period; a configured shorter one is kept', async () => {
  const lc = await createLightClient(options);
  clients.push(lc);
  assert.equal(lc.stats().trustingPeriodMs, 40_000);
  const short = await createLightClient({ ...options, trustingPeriodMs: 30_000 });
  clients.push(short);
  assert.equal(short.stats().trustingPeriodMs, 30_000);
});

test('with the trusting period unset, a genesis root older than 2/3 of the unbonding period cannot anchor trust', async () => {
  await assert.rejects(createLightClient({ ...options, now: () => Date.now() + 45_000 }), (e: unknown) => isLightError(e, LightErrorCode.LC_CHECKPOINT_EXPIRED) && /trusting period of 40 s/.test(e.message));
});
