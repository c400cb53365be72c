import { BaseError } from '@dipnet/protocol/base-error';

/** Why a tracking run could not start or went wrong, with a stable code for callers and tests. */
export type TrackErrorCode =
  | 'WEBM_MALFORMED' // the bytes are not a WebM this demuxer reads
  | 'CODEC_UNSUPPORTED' // no WebCodecs decoder for the video's codec in this browser
  | 'VIDEO_FETCH_FAILED'
  | 'DECODE_FAILED'
  | 'NO_BOX' // the track has no box to start from on that frame
  | 'BUSY'; // a run is already going

export class TrackError extends BaseError<TrackErrorCode> {
  override readonly name = 'TrackError';
  constructor(code: TrackErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
