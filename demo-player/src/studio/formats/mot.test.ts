/** MOT CSV as CVAT and datumaro read and write it: real and hand-made files, export, round trip. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAST_FRAME, SCENE } from '../../scene/scene.ts';
import { boxAtFrame } from '../model.ts';
import { exportMot, importMot } from './mot.ts';
import { readFixture, sceneTracks } from './testing.ts';

const rows = (text: string): number[][] => text.trim().split(/\r?\n/).map((l) => l.split(',').map(Number));

test('MOT: frames from 1, pixels by the video size, linear runs collapse, gaps become outside', () => {
  const lines = [1, 2, 3, 4, 5].map((f) => `${f},1,${10 * f},20,30,40,1,-1,-1,-1`).concat(['1,2,0,0,10,10,1,-1,-1,-1', '2,2,0,0,10,10,0,-1,-1,-1']);
  const res = importMot(lines.join('\n'), { width: 100, height: 200 });
  assert.deepEqual(res.tracks.map((t) => [t.id, t.keyframes.map((k) => [k.frame, k.outside ?? false, k.occluded ?? false])]), [
    ['mot-1', [[0, false, false], [4, false, false]]],
    ['mot-2', [[0, false, false], [1, true, false]]],
  ], 'the −1 of the 10-column layout is not a visibility of 0');
  assert.deepEqual(res.tracks[0]!.keyframes[1]!.box, { x: 0.5, y: 0.1, w: 0.3, h: 0.2 });
  assert.match(res.warnings[0]!, /conf 0/);
  assert.throws(() => importMot('1,1,a,b', { width: 10, height: 10 }), /MOT line 1/);
});

test('MOT as datumaro wrote it (its mot_seq asset: a box in no track, id −1) imports as no track with a warning, not an error', () => {
  // mot_seq_with_seqinfo, which has the same row, gives the sequence's size: 16×16.
  assert.deepEqual(importMot(readFixture('datumaro-mot-seq-gt.txt'), { width: 16, height: 16 }), {
    tracks: [], warnings: ['MOT: 1 row(s) with id ≤ 0 (a box in no track; datumaro writes −1) skipped'],
  });
});

test('MOT: untracked boxes sharing a frame are skipped, and visibility 0 imports as occluded', () => {
  const res = importMot(readFixture('handmade-mot-visibility.txt'), { width: 100, height: 100 });
  const box = (x: number) => ({ x, y: 0.2, w: 0.3, h: 0.4 });
  assert.deepEqual(res.tracks, [{ id: 'mot-1', label: 'Object 1', product: '', keyframes: [
    { frame: 0, box: box(0.1) }, { frame: 2, box: box(0.14), occluded: true }, { frame: 4, box: box(0.18) },
  ] }]);
  assert.deepEqual([0, 1, 2, 3, 4].map((f) => boxAtFrame(res.tracks[0]!, f)?.occluded), [false, false, true, true, false]);
  assert.deepEqual(res.warnings, ['MOT: 1 row(s) with conf 0 (ignore) skipped', 'MOT: 2 row(s) with id ≤ 0 (a box in no track; datumaro writes −1) skipped']);
});

test('MOT export writes one row a frame with visibility 1 − occluded, as datumaro writes it', () => {
  const { tracks } = importMot(readFixture('handmade-mot-visibility.txt'), { width: 100, height: 100 });
  const exported = rows(exportMot(tracks, { width: 100, height: 100, lastFrame: 4 }));
  const written = rows(readFixture('handmade-mot-visibility.txt')).filter((r) => r[1] === 1);
  const columns = (r: number[]): number[] => [...r.slice(0, 7), r[8]!]; // all but the class
  assert.deepEqual(exported.map(columns), written.map(columns));
  assert.deepEqual(exported.map((r) => r[8]), [1, 1, 0, 0, 1]);
});

test('MOT export → import reproduces every frame of the studio\'s tracks within half a pixel, occlusion included', () => {
  const tracks = sceneTracks();
  const size = { width: SCENE.width, height: SCENE.height };
  const back = importMot(exportMot(tracks, { ...size, lastFrame: LAST_FRAME }), size);
  assert.deepEqual(back.warnings, []);
  assert.equal(back.tracks.length, tracks.length);
  tracks.forEach((t, i) => {
    for (let f = 0; f <= LAST_FRAME; f++) {
      const want = boxAtFrame(t, f);
      const got = boxAtFrame(back.tracks[i]!, f);
      assert.equal(Boolean(got), Boolean(want), `${t.id} in frame at ${f}`);
      if (!got || !want) continue;
      assert.equal(got.occluded, want.occluded, `${t.id} occluded at ${f}`);
      for (const [k, px] of [['x', size.width], ['y', size.height], ['w', size.width], ['h', size.height]] as const) {
        assert.ok(Math.abs(got[k] - want[k]) * px <= 0.5 + 0.01, `${t.id} ${k} at ${f}`);
      }
    }
  });
});
