/**
 * The sample scene ships in the repository (so `npm start` needs no browser): its annotation files
 * must stay the exact ground truth the generator derives from the scene's motion, and its video
 * must be a WebM with a duration. (That the video shows each prop where the ground truth says is
 * checked in Chromium by test/src/browser/studio.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sceneAnnotations, shippedProducts } from './scene-annotations.ts';

const PUBLIC = fileURLToPath(new URL('../../public/', import.meta.url));

test('the shipped annotation files are the ground truth the generator writes', () => {
  const { json, vtt } = sceneAnnotations(shippedProducts());
  assert.equal(readFileSync(`${PUBLIC}scene.annotations.json`, 'utf8'), json, 'public/scene.annotations.json: run `npm run make-scene -w demo-player -- --annotations-only`');
  assert.equal(readFileSync(`${PUBLIC}scene.vtt`, 'utf8'), vtt, 'public/scene.vtt: run `npm run make-scene -w demo-player -- --annotations-only`');
});

test('the shipped video is a WebM whose header carries a duration', () => {
  const webm = readFileSync(`${PUBLIC}scene.webm`);
  assert.ok(webm.length > 100_000, `scene.webm is ${webm.length} bytes`);
  assert.deepEqual([...webm.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'EBML magic');
  assert.ok(webm.subarray(0, 64).includes(Buffer.from('webm')), 'DocType webm');
  // The Duration element (0x4489) sits in Info near the start; MediaRecorder leaves it out.
  assert.ok(webm.subarray(0, 512).includes(Buffer.from([0x44, 0x89])), 'Duration element in the header');
});
