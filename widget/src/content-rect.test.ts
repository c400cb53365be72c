import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentRect, toObjectFit } from './content-rect.ts';

test('contain: letterbox (wide video in a 4:3 box) and pillarbox (tall box)', () => {
  assert.deepEqual(contentRect(1920, 1080, 640, 480, 'contain'), { x: 0, y: 60, width: 640, height: 360 });
  const p = contentRect(1920, 1080, 800, 300, 'contain');
  assert.ok(Math.abs(p.x - (800 - 300 * 16 / 9) / 2) < 1e-9 && Math.abs(p.width - 300 * 16 / 9) < 1e-9, JSON.stringify(p));
  assert.deepEqual([p.y, p.height], [0, 300]);
});

test('cover: fills and overflows, centred', () => {
  const r = contentRect(1920, 1080, 640, 480, 'cover');
  assert.ok(Math.abs(r.x - (640 - 480 * 16 / 9) / 2) < 1e-9 && Math.abs(r.width - 480 * 16 / 9) < 1e-9, JSON.stringify(r));
  assert.deepEqual([r.y, r.height], [0, 480]);
});

test('fill: stretches to the element', () => {
  assert.deepEqual(contentRect(1920, 1080, 640, 480, 'fill'), { x: 0, y: 0, width: 640, height: 480 });
});

test('none: natural size, centred (may be negative when larger)', () => {
  assert.deepEqual(contentRect(320, 180, 640, 480, 'none'), { x: 160, y: 150, width: 320, height: 180 });
  assert.deepEqual(contentRect(1280, 720, 640, 480, 'none'), { x: -320, y: -120, width: 1280, height: 720 });
});

test('scale-down: none when smaller, contain when larger', () => {
  assert.deepEqual(contentRect(320, 180, 640, 480, 'scale-down'), contentRect(320, 180, 640, 480, 'none'));
  assert.deepEqual(contentRect(1920, 1080, 640, 480, 'scale-down'), contentRect(1920, 1080, 640, 480, 'contain'));
});

test('object-position: percentages and pixels', () => {
  assert.deepEqual(contentRect(1920, 1080, 640, 480, 'contain', '0% 100%'), { x: 0, y: 120, width: 640, height: 360 });
  assert.deepEqual(contentRect(1920, 1080, 640, 480, 'contain', '10px 5px'), { x: 10, y: 5, width: 640, height: 360 });
});

test('behavior: a normalised box maps to exact CSS pixels', () => {
  const r = contentRect(1920, 1080, 640, 480, 'contain');
  const box = { x: 0.25, y: 0.5, w: 0.1, h: 0.2 };
  assert.deepEqual([r.x + box.x * r.width, r.y + box.y * r.height, box.w * r.width, box.h * r.height], [160, 240, 64, 72]);
});

test('default: before metadata the frame fills the element; unknown fits are fill', () => {
  assert.deepEqual(contentRect(0, 0, 640, 480, 'contain'), { x: 0, y: 0, width: 640, height: 480 });
  assert.equal(toObjectFit('bogus'), 'fill');
  assert.equal(toObjectFit('scale-down'), 'scale-down');
});
