/** CVAT for video 1.1 XML: real files CVAT wrote, the export, and the round trip. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAST_FRAME, SCENE } from '../../scene/scene.ts';
import { CvatError, exportCvatXml, importCvatXml } from './cvat.ts';
import type { FrameSize } from './pixels.ts';
import { TRACK, readFixture, sceneTracks } from './testing.ts';
import type { StudioTrack } from './track.ts';
import { child, parseXml } from './xml.ts';

const SIZE: FrameSize = { width: SCENE.width, height: SCENE.height };
const roundTrip = (tracks: readonly StudioTrack[], size = SIZE, lastFrame = LAST_FRAME): StudioTrack[] =>
  importCvatXml(exportCvatXml(tracks, { ...size, lastFrame })).tracks;

test('CVAT for video 1.1: keyframes only, pixels normalised by original_size, flags kept', () => {
  const xml = `<?xml version="1.0"?><annotations><version>1.1</version><meta><task><original_size><width>200</width><height>100</height></original_size></task></meta>
    <track id="3" label="lamp"><box frame="2" keyframe="1" outside="0" occluded="1" xtl="20" ytl="10" xbr="60" ybr="50"/>
    <box frame="3" keyframe="0" outside="0" occluded="0" xtl="21" ytl="10" xbr="61" ybr="50"/>
    <box frame="9" keyframe="1" outside="1" occluded="0" xtl="40" ytl="10" xbr="80" ybr="50"/><polygon frame="2" points="1,2;3,4"/></track></annotations>`;
  const res = importCvatXml(xml);
  assert.deepEqual(res.tracks, [{ id: 'lamp-3', label: 'lamp', product: '', keyframes: [
    { frame: 2, box: { x: 0.1, y: 0.1, w: 0.2, h: 0.4 }, occluded: true },
    { frame: 9, box: { x: 0.2, y: 0.1, w: 0.2, h: 0.4 }, outside: true },
  ] }]);
  assert.match(res.warnings.join(), /non-box shape/);
  assert.throws(() => importCvatXml('<annotations><track id="1" label="x"><box frame="0" xtl="0" ytl="0" xbr="1" ybr="1"/></track></annotations>'), /no <original_size>/);
});

test('CVAT for video 1.1 as CVAT wrote it (datumaro\'s asset): the box track comes in, points and polylines are skipped with a warning', () => {
  const res = importCvatXml(readFixture('datumaro-cvat-for-video.xml'));
  assert.deepEqual(res.tracks, [{ id: 'ii-0', label: 'II', product: '', keyframes: [
    { frame: 10, box: { x: 3 / 25, y: 4 / 20, w: 7 / 25, h: 1 / 20 }, occluded: true },
    { frame: 13, box: { x: 7 / 25, y: 6 / 20, w: 7 / 25, h: 2 / 20 }, outside: true },
    { frame: 16, box: { x: 8 / 25, y: 7 / 20, w: 6 / 25, h: 10 / 20 }, outside: true },
  ] }]);
  assert.deepEqual(res.warnings, ['CVAT: 4 non-box shape(s) (polygons, points…) skipped; only boxes are shoppable']);
});

test('CVAT for images 1.1 (a project CVAT exported): the error names the format and the one to export instead', () => {
  for (const opts of [{}, { fallbackSize: { width: 8, height: 8 } }]) {
    assert.throws(() => importCvatXml(readFixture('datumaro-cvat-for-images.xml'), opts), (e: unknown) => {
      assert.ok(e instanceof CvatError);
      assert.match(e.message, /this is a "CVAT for images 1\.1" file/);
      assert.match(e.message, /export the task from CVAT again as "CVAT for video 1\.1"/);
      assert.doesNotMatch(e.message, /original_size/);
      return true;
    });
  }
});

test('CVAT export has the shape CVAT\'s importer reads: <track id label source> of keyframed <box frame keyframe outside occluded xtl ytl xbr ybr>', () => {
  const tracks = [{ ...TRACK, id: 'studio-mug' }, ...sceneTracks()];
  const root = parseXml(exportCvatXml(tracks, { ...SIZE, lastFrame: LAST_FRAME, name: 'scene.webm' }));
  assert.equal(root.name, 'annotations');
  assert.equal(child(root, 'version')?.text, '1.1');
  const meta = child(root, 'meta')!;
  const task = child(meta, 'task')!;
  const text = (el: typeof root, name: string): string | undefined => child(el, name)?.text;
  assert.deepEqual(['name', 'size', 'mode', 'start_frame', 'stop_frame'].map((n) => text(task, n)), ['scene.webm', String(LAST_FRAME + 1), 'interpolation', '0', String(LAST_FRAME)]);
  const size = child(task, 'original_size')!;
  assert.deepEqual([text(size, 'width'), text(size, 'height')], [String(SCENE.width), String(SCENE.height)]);
  assert.deepEqual(child(task, 'labels')!.children.map((l) => text(l, 'name')), [...new Set(tracks.map((t) => t.label))]);
  const trackEls = root.children.filter((c) => c.name === 'track');
  assert.equal(trackEls.length, tracks.length);
  trackEls.forEach((tr, i) => {
    assert.deepEqual(tr.attrs, { id: String(i), label: tracks[i]!.label, source: 'manual' });
    assert.ok(tr.children.length > 0 && tr.children.every((b) => b.name === 'box' && b.attrs.keyframe === '1'), 'every shape a keyframed box');
    for (const b of tr.children) {
      assert.deepEqual(Object.keys(b.attrs), ['frame', 'keyframe', 'outside', 'occluded', 'xtl', 'ytl', 'xbr', 'ybr', 'z_order']);
      assert.ok(['outside', 'occluded'].every((f) => /^[01]$/.test(b.attrs[f]!)));
      assert.ok(['xtl', 'ytl', 'xbr', 'ybr'].every((c) => /^-?\d+\.\d\d$/.test(b.attrs[c]!)), 'pixels with two decimals, as CVAT writes them');
    }
  });
});

test('CVAT export → import is the identity on real CVAT tracks', () => {
  const { tracks } = importCvatXml(readFixture('datumaro-cvat-for-video.xml'));
  assert.deepEqual(roundTrip(tracks, { width: 25, height: 20 }, 19), tracks);
});

test('CVAT export → import keeps what CVAT has no field for: prop id, product, chain id, and an exit without a box', () => {
  const track: StudioTrack = { ...TRACK, chainId: 'dipnet-devnet' };
  assert.deepEqual(roundTrip([track]), [track]);
  const again = importCvatXml(exportCvatXml([track], { ...SIZE, lastFrame: LAST_FRAME }), { takenIds: ['mug'] });
  assert.equal(again.tracks[0]!.id, 'mug-2', 'a carried id still yields to one the studio has');
});

test('CVAT export → import moves a studio box by at most 0.005 px (CVAT\'s 0.01 px grid), and a second round trip changes nothing', () => {
  const tracks = sceneTracks();
  const back = roundTrip(tracks);
  const strip = (ts: readonly StudioTrack[]): unknown => ts.map((t) => ({ ...t, keyframes: t.keyframes.map(({ box: _box, ...rest }) => rest) }));
  assert.deepEqual(strip(back), strip(tracks), 'ids, labels, products, frames and flags are identical');
  let worst = 0;
  back.forEach((t, i) => t.keyframes.forEach((k, j) => {
    const was = tracks[i]!.keyframes[j]!.box;
    assert.equal(Boolean(k.box), Boolean(was));
    if (k.box && was) worst = Math.max(worst, Math.abs(k.box.x - was.x) * SIZE.width, Math.abs(k.box.y - was.y) * SIZE.height, Math.abs(k.box.x + k.box.w - was.x - was.w) * SIZE.width, Math.abs(k.box.y + k.box.h - was.y - was.h) * SIZE.height);
  }));
  assert.ok(worst > 0 && worst <= 0.005 + 1e-9, `worst edge moved ${worst} px`);
  assert.deepEqual(roundTrip(back), back);
});

test('CVAT export refuses a track it cannot write: one without keyframes', () => {
  const empty: StudioTrack = { id: 'empty', label: 'Empty', product: '', keyframes: [] };
  assert.throws(() => exportCvatXml([empty], { ...SIZE, lastFrame: LAST_FRAME }), (e: unknown) => e instanceof CvatError && /"empty" has no keyframes/.test(e.message));
});
