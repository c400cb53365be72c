/**
 * node:crypto SHA-256 for the protocol's hashes (same digests, ~3x the portable JS rate).
 * One-shot `crypto.hash` (Node ≥ 21.7) costs about half of a `createHash` object for the short
 * inputs the chain hashes (tx ids, addresses, tree nodes); multi-part input is joined first
 * when it is small, streamed otherwise.
 */
import * as crypto from 'node:crypto';
import { setSha256Implementation, type Sha256Implementation } from '@dipnet/protocol';

const ONE_SHOT_MAX = 4096;
const joinBuffer = new Uint8Array(ONE_SHOT_MAX);
const oneShot = (crypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;

const asBytes = (d: Buffer): Uint8Array => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

function streamed(parts: readonly Uint8Array[]): Uint8Array {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return asBytes(h.digest());
}

export const nativeSha256: Sha256Implementation = {
  digest(parts) {
    if (!oneShot) return streamed(parts);
    if (parts.length === 1) return asBytes(oneShot('sha256', parts[0]!, 'buffer'));
    let n = 0;
    for (const p of parts) n += p.length;
    if (n > ONE_SHOT_MAX) return streamed(parts);
    // Joined in a reused buffer: the hash reads it synchronously, and a fresh one per call was a
    // malloc'd backing store for most tagged hashes (tx ids, tree nodes).
    let at = 0;
    for (const p of parts) {
      joinBuffer.set(p, at);
      at += p.length;
    }
    return asBytes(oneShot('sha256', joinBuffer.subarray(0, n), 'buffer'));
  },
};

export const useNativeSha256 = (): void => setSha256Implementation(nativeSha256);
