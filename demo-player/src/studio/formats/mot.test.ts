/** MOT CSV as CVAT and datumaro read and write it: real and hand-made files, export, round trip. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importMot } from './mot.ts';

test('MOT: frames from 1, pixels by the video size, linear runs collapse, gaps become outside', () => {
  const rows = [1, 2, 3, 4, 5].map((f) => `${f},1,${10 * f},20,30,40,1,-1,-1,-1`).concat(['1,2,0,0,10,10,1,-1,-1,-1', '2,2,0,0,10,10,0,-1,-1,-1']);
  const res = importMot(rows.join('\n'), { width: 100, height: 200 });
  assert.deepEqual(res.tracks.map((t) => [t.id, t.keyframes.map((k) => [k.frame, k.outside ?? false])]), [
    ['mot-1', [[0, false], [4, false]]],
    ['mot-2', [[0, false], [1, true]]],
  ]);
  assert.deepEqual(res.tracks[0]!.keyframes[1]!.box, { x: 0.5, y: 0.1, w: 0.3, h: 0.2 });
  assert.match(res.warnings[0]!, /conf 0/);
  assert.throws(() => importMot('1,1,a,b', { width: 10, height: 10 }), /MOT line 1/);
});
