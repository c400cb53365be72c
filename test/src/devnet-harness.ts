/**
 * Runs a devnet as separate OS processes with per-validator control (SIGKILL, restart), for
 * integration and fault tests. Each harness uses its own temp directory and fresh ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor, type WaitForOptions } from '@dipnet/protocol/testing';
import { prepareDevnet, RelayClient, type DevnetInfo, type DevnetOptions } from '@dipnet/bootstrap-node';

const CLI = new URL(import.meta.resolve('@dipnet/bootstrap-node/cli')).pathname;

const STARTUP_MS = 90_000;

export class DevnetHarness {
  private readonly procs: (ChildProcess | null)[] = [];
  readonly clients: RelayClient[];

  private constructor(readonly dir: string, readonly info: DevnetInfo) {
    this.clients = info.validators.map((v) => new RelayClient(v.relayUrl));
  }

  static async start(validators = 4, opts: Pick<DevnetOptions, 'blockTimeMs' | 'govParams' | 'timeouts'> = {}): Promise<DevnetHarness> {
    const dir = await mkdtemp(join(tmpdir(), 'dipnet-devnet-'));
    const info = await prepareDevnet({ dir, validators, chainId: 'dipnet-it', reset: false, ...opts });
    const h = new DevnetHarness(dir, info);
    for (let i = 0; i < validators; i++) h.startValidator(i);
    try {
      // Four processes loading TypeScript at once on a busy 2-core machine can take a while.
      await Promise.all(h.clients.map((c, i) => h.waitUntil(async () => { await c.status(); return true; }, { timeoutMs: STARTUP_MS, what: `relay of validator ${i}` })));
      await h.waitUntil(async () => (await h.height(0)) >= 1n, { timeoutMs: STARTUP_MS, what: 'block 1' });
    } catch (e) {
      // The caller never gets a handle: stop what was spawned, or it keeps the test process alive.
      await h.stop();
      throw e;
    }
    return h;
  }

  get chainId(): string {
    return this.info.chainId;
  }

  /** Starts validator `i`'s process; `extraArgs` go to `dipnet node` (e.g. --allow-missing-signing-state). */
  startValidator(i: number, extraArgs: readonly string[] = []): ChildProcess {
    const v = this.info.validators[i]!;
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'node', '--config', v.config, '--name', v.name, '--log-level', 'info', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(this.dir, v.name, 'node.log'), { flags: 'a' });
    for (const s of [child.stdout!, child.stderr!]) createInterface({ input: s }).on('line', (l) => log.write(l + '\n'));
    child.on('exit', () => log.end());
    this.procs[i] = child;
    return child;
  }

  /** The directory of validator `i` (its key, signing state, config, log and data/). */
  validatorDir(i: number): string {
    return join(this.dir, this.info.validators[i]!.name);
  }

  /** Validator `i`'s node.log as JSON lines (pino), skipping any line that is not JSON. */
  logLines<T extends { level: number; msg: string }>(i: number): T[] {
    const file = join(this.validatorDir(i), 'node.log');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').split('\n').flatMap((l) => {
      try {
        return [JSON.parse(l) as T];
      } catch {
        return [];
      }
    });
  }

  /** Sends `signal` and waits for the process to exit. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.procs[i];
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((res) => {
      // A process that ignores SIGTERM (stuck) is killed after 5 s.
      const force = setTimeout(() => p.kill('SIGKILL'), 5_000);
      p.once('exit', () => { clearTimeout(force); res(); });
      p.kill(signal);
    });
    this.procs[i] = null;
  }

  async restart(i: number): Promise<void> {
    await this.kill(i);
    this.startValidator(i);
    await this.waitUntil(async () => { await this.clients[i]!.status(); return true; }, { timeoutMs: STARTUP_MS, what: `validator ${i} to come back` });
  }

  async height(i: number): Promise<bigint> {
    return BigInt((await this.clients[i]!.status()).height);
  }

  /** `waitFor` for the validator processes: a failing check (a relay not up yet) counts as "not yet"; the timeout names the log dir. */
  async waitUntil(check: () => Promise<boolean>, opts: Pick<WaitForOptions, 'timeoutMs' | 'what'>): Promise<void> {
    await waitFor(check, { intervalMs: 100, retryErrors: true, hint: `logs in ${this.dir}`, ...opts });
  }


  /** Stops every validator; the directory (stores, logs) is kept when DIPNET_KEEP_TEST_DIRS is set. */
  async stop(): Promise<void> {
    await Promise.all(this.procs.map((_, i) => this.kill(i, 'SIGTERM')));
    if (!process.env.DIPNET_KEEP_TEST_DIRS) await rm(this.dir, { recursive: true, force: true });
  }
}
