/**
 * Product metadata (description and image) lives off chain at the product's `metadataUri`; the
 * chain pins it with `metadataHash` = SHA-256 of the file's bytes. The widget shows it only when
 * the bytes match, and shows the image only when its own SHA-256 matches `imageSha256` in the
 * verified metadata — a streaming site or CDN cannot swap the picture of what a viewer buys.
 *
 * ```json
 * { "description": "Waxed cotton jacket…", "image": "jacket.png", "imageSha256": "ab12…" }
 * ```
 */
import { toHex } from '@dipnet/protocol';
import { BaseError } from '@dipnet/protocol/base-error';

export interface ProductMetadata {
  readonly description: string;
  /** An object URL of the verified image bytes (revoke when done), or null. */
  readonly imageUrl: string | null;
}

/** Product metadata that cannot be fetched, is too large, or does not match its on-chain hash. */
export class MetadataError extends BaseError<'METADATA_INVALID'> {
  override readonly name = 'MetadataError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('METADATA_INVALID', message, options);
  }
}

const MAX_METADATA_BYTES = 64 * 1024;
const MAX_IMAGE_BYTES = 4 * 1024 * 1024;

const hex = (b: ArrayBuffer): string => toHex(new Uint8Array(b));

async function fetchBytes(url: URL, max: number, signal?: AbortSignal): Promise<ArrayBuffer> {
  const res = await fetch(url, { signal, credentials: 'omit' });
  if (!res.ok) throw new MetadataError(`HTTP ${res.status} for ${url.protocol === 'data:' ? 'a data: URI' : url.pathname}`);
  const body = await res.arrayBuffer();
  if (body.byteLength > max) throw new MetadataError(`${url.pathname} is larger than ${max} bytes`);
  return body;
}

/** Fetches and verifies metadata against the on-chain hash (64 hex). Throws MetadataError. */
export async function loadVerifiedMetadata(uri: string, expectedSha256: string, signal?: AbortSignal): Promise<ProductMetadata> {
  const url = new URL(uri, document.baseURI);
  // data: URIs are fine too: the bytes are checked against the on-chain hash either way.
  if (url.protocol !== 'https:' && url.protocol !== 'http:' && url.protocol !== 'data:') throw new MetadataError('metadata must be served over http(s) or be a data: URI');
  const bytes = await fetchBytes(url, MAX_METADATA_BYTES, signal);
  if (hex(await crypto.subtle.digest('SHA-256', bytes)) !== expectedSha256) throw new MetadataError('the product description does not match its on-chain fingerprint');
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new MetadataError('the product description is not UTF-8 JSON');
  }
  if (typeof doc !== 'object' || doc === null) throw new MetadataError('the product description is not a JSON object');
  const d = doc as Record<string, unknown>;
  const description = typeof d.description === 'string' ? d.description.slice(0, 2000) : '';
  let imageUrl: string | null = null;
  if (typeof d.image === 'string' && typeof d.imageSha256 === 'string' && /^[0-9a-f]{64}$/.test(d.imageSha256)) {
    const imgUrl = new URL(d.image, url);
    if (imgUrl.protocol === 'https:' || imgUrl.protocol === 'http:' || imgUrl.protocol === 'data:') {
      const img = await fetchBytes(imgUrl, MAX_IMAGE_BYTES, signal);
      if (hex(await crypto.subtle.digest('SHA-256', img)) === d.imageSha256) {
        const dataType = imgUrl.protocol === 'data:' ? /^data:([\w/+.-]+)/.exec(imgUrl.href)?.[1] : undefined;
        const type = dataType ?? (/\.svg$/i.test(imgUrl.pathname) ? 'image/svg+xml' : /\.png$/i.test(imgUrl.pathname) ? 'image/png' : 'image/jpeg');
        // An <img> renders SVG without running its scripts; a blob URL keeps the verified bytes.
        imageUrl = URL.createObjectURL(new Blob([img], { type }));
      }
    }
  }
  return { description, imageUrl };
}
