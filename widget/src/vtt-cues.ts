import { AnnotationError, parseProp, type Prop } from './annotations.ts';

/** The parts of a `TextTrackCue`/`VTTCue` this module reads (so it runs without a DOM). */
export interface CueLike { startTime: number; endTime: number; text: string }

// Keyframes are media time; a cue's timestamps are rounded to milliseconds by WebVTT.
const SLACK = 0.0015;

/**
 * Props from the cues of a WebVTT `kind="metadata"` track: one cue per prop segment, whose text is
 * one prop as JSON (ANNOTATIONS.md). Keyframe times are media time and must lie within the cue;
 * the segment ends at the cue's end (an `outside` keyframe is appended there when needed), so one
 * prop id may appear in several cues. Throws {@link AnnotationError} naming the cue and field.
 *
 * @example propsFromCues(video.textTracks[0].cues, 'props.vtt')
 */
export function propsFromCues(cues: Iterable<CueLike>, source = 'metadata track'): Prop[] {
  const props: Prop[] = [];
  let i = 0;
  for (const cue of cues) {
    const path = `cue[${i}]`;
    let value: unknown;
    try {
      value = JSON.parse(cue.text);
    } catch (e) {
      throw new AnnotationError(path, `cue text is not valid JSON (${(e as Error).message})`, source);
    }
    const prop = parseProp(value, source, path);
    prop.track.forEach((k, j) => {
      if (k.t < cue.startTime - SLACK || k.t > cue.endTime + SLACK) {
        throw new AnnotationError(`${path}.track[${j}].t`, `keyframe time ${k.t} is outside the cue (${cue.startTime} --> ${cue.endTime})`, source);
      }
    });
    const last = prop.track[prop.track.length - 1]!;
    // Cues are active on [start, end): the segment ends at the cue's end.
    if (!last.outside) {
      if (cue.endTime > last.t + SLACK) prop.track.push({ t: cue.endTime, outside: true });
      else last.outside = true;
    }
    props.push(prop);
    i++;
  }
  return props;
}
