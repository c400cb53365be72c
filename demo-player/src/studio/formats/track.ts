/**
 * The studio's working model of a track. Keyframes sit on whole frames of the declared frame rate
 * (as in CVAT), so frame stepping, keyframe toggling and imports agree on where a keyframe is;
 * export turns a frame into media time `frame / fps`.
 */
import type { Box } from '@dipnet/widget/annotations';

export type { Box };

export interface StudioKeyframe {
  /** 0-based frame index at the declared frame rate. */
  frame: number;
  /** Required unless `outside`; with `outside` it is where the prop leaves. */
  box?: Box;
  outside?: boolean;
  occluded?: boolean;
}

export interface StudioTrack {
  id: string;
  label: string;
  /** The product contract's id as typed (64 lowercase hex when valid); '' when not set yet. */
  product: string;
  chainId?: string;
  /** Sorted by frame. Two keyframes on one frame can only come from an import; validation flags them. */
  keyframes: StudioKeyframe[];
}

/** What every importer returns: tracks plus notes about lossy or surprising conversions. */
export interface ImportResult {
  tracks: StudioTrack[];
  warnings: string[];
}

/** The characters the widget allows in a prop id. */
export const ID_CHARS = /^[A-Za-z0-9._:-]+$/;

/** A prop id made from free text (a CVAT label, a MOT id), e.g. "Leather jacket" → "leather-jacket". */
export function slug(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9._:-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);
  return s || 'prop';
}

/** `base`, or `base-2`, `base-3`… whichever is not in `taken` (which it then joins). */
export function uniqueId(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

export const sortKeyframes = (kfs: readonly StudioKeyframe[]): StudioKeyframe[] => [...kfs].sort((a, b) => a.frame - b.frame);
