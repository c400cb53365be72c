/** The studio's converters and edits, as pure functions (no browser). CVAT, MOT and WebVTT have test files of their own. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnnotationText } from '@dipnet/widget/annotations';
import { boxAt } from '@dipnet/widget/box-at';
import { keyframesFromSamples } from './simplify.ts';
import { PRODUCT as P, TRACK } from './testing.ts';
import { exportJson, importJson } from './widget-json.ts';
import { parseXml } from './xml.ts';
import type { StudioTrack } from './track.ts';
import { History } from '../history.ts';
import { copyForward, toggleKeyframe, toggleOutside } from '../model.ts';
import { validateProducts, validateTracks } from '../validate.ts';
import { LAST_FRAME, PROPS, SCENE, groundTruth, truthAt } from '../../scene/scene.ts';

test('widget JSON round-trips and parses with the widget parser', () => {
  const text = exportJson([TRACK], 25);
  const doc = parseAnnotationText(text);
  assert.deepEqual(doc.props[0]!.track.map((k) => k.t), [0, 2, 3, 4]);
  assert.deepEqual(importJson(text, 25).tracks, [TRACK]);
  const snapped = importJson(JSON.stringify({ version: 1, props: [{ ...doc.props[0], track: [{ t: 0.05, box: { x: 0, y: 0, w: 0.1, h: 0.1 } }] }] }), 25);
  assert.equal(snapped.tracks[0]!.keyframes[0]!.frame, 1);
  assert.match(snapped.warnings[0]!, /moved to the nearest frame/);
});

test('the XML reader names the line of a mismatched closing tag', () => {
  assert.throws(() => parseXml('<a><b></a>'), /XML line 1: <\/a> does not close <b>/);
});

test('keyframesFromSamples reproduces every sample', () => {
  const samples = Array.from({ length: 30 }, (_, f) => ({ frame: f, box: { x: f < 10 ? 0.01 * f : 0.1, y: 0.2, w: 0.1, h: 0.1 } }));
  const kfs = keyframesFromSamples(samples, 40);
  assert.deepEqual(kfs.map((k) => k.frame), [0, 10, 30]);
  assert.equal(kfs[2]!.outside, true);
});

test('the sample scene ground truth parses and matches the drawn motion on every frame', () => {
  const tracks = groundTruth({ lamp: P, mug: P, chair: P, jacket: P });
  const doc = parseAnnotationText(exportJson(tracks, SCENE.fps));
  for (const [i, prop] of doc.props.entries()) {
    const p = PROPS[i]!;
    for (let f = 0; f <= LAST_FRAME; f++) {
      const want = truthAt(p, f);
      const got = boxAt(prop.track, f / SCENE.fps);
      assert.equal(Boolean(got), Boolean(want), `${p.id} present at frame ${f}`);
      if (got && want) {
        for (const k of ['x', 'y', 'w', 'h'] as const) assert.ok(Math.abs(got[k] - want.box[k]) < 1e-5, `${p.id} ${k} at frame ${f}`);
        assert.equal(got.occluded, want.occluded, `${p.id} occluded at frame ${f}`);
      }
    }
  }
});

test('edits, history and validation', () => {
  const t0: StudioTrack = { id: 'a', label: 'A', product: P, keyframes: [{ frame: 0, box: { x: 0, y: 0, w: 0.2, h: 0.2 } }, { frame: 10, box: { x: 0.8, y: 0, w: 0.2, h: 0.2 } }] };
  const t1 = toggleKeyframe(t0, 5);
  assert.deepEqual(t1.keyframes[1], { frame: 5, box: { x: 0.4, y: 0, w: 0.2, h: 0.2 } });
  assert.equal(toggleKeyframe(t1, 5).keyframes.length, 2);
  assert.equal(toggleOutside(t0, 12).keyframes[2]!.outside, true);
  assert.deepEqual(copyForward(t0, 20).keyframes[2], { frame: 20, box: { x: 0.8, y: 0, w: 0.2, h: 0.2 } });
  const h = new History([t0]);
  h.do('key', [t1]);
  assert.equal(h.undo(), 'key');
  assert.equal(h.state[0], t0);
  assert.equal(h.redo(), 'key');
  const bad: StudioTrack = { id: 'a', label: ' ', product: 'xyz', keyframes: [{ frame: 3, outside: true }, { frame: 3, box: { x: 0.9, y: 0, w: 0.2, h: 0.1 } }] };
  const msgs = validateTracks([t0, bad], 25).map((i) => i.message);
  assert.deepEqual(msgs, [
    'Track "a": the id is already used by track 1; ids must be unique',
    'Track "a": the label is empty',
    'Track "a": "xyz" is not a product id (64 lowercase hex)',
    'Track "a": the first keyframe (frame 3 (0.12 s)) is "outside"; a track starts in frame',
    'Track "a": two keyframes on frame 3 (0.12 s); delete one',
    'Track "a", frame 3 (0.12 s): the box leaves the frame (right 1.100, bottom 0.100; must be ≤ 1)',
  ]);
  const withoutProducts = validateTracks([t0, bad], 25, undefined, { products: false }).map((i) => i.message);
  assert.deepEqual(withoutProducts, msgs.filter((m) => !m.includes('is not a product id')), 'CVAT and MOT exports need no product');
});

test('the product hook decides which well-formed products are known', async () => {
  const t = (product: string): StudioTrack => ({ id: product.slice(0, 4), label: 'x', product, keyframes: [{ frame: 0, box: { x: 0, y: 0, w: 0.1, h: 0.1 } }] });
  const issues = await validateProducts([t(P), t('cd'.repeat(32)), t('bad')], async (p) => (p === P ? null : 'unknown product'));
  assert.deepEqual(issues.map((i) => i.message), ['Track "cdcd": unknown product']);
});
