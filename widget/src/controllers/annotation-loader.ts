/**
 * Annotation loading for `<dip-shoppable-video>`: reads and validates every source of props (the
 * `src` JSON document, the video's `<track kind="metadata">` cues, the `annotations` property),
 * keeps each source's props and each source's error, and fires `dip-annotations-loaded` /
 * `dip-error`. A source that fails drops its props; the others stay.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AnnotationError, parseAnnotationText, parseAnnotations, type AnnotationDocument, type Prop } from '../annotations.ts';
import { propsFromCues } from '../vtt-cues.ts';
import { DipEvent, emit, type AnnotationsLoadedDetail, type DipErrorDetail } from '../events.ts';

const sourceOf = (el: HTMLTrackElement): string => el.getAttribute('src') ?? el.label ?? 'metadata track';

export class AnnotationLoader implements ReactiveController {
  readonly #host: ReactiveControllerHost & EventTarget;
  readonly #changed: () => void;
  #fetch: AbortController | null = null;
  #sources = new Map<string, Prop[]>();
  #errors = new Map<string, DipErrorDetail>();

  /** `changed` runs whenever the props or the errors change (before the events about it fire). */
  constructor(host: ReactiveControllerHost & EventTarget, changed: () => void) {
    this.#host = host;
    this.#changed = changed;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#fetch?.abort();
  }

  /** Every prop from every source (props from a metadata track may repeat an id: one per segment). */
  get props(): readonly Prop[] {
    return [...this.#sources.values()].flat();
  }

  /** The latest error, or null when every source is valid. */
  get error(): DipErrorDetail | null {
    return [...this.#errors.values()].at(-1) ?? null;
  }

  /** Records an error that is not an annotation source's (the missing video), shown like one. */
  setError(key: string, detail: DipErrorDetail): void {
    this.#errors.set(key, detail);
  }

  /** Forgets such an error; true if there was one. */
  clearError(key: string): boolean {
    return this.#errors.delete(key);
  }

  /** The `src` document: drops the previous one's props and errors, then fetches this one (if any). */
  loadSrc(src: string | null): void {
    this.#fetch?.abort();
    for (const key of [...this.#sources.keys()].filter((k) => k.startsWith('src:'))) this.#sources.delete(key);
    for (const key of [...this.#errors.keys()].filter((k) => k.startsWith('src:'))) this.#errors.delete(key);
    if (!src) return;
    const key = `src:${src}`;
    const ac = new AbortController();
    this.#fetch = ac;
    (async () => {
      const res = await fetch(new URL(src, document.baseURI), { signal: ac.signal, credentials: 'same-origin' });
      if (!res.ok) throw new AnnotationError('', `HTTP ${res.status} fetching the annotation file`, src);
      return res.text();
    })().then(
      (text) => !ac.signal.aborted && this.#load(key, () => parseAnnotationText(text, src).props),
      (e: unknown) => !ac.signal.aborted && this.#fail(key, e instanceof AnnotationError ? e : new AnnotationError('', `could not fetch the annotation file (${(e as Error).message})`, src)),
    );
  }

  /** Annotations given directly (null: none). */
  setDocument(value: AnnotationDocument | null): void {
    if (value === null) this.#setSource('annotations', []);
    else this.#load('annotations', () => parseAnnotations(value, 'annotations').props);
  }

  /** A metadata track's cues, once loaded. */
  readTrack(el: HTMLTrackElement): void {
    const source = sourceOf(el);
    this.#load(`track:${source}`, () => propsFromCues(Array.from(el.track.cues ?? []) as unknown as VTTCue[], source));
  }

  /** A metadata track that could not be loaded. */
  trackFailed(el: HTMLTrackElement): void {
    this.#fail(sourceOf(el), new AnnotationError('', 'the track could not be loaded', sourceOf(el)));
  }

  #load(key: string, read: () => Prop[]): void {
    let props: Prop[];
    try {
      props = read();
    } catch (e) {
      this.#fail(key, e instanceof AnnotationError ? e : new AnnotationError('', String(e), key));
      return;
    }
    this.#errors.delete(key);
    this.#setSource(key, props);
    emit<AnnotationsLoadedDetail>(this.#host, DipEvent.annotationsLoaded, { source: key.replace(/^\w+:/, ''), count: props.length });
  }

  #fail(key: string, e: AnnotationError): void {
    this.#sources.delete(key);
    const detail = { source: e.source, path: e.path, message: e.message };
    this.#errors.set(key, detail);
    this.#changed();
    emit<DipErrorDetail>(this.#host, DipEvent.error, detail);
  }

  #setSource(key: string, props: Prop[]): void {
    this.#sources.set(key, props);
    this.#changed();
  }
}
