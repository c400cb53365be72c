/** node:crypto SHA-256 for the protocol's hashes (same digests, ~3x the portable JS rate). */
import { createHash } from 'node:crypto';
import { setSha256Implementation, type Sha256Implementation } from '@dipnet/protocol';

export const nativeSha256: Sha256Implementation = {
  digest(parts) {
    const h = createHash('sha256');
    for (const p of parts) h.update(p);
    const d = h.digest();
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  },
};

export const useNativeSha256 = (): void => setSha256Implementation(nativeSha256);
