import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { SigningState, initSigningState, type OpenSigningStateOptions } from './signing-state.ts';
import { SigningStateError } from '../store/store-errors.ts';
import { tempDir } from '../testing/fixtures.ts';

const dir = await tempDir('dipnet-signing-');
after(dir.cleanup);
const GENESIS = 'aa'.repeat(32);
const lines: string[] = [];
const log = { info: (_: object, m: string) => lines.push(`info ${m}`), warn: (_: object, m: string) => lines.push(`warn ${m}`), error: (_: object, m: string) => lines.push(`error ${m}`) };
let n = 0;
const fresh = (): string => {
  const d = join(dir.path, `v${n++}`);
  mkdirSync(d);
  return join(d, 'signing-state.json');
};
const opts = (o: Partial<OpenSigningStateOptions> = {}): OpenSigningStateOptions => ({ genesisHash: GENESIS, storeHeight: 0n, legacy: null, allowMissing: false, soleQuorum: false, log, ...o });

test('default: a record is durable, leaves no temp file and is read back after a restart', () => {
  const path = fresh();
  initSigningState(path, GENESIS);
  const s = SigningState.open(path, opts());
  assert.equal(s.status, 'ready');
  assert.ok(s.record({ height: 7n, round: 1, step: 3, blockHash: 'bb'.repeat(32) }));
  assert.deepEqual(readdirSync(join(path, '..')), ['signing-state.json']);
  assert.deepEqual(SigningState.open(path, opts({ storeHeight: 0n })).lastSigned(), { height: 7n, round: 1, step: 3, blockHash: 'bb'.repeat(32) });
});

test('behavior: the file outlives a wiped store (store at 0, file at height 7)', () => {
  const path = fresh();
  initSigningState(path, GENESIS);
  SigningState.open(path, opts()).record({ height: 7n, round: 0, step: 2, blockHash: 'cc'.repeat(32) });
  const s = SigningState.open(path, opts({ storeHeight: 0n }));
  assert.equal(s.status, 'ready');
  assert.equal(s.lastSigned()!.height, 7n);
});

test('behavior: an upgraded node seeds the file from the store\'s older record', () => {
  const path = fresh();
  const legacy = { height: 40n, round: 2, step: 3, blockHash: 'dd'.repeat(32) };
  const s = SigningState.open(path, opts({ storeHeight: 40n, legacy }));
  assert.equal(s.status, 'ready');
  assert.deepEqual(s.lastSigned(), legacy);
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).height, '40');
});

test('behavior: a file restored from an older backup does not undercut the store\'s newer record', () => {
  const path = fresh();
  initSigningState(path, GENESIS);
  const s = SigningState.open(path, opts({ storeHeight: 40n, legacy: { height: 40n, round: 0, step: 3, blockHash: 'ee'.repeat(32) } }));
  assert.equal(s.lastSigned()!.height, 40n);
});

test('behavior: missing on a store past genesis refuses to sign, says so, and writes nothing', () => {
  const path = fresh();
  lines.length = 0;
  const s = SigningState.open(path, opts({ storeHeight: 12n }));
  assert.equal(s.status, 'refused');
  assert.equal(s.record({ height: 13n, round: 0, step: 1, blockHash: 'ff'.repeat(32) }), false);
  assert.equal(existsSync(path), false);
  assert.ok(lines.some((l) => l.startsWith('error signing state missing on a chain past genesis')), lines.join('\n'));
  assert.ok(lines.some((l) => /--allow-missing-signing-state/.test(l)));
});

test('behavior: missing with --allow-missing-signing-state starts at the store\'s height', () => {
  const path = fresh();
  const s = SigningState.open(path, opts({ storeHeight: 12n, allowMissing: true }));
  assert.equal(s.status, 'ready');
  assert.equal(s.lastSigned()!.height, 12n);
  assert.ok(existsSync(path));
});

test('behavior: missing on an empty store waits for a peer: past genesis refuses, at genesis starts', () => {
  const ahead = SigningState.open(fresh(), opts());
  assert.equal(ahead.status, 'waiting-for-peers');
  assert.equal(ahead.record({ height: 1n, round: 0, step: 2, blockHash: '00'.repeat(32) }), false);
  ahead.peerHeight(300n);
  assert.equal(ahead.status, 'refused');
  ahead.peerHeight(0n);
  assert.equal(ahead.status, 'refused', 'a later peer at genesis does not undo the refusal');
  const genesis = SigningState.open(fresh(), opts());
  genesis.peerHeight(0n);
  assert.equal(genesis.status, 'ready');
  assert.ok(genesis.record({ height: 1n, round: 0, step: 2, blockHash: '00'.repeat(32) }));
  assert.equal(SigningState.open(fresh(), opts({ soleQuorum: true })).status, 'ready');
});

test('error: an unreadable file or one from another chain stops the node', () => {
  const bad = fresh();
  writeFileSync(bad, '{"height": 12');
  assert.throws(() => SigningState.open(bad, opts()), (e: unknown) => e instanceof SigningStateError && e.code === 'SIGNING_STATE_UNREADABLE');
  const other = fresh();
  initSigningState(other, 'bb'.repeat(32));
  assert.throws(() => SigningState.open(other, opts()), (e: unknown) => e instanceof SigningStateError && e.code === 'SIGNING_STATE_OTHER_CHAIN');
});

test('error: a record that cannot be written is not signed', () => {
  const path = join(dir.path, 'gone', 'signing-state.json');
  mkdirSync(join(dir.path, 'gone'));
  initSigningState(path, GENESIS);
  const s = SigningState.open(path, opts());
  // The directory the temp file goes to is replaced by a file: the write fails.
  rmSync(join(dir.path, 'gone'), { recursive: true });
  writeFileSync(join(dir.path, 'gone'), 'x');
  assert.equal(s.record({ height: 2n, round: 0, step: 2, blockHash: '11'.repeat(32) }), false);
  assert.equal(s.lastSigned()!.height, 0n);
});
