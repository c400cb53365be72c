/**
 * Low-latency flood gossip for a small validator mesh.
 *
 * Each node keeps one persistent outbound stream per gossip peer (`/dipnet/<chainId>/gossip/1`)
 * and only writes to its own outbound streams; it reads everything the peer sends on the peer's
 * outbound stream. Frames are unsigned-varint length-prefixed:
 *
 *   MSG   0x00 | topic | data      a message
 *   IHAVE 0x01 | topic | id(32)    "I have a large message": forwarded instead of the body
 *   IWANT 0x02 | id(32)            "send me that body"
 *
 * The message id is sha256(topic || data). A new message is marked seen, handed to the
 * validator once, and — only if accepted — forwarded to every other peer: in full (small
 * messages, e.g. votes, go out immediately with no heartbeat) or as IHAVE for large ones
 * (proposals carrying blocks, and all tx batches), which a peer that lacks the body answers with IWANT. The
 * originator always sends the full body to every peer, so on a full mesh nobody waits for a
 * round trip. Duplicates are dropped before validation. Tx batches are validated one per
 * macrotask, after whatever the network delivered meanwhile, so consensus messages never queue
 * behind a backlog of them. Garbage (bad frames, unknown topics,
 * oversize bodies) and rejected messages are charged to the sending peer.
 */
import { createHash } from 'node:crypto';
import type { Libp2p } from 'libp2p';
import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { encodeFramePrefix, FrameDecoder, toHex } from '@dipnet/protocol';
import { errText, toBytes } from './stream-io.ts';

import type { GossipTopic, GossipVerdict } from '../network.ts';

export type { GossipTopic, GossipVerdict };

export const GOSSIP_TOPICS: readonly GossipTopic[] = ['consensus', 'txs', 'evidence'];
const TOPIC_BYTE: Record<GossipTopic, number> = { consensus: 1, txs: 2, evidence: 3 };
const TOPIC_OF = new Map<number, GossipTopic>([[1, 'consensus'], [2, 'txs'], [3, 'evidence']]);

/** Topics validated one message per macrotask, after what the network has delivered meanwhile. */
const DEFERRED_TOPICS: ReadonlySet<GossipTopic> = new Set(['txs']);
const MAX_DEFERRED = 1024;

const KIND_MSG = 0;
const KIND_IHAVE = 1;
const KIND_IWANT = 2;
const ID_LENGTH = 32;

export interface GossipLimits {
  /** Largest body per topic. */
  readonly maxBytes: Readonly<Record<GossipTopic, number>>;
  /** Bodies at least this large are forwarded as IHAVE rather than in full. */
  readonly lazyForwardBytes: number;
  /**
   * Topics whose bodies are always forwarded as IHAVE. Txs are not latency-critical, and on the
   * usual full mesh every peer already got them from the originator: forwarding them in full
   * made each node receive, decrypt and hash every tx batch once per peer.
   */
  readonly lazyTopics: readonly GossipTopic[];
  readonly seenTtlMs: number;
  readonly seenMax: number;
  /** Bytes of large bodies kept to answer IWANT. */
  readonly bodyCacheBytes: number;
  readonly bodyCacheTtlMs: number;
  /** Outbound bytes buffered per peer before the stream is reset as too slow. */
  readonly maxPeerBacklogBytes: number;
  readonly iwantTimeoutMs: number;
}

export const DEFAULT_GOSSIP_LIMITS: GossipLimits = {
  maxBytes: { consensus: 4 * 1024 * 1024, txs: 64 * 1024, evidence: 64 * 1024 },
  lazyForwardBytes: 16 * 1024,
  lazyTopics: ['txs'],
  seenTtlMs: 120_000,
  seenMax: 200_000,
  bodyCacheBytes: 64 * 1024 * 1024,
  bodyCacheTtlMs: 30_000,
  maxPeerBacklogBytes: 64 * 1024 * 1024,
  iwantTimeoutMs: 2_000,
};

/** What a peer did wrong, so the host can weigh it. */
export type GossipFault = 'garbage' | 'oversize' | 'reject';

export interface FloodGossipInit {
  readonly node: Libp2p;
  readonly protocol: string;
  readonly limits: GossipLimits;
  readonly validate: (topic: GossipTopic, fromPeer: string, data: Uint8Array) => GossipVerdict;
  readonly fault: (peerId: string, fault: GossipFault, detail: string) => void;
  readonly isBanned: (peerId: string) => boolean;
  readonly onPeer?: (peerId: string, up: boolean) => void;
  readonly log: (level: 'debug' | 'warn', msg: string, ctx?: Record<string, unknown>) => void;
}

interface OutPeer {
  readonly id: PeerId;
  stream: Stream | null;
  opening: boolean;
  /** Frames (as part lists) waiting for the stream to open. */
  queue: Uint8Array[][];
  queuedBytes: number;
  /** Frame parts written this turn of the event loop, sent as one buffer by `flush`. */
  pending: Uint8Array[];
  pendingBytes: number;
}

