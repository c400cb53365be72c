/**
 * createLightClient: the light client with every transport — libp2p for `multiaddrs` (one shared
 * node), HTTP/SSE for `relays`, then `sources` — and the store the options name. A bundle that
 * only talks to relays uses createRelayOnlyLightClient (relay-only.ts), which imports no libp2p.
 */
import type { LightClient, LightClientOptions } from './api.ts';
import { createLightClientWith, type LightClientParts } from './client.ts';
import { defaultStore, relaySources } from './client/parts.ts';
import { Libp2pConnector, Libp2pSource } from './transport/libp2p.ts';
import type { LightSource } from './transport/types.ts';

const parts: LightClientParts = {
  sources(opts) {
    const sources: LightSource[] = [...(opts.preferredSources ?? [])];
    const connector = opts.multiaddrs?.length ? new Libp2pConnector() : null;
    for (const a of opts.multiaddrs ?? []) sources.push(new Libp2pSource(a, opts.chainId, connector!, opts.libp2pOptions));
    sources.push(...relaySources(opts), ...(opts.sources ?? []));
    return { sources, ...(connector ? { stop: () => connector.stop() } : {}) };
  },
  store: defaultStore,
};

/** Creates a light client, restores or establishes its trust root, and syncs to the sources' head. */
export function createLightClient(options: LightClientOptions): Promise<LightClient> {
  return createLightClientWith(options, parts);
}
