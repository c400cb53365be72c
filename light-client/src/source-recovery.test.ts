/**
 * A source written off for a lie is asked again later (issue 16 §3): a relay operator may repair a
 * relay, and a page whose only relay lied once must not stay dead. The faulty mark backs off (30 s,
 * doubling, for data that failed cryptographic checks), says why, and clears when the source
 * serves verified data again. The client's clock is injected, so the test moves time, not waits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, genesisHash, toHex, LightErrorCode, isLightError, dpn } from '@dipnet/protocol';
import { createLightClient, type LightClient } from './index.ts';
import { netBehindProxy } from './testing/devnet.ts';
import { devKey } from '@dipnet/bootstrap-node';

const CHAIN = 'dipnet-lc-recovery-test';
const { net, proxy, track } = await netBehindProxy({ chainId: CHAIN, validators: 4, relays: 1 });
const bob = addressOf(devKey('recovery/bob').publicKey);
await net.commit(devKey('sale'), { type: 'transfer', to: bob, amount: dpn(3), memo: '' });

/** A client behind the proxy, whose clock the test moves with `clock.skewMs`; the proxy starts lying. */
async function lyingRelayClient(): Promise<{ lc: LightClient; clock: { skewMs: number } }> {
  const clock = { skewMs: 0 };
  const lc = track(await createLightClient({
    chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, trustingPeriodMs: 86_400_000, relays: [proxy.url], store: 'memory', follow: false,
    now: () => Date.now() + clock.skewMs,
  }));
  proxy.tamper = (p, b: any) => (p.startsWith('/v1/state/') ? { ...b, value: b.value.replace(/^../, 'ff') } : b);
  return { lc, clock };
}

test('a relay that lied once is asked again after its backoff and trusted again once it serves verified data', async () => {
  const { lc, clock } = await lyingRelayClient();
  await assert.rejects(lc.getAccount(bob), (e: unknown) => isLightError(e, LightErrorCode.LC_PROOF_INVALID));
  const [faulty] = lc.sources();
  assert.equal(faulty!.health, 'faulty');
  assert.equal(faulty!.lastError?.code, LightErrorCode.LC_PROOF_INVALID, 'the UI can say why');
  assert.ok(faulty!.retryAt! - Date.now() >= 20_000, `asked again no sooner than ~30 s (in ${faulty!.retryAt! - Date.now()} ms)`);

  // The relay is repaired, but its backoff has not passed: nothing is asked, the error says when.
  proxy.tamper = null;
  await assert.rejects(lc.getAccount(bob), (e: unknown) => isLightError(e, LightErrorCode.LC_NO_SOURCES) && (e.details.retryInMs as number) > 0);

  clock.skewMs = 60_000;
  const acct = await lc.getAccount(bob);
  assert.equal(acct.account.balance, dpn(3));
  assert.deepEqual(lc.sources().map((s) => [s.health, s.retryAt]), [['ok', null]]);
});

test('a second lie doubles the backoff', async () => {
  const { lc, clock } = await lyingRelayClient();
  await assert.rejects(lc.getAccount(bob));
  const first = lc.sources()[0]!.retryAt! - (Date.now() + clock.skewMs);
  clock.skewMs += 120_000;
  await assert.rejects(lc.getAccount(bob), (e: unknown) => isLightError(e, LightErrorCode.LC_PROOF_INVALID));
  const second = lc.sources()[0]!.retryAt! - (Date.now() + clock.skewMs);
  assert.ok(second > first * 1.3, `second backoff ${second} ms after a first of ${first} ms`);
  proxy.tamper = null;
});
