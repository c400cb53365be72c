/** A Node worker_threads stand-in for the browser's dedicated worker, relay-only (tests). */
import { parentPort } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { exposeRelayOnlyLightClient } from '../worker-relay-only.ts';

exposeRelayOnlyLightClient(nodeEndpoint(parentPort as never));
