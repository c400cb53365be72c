/**
 * The `heads` push protocol (protocol/src/wire.ts): after the client's empty request frame, the
 * node writes one `HeaderWithCommit` frame per finalised block until either side closes. Streams
 * are bounded per peer, and a subscriber whose unsent bytes pile up (it does not read) is dropped
 * rather than buffered without limit; it can reconnect and catch up with `headers`.
 */
import type { Stream } from '@libp2p/interface';
import { DipnetError, decodeHeadsRequest, encodeFrame, encodeHeadEvent, type HeaderWithCommit } from '@dipnet/protocol';
import { errText, readOneFrame } from './stream-io.ts';

export interface HeadPushOptions {
  /** Subscribes to finalised heads; returns the unsubscribe function (NodeApi.onFinalized). */
  readonly subscribe: (listener: (e: HeaderWithCommit) => void) => () => void;
  readonly maxStreamsPerPeer: number;
  /** Unsent bytes a stream may hold before its subscriber counts as a slow consumer. */
  readonly maxBufferedBytes: number;
  readonly requestTimeoutMs: number;
  readonly maxRequestBytes: number;
  /** A malformed request frame (charged like a garbage request). */
  readonly onGarbage: (peerId: string, reason: string) => void;
  readonly log: (level: 'debug' | 'warn', msg: string, ctx: Record<string, unknown>) => void;
}

export class HeadPush {
  private readonly perPeer = new Map<string, number>();
  private readonly open = new Set<Stream>();
  private stopped = false;

  constructor(private readonly opts: HeadPushOptions) {}

  /** Head streams currently held. */
  get size(): number {
    return this.open.size;
  }

  async serve(stream: Stream, from: string): Promise<void> {
    const { opts } = this;
    if (this.stopped) return stream.abort(new Error('host stopping'));
    const held = this.perPeer.get(from) ?? 0;
    if (held >= opts.maxStreamsPerPeer) {
      opts.log('debug', 'refusing a head stream over the per-peer limit', { peer: from, held });
      return stream.abort(new Error(`at most ${opts.maxStreamsPerPeer} head streams per peer`));
    }
    this.perPeer.set(from, held + 1);
    this.open.add(stream);

    let unsubscribe: (() => void) | null = null;
    let done = false;
    const cleanup = (): void => {
      if (done) return;
      done = true;
      unsubscribe?.();
      stream.removeEventListener('close', cleanup);
      stream.removeEventListener('end', onEnd);
      stream.removeEventListener('message', onExtra);
      this.open.delete(stream);
      const n = (this.perPeer.get(from) ?? 1) - 1;
      if (n > 0) this.perPeer.set(from, n);
      else this.perPeer.delete(from);
    };
    const drop = (err: Error): void => {
      cleanup();
      stream.abort(err);
    };
    // The client ends the subscription by closing its side: close ours too.
    const onEnd = (): void => {
      cleanup();
      stream.close().catch((err: unknown) => stream.abort(err instanceof Error ? err : new Error(String(err))));
    };
    const onExtra = (): void => drop(new Error('unexpected bytes after the heads request'));
    stream.addEventListener('close', cleanup); // the unconditional end: reset, abort, host stop

    try {
      decodeHeadsRequest(await readOneFrame(stream, opts.maxRequestBytes, AbortSignal.timeout(opts.requestTimeoutMs)));
    } catch (err) {
      if (err instanceof DipnetError) opts.onGarbage(from, `bad heads request: ${err.message}`);
      return drop(err instanceof Error ? err : new Error(String(err)));
    }
    if (done) return;
    stream.addEventListener('end', onEnd);
    stream.addEventListener('message', onExtra);
    if (stream.readableEnded) return onEnd();

    unsubscribe = opts.subscribe((e) => {
      if (done) return;
      if (stream.writeBufferLength > opts.maxBufferedBytes) {
        opts.log('debug', 'dropping a slow head subscriber', { peer: from, buffered: stream.writeBufferLength });
        return drop(new Error('slow consumer: head stream backed up'));
      }
      try {
        stream.send(encodeFrame(encodeHeadEvent({ header: e.header, commit: e.commit })));
      } catch (err) {
        opts.log('debug', 'head stream write failed', { peer: from, err: errText(err) });
        drop(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Ends every head stream (host stop). */
  stop(): void {
    this.stopped = true;
    for (const s of [...this.open]) s.abort(new Error('host stopped'));
  }
}
