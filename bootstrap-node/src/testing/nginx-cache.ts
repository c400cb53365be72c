/**
 * Debian's nginx (scripts/ensure-nginx.sh installs it) run as a caching reverse proxy in front of a
 * relay, with the config shipped for deployments (deploy/nginx/dipnet-relay-cache.conf): its own
 * prefix in a temp dir, a free loopback port, no system service touched. For the relay-cache test
 * and bench; `stop()` kills it and removes the dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX_CONF = new URL('../../../deploy/nginx/dipnet-relay-cache.conf', import.meta.url).pathname;

export interface NginxCache {
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly pid: number;
  /** Access log lines so far: `addr "METHOD URI HTTP/1.1" status cacheStatus bytes time`. */
  accessLog(): Promise<AccessEntry[]>;
  stop(): Promise<void>;
}

export interface AccessEntry {
  readonly method: string;
  readonly uri: string;
  readonly status: number;
  /** $upstream_cache_status: HIT, MISS, EXPIRED, REVALIDATED, UPDATING, STALE, BYPASS, or '-' (not cacheable here). */
  readonly cache: string;
}

/** The nginx binary: $NGINX_PATH, else Debian's. Null when missing (run scripts/ensure-nginx.sh). */
export function nginxBinary(): string | null {
  const env = process.env.NGINX_PATH;
  if (env) return existsSync(env) ? env : null;
  return ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) ?? null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitListening(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}`);
    try {
      await fetch(url + '/nginx-probe', { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      if (Date.now() > end) throw new Error(`nginx did not answer at ${url} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Starts nginx caching `upstream` (host:port). */
export async function startNginxCache(upstream: string, opts: { workers?: number } = {}): Promise<NginxCache> {
  const bin = nginxBinary();
  if (!bin) throw new Error('nginx is not installed: run scripts/ensure-nginx.sh');
  const prefix = await mkdtemp(join(tmpdir(), 'dipnet-nginx-'));
  const port = await freePort();
  const accessLog = join(prefix, 'access.log');
  await mkdir(join(prefix, 'logs'));
  const site = (await readFile(NGINX_CONF, 'utf8'))
    .replaceAll('__UPSTREAM__', upstream)
    .replaceAll('__LISTEN__', `127.0.0.1:${port}`)
    .replaceAll('__CACHE_DIR__', join(prefix, 'cache'))
    .replaceAll('__ACCESS_LOG__', accessLog);
  await writeFile(join(prefix, 'dipnet-relay-cache.conf'), site);
  // The main config a distribution's nginx.conf would be: here everything stays under the prefix.
  await writeFile(join(prefix, 'nginx.conf'), [
    // As root, workers would switch to `nobody`, who cannot write the temp prefix.
    process.getuid?.() === 0 ? 'user root;' : '',
    `worker_processes ${opts.workers ?? 1};`,
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'logs', 'error.log')} warn;`,
    'events { worker_connections 4096; }',
    'http {',
    `  client_body_temp_path ${join(prefix, 'tmp-body')};`,
    `  proxy_temp_path ${join(prefix, 'tmp-proxy')};`,
    `  fastcgi_temp_path ${join(prefix, 'tmp-fcgi')};`,
    `  uwsgi_temp_path ${join(prefix, 'tmp-uwsgi')};`,
    `  scgi_temp_path ${join(prefix, 'tmp-scgi')};`,
    '  default_type application/octet-stream;',
    `  include ${join(prefix, 'dipnet-relay-cache.conf')};`,
    '}',
    '',
  ].join('\n'));
  const child = spawn(bin, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await rm(prefix, { recursive: true, force: true });
  };
  try {
    await waitListening(url, child, 10_000);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  return {
    url,
    pid: child.pid!,
    stop,
    async accessLog() {
      const text = await readFile(accessLog, 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).flatMap((line) => {
        const m = /^\S+ "(\S+) (\S+) [^"]*" (\d+) (\S+) /.exec(line);
        return m ? [{ method: m[1]!, uri: m[2]!, status: Number(m[3]), cache: m[4]! }] : [];
      });
    },
  };
}
