/** The widget's JSON annotation document (widget/ANNOTATIONS.md) to and from studio tracks. */
import { parseAnnotationText, type AnnotationDocument, type Keyframe, type Prop } from '@dipnet/widget/annotations';
import { UNASSIGNED_PRODUCT } from './product.ts';
import { sortKeyframes, type ImportResult, type StudioKeyframe, type StudioTrack } from './track.ts';

// Times are written with microsecond precision so 3 / 25 is 0.12, not 0.12000000000000001.
const seconds = (frame: number, fps: number): number => Math.round((frame / fps) * 1e6) / 1e6;

function keyframeOut(k: StudioKeyframe, fps: number): Keyframe {
  const kf: Keyframe = { t: seconds(k.frame, fps) };
  if (k.box) kf.box = { ...k.box };
  if (k.outside) kf.outside = true;
  if (k.occluded) kf.occluded = true;
  return kf;
}

/** One track as a widget prop. The track must be valid (see validate.ts); the product id is the contract id. */
export function propOf(track: StudioTrack, fps: number): Prop {
  const product: Prop['product'] = { contract: track.product };
  if (track.chainId) product.chainId = track.chainId;
  return { id: track.id, label: track.label, product, track: sortKeyframes(track.keyframes).map((k) => keyframeOut(k, fps)) };
}

export function toAnnotationDocument(tracks: readonly StudioTrack[], fps: number): AnnotationDocument {
  return { version: 1, props: tracks.map((t) => propOf(t, fps)) };
}

/** The document as the text of a `.json` file. */
export function exportJson(tracks: readonly StudioTrack[], fps: number): string {
  return `${JSON.stringify(toAnnotationDocument(tracks, fps), null, 2)}\n`;
}

/**
 * Widget props to studio tracks: times snap to the nearest frame (noted in `warnings` when one
 * moves by more than a microsecond), the placeholder contract becomes "no product".
 */
export function tracksFromProps(props: readonly Prop[], fps: number, source: string): ImportResult {
  const warnings: string[] = [];
  let snapped = 0;
  const tracks = props.map((p): StudioTrack => {
    const keyframes = p.track.map((k): StudioKeyframe => {
      const exact = k.t * fps;
      const frame = Math.round(exact);
      if (Math.abs(exact - frame) > 1e-6 * fps) snapped++;
      const kf: StudioKeyframe = { frame };
      if (k.box) kf.box = { ...k.box };
      if (k.outside) kf.outside = true;
      if (k.occluded) kf.occluded = true;
      return kf;
    });
    const track: StudioTrack = {
      id: p.id, label: p.label, product: p.product.contract === UNASSIGNED_PRODUCT ? '' : p.product.contract, keyframes: sortKeyframes(keyframes),
    };
    if (p.product.chainId) track.chainId = p.product.chainId;
    return track;
  });
  if (snapped) warnings.push(`${source}: ${snapped} keyframe time(s) moved to the nearest frame at ${fps} fps`);
  return { tracks, warnings };
}

/** Parses (strictly, with the widget's own parser) a JSON annotation document. Throws AnnotationError. */
export function importJson(text: string, fps: number, source = 'annotations.json'): ImportResult {
  return tracksFromProps(parseAnnotationText(text, source).props, fps, source);
}
