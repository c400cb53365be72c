/**
 * MOTChallenge CSV, as CVAT and datumaro read and write it ("MOT 1.1", datumaro's `mot_seq_gt`):
 * `frame,id,bb_left,bb_top,bb_width,bb_height,conf,class,visibility`, pixels, frames from 1.
 * MOT lists every frame; on import the rows of one id become the fewest keyframes that reproduce
 * them within half a pixel, with `outside` wherever the object is missing; on export every frame
 * a track is in frame becomes a row.
 */
import { BaseError } from '@dipnet/protocol/base-error';
import { boxAtFrame } from '../model.ts';
import { boxFromPixels, pixelText, pixelsOf, type FrameSize } from './pixels.ts';
import { keyframesFromSamples, type Sample } from './simplify.ts';
import { uniqueId, type ImportResult, type StudioTrack } from './track.ts';

export interface MotOptions extends FrameSize {
  /** Ids already taken in the studio. */
  takenIds?: Iterable<string>;
}

export class MotError extends BaseError<'MOT_INVALID'> {
  override readonly name = 'MotError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('MOT_INVALID', message, options);
  }
}

/**
 * MOT frame n is studio frame n - 1 (at the studio's declared frame rate). The video's size is
 * an argument because MOT has no header to say it. Skipped, with a warning each:
 * - rows whose 7th column (conf) is 0: in MOT ground truth that marks an entry to ignore;
 * - rows whose id is not positive: datumaro writes −1 for a box that belongs to no track (and
 *   reads ids ≤ 0 as "no track"), so several such rows may share a frame.
 * The 9th column, when there is one, is the visibility: ≤ 0 is occluded, as CVAT and datumaro read
 * it, except that a negative value is "not given" (MOTChallenge's 10-column layout, that of
 * detections and tracker output, writes −1 in columns 8–10).
 */
export function importMot(text: string, opts: MotOptions): ImportResult {
  const { width, height } = opts;
  if (!(width > 0 && height > 0)) throw new MotError('MOT: the video size is needed to normalise pixel boxes');
  const byId = new Map<number, Sample[]>();
  let lastFrame = 0;
  let ignored = 0;
  let untracked = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const f = line.split(/\s*,\s*|\s+/).map(Number);
    if (f.length < 6 || f.slice(0, 6).some((v) => !Number.isFinite(v))) {
      throw new MotError(`MOT line ${i + 1}: expected frame,id,bb_left,bb_top,bb_width,bb_height,… as numbers, got "${line.slice(0, 60)}"`);
    }
    const [frame, id, left, top, w, h] = f as [number, number, number, number, number, number];
    if (!Number.isInteger(frame) || frame < 1) throw new MotError(`MOT line ${i + 1}: frame ${frame} must be a whole number ≥ 1`);
    if (!Number.isInteger(id)) throw new MotError(`MOT line ${i + 1}: id ${id} must be a whole number`);
    if (!(w > 0 && h > 0)) throw new MotError(`MOT line ${i + 1}: the box must have a positive width and height`);
    lastFrame = Math.max(lastFrame, frame - 1);
    if (f[6] === 0) { ignored++; return; }
    if (id < 1) { untracked++; return; }
    const sample: Sample = { frame: frame - 1, box: boxFromPixels(left, top, w, h, opts) };
    // Visibility is 0..1 and "≤ 0" is occluded; a negative value is "not given", so only 0 is.
    if (f[8] === 0) sample.occluded = true;
    const samples = byId.get(id) ?? [];
    byId.set(id, samples);
    samples.push(sample);
  });
  const taken = new Set(opts.takenIds ?? []);
  const tol = Math.min(0.5 / width, 0.5 / height);
  const tracks: StudioTrack[] = [];
  for (const [id, samples] of [...byId.entries()].sort((a, b) => a[0] - b[0])) {
    samples.sort((a, b) => a.frame - b.frame);
    for (let j = 1; j < samples.length; j++) {
      if (samples[j]!.frame === samples[j - 1]!.frame) throw new MotError(`MOT: id ${id} has two rows for frame ${samples[j]!.frame + 1}`);
    }
    tracks.push({ id: uniqueId(`mot-${id}`, taken), label: `Object ${id}`, product: '', keyframes: keyframesFromSamples(samples, lastFrame, tol) });
  }
  const warnings: string[] = [];
  if (ignored) warnings.push(`MOT: ${ignored} row(s) with conf 0 (ignore) skipped`);
  if (untracked) warnings.push(`MOT: ${untracked} row(s) with id ≤ 0 (a box in no track; datumaro writes −1) skipped`);
  return { tracks, warnings };
}

export interface MotExportOptions extends FrameSize {
  /** The video's last frame (0-based): a track still in frame holds its box until then. */
  lastFrame: number;
}

/**
 * The tracks as MOT ground truth, in datumaro's `mot_seq_gt` layout: one row for every frame a
 * track is in frame, ordered by frame then id. Track n (1-based, in the given order) is MOT id n;
 * conf is 1 (not ignored), class −1 (MOT has no label names: the studio's labels travel in CVAT
 * XML), and visibility is 1 − occluded, as datumaro writes it.
 */
export function exportMot(tracks: readonly StudioTrack[], opts: MotExportOptions): string {
  const rows: string[] = [];
  for (let frame = 0; frame <= opts.lastFrame; frame++) {
    tracks.forEach((track, i) => {
      const box = boxAtFrame(track, frame);
      if (!box) return;
      const px = pixelsOf(box, opts);
      const cells = [px.left, px.top, px.width, px.height].map(pixelText);
      rows.push(`${frame + 1},${i + 1},${cells.join(',')},1,-1,${box.occluded ? '0.0' : '1.0'}\n`);
    });
  }
  return rows.join('');
}
