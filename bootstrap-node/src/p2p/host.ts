/**
 * The node's libp2p host: WebSockets and WebRTC-direct listeners (both dialable from browsers),
 * noise + yamux, identify, ping, a circuit-relay v2 server (so browsers can reach each other
 * through the node), flood gossip among validators (gossip.ts), one request/response protocol
 * per method (`/dipnet/<chainId>/<method>/1`, see protocol/src/wire.ts), the `heads` push stream
 * (head-push.ts), peer scoring with
 * temporary bans, and bootstrap dialling with exponential backoff.
 */
import { createLibp2p, type Libp2p } from 'libp2p';
import { webSockets } from '@libp2p/websockets';
import { webRTCDirect } from '@libp2p/webrtc';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayServer } from '@libp2p/circuit-relay-v2';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { DipnetError, WireMethod, backoffMs, type HeaderWithCommit } from '@dipnet/protocol';
import {
  WIRE_METHODS, WIRE_MAX_REQUEST_BYTES, WIRE_MAX_RESPONSE_BYTES, wireProtocolId,
  encodeFrame, encodeWireResult, decodeWireResult, wireResultFromError, type WireResult,
} from '@dipnet/protocol';
import { FloodGossip, DEFAULT_GOSSIP_LIMITS, type GossipTopic, type GossipVerdict, type GossipFault } from './gossip.ts';
import { PeerScorer } from './scoring.ts';
import { P2PRequestError, errText, readOneFrame } from './stream-io.ts';
import { HeadPush } from './head-push.ts';

export { P2PRequestError } from './stream-io.ts';
import type { Network } from '../network.ts';
export type { GossipTopic, GossipVerdict } from './gossip.ts';

