/**
 * The `npm start` orchestrator as a test drives it: a real process on a temporary data directory
 * and a free port, stopped with SIGINT as Ctrl-C does, and a check for processes left behind.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const START = join(ROOT, 'demo-player/scripts/start.ts');

export interface Run { child: ChildProcess; output: string[]; url: string }

/** Starts the orchestrator on `dir` and resolves once it prints the viewer URL. */
export async function startDemo(dir: string, faucetCooldownMs: number): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', START, '--dir', dir, '--port', '0', '--faucet-cooldown-ms', String(faucetCooldownMs)], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DIPNET_DIR: '', DIPNET_PORT: '' },
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not come up in 150 s:\n${output.join('')}`)), 150_000);
    const onData = (b: Buffer) => {
      output.push(String(b));
      const m = /Watch:\s+(http:\/\/\S+)/.exec(output.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code ?? sig}) before it was ready:\n${output.join('')}`));
    });
  });
  return { child, output, url };
}

/** SIGINT, as Ctrl-C sends; resolves with the exit code. */
export async function stopDemo(r: Run): Promise<number | null> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return r.child.exitCode;
  const exited = new Promise<number | null>((res) => r.child.once('exit', (code) => res(code)));
  r.child.kill('SIGINT');
  const timer = setTimeout(() => r.child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** Processes (other than ours) whose command line names the demo's directory: validators left behind. */
export function leftovers(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n').filter((l) => dir && l.includes(dir) && !l.includes('ps -eo'));
}
