/**
 * createRelayOnlyLightClient: the light client over relays (HTTP + SSE) and given sources only.
 * It imports no libp2p, so a page or worker bundle built from this entry stays small; the same
 * verification, store and wallet as createLightClient. `multiaddrs` are refused (use
 * createLightClient, or pass a source that reaches nodes another way).
 */
import { LightError, LightErrorCode } from '@dipnet/protocol';
import type { LightClient, LightClientOptions } from './api.ts';
import { createLightClientWith, type LightClientParts } from './client.ts';
import { defaultStore, relaySources } from './client/parts.ts';

export type RelayOnlyLightClientOptions = Omit<LightClientOptions, 'multiaddrs' | 'libp2pOptions'>;

const parts: LightClientParts = {
  sources: (opts) => ({ sources: [...(opts.preferredSources ?? []), ...relaySources(opts), ...(opts.sources ?? [])] }),
  store: defaultStore,
};

/** Creates a relay-only light client, restores or establishes its trust root, and syncs to the sources' head. */
export function createRelayOnlyLightClient(options: RelayOnlyLightClientOptions): Promise<LightClient> {
  if ((options as LightClientOptions).multiaddrs?.length) {
    return Promise.reject(new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'a relay-only light client dials no multiaddrs: use createLightClient'));
  }
  return createLightClientWith(options, parts);
}
