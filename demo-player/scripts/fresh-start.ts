/**
 * The README's first command as a new user runs it: a copy of the checkout holding exactly what
 * a `git clone` would (tracked and untracked-but-not-ignored files, no node_modules, no `.dipnet`),
 * `npm install`, then `npm start` with no usable Chromium, timed to the printed Watch URL.
 *
 *   node --import tsx demo-player/scripts/fresh-start.ts     (prints the timings, then stops)
 *
 * "No usable Chromium": CHROMIUM_PATH (the variable the project reads for it) points nowhere, and
 * where this process may (root, util-linux `unshare`), `npm start` runs in a private mount
 * namespace in which Debian's chromium is hidden, so a start that looked anywhere else fails too.
 * Used by test/src/fresh-start.test.ts and bench/start.bench.ts.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where Debian's chromium package puts the browser (the wrapper script and the binary's folder). */
const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium'];
const NOWHERE = '/nonexistent/chromium';

/** Copies into `dest` the files a clone of `root` would hold (git's view of the work tree). */
export async function copyCheckout(root: string, dest: string): Promise<number> {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0').filter((f) => f && existsSync(join(root, f)));
  await mkdir(dest, { recursive: true });
  for (const f of files) {
    await mkdir(dirname(join(dest, f)), { recursive: true });
    await cp(join(root, f), join(dest, f), { preserveTimestamps: true });
  }
  return files.length;
}

/**
 * The environment of a new shell: none of the `npm_*` variables of an enclosing `npm test`, and no
 * `node_modules/.bin` of this checkout on the PATH (its Node 22 must not leak into the copy).
 */
export function freshEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE' && k !== 'DIPNET_DIR' && k !== 'DIPNET_PORT') env[k] = v;
  env.PATH = (process.env.PATH ?? '').split(delimiter).filter((p) => p && !p.includes(`node_modules${'/'}.bin`)).join(delimiter);
  return { ...env, CHROMIUM_PATH: NOWHERE, ...extra };
}

/** Runs a command to completion; rejects with its output if it fails. */
export async function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(String(b)));
  child.stderr.on('data', (b: Buffer) => out.push(String(b)));
  const code = await new Promise<number | null>((r, j) => {
    child.once('error', j);
    child.once('exit', (c) => r(c));
  });
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out.join('')}`);
  return out.join('');
}

/** Whether `npm start` can be put in a mount namespace where Chromium is hidden (needs root). */
function canHideChromium(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('unshare', ['--mount', '--propagation', 'private', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `argv` wrapped so that it runs where Debian's Chromium is hidden, when this process may do that. */
function withoutChromium(argv: readonly string[]): { argv: string[]; hidden: boolean } {
  if (!canHideChromium()) return { argv: [...argv], hidden: false };
  const hide = CHROMIUM_PATHS.filter((p) => existsSync(p))
    .map((p) => (p.startsWith('/usr/lib/') ? `mount -t tmpfs none ${p}` : `mount --bind /dev/null ${p}`));
  return { argv: ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `set -e; ${[...hide, 'exec "$@"'].join('; ')}`, 'sh', ...argv], hidden: true };
}

export interface StartRun {
  child: ChildProcess;
  output: string[];
  /** The Watch URL the start script printed. */
  url: string;
  /** From spawning the command to the printed Watch URL. */
  readyMs: number;
}

/**
 * Spawns a demo start command (in its own process group, as a terminal runs it) and resolves once
 * it prints the Watch URL; rejects if it exits first or takes longer than `timeoutMs`.
 */
export async function spawnStart(argv: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<StartRun> {
  const t0 = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output: string[] = [];
  const timeoutMs = opts.timeoutMs ?? 150_000;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the demo did not come up in ${timeoutMs / 1000} s:\n${output.join('')}`)), timeoutMs);
      const onData = (b: Buffer): void => {
        output.push(String(b));
        const m = /Watch:\s+(http:\/\/\S+)/.exec(output.join(''));
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`the demo exited (${code ?? sig}) before it was ready:\n${output.join('')}`));
      });
    });
    return { child, output, url, readyMs: performance.now() - t0 };
  } catch (e) {
    await stopStart({ child, output, url: '', readyMs: 0 });
    throw e;
  }
}

/** SIGINT to the whole process group, as Ctrl-C sends; SIGKILL after 20 s. Resolves with the exit code. */
export async function stopStart(r: StartRun): Promise<number | null> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return r.child.exitCode;
  const exited = new Promise<number | null>((res) => r.child.once('exit', (code) => res(code)));
  const signal = (s: NodeJS.Signals): void => {
    try {
      process.kill(-r.child.pid!, s);
    } catch {
      // The group is gone already.
    }
  };
  signal('SIGINT');
  const timer = setTimeout(() => signal('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

export interface FreshStart {
  /** The copy of the checkout (the "fresh clone"). */
  dir: string;
  files: number;
  installMs: number;
  run: StartRun;
  /** Whether Chromium was hidden from `npm start` by a mount namespace (else only by the environment). */
  chromiumHidden: boolean;
  /** Stops `npm start` (SIGINT) and deletes the copy; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Copies the checkout, runs `npm install`, then `npm start -- --port 0` without Chromium. */
export async function freshStart(log: (m: string) => void = () => {}): Promise<FreshStart> {
  const base = await mkdtemp(join(tmpdir(), 'dipnet-fresh-'));
  const dir = join(base, 'dipnet');
  const cleanup = (): Promise<void> => rm(base, { recursive: true, force: true });
  try {
    const files = await copyCheckout(REPO_ROOT, dir);
    log(`copied ${files} files of the checkout to ${dir}`);
    const env = freshEnv();
    const t0 = performance.now();
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir, env);
    const installMs = performance.now() - t0;
    log(`npm install: ${(installMs / 1000).toFixed(1)} s`);
    const { argv, hidden } = withoutChromium(['npm', 'start', '--', '--port', '0']);
    log(hidden ? 'npm start runs where Chromium is hidden (mount namespace) and CHROMIUM_PATH points nowhere' : 'npm start runs with CHROMIUM_PATH pointing nowhere (cannot hide Debian\'s chromium without root)');
    const r = await spawnStart(argv, { cwd: dir, env });
    log(`npm start printed the Watch URL ${r.url} after ${(r.readyMs / 1000).toFixed(1)} s`);
    return {
      dir, files, installMs, run: r, chromiumHidden: hidden,
      async stop() {
        const code = await stopStart(r);
        await cleanup();
        return code;
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const s = await freshStart(console.log);
  console.log(`stopped with exit code ${await s.stop()}`);
}
