/** WebVTT metadata tracks: the export, a strict validator's view of it, and the import back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAST_FRAME, SCENE } from '../../scene/scene.ts';
import { importCvatXml } from './cvat.ts';
import { PRODUCT, TRACK, assertStrictWebVtt, readFixture, sceneTracks } from './testing.ts';
import type { StudioTrack } from './track.ts';
import { exportWebVtt, importWebVtt, parseWebVtt } from './webvtt.ts';
import { toAnnotationDocument } from './widget-json.ts';

const vttOf = (tracks: readonly StudioTrack[], fps: number, duration: number): string => exportWebVtt(toAnnotationDocument(tracks, fps), duration);
const BOX = { x: 0.1, y: 0.1, w: 0.2, h: 0.2 };

test('WebVTT export: one cue per segment, a payload holds no "-->", "<", "&" or line break, and a strict validator accepts it', () => {
  const vtt = vttOf([TRACK], 25, 6);
  assertStrictWebVtt(vtt);
  const cues = parseWebVtt(vtt);
  assert.deepEqual(cues.map((c) => [c.id, c.startTime, c.endTime]), [['prop 1.1', 0, 3], ['prop 1.2', 4, 6]]);
  for (const c of cues) assert.doesNotMatch(c.text, /-->|[<>&\n]/);
  assert.equal((JSON.parse(cues[0]!.text) as { label: string }).label, TRACK.label);
  assert.throws(() => parseWebVtt('00:00.000 --> 00:01.000\n{}'), /must start with "WEBVTT"/);
});

test('WebVTT export never writes a zero-length cue: a segment starting at or past the video\'s end ends after its keyframe', () => {
  // 4 s at 25 fps: frame 100 is the video's end, frame 120 is past it.
  const atEnd: StudioTrack = { id: 'at-end', label: 'At the end', product: PRODUCT, keyframes: [{ frame: 0, box: BOX }, { frame: 50, outside: true }, { frame: 100, box: BOX }] };
  const pastEnd: StudioTrack = { id: 'past-end', label: 'Past the end', product: PRODUCT, keyframes: [{ frame: 120, box: BOX }] };
  const vtt = vttOf([atEnd, pastEnd], 25, 4);
  assertStrictWebVtt(vtt);
  assert.deepEqual(parseWebVtt(vtt).map((c) => [c.startTime, c.endTime]), [[0, 2], [4, 4.002], [4.8, 4.802]]);
  assert.deepEqual(importWebVtt(vtt, 25, 'late.vtt', 4), { tracks: [atEnd, pastEnd], warnings: [] });
});

test('WebVTT export → import is the identity on the studio\'s tracks, those still in frame at the video\'s end included', () => {
  const tracks = [...sceneTracks(), { ...TRACK, id: 'studio-mug' }];
  assert.ok(tracks.filter((t) => !t.keyframes.at(-1)!.outside).length >= 2, 'tracks in frame at the end are part of the test');
  // The scene's exact length, and a video whose duration falls between frames (no false "moved" warning).
  for (const duration of [SCENE.frames / SCENE.fps, (LAST_FRAME + 1.33) / SCENE.fps]) {
    const vtt = vttOf(tracks, SCENE.fps, duration);
    assertStrictWebVtt(vtt);
    assert.deepEqual(importWebVtt(vtt, SCENE.fps, 'scene.vtt', duration), { tracks, warnings: [] }, `duration ${duration}`);
  }
});

test('WebVTT export → import is the identity on real CVAT tracks (an exit, then an outside keyframe while out)', () => {
  const tracks = importCvatXml(readFixture('datumaro-cvat-for-video.xml')).tracks.map((t) => ({ ...t, product: PRODUCT }));
  assert.deepEqual(tracks[0]!.keyframes.map((k) => k.outside ?? false), [false, true, true]);
  const fps = 25;
  const duration = 20 / fps;
  const vtt = vttOf(tracks, fps, duration);
  assertStrictWebVtt(vtt);
  assert.deepEqual(importWebVtt(vtt, fps, 'cvat.vtt', duration), { tracks, warnings: [] });
});

test('WebVTT import: a cue that ends before the video does is the prop leaving, and stays so', () => {
  // ANNOTATIONS.md's example: a segment with no `outside` keyframe, ending at 3 s of a 10 s video.
  const vtt = `WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n{"id":"mug","label":"Blue mug","product":{"contract":"${PRODUCT}"},"track":[{"t":1,"box":{"x":0.1,"y":0.5,"w":0.1,"h":0.2}},{"t":3,"box":{"x":0.3,"y":0.5,"w":0.1,"h":0.2}}]}\n`;
  const [mug] = importWebVtt(vtt, 25, 'example.vtt', 10).tracks;
  assert.deepEqual(mug!.keyframes, [{ frame: 25, box: { x: 0.1, y: 0.5, w: 0.1, h: 0.2 } }, { frame: 75, box: { x: 0.3, y: 0.5, w: 0.1, h: 0.2 }, outside: true }]);
});
