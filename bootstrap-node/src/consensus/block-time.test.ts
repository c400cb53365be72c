import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, dpn, equalBytes, genesisValidatorSet, proposerIndex, DEFAULT_SYNCHRONY, type Genesis } from '@dipnet/protocol';
import { devnetGenesis } from '../devnet/genesis.ts';
import { devKey, devValidatorKey } from '../devnet/dev-keys.ts';
import { transfer, waitFor, startMemoryValidators } from '../testing/fixtures.ts';
import type { NodeLogger } from '../node.ts';

interface Line { level: 'info' | 'warn' | 'error'; msg: string; obj: Record<string, unknown> }

function recorder(): { log: NodeLogger; lines: Line[] } {
  const lines: Line[] = [];
  const put = (level: Line['level']) => (obj: object, msg: string) => { lines.push({ level, msg, obj: obj as Record<string, unknown> }); };
  return { log: { info: put('info'), warn: put('warn'), error: put('error') }, lines };
}

/** The dev validator index (devValidatorKey(i)) that proposes round 0 of `height` under the genesis set. */
function proposerOf(genesis: Genesis, height: bigint): number {
  const set = genesisValidatorSet(genesis);
  const pk = set.validators[proposerIndex(set, height, 0)]!.publicKey;
  return [0, 1, 2, 3].find((i) => equalBytes(devValidatorKey(i).publicKey, pk))!;
}

const OFF_MS = 30_000;

for (const [way, offset] of [['slow', -OFF_MS], ['fast', OFF_MS]] as const) {
  test(`a validator ${OFF_MS / 1000} s ${way}: the others refuse its proposals with a logged reason, and chain time stays within the window of honest clocks`, async () => {
    // An old genesis: the slow clock is past the genesis time, so at height 1 it does propose — its own clock's time.
    const genesis = devnetGenesis({ chainId: 'dipnet-time', validators: 4, genesisTime: BigInt(Date.now() - 2 * OFF_MS) });
    const odd = proposerOf(genesis, 1n);
    const logs = [0, 1, 2, 3].map(() => recorder());
    const net = await startMemoryValidators(genesis, {
      clockOffsetsMs: [0, 1, 2, 3].map((i) => (i === odd ? offset : 0)),
      loggers: logs.map((l) => l.log),
    });
    after(net.stop);
    const honest = net.nodes.find((_, i) => i !== odd)!;
    const commitSeenAt = new Map<bigint, number>();
    const watch = setInterval(() => { if (!commitSeenAt.has(honest.chain.head.height)) commitSeenAt.set(honest.chain.head.height, Date.now()); }, 5);
    after(() => clearInterval(watch));
    const sale = devKey('sale');
    // One transfer a block: every validator gets its turns as proposer.
    for (let i = 0; i < 16; i++) {
      await honest.submitTx(transfer('dipnet-time', sale, devKey('bob'), dpn(1), BigInt(i)));
      await waitFor(() => honest.mempool.size === 0, { timeoutMs: 20_000, what: `transfer ${i} to commit` });
    }
    assert.ok(honest.chain.head.height >= 12n, `12 heights (${honest.chain.head.height})`);

    // The others said why they prevoted nil on its proposal at height 1 (and on every one after, when fast).
    const refusals = logs.filter((_, i) => i !== odd).flatMap((l) => l.lines.filter((x) => x.msg === 'untimely proposal: prevoting nil'));
    assert.ok(refusals.length >= 3, `each honest validator logged a refusal (${refusals.length})`);
    for (const r of refusals) assert.match(String(r.obj.reason), new RegExp(`block time is (29|3\\d)\\.\\d s ${way === 'slow' ? 'behind' : 'ahead of'} this validator's clock; round \\d+ accepts \\d+\\.\\d s behind to 10\\.0 s ahead`));
    if (way === 'slow') {
      // Busy, its clock is behind the last block's time: it says so rather than stamp a time from the past.
      assert.ok(logs[odd]!.lines.some((x) => x.level === 'error' && /^not proposing: this validator's clock is behind the chain/.test(x.msg)), 'the slow validator logged why it does not propose');
    }

    // Not one block carries its proposal, and every block's time is within the window of an honest clock.
    const oddAddress = addressOf(devValidatorKey(odd).publicKey);
    let prev = genesis.genesisTime;
    for (let h = 1n; h <= honest.chain.head.height; h++) {
      const header = honest.getHeader(h)!;
      assert.ok(!equalBytes(header.proposer, oddAddress), `block ${h} was proposed by the ${way} validator`);
      assert.ok(header.time > prev, `time moves forward at ${h}`);
      prev = header.time;
      const seen = commitSeenAt.get(h);
      if (seen !== undefined) {
        assert.ok(header.time <= BigInt(seen + DEFAULT_SYNCHRONY.timePrecisionMs), `block ${h} is not ahead of honest clocks`);
        assert.ok(header.time >= BigInt(seen - DEFAULT_SYNCHRONY.timePrecisionMs - DEFAULT_SYNCHRONY.messageDelayMs), `block ${h} is not behind honest clocks`);
      }
    }
    // Nobody forked or was accused.
    for (const l of logs) assert.equal(l.lines.filter((x) => x.msg === 'double sign detected').length, 0);
  });
}
