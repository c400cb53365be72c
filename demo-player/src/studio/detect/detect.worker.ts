/**
 * The detector worker: `@vladmandic/human`'s object detector (CenterNet trained on COCO's 80
 * classes, weights shipped in the npm package and served with the studio, nothing fetched from
 * elsewhere) run on one frame, off the main thread. Every other part of Human is switched off.
 */
import { Human } from '@vladmandic/human';
import { VideoFrames } from '../tracking/video-frames.ts';
import { TrackError } from '../tracking/errors.ts';
import type { DetectReply, DetectRequest } from './protocol.ts';

/** Proposals below this confidence are dropped; CenterNet is unsure of drawn (non-photographic) props. */
const MIN_CONFIDENCE = 0.1;

let human: Promise<Human> | undefined;

function load(modelBase: string): Promise<Human> {
  return (human ??= (async () => {
    const h = new Human({
      backend: 'webgl', modelBasePath: modelBase, debug: false, warmup: 'none', cacheSensitivity: 0,
      filter: { enabled: false }, face: { enabled: false }, body: { enabled: false }, hand: { enabled: false },
      gesture: { enabled: false }, segmentation: { enabled: false },
      object: { enabled: true, modelPath: 'centernet.json', minConfidence: MIN_CONFIDENCE, maxDetected: 20 },
    });
    await h.load();
    return h;
  })());
}

const videos = new Map<string, Promise<VideoFrames>>();

async function picture(source: DetectRequest['source']): Promise<ImageData | OffscreenCanvas> {
  if ('bitmap' in source) {
    const canvas = new OffscreenCanvas(source.bitmap.width, source.bitmap.height);
    canvas.getContext('2d')!.drawImage(source.bitmap, 0, 0);
    source.bitmap.close();
    return canvas;
  }
  let open = videos.get(source.url);
  if (!open) {
    open = VideoFrames.open(source.url);
    videos.set(source.url, open);
    open.catch(() => videos.delete(source.url));
  }
  for await (const { pixels } of (await open).frames(source.frame, source.frame, source.fps)) return pixels;
  throw new TrackError('DECODE_FAILED', `frame ${source.frame} is not in the video`);
}

onmessage = async (e: MessageEvent<DetectRequest>): Promise<void> => {
  const { id, source, modelBase } = e.data;
  try {
    const [h, input] = await Promise.all([load(modelBase), picture(source)]);
    const r = await h.detect(input);
    const proposals = r.object.map((o) => ({ label: o.label, score: o.score, box: { x: o.boxRaw[0], y: o.boxRaw[1], w: o.boxRaw[2], h: o.boxRaw[3] } }));
    postMessage({ id, proposals } satisfies DetectReply);
  } catch (err) {
    if (!(err instanceof TrackError)) human = undefined;
    postMessage({ id, error: (err as Error).message, ...(err instanceof TrackError ? { code: err.code } : {}) } satisfies DetectReply);
  }
};
