/**
 * The relay's one subscription to finalised heads, fanned out to every SSE subscriber.
 *
 * Each head is encoded once (HeadFrames) and the same bytes are written to every connection.
 * Admission is bounded twice — a global cap (a relay process has finite sockets and memory; a
 * full relay answers 503 so clients go to another) and a per-IP cap (one client cannot take the
 * global cap; 429). A subscriber whose socket accepts nothing for `slowMs`, or holds more than
 * `maxBufferedBytes` unsent, is dropped: it reconnects with Last-Event-ID and is replayed from the
 * shared frames, which costs the relay far less than an unbounded buffer per slow reader.
 * One timer serves every subscriber (heartbeats and the slow check), not one per connection.
 */
import type { NodeApi } from '../node-api.ts';
import { RelayError, RelayErrorCode } from './errors.ts';
import { HeadFrames } from './head-frames.ts';
import { HeadStream, type FrameSink } from './head-stream.ts';

export interface HeadFanoutOptions {
  readonly node: NodeApi;
  /** Most missed heads a reconnecting client is replayed; also the frames kept in memory. */
  readonly replayLimit: number;
  /** Concurrent subscribers of this relay; more → 503 RELAY_SSE_FULL. */
  readonly maxSubscribers: number;
  /** Concurrent subscribers per client IP; more → 429 RELAY_SSE_PER_IP. */
  readonly maxPerIp: number;
  /** Comment heartbeats to idle subscribers this often, so proxies keep the stream open. */
  readonly heartbeatMs: number;
  /** A subscriber whose socket has refused writes (no 'drain') this long is dropped. */
  readonly slowMs: number;
  /** A subscriber with more unsent bytes than this is dropped at once. */
  readonly maxBufferedBytes: number;
}

/** Counters since start, read by the metrics at scrape time (no per-write metric calls). */
export interface FanoutStats {
  readonly subscribers: number;
  readonly refusedFull: number;
  readonly refusedPerIp: number;
  readonly droppedSlow: number;
  /** Head frames written to subscribers (one per head per subscriber). */
  readonly eventsSent: number;
  /** Head events encoded (once per height, whatever the number of subscribers). */
  readonly eventsEncoded: number;
}

export interface SubscribeOptions {
  readonly ip: string;
  readonly out: FrameSink;
  /** The client's Last-Event-ID: resume after this height. */
  readonly resumeAfter: bigint | undefined;
  /** Ends the connection: `slow` when dropped (destroy it), `closing` on relay shutdown (end it cleanly). */
  readonly end: (why: 'slow' | 'closing' | 'failed', err?: unknown) => void;
}

interface Subscriber {
  readonly ip: string;
  readonly out: FrameSink;
  readonly stream: HeadStream;
  readonly end: SubscribeOptions['end'];
}

const HEARTBEAT = Buffer.from(': heartbeat\n\n');

export class HeadFanout {
  readonly frames: HeadFrames;
  private readonly subs = new Set<Subscriber>();
  private readonly perIp = new Map<string, number>();
  private unsubscribeNode: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextHeartbeat = 0;
  private refusedFull = 0;
  private refusedPerIp = 0;
  private droppedSlow = 0;
  private eventsSent = 0;
  private readonly countSent = (): void => {
    this.eventsSent++;
  };

  constructor(private readonly opts: HeadFanoutOptions) {
    this.frames = new HeadFrames(opts.node, opts.replayLimit);
  }

  stats(): FanoutStats {
    return {
      subscribers: this.subs.size,
      refusedFull: this.refusedFull,
      refusedPerIp: this.refusedPerIp,
      droppedSlow: this.droppedSlow,
      eventsSent: this.eventsSent,
      eventsEncoded: this.frames.encoded,
    };
  }

  /** Throws the typed refusal if `ip` may not open one more stream now; call right before subscribe(). */
  admit(ip: string): void {
    if (this.subs.size >= this.opts.maxSubscribers) {
      this.refusedFull++;
      throw new RelayError(RelayErrorCode.RELAY_SSE_FULL, `this relay holds its maximum of ${this.opts.maxSubscribers} event streams; retry later or on another relay`);
    }
    if ((this.perIp.get(ip) ?? 0) >= this.opts.maxPerIp) {
      this.refusedPerIp++;
      throw new RelayError(RelayErrorCode.RELAY_SSE_PER_IP, `at most ${this.opts.maxPerIp} open event streams per client`);
    }
  }

  /** Starts a subscriber (replaying from `resumeAfter`); returns its unsubscribe. Call admit() first. */
  subscribe(o: SubscribeOptions): () => void {
    let sub: Subscriber | undefined;
    let failed = false;
    const stream = new HeadStream({
      node: this.opts.node,
      frames: this.frames,
      out: o.out,
      replayLimit: this.opts.replayLimit,
      onSent: this.countSent,
      onFailure: (err) => {
        failed = true;
        if (sub) this.remove(sub);
        o.end('failed', err);
      },
    }, o.resumeAfter);
    if (failed) return () => {};
    sub = { ip: o.ip, out: o.out, stream, end: o.end };
    this.subs.add(sub);
    this.perIp.set(o.ip, (this.perIp.get(o.ip) ?? 0) + 1);
    // Synchronously after HeadStream read the head, so no block is finalised unseen in between.
    if (this.subs.size === 1) this.start();
    const s = sub;
    return () => this.remove(s);
  }

  /** Ends every stream (relay shutdown). */
  closeAll(): void {
    for (const s of [...this.subs]) {
      this.remove(s);
      s.end('closing');
    }
  }

  private start(): void {
    this.unsubscribeNode = this.opts.node.onFinalized((e) => {
      this.frames.add(e);
      const height = e.header.height;
      for (const s of this.subs) {
        s.stream.advance(height);
        if (s.out.writableLength > this.opts.maxBufferedBytes) this.drop(s);
      }
    });
    // One sweep for all: often enough to drop a slow subscriber within ~1.5 × slowMs.
    const every = Math.max(10, Math.min(1000, this.opts.heartbeatMs, Math.floor(this.opts.slowMs / 2)));
    this.nextHeartbeat = Date.now() + this.opts.heartbeatMs;
    this.timer = setInterval(() => this.sweep(), every);
    this.timer.unref();
  }

  private stop(): void {
    this.unsubscribeNode?.();
    this.unsubscribeNode = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    const now = Date.now();
    const beat = now >= this.nextHeartbeat;
    if (beat) this.nextHeartbeat = now + this.opts.heartbeatMs;
    for (const s of this.subs) {
      const since = s.stream.blockedSince;
      if (since !== undefined && now - since >= this.opts.slowMs) this.drop(s);
      else if (beat && since === undefined) s.out.write(HEARTBEAT);
    }
  }

  private drop(s: Subscriber): void {
    this.droppedSlow++;
    this.remove(s);
    s.end('slow');
  }

  private remove(s: Subscriber): void {
    if (!this.subs.delete(s)) return;
    const n = (this.perIp.get(s.ip) ?? 1) - 1;
    if (n > 0) this.perIp.set(s.ip, n);
    else this.perIp.delete(s.ip);
    if (this.subs.size === 0) this.stop();
  }
}
