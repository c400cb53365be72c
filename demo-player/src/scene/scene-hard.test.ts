/**
 * The harder clip's truth has what the tracker must be measured on (a pan and zoom, a prop that
 * grows, one wholly hidden for a while, one that leaves and comes back), and the shipped truth file
 * is what the generator writes. (That the shipped video matches it is checked by make-scene's
 * colour probes, and by the tracking bench and browser test that score against it.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cameraAt, hardTruth } from './scene-hard.ts';
import { onScreenSpans } from './truth.ts';
import { hardTruthJson } from '../../scripts/make-scene.ts';
import { demuxWebm } from '../studio/tracking/webm-demux.ts';

const PUBLIC = fileURLToPath(new URL('../../public/', import.meta.url));
const truth = hardTruth();
const prop = (id: string) => truth.props.find((p) => p.id === id)!;

test('the shipped truth is what the generator writes, and the video has one frame per truth frame at exact times', () => {
  assert.equal(readFileSync(`${PUBLIC}scene-hard.truth.json`, 'utf8'), hardTruthJson(), 'run `npm run make-scene -w demo-player -- --hard --annotations-only`');
  const v = demuxWebm(readFileSync(`${PUBLIC}scene-hard.webm`));
  assert.equal(v.frames.length, truth.frames);
  v.frames.forEach((f, i) => assert.equal(f.timestamp, i * 40_000, `frame ${i}`));
});

test('the camera pans and zooms; the vase grows on screen only with it', () => {
  assert.ok(cameraAt(100).cx - cameraAt(0).cx > 100, 'pan');
  assert.ok(cameraAt(249).zoom >= 1.3, 'zoom');
  const w = (f: number): number => prop('vase').frames[f]!.box!.w;
  assert.ok(Math.abs(w(249) / w(0) - cameraAt(249).zoom) < 1e-9);
});

test('the ball more than doubles in size', () => {
  const b = prop('ball').frames;
  assert.ok(b[249]!.box!.w / b[0]!.box!.w > 2.5);
});

test('the book is wholly hidden for a while, in the picture, then seen again', () => {
  const hidden = prop('book').frames.filter((f) => f.box && f.visibility === 0).map((f) => f.frame);
  assert.ok(hidden.length >= 10, `${hidden.length} hidden frames`);
  assert.deepEqual(onScreenSpans(prop('book')).length, 2);
});

test('the car leaves the picture and comes back', () => {
  const out = prop('car').frames.filter((f) => !f.box).map((f) => f.frame);
  assert.ok(out.length >= 30 && out[0]! > 0 && out[out.length - 1]! < 249, `out on ${out[0]}–${out[out.length - 1]}`);
  assert.equal(onScreenSpans(prop('car')).length, 2);
});
