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
  return writeSignBytes(signedTxBytes, chainId, null);
}

let scratch = new Uint8Array(1024);

/**
 * The same bytes in a buffer reused by the next call: for a caller that consumes them at once
 * (a synchronous verify), which saves the per-tx allocation on the admission path.
 */
export function signedTxSignBytesTransient(signedTxBytes: Uint8Array, chainId: string): Uint8Array {
  return writeSignBytes(signedTxBytes, chainId, scratch);
}

function writeSignBytes(signedTxBytes: Uint8Array, chainId: string, into: Uint8Array | null): Uint8Array {
  const prefix = prefixFor(chainId);
  const n = signedTxBytes.length - SIGNATURE_LENGTH;
  if (n < 0) throw new RangeError('not a signed tx encoding');
  const len = prefix.length + 4 + n;
  if (into && into.length < len) into = scratch = new Uint8Array(Math.max(len, scratch.length * 2));
  const out = into ? into.subarray(0, len) : new Uint8Array(len);
  out.set(prefix, 0);
  new DataView(out.buffer, out.byteOffset, len).setUint32(prefix.length, n);
  out.set(signedTxBytes.subarray(0, n), prefix.length + 4);
  return out;
}
