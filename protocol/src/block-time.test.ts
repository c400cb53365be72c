import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timelyWindow, untimelyReason, checkSynchronyParams, DEFAULT_SYNCHRONY, MAX_SYNCHRONY_MS } from './block-time.ts';
import { decodeParams, encodeParams } from './state-schema.ts';
import { TEST_PARAMS } from './test-fixtures.ts';
import { isDipnetError } from './errors.ts';

const now = 1_800_000_000_000n;

test('a proposal is timely from messageDelay + precision behind to precision ahead, edges included', () => {
  const p = { timePrecisionMs: 500, messageDelayMs: 2_000 };
  assert.deepEqual(timelyWindow(p, now, 0), { earliest: now - 2_500n, latest: now + 500n });
  assert.equal(untimelyReason(p, now - 2_500n, now, 0), null);
  assert.equal(untimelyReason(p, now + 500n, now, 0), null);
  assert.equal(untimelyReason(p, now - 2_501n, now, 0), 'block time is 2.5 s behind this validator\'s clock; round 0 accepts 2.5 s behind to 0.5 s ahead');
  assert.equal(untimelyReason(p, now + 501n, now, 0), 'block time is 0.5 s ahead of this validator\'s clock; round 0 accepts 2.5 s behind to 0.5 s ahead');
});

test('the message delay grows 10% a round, so a slower network than the parameter still decides; precision does not', () => {
  const p = { timePrecisionMs: 500, messageDelayMs: 2_000 };
  assert.equal(timelyWindow(p, now, 1).earliest, now - 2_200n - 500n);
  assert.equal(timelyWindow(p, now, 10).earliest, now - BigInt(Math.ceil(2_000 * 1.1 ** 10)) - 500n);
  assert.equal(timelyWindow(p, now, 10).latest, now + 500n);
  // A huge round number is capped, never Infinity or NaN.
  assert.equal(typeof timelyWindow(p, now, 1_000_000).earliest, 'bigint');
});

test('the default window is the chain\'s old bound ahead (10 s) and 15 s behind', () => {
  assert.deepEqual(timelyWindow(DEFAULT_SYNCHRONY, now, 0), { earliest: now - 15_000n, latest: now + 10_000n });
  assert.match(untimelyReason(DEFAULT_SYNCHRONY, now - 30_000n, now, 0)!, /^block time is 30\.0 s behind/);
});

test('synchrony params are chain params: encoded, and out-of-range values refused where params enter', () => {
  const p = { ...TEST_PARAMS, timePrecisionMs: 750, messageDelayMs: 3_000 };
  assert.deepEqual(decodeParams(encodeParams(p)), p);
  for (const bad of [{ timePrecisionMs: 0 }, { messageDelayMs: 0 }, { timePrecisionMs: MAX_SYNCHRONY_MS + 1 }, { messageDelayMs: 1.5 }]) {
    const q = { ...DEFAULT_SYNCHRONY, ...bad };
    assert.throws(() => checkSynchronyParams(q), (e) => isDipnetError(e) && /must be an integer from 1 to 600000 ms/.test(e.message));
  }
  // Bytes naming a zero precision do not decode.
  const zero = encodeParams({ ...TEST_PARAMS, timePrecisionMs: 1 });
  zero[zero.length - 5] = 0;
  assert.throws(() => decodeParams(zero), /timePrecisionMs must be an integer/);
});
