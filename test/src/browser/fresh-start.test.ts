/**
 * The README's first command on a fresh machine with no browser: a copy of the checkout as a clone
 * holds it, `npm install`, then `npm start` with CHROMIUM_PATH pointing nowhere and,
 * where the test runs as root, Debian's chromium hidden by a mount namespace
 * (demo-player/scripts/fresh-start.ts). The main job must need no browser on the server side.
 *
 * Proves: `npm start` reaches its Watch URL; the Watch page and the scene video it names are served
 * (the bytes the repository ships, seekable by range); the video plays in a viewer's browser (this
 * test's own Chromium, outside the namespace); the start never mentions Chromium; Ctrl-C stops it
 * and every validator. The time to the Watch URL is logged here and benchmarked in
 * demo-player/bench/start.bench.ts.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { freshStart, type FreshStart } from '@dipnet/demo-player/scripts/fresh-start';
import { launchChromium } from './harness.ts';
import { leftovers } from './demo-run.ts';

const T0 = Date.now();
const say = (msg: string): void => console.log(`# [fresh-start +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

let fresh: FreshStart | undefined;
let browser: Browser | undefined;

before(async () => {
  fresh = await freshStart(say);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await fresh?.stop().catch(() => undefined);
});

test('npm install && npm start on a fresh copy, with no usable Chromium, serves the Watch page and its video', async () => {
  const { url } = fresh!.run;
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const html = await page.text();
  assert.match(html, /<video id="film" src="\/scene\.webm"/);

  const shipped = await readFile(join(fresh!.dir, 'demo-player/public/scene.webm'));
  const video = await fetch(new URL('/scene.webm', url));
  assert.equal(video.status, 200);
  assert.equal(video.headers.get('content-type'), 'video/webm');
  assert.ok(Buffer.from(await video.arrayBuffer()).equals(shipped), 'the served video is the one the repository ships');
  const range = await fetch(new URL('/scene.webm', url), { headers: { range: 'bytes=1000-1999' } });
  assert.equal(range.status, 206);
  assert.ok(Buffer.from(await range.arrayBuffer()).equals(shipped.subarray(1000, 2000)));

  const config = await (await fetch(new URL('/demo-config.json', url))).json() as { products: Record<string, string> };
  const annotations = await (await fetch(new URL('/scene.annotations.json', url))).text();
  for (const id of Object.values(config.products)) assert.ok(annotations.includes(id), `the annotations name the seeded product ${id}`);

  assert.doesNotMatch(fresh!.run.output.join(''), /chromium/i, 'npm start never looks for a browser');
  say(`ready in ${(fresh!.run.readyMs / 1000).toFixed(1)} s after npm install (${(fresh!.installMs / 1000).toFixed(1)} s); Chromium ${fresh!.chromiumHidden ? 'hidden by a mount namespace' : 'only pointed nowhere'}`);
});

test('a viewer\'s browser plays the served scene video from the Watch page', async () => {
  browser = await launchChromium();
  const p = await browser.newPage();
  await p.goto(fresh!.run.url);
  const video = await p.waitForFunction(() => {
    const v = document.querySelector<HTMLVideoElement>('video#film');
    return v && v.readyState >= 2 && Number.isFinite(v.duration) ? { w: v.videoWidth, h: v.videoHeight, duration: v.duration } : null;
  }, undefined, { timeout: 30_000 });
  const v = await video.jsonValue() as { w: number; h: number; duration: number };
  assert.deepEqual([v.w, v.h], [640, 360]);
  assert.ok(Math.abs(v.duration - 15) < 0.2, `duration ${v.duration}`);
});

test('Ctrl-C stops npm start and every validator it started', async () => {
  const run = fresh!.run;
  const dir = fresh!.dir;
  await fresh!.stop();
  fresh = undefined;
  assert.match(run.output.join(''), /stopped\./);
  assert.deepEqual(leftovers(dir), []);
});
