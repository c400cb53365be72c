/**
 * One Server-Sent Events subscriber's cursor over finalised heads: every height once, in order,
 * from where the client left off (its Last-Event-ID) to the chain head, then each new one.
 *
 * It writes the shared frames of HeadFrames (encoded once per relay, never per connection) and
 * owes the client at most `replayLimit` heads: a client further behind (after a long disconnect,
 * or because it reads slowly) gets one `resync` event naming the heights it skipped, which it
 * fetches itself (GET /v1/light-blocks), then the last `replayLimit` heads. Nothing is queued per
 * connection: while the socket refuses more (write() returned false) the cursor just stays put and
 * catches up on 'drain'; how long it may stay blocked is the fan-out's business (head-fanout.ts).
 */
import type { NodeApi } from '../node-api.ts';
import { formatResyncEvent, type HeadFrames } from './head-frames.ts';

/** Where frames go: a ServerResponse or any Writable; its backpressure paces the cursor. */
export interface FrameSink {
  write(chunk: Buffer | string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  readonly writableLength: number;
}

export interface HeadStreamOptions {
  readonly node: Pick<NodeApi, 'status' | 'getHeader'>;
  readonly frames: HeadFrames;
  readonly out: FrameSink;
  /** Most heads the stream ever owes the client; beyond, a resync event. */
  readonly replayLimit: number;
  /** Called when a head cannot be read or encoded; the stream then ends (the client reconnects). */
  readonly onFailure: (err: unknown) => void;
  /** Called once per head frame written (metrics). */
  readonly onSent?: () => void;
}

export class HeadStream {
  /** The last height the client has been sent a head or a resync for. */
  private sent: bigint;
  /** The highest finalised height known to this stream. */
  private target: bigint;
  /** Date.now() when write() last returned false, until 'drain'; undefined while the socket takes frames. */
  blockedSince: number | undefined;

  /** Starts after `lastEventId` (a reconnect) or at the current head (a new client: only new heads). */
  constructor(private readonly opts: HeadStreamOptions, lastEventId: bigint | undefined) {
    const head = opts.node.status().height;
    this.target = head;
    this.sent = lastEventId ?? head;
    this.pump();
  }

  /** A newly finalised height (its frame is in HeadFrames). */
  advance(height: bigint): void {
    if (height <= this.target) return;
    this.target = height;
    this.pump();
  }

  /** Whether a heartbeat may be written now (not while frames wait for the client to read). */
  get idle(): boolean {
    return this.blockedSince === undefined;
  }

  private pump(): void {
    if (this.blockedSince !== undefined) return;
    try {
      while (this.sent < this.target) {
        if (!this.opts.out.write(this.nextFrame())) {
          this.blockedSince = Date.now();
          this.opts.out.once('drain', () => {
            this.blockedSince = undefined;
            this.pump();
          });
          return;
        }
      }
    } catch (err) {
      this.opts.onFailure(err);
    }
  }

  /** The frame for the next owed height (or the skipped ones before it); advances `sent`. */
  private nextFrame(): Buffer | string {
    const { replayLimit, node, frames } = this.opts;
    if (this.target - this.sent > BigInt(replayLimit)) return this.skipTo(this.target - BigInt(replayLimit));
    const height = this.sent + 1n;
    const frame = frames.get(height);
    if (!frame) {
      // Not in this node's store: say so as a resync for the whole missing run.
      let last = height;
      while (last < this.target && !node.getHeader(last + 1n)) last++;
      return this.skipTo(last);
    }
    this.sent = height;
    this.opts.onSent?.();
    return frame;
  }

  private skipTo(to: bigint): string {
    const frame = formatResyncEvent(this.sent + 1n, to);
    this.sent = to;
    return frame;
  }
}