const messageId = (topicByte: number, data: Uint8Array): Uint8Array =>
  createHash('sha256').update(Uint8Array.of(topicByte)).update(data).digest();


export class FloodGossip {
  private readonly peers = new Map<string, OutPeer>();
  private readonly inbound = new Set<Stream>();
  /** Message id → expiry; insertion-ordered so expiry pruning walks from the front. */
  private readonly seen = new Map<string, number>();
  private readonly bodies = new Map<string, { topic: number; data: Uint8Array; expires: number; servedTo: Set<string> }>();
  private bodyBytes = 0;
  private readonly wanted = new Map<string, number>();
  private topologyId: string | null = null;
  private stopped = false;
  /**
   * Messages of deferred topics (txs) waiting to be validated, one per macrotask: a backlog of
   * tx batches must not hold back the consensus messages that arrive behind them (votes and
   * proposals are handled as they arrive; under load a round could otherwise time out).
   */
  private readonly deferred: { from: string; topic: GossipTopic; tb: number; data: Uint8Array; key: string }[] = [];
  private deferredAt = 0;
  private draining = false;

  constructor(private readonly init: FloodGossipInit) {}

  async start(): Promise<void> {
    const { node, protocol } = this.init;
    await node.handle(protocol, (stream, connection) => this.onInboundStream(stream, connection), {
      maxInboundStreams: 4,
      maxOutboundStreams: 4,
    });
    this.topologyId = await node.register(protocol, {
      onConnect: (peerId) => this.addPeer(peerId),
      onDisconnect: (peerId) => this.removePeer(peerId.toString()),
    });
    // A peer whose last connection closes may not be reported to the topology if identify never
    // completed; catch it here too.
    node.addEventListener('peer:disconnect', this.onPeerDisconnect);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const { node, protocol } = this.init;
    node.removeEventListener('peer:disconnect', this.onPeerDisconnect);
    if (this.topologyId) node.unregister(this.topologyId);
    for (const p of this.peers.values()) p.stream?.abort(new Error('gossip stopping'));
    for (const s of this.inbound) s.abort(new Error('gossip stopping'));
    this.peers.clear();
    this.inbound.clear();
    await node.unhandle(protocol).catch(() => {});
  }

  /** Peers we hold (or are opening) a gossip stream to. */
  peerIds(): string[] {
    return [...this.peers.keys()];
  }

  /** Sends a new message to every gossip peer. Throws RangeError if it exceeds the topic limit. */
  publish(topic: GossipTopic, data: Uint8Array, repeat = false): void {
    const tb = TOPIC_BYTE[topic];
    if (tb === undefined) throw new RangeError(`unknown gossip topic ${String(topic)}`);
    const max = this.init.limits.maxBytes[topic];
    if (data.length > max) throw new RangeError(`${topic} message of ${data.length} bytes exceeds ${max}`);
    const id = messageId(tb, data);
    const key = toHex(id);
    // Publishing twice is a no-op unless asked to repeat (consensus re-sends while a height is stuck).
    if (!this.markSeen(key) && !repeat) return;
    if (data.length >= this.init.limits.lazyForwardBytes) this.cacheBody(key, tb, data);
    const parts = [encodeFramePrefix(2 + data.length), Uint8Array.of(KIND_MSG, tb), data];
    for (const p of this.peers.values()) this.sendParts(p, parts);
  }

  private readonly onPeerDisconnect = (evt: CustomEvent<PeerId>): void => {
    this.removePeer(evt.detail.toString());
  };

  private addPeer(peerId: PeerId): void {
    const id = peerId.toString();
    if (this.stopped || this.peers.has(id) || this.init.isBanned(id)) return;
    this.peers.set(id, { id: peerId, stream: null, opening: false, queue: [], queuedBytes: 0, pending: [], pendingBytes: 0 });
    this.open(this.peers.get(id)!);
    this.init.onPeer?.(id, true);
  }

  private removePeer(id: string): void {
    const p = this.peers.get(id);
    if (!p) return;
    this.peers.delete(id);
    p.stream?.abort(new Error('peer disconnected'));
    p.stream = null;
    p.queue = [];
    this.init.onPeer?.(id, false);
  }

