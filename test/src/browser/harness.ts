/**
 * What every browser test needs: Debian's Chromium driven by Playwright (never downloaded), a
 * static server on port 0, and a video the page records itself from a canvas.
 */
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, relative } from 'node:path';
import assert from 'node:assert/strict';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium with the flags that keep it quiet on an offline machine. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; npm test and .ci/run do) or set CHROMIUM_PATH. Never \`npx playwright install\`.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

export type StaticFiles = Record<string, readonly [contentType: string, body: string | Buffer, headers?: Readonly<Record<string, string>>]>;

/**
 * Serves `files` by path on `host` (default 127.0.0.1; any 127.x.y.z is loopback and its own
 * site), port 0; unknown paths get 404, the favicon 204. A file's optional third entry adds
 * response headers (e.g. a `content-security-policy` for that page).
 */
export async function serveStatic(files: StaticFiles, host = '127.0.0.1'): Promise<{ server: Server; base: string; close: () => Promise<void> }> {
  const server = createServer((req, resp) => {
    const f = files[(req.url ?? '/').split('?')[0]!];
    if (!f) {
      resp.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    resp.writeHead(200, { ...f[2], 'content-type': f[0], 'cache-control': 'no-store' }).end(f[1]);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    server,
    base: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Content types of what a Vite build writes; anything else is served as bytes. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.vtt': 'text/vtt; charset=utf-8', '.webm': 'video/webm',
};

/** Every file under `dir` (a built site) by its URL path, for serveStatic. */
export async function staticFilesIn(dir: string): Promise<StaticFiles> {
  const out: Record<string, [string, Buffer]> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    out[`/${relative(dir, full).split('\\').join('/')}`] = [CONTENT_TYPES[extname(e.name)] ?? 'application/octet-stream', await readFile(full)];
  }
  return out;
}

/**
 * The errors pages threw or logged to the console, collected so a test can fail on any of them
 * at each step; `expected` exempts console errors that are part of the scenario.
 */
export class PageErrors {
  readonly list: string[] = [];

  watch(page: Page, expected: (m: ConsoleMessage) => boolean = () => false): void {
    page.on('pageerror', (e) => this.list.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !expected(m)) this.list.push(`console.error: ${m.text()} (${m.location().url})`);
    });
  }

  none(step: string): void {
    assert.deepEqual(this.list, [], `page errors by ${step}:\n${this.list.join('\n')}`);
  }
}

/**
 * In-page JS (a string to splice into page scripts): once `v` has its metadata, make Chromium
 * scan a MediaRecorder WebM, which carries no duration, and return to 0.
 */
export const SCAN_DURATION = `if (!Number.isFinite(v.duration)) {
    v.currentTime = 1e101;
    await new Promise((r) => v.addEventListener('durationchange', r, { once: true }));
  }
  v.currentTime = 0;
  await new Promise((r) => v.addEventListener('seeked', r, { once: true }));`;

/** Pauses `#film`, seeks to `t` and waits two painted frames, so the widget has drawn that time. */
export async function pauseAt(page: Page, t: number): Promise<void> {
  await page.evaluate(async (time) => {
    const v = document.getElementById('film') as HTMLVideoElement;
    v.pause();
    if (v.currentTime !== time) {
      const seeked = new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      v.currentTime = time;
      await seeked;
    }
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
  }, t);
}

/**
 * Runs in the page (a string, so no bundler helpers leak in): records 3 s of a moving shape from
 * a canvas into a WebM, loads it into `#film`, and resolves with its size, duration and bytes.
 */
export const MAKE_VIDEO = `(async () => {
  const c = document.createElement('canvas'); c.width = 320; c.height = 180;
  const g = c.getContext('2d');
  const rec = new MediaRecorder(c.captureStream(30), { mimeType: 'video/webm;codecs=vp8' });
  const chunks = []; rec.ondataavailable = (e) => chunks.push(e.data);
  const stopped = new Promise((r) => { rec.onstop = r; });
  rec.start(250);
  const t0 = performance.now();
  await new Promise((done) => {
    const draw = () => {
      const t = (performance.now() - t0) / 1000;
      g.fillStyle = '#124'; g.fillRect(0, 0, 320, 180);
      g.fillStyle = '#fc0'; g.fillRect(32 + t * 80, 36 + t * 27, 64, 36);
      if (t < 3) requestAnimationFrame(draw); else done();
    };
    draw();
  });
  rec.stop(); await stopped;
  const v = document.getElementById('film');
  v.src = URL.createObjectURL(new Blob(chunks, { type: 'video/webm' }));
  await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
  ${SCAN_DURATION}
  return { w: v.videoWidth, h: v.videoHeight, duration: v.duration, bytes: chunks.reduce((n, b) => n + b.size, 0) };
})()`;
