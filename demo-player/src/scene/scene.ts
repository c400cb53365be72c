/**
 * The sample scene: a living room drawn from canvas shapes, with four props that move. Because
 * every prop is a known rectangle at every frame, the annotations are exact ground truth, not a
 * guess: `groundTruth()` derives them from the same motion that `drawScene` paints.
 *
 * Pure except `drawScene`, which only touches the context it is given (it runs in Chromium while
 * `scripts/make-scene.ts` records the canvas).
 */
import { keyframesFromSamples } from '../studio/formats/simplify.ts';
import type { Box, StudioTrack } from '../studio/formats/track.ts';

export const SCENE = { width: 640, height: 360, fps: 25, frames: 375 } as const;
export const LAST_FRAME = SCENE.frames - 1;

export type ScenePropId = 'lamp' | 'mug' | 'chair' | 'jacket';

/** The top-left corner of a prop's rectangle at a frame; linear between stops, held outside them. */
interface Stop { frame: number; x: number; y: number }

export interface SceneProp {
  id: ScenePropId;
  label: string;
  w: number;
  h: number;
  path: readonly Stop[];
  /** A point (offset in the rectangle) that is always the prop's own colour, to check the video. */
  probe: { dx: number; dy: number; rgb: readonly [number, number, number] };
}

/** Back to front: a prop is occluded by those after it. */
export const PROPS: readonly SceneProp[] = [
  { id: 'lamp', label: 'Floor lamp', w: 60, h: 252, path: [{ frame: 0, x: 262, y: 70 }], probe: { dx: 30, dy: 120, rgb: [0x3b, 0x3b, 0x3b] } },
  {
    id: 'mug', label: 'Blue mug', w: 44, h: 30,
    // Slides along the table, rests, then is lifted out of the top of the frame.
    path: [{ frame: 75, x: 372, y: 220 }, { frame: 175, x: 500, y: 220 }, { frame: 250, x: 500, y: 220 }, { frame: 300, x: 500, y: -60 }],
    probe: { dx: 6, dy: 6, rgb: [0x2f, 0x6f, 0xe0] },
  },
  {
    id: 'chair', label: 'Wooden chair', w: 95, h: 150,
    // Enters from the right edge and stops beside the table.
    path: [{ frame: 150, x: 660, y: 175 }, { frame: 225, x: 525, y: 175 }],
    probe: { dx: 47, dy: 80, rgb: [0xb5, 0x52, 0x3b] },
  },
  {
    id: 'jacket', label: 'Teal jacket', w: 90, h: 130,
    // On a coat rack that slides right in front of the lamp, rests, then slides out to the left.
    path: [{ frame: 50, x: 40, y: 95 }, { frame: 125, x: 215, y: 95 }, { frame: 200, x: 215, y: 95 }, { frame: 290, x: -120, y: 95 }],
    probe: { dx: 30, dy: 70, rgb: [0x23, 0x6a, 0x78] },
  },
];

export interface Rect { x: number; y: number; w: number; h: number }

