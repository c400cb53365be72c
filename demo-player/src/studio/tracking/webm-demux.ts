/**
 * The encoded frames of a WebM's video track, for WebCodecs' VideoDecoder: the tracker decodes the
 * video itself, in order, instead of seeking a <video> element frame by frame (a seek costs about
 * 50 ms in Chromium on the sample scene, which would cap tracking near 20 frames per second).
 *
 * A flat walk over the elements: master elements are entered rather than skipped, so the unknown
 * sizes of a live (MediaRecorder) WebM's Segment and Clusters need no special case.
 */
import { readId, readSize, readUint } from './ebml.ts';
import { TrackError } from './errors.ts';

const MASTERS = new Set([
  0x18538067, // Segment
  0x1549a966, // Info
  0x1654ae6b, // Tracks
  0xae, // TrackEntry
  0xe0, // Video
  0x1f43b675, // Cluster
  0xa0, // BlockGroup
]);
const TIMECODE_SCALE = 0x2ad7b1;
const TRACK_NUMBER = 0xd7;
const TRACK_TYPE = 0x83;
const CODEC_ID = 0x86;
const PIXEL_WIDTH = 0xb0;
const PIXEL_HEIGHT = 0xba;
const CLUSTER_TIMECODE = 0xe7;
const SIMPLE_BLOCK = 0xa3;
const BLOCK = 0xa1;

/** Matroska codec ids → WebCodecs codec strings (those a browser decodes without extra setup). */
const CODECS: Record<string, string> = { V_VP8: 'vp8', V_VP9: 'vp09.00.10.08', V_AV1: 'av01.0.04M.08' };

export interface EncodedFrame {
  /** Presentation time in microseconds. */
  timestamp: number;
  key: boolean;
  data: Uint8Array;
}

export interface DemuxedVideo {
  codec: string;
  width: number;
  height: number;
  /** In decode order, which for these codecs is presentation order. */
  frames: EncodedFrame[];
}

export function demuxWebm(bytes: Uint8Array): DemuxedVideo {
  if (readUint(bytes, 0, 4) !== 0x1a45dfa3) throw new TrackError('WEBM_MALFORMED', 'not a WebM (no EBML header)');
  let scale = 1_000_000; // ns per timecode unit
  let cluster = 0;
  let entry: { number?: number; type?: number; codec?: string; width?: number; height?: number } = {};
  let video: typeof entry | undefined;
  const frames: EncodedFrame[] = [];
  const head = readSize(bytes, 4);
  let p = 4 + head.len + head.size;
  while (p < bytes.length) {
    const { id, len } = readId(bytes, p);
    if (p + len >= bytes.length) break;
    const sz = readSize(bytes, p + len);
    const body = p + len + sz.len;
    if (MASTERS.has(id)) {
      if (id === 0xae) entry = {};
      p = body;
      continue;
    }
    if (sz.unknown || body + sz.size > bytes.length) break; // a truncated tail: keep what was read
    const uint = (): number => readUint(bytes, body, sz.size);
    if (id === TIMECODE_SCALE) scale = uint();
    else if (id === TRACK_NUMBER) entry.number = uint();
    else if (id === TRACK_TYPE) entry.type = uint();
    else if (id === CODEC_ID) entry.codec = new TextDecoder().decode(bytes.subarray(body, body + sz.size)).replace(/\0+$/, '');
    else if (id === PIXEL_WIDTH) entry.width = uint();
    else if (id === PIXEL_HEIGHT) entry.height = uint();
    else if (id === CLUSTER_TIMECODE) cluster = uint();
    else if (id === SIMPLE_BLOCK || id === BLOCK) {
      // The track entry that precedes the first block is complete by now.
      if (!video && entry.type === 1) video = entry;
      const track = readSize(bytes, body);
      if (video && track.size === video.number) {
        const q = body + track.len;
        const rel = ((bytes[q]! << 8) | bytes[q + 1]!) << 16 >> 16; // signed 16-bit
        const flags = bytes[q + 2]!;
        if (flags & 0x06) throw new TrackError('WEBM_MALFORMED', 'laced video blocks are not supported');
        frames.push({
          timestamp: Math.round(((cluster + rel) * scale) / 1000),
          // A Block (in a BlockGroup) carries no key flag; only the first frame is taken as one.
          key: id === SIMPLE_BLOCK ? (flags & 0x80) !== 0 : frames.length === 0,
          data: bytes.subarray(q + 3, body + sz.size),
        });
      }
    }
    p = body + sz.size;
  }
  if (!video?.codec) throw new TrackError('WEBM_MALFORMED', 'no video track');
  const codec = CODECS[video.codec];
  if (!codec) throw new TrackError('CODEC_UNSUPPORTED', `codec ${video.codec} is not decoded by the tracker (VP8, VP9, AV1 are)`);
  if (!frames.length || !frames[0]!.key) throw new TrackError('WEBM_MALFORMED', 'the video does not start with a key frame');
  return { codec, width: video.width ?? 0, height: video.height ?? 0, frames };
}

/**
 * The index of the encoded frame a <video> shows at studio frame `frame`: the last one whose
 * timestamp is not after `frame / fps` (so the tracker sees what the editor shows).
 */
export function frameIndexAt(frames: readonly EncodedFrame[], frame: number, fps: number): number {
  const t = (frame * 1e6) / fps + 1;
  let lo = 0;
  let hi = frames.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (frames[mid]!.timestamp <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
