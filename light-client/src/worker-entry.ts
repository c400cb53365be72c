/**
 * The light-client worker script a site serves (bundled): `new Worker(url, { type: 'module' })`
 * on the page, `connectLightClientWorker(worker)` to talk to it. `<dip-shoppable-video worker=…>`
 * points at this script.
 */
import { exposeLightClient } from './worker.ts';

exposeLightClient();
