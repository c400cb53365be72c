/**
 * The few Web-standard globals the protocol uses, which every runtime it targets (Node, browsers,
 * workers) provides. Declared here instead of pulling in the DOM or Node libs, so the protocol
 * cannot reach anything else (a `Buffer` or `document` is a compile error). Only this package's
 * own tsconfig includes this file; packages that import the protocol bring their own libs.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
interface Event {
  readonly type: string;
}
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
/** Timers, for testing.ts's polling wait (the handle is opaque: a number in browsers, an object in Node). */
declare function setTimeout(handler: () => void, timeout?: number): unknown;
