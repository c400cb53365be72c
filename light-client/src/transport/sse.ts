/**
 * A minimal Server-Sent Events client over fetch streams (works in Node and in Web Workers, where
 * `EventSource` is not always available and cannot be aborted as cleanly). Reconnects with
 * exponential backoff, sending Last-Event-ID; honours the server's `retry:` hint as the floor.
 */
import { backoffMs, sleep } from './util.ts';

export interface SseOptions {
  readonly fetch?: typeof fetch;
  /** Sent as Last-Event-ID on the first request too: resume a stream a previous subscription read. */
  readonly lastEventId?: string;
  onEvent(event: string, data: string, id: string | undefined): void;
  onError?(e: unknown): void;
  onOpen?(): void;
}

export function subscribeSse(url: string, opts: SseOptions): { close(): void } {
  const ac = new AbortController();
  const fetchFn = opts.fetch ?? ((...a) => fetch(...a));
  let lastId: string | undefined = opts.lastEventId;
  let retryFloor = 1000;

  const run = async (): Promise<void> => {
    let attempt = 0;
    while (!ac.signal.aborted) {
      try {
        const res = await fetchFn(url, {
          signal: ac.signal,
          headers: { accept: 'text/event-stream', ...(lastId !== undefined ? { 'last-event-id': lastId } : {}) },
        });
        if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
        opts.onOpen?.();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        let event = 'message';
        let data: string[] = [];
        let id: string | undefined;
        // The last chunk ended with '\r': a '\n' starting the next one is the rest of that line end.
        let pendingCr = false;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          attempt = 0;
          buf += value;
          if (pendingCr && buf.length > 0) {
            if (buf[0] === '\n') buf = buf.slice(1);
            pendingCr = false;
          }
          let nl: number;
          while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
            const line = buf.slice(0, nl);
            if (buf[nl] === '\r' && nl === buf.length - 1) pendingCr = true;
            buf = buf.slice(nl + (buf[nl] === '\r' && buf[nl + 1] === '\n' ? 2 : 1));
            if (line === '') {
              if (data.length > 0) {
                if (id !== undefined) lastId = id;
                try {
                  opts.onEvent(event, data.join('\n'), id);
                } catch (e) {
                  opts.onError?.(e);
                }
              }
              event = 'message';
              data = [];
              id = undefined;
              continue;
            }
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') event = val;
            else if (field === 'data') data.push(val);
            else if (field === 'id') id = val;
            else if (field === 'retry' && /^\d+$/.test(val)) retryFloor = Number(val);
          }
        }
        if (!ac.signal.aborted) throw new Error('event stream ended');
      } catch (e) {
        if (ac.signal.aborted) return;
        opts.onError?.(e);
        await sleep(Math.max(retryFloor, backoffMs(attempt++, retryFloor)), ac.signal);
      }
    }
  };
  void run();
  return { close: () => ac.abort() };
}
