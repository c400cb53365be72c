import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AnnotationError, parseAnnotations, parseAnnotationText } from './annotations.ts';

const C = 'ab'.repeat(32);
const prop = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'jacket', label: 'Leather jacket', product: { contract: C },
  track: [{ t: 0, box: { x: 0.1, y: 0.1, w: 0.2, h: 0.3 } }, { t: 2, box: { x: 0.5, y: 0.2, w: 0.2, h: 0.3 } }],
  ...over,
});
const doc = (...props: unknown[]): Record<string, unknown> => ({ version: 1, props });
const rejects = (value: unknown, path: string, reason: RegExp): void => {
  assert.throws(() => parseAnnotations(value, 'props.json'), (e: unknown) => {
    assert.ok(e instanceof AnnotationError, String(e));
    assert.equal(e.path, path, e.message);
    assert.match(e.reason, reason);
    assert.ok(e.message.startsWith(`props.json: ${path || '(root)'}: `), e.message);
    return true;
  });
};

test('default: accepts a valid document and keeps it as is', () => {
  const d = parseAnnotations(doc(prop(), prop({ id: 'lamp', product: { chainId: 'dipnet-devnet', contract: C } })));
  assert.equal(d.props.length, 2);
  assert.deepEqual(d.props[1]!.product, { chainId: 'dipnet-devnet', contract: C });
  assert.deepEqual(d.props[0]!.track[1], { t: 2, box: { x: 0.5, y: 0.2, w: 0.2, h: 0.3 } });
});

test('behavior: the example in ANNOTATIONS.md is valid', () => {
  const md = readFileSync(new URL('../ANNOTATIONS.md', import.meta.url), 'utf8');
  const json = /```json\n([\s\S]*?)```/.exec(md)![1]!;
  assert.ok(parseAnnotationText(json).props.length >= 2);
});

test('behavior: hostile strings are kept verbatim as text', () => {
  const label = '<img src=x onerror="alert(1)"><script>alert(2)</script> & "quotes"';
  assert.equal(parseAnnotations(doc(prop({ label }))).props[0]!.label, label);
});

test('error: not JSON names the source', () => {
  assert.throws(() => parseAnnotationText('{"version":1,', 'a.json'), /^AnnotationError \[ANNOTATION_INVALID\]: a\.json: \(root\): not valid JSON/);
});

test('error: root shape, version and unknown top-level fields', () => {
  rejects([], '', /must be an object, got an array/);
  rejects({ props: [] }, 'version', /required/);
  rejects({ version: 2, props: [] }, 'version', /must be 1, got 2/);
  rejects({ version: 1, props: [], extra: 1 }, 'extra', /unknown field/);
  rejects({ version: 1, props: {} }, 'props', /must be an array/);
});

test('error: unknown fields anywhere, named by path', () => {
  rejects(doc(prop({ price: 3 })), 'props[0].price', /unknown field/);
  rejects(doc(prop({ product: { contract: C, url: 'x' } })), 'props[0].product.url', /unknown field/);
  rejects(doc(prop({ track: [{ t: 0, box: { x: 0, y: 0, w: 0.1, h: 0.1, z: 1 } }] })), 'props[0].track[0].box.z', /unknown field/);
  rejects(doc(prop({ track: [{ t: 0, box: { x: 0, y: 0, w: 0.1, h: 0.1 }, visible: true }] })), 'props[0].track[0].visible', /unknown field/);
});

test('error: NaN, infinities and non-numbers', () => {
  rejects(doc(prop({ track: [{ t: Number.NaN, box: { x: 0, y: 0, w: 0.1, h: 0.1 } }] })), 'props[0].track[0].t', /finite number, got NaN/);
  rejects(doc(prop({ track: [{ t: 0, box: { x: Infinity, y: 0, w: 0.1, h: 0.1 } }] })), 'props[0].track[0].box.x', /finite number/);
  rejects(parseAnnotationTextValue('{"version":1,"props":[{"id":"a","label":"a","product":{"contract":"' + C + '"},"track":[{"t":1e999,"box":{"x":0,"y":0,"w":0.1,"h":0.1}}]}]}'), 'props[0].track[0].t', /finite/);
  rejects(doc(prop({ track: [{ t: '1', box: { x: 0, y: 0, w: 0.1, h: 0.1 } }] })), 'props[0].track[0].t', /finite number, got a string "1"/);
});

function parseAnnotationTextValue(text: string): unknown {
  return JSON.parse(text);
}

