/**
 * What stops an export: every rule of the widget's parser, said in terms of tracks and frames,
 * plus the product checks (format here, existence through the pluggable validator).
 */
import { LIMITS } from '@dipnet/widget/annotations';
import { productFormatError, type ProductValidator } from './formats/product.ts';
import { ID_CHARS, type StudioTrack } from './formats/track.ts';
import { boxInFrame } from './model.ts';

export interface Issue {
  severity: 'error' | 'warning';
  /** Index of the track concerned, if any. */
  track?: number;
  frame?: number;
  message: string;
}

// C0/C1 controls, as the widget's parser refuses them in labels.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CHAIN_ID = /^[A-Za-z0-9._-]{1,64}$/;

const name = (t: StudioTrack, i: number): string => (t.id ? `Track "${t.id}"` : `Track ${i + 1}`);

/**
 * Synchronous checks; `lastFrame` (the video's) turns keyframes past the end into warnings.
 * `products: false` leaves out the product checks, for the exports that need none (CVAT and MOT
 * files go back to annotation work, not to the widget).
 */
export function validateTracks(tracks: readonly StudioTrack[], fps: number, lastFrame?: number, { products = true } = {}): Issue[] {
  const issues: Issue[] = [];
  const err = (message: string, track?: number, frame?: number): void => { issues.push({ severity: 'error', track, frame, message }); };
  const at = (f: number): string => `frame ${f} (${(f / fps).toFixed(2)} s)`;
  if (tracks.length > LIMITS.props) err(`${tracks.length} tracks: the widget takes at most ${LIMITS.props}`);
  const firstUse = new Map<string, number>();
  tracks.forEach((t, i) => {
    const n = name(t, i);
    if (!t.id) err(`${n}: the id is empty`, i);
    else if (!ID_CHARS.test(t.id)) err(`${n}: the id may only use A-Z a-z 0-9 . _ : -`, i);
    else if (t.id.length > LIMITS.idLength) err(`${n}: the id is longer than ${LIMITS.idLength} characters`, i);
    const first = firstUse.get(t.id);
    if (t.id && first !== undefined) err(`${n}: the id is already used by track ${first + 1}; ids must be unique`, i);
    else firstUse.set(t.id, i);
    if (!t.label.trim()) err(`${n}: the label is empty`, i);
    else if (CONTROL.test(t.label)) err(`${n}: the label contains control characters`, i);
    else if (t.label.length > LIMITS.labelLength) err(`${n}: the label is longer than ${LIMITS.labelLength} characters`, i);
    const product = products ? productFormatError(t.product) : null;
    if (product) err(`${n}: ${product}`, i);
    if (t.chainId !== undefined && t.chainId !== '' && !CHAIN_ID.test(t.chainId)) err(`${n}: chain id must be 1-64 of A-Z a-z 0-9 . _ -`, i);

    if (t.keyframes.length === 0) { err(`${n}: no keyframes — draw its box or delete the track`, i); return; }
    if (t.keyframes.length > LIMITS.keyframes) err(`${n}: ${t.keyframes.length} keyframes, at most ${LIMITS.keyframes}`, i);
    if (t.keyframes[0]!.outside) err(`${n}: the first keyframe (${at(t.keyframes[0]!.frame)}) is "outside"; a track starts in frame`, i, t.keyframes[0]!.frame);
    t.keyframes.forEach((k, j) => {
      if (!Number.isInteger(k.frame) || k.frame < 0) err(`${n}: keyframe ${j + 1} is on frame ${k.frame}, not a whole frame ≥ 0`, i);
      const prev = t.keyframes[j - 1];
      if (prev && prev.frame === k.frame) err(`${n}: two keyframes on ${at(k.frame)}; delete one`, i, k.frame);
      else if (prev && prev.frame > k.frame) err(`${n}: keyframes out of order at ${at(k.frame)}`, i, k.frame);
      if (!k.box && !k.outside) err(`${n}, ${at(k.frame)}: a keyframe in frame needs a box`, i, k.frame);
      if (k.box) {
        const b = k.box;
        if (![b.x, b.y, b.w, b.h].every(Number.isFinite)) err(`${n}, ${at(k.frame)}: the box has a non-finite coordinate`, i, k.frame);
        else if (!boxInFrame(b)) {
          const why = b.w <= 0 || b.h <= 0 ? 'has no area' : b.x < 0 || b.y < 0 ? `starts outside the frame (x ${b.x.toFixed(3)}, y ${b.y.toFixed(3)})` : `leaves the frame (right ${(b.x + b.w).toFixed(3)}, bottom ${(b.y + b.h).toFixed(3)}; must be ≤ 1)`;
          err(`${n}, ${at(k.frame)}: the box ${why}`, i, k.frame);
        }
      }
      if (lastFrame !== undefined && k.frame > lastFrame + 1) {
        issues.push({ severity: 'warning', track: i, frame: k.frame, message: `${n}: keyframe on ${at(k.frame)} is after the video's last frame (${lastFrame})` });
      }
    });
  });
  return issues;
}

/** Asks `validator` about every distinct well-formed product; an answer other than null is an error. */
export async function validateProducts(tracks: readonly StudioTrack[], validator: ProductValidator): Promise<Issue[]> {
  const products = [...new Set(tracks.map((t) => t.product).filter((p) => productFormatError(p) === null))];
  const answers = new Map(await Promise.all(products.map(async (p) => {
    try {
      return [p, await validator(p)] as const;
    } catch (e) {
      return [p, `the product check failed: ${(e as Error).message}`] as const;
    }
  })));
  const issues: Issue[] = [];
  tracks.forEach((t, i) => {
    const msg = answers.get(t.product);
    if (msg) issues.push({ severity: 'error', track: i, message: `${name(t, i)}: ${msg}` });
  });
  return issues;
}
