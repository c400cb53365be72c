/**
 * The viewer page's Web Worker: the DIPNET light client (verification off the main thread),
 * served over comlink. The page starts it with `connectLightClientWorker(worker).start(…)`.
 */
import { exposeLightClient } from '@dipnet/light-client/worker';

exposeLightClient();
