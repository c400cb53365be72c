/**
 * The DIPNET annotation format (see ../ANNOTATIONS.md and ../annotations.schema.json): time-coded
 * props, each linked to a product contract, with keyframed boxes normalised to the video frame.
 *
 * Parsing is strict: unknown fields, non-finite numbers, boxes outside the frame and keyframe
 * times that do not increase are rejected with an {@link AnnotationError} naming the path of the
 * bad field. Strings are kept verbatim as plain text; nothing here (or in the element) ever
 * interprets them as HTML.
 */
import { BaseError } from '@dipnet/protocol/base-error';

/** A box normalised to the video frame: 0..1 of its width (`x`, `w`) and height (`y`, `h`). */
export interface Box { x: number; y: number; w: number; h: number }

/** One keyframe of a prop's track. `t` is media time in seconds. */
export interface Keyframe {
  t: number;
  /** Required unless `outside` is true. */
  box?: Box;
  /** The prop leaves the frame at `t` and stays absent until the next keyframe. */
  outside?: boolean;
  /** The prop is in frame but hidden behind something (still shoppable; hosts may style it). */
  occluded?: boolean;
}

export interface Product {
  /** The chain the contract lives on; defaults to the element's chain. */
  chainId?: string;
  /** The product contract's id: 64 lowercase hex digits. */
  contract: string;
}

export interface Prop {
  id: string;
  label: string;
  product: Product;
  track: Keyframe[];
}

export interface AnnotationDocument {
  $schema?: string;
  version: 1;
  props: Prop[];
}

/** A malformed annotation. `path` names the bad field (`props[2].track[1].t`), `source` the input. */
export class AnnotationError extends BaseError<'ANNOTATION_INVALID', { path: string; reason: string; source: string }> {
  override readonly name = 'AnnotationError';
  constructor(readonly path: string, readonly reason: string, readonly source = 'annotations') {
    super('ANNOTATION_INVALID', `${source}: ${path || '(root)'}: ${reason}`, { details: { path, reason, source } });
  }
}

export const LIMITS = {
  props: 1000,
  keyframes: 10_000,
  idLength: 128,
  labelLength: 200,
} as const;

const ID = /^[A-Za-z0-9._:-]+$/;
/** A product contract id: 64 lowercase hex (see protocol/CONTRACTS.md). */
const CONTRACT = /^[0-9a-f]{64}$/;
const CHAIN_ID = /^[A-Za-z0-9._-]{1,64}$/;
// C0/C1 controls (other than none): invisible in a label and a classic spoofing vector.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Boxes are compared with a little slack so 0.1 + 0.9 style float sums are accepted.
const EPS = 1e-9;

