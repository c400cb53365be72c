/**
 * Pixel boxes, as CVAT and MOT store them, to and from the widget's boxes normalised to the frame.
 * Both formats count pixels of the video's full frame (CVAT's `original_size`, MOT's sequence).
 */
import type { Box } from './track.ts';

export interface FrameSize {
  width: number;
  height: number;
}

/** A box given by its left, top, width and height in pixels, normalised to `size`. */
export const boxFromPixels = (left: number, top: number, width: number, height: number, size: FrameSize): Box => ({
  x: left / size.width, y: top / size.height, w: width / size.width, h: height / size.height,
});

/** The box's edges and sides in pixels of `size`. */
export const pixelsOf = (box: Box, size: FrameSize): { left: number; top: number; right: number; bottom: number; width: number; height: number } => ({
  left: box.x * size.width, top: box.y * size.height, right: (box.x + box.w) * size.width, bottom: (box.y + box.h) * size.height,
  width: box.w * size.width, height: box.h * size.height,
});

/**
 * A pixel coordinate as written to a file: two decimals, as CVAT writes them ("{:.2f}"). Finer
 * is noise (CVAT rounds to this on its next export anyway), and rounding to a fixed grid makes a
 * second export → import reproduce the first exactly.
 */
export const pixelText = (value: number): string => value.toFixed(2);
