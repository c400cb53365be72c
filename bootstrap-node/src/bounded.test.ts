/** Bounded set and map: the oldest entries go first, sizes never exceed the bound. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedSet, BoundedMap } from './bounded.ts';

test('BoundedSet keeps the newest `max` keys', () => {
  const s = new BoundedSet<string>(3);
  for (const k of ['a', 'b', 'c', 'a', 'd']) s.add(k);
  assert.equal(s.size, 3);
  assert.deepEqual(['a', 'b', 'c', 'd'].map((k) => s.has(k)), [false, true, true, true]);
  for (let i = 0; i < 1000; i++) s.add(`k${i}`);
  assert.equal(s.size, 3);
  assert.deepEqual(['k996', 'k997', 'k998', 'k999'].map((k) => s.has(k)), [false, true, true, true]);
});

test('BoundedMap evicts in insertion order; overwriting keeps an entry its age', () => {
  const m = new BoundedMap<string, number>(3);
  m.set('a', 1);
  m.set('b', 2);
  m.set('c', 3);
  m.set('a', 10); // still the oldest
  m.set('d', 4);
  assert.equal(m.has('a'), false);
  assert.deepEqual(['b', 'c', 'd'].map((k) => m.get(k)), [2, 3, 4]);
  assert.equal(m.size, 3);
});

test('BoundedMap: a key deleted and added again lives in its new slot only', () => {
  const m = new BoundedMap<string, number>(3);
  m.set('a', 1); // slot 0
  m.set('b', 2); // slot 1
  assert.equal(m.delete('a'), true);
  m.set('a', 5); // slot 2; slot 0 is stale
  m.set('c', 3); // slot 0: its old key 'a' now lives in slot 2, so nothing goes
  assert.deepEqual(['a', 'b', 'c'].map((k) => m.get(k)), [5, 2, 3]);
  m.set('d', 4); // slot 1: b goes
  assert.deepEqual(['a', 'b', 'c', 'd'].map((k) => m.get(k)), [5, undefined, 3, 4]);
  m.set('e', 6); // slot 2: a goes
  assert.deepEqual(['a', 'c', 'd', 'e'].map((k) => m.get(k)), [undefined, 3, 4, 6]);
  for (let i = 0; i < 100; i++) {
    m.set(`k${i}`, i);
    assert.ok(m.size <= 3);
  }
  assert.deepEqual(['k97', 'k98', 'k99'].map((k) => m.get(k)), [97, 98, 99]);
});

test('bounds must hold at least one entry', () => {
  assert.throws(() => new BoundedSet(0), RangeError);
  assert.throws(() => new BoundedMap(0), RangeError);
});
