/**
 * Bisection pivots are shared between cold starts (engine.ts, alignedPivot): 1,000 clients syncing
 * from one trust root to heads a block apart ask for the same few hundred heights, which an HTTP
 * cache in front of a relay then serves — where halving spans would give each head its own pivots.
 * The bisection order is verifySkipping's (a jump fails when the trusted set has turned over); the
 * pivot rule is the one under test, the trust rule that of the bench's chain (bench/chain.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignedPivot } from './engine.ts';

const EPOCH = 1_000n;
const epoch = (h: bigint): bigint => (h - 1n) / EPOCH;
/** Two of five validators carry over per epoch: trust reaches one epoch past the trusted next set. */
const reaches = (base: bigint, h: bigint): boolean => epoch(h) - epoch(base + 1n) <= 1n;

/** Heights a skipping sync from `trusted` to `target` fetches, pivots chosen by `pivot`. */
function fetched(trusted: bigint, target: bigint, pivot: (a: bigint, b: bigint) => bigint): bigint[] {
  const out: bigint[] = [target];
  const stack = [target];
  let base = trusted;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top === base + 1n || reaches(base, top)) {
      stack.pop();
      base = top;
      continue;
    }
    const mid = pivot(base, top);
    assert.ok(mid > base && mid < top, `pivot ${mid} outside (${base}, ${top})`);
    stack.push(mid);
    out.push(mid);
  }
  return out;
}

const halving = (a: bigint, b: bigint): bigint => a + (b - a) / 2n;

test('an aligned pivot lies in the middle half of its span, on the coarsest power-of-two boundary there', () => {
  assert.equal(alignedPivot(1n, 100_000n), 65_536n);
  assert.equal(alignedPivot(1n, 100_007n), 65_536n);
  assert.equal(alignedPivot(65_536n, 100_000n), 81_920n);
  assert.equal(alignedPivot(10n, 11n), 10n);
  assert.equal(alignedPivot(10n, 12n), 11n);
  for (let a = 1n; a < 300n; a += 7n) {
    for (let b = a + 2n; b < a + 300n; b += 5n) {
      const p = alignedPivot(a, b);
      const q = (b - a) / 4n > 0n ? (b - a) / 4n : 1n;
      assert.ok(p >= a + q && p <= b - q, `${p} in (${a}, ${b})`);
    }
  }
});

test('1,000 cold starts to heads a block apart share a few hundred light-block URLs', () => {
  const shared = (pivot: (a: bigint, b: bigint) => bigint) => {
    const urls = new Set<bigint>();
    let requests = 0;
    for (let head = 100_000n; head < 101_000n; head++) {
      const hs = fetched(1n, head, pivot);
      requests += hs.length;
      for (const h of hs) urls.add(h);
    }
    return { urls: urls.size, perSync: requests / 1_000 };
  };
  const aligned = shared(alignedPivot);
  const plain = shared(halving);
  // The heads themselves are 1,000 URLs; the pivots add a few hundred at most.
  assert.ok(aligned.urls <= 1_000 + 300, `aligned: ${aligned.urls} distinct heights`);
  assert.ok(plain.urls > 10 * 1_000, `halving: ${plain.urls} distinct heights (the comparison is meant to show a difference)`);
  // As many fetches per sync as halving, give or take a quarter.
  assert.ok(aligned.perSync <= plain.perSync * 1.25, `${aligned.perSync} vs ${plain.perSync} heights per sync`);
  // Hit ratio a cache would see over these syncs: every URL fetched once from the relay.
  const hitRatio = 1 - aligned.urls / (aligned.perSync * 1_000);
  assert.ok(hitRatio >= 0.95, `hit ratio ${hitRatio}`);
});
