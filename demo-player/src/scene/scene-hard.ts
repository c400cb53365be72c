/**
 * The harder clip, for measuring the studio's tracker: the same kind of canvas room as the sample
 * scene, filmed by a camera that pans and then zooms in. Its props are rectangles in world
 * coordinates, so where each one is on screen — and how much of it can be seen — is known exactly
 * at every frame:
 * - the vase stands still in the room and moves and grows on screen only with the camera;
 * - the ball rolls towards the camera and grows (a prop that changes scale on its own);
 * - the book sits on a shelf and a passer-by walks in front of it (wholly hidden for a while);
 * - the toy car drives out of the right edge and comes back (leaves and re-enters).
 *
 * Pure except `drawScene`, which only touches the context it is given (it runs in Chromium while
 * `scripts/make-scene.ts --hard` records the canvas).
 */
import { clipRect, label as text, overlap, type Rect } from './scene.ts';
import type { PropTruth, SceneTruth } from './truth.ts';

export const HARD_SCENE = { width: 640, height: 360, fps: 25, frames: 250 } as const;

export type HardPropId = 'vase' | 'ball' | 'book' | 'car';

/** A value at a frame, linear between stops and held outside them. */
type Curve = readonly (readonly [frame: number, value: number])[];

function at(c: Curve, frame: number): number {
  if (frame <= c[0]![0]) return c[0]![1];
  for (let i = 1; i < c.length; i++) {
    const [f1, v1] = c[i]!;
    if (frame <= f1) {
      const [f0, v0] = c[i - 1]!;
      return v0 + ((v1 - v0) * (frame - f0)) / (f1 - f0);
    }
  }
  return c[c.length - 1]![1];
}

/** The camera: the world point at the picture's centre, and the zoom (screen px per world px). */
const CAM = {
  cx: [[0, 320], [100, 470], [250, 470]] as Curve,
  cy: [[0, 180], [120, 180], [200, 200]] as Curve,
  zoom: [[0, 1], [120, 1], [200, 1.3]] as Curve,
};

export function cameraAt(frame: number): { cx: number; cy: number; zoom: number } {
  return { cx: at(CAM.cx, frame), cy: at(CAM.cy, frame), zoom: at(CAM.zoom, frame) };
}

interface HardProp {
  id: HardPropId;
  label: string;
  /** World rectangle at a frame (x, y top-left; w, h). */
  rect: (frame: number) => Rect;
}

/** Back to front: a prop is hidden by the props after it and by the passer-by. */
export const HARD_PROPS: readonly HardProp[] = [
  { id: 'vase', label: 'Green vase', rect: () => ({ x: 560, y: 196, w: 46, h: 74 }) },
  { id: 'book', label: 'Red book', rect: () => ({ x: 250, y: 118, w: 40, h: 52 }) },
  {
    id: 'ball', label: 'Beach ball',
    // Rolls towards the camera: its size grows about 2.2× while it drifts left.
    rect: (f) => {
      const s = at([[20, 34], [200, 76]], f);
      const cx = at([[20, 470], [200, 400]], f);
      const bottom = 300;
      return { x: cx - s / 2, y: bottom - s, w: s, h: s };
    },
  },
  {
    id: 'car', label: 'Toy car',
    // Drives right out of the picture, stops off screen, then reverses back into it.
    rect: (f) => ({ x: at([[0, 420], [70, 900], [110, 900], [170, 620]], f), y: 306, w: 64, h: 30 }),
  },
];

/** The passer-by: an unannotated figure in front of everything; it crosses the book and stops beside it. */
export function passerBy(frame: number): Rect {
  return { x: at([[20, -120], [160, 300]], frame), y: 30, w: 90, h: 180 };
}

/** A world rectangle on screen at a frame (picture pixels, possibly beyond the picture). */
export function toScreen(r: Rect, frame: number): Rect {
  const { cx, cy, zoom } = cameraAt(frame);
  return {
    x: (r.x - cx) * zoom + HARD_SCENE.width / 2, y: (r.y - cy) * zoom + HARD_SCENE.height / 2,
    w: r.w * zoom, h: r.h * zoom,
  };
}

const clip = (r: Rect): Rect | null => clipRect(r, HARD_SCENE.width, HARD_SCENE.height);

/**
 * Per-frame ground truth. Occluders in front of a prop overlap each other only where the
 * passer-by crosses props that do not overlap, so summing their overlaps is exact here.
 */
export function hardTruth(): SceneTruth {
  const props: PropTruth[] = HARD_PROPS.map((p, i) => ({
    id: p.id, label: p.label,
    frames: Array.from({ length: HARD_SCENE.frames }, (_, f) => {
      const full = toScreen(p.rect(f), f);
      const v = clip(full);
      if (!v) return { frame: f, box: null, visibility: 0, occluded: false };
      const front = [...HARD_PROPS.slice(i + 1).map((q) => toScreen(q.rect(f), f)), toScreen(passerBy(f), f)];
      const covered = Math.min(v.w * v.h, front.reduce((n, r) => n + overlap(v, r), 0));
      return {
        frame: f,
        box: { x: v.x / HARD_SCENE.width, y: v.y / HARD_SCENE.height, w: v.w / HARD_SCENE.width, h: v.h / HARD_SCENE.height },
        visibility: (v.w * v.h - covered) / (full.w * full.h),
        occluded: covered > 0.25 * v.w * v.h,
      };
    }),
  }));
  return { name: 'scene-hard', width: HARD_SCENE.width, height: HARD_SCENE.height, fps: HARD_SCENE.fps, frames: HARD_SCENE.frames, props };
}

