/** A Node worker_threads stand-in for the browser's dedicated worker (tests). */
import { parentPort } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { exposeLightClient } from '../worker.ts';

exposeLightClient(nodeEndpoint(parentPort as never));
