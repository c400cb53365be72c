/**
 * One Server-Sent Events connection's delivery of finalised heads: every height once, in order,
 * from where the client left off (its Last-Event-ID) to the chain head, then each new one.
 *
 * Heads are read from the node's store as the connection drains, not queued in memory, so a
 * reconnect replays what it missed and a slow reader costs no buffer. A stream is never more than
 * `replayLimit` heads behind the head: a client further behind (after a long disconnect, or
 * because it reads slowly) gets one `resync` event naming the heights it skipped, which it
 * fetches itself (GET /v1/light-blocks), then the last `replayLimit` heads.
 */
import type { Writable } from 'node:stream';
import { encodeCommit, encodeHeader, headerHash, toHex } from '@dipnet/protocol';
import type { FinalizedEvent, NodeApi } from '../node-api.ts';

/** An `event: head` frame; its `id` is the height, which the client echoes as Last-Event-ID on reconnect. */
export function formatHeadEvent(e: FinalizedEvent): string {
  const data = {
    height: e.header.height.toString(),
    hash: toHex(headerHash(e.header)),
    header: toHex(encodeHeader(e.header)),
    commit: toHex(encodeCommit(e.commit)),
    txCount: e.txCount,
  };
  return `id: ${data.height}\nevent: head\ndata: ${JSON.stringify(data)}\n\n`;
}

/** An `event: resync` frame for heights `from`..`to` that the stream skips; its `id` is `to`, so a reconnect resumes after them. */
export function formatResyncEvent(from: bigint, to: bigint): string {
  return `id: ${to}\nevent: resync\ndata: ${JSON.stringify({ from: from.toString(), to: to.toString() })}\n\n`;
}

export interface HeadStreamOptions {
  readonly node: NodeApi;
  /** Where frames go; its backpressure paces the reads from the store. */
  readonly out: Writable;
  /** Most heads the stream ever owes the client; beyond, a resync event. */
  readonly replayLimit: number;
  /** Called when a head cannot be read or encoded; the stream then ends (the client reconnects). */
  readonly onFailure: (err: unknown) => void;
}

export class HeadStream {
  /** The last height the client has been sent a head or a resync for. */
  private sent: bigint;
  /** The highest finalised height known to this stream. */
  private target: bigint;
  /** The newest finalised event, kept so a live head is not read back from the store. */
  private latest: FinalizedEvent | undefined;
  private waitingForDrain = false;

  /** Starts after `lastEventId` (a reconnect) or at the current head (a new client: only new heads). */
  constructor(private readonly opts: HeadStreamOptions, lastEventId: bigint | undefined) {
    const head = opts.node.status().height;
    this.target = head;
    this.sent = lastEventId ?? head;
    this.pump();
  }

  /** A newly finalised block (the node's onFinalized). */
  onFinalized(e: FinalizedEvent): void {
    const height = e.header.height;
    if (height <= this.sent) return; // already replayed from the store
    this.latest = e;
    if (height > this.target) this.target = height;
    this.pump();
  }

  /** Whether a heartbeat may be written now (not while frames wait for the client to read). */
  get idle(): boolean {
    return !this.waitingForDrain;
  }

  private pump(): void {
    if (this.waitingForDrain) return;
    try {
      while (this.sent < this.target) {
        if (!this.opts.out.write(this.nextFrame())) {
          this.waitingForDrain = true;
          this.opts.out.once('drain', () => {
            this.waitingForDrain = false;
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
  private nextFrame(): string {
    const { replayLimit, node } = this.opts;
    if (this.target - this.sent > BigInt(replayLimit)) return this.skipTo(this.target - BigInt(replayLimit));
    const height = this.sent + 1n;
    const event = this.latest?.header.height === height ? this.latest : this.stored(height);
    if (!event) {
      // Not in this node's store: say so as a resync for the whole missing run.
      let last = height;
      while (last < this.target && !node.getHeader(last + 1n)) last++;
      return this.skipTo(last);
    }
    this.sent = height;
    return formatHeadEvent(event);
  }

  private skipTo(to: bigint): string {
    const frame = formatResyncEvent(this.sent + 1n, to);
    this.sent = to;
    return frame;
  }

  private stored(height: bigint): FinalizedEvent | undefined {
    const block = this.opts.node.getBlock(height);
    const commit = this.opts.node.getCommit(height);
    return block && commit ? { header: block.header, commit, txCount: block.txs.length } : undefined;
  }
}
