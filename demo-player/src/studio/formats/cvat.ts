/**
 * CVAT "for video 1.1" XML to and from studio tracks, in the shape of CVAT's own importer and
 * exporter (cvat/apps/dataset_manager/formats/cvat.py). CVAT stores a track as boxes in pixels of
 * the task's `original_size`, every frame (keyframe="1" where the annotator set one, keyframe="0"
 * interpolated between them); the widget format is normalised to the frame, so x = xtl / width etc.
 * CVAT interpolates boxes linearly between keyframes as the widget does, so keeping only the
 * keyframes loses nothing, and CVAT's importer itself reads only the keyframes.
 */
import { BaseError } from '@dipnet/protocol/base-error';
import { LIMITS } from '@dipnet/widget/annotations';
import { escapeXml, child, find, parseXml, type XmlElement } from './xml.ts';
import { boxFromPixels, pixelText, pixelsOf, type FrameSize } from './pixels.ts';
import { ID_CHARS, slug, sortKeyframes, uniqueId, type Box, type ImportResult, type StudioKeyframe, type StudioTrack } from './track.ts';

export class CvatError extends BaseError<'CVAT_INVALID'> {
  override readonly name = 'CvatError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('CVAT_INVALID', message, options);
  }
}

/**
 * What CVAT has no field for, written as `<attribute>`s of every box. CVAT keeps an attribute
 * only when the task's label declares it (it drops the rest on import), so a label that should
 * carry them through CVAT needs text attributes of these names; the export declares them in its
 * `<meta>`. `boxless` marks an `outside` keyframe that has no box in the studio: CVAT needs
 * coordinates on every shape, so it gets the box the track holds there.
 */
export const STUDIO_ATTRIBUTES = { id: 'dipnet.prop', product: 'dipnet.product', chainId: 'dipnet.chain', boxless: 'dipnet.boxless' } as const;

export interface CvatOptions {
  /** Used, with a warning, when the file has no `<original_size>`. */
  fallbackSize?: FrameSize;
  /** Ids already taken in the studio, so imported ids stay unique. */
  takenIds?: Iterable<string>;
}

function num(el: XmlElement, attr: string, where: string): number {
  const raw = el.attrs[attr];
  if (raw === undefined) throw new CvatError(`CVAT: ${where} has no ${attr} attribute`);
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new CvatError(`CVAT: ${where}: ${attr}="${raw}" is not a number`);
  return v;
}

const flag = (el: XmlElement, attr: string): boolean => el.attrs[attr] === '1' || el.attrs[attr] === 'true';

/** The `<attribute name=…>` children of a shape, by name. */
const shapeAttributes = (shape: XmlElement): Map<string, string> =>
  new Map(shape.children.filter((c) => c.name === 'attribute' && c.attrs.name !== undefined).map((c) => [c.attrs.name!, c.text.trim()]));

function frameSize(root: XmlElement, opts: CvatOptions, warnings: string[]): FrameSize {
  const sizeEl = find(child(root, 'meta') ?? root, 'original_size');
  if (sizeEl) {
    const width = Number(child(sizeEl, 'width')?.text.trim());
    const height = Number(child(sizeEl, 'height')?.text.trim());
    if (!(width > 0 && height > 0)) throw new CvatError('CVAT: <original_size> needs positive <width> and <height>');
    return { width, height };
  }
  if (opts.fallbackSize) {
    const { width, height } = opts.fallbackSize;
    warnings.push(`CVAT: no <original_size>; pixel coordinates read against the video's ${width}×${height}`);
    return { width, height };
  }
  throw new CvatError('CVAT: no <original_size> in <meta>, so pixel coordinates cannot be normalised');
}

