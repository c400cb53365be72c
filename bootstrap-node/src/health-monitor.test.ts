/**
 * The stall detector on an injected clock: failing writes (rate-limited error lines, recovery,
 * giving up after maxWriteStallMs) and a head that stays put while peers' heads move on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAILED_WRITE_MSG, HealthMonitor, type HealthMonitorOptions } from './health-monitor.ts';
import { StoreWriteError, WriteStallError } from './store/store-errors.ts';

function monitor(o: Partial<HealthMonitorOptions> = {}) {
  let now = 1_000_000;
  const lines: { level: 'info' | 'error'; msg: string; obj: Record<string, unknown> }[] = [];
  const stalls: WriteStallError[] = [];
  const m = new HealthMonitor({
    now: () => now,
    log: { info: (obj, msg) => lines.push({ level: 'info', msg, obj: obj as Record<string, unknown> }), error: (obj, msg) => lines.push({ level: 'error', msg, obj: obj as Record<string, unknown> }) },
    height: 10n,
    headStallMs: 30_000,
    maxWriteStallMs: 0,
    onWriteStall: (e) => stalls.push(e),
    ...o,
  });
  return { m, lines, stalls, advance: (ms: number) => { now += ms; }, at: () => now };
}

const enospc = () => new StoreWriteError('ENOSPC', '/data', 'could not commit block 11: No space left on device');

test('ok while the head moves, with no peer heard from and no failed write', () => {
  const { m, advance } = monitor();
  advance(5000);
  m.headAdvanced(11n);
  assert.deepEqual(m.health(), { status: 'ok', height: 11n, reasons: [], headAgeMs: 0, peerHeight: null, commitFailures: 0 });
});

test('behavior: stalled (BEHIND_PEERS) once the head has stayed put for the window while a peer is ahead', () => {
  const { m, advance } = monitor();
  m.peerHeight('a', 12n);
  advance(29_000);
  m.peerHeight('a', 40n);
  assert.equal(m.health().status, 'ok', 'within the window');
  advance(1000);
  const h = m.health();
  assert.equal(h.status, 'stalled');
  assert.deepEqual(h.reasons.map((r) => r.code), ['BEHIND_PEERS']);
  assert.match(h.reasons[0]!.message, /stayed at height 10 for 30 s while peers are at 40/);
  assert.equal(h.peerHeight, 40n);
  // It catches up: ok again at once.
  m.headAdvanced(40n);
  assert.equal(m.health().status, 'ok');
});

test('behavior: a head that stays put while peers are at the same height (the chain halted) is not stalled', () => {
  const { m, advance } = monitor();
  for (let i = 0; i < 10; i++) {
    advance(10_000);
    m.peerHeight('a', 10n);
  }
  assert.equal(m.health().status, 'ok');
});

test('behavior: peers not heard from within the window are forgotten (a cut-off node cannot tell)', () => {
  const { m, advance } = monitor();
  m.peerHeight('a', 50n);
  advance(31_000);
  const h = m.health();
  assert.equal(h.peerHeight, null);
  assert.equal(h.status, 'ok');
});

test('behavior: failing writes stall the node at once; error lines are rate-limited to one a minute with a count; recovery clears it', () => {
  const { m, lines, advance, at } = monitor();
  const start = at();
  m.writeFailed(enospc());
  let h = m.health();
  assert.equal(h.status, 'stalled');
  assert.deepEqual(h.reasons.map((r) => r.code), ['WRITES_FAILING']);
  assert.equal(h.since, start);
  assert.match(h.lastCommitError ?? '', /No space left on device/);
  // A full disk fails every retry (about one a second): 1 line, not 60.
  for (let i = 0; i < 59; i++) {
    advance(1000);
    m.writeFailed(enospc());
  }
  assert.equal(lines.filter((l) => l.msg === FAILED_WRITE_MSG).length, 1);
  assert.equal(lines[0]!.level, 'error');
  assert.equal(lines[0]!.obj.errno, 'ENOSPC');
  advance(1000);
  m.writeFailed(enospc());
  const failed = lines.filter((l) => l.msg === FAILED_WRITE_MSG);
  assert.equal(failed.length, 2);
  assert.equal(failed[1]!.level, 'error');
  assert.equal(failed[1]!.obj.failures, 60, 'the failures since the last line');
  assert.equal(failed[1]!.obj.failingForMs, 60_000);
  h = m.health();
  assert.equal(h.commitFailures, 61);
  assert.equal(h.since, start, 'since the first failure');

  advance(500);
  m.headAdvanced(11n);
  h = m.health();
  assert.equal(h.status, 'ok');
  assert.equal(h.lastCommitError, undefined);
  assert.equal(h.commitFailures, 61, 'the total stays');
  const recovered = lines.at(-1)!;
  assert.equal(recovered.msg, 'store writes recovered');
  assert.equal(recovered.obj.failures, 61);
});

test('behavior: gives up once, after maxWriteStallMs of failing writes (by the timer too); 0 never gives up', () => {
  const { m, stalls, lines, advance } = monitor({ maxWriteStallMs: 5000 });
  m.writeFailed(enospc());
  advance(4999);
  m.check();
  assert.equal(stalls.length, 0);
  advance(1);
  m.check();
  m.check();
  assert.equal(stalls.length, 1);
  assert.equal(stalls[0]!.code, 'STORE_WRITE_STALLED');
  assert.ok(lines.some((l) => l.level === 'error' && l.msg === 'cannot write the store: giving up'));

  const never = monitor({ maxWriteStallMs: 0 });
  never.m.writeFailed(enospc());
  never.advance(24 * 3600_000);
  never.m.writeFailed(enospc());
  never.m.check();
  assert.equal(never.stalls.length, 0);
});

test('behavior: a write that recovers before maxWriteStallMs restarts the clock', () => {
  const { m, stalls, advance } = monitor({ maxWriteStallMs: 5000 });
  m.writeFailed(enospc());
  advance(4000);
  m.headAdvanced(11n);
  m.writeFailed(enospc());
  advance(4000);
  m.check();
  assert.equal(stalls.length, 0);
});
