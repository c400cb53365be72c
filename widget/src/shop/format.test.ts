import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unitsToDecimal, formatDpn, formatDuration } from './format.ts';
import { en, ko, messagesFor } from './messages.ts';

test('DPN amounts are exact to the unit', () => {
  assert.equal(unitsToDecimal(0n), '0');
  assert.equal(unitsToDecimal(1n), '0.000000001');
  assert.equal(unitsToDecimal(12_500_000_000n), '12.5');
  assert.equal(unitsToDecimal(10_000_000_000n * 10n ** 9n), '10000000000');
  assert.equal(formatDpn(123_456_789_000_000_001n, 'en'), '123,456,789.000000001 DPN');
  assert.equal(formatDpn(5n * 10n ** 9n, 'de'), '5 DPN');
});

test('durations and locales', () => {
  assert.equal(formatDuration(3n * 24n * 3600_000n, en), '3 days');
  assert.equal(formatDuration(90n * 60_000n, en), '2 hours');
  assert.equal(formatDuration(10_000n, en), '1 min');
  assert.equal(messagesFor('ko-KR'), ko);
  assert.equal(messagesFor('fr'), en);
  assert.equal(ko.state('producing'), '생산 중');
});
