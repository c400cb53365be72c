import { test } from 'node:test';
import assert from 'node:assert/strict';
import { propsFromCues } from './vtt-cues.ts';
import { AnnotationError } from './annotations.ts';
import { boxAt } from './box-at.ts';

const C = 'cd'.repeat(32);
const cue = (startTime: number, endTime: number, track: unknown[], id = 'mug') => ({
  startTime, endTime, text: JSON.stringify({ id, label: 'Mug', product: { contract: C }, track }),
});
const b = (x: number) => ({ x, y: 0, w: 0.1, h: 0.1 });

test('default: one prop per cue; the segment ends at the cue end', () => {
  const props = propsFromCues([cue(1, 3, [{ t: 1, box: b(0) }, { t: 2, box: b(0.5) }]), cue(5, 6, [{ t: 5, box: b(0.8) }])]);
  assert.equal(props.length, 2);
  assert.deepEqual(props[0]!.track.at(-1), { t: 3, outside: true });
  assert.equal(boxAt(props[0]!.track, 2.5)?.x, 0.5);
  assert.equal(boxAt(props[0]!.track, 3), undefined);
  assert.equal(boxAt(props[1]!.track, 5.5)?.x, 0.8);
  assert.equal(boxAt(props[1]!.track, 6.1), undefined);
});

test('behavior: a keyframe at the cue end ends the segment there', () => {
  const [p] = propsFromCues([cue(0, 2, [{ t: 0, box: b(0) }, { t: 2, box: b(0.2) }])]);
  assert.equal(p!.track.length, 2);
  assert.equal(boxAt(p!.track, 1)?.x, 0.1);
  assert.equal(boxAt(p!.track, 2), undefined);
});

test('error: bad JSON, bad fields and keyframes outside the cue name the cue', () => {
  assert.throws(() => propsFromCues([cue(0, 1, [{ t: 0, box: b(0) }]), { startTime: 1, endTime: 2, text: '{nope' }], 'props.vtt'),
    (e: unknown) => e instanceof AnnotationError && e.path === 'cue[1]' && /^props\.vtt: cue\[1\]: cue text is not valid JSON/.test(e.message));
  assert.throws(() => propsFromCues([cue(0, 1, [{ t: 0, box: { ...b(0), x: 2 } }])]),
    (e: unknown) => e instanceof AnnotationError && e.path === 'cue[0].track[0].box.x');
  assert.throws(() => propsFromCues([cue(1, 2, [{ t: 0.5, box: b(0) }])]),
    (e: unknown) => e instanceof AnnotationError && e.path === 'cue[0].track[0].t' && /outside the cue \(1 --> 2\)/.test(e.message));
});
