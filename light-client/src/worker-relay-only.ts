/**
 * The light-client worker without libp2p in its bundle: the same comlink API as
 * `@dipnet/light-client/worker`, over createRelayOnlyLightClient — relays (HTTP + SSE) and, with
 * the page's WebRTC bridge attached, the `/webrtc-direct` nodes the page dials. Other multiaddrs
 * (WebSockets, which the worker would dial itself) are refused with LC_INVALID_ARGUMENT.
 *
 *   // worker.js (bundled):   import { exposeRelayOnlyLightClient } from '@dipnet/light-client/worker-relay-only';
 *   //                        exposeRelayOnlyLightClient();
 */
import type { Endpoint } from 'comlink';
import type { LightClientOptions } from './api.ts';
import { createRelayOnlyLightClient } from './relay-only.ts';
import { createWorkerApiWith, exposeLightClientWith, type LightClientFactory, type LightClientWorkerApi } from './worker-api.ts';

export { connectLightClientWorker, installErrorTransfer, proxy, type LightClientWorkerApi, type WorkerLightClientOptions } from './worker-api.ts';

const relayOnly: LightClientFactory = (options: LightClientOptions) => createRelayOnlyLightClient(options);

/** The worker's API over createRelayOnlyLightClient. */
export const createRelayOnlyWorkerApi = (): LightClientWorkerApi => createWorkerApiWith(relayOnly);

/** In the worker: serves the relay-only API on `endpoint` (default: the worker's global scope). */
export function exposeRelayOnlyLightClient(endpoint?: Endpoint): void {
  exposeLightClientWith(relayOnly, endpoint);
}
