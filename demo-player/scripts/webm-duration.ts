/**
 * Chromium's MediaRecorder writes a "live" WebM: the Segment has unknown size and Info has no
 * Duration, so players show no length until they have scanned the file. This inserts the Duration
 * element into Info — the only size that changes is Info's own, since the Segment's is unknown.
 */
import { readId, readSize } from '../src/studio/tracking/ebml.ts';

const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const SEEK_HEAD = 0x114d9b74;
const DURATION = 0x4489;
const TIMECODE_SCALE = 0x2ad7b1;

/** Returns the WebM with Info's Duration set to `durationSeconds`; unchanged if it already has one or has a SeekHead. */
export function setWebmDuration(webm: Uint8Array, durationSeconds: number): Uint8Array {
  let p = 0;
  const ebml = readId(webm, p);
  const ebmlSize = readSize(webm, p + ebml.len);
  p += ebml.len + ebmlSize.len + ebmlSize.size;
  const seg = readId(webm, p);
  if (seg.id !== SEGMENT) throw new Error('WebM: no Segment after the EBML header');
  const segSize = readSize(webm, p + seg.len);
  p += seg.len + segSize.len;
  for (;;) {
    if (p >= webm.length) throw new Error('WebM: no Info element');
    const el = readId(webm, p);
    const sz = readSize(webm, p + el.len);
    if (el.id === SEEK_HEAD) return webm; // offsets would move; such files have their duration anyway
    if (el.id !== INFO) { p += el.len + sz.len + sz.size; continue; }
    const body = webm.subarray(p + el.len + sz.len, p + el.len + sz.len + sz.size);
    let scale = 1_000_000;
    for (let q = 0; q < body.length;) {
      const c = readId(body, q);
      const cs = readSize(body, q + c.len);
      if (c.id === DURATION) return webm;
      if (c.id === TIMECODE_SCALE) {
        scale = 0;
        for (let i = 0; i < cs.size; i++) scale = scale * 256 + body[q + c.len + cs.len + i]!;
      }
      q += c.len + cs.len + cs.size;
    }
    const dur = new Uint8Array(11);
    dur.set([0x44, 0x89, 0x88]);
    new DataView(dur.buffer).setFloat64(3, (durationSeconds * 1e9) / scale);
    const newSize = body.length + dur.length;
    const size = new Uint8Array(8);
    size[0] = 0x01; // an 8-byte size field, whatever the old one was
    for (let i = 7, v = newSize; i >= 1; i--, v = Math.floor(v / 256)) size[i] = v & 0xff;
    const head = webm.subarray(0, p + el.len);
    const tail = webm.subarray(p + el.len + sz.len + sz.size);
    const out = new Uint8Array(head.length + size.length + body.length + dur.length + tail.length);
    let o = 0;
    for (const part of [head, size, body, dur, tail]) { out.set(part, o); o += part.length; }
    return out;
  }
}
