/**
 * Hashing. SHA-256 everywhere; every hashed object is prefixed with a domain tag so that the
 * hash of one kind of object can never equal the hash of another kind.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { utf8, concatBytes } from './bytes.ts';

export const HASH_LENGTH = 32;
export const ZERO_HASH = new Uint8Array(HASH_LENGTH);

/** A SHA-256 over the concatenation of `parts`. */
export interface Sha256Implementation {
  digest(parts: readonly Uint8Array[]): Uint8Array;
}

const nobleImplementation: Sha256Implementation = {
  digest(parts) {
    const h = nobleSha256.create();
    for (const p of parts) h.update(p);
    return h.digest();
  },
};

let implementation = nobleImplementation;

/**
 * Swaps in a faster SHA-256 (the node passes node:crypto's, ~3x the portable rate). Results must
 * be identical; a test checks the node's against this module's own.
 */
export function setSha256Implementation(impl: Sha256Implementation | null): void {
  implementation = impl ?? nobleImplementation;
}

export const sha256 = (data: Uint8Array): Uint8Array => implementation.digest([data]);

const tagCache = new Map<string, Uint8Array>();
function tagBytes(tag: string): Uint8Array {
  let t = tagCache.get(tag);
  if (!t) {
    const raw = utf8(tag);
    t = concatBytes(new Uint8Array([raw.length]), raw);
    tagCache.set(tag, t);
  }
  return t;
}

/** H(len(tag) || tag || data): a domain-separated hash. */
export function taggedHash(tag: string, ...data: Uint8Array[]): Uint8Array {
  return implementation.digest([tagBytes(tag), ...data]);
}

/**
 * The parts of `taggedHash` for hashing many values under one tag (tree nodes): `tagPrefix`
 * once, then `digestParts([prefix, ...data])` per value.
 */
export const tagPrefix = (tag: string): Uint8Array => tagBytes(tag);
export const digestParts = (parts: readonly Uint8Array[]): Uint8Array => implementation.digest(parts);

/** Domain tags in one place, so no two kinds of object share one. */
export const HashTag = {
  header: 'dipnet/header/v1',
  tx: 'dipnet/tx/v1',
  validatorSet: 'dipnet/validator-set/v1',
  commit: 'dipnet/commit/v1',
  txRoot: 'dipnet/tx-root/v1',
  evidenceRoot: 'dipnet/evidence-root/v1',
  attackEvidence: 'dipnet/light-client-attack/v1',
  address: 'dipnet/address/v1',
  stateKey: 'dipnet/state-key/v1',
  stateLeaf: 'dipnet/smt-leaf/v1',
  stateNode: 'dipnet/smt-node/v1',
  stateValue: 'dipnet/smt-value/v1',
  block: 'dipnet/block/v1',
} as const;
