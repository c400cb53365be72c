/** Where a replaced element's content is drawn inside its content box, in CSS pixels. */
export interface Rect { x: number; y: number; width: number; height: number }

export type ObjectFit = 'contain' | 'cover' | 'fill' | 'none' | 'scale-down';

const FITS: readonly string[] = ['contain', 'cover', 'fill', 'none', 'scale-down'];

/** Narrows a computed `object-fit` value; anything unknown is the CSS initial value, `fill`. */
export const toObjectFit = (value: string): ObjectFit => (FITS.includes(value) ? value as ObjectFit : 'fill');

/**
 * One axis of a computed `object-position` (`"50%"`, `"12px"`, `"calc(…)"` is treated as centred):
 * the offset of content of size `content` inside a box of size `box`.
 */
function offset(component: string | undefined, box: number, content: number): number {
  const m = /^(-?[\d.]+(?:e-?\d+)?)(%|px)$/.exec(component ?? '');
  if (!m) return (box - content) / 2;
  const n = Number(m[1]);
  return m[2] === '%' ? (box - content) * (n / 100) : n;
}

/**
 * The rectangle, relative to the element's content box, where a `videoW`×`videoH` frame is
 * drawn by an `elementW`×`elementH` element with the given `object-fit` and computed
 * `object-position` (default centred). A normalised box (x, y, w, h in 0..1 of the frame) maps to
 * CSS pixels as `rect.x + x * rect.width`, `rect.y + y * rect.height`.
 *
 * Before metadata (`videoW` or `videoH` is 0) the frame is taken to fill the element.
 *
 * @example contentRect(1920, 1080, 640, 480, 'contain') // → { x: 0, y: 60, width: 640, height: 360 }
 */
export function contentRect(videoW: number, videoH: number, elementW: number, elementH: number, objectFit: ObjectFit | string = 'contain', objectPosition = '50% 50%'): Rect {
  if (!(videoW > 0 && videoH > 0)) return { x: 0, y: 0, width: Math.max(0, elementW), height: Math.max(0, elementH) };
  const fit = toObjectFit(objectFit);
  let width: number;
  let height: number;
  if (fit === 'fill') {
    width = elementW;
    height = elementH;
  } else {
    const containScale = Math.min(elementW / videoW, elementH / videoH);
    const scale = fit === 'contain' ? containScale
      : fit === 'cover' ? Math.max(elementW / videoW, elementH / videoH)
        : fit === 'none' ? 1
          : Math.min(1, containScale); // scale-down: the smaller of none and contain
    width = videoW * scale;
    height = videoH * scale;
  }
  const [px, py] = objectPosition.trim().split(/\s+/);
  return { x: offset(px, elementW, width), y: offset(py, elementH, height), width, height };
}
