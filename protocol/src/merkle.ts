/**
 * Binary Merkle root over a list of hashes (tx ids, evidence), RFC 6962 shape: leaves and inner
 * nodes hashed under different prefixes, the split at the largest power of two below n.
 */
import { taggedHash, tagPrefix, digestParts } from './hash.ts';

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

export function merkleRoot(tag: string, leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return taggedHash(tag);
  return subtree(tagPrefix(tag), leaves, 0, leaves.length);
}

function subtree(prefix: Uint8Array, leaves: readonly Uint8Array[], from: number, to: number): Uint8Array {
  const n = to - from;
  if (n === 1) return digestParts([prefix, LEAF, leaves[from]!]);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return digestParts([prefix, NODE, subtree(prefix, leaves, from, from + k), subtree(prefix, leaves, from + k, to)]);
}
