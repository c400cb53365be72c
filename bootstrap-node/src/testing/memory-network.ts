/**
 * An in-process network for running several real nodes in one process (consensus tests):
 * same interface as the libp2p host, messages delivered asynchronously, links that can be cut.
 */
import type { GossipTopic, Network, NetworkHandlers } from '../network.ts';

export class MemoryHub {
  private readonly nodes = new Map<string, NetworkHandlers>();
  private readonly down = new Set<string>();

  join(peerId: string, handlers: NetworkHandlers): Network {
    this.nodes.set(peerId, handlers);
    this.down.delete(peerId);
    const hub = this;
    return {
      peerId,
      multiaddrs: () => [],
      publish(topic: GossipTopic, data: Uint8Array) {
        if (hub.down.has(peerId)) return;
        for (const [id, h] of hub.nodes) {
          if (id === peerId) continue;
          setImmediate(() => {
            // Not to a node that left (stopped) since the message was sent.
            if (hub.nodes.get(id) === h && !hub.down.has(id) && !hub.down.has(peerId)) h.onGossip(topic, peerId, data);
          });
        }
      },
      async request(target: string, method: string, body: Uint8Array) {
        const h = hub.nodes.get(target);
        if (!h || hub.down.has(target) || hub.down.has(peerId)) throw new Error(`peer ${target} unreachable`);
        return h.onRequest(method, body, peerId);
      },
      connectedPeers: () => (hub.down.has(peerId) ? [] : [...hub.nodes.keys()].filter((id) => id !== peerId && !hub.down.has(id))),
      penalize() {},
      async stop() {
        hub.nodes.delete(peerId);
      },
    };
  }

  /** Cuts (or restores) every link of a node without stopping it. */
  setDown(peerId: string, isDown: boolean): void {
    if (isDown) this.down.add(peerId);
    else this.down.delete(peerId);
  }
}
