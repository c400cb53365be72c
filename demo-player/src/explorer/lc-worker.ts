/** The explorer's light client, in a dedicated module Web Worker (verification off the main thread). */
import { exposeLightClient } from '@dipnet/light-client/worker';

exposeLightClient();
