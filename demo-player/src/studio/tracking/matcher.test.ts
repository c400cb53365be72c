/**
 * The tracker on synthetic frames with a known truth: a textured prop on a textured wall that
 * moves, grows, is covered, and leaves the picture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoxTracker, type PxBox, type Pixels } from './matcher.ts';

const W = 320;
const H = 180;

/** A wall of soft stripes, a prop (a two-tone block with a bar), and optionally an occluder. */
function frame(prop: PxBox, cover?: PxBox): Pixels {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      let c = (x >> 4) % 2 ? [200, 205, 190] : [185, 192, 176];
      const u = (x - prop.x) / prop.w;
      const v = (y - prop.y) / prop.h;
      if (u >= 0 && u < 1 && v >= 0 && v < 1) c = v < 0.3 ? [30, 90, 200] : u > 0.4 && u < 0.6 ? [240, 220, 40] : [200, 40, 40];
      if (cover && x >= cover.x && x < cover.x + cover.w && y >= cover.y && y < cover.y + cover.h) c = [40, 50, 60];
      data.set([c[0]!, c[1]!, c[2]!, 255], o);
    }
  }
  return { width: W, height: H, data };
}

const iou = (a: PxBox, b: PxBox): number => {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return (ix * iy) / (a.w * a.h + b.w * b.h - ix * iy);
};

test('follows a prop that moves and grows', () => {
  const at = (f: number): PxBox => ({ x: 40 + 2.5 * f, y: 60 + 0.5 * f, w: 40 * (1 + 0.006 * f), h: 30 * (1 + 0.006 * f) });
  const t = new BoxTracker(frame(at(0)), at(0));
  for (let f = 1; f <= 40; f++) {
    const r = t.step(frame(at(f)));
    assert.equal(r.kind, 'ok', `frame ${f}`);
    assert.ok(iou(r.box, at(f)) > 0.85, `frame ${f}: IoU ${iou(r.box, at(f)).toFixed(3)}`);
  }
});

test('keeps its place while partly covered, and is lost when the prop is wholly hidden', () => {
  const prop = { x: 140, y: 70, w: 40, h: 30 };
  const t = new BoxTracker(frame(prop), prop);
  let lostAt = -1;
  for (let f = 1; f <= 40; f++) {
    // A dark panel slides in from the left, 3 px a frame.
    const cover = { x: 80 + 3 * f - 60, y: 40, w: 60, h: 100 };
    const r = t.step(frame(prop, cover));
    const hidden = Math.max(0, Math.min(prop.x + prop.w, cover.x + cover.w) - Math.max(prop.x, cover.x)) / prop.w;
    if (r.kind !== 'ok') { lostAt = f; assert.equal(r.kind, 'lost'); assert.ok(hidden > 0.5, `lost with ${hidden} hidden`); break; }
    assert.ok(iou(r.box, prop) > 0.85, `frame ${f} (${(hidden * 100).toFixed(0)}% hidden): IoU ${iou(r.box, prop).toFixed(3)}`);
  }
  assert.ok(lostAt > 0, 'lost before the prop was wholly hidden for good');
});

test('says the prop left the picture once most of it is out', () => {
  const at = (f: number): PxBox => ({ x: 250 + 4 * f, y: 80, w: 40, h: 30 });
  const t = new BoxTracker(frame(at(0)), at(0));
  for (let f = 1; f < 40; f++) {
    const r = t.step(frame(at(f)));
    const inside = (W - at(f).x) / 40;
    if (inside >= 0.45) assert.equal(r.kind, 'ok', `frame ${f}: ${inside} inside`);
    if (r.kind !== 'ok') { assert.equal(r.kind, 'outside'); assert.ok(inside < 0.45); return; }
  }
  assert.fail('never left');
});
