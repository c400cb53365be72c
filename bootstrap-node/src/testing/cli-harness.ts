/**
 * Tests of the `dipnet` CLI run it as a user does: a child process per command (through tsx, so
 * the source under test is what runs) against a real validator and its relay on 127.0.0.1 in the
 * test's own process, where the test can check every result against the node's state.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { toHex, type Genesis, type KeyPair } from '@dipnet/protocol';
import { DipnetNode } from '../node.ts';
import { MemoryHub } from './memory-network.ts';
import { devnetGenesis } from '../devnet/genesis.ts';
import { devValidatorKey } from '../devnet/dev-keys.ts';
import { FAST_TIMEOUTS, tempDir } from './fixtures.ts';
import { createRelay } from '../relay/relay.ts';
import type { ConsensusTimeouts } from '../consensus/engine.ts';

/** The bootstrap-node package directory (the CLI's working directory in tests). */
export const PKG_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(PKG_DIR, 'src', 'cli', 'main.ts');

export interface CliRun { code: number | null; stdout: string; stderr: string }

/**
 * Runs `dipnet …args` to completion (killed after `timeoutMs`). The default relay points at a
 * closed port unless `env` says otherwise, so nothing from the user's environment leaks in.
 */
export function runDipnet(args: readonly string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, DIPNET_RELAY: 'http://127.0.0.1:9', ...opts.env };
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: PKG_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface CliHarness {
  readonly node: DipnetNode;
  readonly chainId: string;
  readonly relayUrl: string;
  /** A temp dir for key and input files; removed by stop(). */
  readonly dir: string;
  /** Runs the CLI with `--relay` set to this relay (unless `relay: false` or it is a `--help`); the default key file does not exist. */
  cli(args: readonly string[], opts?: { relay?: boolean }): Promise<CliRun>;
  /** Runs the CLI and parses its JSON output; fails the test on a non-zero exit. */
  ok<T>(args: readonly string[]): Promise<T>;
  /** Writes `key` to `<name>.key` in `dir` (as `dipnet keys new` would) and returns its path. */
  keyFile(name: string, key: KeyPair): string;
  /** The node's current state value at a raw key. */
  state(key: Uint8Array): Uint8Array | undefined;
  stop(): Promise<void>;
}

/** One validator of `genesis` (default: a one-validator devnet named `dipnet-<name>-test`) with its relay. */
export async function startCliHarness(opts: { name: string; genesis?: Genesis; timeouts?: Partial<ConsensusTimeouts> }): Promise<CliHarness> {
  const genesis = opts.genesis ?? devnetGenesis({ chainId: `dipnet-${opts.name}-test`, validators: 1 });
  const tmp = await tempDir(`dipnet-${opts.name}-`);
  const dataDir = await tempDir(`dipnet-${opts.name}-node-`);
  const node = await DipnetNode.start({
    dataDir: dataDir.path, genesis, validatorSecret: devValidatorKey(0).secretKey,
    timeouts: { ...FAST_TIMEOUTS, ...opts.timeouts }, network: async (h) => new MemoryHub().join('node-0', h),
  });
  const relay = await createRelay(node);
  await relay.listen({ port: 0, host: '127.0.0.1' });
  const relayUrl = `http://127.0.0.1:${(relay.server.address() as AddressInfo).port}`;
  const env = { DIPNET_KEY: join(tmp.path, 'default.key') };

  const cli = (args: readonly string[], { relay: atRelay = true } = {}) =>
    runDipnet([...args, ...(atRelay && !args.includes('--help') ? ['--relay', relayUrl] : [])], { env });
  return {
    node, chainId: genesis.chainId, relayUrl, dir: tmp.path, cli,
    async ok<T>(args: readonly string[]): Promise<T> {
      const r = await cli(args);
      assert.equal(r.code, 0, `dipnet ${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    },
    keyFile(name, key) {
      const file = join(tmp.path, `${name}.key`);
      writeFileSync(file, toHex(key.secretKey) + '\n', { mode: 0o600 });
      return file;
    },
    state: (key) => node.chain.store.getValue(key),
    async stop() {
      await relay.close();
      await node.stop();
      await dataDir.cleanup();
      await tmp.cleanup();
    },
  };
}
