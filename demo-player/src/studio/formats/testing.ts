/** What the format tests share: the fixtures, a strict WebVTT check and sample tracks. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import webvtt from 'webvtt-parser';
import { groundTruth } from '../../scene/scene.ts';
import type { StudioTrack } from './track.ts';

/** A file of `fixtures/` (see its README for where each came from). */
export const readFixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/**
 * Parses `vtt` with the W3C WebVTT validator (webvtt-parser) and fails on any error it reports.
 * Cue text is checked as captions too (the validator's strictest mode), not skipped as for metadata.
 */
export function assertStrictWebVtt(vtt: string): void {
  const { cues, errors } = new webvtt.WebVTTParser().parse(vtt, 'subtitles');
  assert.deepEqual(errors, [], 'the WebVTT validator reports no error');
  assert.ok(cues.length > 0, 'and reads cues');
}

export const PRODUCT = 'ab'.repeat(32);

/** A studio track with every kind of keyframe: in frame, occluded, a boxless exit, a return. */
export const TRACK: StudioTrack = {
  id: 'mug', label: 'Mug --> "cup" & <saucer>', product: PRODUCT,
  keyframes: [{ frame: 0, box: { x: 0.1, y: 0.1, w: 0.2, h: 0.2 } }, { frame: 50, box: { x: 0.5, y: 0.1, w: 0.2, h: 0.2 }, occluded: true }, { frame: 75, outside: true }, { frame: 100, box: { x: 0.2, y: 0.2, w: 0.1, h: 0.1 } }],
};

/** The sample scene's ground truth (studio tracks made from dense motion, as an import makes them). */
export const sceneTracks = (): StudioTrack[] => groundTruth({ lamp: PRODUCT, mug: PRODUCT, chair: PRODUCT, jacket: PRODUCT });
