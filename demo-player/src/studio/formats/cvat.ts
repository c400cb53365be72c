/**
 * CVAT "for video 1.1" XML to studio tracks. CVAT stores a track as boxes in pixels of the
 * task's `original_size`, every frame (keyframe="1" where the annotator set one, keyframe="0"
 * interpolated between them); the widget format is normalised to the frame, so x = xtl / width etc.
 * CVAT interpolates boxes linearly between keyframes as the widget does, so keeping only the
 * keyframes loses nothing.
 */
import { XmlError, child, find, parseXml, type XmlElement } from './xml.ts';
import { slug, sortKeyframes, uniqueId, type ImportResult, type StudioKeyframe, type StudioTrack } from './track.ts';

export interface CvatOptions {
  /** Used, with a warning, when the file has no `<original_size>`. */
  fallbackSize?: { width: number; height: number };
  /** Ids already taken in the studio, so imported ids stay unique. */
  takenIds?: Iterable<string>;
}

function num(el: XmlElement, attr: string, where: string): number {
  const raw = el.attrs[attr];
  if (raw === undefined) throw new XmlError(`CVAT: ${where} has no ${attr} attribute`);
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new XmlError(`CVAT: ${where}: ${attr}="${raw}" is not a number`);
  return v;
}

const flag = (el: XmlElement, attr: string): boolean => el.attrs[attr] === '1' || el.attrs[attr] === 'true';

export function importCvatXml(text: string, opts: CvatOptions = {}): ImportResult {
  const root = parseXml(text);
  if (root.name !== 'annotations') throw new XmlError(`CVAT: the root element is <${root.name}>, expected <annotations> (export as "CVAT for video 1.1")`);
  const warnings: string[] = [];
  const version = child(root, 'version')?.text.trim();
  if (version !== '1.1') warnings.push(`CVAT: version ${version ?? '(none)'} read as 1.1`);
  const sizeEl = find(child(root, 'meta') ?? root, 'original_size');
  let width: number;
  let height: number;
  if (sizeEl) {
    width = Number(child(sizeEl, 'width')?.text.trim());
    height = Number(child(sizeEl, 'height')?.text.trim());
    if (!(width > 0 && height > 0)) throw new XmlError('CVAT: <original_size> needs positive <width> and <height>');
  } else if (opts.fallbackSize) {
    ({ width, height } = opts.fallbackSize);
    warnings.push(`CVAT: no <original_size>; pixel coordinates read against the video's ${width}×${height}`);
  } else {
    throw new XmlError('CVAT: no <original_size> in <meta>, so pixel coordinates cannot be normalised');
  }
  if (root.children.some((c) => c.name === 'image')) warnings.push('CVAT: <image> elements (the "for images" layout) were skipped; export "for video"');

  const taken = new Set(opts.takenIds ?? []);
  const tracks: StudioTrack[] = [];
  let skippedShapes = 0;
  for (const tr of root.children.filter((c) => c.name === 'track')) {
    const where = `<track id="${tr.attrs.id ?? '?'}">`;
    const label = (tr.attrs.label ?? '').trim() || 'object';
    const boxes = tr.children.filter((c) => c.name === 'box');
    skippedShapes += tr.children.length - boxes.length;
    if (boxes.length === 0) continue;
    const anyKey = boxes.some((b) => 'keyframe' in b.attrs);
    const keep = anyKey ? boxes.filter((b) => flag(b, 'keyframe') || b.attrs.keyframe === undefined) : boxes;
    const keyframes = keep.map((b): StudioKeyframe => {
      const at = `${where} <box frame="${b.attrs.frame ?? '?'}">`;
      const frame = num(b, 'frame', at);
      if (!Number.isInteger(frame) || frame < 0) throw new XmlError(`CVAT: ${at}: frame must be a whole number ≥ 0`);
      const [xtl, ytl, xbr, ybr] = (['xtl', 'ytl', 'xbr', 'ybr'] as const).map((k) => num(b, k, at)) as [number, number, number, number];
      const kf: StudioKeyframe = { frame, box: { x: xtl / width, y: ytl / height, w: (xbr - xtl) / width, h: (ybr - ytl) / height } };
      if (flag(b, 'outside')) kf.outside = true;
      if (flag(b, 'occluded')) kf.occluded = true;
      return kf;
    });
    const sorted = sortKeyframes(keyframes);
    // CVAT can start a track with an outside shape; the widget's track starts in frame.
    while (sorted[0]?.outside) sorted.shift();
    if (sorted.length === 0) { warnings.push(`CVAT: ${where} is never in frame; skipped`); continue; }
    tracks.push({ id: uniqueId(`${slug(label)}-${tr.attrs.id ?? tracks.length}`, taken), label, product: '', keyframes: sorted });
  }
  if (skippedShapes) warnings.push(`CVAT: ${skippedShapes} non-box shape(s) (polygons, points…) skipped; only boxes are shoppable`);
  return { tracks, warnings };
}
