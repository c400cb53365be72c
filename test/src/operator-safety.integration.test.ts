/**
 * Operator safety on real validator processes (issue 23), one devnet through every step, all on
 * validator 3 while the other three keep finalising:
 *  1. a truncated store, damaged meta pages, damaged data pages: the process exits with code 3
 *     and an error line, on every start, and its relay never answers;
 *  2. a wiped store with its signing state kept: it resyncs and signs only above its record;
 *  3. a wiped signing state on a running chain: it follows but signs nothing, until restarted
 *     with --allow-missing-signing-state.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, openSync, closeSync, writeSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { decodeCommit, fromHex, toHex } from '@dipnet/protocol';
import { checkLmdbFile, devValidatorKey, NodeExitCode, SIGNING_STATE_FILE } from '@dipnet/bootstrap-node';
import { DevnetHarness } from './devnet-harness.ts';

const V = 3;

interface LogLine { level: number; msg: string; kind?: string; err?: string; recovery?: string }


/** Validator indexes whose precommits are in the commit of `height`. */
async function signersAt(net: DevnetHarness, height: bigint): Promise<Set<number>> {
  const { commit } = await net.clients[0]!.get<{ commit: string }>(`/v1/commits/${height}`);
  return new Set(decodeCommit(fromHex(commit)).signatures.map((s) => s.validatorIndex));
}

async function indexOf(net: DevnetHarness, height: bigint, i: number): Promise<number> {
  const { validators } = await net.clients[0]!.get<{ validators: { publicKey: string }[] }>(`/v1/validators/${height}`);
  return validators.findIndex((v) => v.publicKey === toHex(devValidatorKey(i).publicKey));
}

