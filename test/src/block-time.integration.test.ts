/**
 * Block time bounds on real validator processes (issue 23): validator 3's clock runs 30 s slow.
 *  - Busy, its clock is behind the last block's time: it logs why it does not propose, at error
 *    level, instead of stamping the previous time + 1 ms as it used to.
 *  - On a chain idle for longer than its lag, it does propose — its own clock's time, 30 s in the
 *    past — and each honest validator prevotes nil on it with the reason in its log.
 *  - No block it proposed is ever finalised, and chain time never runs behind honest clocks by
 *    more than the window (timePrecisionMs + messageDelayMs), nor backwards.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { addressOf, decodeHeader, dpn, equalBytes, fromHex, genesisValidatorSet, proposerIndex, DEFAULT_SYNCHRONY } from '@dipnet/protocol';
import { devKey, devValidatorKey, readGenesisFile } from '@dipnet/bootstrap-node';
import { DevnetHarness } from './devnet-harness.ts';
import { testAccount, transferBytes } from './load.ts';

const V = 3;
const SLOW_MS = 30_000;

interface LogLine { level: number; msg: string; reason?: string; height?: string; round?: number }

test('a validator 30 s slow never stamps chain time: it says why it does not propose, the others refuse its proposal with the reason, chain time stays with honest clocks', { timeout: 300_000 }, async () => {
  const net = await DevnetHarness.start(4);
  after(() => net.stop());
  const genesis = readGenesisFile(join(net.dir, 'genesis.json'));
  const set = genesisValidatorSet(genesis);
  const vIndex = set.validators.findIndex((v) => equalBytes(v.publicKey, devValidatorKey(V).publicKey));
  const vAddress = addressOf(devValidatorKey(V).publicKey);
  const client = net.clients[0]!;
  const sale = devKey('sale');
  const sink = addressOf(testAccount('block-time/sink').publicKey);
  let nonce = 0n;
  /** One transfer, committed: one more block. */
  const oneBlock = async () => {
    const hash = await client.submitTx(transferBytes(net.chainId, sale, sink, dpn(1), nonce++));
    await net.waitUntil(async () => (await client.txStatus(hash)).status === 'committed', { timeoutMs: 60_000, what: `transfer ${nonce - 1n}` });
  };

  await net.kill(V, 'SIGTERM');
  net.startValidator(V, [`--clock-offset-ms=-${SLOW_MS}`]);
  await net.waitUntil(async () => (await net.height(V)) >= (await net.height(0)), { timeoutMs: 90_000, what: 'the slow validator to catch up' });
  const from = (await net.height(0)) + 1n;
  const commitSeenAt = new Map<bigint, number>();
  const watch = setInterval(() => {
    void net.height(0).then((h) => { if (!commitSeenAt.has(h)) commitSeenAt.set(h, Date.now()); }, () => undefined);
  }, 20);
  after(() => clearInterval(watch));

  // Busy: one block a transfer, until validator 3 has had its turns as round-0 proposer.
  let turns = 0;
  while (turns < 3) {
    if (proposerIndex(set, (await net.height(0)) + 1n, 0) === vIndex) turns++;
    await oneBlock();
  }
  await net.waitUntil(async () => net.logLines<LogLine>(V).some((l) => l.level >= 50 && /^not proposing: this validator's clock is behind the chain/.test(l.msg)), { timeoutMs: 30_000, what: 'the slow validator to log why it does not propose' });

  // Quiet: make the next height validator 3's turn, then leave the chain idle for longer than its lag.
  while (proposerIndex(set, (await net.height(0)) + 1n, 0) !== vIndex) await oneBlock();
  const idleFrom = (await net.height(0)) + 1n;
  await new Promise((r) => setTimeout(r, SLOW_MS + 3_000));
  await oneBlock();
  const untimely = (i: number) => net.logLines<LogLine>(i).filter((l) => l.msg === 'untimely proposal: prevoting nil' && BigInt(l.height ?? '0') === idleFrom);
  await net.waitUntil(async () => [0, 1, 2].every((i) => untimely(i).length > 0), { timeoutMs: 30_000, what: 'each honest validator to refuse the slow proposal' });
  for (const i of [0, 1, 2]) {
    assert.match(untimely(i)[0]!.reason!, /^block time is 3\d\.\d s behind this validator's clock; round 0 accepts 15\.0 s behind to 10\.0 s ahead$/, `validator ${i}'s reason`);
  }

  // What was finalised: nothing of validator 3's, every time moving forward and within the window of an honest clock.
  const top = await net.height(0);
  let prev = 0n;
  for (let h = from - 1n; h <= top; h++) {
    const header = decodeHeader(fromHex((await client.get<{ header: string }>(`/v1/headers/${h}`)).header));
    assert.ok(header.time > prev, `block ${h}'s time moves forward`);
    prev = header.time;
    if (h < from) continue;
    assert.ok(!equalBytes(header.proposer, vAddress), `block ${h} was proposed by the slow validator`);
    const seen = commitSeenAt.get(h);
    if (seen !== undefined) {
      assert.ok(header.time >= BigInt(seen - DEFAULT_SYNCHRONY.timePrecisionMs - DEFAULT_SYNCHRONY.messageDelayMs), `block ${h}'s time is not behind honest clocks`);
      assert.ok(header.time <= BigInt(seen + DEFAULT_SYNCHRONY.timePrecisionMs), `block ${h}'s time is not ahead of honest clocks`);
    }
  }
  assert.ok(top - from >= 8n, `heights were made meanwhile (${from}…${top})`);
  assert.ok(top >= idleFrom, 'the chain went on after the refused proposal');
  for (let i = 0; i < 4; i++) assert.equal(net.logLines<LogLine>(i).filter((l) => l.msg === 'double sign detected').length, 0, `validator ${i} saw a double sign`);
});
