/**
 * `<dip-studio>`: the annotation editor. Draw a box on a prop, key it through the video, give the
 * track a product, and export the widget's JSON or WebVTT metadata track — or CVAT for video XML and
 * MOT CSV, to take the work back to an annotation tool.
 *
 * Works like CVAT's track mode: one track per prop; keyframes on whole frames of the declared
 * frame rate, boxes interpolated between them with the widget's own `boxAt`; per-keyframe outside
 * and occluded flags; every edit an undoable command.
 *
 * @attr video - URL of the video.
 * @attr annotations - URL of a JSON annotation document to start from (optional).
 * @attr fps - the video's declared frame rate (default 25).
 * @prop validateProduct - `(product) => Promise<string | null>`: null when the product may be used,
 *   else why not. Defaults to the format check; the chain-backed check (`chain.ts`) plugs in here.
 * @slot chain - under the track card: the chain panel (`<dip-studio-chain>`), which links the selected
 *   track to a product contract or makes one.
 * @fires studio-selection - when the selected track or its fields change (`detail: { index, track }`).
 * @fires studio-tracked - when a tracking run ends (`detail: TrackRun`, or `{ error }`).
 *
 * Tracking (T / Shift+T): the selected track's box on this frame is followed forwards or backwards
 * by a Web Worker (tracking/), up to the track's next keyframe that way, and written back as
 * keyframes where the motion changes — one undoable command per run.
 *
 * "Find props in this frame": a COCO object detector (detect/) proposes boxes with class names on
 * the shown frame; clicking one starts a track there.
 */
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { parseAnnotationText } from '@dipnet/widget/annotations';
import { History } from './history.ts';
import {
  HANDLES, MIN_SIDE, adjacentKeyframe, boxAtFrame, boxFromPoints, clipTrack, copyForward, keyframeAt, moveBox, removeKeyframe,
  resizeBox, setBox, toggleKeyframe, toggleOccluded, toggleOutside, type Handle,
} from './model.ts';
import { validateProducts, validateTracks, type Issue } from './validate.ts';
import { formatOnlyValidator, productFormatError, type ProductValidator } from './formats/product.ts';
import { exportJson, importJson, toAnnotationDocument } from './formats/widget-json.ts';
import { exportWebVtt, importWebVtt } from './formats/webvtt.ts';
import { exportCvatXml, importCvatXml } from './formats/cvat.ts';
import { exportMot, importMot } from './formats/mot.ts';
import type { FrameSize } from './formats/pixels.ts';
import { slug, uniqueId, type Box, type ImportResult, type StudioTrack } from './formats/track.ts';
import { ensureDuration, ensureSeekable } from '../media.ts';
import { saveForViewer, VIEWER_FROM_STUDIO } from './handoff.ts';
import { TrackerClient } from './tracking/client.ts';
import { applyRun } from './tracking/apply.ts';
import type { TrackRun } from './tracking/protocol.ts';
import { DetectorClient } from './detect/client.ts';
import type { Proposal } from './detect/protocol.ts';

export const TAG = 'dip-studio';

const COLORS = ['#ffb400', '#4fc3f7', '#ff6f91', '#8bd17c', '#c792ea', '#ff9e57', '#5ee3d0', '#f4e76e'];
const color = (i: number): string => COLORS[i % COLORS.length]!;

type Drag =
  | { kind: 'draw'; x: number; y: number; redraw: boolean }
  | { kind: 'move'; track: number; x: number; y: number; box: Box }
  | { kind: 'resize'; track: number; handle: Handle; x: number; y: number; box: Box };

export type ImportFormat = 'json' | 'vtt' | 'cvat' | 'mot';
export type ExportFormat = ImportFormat;

/** Export formats as files; `widget` ones carry products and must pass every check. */
const EXPORTS: Record<ExportFormat, { button: string; file: string; type: string; widget: boolean }> = {
  json: { button: 'Export JSON', file: 'annotations.json', type: 'application/json', widget: true },
  vtt: { button: 'Export WebVTT', file: 'annotations.vtt', type: 'text/vtt', widget: true },
  cvat: { button: 'Export CVAT XML', file: 'annotations.xml', type: 'application/xml', widget: false },
  mot: { button: 'Export MOT', file: 'gt.txt', type: 'text/plain', widget: false },
};

/** Guesses a file's format from its first characters (then its name). */
export function sniffFormat(name: string, text: string): ImportFormat {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('WEBVTT')) return 'vtt';
  if (head.startsWith('<')) return 'cvat';
  if (head.startsWith('{')) return 'json';
  if (/\.vtt$/i.test(name)) return 'vtt';
  if (/\.xml$/i.test(name)) return 'cvat';
  return 'mot';
}

const SHORTCUTS: readonly (readonly [string, string])[] = [
  ['Space', 'Play / pause'], ['F / D', 'Next / previous frame'], ['R / E', 'Next / previous keyframe'],
  ['K', 'Keyframe on / off'], ['O', 'Outside on / off'], ['Q', 'Occluded on / off'], ['C', 'Copy previous box here'],
  ['T / Shift+T', 'Track forward / backward'], ['Esc', 'Stop tracking'], ['Drag', 'Draw a new track'], ['Shift+drag', 'Redraw selected box'], ['Del', 'Delete selected track'],
  ['Ctrl+Z', 'Undo'], ['Ctrl+Shift+Z', 'Redo'],
];

function assertNone(errors: readonly Issue[]): void {
  if (errors.length) throw new Error(`fix ${errors.length} problem(s) first: ${errors.slice(0, 3).map((i) => i.message).join('; ')}`);
}

export class DipStudio extends LitElement {
  static override properties = {
    video: { type: String },
    annotations: { type: String },
    fps: { type: Number },
  };

  declare video: string;
  declare annotations: string | null;
  declare fps: number;

  #validateProduct: ProductValidator = formatOnlyValidator;
  #history = new History<StudioTrack[]>([]);
  #selected = -1;
  #frame = 0;
  #time = 0;
  #playing = false;
  #duration = NaN;
  #size = { w: 0, h: 0 };
  #drag: Drag | null = null;
  #preview: { track: number; box: Box } | null = null;
  #status = '';
  #notes: string[] = [];
  #noteKind: 'ok' | 'error' = 'ok';
  #productIssues: Issue[] = [];
  #productCheck = 0;
  #checking = false;
  #loadedAnnotations: string | null = null;
  #tracker = new TrackerClient();
  #tracking: { track: number; dir: 1 | -1; frame: number } | null = null;
  #lastRun: TrackRun | undefined;
  #detector = new DetectorClient();
  #proposals: { frame: number; list: Proposal[] } | null = null;
  #finding = false;

  constructor() {
    super();
    this.video = '';
    this.annotations = null;
    this.fps = 25;
  }

