/** CVAT for video 1.1 XML: real files CVAT wrote, the export, and the round trip. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importCvatXml } from './cvat.ts';

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
