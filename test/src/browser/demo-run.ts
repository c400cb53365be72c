/**
 * The `npm start` orchestrator as a test drives it: a real process on a temporary data directory
 * and a free port, stopped with SIGINT as Ctrl-C does, and a check for processes left behind.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnStart, stopStart, type StartRun } from '@dipnet/demo-player/scripts/fresh-start';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const START = join(ROOT, 'demo-player/scripts/start.ts');

export type Run = StartRun;

/** Starts the orchestrator on `dir` and resolves once it prints the viewer URL. */
export async function startDemo(dir: string, faucetCooldownMs: number): Promise<Run> {
  return spawnStart([process.execPath, '--import', 'tsx', START, '--dir', dir, '--port', '0', '--faucet-cooldown-ms', String(faucetCooldownMs)], {
    cwd: ROOT, env: { ...process.env, DIPNET_DIR: '', DIPNET_PORT: '' },
  });
}

/** SIGINT to the orchestrator's process group, as Ctrl-C sends; resolves with the exit code. */
export const stopDemo = stopStart;

/** Processes (other than ours) whose command line names the demo's directory: validators left behind. */
export function leftovers(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n').filter((l) => dir && l.includes(dir) && !l.includes('ps -eo'));
}
