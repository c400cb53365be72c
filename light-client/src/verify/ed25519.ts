/**
 * Ed25519 signature verification as a protocol `SignatureVerifier`: the platform's WebCrypto
 * (browsers and Node 22 both have `crypto.subtle` Ed25519, ~10x faster than portable code) with
 * the protocol's portable `nobleVerifier` as the fallback where WebCrypto lacks Ed25519. The
 * fallback follows OpenSSL's and BoringSSL's rule (protocol/src/ed25519-verify.ts), so both
 * accept exactly the same signatures. Public keys are imported once and cached, so a validator
 * set's keys are decoded once, not per header.
 */
import { nobleVerifier, sign, keyPairFromSecret, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, toHex, utf8, sha256, type SignatureVerifier } from '@dipnet/protocol';

export type VerifierKind = 'webcrypto' | 'noble';

export interface Ed25519Verifier extends SignatureVerifier {
  readonly kind: VerifierKind;
}

const MAX_CACHED_KEYS = 2048;

/** A copy backed by a plain ArrayBuffer (WebCrypto's BufferSource type excludes shared buffers). */
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => (b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b));

class WebCryptoVerifier implements Ed25519Verifier {
  readonly kind = 'webcrypto' as const;
  private readonly keys = new Map<string, Promise<CryptoKey>>();

  constructor(private readonly subtle: SubtleCrypto) {}

  private key(publicKey: Uint8Array): Promise<CryptoKey> {
    const id = toHex(publicKey);
    let k = this.keys.get(id);
    if (!k) {
      k = this.subtle.importKey('raw', buf(publicKey), { name: 'Ed25519' }, false, ['verify']);
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(id, k);
      k.catch(() => this.keys.delete(id));
    }
    return k;
  }

  async verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false;
    try {
      return await this.subtle.verify({ name: 'Ed25519' }, await this.key(publicKey), buf(signature), buf(message));
    } catch {
      return false;
    }
  }
}

const nobleKind: Ed25519Verifier = { kind: 'noble', verify: (p, m, s) => nobleVerifier.verify(p, m, s) };

let probe: Promise<Ed25519Verifier> | null = null;

/**
 * The fastest correct verifier here: WebCrypto if it verifies a known-good signature and rejects a
 * forged one, noble otherwise. `prefer: 'noble'` forces the portable one.
 */
export function createEd25519Verifier(prefer?: VerifierKind): Promise<Ed25519Verifier> {
  if (prefer === 'noble') return Promise.resolve(nobleKind);
  probe ??= (async () => {
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) return nobleKind;
    try {
      const k = keyPairFromSecret(sha256(utf8('dipnet-light-client/ed25519-probe')));
      const msg = utf8('probe');
      const sig = sign(k.secretKey, msg);
      const v = new WebCryptoVerifier(subtle);
      const bad = sig.slice();
      bad[0]! ^= 1;
      if ((await v.verify(k.publicKey, msg, sig)) && !(await v.verify(k.publicKey, msg, bad))) return v;
    } catch {
      // fall through
    }
    return nobleKind;
  })();
  return probe;
}

/** Wraps a verifier and counts the signatures it checks (tests, benchmarks, metrics). */
export function countingVerifier(inner: SignatureVerifier): SignatureVerifier & { count: number } {
  const v = {
    count: 0,
    verify(p: Uint8Array, m: Uint8Array, s: Uint8Array) {
      v.count++;
      return inner.verify(p, m, s);
    },
  };
  return v;
}