type Ctx = { source: string };

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return `a string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : typeof v;
};

function fail(ctx: Ctx, path: string, reason: string): never {
  throw new AnnotationError(path, reason, ctx.source);
}

function object(ctx: Ctx, v: unknown, path: string, required: readonly string[], optional: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(ctx, path, `must be an object, got ${describe(v)}`);
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!required.includes(key) && !optional.includes(key)) {
      fail(ctx, join(path, key), `unknown field (allowed: ${[...required, ...optional].join(', ')})`);
    }
  }
  for (const key of required) if (!(key in o)) fail(ctx, join(path, key), 'is required');
  return o;
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

function finite(ctx: Ctx, v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(ctx, path, `must be a finite number, got ${describe(v)}`);
  return v;
}

function string(ctx: Ctx, v: unknown, path: string, max: number): string {
  if (typeof v !== 'string') fail(ctx, path, `must be a string, got ${describe(v)}`);
  if (v.trim().length === 0) fail(ctx, path, 'must not be empty');
  if (v.length > max) fail(ctx, path, `must be at most ${max} characters, got ${v.length}`);
  return v;
}

function parseBox(ctx: Ctx, v: unknown, path: string): Box {
  const o = object(ctx, v, path, ['x', 'y', 'w', 'h'], []);
  const x = finite(ctx, o.x, `${path}.x`);
  const y = finite(ctx, o.y, `${path}.y`);
  const w = finite(ctx, o.w, `${path}.w`);
  const h = finite(ctx, o.h, `${path}.h`);
  if (x < 0 || x > 1) fail(ctx, `${path}.x`, `must be within 0..1, got ${x}`);
  if (y < 0 || y > 1) fail(ctx, `${path}.y`, `must be within 0..1, got ${y}`);
  if (w <= 0 || w > 1) fail(ctx, `${path}.w`, `must be within (0, 1], got ${w}`);
  if (h <= 0 || h > 1) fail(ctx, `${path}.h`, `must be within (0, 1], got ${h}`);
  if (x + w > 1 + EPS) fail(ctx, `${path}.w`, `box leaves the frame: x + w = ${x + w} > 1`);
  if (y + h > 1 + EPS) fail(ctx, `${path}.h`, `box leaves the frame: y + h = ${y + h} > 1`);
  return { x, y, w, h };
}

function parseKeyframe(ctx: Ctx, v: unknown, path: string): Keyframe {
  const o = object(ctx, v, path, ['t'], ['box', 'outside', 'occluded']);
  const t = finite(ctx, o.t, `${path}.t`);
  if (t < 0) fail(ctx, `${path}.t`, `must be >= 0 seconds, got ${t}`);
  const kf: Keyframe = { t };
  for (const flag of ['outside', 'occluded'] as const) {
    if (flag in o) {
      if (typeof o[flag] !== 'boolean') fail(ctx, `${path}.${flag}`, `must be a boolean, got ${describe(o[flag])}`);
      if (o[flag]) kf[flag] = true;
    }
  }
  if ('box' in o) kf.box = parseBox(ctx, o.box, `${path}.box`);
  else if (!kf.outside) fail(ctx, `${path}.box`, 'is required unless "outside" is true');
  return kf;
}

function parseTrack(ctx: Ctx, v: unknown, path: string): Keyframe[] {
  if (!Array.isArray(v)) fail(ctx, path, `must be an array of keyframes, got ${describe(v)}`);
  if (v.length === 0) fail(ctx, path, 'must have at least one keyframe');
  if (v.length > LIMITS.keyframes) fail(ctx, path, `must have at most ${LIMITS.keyframes} keyframes, got ${v.length}`);
  const track = v.map((k, i) => parseKeyframe(ctx, k, `${path}[${i}]`));
  for (let i = 1; i < track.length; i++) {
    if (!(track[i]!.t > track[i - 1]!.t)) {
      fail(ctx, `${path}[${i}].t`, `keyframe times must increase: ${track[i]!.t} is not after ${track[i - 1]!.t}`);
    }
  }
  if (track[0]!.outside) fail(ctx, `${path}[0].outside`, 'the first keyframe must be inside the frame');
  return track;
}

function parseProduct(ctx: Ctx, v: unknown, path: string): Product {
  const o = object(ctx, v, path, ['contract'], ['chainId']);
  if (typeof o.contract !== 'string' || !CONTRACT.test(o.contract)) {
    fail(ctx, `${path}.contract`, `must be a product contract id (64 lowercase hex), got ${describe(o.contract)}`);
  }
  const product: Product = { contract: o.contract };
  if ('chainId' in o) {
    if (typeof o.chainId !== 'string' || !CHAIN_ID.test(o.chainId)) {
      fail(ctx, `${path}.chainId`, `must be 1-64 characters of A-Z a-z 0-9 . _ -, got ${describe(o.chainId)}`);
    }
    product.chainId = o.chainId;
  }
  return product;
}

function parsePropAt(ctx: Ctx, v: unknown, path: string): Prop {
  const o = object(ctx, v, path, ['id', 'label', 'product', 'track'], []);
  const id = string(ctx, o.id, join(path, 'id'), LIMITS.idLength);
  if (!ID.test(id)) fail(ctx, join(path, 'id'), `must use only A-Z a-z 0-9 . _ : -, got ${describe(id)}`);
  const label = string(ctx, o.label, join(path, 'label'), LIMITS.labelLength);
  if (CONTROL.test(label)) fail(ctx, join(path, 'label'), 'must not contain control characters');
  return { id, label, product: parseProduct(ctx, o.product, join(path, 'product')), track: parseTrack(ctx, o.track, join(path, 'track')) };
}

/**
 * Validates an already-decoded annotation document.
 * @example parseAnnotations(await (await fetch(url)).json(), url).props
 */
export function parseAnnotations(value: unknown, source = 'annotations'): AnnotationDocument {
  const ctx = { source };
  const o = object(ctx, value, '', ['version', 'props'], ['$schema']);
  if (o.version !== 1) fail(ctx, 'version', `must be 1, got ${describe(o.version)}`);
  const doc: AnnotationDocument = { version: 1, props: [] };
  if ('$schema' in o) {
    if (typeof o.$schema !== 'string') fail(ctx, '$schema', `must be a string, got ${describe(o.$schema)}`);
    doc.$schema = o.$schema;
  }
  if (!Array.isArray(o.props)) fail(ctx, 'props', `must be an array, got ${describe(o.props)}`);
  if (o.props.length > LIMITS.props) fail(ctx, 'props', `must have at most ${LIMITS.props} props, got ${o.props.length}`);
  const seen = new Map<string, number>();
  o.props.forEach((p, i) => {
    const prop = parsePropAt(ctx, p, `props[${i}]`);
    const first = seen.get(prop.id);
    if (first !== undefined) fail(ctx, `props[${i}].id`, `duplicate id ${JSON.stringify(prop.id)} (first used by props[${first}])`);
    seen.set(prop.id, i);
    doc.props.push(prop);
  });
  return doc;
}

/**
 * Decodes and validates annotation JSON text; a syntax error becomes an {@link AnnotationError}.
 * @example parseAnnotationText('{"version":1,"props":[]}').props // []
 */
export function parseAnnotationText(text: string, source = 'annotations'): AnnotationDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AnnotationError('', `not valid JSON (${(e as Error).message})`, source);
  }
  return parseAnnotations(value, source);
}

/** Validates one prop (a WebVTT cue payload carries exactly one). */
export function parseProp(value: unknown, source = 'prop', path = ''): Prop {
  return parsePropAt({ source }, value, path);
}
