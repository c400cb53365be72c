import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agoText, backoffMs, secondsSince, dpnText, durationText, relativeTime, shortAddress, shortDuration, shortHex } from './format.ts';
import { waitFor } from './testing.ts';

test('short ids keep 8…6 hex digits and 9…4 address characters', () => {
  assert.equal(shortHex('ab'.repeat(32)), 'abababab…ababab');
  assert.equal(shortHex('abcd'), 'abcd');
  assert.equal(shortAddress('dpn1qqqqqqqqqqqqqqqqqqqqxyz9'), 'dpn1qqqqq…xyz9');
});

test('DPN text is exact, plain or grouped', () => {
  assert.equal(dpnText(1_500_000_000n), '1.5 DPN');
  assert.equal(dpnText('1234500000000'), '1234.5 DPN');
  assert.equal(dpnText(1234_500_000_000n, { grouped: true, locale: 'en-US' }), '1,234.5 DPN');
  assert.equal(dpnText(1n, { grouped: true, locale: 'en-US' }), '0.000000001 DPN');
});

test('durations and ages', () => {
  assert.equal(durationText(36 * 3_600_000), '1.5 days');
  assert.equal(durationText(2 * 3_600_000), '2 hours');
  assert.equal(durationText(60_000), '1 minute');
  assert.equal(durationText(5_000), '5 seconds');
  assert.equal(shortDuration(3n * 86_400_000n), '3 d');
  assert.equal(shortDuration('7200000'), '2 h');
  assert.equal(shortDuration(300_000), '5 min');
  assert.equal(shortDuration(1500), '1.5 s');
  assert.equal(secondsSince(1_000n, 13_999), 12);
  assert.equal(secondsSince(20_000, 10_000), 0);
  assert.equal(agoText(12), '12 s ago');
  assert.equal(agoText(180), '3 min ago');
  assert.equal(agoText(5 * 3600), '5 h ago');
  assert.equal(agoText(2 * 86_400), '2 d ago');
  assert.equal(relativeTime(1_000_000 - 180_000, 1_000_000), '3 min ago');
  assert.equal(relativeTime(1_000_000 + 240_000, 1_000_000), 'in 4 min');
});

test('backoff doubles within ±25% and stops at the cap', () => {
  assert.equal(backoffMs(0, 500, 30_000, () => 0.5), 500);
  assert.equal(backoffMs(3, 500, 30_000, () => 0.5), 4000);
  assert.equal(backoffMs(50, 500, 30_000, () => 0.5), 30_000);
  assert.equal(backoffMs(0, 1000, 30_000, () => 0), 750);
});

test('waitFor returns the first truthy value, or names what it waited for', async () => {
  let n = 0;
  assert.equal(await waitFor(() => (++n >= 3 ? n : undefined), { intervalMs: 1 }), 3);
  await assert.rejects(waitFor(() => false, { timeoutMs: 30, intervalMs: 5, what: 'nothing' }), /timed out after 30 ms waiting for nothing/);
  await assert.rejects(waitFor(() => { throw new Error('boom'); }), /boom/);
  let m = 0;
  assert.equal(await waitFor(() => { if (++m < 3) throw new Error('not up'); return true; }, { intervalMs: 1, retryErrors: true }), true);
  await assert.rejects(waitFor(() => { throw new Error('down'); }, { timeoutMs: 20, intervalMs: 5, what: 'the relay', retryErrors: true }), /waiting for the relay: down/);
});
