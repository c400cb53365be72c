/**
 * The light client against real in-process validators (MemoryHub) and their real relays: sync from
 * genesis and from a checkpoint, proven reads, following heads with a witness, a transfer signed
 * and finalised through the client, a lying relay caught case by case, and a stale checkpoint.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOf, formatAddress, genesisHash, toHex, fromHex, headerHash, decodeCommit, encodeCommit, encodeValidatorSet,
  makeValidatorSet, keyPairFromSecret, sha256, utf8, StateKey, decodeAccount, LightErrorCode, isLightError, dpn,
} from '@dipnet/protocol';
import { createLightClient, type LightClient, type LightClientOptions, type TransferStage } from './index.ts';
import { startNet, startProxy } from './testing/devnet.ts';
import { devKey } from '@dipnet/bootstrap-node';
import { waitFor } from '@dipnet/bootstrap-node/testing';

const CHAIN = 'dipnet-lc-test';
const DAY = 86_400_000;
const net = await startNet({ chainId: CHAIN, validators: 4, relays: 2 });
const clients: LightClient[] = [];
const proxies: { close(): Promise<void> }[] = [];
after(async () => {
  for (const c of clients) await c.close();
  for (const p of proxies) await p.close();
  await net.stop();
});

const sale = devKey('sale');
const bob = devKey('lc/bob');
const GENESIS = toHex(genesisHash(net.genesis));
const base = (over: Partial<LightClientOptions> = {}): LightClientOptions => ({
  chainId: CHAIN, trust: { genesisHash: GENESIS }, trustingPeriodMs: DAY, relays: [net.relayUrls[0]!], store: 'memory', follow: false, ...over,
});
const open = async (over: Partial<LightClientOptions> = {}): Promise<LightClient> => {
  const c = await createLightClient(base(over));
  clients.push(c);
  return c;
};
const code = (c: string) => (e: unknown) => {
  assert.ok(isLightError(e), `expected a LightError, got ${String(e)}`);
  assert.equal(e.code, c, e.message);
  return true;
};
const n0 = net.nodes[0]!;
const nodeBalance = (addr: Uint8Array): bigint => {
  const raw = n0.chain.store.getValue(StateKey.account(addr));
  return raw ? decodeAccount(raw).balance : 0n;
};

await net.commit(sale, { type: 'transfer', to: addressOf(bob.publicKey), amount: dpn(5), memo: '' });
await net.commit(sale, { type: 'transfer', to: addressOf(bob.publicKey), amount: dpn(2), memo: '' });

test('syncs from the genesis hash and proves account state against a verified header', async () => {
  const lc = await open();
  const head = lc.head();
  assert.equal(head.height, n0.chain.head.height);
  assert.equal(head.hash, toHex(headerHash(n0.getHeader(head.height)!)));
  const acct = await lc.getAccount(formatAddress(addressOf(bob.publicKey)));
  assert.equal(acct.account.balance, dpn(7));
  assert.equal(acct.exists, true);
  assert.equal(acct.height, head.height);
  const nobody = await lc.getAccount(addressOf(devKey('lc/nobody').publicKey));
  assert.equal(nobody.exists, false, 'absence is proven too');
  assert.equal(nobody.account.balance, 0n);
  const st = lc.stats();
  assert.ok(st.signaturesVerified >= 3 && st.signaturesVerified <= 12, `skipping verification checks few signatures (${st.signaturesVerified})`);
  assert.equal(st.proofsVerified, 3, 'the two accounts, and the chain params read at start (the trusting period)');
  await assert.rejects(lc.getAccount('dpn-not-an-address'), code(LightErrorCode.LC_INVALID_ARGUMENT));
});

test('syncs from a pinned checkpoint without touching earlier history', async () => {
  await net.commit(sale, { type: 'transfer', to: addressOf(bob.publicKey), amount: dpn(1), memo: '' });
  const h = n0.chain.head.height;
  const proxy = await startProxy(net.relayUrls[0]!);
  proxies.push(proxy);
  const lc = await open({ trust: { height: h, hash: toHex(headerHash(n0.getHeader(h)!)) }, relays: [proxy.url] });
  assert.equal(lc.head().height, h);
  assert.ok(!proxy.paths.some((p) => /\/v1\/(headers|commits)\/1$/.test(p)), 'header 1 is never fetched');
  assert.equal((await lc.getAccount(addressOf(bob.publicKey))).account.balance, dpn(8));
  // A checkpoint hash the chain does not have is refused.
  await assert.rejects(open({ trust: { height: h, hash: 'ab'.repeat(32) } }), code(LightErrorCode.LC_CHECKPOINT_MISMATCH));
});

test('a checkpoint older than the trusting period is refused with a clear message', async () => {
  await assert.rejects(open({ now: () => Date.now() + 2 * DAY }), (e: unknown) => {
    code(LightErrorCode.LC_CHECKPOINT_EXPIRED)(e);
    assert.match((e as Error).message, /header 1 is from .*, 2 days ago — older than the trusting period of 1 day\./);
    assert.match((e as Error).message, /pin a recent checkpoint/);
    return true;
  });
});

test('follows new heads over SSE, cross-checked with a witness, without polling', async () => {
  const lc = await open({ relays: net.relayUrls, follow: true });
  const seen: bigint[] = [];
  lc.onHead((h) => seen.push(h.height));
  const h = await net.commit(sale, { type: 'transfer', to: addressOf(bob.publicKey), amount: dpn(1), memo: '' });
  await waitFor(() => lc.head().height >= h, { timeoutMs: 10_000, what: 'the client to verify the announced head' });
  assert.ok(seen.includes(h), `heads seen: ${seen.join(', ')}; tx at ${h}`);
  assert.deepEqual(lc.sources().map((s) => s.health), ['ok', 'ok']);
  assert.equal(lc.head().hash, toHex(headerHash(n0.getHeader(lc.head().height)!)));
});

test('a transfer is signed in the client with a proven nonce and followed to verified finality', async () => {
  const payer = devKey('lc/payer');
  await net.commit(sale, { type: 'transfer', to: addressOf(payer.publicKey), amount: dpn(100), memo: '' });
  const lc = await open({ relays: net.relayUrls, follow: true });
  assert.equal(await lc.importWallet(payer.secretKey), formatAddress(addressOf(payer.publicKey)));
  const carol = addressOf(devKey('lc/carol').publicKey);
  const stages: TransferStage[] = [];
  const r = await lc.transfer({ to: formatAddress(carol), amount: dpn(3), memo: 'thanks' }, (s) => stages.push(s));
  assert.deepEqual(stages.map((s) => s.stage).filter((s) => s !== 'hint'), ['signed', 'submitted', 'finalised']);
  assert.equal(r.nonce, 0n);
  assert.equal(r.account.account.nonce, 1n);
  assert.equal(r.account.account.balance, dpn(97) - r.fee);
  assert.equal(nodeBalance(carol), dpn(3));
  // The next transfer reads the new nonce from a proof.
  const r2 = await lc.transfer({ to: carol, amount: dpn(1) });
  assert.equal(r2.nonce, 1n);
  assert.equal(nodeBalance(carol), dpn(4));
  // Overspending is proven from the account before anything is sent, with the chain's code.
  const nonceBefore = net.nonce(sale);
  await assert.rejects(lc.transfer({ to: carol, amount: dpn(1_000_000_000_000) }), (e: unknown) => {
    code(LightErrorCode.LC_TX_REJECTED)(e);
    assert.equal((e as { details: { remoteCode: string; proven: boolean } }).details.remoteCode, 'TX_INSUFFICIENT_FUNDS');
    assert.equal((e as { details: { proven: boolean } }).details.proven, true);
    return true;
  });
  assert.equal(net.nonce(sale), nonceBefore, 'nothing was sent');
});

test('a lying relay is caught, with a specific error for each lie, and no longer trusted', async () => {
  const proxy = await startProxy(net.relayUrls[0]!);
  proxies.push(proxy);
  const bobAddr = formatAddress(addressOf(bob.publicKey));
  const flipHex = (hex: string, byteIndex: number): string => {
    const b = fromHex(hex);
    b[byteIndex]! ^= 0x01;
    return toHex(b);
  };
  const expectLie = async (tamper: (path: string, body: any) => any, op: (lc: LightClient) => Promise<unknown>, expected: string, opts: Partial<LightClientOptions> = {}) => {
    proxy.tamper = null;
    const lc = await open({ relays: [proxy.url], ...opts });
    proxy.tamper = tamper;
    await assert.rejects(op(lc), code(expected));
    const info = lc.sources()[0]!;
    assert.equal(info.health, 'faulty', `${expected}: the source is no longer trusted`);
    assert.equal(info.lastError?.code, expected);
    proxy.tamper = null;
    await assert.rejects(lc.getAccount(bobAddr), code(LightErrorCode.LC_NO_SOURCES));
  };
  const read = (lc: LightClient) => lc.getAccount(bobAddr);
  const newBlock = async (lc: LightClient) => {
    await net.commit(sale, { type: 'transfer', to: addressOf(bob.publicKey), amount: 1n, memo: '' });
    return lc.sync();
  };

  // state: a flipped byte in a sibling hash of the proof
  await expectLie((p, b) => {
    if (!p.startsWith('/v1/state/')) return b;
    const proof = fromHex(b.proof);
    const depth = (proof[0]! << 8) | proof[1]!;
    return { ...b, proof: flipHex(b.proof, 2 + ((depth + 7) >> 3) + 3) };
  }, read, LightErrorCode.LC_PROOF_INVALID);
  // state: a tampered value with the honest proof
  await expectLie((p, b) => (p.startsWith('/v1/state/') ? { ...b, value: flipHex(b.value, 10) } : b), read, LightErrorCode.LC_PROOF_INVALID);
  // state: a truncated proof
  await expectLie((p, b) => (p.startsWith('/v1/state/') ? { ...b, proof: b.proof.slice(0, -8) } : b), read, LightErrorCode.LC_PROOF_MALFORMED);
  // state: a proof against another height's state root
  await expectLie((p, b) => {
    if (!p.startsWith('/v1/state/')) return b;
    const h = BigInt(b.height) - 1n;
    return { ...b, stateRoot: toHex(n0.getHeader(h)!.stateRoot) };
  }, read, LightErrorCode.LC_PROOF_HEIGHT_MISMATCH);
  // headers: a forged signature in the commit of a new head
  await expectLie((p, b) => (p.startsWith('/v1/commits/') ? { ...b, commit: flipHex(b.commit, 8 + 4 + 32 + 4 + 2 + 10) } : b), newBlock, LightErrorCode.LC_SIGNATURE_INVALID);
  // headers: a commit carrying only 2 of 4 equal validators' signatures
  await expectLie((p, b) => {
    if (!p.startsWith('/v1/commits/')) return b;
    const c = decodeCommit(fromHex(b.commit));
    return { ...b, commit: toHex(encodeCommit({ ...c, signatures: c.signatures.slice(0, 2) })) };
  }, newBlock, LightErrorCode.LC_COMMIT_INSUFFICIENT_POWER);
  // headers: a different validator set
  const fakeKeys = [1, 2, 3, 4].map((i) => keyPairFromSecret(sha256(utf8(`fake-${i}`))));
  const fakeSet = toHex(encodeValidatorSet(makeValidatorSet(fakeKeys.map((k) => ({ publicKey: k.publicKey, power: 1_000_000n })))));
  // (sets are fetched once per hash, so this lie has to be told while the client starts)
  proxy.tamper = (p, b: any) => (p.startsWith('/v1/validators/') ? { ...b, validatorSet: fakeSet } : b);
  await assert.rejects(open({ relays: [proxy.url] }), (e: unknown) => {
    code(LightErrorCode.LC_VALIDATOR_SET_MISMATCH)(e);
    assert.equal((e as { details: { source: string } }).details.source, proxy.url);
    return true;
  });
  // headers: a header whose state root was replaced (the commit no longer matches it)
  await expectLie((p, b) => {
    if (!p.startsWith('/v1/headers/')) return b;
    const hdr = fromHex(b.header);
    hdr[hdr.length - 100]! ^= 1; // inside stateRoot
    return { ...b, header: toHex(hdr) };
  }, newBlock, LightErrorCode.LC_COMMIT_MISMATCH);
});

test('with an honest second source, a lie costs nothing but the liar', async () => {
  const proxy = await startProxy(net.relayUrls[0]!);
  proxies.push(proxy);
  const lc = await open({ relays: [proxy.url, net.relayUrls[1]!] });
  proxy.tamper = (p, b: any) => (p.startsWith('/v1/state/') ? { ...b, value: b.value.replace(/^../, 'ff') } : b);
  const acct = await lc.getAccount(addressOf(bob.publicKey));
  assert.equal(acct.account.balance, nodeBalance(addressOf(bob.publicKey)));
  assert.deepEqual(lc.sources().map((s) => [s.health, s.lastError?.code ?? null]), [['faulty', LightErrorCode.LC_PROOF_INVALID], ['ok', null]]);
});
