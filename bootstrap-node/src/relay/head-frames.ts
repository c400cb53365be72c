/**
 * The SSE frames of finalised heads, each encoded (and its header hashed) once per relay and
 * shared by every subscriber: the same Buffer is written to each connection.
 *
 * The frames of the last `window` heights are kept, so both live delivery and the replay a
 * reconnect storm asks for (every client sending its Last-Event-ID after a relay restart) cost one
 * encoding per height, not one per connection. A height outside the window, or not yet seen
 * live, is read from the node's store and encoded once into the window.
 */
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

export class HeadFrames {
  private readonly frames = new Map<bigint, Buffer>();
  private newest = 0n;
  /** Head events encoded since start (dipnet_relay_sse_events_encoded_total); one per height seen. */
  encoded = 0;

  constructor(
    private readonly node: Pick<NodeApi, 'getBlock' | 'getCommit'>,
    /** Heights kept below the newest one: the replay window. */
    private readonly window: number,
  ) {}

  /** Encodes a newly finalised head (once) and returns its frame. */
  add(e: FinalizedEvent): Buffer {
    const height = e.header.height;
    const known = this.frames.get(height);
    if (known) return known;
    const frame = this.encode(e);
    this.keep(height, frame);
    return frame;
  }

  /** The frame of `height`, from the window or else read from the store; undefined if the store lacks it. */
  get(height: bigint): Buffer | undefined {
    const known = this.frames.get(height);
    if (known) return known;
    const block = this.node.getBlock(height);
    const commit = this.node.getCommit(height);
    if (!block || !commit) return undefined;
    const frame = this.encode({ header: block.header, commit, txCount: block.txs.length });
    if (height + BigInt(this.window) >= this.newest) this.keep(height, frame);
    return frame;
  }

  private encode(e: FinalizedEvent): Buffer {
    this.encoded++;
    return Buffer.from(formatHeadEvent(e), 'utf8');
  }

  private keep(height: bigint, frame: Buffer): void {
    this.frames.set(height, frame);
    if (height <= this.newest) return;
    this.newest = height;
    // At most window + 1 entries: one pass per new head (not per subscriber) is cheap.
    const oldest = height - BigInt(this.window);
    for (const h of this.frames.keys()) if (h < oldest) this.frames.delete(h);
  }
}