export function importCvatXml(text: string, opts: CvatOptions = {}): ImportResult {
  const root = parseXml(text);
  if (root.name !== 'annotations') throw new CvatError(`CVAT: the root element is <${root.name}>, expected <annotations> (export as "CVAT for video 1.1")`);
  const trackEls = root.children.filter((c) => c.name === 'track');
  if (trackEls.length === 0 && root.children.some((c) => c.name === 'image')) {
    throw new CvatError('CVAT: this is a "CVAT for images 1.1" file (shapes per <image>, no <track>); the studio reads "CVAT for video 1.1", '
      + 'whose <track>s key boxes through the video: export the task from CVAT again as "CVAT for video 1.1"');
  }
  const warnings: string[] = [];
  const version = child(root, 'version')?.text.trim();
  if (version !== '1.1') warnings.push(`CVAT: version ${version ?? '(none)'} read as 1.1`);
  const size = frameSize(root, opts, warnings);
  if (root.children.some((c) => c.name === 'image')) warnings.push('CVAT: <image> elements (the "for images" layout) were skipped; export "for video"');

  const taken = new Set(opts.takenIds ?? []);
  const tracks: StudioTrack[] = [];
  let skippedShapes = 0;
  for (const tr of trackEls) {
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
      if (!Number.isInteger(frame) || frame < 0) throw new CvatError(`CVAT: ${at}: frame must be a whole number ≥ 0`);
      const [xtl, ytl, xbr, ybr] = (['xtl', 'ytl', 'xbr', 'ybr'] as const).map((k) => num(b, k, at)) as [number, number, number, number];
      const kf: StudioKeyframe = { frame };
      const outside = flag(b, 'outside');
      if (!(outside && shapeAttributes(b).get(STUDIO_ATTRIBUTES.boxless) === 'true')) kf.box = boxFromPixels(xtl, ytl, xbr - xtl, ybr - ytl, size);
      if (outside) kf.outside = true;
      if (flag(b, 'occluded')) kf.occluded = true;
      return kf;
    });
    const sorted = sortKeyframes(keyframes);
    // CVAT can start a track with an outside shape; the widget's track starts in frame.
    while (sorted[0]?.outside) sorted.shift();
    if (sorted.length === 0) { warnings.push(`CVAT: ${where} is never in frame; skipped`); continue; }
    const studio = shapeAttributes(keep[0]!);
    const propId = studio.get(STUDIO_ATTRIBUTES.id);
    const idOk = propId !== undefined && ID_CHARS.test(propId) && propId.length <= LIMITS.idLength;
    if (propId !== undefined && !idOk) warnings.push(`CVAT: ${where}: ${STUDIO_ATTRIBUTES.id} "${propId.slice(0, 40)}" is not a prop id; one was made from the label`);
    const track: StudioTrack = {
      id: uniqueId(idOk ? propId : `${slug(label)}-${tr.attrs.id ?? tracks.length}`, taken),
      label,
      product: studio.get(STUDIO_ATTRIBUTES.product) ?? '',
      keyframes: sorted,
    };
    const chainId = studio.get(STUDIO_ATTRIBUTES.chainId);
    if (chainId) track.chainId = chainId;
    tracks.push(track);
  }
  if (skippedShapes) warnings.push(`CVAT: ${skippedShapes} non-box shape(s) (polygons, points…) skipped; only boxes are shoppable`);
  return { tracks, warnings };
}

export interface CvatExportOptions extends FrameSize {
  /** The video's last frame (0-based): the task runs from frame 0 to it. */
  lastFrame: number;
  /** The task's name and `<source>` (the video's file name). */
  name?: string;
}

/** The box a keyframe is written with: its own, else (an `outside` keyframe) the one the track holds there. */
function boxToWrite(keyframes: readonly StudioKeyframe[], i: number): Box | undefined {
  const own = keyframes[i]!.box;
  if (own) return own;
  for (let j = i - 1; j >= 0; j--) if (keyframes[j]!.box) return keyframes[j]!.box;
  return keyframes.slice(i + 1).find((k) => k.box)?.box;
}

const element = (indent: number, name: string, text: string): string => `${'  '.repeat(indent)}<${name}>${escapeXml(text)}</${name}>`;
const attrs = (pairs: readonly (readonly [string, string])[]): string => pairs.map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');

