/**
 * MOTChallenge CSV (`frame,id,bb_left,bb_top,bb_width,bb_height,conf,x,y,z`, pixels, frames from 1)
 * to studio tracks. MOT lists every frame; the rows of one id become the fewest keyframes that
 * reproduce them within half a pixel, with `outside` wherever the object is missing.
 */
import { keyframesFromSamples, type Sample } from './simplify.ts';
import { uniqueId, type ImportResult, type StudioTrack } from './track.ts';

export interface MotOptions {
  /** The video's size in pixels (MOT has no header to say it). */
  width: number;
  height: number;
  /** Ids already taken in the studio. */
  takenIds?: Iterable<string>;
}

export class MotError extends Error {
  override readonly name = 'MotError';
}

/**
 * MOT frame n is studio frame n - 1 (at the studio's declared frame rate). Rows whose 7th column
 * (conf) is 0 are skipped: in MOT ground truth that marks an entry to ignore.
 */
export function importMot(text: string, opts: MotOptions): ImportResult {
  const { width, height } = opts;
  if (!(width > 0 && height > 0)) throw new MotError('MOT: the video size is needed to normalise pixel boxes');
  const byId = new Map<number, Sample[]>();
  let lastFrame = 0;
  let ignored = 0;
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
    const samples = byId.get(id) ?? [];
    byId.set(id, samples);
    samples.push({ frame: frame - 1, box: { x: left / width, y: top / height, w: w / width, h: h / height } });
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
  const warnings = ignored ? [`MOT: ${ignored} row(s) with conf 0 (ignore) skipped`] : [];
  return { tracks, warnings };
}