/** The prop's whole rectangle (pixels) at a frame, which may reach beyond the picture. */
export function rectAt(p: SceneProp, frame: number): Rect {
  const path = p.path;
  let s = path[0]!;
  if (frame >= path[path.length - 1]!.frame) s = path[path.length - 1]!;
  else if (frame > s.frame) {
    const i = path.findIndex((q) => q.frame > frame);
    const a = path[i - 1]!;
    const b = path[i]!;
    const f = (frame - a.frame) / (b.frame - a.frame);
    s = { frame, x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
  }
  return { x: s.x, y: s.y, w: p.w, h: p.h };
}

/** The part of `r` inside a width × height picture, or null. */
export function clipRect(r: Rect, width: number, height: number): Rect | null {
  const x0 = Math.max(0, r.x);
  const y0 = Math.max(0, r.y);
  const x1 = Math.min(width, r.x + r.w);
  const y1 = Math.min(height, r.y + r.h);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

/** The part of `r` inside the picture, or null. */
export const visible = (r: Rect): Rect | null => clipRect(r, SCENE.width, SCENE.height);

/** The area two rectangles share. */
export const overlap = (a: Rect, b: Rect): number =>
  Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

/** Occluded: props in front cover more than a quarter of what is visible of it. */
export const OCCLUSION_SHARE = 0.25;

/** Where the prop is at `frame`: its normalised visible box and whether it is occluded, or null when out of the picture. */
export function truthAt(p: SceneProp, frame: number): { box: Box; occluded: boolean } | null {
  const v = visible(rectAt(p, frame));
  if (!v) return null;
  const front = PROPS.slice(PROPS.indexOf(p) + 1);
  const covered = front.reduce((n, q) => {
    const r = visible(rectAt(q, frame));
    return r ? n + overlap(v, r) : n;
  }, 0);
  return {
    box: { x: v.x / SCENE.width, y: v.y / SCENE.height, w: v.w / SCENE.width, h: v.h / SCENE.height },
    occluded: covered > OCCLUSION_SHARE * v.w * v.h,
  };
}

/**
 * The ground truth as studio tracks: each prop's box on every frame, reduced to the keyframes that
 * reproduce all of them (within 1e-6) — which land on the motion changes and edge crossings.
 * `products` maps a prop id to its product ('' until seeding assigns one).
 */
export function groundTruth(products: Readonly<Record<ScenePropId, string>>): StudioTrack[] {
  return PROPS.map((p) => {
    const samples = [];
    for (let f = 0; f < SCENE.frames; f++) {
      const t = truthAt(p, f);
      if (t) samples.push({ frame: f, box: t.box, occluded: t.occluded });
    }
    return { id: p.id, label: p.label, product: products[p.id], keyframes: keyframesFromSamples(samples, LAST_FRAME, 1e-6) };
  });
}

type Ctx = CanvasRenderingContext2D;

/** Centred bold text (the props' printed names). */
export function label(g: Ctx, text: string, x: number, y: number, color = '#fff', size = 10): void {
  g.fillStyle = color;
  g.font = `bold ${size}px sans-serif`;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText(text, x, y);
}

function room(g: Ctx): void {
  g.fillStyle = '#e8dcc8'; g.fillRect(0, 0, 640, 300); // wall
  g.fillStyle = '#a8744a'; g.fillRect(0, 300, 640, 60); // floor
  g.strokeStyle = '#94633d'; g.lineWidth = 1;
  for (let y = 312; y < 360; y += 14) { g.beginPath(); g.moveTo(0, y); g.lineTo(640, y); g.stroke(); }
  g.fillStyle = '#f7f2ea'; g.fillRect(0, 292, 640, 8); // skirting board
  g.fillStyle = '#fff'; g.fillRect(414, 34, 132, 122); // window
  g.fillStyle = '#bfe3f7'; g.fillRect(420, 40, 120, 110);
  g.fillStyle = '#fff'; g.fillRect(478, 40, 4, 110); g.fillRect(420, 93, 120, 4);
  g.fillStyle = '#7bc47f'; g.beginPath(); g.ellipse(450, 150, 40, 14, 0, Math.PI, 0); g.fill();
  g.fillStyle = '#6d4c41'; g.fillRect(84, 36, 92, 68); // picture
  g.fillStyle = '#fdf6e3'; g.fillRect(90, 42, 80, 56);
  g.fillStyle = '#8aa'; g.beginPath(); g.moveTo(92, 96); g.lineTo(118, 60); g.lineTo(136, 82); g.lineTo(148, 68); g.lineTo(168, 96); g.fill();
  g.fillStyle = '#c9a27e'; g.beginPath(); g.ellipse(300, 335, 190, 16, 0, 0, Math.PI * 2); g.fill(); // rug
  g.fillStyle = '#7a4a2a'; g.fillRect(360, 250, 240, 12); // table
  g.fillRect(372, 262, 10, 68); g.fillRect(578, 262, 10, 68);
}

function lamp(g: Ctx, r: Rect): void {
  const { x, y } = r;
  g.fillStyle = '#3b3b3b'; g.fillRect(x + 27, y + 48, 6, 196);
  g.beginPath(); g.ellipse(x + 30, y + 246, 26, 6, 0, 0, Math.PI * 2); g.fill();
  g.fillStyle = '#f3d27a'; g.beginPath(); g.moveTo(x + 12, y); g.lineTo(x + 48, y); g.lineTo(x + 60, y + 48); g.lineTo(x, y + 48); g.closePath(); g.fill();
  label(g, 'LAMP', x + 30, y + 28, '#6b4e00');
}

function mug(g: Ctx, r: Rect): void {
  const { x, y } = r;
  g.strokeStyle = '#2f6fe0'; g.lineWidth = 5;
  g.beginPath(); g.arc(x + 34, y + 15, 7, -Math.PI / 2, Math.PI / 2); g.stroke();
  g.fillStyle = '#2f6fe0'; g.fillRect(x, y, 34, 30);
  label(g, 'MUG', x + 17, y + 19, '#fff', 9);
}

function chair(g: Ctx, r: Rect): void {
  const { x, y } = r;
  g.fillStyle = '#b5523b';
  g.fillRect(x, y, 95, 12); g.fillRect(x, y, 12, 150); g.fillRect(x + 83, y, 12, 150); // back and back legs
  g.fillRect(x + 30, y + 12, 35, 64); // splat
  g.fillRect(x - 0, y + 76, 95, 14); // seat
  g.fillStyle = '#8f3f2c'; g.fillRect(x + 22, y + 90, 10, 60); g.fillRect(x + 63, y + 90, 10, 60); // front legs
  label(g, 'CHAIR', x + 47, y + 44, '#fff', 9);
}

function jacket(g: Ctx, r: Rect): void {
  const { x, y } = r;
  const cx = x + 45;
  g.fillStyle = '#5d4037'; // the coat rack, behind the jacket
  g.fillRect(cx - 3, y - 30, 6, 252); g.fillRect(cx - 32, 318, 64, 6);
  g.strokeStyle = '#5d4037'; g.lineWidth = 3; g.beginPath(); g.arc(cx, y - 30, 8, Math.PI, 0); g.stroke();
  g.fillStyle = '#236a78';
  g.beginPath(); // body with shoulders
  g.moveTo(x + 18, y + 6); g.lineTo(x + 72, y + 6); g.lineTo(x + 76, y + 130); g.lineTo(x + 14, y + 130); g.closePath(); g.fill();
  g.beginPath(); g.moveTo(x + 18, y + 6); g.lineTo(x + 2, y + 118); g.lineTo(x + 14, y + 120); g.lineTo(x + 26, y + 30); g.closePath(); g.fill(); // sleeves
  g.beginPath(); g.moveTo(x + 72, y + 6); g.lineTo(x + 88, y + 118); g.lineTo(x + 76, y + 120); g.lineTo(x + 64, y + 30); g.closePath(); g.fill();
  g.fillStyle = '#174650'; g.beginPath(); g.moveTo(x + 34, y); g.lineTo(x + 56, y); g.lineTo(x + 45, y + 40); g.closePath(); g.fill(); // collar
  g.fillStyle = '#e0c068'; for (const dy of [56, 76, 96]) { g.beginPath(); g.arc(x + 49, y + dy, 2.5, 0, Math.PI * 2); g.fill(); }
  g.fillStyle = '#fff'; g.fillRect(x + 56, y + 100, 30, 13); label(g, 'JACKET', x + 71, y + 107, '#174650', 7);
}

const PAINT: Record<ScenePropId, (g: Ctx, r: Rect) => void> = { lamp, mug, chair, jacket };

/** Paints frame `frame` of the scene into a 640×360 context, with a burnt-in timecode. */
export function drawScene(g: Ctx, frame: number): void {
  room(g);
  for (const p of PROPS) PAINT[p.id](g, rectAt(p, frame));
  const t = frame / SCENE.fps;
  const tc = `${String(Math.floor(t / 60)).padStart(2, '0')}:${(t % 60).toFixed(2).padStart(5, '0')}  frame ${frame}`;
  g.fillStyle = 'rgba(0,0,0,.55)'; g.fillRect(6, 6, 150, 18);
  g.fillStyle = '#fff'; g.font = '11px monospace'; g.textAlign = 'left'; g.textBaseline = 'middle'; g.fillText(tc, 12, 15);
}
