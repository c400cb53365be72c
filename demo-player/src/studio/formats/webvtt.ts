/**
 * A WebVTT `kind="metadata"` track as the widget reads it (ANNOTATIONS.md): one cue per prop
 * segment — from an in-frame keyframe to the `outside` keyframe that ends it, or to the end of the
 * video — whose text is the prop as one line of JSON.
 */
import type { AnnotationDocument, Keyframe, Prop } from '@dipnet/widget/annotations';
import { propsFromCues, type CueLike } from '@dipnet/widget/vtt-cues';
import { tracksFromProps } from './widget-json.ts';
import type { ImportResult } from './track.ts';

/** `hh:mm:ss.ttt` */
export function vttTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** One prop split into segments, each ending at an `outside` keyframe (kept, as the segment's end) or at `end`. */
export function segments(prop: Prop, end: number): { start: number; end: number; track: Keyframe[] }[] {
  const out: { start: number; end: number; track: Keyframe[] }[] = [];
  let cur: Keyframe[] | null = null;
  for (const k of prop.track) {
    if (!k.outside) (cur ??= []).push(k);
    else if (cur) {
      cur.push(k);
      out.push({ start: cur[0]!.t, end: k.t, track: cur });
      cur = null;
    } // an `outside` keyframe while already out of frame changes nothing
  }
  if (cur) out.push({ start: cur[0]!.t, end: Math.max(end, cur[cur.length - 1]!.t), track: cur });
  return out;
}

/**
 * The document as a WebVTT metadata track. `duration` (seconds) ends the cue of a prop still in
 * frame at its last keyframe. Payloads are single-line JSON, so they hold no blank line, and a
 * `-->` inside a string is written `--\u003e` (the same string to a JSON parser).
 */
export function exportWebVtt(doc: AnnotationDocument, duration: number): string {
  const cues: { start: number; end: number; text: string }[] = [];
  for (const prop of doc.props) {
    for (const seg of segments(prop, duration)) {
      const payload = { id: prop.id, label: prop.label, product: prop.product, track: seg.track };
      cues.push({ start: seg.start, end: seg.end, text: JSON.stringify(payload).replace(/-->/g, '--\\u003e') });
    }
  }
  cues.sort((a, b) => a.start - b.start);
  // Cue times are whole milliseconds: round outward so every keyframe lies within its cue.
  const body = cues.map((c) => `${vttTime(Math.floor(c.start * 1000) / 1000)} --> ${vttTime(Math.ceil(c.end * 1000) / 1000)}\n${c.text}\n`);
  return `WEBVTT\n\n${body.join('\n')}`;
}

const TIMESTAMP = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$/;

function parseTimestamp(s: string, line: number): number {
  const m = TIMESTAMP.exec(s);
  if (!m) throw new Error(`WebVTT line ${line}: "${s}" is not a timestamp (hh:mm:ss.ttt)`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

/** The cues of a WebVTT file (enough of the spec for metadata tracks: no cue settings are needed). */
export function parseWebVtt(text: string): CueLike[] {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? '')) throw new Error('WebVTT: the file must start with "WEBVTT"');
  const cues: CueLike[] = [];
  let i = 1;
  while (i < lines.length) {
    if (lines[i] === '') { i++; continue; }
    const blockStart = i;
    const block: string[] = [];
    while (i < lines.length && lines[i] !== '') block.push(lines[i++]!);
    if (/^(NOTE|STYLE|REGION)(\s|$)/.test(block[0]!)) continue;
    const timing = block[0]!.includes('-->') ? 0 : 1; // an optional cue identifier comes first
    const m = /^(\S+)[ \t]+-->[ \t]+(\S+)/.exec(block[timing] ?? '');
    if (!m) throw new Error(`WebVTT line ${blockStart + 1}: expected a cue timing line "start --> end"`);
    const startTime = parseTimestamp(m[1]!, blockStart + timing + 1);
    const endTime = parseTimestamp(m[2]!, blockStart + timing + 1);
    if (endTime < startTime) throw new Error(`WebVTT line ${blockStart + timing + 1}: the cue ends before it starts`);
    cues.push({ startTime, endTime, text: block.slice(timing + 1).join('\n') });
  }
  return cues;
}

/**
 * Reads a metadata track back into tracks: each cue is checked by the widget's own reader, then
 * the segments of one prop id are joined into one track (a segment's closing `outside` keyframe is
 * dropped when the next segment starts on that very time).
 */
export function importWebVtt(text: string, fps: number, source = 'annotations.vtt'): ImportResult {
  const segs = propsFromCues(parseWebVtt(text), source);
  const byId = new Map<string, Prop>();
  const warnings: string[] = [];
  for (const seg of segs) {
    const prop = byId.get(seg.id);
    if (!prop) { byId.set(seg.id, { ...seg, track: [...seg.track] }); continue; }
    if (prop.label !== seg.label || prop.product.contract !== seg.product.contract) {
      warnings.push(`${source}: segments of "${seg.id}" disagree on label or product; the first one is kept`);
    }
    prop.track.push(...seg.track);
  }
  for (const prop of byId.values()) {
    prop.track.sort((a, b) => a.t - b.t);
    prop.track = prop.track.filter((k, i, all) => !(k.outside && all[i + 1] && Math.abs(all[i + 1]!.t - k.t) < 0.0015 && !all[i + 1]!.outside));
  }
  const res = tracksFromProps([...byId.values()], fps, source);
  return { tracks: res.tracks, warnings: [...warnings, ...res.warnings] };
}
