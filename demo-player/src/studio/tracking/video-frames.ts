/**
 * A video's frames as pixels, decoded in order with WebCodecs from the video's own bytes (in the
 * tracking worker). Frames are addressed by studio frame number, each the picture the <video>
 * element shows on that frame.
 */
import { demuxWebm, frameIndexAt, type DemuxedVideo } from './webm-demux.ts';
import { TrackError } from './errors.ts';

/** Frames held at once when tracking backwards (decoding only runs forwards): ~50 MB at 640×360. */
const BACKWARD_CHUNK = 48;

export interface FramePixels { frame: number; pixels: ImageData }

export class VideoFrames {
  readonly #canvas: OffscreenCanvas;
  readonly #g: OffscreenCanvasRenderingContext2D;

  private constructor(readonly video: DemuxedVideo) {
    this.#canvas = new OffscreenCanvas(video.width, video.height);
    this.#g = this.#canvas.getContext('2d', { willReadFrequently: true })!;
  }

  static async open(url: string): Promise<VideoFrames> {
    let bytes: Uint8Array;
    try {
      const resp = await fetch(url);
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      bytes = new Uint8Array(await resp.arrayBuffer());
    } catch (e) {
      throw new TrackError('VIDEO_FETCH_FAILED', `the video could not be read (${url}): ${(e as Error).message}`);
    }
    const video = demuxWebm(bytes);
    if (typeof VideoDecoder === 'undefined' || !(await VideoDecoder.isConfigSupported({ codec: video.codec })).supported) {
      throw new TrackError('CODEC_UNSUPPORTED', `this browser has no WebCodecs decoder for ${video.codec}`);
    }
    return new VideoFrames(video);
  }

  get width(): number { return this.video.width; }
  get height(): number { return this.video.height; }

  #pixels(f: VideoFrame): ImageData {
    this.#g.drawImage(f, 0, 0, this.video.width, this.video.height);
    return this.#g.getImageData(0, 0, this.video.width, this.video.height);
  }

  /** Studio frames `from` to `to` (inclusive; backwards when to < from), stopping when the consumer does. */
  async *frames(from: number, to: number, fps: number): AsyncGenerator<FramePixels> {
    if (to >= from) {
      yield* this.#forward(from, to, fps);
      return;
    }
    for (let hi = from; hi >= to; hi -= BACKWARD_CHUNK) {
      const lo = Math.max(to, hi - BACKWARD_CHUNK + 1);
      const chunk: FramePixels[] = [];
      for await (const fp of this.#forward(lo, hi, fps)) chunk.push(fp);
      for (let i = chunk.length - 1; i >= 0; i--) yield chunk[i]!;
    }
  }

  async *#forward(from: number, to: number, fps: number): AsyncGenerator<FramePixels> {
    const frames = this.video.frames;
    const idx = (f: number): number => frameIndexAt(frames, f, fps);
    let f = from;
    let key = idx(from);
    while (key > 0 && !frames[key]!.key) key--;
    for await (const { index, frame } of this.#decode(key, idx(to))) {
      try {
        if (index !== idx(f)) continue;
        const pixels = this.#pixels(frame);
        while (f <= to && idx(f) === index) yield { frame: f++, pixels };
      } finally {
        frame.close();
      }
      if (f > to) return;
    }
  }

  /** Decodes encoded frames first..last in order, a few ahead of the consumer. */
  async *#decode(first: number, last: number): AsyncGenerator<{ index: number; frame: VideoFrame }> {
    const frames = this.video.frames;
    const out: VideoFrame[] = [];
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const decoder = new VideoDecoder({
      output: (f) => { out.push(f); wake?.(); },
      error: (e) => { failure = e; wake?.(); },
    });
    decoder.configure({ codec: this.video.codec, codedWidth: this.video.width, codedHeight: this.video.height });
    let next = first;
    let flushed = false;
    try {
      for (let index = first; index <= last; index++) {
        while (next <= last && decoder.decodeQueueSize + out.length < 6) {
          const e = frames[next]!;
          decoder.decode(new EncodedVideoChunk({ type: e.key ? 'key' : 'delta', timestamp: e.timestamp, data: e.data }));
          next++;
        }
        // The decoder may hold its last outputs until told no more input is coming.
        if (next > last && !flushed) { flushed = true; decoder.flush().catch(() => undefined); }
        while (!out.length && !failure) await new Promise<void>((r) => { wake = r; });
        wake = undefined;
        if (failure) throw new TrackError('DECODE_FAILED', `the video does not decode: ${failure.message}`);
        yield { index, frame: out.shift()! };
      }
    } finally {
      for (const f of out) f.close();
      if (decoder.state !== 'closed') decoder.close();
    }
  }
}
