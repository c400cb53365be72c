/**
 * The browser worker under test: light-client/src/worker.ts's API (the same `createWorkerApi()`
 * that `exposeLightClient()` serves) plus one probe for the test, the Ed25519 verifier kind the
 * client picked (the same cached probe `createLightClient` awaits), since stats() does not say it.
 */
import { expose } from 'comlink';
import { createWorkerApi, installErrorTransfer } from '../../../light-client/src/worker.ts';
import { createEd25519Verifier } from '../../../light-client/src/verify/ed25519.ts';

installErrorTransfer();
expose({ ...createWorkerApi(), verifierKind: async () => (await createEd25519Verifier()).kind });
