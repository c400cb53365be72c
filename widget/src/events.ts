/**
 * The events `<dip-shoppable-video>` fires (names and details), shared by the element and its
 * controllers; `dip-shoppable-video.ts` re-exports them.
 */
import type { Product } from './annotations.ts';

export const DipEvent = {
  hotspotShown: 'dip-hotspot-shown',
  hotspotClick: 'dip-hotspot-click',
  annotationsLoaded: 'dip-annotations-loaded',
  error: 'dip-error',
} as const;

export interface HotspotDetail { id: string; label: string; product: Product; time: number }
export interface HotspotClickDetail extends HotspotDetail { via: 'hotspot' | 'list' }
export interface AnnotationsLoadedDetail { source: string; count: number }
export interface DipErrorDetail { source: string; path: string; message: string }

/** Fires a bubbling, composed event on `target`; false when a listener cancelled it. */
export const emit = <T>(target: EventTarget, type: string, detail: T, cancelable = false): boolean =>
  target.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true, cancelable }));