/** pino-style: structured fields first, then the message (a pino logger fits as is). */
export interface P2PLogger {
  debug?(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
  warn?(obj: object, msg: string): void;
}

/** Knobs with production defaults; tests shorten the timers. */
export interface P2PTuning {
  /** Default for `request()`'s timeout, and the server's limit for reading a request and writing its answer. */
  readonly requestTimeoutMs: number;
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
  readonly dialTimeoutMs: number;
  /** Bootstrap redial backoff: first retry after ~initial, doubling up to max (±25% jitter). */
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  /** A peer whose score falls to -banThreshold is disconnected and refused for banMs. */
  readonly banThreshold: number;
  readonly banMs: number;
  readonly scoreHalfLifeMs: number;
  readonly penaltyReject: number;
  readonly penaltyGarbage: number;
  readonly penaltyOversize: number;
  /** What `penalize()` costs. */
  readonly penaltyExplicit: number;
  /** Gossip bodies at least this large are forwarded as IHAVE/IWANT rather than in full. */
  readonly lazyForwardBytes: number;
  /** Inbound connections per second accepted from one IP (devnets put many nodes on one). */
  readonly inboundConnectionsPerSecondPerHost: number;
  readonly maxRelayReservations: number;
  /** Concurrent `heads` streams one peer may hold. */
  readonly maxHeadStreamsPerPeer: number;
  /** Unsent bytes a `heads` stream may hold before its reader is dropped as a slow consumer. */
  readonly maxHeadStreamBufferedBytes: number;
}

export const DEFAULT_P2P_TUNING: P2PTuning = {
  requestTimeoutMs: 10_000,
  maxRequestBytes: WIRE_MAX_REQUEST_BYTES,
  maxResponseBytes: WIRE_MAX_RESPONSE_BYTES + 16, // + envelope tag and length
  dialTimeoutMs: 5_000,
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
  banThreshold: 100,
  banMs: 10 * 60_000,
  scoreHalfLifeMs: 60_000,
  penaltyReject: 10,
  penaltyGarbage: 25,
  penaltyOversize: 50,
  penaltyExplicit: 20,
  lazyForwardBytes: 16 * 1024,
  inboundConnectionsPerSecondPerHost: 100,
  maxRelayReservations: 256,
  maxHeadStreamsPerPeer: 4,
  maxHeadStreamBufferedBytes: 512 * 1024,
};

export interface P2PHostConfig {
  /** 32-byte Ed25519 seed: the libp2p identity (same seed, same peer id). */
  readonly privateKeySeed: Uint8Array;
  readonly listen: {
    /** e.g. '/ip4/127.0.0.1/tcp/0/ws' */
    readonly ws?: string;
    /** e.g. '/ip4/127.0.0.1/udp/0/webrtc-direct' */
    readonly webrtcDirect?: string;
  };
  /** Addresses announced instead of the listen addresses (public deployments). */
  readonly announce?: readonly string[];
  /** Multiaddrs dialled at start and redialled with backoff whenever the connection drops. */
  readonly bootstrap: readonly string[];
  readonly chainId: string;
  readonly logger?: P2PLogger;
  /** Methods served (default: every WireMethod; `heads` only when the handlers have `onFinalized`). */
  readonly requestMethods?: readonly string[];
  readonly tuning?: Partial<P2PTuning>;
}

export interface P2PHandlers {
  /** Validates a gossip message (called once per distinct message). 'reject' charges the sender. */
  onGossip(topic: GossipTopic, fromPeer: string, data: Uint8Array): GossipVerdict;
  /** Serves a request; a thrown DipnetError reaches the caller with its code. */
  onRequest(method: string, body: Uint8Array, fromPeer: string): Promise<Uint8Array>;
  /** A gossip peer came (up = true) or went. */
  onPeer?(peerId: string, up: boolean): void;
  /** Finalised heads, pushed to `heads` streams; returns an unsubscribe function. */
  onFinalized?(listener: (e: HeaderWithCommit) => void): () => void;
}

export interface P2PHost {
  readonly peerId: string;
  /** Listen (or announce) multiaddrs, each ending in /p2p/<peerId>. */
  multiaddrs(): string[];
  /** Floods a message to all gossip peers. Throws RangeError above the topic's size limit. */
  /** `repeat` re-sends a message published before (peers that saw it drop it; peers that reconnected since get it). */
  publish(topic: GossipTopic, data: Uint8Array, repeat?: boolean): void;
  /**
   * One request/response exchange. Resolves with the response body; rejects with the remote's
   * DipnetError (same code), or a P2PRequestError ('timeout' | 'unreachable' | 'protocol' | 'remote').
   */
  request(peerId: string, method: string, body: Uint8Array, timeoutMs?: number): Promise<Uint8Array>;
  /** Peers with an open connection (validators, light clients, relayed browsers). */
  connectedPeers(): string[];
  /** Charges a peer for misbehaviour seen above the network layer (e.g. an invalid signature). */
  penalize(peerId: string, reason: string): void;
  stop(): Promise<void>;
}

// P2PHost is the node's Network (../network.ts); fail to compile if the two drift apart.
const _isNetwork: P2PHost extends Network ? true : never = true;
void _isNetwork;

const STABLE_CONNECTION_MS = 10_000;

interface BootTarget {
  readonly addr: Multiaddr;
  peerId: string | null;
  attempt: number;
  connectedAt: number;
  timer: ReturnType<typeof setTimeout> | null;
  dialing: boolean;
}

export async function createP2PHost(config: P2PHostConfig, handlers: P2PHandlers): Promise<P2PHost> {
  if (!(config.privateKeySeed instanceof Uint8Array) || config.privateKeySeed.length !== 32) {
    throw new RangeError('privateKeySeed must be 32 bytes');
  }
  const tuning: P2PTuning = { ...DEFAULT_P2P_TUNING, ...config.tuning };
  const logger = config.logger ?? {};
  const log = (level: 'debug' | 'info' | 'warn', msg: string, ctx: Record<string, unknown> = {}): void => logger[level]?.(ctx, msg);

  let node: Libp2p | null = null;
  let stopped = false;

  const scorer = new PeerScorer({
    threshold: tuning.banThreshold,
    halfLifeMs: tuning.scoreHalfLifeMs,
    banMs: tuning.banMs,
    onBan: (peerId, reason, until) => {
      log('warn', 'banning peer', { peer: peerId, reason, until: new Date(until).toISOString() });
      if (node && !stopped) {
        node.hangUp(peerIdFromString(peerId)).catch((err: unknown) => log('debug', 'hangUp failed', { peer: peerId, err: errText(err) }));
      }
    },
  });
  const charge = (peerId: string, amount: number, reason: string): void => {
    if (peerId === selfId) return;
    log('debug', 'penalty', { peer: peerId, amount, reason });
    scorer.penalize(peerId, amount, reason);
  };

  const listen: string[] = [];
  if (config.listen.ws) listen.push(config.listen.ws);
  if (config.listen.webrtcDirect) listen.push(config.listen.webrtcDirect);

  const privateKey = await generateKeyPairFromSeed('Ed25519', config.privateKeySeed);
  node = await createLibp2p({
    privateKey,
    addresses: { listen, ...(config.announce ? { announce: [...config.announce] } : {}) },
    transports: [webSockets(), webRTCDirect()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      // Devnets run on loopback/private addresses.
      denyDialMultiaddr: () => false,
      denyDialPeer: (p: PeerId) => scorer.isBanned(p.toString()),
      denyInboundEncryptedConnection: (p: PeerId) => scorer.isBanned(p.toString()),
      denyOutboundEncryptedConnection: (p: PeerId) => scorer.isBanned(p.toString()),
    },
    connectionManager: {
      inboundConnectionThreshold: tuning.inboundConnectionsPerSecondPerHost,
      dialTimeout: tuning.dialTimeoutMs,
    },
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer({ reservations: { maxReservations: tuning.maxRelayReservations } }),
    },
  });
  const libp2p = node;
  const selfId = libp2p.peerId.toString();
  try {
    return await setUp();
  } catch (err) {
    stopped = true;
    await Promise.resolve(libp2p.stop()).catch(() => {});
    throw err;
  }

