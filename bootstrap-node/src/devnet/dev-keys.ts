/**
 * Deterministic development keys. They are public knowledge: use them only on a local devnet.
 */
import { keyPairFromSecret, sha256, utf8, type KeyPair } from '@dipnet/protocol';

export const devKey = (name: string): KeyPair => keyPairFromSecret(sha256(utf8(`dipnet-devnet-key/${name}`)));
export const devValidatorKey = (i: number): KeyPair => devKey(`validator-${i}`);
/** Seed of validator i's libp2p identity (distinct from its consensus key). */
export const devPeerSeed = (i: number): Uint8Array => sha256(utf8(`dipnet-devnet-peer/${i}`));
