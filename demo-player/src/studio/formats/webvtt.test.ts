/** WebVTT metadata tracks: the export, a strict validator's view of it, and the import back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TRACK } from './testing.ts';
import { exportWebVtt, importWebVtt, parseWebVtt } from './webvtt.ts';
import { toAnnotationDocument } from './widget-json.ts';

test('WebVTT export: one cue per segment, no "-->" or blank line in a payload, and it reads back', () => {
  const vtt = exportWebVtt(toAnnotationDocument([TRACK], 25), 6);
  const cues = parseWebVtt(vtt);
  assert.deepEqual(cues.map((c) => [c.startTime, c.endTime]), [[0, 3], [4, 6]]);
  for (const c of cues) assert.ok(!c.text.includes('-->') && !c.text.includes('\n\n'));
  const back = importWebVtt(vtt, 25).tracks[0]!;
  assert.equal(back.label, TRACK.label);
  assert.deepEqual(back.keyframes.slice(0, 4), TRACK.keyframes);
  assert.throws(() => parseWebVtt('00:00.000 --> 00:01.000\n{}'), /must start with "WEBVTT"/);
});
