/**
 * Follows one box from frame to frame: a hand-written template tracker. Why not OpenCV.js
 * (`@techstark/opencv-js` 4.12, measured in this Chromium, see the README's "Tracking"): 10.9 MB
 * and 2.0 s to initialise, no tracking module in its build, and its `matchTemplate` over the same
 * search took 12.8–55 ms a frame against 6–8 ms here.
 *
 * How it works: the template is the first box plus a thin ring of its surroundings, sampled on a
 * grid of at most ~900 points; each frame it is matched around the
 * position predicted from the last motion, then over scales, with a *truncated* colour difference
 * (each point costs at most TAU). Truncation is what makes it stop instead of drifting: points
 * hidden by something in front cost the same wherever the box goes, so the visible part keeps the
 * box in place, and the score — one minus the mean cost — falls with what can still be seen.
 * The template's colours follow the video slowly (compression changes a prop's pixels from frame
 * to frame by 20–30 per channel at the sample scene's bitrate), but only on points that matched:
 * an occluder is never learnt, and the template's geometry is the first frame's, only scaled, so
 * position errors do not accumulate into drift. Frames are matched at half resolution (2×2 means),
 * which halves compression noise and the work. A small penalty on distance from the predicted
 * position keeps a prop whose own pixels are few (a lamp's thin pole) from being carried off by
 * something similar passing in front.
 *
 * Pure: works on RGBA pixel arrays (ImageData-shaped), so it runs in a worker and in Node tests.
 */
export interface Pixels { width: number; height: number; data: Uint8ClampedArray | Uint8Array }
/** Pixels of the frame; may reach beyond it. */
export interface PxBox { x: number; y: number; w: number; h: number }

/** Per-point colour cost cap (sum of |ΔR|+|ΔG|+|ΔB|): past it a point simply does not match. */
export const TAU = 60;
/** Score lost per pixel (half resolution) of distance from the predicted position. */
const MOTION_PENALTY = 0.004;
/** How fast a matched point's colour follows the video. */
const LEARN = 0.1;
/**
 * The object is taken as lost (hidden, or changed beyond recognition) when its score falls below
 * LOST_RATIO of its usual score (a running average: a small prop moving fast through a low-bitrate
 * video scores about 0.5 at best, a large still one 0.9), and never kept below LOST_FLOOR.
 */
export const LOST_RATIO = 0.4;
export const LOST_FLOOR = 0.2;
/** Below this share of the box inside the picture the object is taken as having left it. */
export const MIN_IN_FRAME = 0.4;
const MAX_SAMPLES = 900;
const SCALES = [0.96, 0.98, 0.99, 1, 1.01, 1.02, 1.04];

export type StepResult =
  | { kind: 'ok'; box: PxBox; score: number }
  | { kind: 'lost'; box: PxBox; score: number }
  | { kind: 'outside'; box: PxBox; score: number };

interface Sample { u: number; v: number; r: number; g: number; b: number }

/** RGB at half resolution, each pixel the mean of a 2×2 block. */
export interface HalfFrame { width: number; height: number; data: Uint8Array }

export function halve(img: Pixels): HalfFrame {
  const width = img.width >> 1;
  const height = img.height >> 1;
  const src = img.data;
  const data = new Uint8Array(width * height * 3);
  const row = img.width * 4;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (2 * y * img.width + 2 * x) * 4;
      const d = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) data[d + c] = (src[o + c]! + src[o + 4 + c]! + src[o + row + c]! + src[o + row + 4 + c]! + 2) >> 2;
    }
  }
  return { width, height, data };
}

export class BoxTracker {
  readonly #samples: Sample[] = [];
  readonly #w0: number;
  readonly #h0: number;
  #cx: number;
  #cy: number;
  #scale = 1;
  #vx = 0;
  #vy = 0;
  #vs = 1;
  #usual: number | undefined;

  /** `box` in pixels of the full frame; everything inside works at half resolution. */
  constructor(firstFrame: Pixels, fullBox: PxBox) {
    const first = halve(firstFrame);
    const box = { x: fullBox.x / 2, y: fullBox.y / 2, w: fullBox.w / 2, h: fullBox.h / 2 };
    this.#w0 = box.w;
    this.#h0 = box.h;
    this.#cx = box.x + box.w / 2;
    this.#cy = box.y + box.h / 2;
    // The ring gives the flat inside of a prop its edges, which is what pins position and scale.
    const ring = Math.max(2, Math.round(0.12 * Math.min(box.w, box.h)));
    const x0 = Math.round(box.x) - ring;
    const y0 = Math.round(box.y) - ring;
    const x1 = Math.round(box.x + box.w) + ring;
    const y1 = Math.round(box.y + box.h) + ring;
    const step = Math.max(1, Math.sqrt(((x1 - x0) * (y1 - y0)) / MAX_SAMPLES));
    for (let y = y0; y < y1; y += step) {
      for (let x = x0; x < x1; x += step) {
        const px = Math.round(x);
        const py = Math.round(y);
        if (px < 0 || py < 0 || px >= first.width || py >= first.height) continue;
        const o = (py * first.width + px) * 3;
        // (u, v): offset from the box's centre in pixels of the first frame.
        this.#samples.push({ u: px + 0.5 - this.#cx, v: py + 0.5 - this.#cy, r: first.data[o]!, g: first.data[o + 1]!, b: first.data[o + 2]! });
      }
    }
  }

