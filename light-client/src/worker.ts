/**
 * The light client behind comlink in a dedicated Web Worker, with the full transport set
 * (createLightClient: relays, libp2p WebSockets, the page's WebRTC bridge). The API itself, and
 * how the page and the worker use it, are in worker-api.ts; a worker bundle without libp2p uses
 * worker-relay-only.ts instead.
 */
import type { Endpoint } from 'comlink';
import { createLightClient } from './create.ts';
import { createWorkerApiWith, exposeLightClientWith, type LightClientWorkerApi } from './worker-api.ts';

export {
  connectLightClientWorker, createWorkerApiWith, exposeLightClientWith, installErrorTransfer, proxy,
  type LightClientFactory, type LightClientWorkerApi, type WorkerLightClientOptions,
} from './worker-api.ts';

/** The worker's API over createLightClient. */
export const createWorkerApi = (): LightClientWorkerApi => createWorkerApiWith(createLightClient);

/** In the worker: serves the API on `endpoint` (default: the worker's global scope). */
export function exposeLightClient(endpoint?: Endpoint): void {
  exposeLightClientWith(createLightClient, endpoint);
}
