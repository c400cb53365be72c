/**
 * What the node needs from its peer-to-peer layer. The libp2p host implements it for real
 * processes; tests of consensus may wire nodes in one process through the same interface.
 */
import type { HeaderWithCommit } from '@dipnet/protocol';

/** `evidence`: light-client conflict evidence (protocol `encodeConflictEvidence`), flooded so every validator can act on it. */
export type GossipTopic = 'consensus' | 'txs' | 'evidence';
export type GossipVerdict = 'accept' | 'reject' | 'ignore';

export interface NetworkHandlers {
  onGossip(topic: GossipTopic, fromPeer: string, data: Uint8Array): GossipVerdict;
  onRequest(method: string, body: Uint8Array, fromPeer: string): Promise<Uint8Array>;
  /** Finalised heads, for networks that push them to light clients (the libp2p `heads` stream). */
  onFinalized?(listener: (e: HeaderWithCommit) => void): () => void;
}

export interface Network {
  readonly peerId: string;
  multiaddrs(): string[];
  /** Floods `data`; `repeat` sends it again even if it was sent before (for peers that missed it). */
  publish(topic: GossipTopic, data: Uint8Array, repeat?: boolean): void;
  request(peerId: string, method: string, body: Uint8Array, timeoutMs?: number): Promise<Uint8Array>;
  connectedPeers(): string[];
  penalize(peerId: string, reason: string): void;
  stop(): Promise<void>;
}