/** Starts validator V, waits for it to exit and checks its relay never answered meanwhile. */
async function startExpectingExit(net: DevnetHarness, what: string): Promise<number | null> {
  const child: ChildProcess = net.startValidator(V);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  let answered = 0;
  let done = false;
  void exited.then(() => { done = true; });
  while (!done) {
    try {
      await net.clients[V]!.status();
      answered++;
    } catch {
      // refused: as it must be
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
  assert.notEqual(code, 'hung', `${what}: the node did not exit`);
  assert.equal(answered, 0, `${what}: the relay answered ${answered} times from a damaged store`);
  return code as number | null;
}

function overwrite(file: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

test('a damaged store stops the node every time; the signing state outlives the store and is never lost silently', { timeout: 300_000 }, async () => {
  // An idle chain makes a block a second, so heights move without load.
  const net = await DevnetHarness.start(4, { timeouts: { emptyBlockIntervalMs: 1000 } });
  after(() => net.stop());
  const dir = net.validatorDir(V);
  const data = join(dir, 'data');
  const statePath = join(dir, SIGNING_STATE_FILE);
  const readState = () => JSON.parse(readFileSync(statePath, 'utf8')) as { height: string; round: number; step: number };
  await net.waitUntil(async () => (await net.height(V)) >= 8n, { timeoutMs: 60_000, what: 'height 8 on validator 3' });
  const vIndex = await indexOf(net, 1n, V);
  assert.ok(vIndex >= 0);
  assert.ok(BigInt(readState().height) >= 1n, 'the running validator records what it signs in its signing state file');

  // ---------------------------------------------------------------- 1. damaged stores
  await net.kill(V, 'SIGTERM');
  const pristine = join(net.dir, 'pristine-data');
  cpSync(data, pristine, { recursive: true });
  const file = join(data, 'data.mdb');
  const { headerPages, meta } = checkLmdbFile(file);
  const damages: [string, string, () => void][] = [
    ['truncated to half', 'truncated', () => truncateSync(file, Math.floor(statSync(file).size / 2))],
    ['both meta pages overwritten', 'meta', () => overwrite(file, 0, randomBytes(2 * meta.pageSize))],
    ['three data pages overwritten', 'pages', () => {
      // Pages with a header: an overflow run's later pages are value bytes, which LMDB does not checksum.
      const middle = headerPages.slice(Math.floor(headerPages.length / 3), Math.floor((2 * headerPages.length) / 3));
      for (let k = 0; k < 3; k++) overwrite(file, middle[Math.floor(Math.random() * middle.length)]! * meta.pageSize, randomBytes(meta.pageSize));
    }],
  ];
  for (const [what, kind, damage] of damages) {
    rmSync(data, { recursive: true, force: true });
    cpSync(pristine, data, { recursive: true });
    damage();
    for (let start = 1; start <= 2; start++) {
      const before = net.logLines<LogLine>(V).length;
      const code = await startExpectingExit(net, `${what} (start ${start})`);
      assert.equal(code, NodeExitCode.STORE_DAMAGED, `${what} (start ${start}): exit code`);
      const errors = net.logLines<LogLine>(V).slice(before).filter((l) => l.level >= 50);
      const line = errors.find((l) => l.msg === 'store damaged: not starting');
      assert.ok(line, `${what} (start ${start}): no error line in ${JSON.stringify(errors)}`);
      assert.equal(line.kind, kind, `${what}: ${line.err}`);
      assert.match(line.recovery ?? '', /resync into a fresh/);
    }
  }

  // ---------------------------------------------------------------- 2. wiped store, signing state kept
  rmSync(data, { recursive: true, force: true });
  const recorded = BigInt(readState().height);
  net.startValidator(V);
  const top = await net.height(0);
  await net.waitUntil(async () => (await net.height(V)) >= top, { timeoutMs: 90_000, what: 'validator 3 to resync from an empty store' });
  // It signs again, only above its record: its precommits reappear in commits.
  const resynced = await net.height(0);
  await net.waitUntil(async () => {
    const h = await net.height(0);
    for (let x = resynced + 1n; x <= h; x++) if ((await signersAt(net, x)).has(vIndex)) return true;
    return false;
  }, { timeoutMs: 60_000, what: 'a commit with validator 3\'s precommit after the resync' });
  assert.ok(BigInt(readState().height) > recorded, 'the signing state moved on from its record');
  for (let i = 0; i < 4; i++) {
    assert.equal(net.logLines<LogLine>(i).filter((l) => l.msg === 'double sign detected').length, 0, `validator ${i} saw a double sign`);
  }

  // ---------------------------------------------------------------- 3. wiped signing state, store kept
  await net.kill(V, 'SIGTERM');
  rmSync(statePath);
  const beforeRefusal = net.logLines<LogLine>(V).length;
  net.startValidator(V);
  await net.waitUntil(async () => net.logLines<LogLine>(V).slice(beforeRefusal).some((l) => l.level >= 50 && /signing state missing on a chain past genesis/.test(l.msg)), { timeoutMs: 60_000, what: 'the refusal to sign in the log' });
  const from = (await net.height(0)) + 1n;
  // It follows the chain (its relay answers and its height moves) but signs nothing.
  await net.waitUntil(async () => (await net.height(V)) >= from + 8n, { timeoutMs: 60_000, what: 'validator 3 to follow 8 more blocks' });
  for (let x = from; x <= from + 8n; x++) assert.ok(!(await signersAt(net, x)).has(vIndex), `validator 3 signed block ${x} without its signing state`);
  assert.equal(existsSync(statePath), false, 'no signing state was made up');

  await net.kill(V, 'SIGTERM');
  net.startValidator(V, ['--allow-missing-signing-state']);
  await net.waitUntil(async () => existsSync(statePath), { timeoutMs: 60_000, what: 'a fresh signing state with the flag' });
  const allowedFrom = (await net.height(0)) + 1n;
  await net.waitUntil(async () => {
    const h = await net.height(0);
    for (let x = allowedFrom; x <= h; x++) if ((await signersAt(net, x)).has(vIndex)) return true;
    return false;
  }, { timeoutMs: 60_000, what: 'validator 3 to sign again with --allow-missing-signing-state' });
  for (let i = 0; i < 4; i++) {
    assert.equal(net.logLines<LogLine>(i).filter((l) => l.msg === 'double sign detected').length, 0, `validator ${i} saw a double sign`);
  }
});