  /** The pluggable product check (see the class doc). Setting it re-checks every track. */
  get validateProduct(): ProductValidator { return this.#validateProduct; }
  set validateProduct(v: ProductValidator) {
    this.#validateProduct = v;
    void this.#checkProducts();
  }

  get tracks(): readonly StudioTrack[] { return this.#history.state; }
  get selectedIndex(): number { return this.#selected; }
  /** The frame the editor is on (while playing, the one on screen). */
  get frame(): number { return this.#playing ? Math.floor(this.#time * this.fps + 1e-6) : this.#frame; }
  get lastFrame(): number { return Number.isFinite(this.#duration) ? Math.max(0, Math.ceil(this.#duration * this.fps - 1e-6) - 1) : 0; }
  get issues(): Issue[] { return [...validateTracks(this.tracks, this.fps, Number.isFinite(this.#duration) ? this.lastFrame : undefined), ...this.#productIssues]; }
  get errors(): Issue[] { return this.issues.filter((i) => i.severity === 'error'); }
  get undoLabel(): string | undefined { return this.#history.undoLabel; }
  get redoLabel(): string | undefined { return this.#history.redoLabel; }
  #resolveReady: () => void = () => undefined;
  /** Settles once the video's metadata (size, duration) and the initial annotations are in. */
  readonly ready: Promise<void> = new Promise((r) => { this.#resolveReady = r; });

  get #videoEl(): HTMLVideoElement | null { return this.renderRoot.querySelector('video'); }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.#onKey);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('keydown', this.#onKey);
    this.#tracker.dispose();
    this.#detector.dispose();
    super.disconnectedCallback();
  }

  override async firstUpdated(): Promise<void> {
    const v = this.#videoEl!;
    try {
      await ensureSeekable(v);
      await ensureDuration(v);
      this.#duration = v.duration;
      this.#size = { w: v.videoWidth, h: v.videoHeight };
    } catch (e) {
      this.#note('error', [`Video not loaded: ${(e as Error).message}`]);
    }
    await this.#loadAnnotations();
    this.requestUpdate();
    this.#resolveReady();
  }

  #announced: { index: number; track: StudioTrack | undefined; issue: string | undefined } = { index: -2, track: undefined, issue: undefined };

  override updated(): void {
    if (this.annotations !== this.#loadedAnnotations && this.hasUpdated) void this.#loadAnnotations();
    const index = this.#selected;
    const track = this.tracks[index];
    const issue = this.#productIssues.find((p) => p.track === index)?.message;
    const a = this.#announced;
    if (a.index !== index || a.track !== track || a.issue !== issue) {
      this.#announced = { index, track, issue };
      this.dispatchEvent(new CustomEvent('studio-selection', { detail: { index, track }, bubbles: true, composed: true }));
    }
  }

  /** Sets track `i`'s product id (an undoable edit, re-checked by `validateProduct`). */
  setProduct(i: number, product: string): void {
    this.#setField(i, 'product', product);
  }

  /** Selects track `i` (or none with -1). */
  select(i: number): void {
    this.#selected = i >= 0 && i < this.tracks.length ? i : -1;
    this.requestUpdate();
  }

  /** The chain's word on track `i`'s product, or undefined when it raised nothing (or is still checking). */
  productIssue(i: number): string | undefined {
    return this.#productIssues.find((p) => p.track === i)?.message;
  }

  get checkingProducts(): boolean { return this.#checking; }

  /**
   * "Watch in the viewer": the export (as Export JSON writes it) saved in this browser for the
   * viewer page, which `/?annotations=studio` opens with it (handoff.ts). Returns the text.
   */
  openInViewer(open = true): string | null {
    try {
      const text = this.exportJson();
      saveForViewer(text);
      this.#note('ok', [`Saved ${this.tracks.length} track(s) for the viewer in this browser: ${VIEWER_FROM_STUDIO}`]);
      if (open) window.open(VIEWER_FROM_STUDIO, '_blank');
      return text;
    } catch (e) {
      this.#note('error', [`Not handed to the viewer: ${(e as Error).message}`]);
      return null;
    }
  }

  async #loadAnnotations(): Promise<void> {
    const url = this.annotations;
    this.#loadedAnnotations = url;
    if (!url) return;
    try {
      const resp = await fetch(url);
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      const res = importJson(await resp.text(), this.fps, url);
      // The starting point is not an edit: it cannot be undone.
      this.#history = new History(res.tracks);
      this.#selected = -1;
      this.#note('ok', [`Loaded ${res.tracks.length} track(s) from ${url}`, ...res.warnings]);
      void this.#checkProducts();
    } catch (e) {
      this.#note('error', [`Annotations not loaded from ${url}: ${(e as Error).message}`]);
    }
  }

  #note(kind: 'ok' | 'error', lines: string[]): void {
    this.#noteKind = kind;
    this.#notes = lines;
    this.requestUpdate();
  }

  #say(msg: string): void {
    this.#status = msg;
    this.requestUpdate();
  }

  /** Applies an edit as one undoable command. */
  #commit(label: string, tracks: StudioTrack[], select?: number): void {
    if (select !== undefined) this.#selected = select;
    if (this.#history.do(label, tracks)) {
      this.#say(label);
      void this.#checkProducts();
    }
    this.requestUpdate();
  }

  #editTrack(i: number, label: string, f: (t: StudioTrack) => StudioTrack): void {
    const t = this.tracks[i];
    if (!t) { this.#say('Select a track first (click its box or its row)'); return; }
    const next = f(t);
    if (next === t) { this.#say(`${label}: nothing to change here`); return; }
    this.#commit(label, this.tracks.map((x, j) => (j === i ? next : x)));
  }

  async #checkProducts(): Promise<void> {
    const seq = ++this.#productCheck;
    this.#checking = true;
    this.requestUpdate();
    const issues = await validateProducts(this.tracks, this.#validateProduct);
    if (seq !== this.#productCheck) return;
    this.#productIssues = issues;
    this.#checking = false;
    this.requestUpdate();
  }

  /** Whether a tracking run is going. */
  get tracking(): boolean { return this.#tracking !== null; }
  /** The last tracking run's outcome (how it ended, its boxes, frames per second). */
  get lastTrackRun(): TrackRun | undefined { return this.#lastRun; }

  /**
   * Sets track `i`'s box on `frame` (an undoable edit, like a drag): for scripts and tests that
   * place exact boxes.
   */
  setBoxAt(i: number, frame: number, box: Box): void {
    this.#editTrack(i, 'Set box', (t) => setBox(t, frame, box));
  }

  /**
   * Track forward (dir 1) or backward (-1) from this frame: follows the selected track's box until
   * its next keyframe that way, the end of the video, a stop, or the frame where the prop is lost,
   * which then gets an `outside` keyframe. Resolves with the run (null when it could not start).
   */
  async track(dir: 1 | -1): Promise<TrackRun | null> {
    const i = this.#selected;
    const t = this.tracks[i];
    const from = this.#frame;
    const shown = t && boxAtFrame(t, from);
    if (this.#tracking) { this.#say('Tracking is already running (Esc stops it)'); return null; }
    if (!t || !shown) { this.#say('Select a track with a box on this frame to track it'); return null; }
    if (!this.#size.w) { this.#say('Wait for the video to load'); return null; }
    const next = adjacentKeyframe([t], from, dir);
    const to = next === undefined ? (dir > 0 ? this.lastFrame : 0) : next - dir;
    if ((to - from) * dir <= 0) { this.#say(`Nothing to track: the next keyframe is on frame ${next}`); return null; }
    if (this.#playing) this.#videoEl?.pause();
    this.#tracking = { track: i, dir, frame: from };
    this.#say(`Tracking ${t.id} ${dir > 0 ? 'forward' : 'backward'} from frame ${from}…`);
    const box = { x: shown.x, y: shown.y, w: shown.w, h: shown.h };
    try {
      const run = await this.#tracker.run({ url: new URL(this.video, location.href).href, fps: this.fps, from, to, box }, (frame, b) => {
        this.#tracking = { track: i, dir, frame };
        this.#preview = { track: i, box: b };
        this.#frame = frame;
        this.requestUpdate();
      });
      this.#lastRun = run;
      this.#preview = null;
      this.#tracking = null;
      const current = this.tracks[i]!;
      const n = run.boxes.length - 1;
      this.#commit(`Track ${dir > 0 ? 'forward' : 'backward'} ${current.id} (${n} frames)`, this.tracks.map((x, j) => (j === i ? applyRun(x, run) : x)));
      const why = { end: `reached frame ${run.endFrame}`, stopped: `stopped at frame ${run.endFrame}`, lost: `lost it at frame ${run.endFrame} (hidden or changed): marked outside there`, outside: `it left the picture at frame ${run.endFrame}: marked outside there` }[run.end];
      this.seekFrame(run.endFrame);
      this.#say(`Tracked ${current.id} over ${n} frames (${run.fps.toFixed(0)} frames/s${this.#tracker.decoder === 'seeking' ? ', seeking the video' : ''}): ${why}`);
      this.dispatchEvent(new CustomEvent('studio-tracked', { detail: run, bubbles: true, composed: true }));
      return run;
    } catch (e) {
      this.#preview = null;
      this.#tracking = null;
      this.seekFrame(from);
      this.#note('error', [`Tracking failed: ${(e as Error).message}`]);
      this.dispatchEvent(new CustomEvent('studio-tracked', { detail: { error: e }, bubbles: true, composed: true }));
      return null;
    }
  }

  /** The detector's proposals on the frame they were found on (shown while the editor is there). */
  get proposals(): readonly Proposal[] { return this.#proposals?.frame === this.#frame ? this.#proposals.list : []; }

  /**
   * "Find props in this frame": the detector's proposals for the shown frame (the first use loads
   * its 4 MB model). Resolves with them, or null when it failed (the reason is shown).
   */
  async findProps(): Promise<Proposal[] | null> {
    const v = this.#videoEl;
    if (!v || this.#finding || this.#tracking) return null;
    if (this.#playing) v.pause();
    if (v.seeking) await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    const frame = this.#frame;
    this.#finding = true;
    this.#say(`Looking for props on frame ${frame}…`);
    try {
      const list = await this.#detector.find(new URL(this.video, location.href).href, frame, this.fps, v);
      this.#proposals = { frame, list };
      this.#say(list.length ? `${list.length} proposal(s) on frame ${frame}: click one to start a track` : `No props found on frame ${frame}: draw a box`);
      return list;
    } catch (e) {
      this.#note('error', [(e as Error).message]);
      return null;
    } finally {
      this.#finding = false;
      this.requestUpdate();
    }
  }

  /** Starts a track from proposal `k` of this frame (an undoable command). */
  acceptProposal(k: number): void {
    const p = this.proposals[k];
    if (!p) return;
    const id = uniqueId(slug(p.label), new Set(this.tracks.map((t) => t.id)));
    const label = p.label.charAt(0).toUpperCase() + p.label.slice(1);
    const track = clipTrack({ id, label, product: '', keyframes: [{ frame: this.#frame, box: p.box }] });
    this.#proposals = null;
    this.#commit(`New track ${id} from a proposal`, [...this.tracks, track], this.tracks.length);
  }

  /** Stops a tracking run; what it tracked so far is kept. */
  stopTracking(): void { this.#tracker.stop(); }

  undo(): void {
    const l = this.#history.undo();
    this.#say(l ? `Undone: ${l}` : 'Nothing to undo');
    if (l) void this.#checkProducts();
    this.#selected = Math.min(this.#selected, this.tracks.length - 1);
  }

  redo(): void {
    const l = this.#history.redo();
    this.#say(l ? `Redone: ${l}` : 'Nothing to redo');
    if (l) void this.#checkProducts();
    this.#selected = Math.min(this.#selected, this.tracks.length - 1);
  }

  // ---- playback -------------------------------------------------------------------------------

  /** Pauses and shows frame `f` (clamped to the video). */
  seekFrame(f: number): void {
    const v = this.#videoEl;
    const frame = Math.max(0, Math.min(this.lastFrame, Math.round(f)));
    this.#frame = frame;
    this.#time = frame / this.fps;
    if (v) {
      v.pause();
      v.currentTime = this.#time;
    }
    this.requestUpdate();
  }

  togglePlay(): void {
    const v = this.#videoEl;
    if (!v) return;
    if (v.paused) {
      if (this.#frame >= this.lastFrame) v.currentTime = 0;
      void v.play();
    } else v.pause();
  }

  #onPlay = (): void => {
    this.#playing = true;
    const v = this.#videoEl!;
    const step = (): void => {
      if (!this.#playing) return;
      this.#time = v.currentTime;
      this.requestUpdate();
      v.requestVideoFrameCallback(step);
    };
    v.requestVideoFrameCallback(step);
    this.requestUpdate();
  };

  #onPause = (): void => {
    if (!this.#playing) return;
    this.#playing = false;
    // Land on a whole frame, so what is shown is what an edit keys.
    this.seekFrame(Math.floor(this.#videoEl!.currentTime * this.fps + 1e-6));
  };

  // ---- drawing and editing boxes ---------------------------------------------------------------

  #point(e: PointerEvent): { x: number; y: number } {
    const r = (this.renderRoot.querySelector('.overlay') as HTMLElement).getBoundingClientRect();
    return { x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height };
  }

  #shownBox(i: number): Box | undefined {
    if (this.#preview && this.#preview.track === i) return this.#preview.box;
    const t = this.tracks[i];
    const b = t && boxAtFrame(t, this.#playing ? this.#time * this.fps : this.#frame);
    return b ? { x: b.x, y: b.y, w: b.w, h: b.h } : undefined;
  }

  #onPointerDown = (e: PointerEvent): void => {
    if (e.button !== 0 || this.#tracking) return;
    const target = e.composedPath()[0] as HTMLElement;
    const proposal = target.closest<HTMLElement>('[data-proposal]');
    if (proposal) { e.preventDefault(); this.acceptProposal(Number(proposal.dataset.proposal)); return; }
    if (this.#playing) this.#videoEl?.pause();
    const p = this.#point(e);
    const handle = target.dataset.handle as Handle | undefined;
    const boxEl = target.closest<HTMLElement>('[data-track]');
    if (handle && this.#selected >= 0) {
      const box = this.#shownBox(this.#selected);
      if (box) this.#drag = { kind: 'resize', track: this.#selected, handle, ...p, box };
    } else if (boxEl && !e.shiftKey) {
      const i = Number(boxEl.dataset.track);
      this.#selected = i;
      const box = this.#shownBox(i);
      if (box) this.#drag = { kind: 'move', track: i, ...p, box };
    } else {
      this.#drag = { kind: 'draw', ...p, redraw: e.shiftKey && this.#selected >= 0 };
    }
    if (this.#drag) (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    e.preventDefault();
    this.requestUpdate();
  };

  #onPointerMove = (e: PointerEvent): void => {
    const d = this.#drag;
    if (!d) return;
    const p = this.#point(e);
    if (d.kind === 'draw') this.#preview = { track: d.redraw ? this.#selected : -1, box: boxFromPoints(d.x, d.y, p.x, p.y) };
    else if (d.kind === 'move') this.#preview = { track: d.track, box: moveBox(d.box, p.x - d.x, p.y - d.y) };
    else this.#preview = { track: d.track, box: resizeBox(d.box, d.handle, p.x - d.x, p.y - d.y) };
    this.requestUpdate();
  };

  #onPointerUp = (): void => {
    const d = this.#drag;
    const preview = this.#preview;
    this.#drag = null;
    this.#preview = null;
    if (!d) return;
    const frame = this.#frame;
    if (d.kind === 'draw') {
      if (!preview || preview.box.w < MIN_SIDE * 2 || preview.box.h < MIN_SIDE * 2) {
        if (!d.redraw) this.#selected = -1; // a click on the picture deselects
        this.requestUpdate();
        return;
      }
      if (d.redraw) { this.#editTrack(this.#selected, 'Redraw box', (t) => setBox(t, frame, preview.box)); return; }
      const taken = new Set(this.tracks.map((t) => t.id));
      let n = this.tracks.length + 1;
      while (taken.has(`prop-${n}`)) n++;
      const track: StudioTrack = { id: `prop-${n}`, label: `Prop ${n}`, product: '', keyframes: [{ frame, box: preview.box }] };
      this.#commit(`New track ${track.id}`, [...this.tracks, track], this.tracks.length);
      return;
    }
    if (!preview) { this.requestUpdate(); return; } // a click: selection only
    this.#editTrack(d.track, d.kind === 'move' ? 'Move box' : 'Resize box', (t) => setBox(t, frame, preview.box));
  };

  // ---- commands ------------------------------------------------------------------------------

  toggleKeyframe(): void { this.#editTrack(this.#selected, 'Toggle keyframe', (t) => toggleKeyframe(t, this.#frame)); }
  toggleOutside(): void { this.#editTrack(this.#selected, 'Toggle outside', (t) => toggleOutside(t, this.#frame)); }
  toggleOccluded(): void { this.#editTrack(this.#selected, 'Toggle occluded', (t) => toggleOccluded(t, this.#frame)); }
  copyForward(): void { this.#editTrack(this.#selected, 'Copy previous box here', (t) => copyForward(t, this.#frame)); }
  deleteKeyframe(): void { this.#editTrack(this.#selected, 'Delete keyframe', (t) => removeKeyframe(t, this.#frame)); }

  deleteTrack(i = this.#selected): void {
    const t = this.tracks[i];
    if (!t) { this.#say('Select a track first'); return; }
    this.#commit(`Delete track ${t.id}`, this.tracks.filter((_, j) => j !== i), -1);
  }

  clipAll(): void {
    this.#commit('Clip boxes to the frame', this.tracks.map((t) => clipTrack(t)));
  }

  #jumpKeyframe(dir: 1 | -1): void {
    const sel = this.tracks[this.#selected];
    const f = adjacentKeyframe(sel ? [sel] : this.tracks, this.#frame, dir);
    if (f === undefined) { this.#say(dir > 0 ? 'No later keyframe' : 'No earlier keyframe'); return; }
    this.seekFrame(f);
  }

  #setField(i: number, field: 'id' | 'label' | 'product' | 'chainId', value: string): void {
    const v = field === 'label' ? value : value.trim();
    this.#editTrack(i, `Set ${field === 'chainId' ? 'chain' : field} of ${this.tracks[i]?.id ?? 'track'}`, (t) => {
      if ((t[field] ?? '') === v) return t;
      const next = { ...t, [field]: v };
      if (field === 'chainId' && !v) delete next.chainId;
      return next;
    });
  }

  #onKey = (e: KeyboardEvent): void => {
    const origin = e.composedPath()[0];
    if (origin instanceof HTMLElement && (origin.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(origin.tagName))) return;
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    if (this.#tracking) {
      if (k === 'escape') { e.preventDefault(); this.stopTracking(); }
      return; // edits wait until the run is written
    }
    if (mod && k === 'z') { e.preventDefault(); if (e.shiftKey) this.redo(); else this.undo(); return; }
    if (mod && k === 'y') { e.preventDefault(); this.redo(); return; }
    if (mod || e.altKey) return;
    const actions: Record<string, () => void> = {
      ' ': () => this.togglePlay(),
      f: () => this.seekFrame(this.frame + 1),
      d: () => this.seekFrame(this.frame - 1),
      r: () => this.#jumpKeyframe(1),
      e: () => this.#jumpKeyframe(-1),
      k: () => this.toggleKeyframe(),
      o: () => this.toggleOutside(),
      q: () => this.toggleOccluded(),
      c: () => this.copyForward(),
      t: () => void this.track(e.shiftKey ? -1 : 1),
      delete: () => this.deleteTrack(),
      escape: () => { this.#selected = -1; this.#drag = null; this.#preview = null; this.requestUpdate(); },
    };
    const act = actions[k];
    if (!act) return;
    e.preventDefault();
    act();
  };

  // ---- import / export -----------------------------------------------------------------------

  /** Imports a file's text (format sniffed); its tracks are added as one undoable command. */
  importText(name: string, text: string): ImportResult | null {
    const format = sniffFormat(name, text);
    const taken = new Set(this.tracks.map((t) => t.id));
    try {
      let res: ImportResult;
      if (format === 'json') res = importJson(text, this.fps, name);
      else if (format === 'vtt') res = importWebVtt(text, this.fps, name, this.#videoDuration);
      else if (format === 'cvat') res = importCvatXml(text, { fallbackSize: this.#size.w ? { width: this.#size.w, height: this.#size.h } : undefined });
      else {
        if (!this.#size.w) throw new Error('MOT needs the video size: wait for the video to load');
        res = importMot(text, { width: this.#size.w, height: this.#size.h, takenIds: taken });
      }
      const renamed: string[] = [];
      const tracks = res.tracks.map((t) => {
        if (format === 'mot') return t; // MOT ids are made here, clear of those taken
        const id = uniqueId(t.id, taken);
        if (id !== t.id) renamed.push(`${t.id} → ${id}`);
        return id === t.id ? t : { ...t, id };
      });
      if (renamed.length) res.warnings.push(`ids already in use were renamed: ${renamed.join(', ')}`);
      const label = { json: 'JSON', vtt: 'WebVTT', cvat: 'CVAT XML', mot: 'MOT' }[format];
      this.#commit(`Import ${tracks.length} track(s) from ${name}`, [...this.tracks, ...tracks]);
      this.#note('ok', [`Imported ${tracks.length} track(s) from ${name} (${label})`, ...res.warnings]);
      return { tracks, warnings: res.warnings };
    } catch (e) {
      this.#note('error', [`Import of ${name} failed: ${(e as Error).message}`]);
      return null;
    }
  }

  async #onFile(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    for (const file of Array.from(input.files ?? [])) this.importText(file.name, await file.text());
    input.value = '';
  }

  /** The annotations as widget JSON, or throws listing what blocks the export. */
  exportJson(): string {
    this.#assertExportable();
    const text = exportJson(this.tracks, this.fps);
    parseAnnotationText(text, 'export'); // the widget must accept what the studio writes
    return text;
  }

  exportVtt(): string {
    this.#assertExportable();
    return exportWebVtt(toAnnotationDocument(this.tracks, this.fps), this.#videoDuration);
  }

  /** The tracks as CVAT for video 1.1 XML (no product needed), or throws listing what blocks it. */
  exportCvat(): string {
    this.#assertConvertible();
    return exportCvatXml(this.tracks, { ...this.#frameSize(), lastFrame: this.lastFrame, name: this.#videoName });
  }

  /** The tracks as MOT ground truth (no product needed), or throws listing what blocks it. */
  exportMot(): string {
    this.#assertConvertible();
    return exportMot(this.tracks, { ...this.#frameSize(), lastFrame: this.lastFrame });
  }

  get #videoDuration(): number { return Number.isFinite(this.#duration) ? this.#duration : (this.lastFrame + 1) / this.fps; }
  get #videoName(): string { return this.video.split(/[?#]/)[0]!.split('/').pop() || 'video'; }

  #frameSize(): FrameSize {
    if (!this.#size.w) throw new Error('the video\'s size is not known yet: wait for it to load');
    return { width: this.#size.w, height: this.#size.h };
  }

  /** Errors that block an export without products (CVAT, MOT): every check but the product ones. */
  get #trackErrors(): Issue[] {
    return validateTracks(this.tracks, this.fps, undefined, { products: false }).filter((i) => i.severity === 'error');
  }

  #assertExportable(): void {
    if (this.#checking) throw new Error('products are still being checked');
    assertNone(this.errors);
  }

  #assertConvertible(): void {
    assertNone(this.#trackErrors);
  }

  #download(kind: ExportFormat): void {
    const file = EXPORTS[kind];
    try {
      const text = { json: () => this.exportJson(), vtt: () => this.exportVtt(), cvat: () => this.exportCvat(), mot: () => this.exportMot() }[kind]();
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([text], { type: file.type }));
      a.download = file.file;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      this.#note('ok', [`Exported ${this.tracks.length} track(s) as ${a.download}`]);
    } catch (e) {
      this.#note('error', [`Export blocked: ${(e as Error).message}`]);
    }
  }

  // ---- rendering -----------------------------------------------------------------------------

  static override styles = css`
    :host { display: block; color: var(--text, #e7e9ee); font: 14px/1.45 var(--font, system-ui, sans-serif); }
    * { box-sizing: border-box; }
    button, input, select { font: inherit; color: inherit; }
    button {
      background: var(--surface-2, #20242c); border: 1px solid var(--border, #2e333d); border-radius: 6px;
      padding: .3rem .6rem; cursor: pointer; min-height: 30px;
    }
    button:hover:not(:disabled) { border-color: #4a5160; background: #272c36; }
    button:disabled { opacity: .45; cursor: not-allowed; }
    button.primary { background: var(--accent, #ffb400); color: var(--accent-ink, #1b1400); border-color: transparent; font-weight: 600; }
    button.danger:hover:not(:disabled) { border-color: var(--danger, #ff6b6b); color: var(--danger, #ff6b6b); }
    button[aria-pressed='true'] { background: #3a3220; border-color: var(--accent, #ffb400); color: var(--accent, #ffb400); }
    kbd {
      font: 11px var(--mono, monospace); padding: 0 .3rem; border: 1px solid var(--border, #2e333d); border-bottom-width: 2px;
      border-radius: 4px; color: var(--muted, #9aa3b2); background: #14171c;
    }
    :focus-visible { outline: 2px solid var(--accent, #ffb400); outline-offset: 2px; }
    .layout { display: grid; grid-template-columns: minmax(0, 1fr) 360px; gap: 1rem; align-items: start; }
    @media (max-width: 1000px) { .layout { grid-template-columns: 1fr; } }
    .card { background: var(--surface, #181b21); border: 1px solid var(--border, #2e333d); border-radius: 10px; padding: .75rem; }
    .card + .card { margin-top: .75rem; }
    h2 { font-size: .78rem; text-transform: uppercase; letter-spacing: .08em; color: var(--muted, #9aa3b2); margin: 0 0 .5rem; }
    .stage { position: relative; background: #000; border-radius: 8px; overflow: hidden; user-select: none; }
    .stage video { display: block; width: 100%; height: 100%; object-fit: fill; }
    .overlay { position: absolute; inset: 0; cursor: crosshair; touch-action: none; }
    .box { position: absolute; border: 2px solid var(--c); background: color-mix(in srgb, var(--c) 12%, transparent); cursor: move; }
    .box.occluded { border-style: dashed; background: transparent; }
    .box.selected { box-shadow: 0 0 0 1px #000, 0 0 0 3px color-mix(in srgb, var(--c) 45%, transparent); }
    .proposal {
      position: absolute; border: 2px dashed #fff; background: rgba(255,255,255,.06); padding: 0; min-height: 0; border-radius: 0; cursor: pointer;
    }
    .proposal span { position: absolute; left: -2px; top: 100%; font-size: 11px; background: #fff; color: #111; padding: 0 .3rem; white-space: nowrap; }
    .box.drawing { border-style: dashed; border-color: #fff; background: rgba(255,255,255,.08); }
    .tag {
      position: absolute; left: -2px; bottom: 100%; margin-bottom: 2px; padding: 0 .35rem; font-size: 11px; font-weight: 600;
      white-space: nowrap; background: var(--c); color: #111; border-radius: 3px; pointer-events: none;
    }
    .box.low .tag { bottom: auto; top: 100%; margin: 2px 0 0; }
    .handle { position: absolute; width: 10px; height: 10px; background: #fff; border: 2px solid var(--c); border-radius: 2px; margin: -5px 0 0 -5px; }
    .handle[data-handle='nw'], .handle[data-handle='se'] { cursor: nwse-resize; }
    .handle[data-handle='ne'], .handle[data-handle='sw'] { cursor: nesw-resize; }
    .handle[data-handle='n'], .handle[data-handle='s'] { cursor: ns-resize; }
    .handle[data-handle='e'], .handle[data-handle='w'] { cursor: ew-resize; }
    .transport { display: flex; flex-wrap: wrap; align-items: center; gap: .35rem; margin-top: .6rem; }
    .transport .readout { margin-left: auto; font: 13px var(--mono, monospace); color: var(--muted, #9aa3b2); }
    .transport .readout b { color: var(--text, #e7e9ee); font-weight: 600; }
    .scrubber { width: 100%; margin: .5rem 0 .25rem; accent-color: var(--accent, #ffb400); }
    .timeline { display: grid; grid-template-columns: 130px 1fr; gap: 3px .5rem; align-items: center; font-size: 12px; }
    .timeline .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--muted, #9aa3b2); cursor: pointer; }
    .timeline .name.selected { color: var(--text, #e7e9ee); font-weight: 600; }
    .lane { position: relative; height: 16px; background: #12151a; border-radius: 3px; cursor: pointer; }
    .span { position: absolute; top: 5px; height: 6px; background: var(--c); opacity: .55; border-radius: 3px; }
    .span.occluded { opacity: .25; }
    .kf { position: absolute; top: 3px; width: 10px; height: 10px; margin-left: -5px; transform: rotate(45deg); background: var(--c); border: 1px solid #000; }
    .kf.outside { background: #12151a; border-color: var(--c); }
    .playhead { position: absolute; top: -2px; bottom: -2px; width: 2px; margin-left: -1px; background: #fff; pointer-events: none; }
    .tracks { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; max-height: 220px; overflow: auto; }
    .tracks button { width: 100%; display: flex; align-items: center; gap: .5rem; text-align: left; }
    .tracks button[aria-current='true'] { border-color: var(--accent, #ffb400); background: #262217; }
    .dot { width: 10px; height: 10px; border-radius: 50%; background: var(--c); flex: none; }
    .tracks .meta { margin-left: auto; color: var(--muted, #9aa3b2); font-size: 12px; white-space: nowrap; }
    .tracks .bad { color: var(--danger, #ff6b6b); }
    .hint { color: var(--muted, #9aa3b2); font-size: 12.5px; margin: .4rem 0 0; }
    label.field { display: grid; gap: 2px; margin-bottom: .45rem; font-size: 12px; color: var(--muted, #9aa3b2); }
    label.field input { background: #101318; border: 1px solid var(--border, #2e333d); border-radius: 6px; padding: .35rem .5rem; font: 13px var(--mono, monospace); width: 100%; }
    label.field input[aria-invalid='true'] { border-color: var(--danger, #ff6b6b); }
    .derived { font: 11.5px var(--mono, monospace); color: var(--muted, #9aa3b2); word-break: break-all; margin: -.2rem 0 .45rem; }
    .row { display: flex; flex-wrap: wrap; gap: .35rem; }
    .kfstate { font-size: 12.5px; color: var(--muted, #9aa3b2); margin: .5rem 0 .4rem; }
    .kfstate b { color: var(--text, #e7e9ee); }
    .issues { list-style: none; margin: 0; padding: 0; display: grid; gap: 3px; max-height: 200px; overflow: auto; font-size: 12.5px; }
    .issues button { width: 100%; text-align: left; min-height: 0; padding: .25rem .5rem; border-left: 3px solid var(--danger, #ff6b6b); }
    .issues .warning button { border-left-color: var(--accent, #ffb400); }
    .ok { color: var(--ok, #5dd39e); font-size: 13px; }
    .notes { margin: .5rem 0 0; padding: .45rem .6rem; border-radius: 6px; font-size: 12.5px; background: #142019; border: 1px solid #24402f; }
    .notes.error { background: #2a1618; border-color: #5a2a2e; }
    .notes p { margin: 0; }
    .notes p + p { color: var(--muted, #9aa3b2); }
    .shortcuts { display: grid; grid-template-columns: auto 1fr; gap: 3px .6rem; font-size: 12.5px; color: var(--muted, #9aa3b2); margin: 0; }
    .shortcuts dt { text-align: right; }
    .shortcuts dd { margin: 0; }
    .status { min-height: 1.4em; font-size: 12.5px; color: var(--muted, #9aa3b2); margin-top: .35rem; }
    .file { position: relative; overflow: hidden; display: inline-flex; }
    .file input { position: absolute; inset: 0; opacity: 0; cursor: pointer; }
    .file:focus-within { outline: 2px solid var(--accent, #ffb400); outline-offset: 2px; border-radius: 6px; }
  `;

  #renderBox(t: StudioTrack, i: number): TemplateResult | typeof nothing {
    const b = this.#shownBox(i);
    if (!b) return nothing;
    const occluded = this.#preview?.track === i ? false : boxAtFrame(t, this.#playing ? this.#time * this.fps : this.#frame)?.occluded;
    const sel = i === this.#selected;
    const onKey = !this.#playing && keyframeAt(t, this.#frame) !== undefined;
    const style = `--c:${color(i)};left:${b.x * 100}%;top:${b.y * 100}%;width:${b.w * 100}%;height:${b.h * 100}%`;
    const handles = sel && !this.#playing
      ? HANDLES.map((h) => html`<span class="handle" data-handle=${h} style="left:${h.includes('w') ? 0 : h.includes('e') ? 100 : 50}%;top:${h.includes('n') ? 0 : h.includes('s') ? 100 : 50}%"></span>`)
      : nothing;
    return html`<div class="box ${sel ? 'selected' : ''} ${occluded ? 'occluded' : ''} ${b.y < 0.06 ? 'low' : ''}" data-track=${i} data-id=${t.id} style=${style}>
      <span class="tag">${onKey ? '◆ ' : ''}${t.label}</span>${handles}</div>`;
  }

  #renderLane(t: StudioTrack, i: number, last: number): TemplateResult {
    const pos = (f: number): string => `${(Math.min(f, last) / Math.max(1, last)) * 100}%`;
    const spans: TemplateResult[] = [];
    t.keyframes.forEach((k, j) => {
      if (k.outside) return;
      const end = t.keyframes[j + 1]?.frame ?? last;
      spans.push(html`<span class="span ${k.occluded ? 'occluded' : ''}" style="left:${pos(k.frame)};width:calc(${pos(end)} - ${pos(k.frame)})"></span>`);
    });
    const seek = (e: MouseEvent): void => {
      const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
      this.#selected = i;
      this.seekFrame(((e.clientX - r.left) / r.width) * last);
    };
    return html`
      <span class="name ${i === this.#selected ? 'selected' : ''}" @click=${() => { this.#selected = i; this.requestUpdate(); }}>${t.id}</span>
      <div class="lane" style="--c:${color(i)}" @click=${seek} aria-hidden="true">
        ${spans}
        ${t.keyframes.map((k) => html`<span class="kf ${k.outside ? 'outside' : ''}" style="left:${pos(k.frame)}" title="frame ${k.frame}"></span>`)}
        <span class="playhead" style="left:${pos(this.frame)}"></span>
      </div>`;
  }

  #renderSelected(): TemplateResult {
    const i = this.#selected;
    const t = this.tracks[i];
    if (!t) {
      return html`<section class="card" aria-labelledby="sel-h"><h2 id="sel-h">Track</h2>
        <p class="hint">Drag over the video to draw a box around a prop: that starts a new track at this frame.
        Click a box or a row to select its track.</p></section>`;
    }
    const kf = keyframeAt(t, this.#frame);
    const shown = boxAtFrame(t, this.#frame);
    const productError = productFormatError(t.product);
    const fromChain = this.#productIssues.find((p) => p.track === i);
    const state = kf ? (kf.outside ? 'keyframe · outside' : `keyframe${kf.occluded ? ' · occluded' : ''}`) : shown ? `interpolated${shown.occluded ? ' · occluded' : ''}` : 'not in frame';
    return html`<section class="card" aria-labelledby="sel-h">
      <h2 id="sel-h">Track <span style="color:${color(i)}">●</span></h2>
      <label class="field">Id
        <input name="id" .value=${t.id} spellcheck="false" aria-invalid=${this.issues.some((x) => x.track === i && /the id/.test(x.message))}
          @change=${(e: Event) => this.#setField(i, 'id', (e.target as HTMLInputElement).value)}></label>
      <label class="field">Label (shown to viewers)
        <input name="label" .value=${t.label} @change=${(e: Event) => this.#setField(i, 'label', (e.target as HTMLInputElement).value)}></label>
      <label class="field">Product id (64 hex)
        <input name="product" .value=${t.product} spellcheck="false" placeholder="64 lowercase hex" aria-invalid=${Boolean(productError || fromChain)}
          aria-describedby="product-state" @change=${(e: Event) => this.#setField(i, 'product', (e.target as HTMLInputElement).value)}></label>
      <p class="derived" id="product-state" data-state=${productError || fromChain ? 'error' : this.#checking ? 'checking' : 'ok'}>${productError ?? fromChain?.message ?? (this.#checking ? 'checking…' : '✓ product id accepted')}</p>
      <p class="kfstate">Frame <b>${this.#frame}</b>: <b data-testid="kf-state">${state}</b>${shown ? html` · x ${shown.x.toFixed(3)} y ${shown.y.toFixed(3)} w ${shown.w.toFixed(3)} h ${shown.h.toFixed(3)}` : nothing}</p>
      <div class="row" role="group" aria-label="Keyframe at this frame">
        <button aria-pressed=${Boolean(kf)} aria-keyshortcuts="K" title="Keyframe on/off (K)" @click=${() => this.toggleKeyframe()}>Keyframe <kbd>K</kbd></button>
        <button aria-pressed=${Boolean(kf?.outside)} aria-keyshortcuts="O" title="Outside on/off (O)" @click=${() => this.toggleOutside()}>Outside <kbd>O</kbd></button>
        <button aria-pressed=${Boolean(kf ? kf.occluded : shown?.occluded)} aria-keyshortcuts="Q" title="Occluded on/off (Q)" @click=${() => this.toggleOccluded()}>Occluded <kbd>Q</kbd></button>
        <button aria-keyshortcuts="C" title="Copy the previous keyframe's box to this frame (C)" @click=${() => this.copyForward()}>Copy box here <kbd>C</kbd></button>
      </div>
      <div class="row" role="group" aria-label="Tracking" style="margin-top:.4rem">
        ${this.#tracking ? html`<button class="primary" aria-keyshortcuts="Escape" @click=${() => this.stopTracking()}>■ Stop tracking <kbd>Esc</kbd></button>
          <span class="hint" role="status">tracking… frame ${this.#tracking.frame}</span>` : html`
        <button ?disabled=${!shown} aria-keyshortcuts="Shift+T" title="Track this box backward (Shift+T)" @click=${() => void this.track(-1)}>◀ Track backward <kbd>⇧T</kbd></button>
        <button ?disabled=${!shown} aria-keyshortcuts="T" title="Track this box forward (T)" @click=${() => void this.track(1)}>Track forward ▶ <kbd>T</kbd></button>`}
      </div>
      <div class="row" style="margin-top:.4rem">
        <button class="danger" ?disabled=${!kf} @click=${() => this.deleteKeyframe()}>Delete keyframe</button>
        <button class="danger" aria-keyshortcuts="Delete" @click=${() => this.deleteTrack()}>Delete track</button>
      </div>
    </section>`;
  }

  override render(): TemplateResult {
    const last = this.lastFrame;
    const frame = this.frame;
    const issues = this.issues;
    const errors = issues.filter((x) => x.severity === 'error');
    const aspect = this.#size.w ? `${this.#size.w} / ${this.#size.h}` : '16 / 9';
    const time = frame / this.fps;
    const clock = `${String(Math.floor(time / 60)).padStart(2, '0')}:${(time % 60).toFixed(2).padStart(5, '0')}`;
    const counts = new Map<number, number>();
    for (const x of errors) if (x.track !== undefined) counts.set(x.track, (counts.get(x.track) ?? 0) + 1);
    const exportBlocked = errors.length > 0 || this.#checking;
    const convertBlocked = this.#trackErrors.length > 0 || !this.#size.w;
    return html`<div class="layout">
      <div>
        <div class="stage" style="aspect-ratio:${aspect}">
          <video src=${this.video} muted playsinline preload="auto" @play=${this.#onPlay} @pause=${this.#onPause}
            @ended=${this.#onPause} @loadedmetadata=${() => this.requestUpdate()}></video>
          <div class="overlay" role="application" aria-label="Video frame: drag to draw a box, drag a box to move it, drag its handles to resize"
            @pointerdown=${this.#onPointerDown} @pointermove=${this.#onPointerMove} @pointerup=${this.#onPointerUp} @pointercancel=${this.#onPointerUp}>
            ${this.tracks.map((t, i) => this.#renderBox(t, i))}
            ${this.#playing ? nothing : this.proposals.map((p, k) => html`<button class="proposal" data-proposal=${k} title="Start a track on this ${p.label}"
              style="left:${p.box.x * 100}%;top:${p.box.y * 100}%;width:${p.box.w * 100}%;height:${p.box.h * 100}%"><span>${p.label} ${Math.round(p.score * 100)}%</span></button>`)}
            ${this.#preview?.track === -1 ? html`<div class="box drawing" style="left:${this.#preview.box.x * 100}%;top:${this.#preview.box.y * 100}%;width:${this.#preview.box.w * 100}%;height:${this.#preview.box.h * 100}%"></div>` : nothing}
          </div>
        </div>
        <div class="transport" role="toolbar" aria-label="Playback">
          <button title="Previous keyframe (E)" aria-keyshortcuts="E" @click=${() => this.#jumpKeyframe(-1)}>|◀ <kbd>E</kbd></button>
          <button title="Previous frame (D)" aria-keyshortcuts="D" @click=${() => this.seekFrame(frame - 1)}>◀ <kbd>D</kbd></button>
          <button class="primary" aria-keyshortcuts="Space" @click=${() => this.togglePlay()}>${this.#playing ? 'Pause' : 'Play'}</button>
          <button title="Next frame (F)" aria-keyshortcuts="F" @click=${() => this.seekFrame(frame + 1)}><kbd>F</kbd> ▶</button>
          <button title="Next keyframe (R)" aria-keyshortcuts="R" @click=${() => this.#jumpKeyframe(1)}><kbd>R</kbd> ▶|</button>
          <span style="width:.75rem"></span>
          <button ?disabled=${!this.undoLabel} title=${this.undoLabel ? `Undo: ${this.undoLabel}` : 'Nothing to undo'} aria-keyshortcuts="Control+Z" @click=${() => this.undo()}>↶ Undo</button>
          <button ?disabled=${!this.redoLabel} title=${this.redoLabel ? `Redo: ${this.redoLabel}` : 'Nothing to redo'} aria-keyshortcuts="Control+Shift+Z" @click=${() => this.redo()}>↷ Redo</button>
          <span class="readout" aria-live="off">frame <b data-testid="frame">${frame}</b> / ${last} · <b>${clock}</b> · ${this.fps} fps</span>
        </div>
        <input class="scrubber" type="range" min="0" max=${last} step="1" .value=${String(frame)} aria-label="Frame"
          aria-valuetext=${`frame ${frame} of ${last}, ${clock}`} @input=${(e: Event) => this.seekFrame(Number((e.target as HTMLInputElement).value))}>
        ${this.tracks.length ? html`<div class="timeline" aria-hidden="true">${this.tracks.map((t, i) => this.#renderLane(t, i, last))}</div>` : nothing}
        <div class="status" role="status" aria-live="polite">${this.#status ? `Last action: ${this.#status}` : ''}</div>
      </div>
      <div>
        <section class="card" aria-labelledby="tracks-h">
          <h2 id="tracks-h">Tracks (${this.tracks.length})</h2>
          <div class="row" style="margin-bottom:.5rem"><button ?disabled=${this.#finding || Boolean(this.#tracking)} title="A COCO object detector proposes boxes on this frame"
            @click=${() => void this.findProps()}>${this.#finding ? 'Looking for props…' : 'Find props in this frame'}</button></div>
          ${this.tracks.length ? html`<ul class="tracks">${this.tracks.map((t, i) => html`<li>
            <button style="--c:${color(i)}" aria-current=${i === this.#selected} @click=${() => { this.#selected = i; this.requestUpdate(); }}>
              <span class="dot"></span><span>${t.label} <small style="color:var(--muted,#9aa3b2)">${t.id}</small></span>
              <span class="meta">${t.keyframes.length} kf${counts.get(i) ? html` · <span class="bad">${counts.get(i)} ✕</span>` : nothing}</span>
            </button></li>`)}</ul>` : html`<p class="hint">No tracks yet: drag over the video to draw one.</p>`}
        </section>
        ${this.#renderSelected()}
        <slot name="chain"></slot>
        <section class="card" aria-labelledby="val-h">
          <h2 id="val-h">Checks</h2>
          ${issues.length === 0 ? html`<p class="ok">✓ Ready to export${this.#checking ? ' (checking products…)' : ''}</p>` : html`
            <ul class="issues" aria-label="Problems">${issues.slice(0, 100).map((x) => html`<li class=${x.severity}>
              <button @click=${() => { if (x.track !== undefined) this.#selected = x.track; if (x.frame !== undefined) this.seekFrame(x.frame); else this.requestUpdate(); }}>${x.message}</button></li>`)}</ul>
            ${issues.some((x) => /the box (starts outside|leaves) the frame/.test(x.message)) ? html`<div class="row" style="margin-top:.4rem"><button @click=${() => this.clipAll()}>Clip boxes to the frame</button></div>` : nothing}`}
        </section>
        <section class="card" aria-labelledby="io-h">
          <h2 id="io-h">Import / export</h2>
          <div class="row">
            <span class="file"><button tabindex="-1" aria-hidden="true">Import…</button>
              <input type="file" aria-label="Import annotations: widget JSON, WebVTT, CVAT for video XML 1.1 or MOT CSV" accept=".json,.vtt,.xml,.txt,.csv" multiple @change=${(e: Event) => void this.#onFile(e)}></span>
            ${(Object.keys(EXPORTS) as ExportFormat[]).map((kind) => html`<button class=${kind === 'json' ? 'primary' : ''}
              ?disabled=${EXPORTS[kind].widget ? exportBlocked : convertBlocked} @click=${() => this.#download(kind)}>${EXPORTS[kind].button}</button>`)}
            <button ?disabled=${exportBlocked} title="Saves the export in this browser and opens the viewer page with it" @click=${() => this.openInViewer()}>Watch in the viewer ↗</button>
          </div>
          <p class="hint">${exportBlocked ? `JSON and WebVTT (the widget's formats) need ${errors.length} problem(s) fixed.` : 'JSON and WebVTT are the widget\'s formats.'}
            CVAT “for video 1.1” XML and MOT CSV take the boxes back to an annotation tool and need no product.
            Import takes all four (CVAT and MOT in pixels of this ${this.#size.w || '?'}×${this.#size.h || '?'} video; MOT frame n → frame n − 1).</p>
          ${this.#notes.length ? html`<div class="notes ${this.#noteKind}" role=${this.#noteKind === 'error' ? 'alert' : 'status'}>${this.#notes.map((n) => html`<p>${n}</p>`)}</div>` : nothing}
        </section>
        <section class="card" aria-labelledby="keys-h">
          <h2 id="keys-h">Shortcuts</h2>
          <dl class="shortcuts">${SHORTCUTS.map(([k, d]) => html`<dt><kbd>${k}</kbd></dt><dd>${d}</dd>`)}</dl>
        </section>
      </div>
    </div>`;
  }
}

customElements.define(TAG, DipStudio);

declare global {
  interface HTMLElementTagNameMap { [TAG]: DipStudio }
}
