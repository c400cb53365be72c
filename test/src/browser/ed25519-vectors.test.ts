/**
 * One Ed25519 rule in the browser too: in real headless Chromium, `crypto.subtle` (BoringSSL),
 * the light client's WebCrypto verifier and its bundled portable fallback give, on every vector
 * (Wycheproof, ed25519-speccheck, the hand-built small-order and mixed-order cases), exactly the
 * answer the node's node:crypto verifier gives here — which is also the answer each source
 * expects. Any page error fails the test. Needs Debian's `chromium` (or CHROMIUM_PATH); fails,
 * never skips, without.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { toHex } from '@dipnet/protocol';
import { allEd25519Vectors } from '@dipnet/protocol/ed25519-vectors';
import { NativeVerifier } from '@dipnet/bootstrap-node';
import { launchChromium, serveStatic, PageErrors } from './harness.ts';
import type { HexVector, PageAnswers } from './ed25519-page.ts';

const vectors = allEd25519Vectors();
const PAGE = '<!doctype html><meta charset="utf-8"><title>Ed25519 vectors</title><p id="status">loading</p><script type="module" src="/page.js"></script>';

let browser: Browser | undefined;
let site: Awaited<ReturnType<typeof serveStatic>> | undefined;
let page: Page;
const errors = new PageErrors();

before(async () => {
  const res = await build({
    entryPoints: [new URL('./ed25519-page.ts', import.meta.url).pathname],
    bundle: true, platform: 'browser', format: 'esm', target: 'chrome120', metafile: true, logLevel: 'error', write: false,
  });
  const leaked = Object.keys(res.metafile.inputs).filter((p) => p.startsWith('node:'));
  assert.deepEqual(leaked, [], 'no Node built-ins in the page bundle');
  site = await serveStatic({
    '/': ['text/html; charset=utf-8', PAGE],
    '/page.js': ['text/javascript; charset=utf-8', Buffer.from(res.outputFiles[0]!.contents)],
  });
  browser = await launchChromium();
  page = await browser.newPage();
  errors.watch(page);
  await page.goto(`${site.base}/`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await site?.close();
});

test("Chromium's crypto.subtle, the light client's WebCrypto verifier and its fallback give node:crypto's answer on all 194 vectors", async () => {
  assert.equal(vectors.length, 194);
  const native = new NativeVerifier();
  const nodeAnswers = vectors.map((v) => native.verify(v.publicKey, v.message, v.signature));
  assert.deepEqual(nodeAnswers, vectors.map((v) => v.valid), 'node:crypto gives the expected answers');

  const hex: HexVector[] = vectors.map((v) => ({ publicKey: toHex(v.publicKey), message: toHex(v.message), signature: toHex(v.signature) }));
  const answers = await page.evaluate((vs) => (window as unknown as { ed25519Vectors: { verifyAll(v: HexVector[]): Promise<PageAnswers> } }).ed25519Vectors.verifyAll(vs), hex);
  assert.deepEqual([answers.webcryptoKind, answers.fallbackKind], ['webcrypto', 'noble'], 'Chromium has WebCrypto Ed25519; the fallback is forced');
  const wrong: string[] = [];
  for (const who of ['subtle', 'webcrypto', 'fallback'] as const) {
    answers[who].forEach((a, i) => { if (a !== nodeAnswers[i]) wrong.push(`${who} on ${vectors[i]!.name}: ${a}, node:crypto ${nodeAnswers[i]}`); });
  }
  assert.deepEqual(wrong, []);
  errors.none('verifying the vectors');
});