test('error: boxes outside the frame or empty', () => {
  const kf = (box: unknown): Record<string, unknown> => prop({ track: [{ t: 0, box }] });
  rejects(doc(kf({ x: -0.1, y: 0, w: 0.1, h: 0.1 })), 'props[0].track[0].box.x', /within 0\.\.1/);
  rejects(doc(kf({ x: 0, y: 1.5, w: 0.1, h: 0.1 })), 'props[0].track[0].box.y', /within 0\.\.1/);
  rejects(doc(kf({ x: 0, y: 0, w: 0, h: 0.1 })), 'props[0].track[0].box.w', /within \(0, 1\]/);
  rejects(doc(kf({ x: 0.5, y: 0, w: 0.6, h: 0.1 })), 'props[0].track[0].box.w', /leaves the frame/);
  rejects(doc(kf({ x: 0, y: 0.95, w: 0.1, h: 0.1 })), 'props[0].track[0].box.h', /leaves the frame/);
  // Float sums at the edge are fine.
  assert.ok(parseAnnotations(doc(kf({ x: 0.7, y: 0.1, w: 0.3, h: 0.9 }))));
});

test('error: keyframe times must strictly increase and start >= 0', () => {
  const b = { x: 0, y: 0, w: 0.1, h: 0.1 };
  rejects(doc(prop({ track: [{ t: 1, box: b }, { t: 1, box: b }] })), 'props[0].track[1].t', /must increase: 1 is not after 1/);
  rejects(doc(prop({ track: [{ t: 2, box: b }, { t: 1, box: b }] })), 'props[0].track[1].t', /must increase/);
  rejects(doc(prop({ track: [{ t: -1, box: b }] })), 'props[0].track[0].t', />= 0/);
  rejects(doc(prop({ track: [] })), 'props[0].track', /at least one/);
});

test('error: box required unless outside; flags are booleans; first keyframe inside', () => {
  const b = { x: 0, y: 0, w: 0.1, h: 0.1 };
  rejects(doc(prop({ track: [{ t: 0 }] })), 'props[0].track[0].box', /required unless "outside"/);
  rejects(doc(prop({ track: [{ t: 0, box: b, occluded: 'yes' }] })), 'props[0].track[0].occluded', /boolean/);
  rejects(doc(prop({ track: [{ t: 0, outside: true }] })), 'props[0].track[0].outside', /first keyframe/);
  assert.deepEqual(parseAnnotations(doc(prop({ track: [{ t: 0, box: b }, { t: 1, outside: true }] }))).props[0]!.track[1], { t: 1, outside: true });
});

test('error: ids, labels, products', () => {
  rejects(doc(prop({ id: 'a b' })), 'props[0].id', /only A-Z/);
  rejects(doc(prop({ id: 7 })), 'props[0].id', /must be a string/);
  rejects(doc(prop(), prop()), 'props[1].id', /duplicate id "jacket" \(first used by props\[0\]\)/);
  rejects(doc(prop({ label: '   ' })), 'props[0].label', /empty/);
  rejects(doc(prop({ label: 'x'.repeat(201) })), 'props[0].label', /at most 200/);
  rejects(doc(prop({ label: 'bell\u0007' })), 'props[0].label', /control characters/);
  rejects(doc(prop({ product: {} })), 'props[0].product.contract', /required/);
  rejects(doc(prop({ product: { contract: 'dpnXYZ' } })), 'props[0].product.contract', /product contract id/);
  rejects(doc(prop({ product: { contract: C, chainId: 'a b' } })), 'props[0].product.chainId', /1-64/);
});

test('behavior: the JSON Schema agrees on required and allowed fields', () => {
  const schema = JSON.parse(readFileSync(new URL('../annotations.schema.json', import.meta.url), 'utf8'));
  const defs = schema.$defs;
  assert.deepEqual(Object.keys(schema.properties).sort(), ['$schema', 'props', 'version']);
  assert.deepEqual(Object.keys(defs.prop.properties).sort(), ['id', 'label', 'product', 'track']);
  assert.deepEqual(Object.keys(defs.keyframe.properties).sort(), ['box', 'occluded', 'outside', 't']);
  assert.deepEqual(Object.keys(defs.box.properties).sort(), ['h', 'w', 'x', 'y']);
  assert.deepEqual(Object.keys(defs.product.properties).sort(), ['chainId', 'contract']);
  for (const d of [schema, defs.prop, defs.keyframe, defs.box, defs.product]) assert.equal(d.additionalProperties, false);
});