  async function setUp(): Promise<P2PHost> {
    // ---- gossip ------------------------------------------------------------------------------
    const gossip = new FloodGossip({
      node: libp2p,
      protocol: `/dipnet/${config.chainId}/gossip/1`,
      limits: { ...DEFAULT_GOSSIP_LIMITS, lazyForwardBytes: tuning.lazyForwardBytes },
      validate: (topic, from, data) => handlers.onGossip(topic, from, data),
      fault: (peerId: string, fault: GossipFault, detail: string) => {
        const amount = fault === 'reject' ? tuning.penaltyReject : fault === 'oversize' ? tuning.penaltyOversize : tuning.penaltyGarbage;
        charge(peerId, amount, `gossip ${fault}: ${detail}`);
      },
      isBanned: (peerId) => scorer.isBanned(peerId),
      ...(handlers.onPeer ? { onPeer: handlers.onPeer } : {}),
      log: (level, msg, ctx) => log(level, msg, ctx),
    });
    await gossip.start();

    // ---- request/response server --------------------------------------------------------------
    const methods = (config.requestMethods ?? WIRE_METHODS).filter((m) => m !== WireMethod.heads);
    const serve = async (method: string, stream: Stream, connection: Connection): Promise<void> => {
      const from = connection.remotePeer.toString();
      const signal = AbortSignal.timeout(tuning.requestTimeoutMs);
      let body: Uint8Array;
      try {
        body = await readOneFrame(stream, tuning.maxRequestBytes, signal);
      } catch (err) {
        if (err instanceof DipnetError) charge(from, tuning.penaltyGarbage, `bad ${method} request frame: ${err.message}`);
        stream.abort(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      let result: WireResult;
      try {
        result = { ok: true, body: await handlers.onRequest(method, body, from) };
      } catch (err) {
        result = wireResultFromError(err);
        if (err instanceof DipnetError && err.code.startsWith('DECODE_')) charge(from, tuning.penaltyGarbage / 5, `undecodable ${method} request`);
        else if (!(err instanceof DipnetError)) log('warn', 'request handler failed', { method, peer: from, err: errText(err) });
      }
      let payload: Uint8Array;
      try {
        payload = encodeWireResult(result);
        if (payload.length > tuning.maxResponseBytes) throw new RangeError(`response of ${payload.length} bytes exceeds ${tuning.maxResponseBytes}`);
      } catch (err) {
        log('warn', 'response not encodable', { method, err: errText(err) });
        payload = encodeWireResult({ ok: false, code: null, message: 'response too large' });
      }
      try {
        stream.send(encodeFrame(payload));
        await stream.close({ signal });
      } catch (err) {
        stream.abort(err instanceof Error ? err : new Error(String(err)));
      }
    };
    for (const method of methods) {
      await libp2p.handle(wireProtocolId(config.chainId, method), (stream, connection) => serve(method, stream, connection), {
        maxInboundStreams: 64,
      });
    }

    // ---- heads push stream ----------------------------------------------------------------------
    const subscribe = handlers.onFinalized?.bind(handlers);
    const headPush = subscribe && (config.requestMethods ?? WIRE_METHODS).includes(WireMethod.heads)
      ? new HeadPush({
        subscribe,
        maxStreamsPerPeer: tuning.maxHeadStreamsPerPeer,
        maxBufferedBytes: tuning.maxHeadStreamBufferedBytes,
        requestTimeoutMs: tuning.requestTimeoutMs,
        maxRequestBytes: tuning.maxRequestBytes,
        onGarbage: (peerId, reason) => charge(peerId, tuning.penaltyGarbage, reason),
        log: (level, msg, ctx) => log(level, msg, ctx),
      })
      : null;
    if (headPush) {
      await libp2p.handle(wireProtocolId(config.chainId, WireMethod.heads), (stream, connection) => headPush.serve(stream, connection.remotePeer.toString()), {
        maxInboundStreams: 64,
      });
    }

    // ---- bootstrap / reconnect -----------------------------------------------------------------
    const targets: BootTarget[] = [];
    for (const a of config.bootstrap) {
      let addr: Multiaddr;
      try {
        addr = multiaddr(a);
      } catch (err) {
        log('warn', 'ignoring bad bootstrap multiaddr', { addr: a, err: errText(err) });
        continue;
      }
      const pid = addr.getComponents().find((c) => c.name === 'p2p')?.value ?? null;
      if (pid === selfId) continue;
      targets.push({ addr, peerId: pid, attempt: 0, connectedAt: 0, timer: null, dialing: false });
    }

    const ownTransportAddrs = (): Set<string> =>
      new Set(libp2p.getMultiaddrs().map((m) => m.decapsulateCode(421 /* p2p */).toString()));

    const backoff = (attempt: number): number => backoffMs(attempt, tuning.backoffInitialMs, tuning.backoffMaxMs);

    const schedule = (t: BootTarget, delayMs: number): void => {
      if (stopped || t.timer || t.dialing) return;
      t.timer = setTimeout(() => {
        t.timer = null;
        void dialTarget(t);
      }, delayMs);
      t.timer.unref?.();
    };

    const isConnected = (peerId: string): boolean => libp2p.getConnections(peerIdFromString(peerId)).some((c) => c.status === 'open');

    const dialTarget = async (t: BootTarget): Promise<void> => {
      if (stopped || t.dialing) return;
      if (t.peerId) {
        if (isConnected(t.peerId)) return;
        const bannedUntil = scorer.bannedUntil(t.peerId);
        if (bannedUntil > 0) {
          schedule(t, bannedUntil - Date.now() + 10);
          return;
        }
      }
      if (ownTransportAddrs().has(t.addr.decapsulateCode(421).toString())) return; // that's us
      t.dialing = true;
      try {
        const conn = await libp2p.dial(t.addr, { signal: AbortSignal.timeout(tuning.dialTimeoutMs) });
        t.dialing = false;
        if (conn.remotePeer.toString() === selfId) return;
        t.peerId = conn.remotePeer.toString();
        t.connectedAt = Date.now();
        log('debug', 'bootstrap peer connected', { addr: t.addr.toString(), peer: t.peerId });
      } catch (err) {
        t.dialing = false;
        if (stopped) return;
        const delay = backoff(t.attempt++);
        log('debug', 'bootstrap dial failed', { addr: t.addr.toString(), attempt: t.attempt, retryInMs: delay, err: errText(err) });
        schedule(t, delay);
      }
    };

    const onPeerDisconnect = (evt: CustomEvent<PeerId>): void => {
      const id = evt.detail.toString();
      for (const t of targets) {
        if (t.peerId !== id) continue;
        // A connection that lasted resets the backoff; one that keeps dropping at once keeps it growing.
        if (t.connectedAt > 0 && Date.now() - t.connectedAt >= STABLE_CONNECTION_MS) t.attempt = 0;
        schedule(t, backoff(t.attempt++));
      }
    };
    libp2p.addEventListener('peer:disconnect', onPeerDisconnect);
    const onPeerConnect = (evt: CustomEvent<PeerId>): void => {
      const id = evt.detail.toString();
      for (const t of targets) {
        if (t.peerId === id) {
          t.connectedAt = Date.now();
          if (t.timer) {
            clearTimeout(t.timer);
            t.timer = null;
          }
        }
      }
    };
    libp2p.addEventListener('peer:connect', onPeerConnect);
    for (const t of targets) schedule(t, 0);

    log('info', 'p2p host started', { peerId: selfId, addrs: libp2p.getMultiaddrs().map(String) });

    // ---- the host ------------------------------------------------------------------------------
    return {
      peerId: selfId,

      multiaddrs: () => libp2p.getMultiaddrs().map((m) => m.toString()),

      publish: (topic, data, repeat) => {
        if (stopped) throw new Error('p2p host stopped');
        gossip.publish(topic, data, repeat);
      },

      async request(peerId, method, body, timeoutMs = tuning.requestTimeoutMs) {
        if (stopped) throw new Error('p2p host stopped');
        if (body.length > tuning.maxRequestBytes) throw new RangeError(`request of ${body.length} bytes exceeds ${tuning.maxRequestBytes}`);
        const signal = AbortSignal.timeout(timeoutMs);
        let stream: Stream;
        try {
          stream = await libp2p.dialProtocol(peerIdFromString(peerId), wireProtocolId(config.chainId, method), { signal });
        } catch (err) {
          if (signal.aborted) throw new P2PRequestError('timeout', `${method}: timed out opening a stream to ${peerId}`, { cause: err });
          throw new P2PRequestError('unreachable', `${method}: cannot open a stream to ${peerId}: ${(err as Error)?.message ?? err}`, { cause: err });
        }
        const reading = readOneFrame(stream, tuning.maxResponseBytes, signal);
        reading.catch(() => {}); // awaited below; keeps an early failure from being unhandled
        let frame: Uint8Array;
        try {
          stream.send(encodeFrame(body));
          await stream.close({ signal }); // our half: the request is complete
          frame = await reading;
        } catch (err) {
          stream.abort(err instanceof Error ? err : new Error(String(err)));
          if (err instanceof DipnetError || err instanceof P2PRequestError) throw err;
          if (signal.aborted) throw new P2PRequestError('timeout', `${method}: timed out waiting for ${peerId}`, { cause: err });
          throw new P2PRequestError('protocol', `${method}: exchange with ${peerId} failed: ${(err as Error)?.message ?? err}`, { cause: err });
        }
        // The server closes its half after the response frame, so the stream is now done.
        const result = decodeWireResult(frame);
        if (result.ok) return result.body;
        if (result.code !== null) throw new DipnetError(result.code, result.message);
        throw new P2PRequestError('remote', `${method} failed at ${peerId}: ${result.message}`);
      },

      connectedPeers: () => libp2p.getPeers().map((p) => p.toString()),

      penalize: (peerId, reason) => charge(peerId, tuning.penaltyExplicit, reason),

      async stop() {
        if (stopped) return;
        stopped = true;
        for (const t of targets) {
          if (t.timer) clearTimeout(t.timer);
          t.timer = null;
        }
        libp2p.removeEventListener('peer:disconnect', onPeerDisconnect);
        libp2p.removeEventListener('peer:connect', onPeerConnect);
        headPush?.stop();
        await gossip.stop();
        await libp2p.stop();
        log('info', 'p2p host stopped', { peerId: selfId });
      },
    };
  }
}