  private open(p: OutPeer): void {
    if (p.opening || p.stream || this.stopped) return;
    p.opening = true;
    const { node, protocol } = this.init;
    node.dialProtocol(p.id, protocol, { signal: AbortSignal.timeout(10_000) })
      .then((stream) => {
        p.opening = false;
        if (this.stopped || this.peers.get(p.id.toString()) !== p) {
          stream.abort(new Error('peer gone'));
          return;
        }
        stream.maxWriteBufferLength = this.init.limits.maxPeerBacklogBytes;
        stream.addEventListener('close', () => {
          if (p.stream === stream) p.stream = null;
        });
        p.stream = stream;
        const queued = p.queue;
        p.queue = [];
        p.queuedBytes = 0;
        for (const parts of queued) this.sendParts(p, parts);
      })
      .catch((err: unknown) => {
        p.opening = false;
        p.queue = [];
        p.queuedBytes = 0;
        this.init.log('debug', 'could not open gossip stream', { peer: p.id.toString(), err: errText(err) });
      });
  }

  /**
   * Every `send` on a libp2p stream becomes its own muxer frame, encrypted message and socket
   * write, so the parts of all frames for a peer in one turn of the event loop are gathered and
   * sent as one buffer (a frame's three parts, and under load many tx batches and votes at once).
   */
  private sendParts(p: OutPeer, parts: Uint8Array[]): void {
    const s = p.stream;
    if (s && s.writeStatus === 'writable' && s.status === 'open') {
      if (p.pending.length === 0) setImmediate(() => this.flush(p));
      for (const part of parts) {
        p.pending.push(part);
        p.pendingBytes += part.length;
      }
      return;
    }
    this.enqueue(p, parts);
  }

  private flush(p: OutPeer): void {
    const parts = p.pending;
    const size = p.pendingBytes;
    p.pending = [];
    p.pendingBytes = 0;
    if (parts.length === 0 || this.stopped || this.peers.get(p.id.toString()) !== p) return;
    const s = p.stream;
    if (!s || s.writeStatus !== 'writable' || s.status !== 'open') return this.enqueue(p, parts);
    let buf: Uint8Array;
    if (parts.length === 1) buf = parts[0]!;
    else {
      buf = new Uint8Array(size);
      let at = 0;
      for (const part of parts) {
        buf.set(part, at);
        at += part.length;
      }
    }
    try {
      s.send(buf);
    } catch (err) {
      this.init.log('debug', 'gossip send failed', { peer: p.id.toString(), err: errText(err) });
      s.abort(err instanceof Error ? err : new Error(String(err)));
      p.stream = null;
    }
  }

  /** Holds a frame until the peer's stream is (re)opened. */
  private enqueue(p: OutPeer, parts: Uint8Array[]): void {
    if (p.stream) p.stream = null;
    const size = parts.reduce((n, x) => n + x.length, 0);
    if (p.queuedBytes + size <= this.init.limits.maxPeerBacklogBytes) {
      p.queue.push(parts);
      p.queuedBytes += size;
    }
    this.open(p);
  }

  private onInboundStream(stream: Stream, connection: Connection): void {
    const from = connection.remotePeer.toString();
    if (this.stopped || this.init.isBanned(from)) {
      stream.abort(new Error('refused'));
      return;
    }
    // A peer that opened a gossip stream to us speaks gossip: make sure we send to it as well.
    if (!this.peers.has(from)) this.addPeer(connection.remotePeer);
    this.inbound.add(stream);
    const decoder = new FrameDecoder(2 + this.init.limits.maxBytes.consensus);
    stream.addEventListener('message', (evt) => {
      let frames: Uint8Array[];
      try {
        frames = decoder.push(toBytes(evt.data));
      } catch (err) {
        // Framing is lost: charge the peer and drop the stream.
        this.init.fault(from, 'oversize', err instanceof Error ? err.message : String(err));
        stream.abort(new Error('bad gossip frame'));
        return;
      }
      for (const f of frames) {
        if (stream.status !== 'open') return;
        this.onFrame(from, f);
      }
    });
    stream.addEventListener('close', () => this.inbound.delete(stream));
    stream.addEventListener('end', () => {
      stream.close().catch(() => {});
    });
  }

  private onFrame(from: string, f: Uint8Array): void {
    const kind = f[0];
    if (kind === KIND_MSG) {
      const tb = f[1];
      const topic = tb === undefined ? undefined : TOPIC_OF.get(tb);
      if (topic === undefined) return this.init.fault(from, 'garbage', 'gossip message with unknown topic');
      const data = f.subarray(2);
      if (data.length > this.init.limits.maxBytes[topic]) return this.init.fault(from, 'oversize', `${topic} message of ${data.length} bytes`);
      return this.onMessage(from, topic, tb!, data);
    }
    if (kind === KIND_IHAVE) {
      const tb = f[1];
      if (f.length !== 2 + ID_LENGTH || tb === undefined || !TOPIC_OF.has(tb)) return this.init.fault(from, 'garbage', 'malformed IHAVE');
      const key = toHex(f.subarray(2));
      if (this.isSeen(key)) return;
      const now = Date.now();
      const pending = this.wanted.get(key);
      if (pending !== undefined && pending > now) return;
      this.wanted.set(key, now + this.init.limits.iwantTimeoutMs);
      if (this.wanted.size > 10_000) this.pruneWanted(now);
      const p = this.peers.get(from);
      if (p) this.sendParts(p, [encodeFramePrefix(1 + ID_LENGTH), Uint8Array.of(KIND_IWANT), f.slice(2)]);
      return;
    }
    if (kind === KIND_IWANT) {
      if (f.length !== 1 + ID_LENGTH) return this.init.fault(from, 'garbage', 'malformed IWANT');
      const body = this.bodies.get(toHex(f.subarray(1)));
      const p = this.peers.get(from);
      // Each peer gets a body at most once: repeated IWANTs must not turn us into an amplifier.
      if (body && p && body.expires > Date.now() && !body.servedTo.has(from)) {
        body.servedTo.add(from);
        this.sendParts(p, [encodeFramePrefix(2 + body.data.length), Uint8Array.of(KIND_MSG, body.topic), body.data]);
      }
      return;
    }
    this.init.fault(from, 'garbage', `unknown gossip frame kind ${kind}`);
  }

