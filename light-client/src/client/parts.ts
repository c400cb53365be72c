/**
 * The parts of a light client that need no libp2p, shared by createLightClient (create.ts) and
 * createRelayOnlyLightClient (relay-only.ts): relay sources, and the store the options name
 * (default: IndexedDB where the platform has it, memory otherwise).
 */
import type { LightClientOptions } from '../api.ts';
import { RelayHttpSource } from '../transport/relay-http.ts';
import type { LightSource } from '../transport/types.ts';
import { MemoryStore } from '../store/memory.ts';
import { IndexedDbStore } from '../store/indexeddb.ts';
import type { LightStore } from '../store/types.ts';

/** A source per relay URL. */
export function relaySources(opts: LightClientOptions): LightSource[] {
  return (opts.relays ?? []).map((u) => new RelayHttpSource(u, opts.relayOptions));
}

export function defaultStore(opts: LightClientOptions): LightStore {
  const st = opts.store ?? (typeof globalThis.indexedDB !== 'undefined' ? 'indexeddb' : 'memory');
  return st === 'memory' ? new MemoryStore() : st === 'indexeddb' ? new IndexedDbStore(opts.chainId) : st;
}
