/**
 * Health that tells the truth (issue 23, part 3), on real validator processes. Validator 3's data
 * directory is moved onto a small tmpfs the test mounts (root needed: the test is skipped
 * otherwise), then the filesystem is filled with a file, while the other three keep finalising:
 *  1. GET /v1/health answers 503 "stalled" (WRITES_FAILING, then BEHIND_PEERS as the others move
 *     on), /metrics says dipnet_node_stalled 1 and counts failures, and the log has an error line
 *     (one, not one per retry);
 *  2. space returns: the node catches up by itself and health is ok again;
 *  3. the disk fills again and stays full: after --max-write-stall the process exits with code 5.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { FAILED_WRITE_MSG, NodeExitCode } from '@dipnet/bootstrap-node';
import { DevnetHarness } from './devnet-harness.ts';

const V = 3;
const MAX_WRITE_STALL_S = 30;
const HEAD_STALL_MS = 4000;

interface LogLine { level: number; msg: string; errno?: string; failures?: number }
interface Health { status: string; height: string; reasons: { code: string; message: string }[]; peerHeight: string | null; commitFailures: number; lastCommitError?: string; since?: string }


async function health(net: DevnetHarness, i: number): Promise<{ code: number; body: Health }> {
  const res = await fetch(new URL('/v1/health', net.info.validators[i]!.relayUrl), { signal: AbortSignal.timeout(5000) });
  return { code: res.status, body: (await res.json()) as Health };
}

async function metric(net: DevnetHarness, i: number, name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', net.info.validators[i]!.relayUrl), { signal: AbortSignal.timeout(5000) })).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  assert.ok(m, `${name} in /metrics`);
  return Number(m[1]);
}

/** Writes zeros into `file` until the filesystem is full. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

function tryMount(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('a full disk: health says stalled (503), metric and error line; recovery once space returns; exit 5 after --max-write-stall', { timeout: 240_000 }, async (t) => {
  const probe = join('/tmp', `dipnet-mount-probe-${process.pid}`);
  mkdirSync(probe, { recursive: true });
  const canMount = tryMount(probe, '1m');
  if (canMount) execFileSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  if (!canMount) return t.skip('cannot mount a tmpfs (needs root)');

  const net = await DevnetHarness.start(4, { timeouts: { emptyBlockIntervalMs: 1000 } });
  const dir = net.validatorDir(V);
  const data = join(dir, 'data');
  let mounted = false;
  after(async () => {
    // The node must be gone before its filesystem can be unmounted, and unmounted before the directory is removed.
    await net.kill(V);
    if (mounted) execFileSync('umount', ['-l', data]);
    await net.stop();
  });
  await net.waitUntil(async () => (await net.height(V)) >= 3n, { timeoutMs: 60_000, what: 'height 3 on validator 3' });

  // Validator 3's store onto a tmpfs with room to run for a while, and a stall window short enough for a test.
  await net.kill(V, 'SIGTERM');
  renameSync(data, `${data}-disk`);
  mkdirSync(data);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', data]);
  mounted = true;
  cpSync(`${data}-disk`, data, { recursive: true });
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), health: { headStallMs: HEAD_STALL_MS } }, null, 2));
  const child: ChildProcess = net.startValidator(V, ['--max-write-stall', `${MAX_WRITE_STALL_S}s`]);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const started = await net.height(0);
  await net.waitUntil(async () => (await net.height(V)) > started, { timeoutMs: 90_000, what: 'validator 3 to commit on its tmpfs' });
  assert.equal((await health(net, V)).code, 200);
  assert.equal(await metric(net, V, 'dipnet_node_stalled'), 0);

  // ---------------------------------------------------------------- 1. disk full
  const filler = join(data, 'filler');
  const logBefore = net.logLines<LogLine>(V).length;
  fill(filler);
  const filledAt = Date.now();
  let stalled: { code: number; body: Health } | undefined;
  await net.waitUntil(async () => {
    stalled = await health(net, V);
    return stalled.body.reasons.some((r) => r.code === 'WRITES_FAILING');
  }, { timeoutMs: 30_000, what: 'health to report failing writes' });
  assert.equal(stalled!.code, 503);
  assert.equal(stalled!.body.status, 'stalled');
  assert.match(stalled!.body.lastCommitError ?? '', /STORE_WRITE_FAILED \((ENOSPC|EIO)\)/);
  assert.ok(Number(stalled!.body.since) >= filledAt - 1000, 'since: when the failures began');
  const stuckAt = BigInt(stalled!.body.height);
  // The others go on; this node sees their heads in its peers' status answers.
  await net.waitUntil(async () => (await health(net, V)).body.reasons.some((r) => r.code === 'BEHIND_PEERS'), { timeoutMs: 20_000, what: 'health to report the head behind its peers' });
  const status = (await net.clients[V]!.get<{ health: Health }>('/v1/status')).health;
  assert.equal(status.status, 'stalled', '/v1/status carries the same health');
  assert.ok((await net.height(0)) > stuckAt, 'the other validators kept finalising');
  assert.equal(await metric(net, V, 'dipnet_node_stalled'), 1);
  assert.ok(await metric(net, V, 'dipnet_commit_failures_total') >= 1);
  assert.ok(await metric(net, V, 'dipnet_head_age_seconds') >= HEAD_STALL_MS / 1000);
  const failedLines = net.logLines<LogLine>(V).slice(logBefore).filter((l) => l.msg === FAILED_WRITE_MSG);
  assert.equal(failedLines.length, 1, 'one error line for the first failure; the retries only counted');
  assert.equal(failedLines[0]!.level, 50, 'error level');
  assert.equal(net.logLines<LogLine>(V).slice(logBefore).filter((l) => l.msg === 'commit failed' || l.msg === 'sync failed').length, 0, 'no warning per retry');
  assert.equal(net.logLines<LogLine>(V).filter((l) => /store damaged/.test(l.msg)).length, 0, 'a full disk is not damage');

  // ---------------------------------------------------------------- 2. space returns
  rmSync(filler);
  await net.waitUntil(async () => (await health(net, V)).code === 200, { timeoutMs: 30_000, what: 'health to be ok again' });
  const top = await net.height(0);
  await net.waitUntil(async () => (await net.height(V)) >= top, { timeoutMs: 30_000, what: 'validator 3 to catch up' });
  assert.equal(await metric(net, V, 'dipnet_node_stalled'), 0);
  assert.ok(net.logLines<LogLine>(V).some((l) => l.msg === 'store writes recovered'));
  assert.equal(child.exitCode, null, 'the node recovered without a restart');

  // ---------------------------------------------------------------- 3. full for good: exit 5
  fill(filler);
  const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), (MAX_WRITE_STALL_S + 45) * 1000))]);
  assert.equal(code, NodeExitCode.CANNOT_WRITE, 'exit code after --max-write-stall');
  assert.ok(net.logLines<LogLine>(V).some((l) => l.level === 50 && l.msg === 'cannot write the store: giving up'));
});