  /** The box in pixels of the full frame. */
  get box(): PxBox { return this.#boxAt(this.#cx, this.#cy, this.#scale); }

  #boxAt(cx: number, cy: number, s: number): PxBox {
    return { x: 2 * cx - this.#w0 * s, y: 2 * cy - this.#h0 * s, w: 2 * this.#w0 * s, h: 2 * this.#h0 * s };
  }

  /** 1 − mean truncated cost over the points inside the picture (0 when too few are). */
  #score(img: HalfFrame, cx: number, cy: number, s: number, learn = false): number {
    const { width, height, data } = img;
    let cost = 0;
    let n = 0;
    for (const p of this.#samples) {
      const x = Math.floor(cx + p.u * s);
      const y = Math.floor(cy + p.v * s);
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const o = (y * width + x) * 3;
      const d = Math.abs(data[o]! - p.r) + Math.abs(data[o + 1]! - p.g) + Math.abs(data[o + 2]! - p.b);
      cost += d < TAU ? d : TAU;
      if (learn && d < TAU) {
        p.r += LEARN * (data[o]! - p.r);
        p.g += LEARN * (data[o + 1]! - p.g);
        p.b += LEARN * (data[o + 2]! - p.b);
      }
      n++;
    }
    return n * 3 < this.#samples.length ? 0 : 1 - cost / (TAU * n);
  }

  /** Finds the box in the next frame (of the same size as the first). */
  step(frame: Pixels): StepResult {
    const img = halve(frame);
    const s0 = this.#scale * this.#vs;
    const px = this.#cx + this.#vx;
    const py = this.#cy + this.#vy;
    const side = Math.min(this.#w0, this.#h0) * this.#scale;
    const R = Math.min(40, Math.max(6, Math.ceil(0.35 * side)));
    // Coarse to fine: every other pixel over the search area, then each pixel near the best,
    // then scales, then half pixels.
    let best = { cx: px, cy: py, s: s0, score: -1 };
    const tryAt = (cx: number, cy: number, s: number): void => {
      const score = this.#score(img, cx, cy, s) - MOTION_PENALTY * Math.hypot(cx - px, cy - py);
      if (score > best.score) best = { cx, cy, s, score };
    };
    for (let dy = -R; dy <= R; dy += 2) for (let dx = -R; dx <= R; dx += 2) tryAt(px + dx, py + dy, s0);
    let c = best;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dx || dy) tryAt(c.cx + dx, c.cy + dy, c.s);
    c = best;
    for (const k of SCALES) for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) tryAt(c.cx + dx, c.cy + dy, c.s * k);
    c = best;
    for (let dy = -0.5; dy <= 0.5; dy += 0.5) for (let dx = -0.5; dx <= 0.5; dx += 0.5) if (dx || dy) tryAt(c.cx + dx, c.cy + dy, c.s);
    const box = this.#boxAt(best.cx, best.cy, best.s);
    const inX = Math.max(0, Math.min(frame.width, box.x + box.w) - Math.max(0, box.x));
    const inY = Math.max(0, Math.min(frame.height, box.y + box.h) - Math.max(0, box.y));
    if ((inX * inY) / (box.w * box.h) < MIN_IN_FRAME) return { kind: 'outside', box, score: best.score };
    if (best.score < Math.max(LOST_FLOOR, LOST_RATIO * (this.#usual ?? best.score))) return { kind: 'lost', box, score: best.score };
    this.#usual = this.#usual === undefined ? best.score : this.#usual + 0.1 * (best.score - this.#usual);
    // Damped motion model: a prop that stops should not be thrown past its stop.
    this.#vx = 0.7 * (best.cx - this.#cx);
    this.#vy = 0.7 * (best.cy - this.#cy);
    this.#vs = 1 + 0.5 * (best.s / this.#scale - 1);
    this.#cx = best.cx;
    this.#cy = best.cy;
    this.#scale = best.s;
    this.#score(img, best.cx, best.cy, best.s, true);
    return { kind: 'ok', box, score: best.score };
  }
}
