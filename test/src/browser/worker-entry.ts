/**
 * The browser worker under test: light-client/src/worker.ts's API (the same `createWorkerApi()`
 * that `exposeLightClient()` serves) plus one probe for the test, the Ed25519 verifier kind the
 * client picked (the same cached probe `createLightClient` awaits), since stats() does not say it.
 */
import { expose } from 'comlink';
import { createWorkerApi, installErrorTransfer } from '@dipnet/light-client/worker';
import { createEd25519Verifier } from '@dipnet/light-client/verify/ed25519';

installErrorTransfer();
expose({ ...createWorkerApi(), verifierKind: async () => (await createEd25519Verifier()).kind });
