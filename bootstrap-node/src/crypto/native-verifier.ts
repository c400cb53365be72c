/**
 * Ed25519 verification with node:crypto (OpenSSL), ~10x the portable noble rate. Public keys
 * are imported once and cached, so a validator set's keys are decoded once, not per signature.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, toHex, type SignatureVerifier } from '@dipnet/protocol';
import { BoundedMap } from '../bounded.ts';

// DER SubjectPublicKeyInfo prefix for an Ed25519 key (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const MAX_CACHED_KEYS = 10_000;

export class NativeVerifier implements SignatureVerifier {
  private readonly keys = new BoundedMap<string, KeyObject>(MAX_CACHED_KEYS);

  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false;
    try {
      return verify(null, message, this.keyObject(publicKey), signature);
    } catch {
      return false;
    }
  }

  private keyObject(publicKey: Uint8Array): KeyObject {
    const id = toHex(publicKey);
    let k = this.keys.get(id);
    if (!k) {
      k = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
      this.keys.set(id, k);
    }
    return k;
  }
}
