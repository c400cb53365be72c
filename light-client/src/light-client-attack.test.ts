/**
 * A light-client attack, end to end (issue 16 §3): a double-signing minority — validators 2 and 3
 * of 4, half the stake — signs a forged header that names a validator set of just themselves
 * (a lunatic header: its set differs from the chain's), and a lying relay serves it to one client
 * as a witness. The client, skipping ahead, finds two valid commits at one height: it halts and
 * reports; the honest node checks the evidence, floods it to the validators, a block carries it,
 * and the two signers are slashed and jailed — nobody else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOf, genesisHash, toHex, encodeHeader, encodeCommit, encodeValidatorSet, headerHash, makeValidatorSet, validatorSetHash, dpn,
  StateKey, decodeValidatorRecord, COMMUNITY_POOL, decodeAccount, type Header,
} from '@dipnet/protocol';
import { testCommit } from '@dipnet/protocol/test-fixtures';
import { createLightClient, LightErrorCode, isLightError, type ConflictReport } from './index.ts';
import { netBehindProxy } from './testing/devnet.ts';
import { devKey, devValidatorKey } from '@dipnet/bootstrap-node';
import { waitFor } from '@dipnet/bootstrap-node/testing';

const CHAIN = 'dipnet-lc-attack-test';
// The proxy stands in front of relay 0: the lying witness; relay 1 is the honest primary.
const { net, proxy, track } = await netBehindProxy({ chainId: CHAIN, validators: 4, relays: 2 });
const HONEST = net.relayUrls[1]!;
const sale = devKey('sale');
const transfer = (memo: string) => net.commit(sale, { type: 'transfer', to: addressOf(devKey('attack/bob').publicKey), amount: dpn(1), memo });
const n0 = net.nodes[0]!;
const record = (i: number) => decodeValidatorRecord(n0.chain.store.getValue(StateKey.validator(addressOf(devValidatorKey(i).publicKey)))!);
const pool = (): bigint => {
  const raw = n0.chain.store.getValue(StateKey.account(COMMUNITY_POOL));
  return raw ? decodeAccount(raw).balance : 0n;
};

test('a lunatic header signed by a minority halts the client; the evidence lands in a block and exactly its signers are slashed', async () => {
  await transfer('block 1');
  const lc = track(await createLightClient({
    chainId: CHAIN, trust: { genesisHash: toHex(genesisHash(net.genesis)) }, relays: [HONEST, proxy.url], store: 'memory', follow: false,
  }));
  const from = lc.head().height + 1n;
  const poolBefore = pool();

  // The minority's own set, and the headers it signs from `from` on: the chain's, with that set.
  const byzantine = [devValidatorKey(2), devValidatorKey(3)];
  const set = n0.getValidatorSet(from)!;
  const theirSet = makeValidatorSet(byzantine.map((k) => set.validators.find((v) => toHex(v.publicKey) === toHex(k.publicKey))!));
  const forged = new Map<bigint, Header>();
  const forge = (h: bigint): Header => {
    let f = forged.get(h);
    if (!f) forged.set(h, f = { ...n0.getHeader(h)!, validatorsHash: validatorSetHash(theirSet), nextValidatorsHash: validatorSetHash(theirSet), stateRoot: new Uint8Array(32).fill(0xee) });
    return f;
  };
  proxy.tamper = (path, body: any) => {
    const m = /^\/v1\/(headers|commits|validators)\/(\d+)$/.exec(path);
    if (!m || BigInt(m[2]!) < from) return body;
    const h = BigInt(m[2]!);
    if (m[1] === 'validators') return { ...body, validatorSet: toHex(encodeValidatorSet(theirSet)) };
    if (m[1] === 'headers') return { ...body, hash: toHex(headerHash(forge(h))), header: toHex(encodeHeader(forge(h))) };
    return { ...body, commit: toHex(encodeCommit(testCommit(CHAIN, forge(h), theirSet, byzantine))) };
  };
  // The chain moves on; the client skips ahead to its head and asks the witness for the same height.
  for (let i = 0; i < 3; i++) await transfer(`move ${i}`);
  let report: ConflictReport | undefined;
  await assert.rejects(lc.sync(), (e: unknown) => {
    assert.ok(isLightError(e, LightErrorCode.LC_CONFLICT), String(e));
    report = (e.details as { report: ConflictReport }).report;
    return true;
  });
  assert.ok(report!.evidence.some((e) => e.source === HONEST && e.conflicting === 'witness' && e.accepted), JSON.stringify(report!.evidence));
  const height = report!.height;

  // A block carries the attack; validators 2 and 3 are slashed and jailed, 0 and 1 untouched.
  await waitFor(() => {
    for (let h = height; h <= n0.chain.head.height; h++) if ((n0.getBlock(h)?.attacks.length ?? 0) > 0) return true;
    return false;
  }, { timeoutMs: 20_000, what: 'a block carrying the light-client attack' });
  for (const i of [2, 3]) {
    assert.equal(record(i).jailed, true, `validator ${i} jailed`);
    assert.ok(record(i).slashed > 0n, `validator ${i} slashed`);
  }
  for (const i of [0, 1]) assert.deepEqual([record(i).jailed, record(i).slashed], [false, 0n], `validator ${i} untouched`);
  assert.equal(pool() - poolBefore, record(2).slashed + record(3).slashed, 'the slashed stake went to the community pool');
  // Every validator's node acted on the flooded evidence, not only the one the client told.
  await waitFor(() => net.nodes.every((n) => n.conflicts().some((c) => c.height === height)), { timeoutMs: 10_000, what: 'every node to know the conflict' });
  await assert.rejects(lc.getAccount(addressOf(sale.publicKey)), (e: unknown) => isLightError(e, LightErrorCode.LC_HALTED));
});