type Ctx = CanvasRenderingContext2D;

function room(g: Ctx): void {
  g.fillStyle = '#dfe6d8'; g.fillRect(-400, -300, 1800, 610); // wall
  g.fillStyle = '#cfd8c6'; for (let x = -400; x < 1400; x += 40) g.fillRect(x, -300, 14, 610); // faint wallpaper stripes
  g.fillStyle = '#8d6e52'; g.fillRect(-400, 310, 1800, 400); // floor
  g.strokeStyle = '#7a5d44'; g.lineWidth = 1;
  for (let y = 322; y < 700; y += 14) { g.beginPath(); g.moveTo(-400, y); g.lineTo(1400, y); g.stroke(); }
  g.fillStyle = '#6d4c41'; g.fillRect(200, 170, 160, 10); // shelf
  g.fillStyle = '#fff'; g.fillRect(640, 40, 150, 120); g.fillStyle = '#aed8f2'; g.fillRect(646, 46, 138, 108); // window
  g.fillStyle = '#7a4a2a'; g.fillRect(520, 270, 130, 10); g.fillRect(528, 280, 8, 30); g.fillRect(634, 280, 8, 30); // side table
  g.fillStyle = '#444'; g.fillRect(60, 60, 90, 60); g.fillStyle = '#e9c46a'; g.fillRect(66, 66, 78, 48); // picture
}

function vase(g: Ctx, r: Rect): void {
  g.fillStyle = '#2e8b57';
  g.beginPath(); g.moveTo(r.x + 12, r.y); g.lineTo(r.x + 34, r.y); g.lineTo(r.x + 46, r.y + 40); g.lineTo(r.x + 38, r.y + 74); g.lineTo(r.x + 8, r.y + 74); g.lineTo(r.x, r.y + 40); g.closePath(); g.fill();
  g.fillStyle = '#f1e3b5'; g.fillRect(r.x + 6, r.y + 34, 34, 10);
  text(g, 'VASE', r.x + 23, r.y + 58, '#fff', 9);
}

function book(g: Ctx, r: Rect): void {
  g.fillStyle = '#c0392b'; g.fillRect(r.x, r.y, r.w, r.h);
  g.fillStyle = '#f5d76e'; g.fillRect(r.x + 4, r.y + 8, r.w - 8, 6); g.fillRect(r.x + 4, r.y + r.h - 12, r.w - 8, 4);
  text(g, 'BOOK', r.x + r.w / 2, r.y + r.h / 2 + 2, '#fff', 9);
}

function ball(g: Ctx, r: Rect): void {
  const c = { x: r.x + r.w / 2, y: r.y + r.h / 2 };
  const rad = r.w / 2;
  const colours = ['#e74c3c', '#f1c40f', '#3498db', '#ecf0f1'];
  for (let i = 0; i < 4; i++) {
    g.fillStyle = colours[i]!;
    g.beginPath(); g.moveTo(c.x, c.y); g.arc(c.x, c.y, rad, (i * Math.PI) / 2, ((i + 1) * Math.PI) / 2); g.closePath(); g.fill();
  }
  g.fillStyle = '#fff'; g.beginPath(); g.arc(c.x, c.y, rad * 0.18, 0, Math.PI * 2); g.fill();
}

function car(g: Ctx, r: Rect): void {
  g.fillStyle = '#8e44ad'; g.fillRect(r.x, r.y + 8, r.w, 14); g.fillRect(r.x + 14, r.y, 32, 10);
  g.fillStyle = '#bde0fe'; g.fillRect(r.x + 18, r.y + 2, 11, 7); g.fillRect(r.x + 32, r.y + 2, 11, 7);
  g.fillStyle = '#222'; for (const dx of [14, 50]) { g.beginPath(); g.arc(r.x + dx, r.y + 23, 7, 0, Math.PI * 2); g.fill(); }
  text(g, 'CAR', r.x + 32, r.y + 15, '#fff', 8);
}

function person(g: Ctx, r: Rect): void {
  g.fillStyle = '#34495e'; g.fillRect(r.x, r.y + 40, r.w, r.h - 40);
  g.fillStyle = '#2c3e50'; g.beginPath(); g.arc(r.x + r.w / 2, r.y + 20, 20, 0, Math.PI * 2); g.fill();
  g.fillRect(r.x + 6, r.y + 30, r.w - 12, 12);
}

const PAINT: Record<HardPropId, (g: Ctx, r: Rect) => void> = { vase, book, ball, car };

/** Paints frame `frame` of the harder clip into a 640×360 context, with a burnt-in frame number. */
export function drawScene(g: Ctx, frame: number): void {
  const { cx, cy, zoom } = cameraAt(frame);
  g.setTransform(zoom, 0, 0, zoom, HARD_SCENE.width / 2 - cx * zoom, HARD_SCENE.height / 2 - cy * zoom);
  room(g);
  for (const p of HARD_PROPS) PAINT[p.id](g, p.rect(frame));
  person(g, passerBy(frame));
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.fillStyle = 'rgba(0,0,0,.55)'; g.fillRect(6, 6, 96, 18);
  g.fillStyle = '#fff'; g.font = '11px monospace'; g.textAlign = 'left'; g.textBaseline = 'middle'; g.fillText(`hard ${frame}`, 12, 15);
}
