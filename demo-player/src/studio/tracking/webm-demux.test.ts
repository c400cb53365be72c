import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { demuxWebm, frameIndexAt } from './webm-demux.ts';
import { TrackError } from './errors.ts';

const PUBLIC = fileURLToPath(new URL('../../../public/', import.meta.url));

for (const [file, frames] of [['scene.webm', 375], ['scene-hard.webm', 250]] as const) {
  test(`${file}: every frame of the VP8 track, in order, starting with a key frame`, () => {
    const v = demuxWebm(readFileSync(PUBLIC + file));
    assert.equal(v.codec, 'vp8');
    assert.deepEqual([v.width, v.height], [640, 360]);
    // MediaRecorder drops or adds the odd frame under load: within a few of the drawn count.
    assert.ok(Math.abs(v.frames.length - frames) <= 5, `${v.frames.length} frames`);
    assert.ok(v.frames[0]!.key);
    for (let i = 1; i < v.frames.length; i++) assert.ok(v.frames[i]!.timestamp > v.frames[i - 1]!.timestamp, `timestamps increase at ${i}`);
    const last = v.frames[v.frames.length - 1]!.timestamp / 1e6;
    assert.ok(Math.abs(last - frames / 25) < 0.2, `last frame at ${last} s`);
    // Each studio frame maps to the frame shown then, never ahead of it.
    for (const f of [0, 10, frames - 1]) {
      const i = frameIndexAt(v.frames, f, 25);
      assert.ok(v.frames[i]!.timestamp <= (f * 1e6) / 25 + 1);
      assert.ok(i === v.frames.length - 1 || v.frames[i + 1]!.timestamp > (f * 1e6) / 25 + 1);
    }
  });
}

test('not a WebM: a typed error', () => {
  assert.throws(() => demuxWebm(new Uint8Array(64)), (e: unknown) => e instanceof TrackError && e.code === 'WEBM_MALFORMED');
});
