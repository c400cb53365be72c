/**
 * A WebVTT `kind="metadata"` track as the widget reads it (ANNOTATIONS.md): one cue per prop
 * segment — from an in-frame keyframe to the `outside` keyframe that ends it, or to the end of the
 * video — whose text is the prop as one line of JSON.
 */
import { BaseError } from '@dipnet/protocol/base-error';
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

/**
 * How far past its last keyframe, at least, the cue of a segment still in frame at the video's end
 * runs. The widget's reader (vtt-cues.ts) ends such a segment with an `outside` keyframe at the
 * cue's end, unless that end is within its 1.5 ms slack of the last keyframe, which it then turns
 * into the exit: 2 ms keeps that keyframe as it is, and the cue longer than zero.
 */
const OPEN_END_MARGIN = 0.002;

/**
 * One prop split into segments, each ending at an `outside` keyframe (kept, as the segment's end)
 * or, still in frame, at `end` (the video's) or just after its last keyframe, whichever is later.
 * An `outside` keyframe while already out of frame changes nothing on screen; it rides at the end
 * of the segment before it (the cue runs on to it), so the track reads back whole.
 */
export function segments(prop: Prop, end: number): { start: number; end: number; track: Keyframe[] }[] {
  const out: { start: number; end: number; track: Keyframe[] }[] = [];
  let cur: Keyframe[] | null = null;
  for (const k of prop.track) {
    if (!k.outside) (cur ??= []).push(k);
    else if (cur) {
      cur.push(k);
      out.push({ start: cur[0]!.t, end: k.t, track: cur });
      cur = null;
    } else {
      const closed = out[out.length - 1];
      if (closed) { closed.track.push(k); closed.end = k.t; }
    }
  }
  if (cur) out.push({ start: cur[0]!.t, end: Math.max(end, cur[cur.length - 1]!.t + OPEN_END_MARGIN), track: cur });
  return out;
}

/** A cue's identifier: `prop n.m` is the document's n-th prop's m-th segment (both from 1). */
const CUE_ID = /^prop (\d+)\.\d+$/;

/**
 * The document as a WebVTT metadata track. `duration` (seconds, the video's) ends the cue of a
 * prop still in frame after its last keyframe. Cues run in time order, as WebVTT requires; their
 * identifiers (`prop n.m`, see CUE_ID) keep the document's order of props for an import.
 * Payloads are single-line JSON, so they hold no blank line; `<`, `>` and `&` inside strings are
 * written `\u003c`, `\u003e` and `\u0026` (the same string to a JSON parser), so a payload holds
 * no `-->`, which would start a new timing line, and is valid cue text even to a validator that
 * reads it as captions.
 */
export function exportWebVtt(doc: AnnotationDocument, duration: number): string {
  const cues: { id: string; start: number; end: number; text: string }[] = [];
  doc.props.forEach((prop, n) => {
    segments(prop, duration).forEach((seg, m) => {
      const payload = { id: prop.id, label: prop.label, product: prop.product, track: seg.track };
      const text = JSON.stringify(payload).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      cues.push({ id: `prop ${n + 1}.${m + 1}`, start: seg.start, end: seg.end, text });
    });
  });
  cues.sort((a, b) => a.start - b.start);
  const body = cues.map((c) => {
    // Cue times are whole milliseconds: round outward so every keyframe lies within its cue, and
    // never write a cue that ends where it starts (WebVTT requires end > start).
    const start = Math.floor(c.start * 1000);
    const end = Math.max(Math.ceil(c.end * 1000), start + 1);
    return `${c.id}\n${vttTime(start / 1000)} --> ${vttTime(end / 1000)}\n${c.text}\n`;
  });
  return `WEBVTT\n\n${body.join('\n')}`;
}

/** A WebVTT file this reader cannot take (the message names the line). */
export class WebVttError extends BaseError<'WEBVTT_INVALID'> {
  override readonly name = 'WebVttError';
  constructor(message: string) {
    super('WEBVTT_INVALID', message);
  }
}

const TIMESTAMP = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$/;

function parseTimestamp(s: string, line: number): number {
  const m = TIMESTAMP.exec(s);
  if (!m) throw new WebVttError(`WebVTT line ${line}: "${s}" is not a timestamp (hh:mm:ss.ttt)`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

/** A cue as read from a file; `id` is its identifier, '' when it has none. */
export interface VttCue extends CueLike {
  id: string;
}

/** The cues of a WebVTT file (enough of the spec for metadata tracks: no cue settings are needed). */
export function parseWebVtt(text: string): VttCue[] {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? '')) throw new WebVttError('WebVTT: the file must start with "WEBVTT"');
  const cues: VttCue[] = [];
  let i = 1;
  while (i < lines.length) {
    if (lines[i] === '') { i++; continue; }
    const blockStart = i;
    const block: string[] = [];
    while (i < lines.length && lines[i] !== '') block.push(lines[i++]!);
    if (/^(NOTE|STYLE|REGION)(\s|$)/.test(block[0]!)) continue;
    const timing = block[0]!.includes('-->') ? 0 : 1; // an optional cue identifier comes first
    const m = /^(\S+)[ \t]+-->[ \t]+(\S+)/.exec(block[timing] ?? '');
    if (!m) throw new WebVttError(`WebVTT line ${blockStart + 1}: expected a cue timing line "start --> end"`);
    const startTime = parseTimestamp(m[1]!, blockStart + timing + 1);
    const endTime = parseTimestamp(m[2]!, blockStart + timing + 1);
    if (endTime < startTime) throw new WebVttError(`WebVTT line ${blockStart + timing + 1}: the cue ends before it starts`);
    cues.push({ id: timing ? block[0]! : '', startTime, endTime, text: block.slice(timing + 1).join('\n') });
  }
  return cues;
}

/**
 * Reads a metadata track back into tracks: each cue is checked by the widget's own reader, then
 * the segments of one prop id are joined into one track (a segment's closing `outside` keyframe is
 * dropped when the next segment starts on that very time). Tracks come in the order the cue
 * identifiers give (see exportWebVtt), else in the order they first appear.
 *
 * `duration` is the video's (seconds). A prop in frame when the video ends is a cue that runs to
 * the end, which the reader closes with a boxless `outside` keyframe there; given the duration,
 * that keyframe (within half a frame of the end) is dropped, so the track is as it was exported.
 */
export function importWebVtt(text: string, fps: number, source = 'annotations.vtt', duration?: number): ImportResult {
  const cues = parseWebVtt(text);
  const segs = propsFromCues(cues, source);
  const byId = new Map<string, Prop>();
  const order = new Map<string, number>();
  const warnings: string[] = [];
  for (const [i, seg] of segs.entries()) {
    const n = CUE_ID.exec(cues[i]!.id)?.[1];
    if (n && !order.has(seg.id)) order.set(seg.id, Number(n));
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
    const last = prop.track[prop.track.length - 1]!;
    if (duration !== undefined && last.outside && !last.box && last.t >= duration - 0.5 / fps) prop.track.pop();
  }
  const rank = (p: Prop): number => order.get(p.id) ?? Number.MAX_SAFE_INTEGER;
  const res = tracksFromProps([...byId.values()].sort((a, b) => rank(a) - rank(b)), fps, source);
  return { tracks: res.tracks, warnings: [...warnings, ...res.warnings] };
}