  private onMessage(from: string, topic: GossipTopic, tb: number, data: Uint8Array): void {
    const key = toHex(messageId(tb, data));
    if (!this.markSeen(key)) return;
    this.wanted.delete(key);
    // A very long backlog is validated at once instead: reading then waits for it (back-pressure).
    if (DEFERRED_TOPICS.has(topic) && this.deferred.length - this.deferredAt < MAX_DEFERRED) {
      this.deferred.push({ from, topic, tb, data, key });
      if (!this.draining) {
        this.draining = true;
        setImmediate(this.drainDeferred);
      }
      return;
    }
    this.deliver(from, topic, tb, data, key);
  }

  private readonly drainDeferred = (): void => {
    const m = this.deferred[this.deferredAt++];
    if (m && !this.stopped) this.deliver(m.from, m.topic, m.tb, m.data, m.key);
    if (this.deferredAt < this.deferred.length && !this.stopped) {
      if (this.deferredAt >= 256) {
        this.deferred.splice(0, this.deferredAt);
        this.deferredAt = 0;
      }
      setImmediate(this.drainDeferred);
      return;
    }
    this.deferred.length = 0;
    this.deferredAt = 0;
    this.draining = false;
  };

  /** Validates a new message, charges its sender if it is rejected, forwards it if accepted. */
  private deliver(from: string, topic: GossipTopic, tb: number, data: Uint8Array, key: string): void {
    let verdict: GossipVerdict;
    try {
      verdict = this.init.validate(topic, from, data);
    } catch (err) {
      this.init.log('warn', 'gossip validator threw', { topic, peer: from, err: errText(err) });
      verdict = 'ignore';
    }
    if (verdict === 'reject') {
      this.init.fault(from, 'reject', `${topic} message rejected`);
      return;
    }
    if (verdict !== 'accept') return;
    const lazy = data.length >= this.init.limits.lazyForwardBytes || this.init.limits.lazyTopics.includes(topic);
    let parts: Uint8Array[];
    if (lazy) {
      this.cacheBody(key, tb, data);
      parts = [encodeFramePrefix(2 + ID_LENGTH), Uint8Array.of(KIND_IHAVE, tb), Buffer.from(key, 'hex')];
    } else {
      parts = [encodeFramePrefix(2 + data.length), Uint8Array.of(KIND_MSG, tb), data];
    }
    for (const [id, p] of this.peers) if (id !== from) this.sendParts(p, parts);
  }

  /** Records `key` as seen; false if it already was. */
  private markSeen(key: string): boolean {
    const now = Date.now();
    if (this.isSeen(key, now)) return false;
    this.seen.set(key, now + this.init.limits.seenTtlMs);
    // Map iteration is insertion order and TTLs are uniform, so expired entries are at the front.
    for (const [k, exp] of this.seen) {
      if (exp > now && this.seen.size <= this.init.limits.seenMax) break;
      this.seen.delete(k);
    }
    return true;
  }

  private isSeen(key: string, now = Date.now()): boolean {
    const exp = this.seen.get(key);
    return exp !== undefined && exp > now;
  }

  private cacheBody(key: string, topic: number, data: Uint8Array): void {
    const now = Date.now();
    if (this.bodies.has(key)) return;
    this.bodies.set(key, { topic, data, expires: now + this.init.limits.bodyCacheTtlMs, servedTo: new Set() });
    this.bodyBytes += data.length;
    for (const [k, b] of this.bodies) {
      if (b.expires > now && this.bodyBytes <= this.init.limits.bodyCacheBytes) break;
      this.bodies.delete(k);
      this.bodyBytes -= b.data.length;
    }
  }

  private pruneWanted(now: number): void {
    for (const [k, exp] of this.wanted) if (exp <= now) this.wanted.delete(k);
  }
}
