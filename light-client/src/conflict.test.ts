/**
 * Two valid commits for different headers at one height stop the client with an evidence report,
 * and the evidence reaches the nodes (which verify it against their own chain):
 * 1. two networks started from one genesis with the same validator keys (validators that signed
 *    two chains): the genesis-rooted client sees different, validly signed headers at height 1;
 *    the validators that precommitted both in one round are jailed by duplicate-vote evidence;
 * 2. a witness relay serving a new head re-signed by the real validator keys with another state
 *    root (a double-sign): caught while following heads.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, genesisHash, toHex, encodeHeader, encodeCommit, headerHash, dpn, StateKey, decodeValidatorRecord, type Header } from '@dipnet/protocol';
import { testCommit } from '@dipnet/protocol/test-fixtures';
import { createLightClient, LightErrorCode, isLightError, type ConflictReport, type LightClient } from './index.ts';
import { startNet, startProxy } from './testing/devnet.ts';
import { devKey, devValidatorKey, devnetGenesis } from '@dipnet/bootstrap-node';
import { waitFor } from '@dipnet/bootstrap-node/testing';

const CHAIN = 'dipnet-lc-conflict-test';
const genesis = devnetGenesis({ chainId: CHAIN, validators: 4 });
const a = await startNet({ chainId: CHAIN, validators: 4, genesis, relays: 2 });
const b = await startNet({ chainId: CHAIN, validators: 4, genesis, relays: 1 });
const clients: LightClient[] = [];
const proxy = await startProxy(a.relayUrls[1]!);
after(async () => {
  for (const c of clients) await c.close();
  await proxy.close();
  await a.stop();
  await b.stop();
});
const sale = devKey('sale');
await a.commit(sale, { type: 'transfer', to: addressOf(devKey('on-a').publicKey), amount: dpn(1), memo: '' });
await b.commit(sale, { type: 'transfer', to: addressOf(devKey('on-b').publicKey), amount: dpn(2), memo: '' });
const GENESIS = toHex(genesisHash(genesis));

test('the scenario is real: both chains descend from one genesis and differ at height 1', () => {
  assert.notEqual(toHex(headerHash(a.nodes[0]!.getHeader(1n)!)), toHex(headerHash(b.nodes[0]!.getHeader(1n)!)));
});

test('a fork at the trust root halts the client with a report, and the evidence is accepted by the nodes', async () => {
  let report: ConflictReport | undefined;
  await assert.rejects(
    createLightClient({ chainId: CHAIN, trust: { genesisHash: GENESIS }, trustingPeriodMs: 86_400_000, relays: [a.relayUrls[0]!, b.relayUrls[0]!], store: 'memory', follow: false }),
    (e: unknown) => {
      assert.ok(isLightError(e, LightErrorCode.LC_CONFLICT), String(e));
      report = (e.details as { report: ConflictReport }).report;
      return true;
    },
  );
  assert.ok(report);
  assert.equal(report.height, 1n);
  assert.equal(report.primary.source, a.relayUrls[0]);
  assert.equal(report.witness.source, b.relayUrls[0]);
  assert.equal(report.primary.headerHash, toHex(headerHash(a.nodes[0]!.getHeader(1n)!)));
  assert.equal(report.witness.headerHash, toHex(headerHash(b.nodes[0]!.getHeader(1n)!)));
  // Each network's node accepts the other network's header as evidence, and rejects its own.
  const accepted = report.evidence.filter((e) => e.accepted).map((e) => `${e.source}:${e.conflicting}`).sort();
  assert.deepEqual(accepted, [`${a.relayUrls[0]}:witness`, `${b.relayUrls[0]}:primary`].sort());
  assert.equal(a.nodes[0]!.conflicts().length, 1);
  assert.equal(b.nodes[0]!.conflicts().length, 1);
  // Same parent and sets, another block: the validators whose precommits for both blocks sit in
  // the two commits in one round double-signed; duplicate-vote evidence lands and jails them.
  const ca = a.nodes[0]!.getCommit(1n)!;
  const cb = b.nodes[0]!.getCommit(1n)!;
  const set = a.nodes[0]!.getValidatorSet(1n)!;
  const both = ca.round === cb.round ? ca.signatures.filter((s) => cb.signatures.some((t) => t.validatorIndex === s.validatorIndex)).map((s) => addressOf(set.validators[s.validatorIndex]!.publicKey)) : [];
  assert.ok(both.length > 0, 'the scenario has double signers');
  await waitFor(() => both.every((addr) => {
    const raw = a.nodes[0]!.chain.store.getValue(StateKey.validator(addr));
    return raw !== undefined && decodeValidatorRecord(raw).jailed;
  }), { timeoutMs: 20_000, what: 'the double signers jailed on chain a' });
});

test('a double-signed head served by a witness halts a following client; reads stop', async () => {
  const lc = await createLightClient({ chainId: CHAIN, trust: { genesisHash: GENESIS }, trustingPeriodMs: 86_400_000, relays: [a.relayUrls[0]!, proxy.url], store: 'memory', follow: true });
  clients.push(lc);
  const conflicts: ConflictReport[] = [];
  lc.onConflict((r) => conflicts.push(r));
  const from = a.nodes[0]!.chain.head.height + 1n;
  // The validators (whose keys the test holds) sign a second header at every new height.
  const keys = [0, 1, 2, 3].map(devValidatorKey);
  const forged = new Map<string, Header>();
  const forge = (h: bigint): Header => {
    const real = a.nodes[0]!.getHeader(h)!;
    let f = forged.get(h.toString());
    if (!f) {
      f = { ...real, stateRoot: new Uint8Array(32).fill(0xee) };
      forged.set(h.toString(), f);
    }
    return f;
  };
  proxy.tamper = (path, body: any) => {
    const m = /^\/v1\/(headers|commits)\/(\d+)$/.exec(path);
    if (!m || BigInt(m[2]!) < from) return body;
    const h = BigInt(m[2]!);
    const f = forge(h);
    if (m[1] === 'headers') return { ...body, hash: toHex(headerHash(f)), header: toHex(encodeHeader(f)) };
    const set = a.nodes[0]!.getValidatorSet(h)!;
    // Whoever is still in the set signs (the fork at the root got some of them jailed).
    return { ...body, commit: toHex(encodeCommit(testCommit(CHAIN, f, set, keys.filter((k) => set.validators.some((v) => toHex(v.publicKey) === toHex(k.publicKey)))))) };
  };
  const h = await a.commit(sale, { type: 'transfer', to: addressOf(devKey('on-a').publicKey), amount: dpn(1), memo: '' });
  await waitFor(() => conflicts.length > 0, { timeoutMs: 10_000, what: 'the conflict to be detected and reported' });
  const r = lc.conflict()!;
  assert.equal(r.height, h);
  assert.equal(conflicts.length, 1);
  assert.equal(r.witness.headerHash, toHex(headerHash(forge(h))));
  assert.ok(r.evidence.some((e) => e.source === a.relayUrls[0] && e.conflicting === 'witness' && e.accepted), JSON.stringify(r.evidence));
  await waitFor(() => a.nodes[0]!.conflicts().some((c) => c.height === h), { timeoutMs: 5_000, what: 'the node to record the evidence' });
  assert.ok(lc.head().height < h, 'the conflicting height never became trusted');
  await assert.rejects(lc.getAccount(addressOf(sale.publicKey)), (e: unknown) => isLightError(e, LightErrorCode.LC_HALTED));
});
