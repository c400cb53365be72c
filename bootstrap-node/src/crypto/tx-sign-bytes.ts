/**
 * What a tx's signature covers, cut from its signed encoding (the tx's encoding followed by the
 * signature) instead of re-encoding the decoded tx: decoding is strict and canonical, so the two
 * are the same bytes. The domain prefix (sign tag, domain byte, chain id) is encoded once per
 * chain id, so a tx costs one allocation and two copies.
 */
import { signBytes, SignDomain, SIGNATURE_LENGTH } from '@dipnet/protocol';

const prefixes = new Map<string, Uint8Array>();

function prefixFor(chainId: string): Uint8Array {
  let p = prefixes.get(chainId);
  if (!p) {
    // signBytes ends with the payload's u32 length and the payload: drop the empty payload's length.
    p = signBytes(SignDomain.tx, chainId, new Uint8Array(0)).slice(0, -4);
    if (prefixes.size >= 16) prefixes.clear();
    prefixes.set(chainId, p);
  }
  return p;
}

export function signedTxSignBytes(signedTxBytes: Uint8Array, chainId: string): Uint8Array {
  const prefix = prefixFor(chainId);
  const n = signedTxBytes.length - SIGNATURE_LENGTH;
  if (n < 0) throw new RangeError('not a signed tx encoding');
  const out = new Uint8Array(prefix.length + 4 + n);
  out.set(prefix, 0);
  new DataView(out.buffer).setUint32(prefix.length, n);
  out.set(signedTxBytes.subarray(0, n), prefix.length + 4);
  return out;
}