function labelMeta(label: string): string[] {
  const attribute = (name: string, inputType: 'text' | 'checkbox', mutable: boolean, defaultValue: string): string[] => [
    '            <attribute>', element(7, 'name', name), element(7, 'mutable', mutable ? 'True' : 'False'), element(7, 'input_type', inputType),
    element(7, 'default_value', defaultValue), element(7, 'values', inputType === 'checkbox' ? 'false\ntrue' : ''), '            </attribute>',
  ];
  return [
    '        <label>', element(5, 'name', label), '          <attributes>',
    ...attribute(STUDIO_ATTRIBUTES.id, 'text', false, ''), ...attribute(STUDIO_ATTRIBUTES.product, 'text', false, ''),
    ...attribute(STUDIO_ATTRIBUTES.chainId, 'text', false, ''), ...attribute(STUDIO_ATTRIBUTES.boxless, 'checkbox', true, 'false'),
    '          </attributes>', '        </label>',
  ];
}

function trackXml(track: StudioTrack, index: number, size: FrameSize): string[] {
  const keyframes = sortKeyframes(track.keyframes);
  if (keyframes.length === 0) throw new CvatError(`CVAT export: track "${track.id}" has no keyframes (CVAT needs at least one box per track)`);
  const lines = [`  <track${attrs([['id', String(index)], ['label', track.label], ['source', 'manual']])}>`];
  keyframes.forEach((k, i) => {
    const box = boxToWrite(keyframes, i);
    if (!box) throw new CvatError(`CVAT export: track "${track.id}" has no box to write (CVAT needs coordinates on every shape)`);
    const px = pixelsOf(box, size);
    lines.push(`    <box${attrs([
      ['frame', String(k.frame)], ['keyframe', '1'], ['outside', k.outside ? '1' : '0'], ['occluded', k.occluded ? '1' : '0'],
      ['xtl', pixelText(px.left)], ['ytl', pixelText(px.top)], ['xbr', pixelText(px.right)], ['ybr', pixelText(px.bottom)], ['z_order', '0'],
    ])}>`);
    const studio: [string, string | undefined][] = [
      [STUDIO_ATTRIBUTES.id, track.id], [STUDIO_ATTRIBUTES.product, track.product], [STUDIO_ATTRIBUTES.chainId, track.chainId],
      [STUDIO_ATTRIBUTES.boxless, k.box ? undefined : 'true'],
    ];
    for (const [name, value] of studio) if (value) lines.push(`      <attribute${attrs([['name', name]])}>${escapeXml(value)}</attribute>`);
    lines.push('    </box>');
  });
  lines.push('  </track>');
  return lines;
}

/**
 * The tracks as a "CVAT for video 1.1" annotation file, which CVAT imports into a task ("Upload
 * annotations", format "CVAT 1.1") whose labels include the tracks' labels. Every keyframe is a
 * `<box keyframe="1">` in pixels of `width`×`height`; `<meta>` describes the task as CVAT writes it
 * (interpolation mode, frames 0 to `lastFrame`, `original_size`, the labels). Throws CvatError for
 * a track with nothing CVAT can hold (no keyframe, or no box at all).
 */
export function exportCvatXml(tracks: readonly StudioTrack[], opts: CvatExportOptions): string {
  const name = opts.name ?? 'DIPNET studio export';
  const labels = [...new Set(tracks.map((t) => t.label))];
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<annotations>',
    element(1, 'version', '1.1'),
    '  <meta>',
    '    <task>',
    element(3, 'name', name),
    element(3, 'size', String(opts.lastFrame + 1)),
    element(3, 'mode', 'interpolation'),
    element(3, 'overlap', '0'),
    element(3, 'start_frame', '0'),
    element(3, 'stop_frame', String(opts.lastFrame)),
    element(3, 'frame_filter', ''),
    '      <labels>',
    ...labels.flatMap(labelMeta),
    '      </labels>',
    '      <original_size>',
    element(4, 'width', String(opts.width)),
    element(4, 'height', String(opts.height)),
    '      </original_size>',
    '    </task>',
    element(2, 'source', name),
    '  </meta>',
    ...tracks.flatMap((t, i) => trackXml(t, i, opts)),
    '</annotations>',
  ];
  return `${lines.join('\n')}\n`;
}
