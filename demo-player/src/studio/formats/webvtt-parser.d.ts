/** The parts of the W3C WebVTT parser/validator (npm `webvtt-parser`, CommonJS) the tests use. */
declare module 'webvtt-parser' {
  interface WebVTTParseError {
    message: string;
    line: number;
    col?: number;
  }
  interface WebVTTParser {
    /** `mode` 'metadata' skips the checks of cue text as captions; any other value runs them. */
    parse(input: string, mode?: string): { cues: { id: string; startTime: number; endTime: number; text: string }[]; errors: WebVTTParseError[] };
  }
  const webvtt: { WebVTTParser: new () => WebVTTParser };
  export default webvtt;
}
