/**
 * The Ed25519 vector page: runs each vector through Chromium's `crypto.subtle` directly
 * (BoringSSL), through the light client's WebCrypto verifier, and through the light client's
 * portable fallback, all as bundled for the browser. Exposed on `window.ed25519Vectors` for
 * Playwright; vectors cross as hex.
 */
import { fromHex as protocolFromHex } from '@dipnet/protocol';
import { createEd25519Verifier } from '@dipnet/light-client/verify/ed25519';

export interface HexVector {
  readonly publicKey: string;
  readonly message: string;
  readonly signature: string;
}

export interface PageAnswers {
  readonly subtle: boolean[];
  readonly webcrypto: boolean[];
  readonly fallback: boolean[];
  readonly webcryptoKind: string;
  readonly fallbackKind: string;
}

/** WebCrypto wants bytes over a plain ArrayBuffer. */
const fromHex = (hex: string): Uint8Array<ArrayBuffer> => new Uint8Array(protocolFromHex(hex));

/** What crypto.subtle answers; an import or verify that throws is a refusal. */
async function subtleVerify(publicKey: Uint8Array<ArrayBuffer>, message: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
  } catch {
    return false;
  }
}

async function verifyAll(vectors: readonly HexVector[]): Promise<PageAnswers> {
  const webcrypto = await createEd25519Verifier();
  const fallback = await createEd25519Verifier('noble');
  const out = { subtle: [] as boolean[], webcrypto: [] as boolean[], fallback: [] as boolean[], webcryptoKind: webcrypto.kind, fallbackKind: fallback.kind };
  for (const v of vectors) {
    const [k, m, s] = [fromHex(v.publicKey), fromHex(v.message), fromHex(v.signature)];
    out.subtle.push(await subtleVerify(k, m, s));
    out.webcrypto.push(await webcrypto.verify(k, m, s));
    out.fallback.push(await fallback.verify(k, m, s));
  }
  return out;
}

(window as unknown as { ed25519Vectors: { verifyAll: typeof verifyAll } }).ed25519Vectors = { verifyAll };
document.getElementById('status')!.textContent = 'ready';
