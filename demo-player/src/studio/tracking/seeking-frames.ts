/**
 * Frames by seeking a <video> of its own, for what the worker cannot decode (an MP4, or a browser
 * without WebCodecs): slower — about 50 ms a seek in Chromium — but any format the browser plays.
 * Runs on the page (a worker has no <video>); each seek yields to the event loop, so the studio
 * stays responsive.
 */
import type { FramePixels } from './video-frames.ts';
import { TrackError } from './errors.ts';
import { ensureSeekable } from '../../media.ts';

export async function* seekingFrames(url: string, from: number, to: number, fps: number): AsyncGenerator<FramePixels> {
  const v = document.createElement('video');
  v.muted = true;
  v.preload = 'auto';
  v.src = url;
  try {
    // A server without Range requests leaves the video unseekable: the studio's own remedy.
    await ensureSeekable(v).catch((e: Error) => { throw new TrackError('DECODE_FAILED', `the video does not play here: ${e.message}`); });
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    const g = canvas.getContext('2d', { willReadFrequently: true })!;
    const dir = to >= from ? 1 : -1;
    for (let f = from; (f - to) * dir <= 0; f += dir) {
      // The studio shows frame f at currentTime f / fps: the same picture is tracked.
      v.currentTime = f / fps;
      await new Promise<void>((r) => v.addEventListener('seeked', () => r(), { once: true }));
      g.drawImage(v, 0, 0);
      yield { frame: f, pixels: g.getImageData(0, 0, canvas.width, canvas.height) };
    }
  } finally {
    if (v.src.startsWith('blob:')) URL.revokeObjectURL(v.src);
    v.removeAttribute('src');
    v.load();
  }
}
