/**
 * The studio's chain: the DIPNET light client in a Web Worker (the viewer's worker entry), trusting
 * only the genesis hash of `/demo-config.json`. Relay lists (`/v1/products`, `/v1/templates`) are
 * hints of what exists; nothing from them is shown until the light client proved it. Also the
 * chain-backed `validateProduct` and the product metadata (a small data: URI, or the devnet pin).
 */
import { isDipnetError, ErrorCode, toHex } from '@dipnet/protocol';
import { connectLightClientWorker } from '@dipnet/light-client/worker';
import type { VerifiedHead, VerifiedProduct, VerifiedTemplate } from '@dipnet/light-client/api';
import type { LightClientRemote } from '../viewer/light-client-panel.ts';
import { trustRootOf } from '@dipnet/widget/shop/light-client-shop';
import type { DemoConfig } from '../demo-config.ts';
import type { RelayResponse } from '@dipnet/bootstrap-node/relay-api';
import type { ProductValidator } from './formats/product.ts';
import { productFormatError } from './formats/product.ts';

export type { VerifiedProduct, VerifiedTemplate, VerifiedHead, LightClientRemote };

const METADATA_URI_MAX = 256;

export interface StudioChain {
  readonly config: DemoConfig;
  readonly lc: LightClientRemote;
  /** Settles with the first verified head. */
  readonly started: Promise<VerifiedHead>;
  /** Relay hint → verified products (newest first); each one proven through the light client. */
  listProducts(limit?: number): Promise<VerifiedProduct[]>;
  /** Relay hint → verified templates (newest first). */
  listTemplates(limit?: number): Promise<VerifiedTemplate[]>;
  product(id: string): Promise<VerifiedProduct>;
  template(id: string): Promise<VerifiedTemplate>;
  /** The chain-backed product check for `<dip-studio>.validateProduct`. */
  readonly validateProduct: ProductValidator;
}

/** Why a product may not be linked (its template closed), or null. */
export function closedReason(p: VerifiedProduct): string | null {
  if (p.open) return null;
  return p.template.status === 'deprecated'
    ? `product contract closed: its template "${p.template.name}" is deprecated (verified at block ${p.height})`
    : `product contract closed: its template "${p.template.name}" is ${p.template.status}, not approved (verified at block ${p.height})`;
}

export function startStudioChain(config: DemoConfig): StudioChain {
  const worker = new Worker(new URL('../light-client.worker.ts', import.meta.url), { type: 'module', name: 'dipnet-light-client' });
  const lc = connectLightClientWorker(worker);
  const started = lc.start({
    chainId: config.chainId,
    trust: trustRootOf(config.genesisHash),
    relays: [...config.relays],
    // A dedicated worker has no RTCPeerConnection: libp2p over WebSockets only (as the viewer).
    multiaddrs: config.multiaddrs.filter((a) => a.includes('/ws/')),
    // The studio's own database: a key made here stays with the studio (the viewer has its own).
    store: 'memory',
  });
  const relay = async <T>(path: string): Promise<T> => {
    let last: unknown;
    for (const base of config.relays) {
      try {
        const r = await fetch(base + path, { headers: { accept: 'application/json' } });
        if (!r.ok) throw new Error(`HTTP ${r.status} from ${base}${path}`);
        return (await r.json()) as T;
      } catch (e) {
        last = e;
      }
    }
    throw last instanceof Error ? last : new Error('no relay answered');
  };
  const settle = async <T>(ids: string[], read: (id: string) => Promise<T>): Promise<T[]> => {
    const got = await Promise.allSettled(ids.map(read));
    return got.flatMap((g) => (g.status === 'fulfilled' ? [g.value] : []));
  };
  const product = async (id: string): Promise<VerifiedProduct> => {
    await started;
    return lc.getProduct(id);
  };
  const template = async (id: string): Promise<VerifiedTemplate> => {
    await started;
    return lc.getTemplate(id);
  };
  const validateProduct: ProductValidator = async (id) => {
    const format = productFormatError(id);
    if (format) return format;
    try {
      return closedReason(await product(id));
    } catch (e) {
      if (isDipnetError(e) && e.code === ErrorCode.PRODUCT_UNKNOWN) {
        const h = (e.details as { height?: string } | undefined)?.height;
        return `no such product contract${h ? ` (proven absent at block ${h})` : ''}`;
      }
      throw e;
    }
  };
  return {
    config, lc, started, product, template, validateProduct,
    async listProducts(limit = 100) {
      const { products } = await relay<RelayResponse<'/v1/products'>>(`/v1/products?limit=${limit}`);
      await started;
      return settle(products.map((p) => p.id), product);
    },
    async listTemplates(limit = 100) {
      const { templates } = await relay<RelayResponse<'/v1/templates'>>(`/v1/templates?limit=${limit}`);
      await started;
      return settle(templates.map((t) => t.id), template);
    },
  };
}

// ---------------------------------------------------------------------------------- metadata

const hex = (b: ArrayBuffer | Uint8Array): string => toHex(b instanceof Uint8Array ? b : new Uint8Array(b));
export const sha256Hex = async (bytes: Uint8Array): Promise<string> => hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));

function base64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export interface PreparedMetadata {
  readonly metadataUri: string;
  /** SHA-256 (hex) of the metadata document's bytes: what goes on chain. */
  readonly metadataHash: string;
  /** Where it lives: inline in the URI, or pinned on the devnet server. */
  readonly where: 'data-uri' | 'pinned';
  readonly bytes: number;
}

async function pin(pinUrl: string, type: string, body: Uint8Array): Promise<{ sha256: string; url: string }> {
  const r = await fetch(pinUrl, { method: 'POST', headers: { 'content-type': type }, body: body as Uint8Array<ArrayBuffer> });
  const j = (await r.json()) as { sha256?: string; url?: string; error?: { message: string } };
  if (!r.ok || !j.sha256 || !j.url) throw new Error(`pinning failed: ${j.error?.message ?? `HTTP ${r.status}`}`);
  // The store is not trusted: the name must be the hash of what we sent.
  if (j.sha256 !== (await sha256Hex(body))) throw new Error('the pin store named the bytes by another hash');
  return { sha256: j.sha256, url: j.url };
}

/**
 * The product's metadata document (widget/src/shop/metadata.ts: `{ description, image?, imageSha256? }`)
 * and where it lives. Without a picture and when it fits, a `data:` URI (≤ 256 bytes, the chain's
 * limit); otherwise the picture and the document are pinned on the devnet's content-addressed store.
 * Either way the chain holds the document's SHA-256, and the document the picture's.
 */
export async function prepareMetadata(
  doc: { name: string; description: string }, image: { bytes: Uint8Array; type: string } | null, pinUrl: string | null,
): Promise<PreparedMetadata> {
  const base = { name: doc.name, description: doc.description };
  if (!image) {
    const bytes = new TextEncoder().encode(JSON.stringify(base));
    const uri = `data:application/json;base64,${base64(bytes)}`;
    if (uri.length <= METADATA_URI_MAX) return { metadataUri: uri, metadataHash: await sha256Hex(bytes), where: 'data-uri', bytes: bytes.length };
    if (!pinUrl) throw new Error(`the description is too long for a data: URI (${uri.length} of ${METADATA_URI_MAX} bytes) and this server offers no pin store`);
  }
  if (!pinUrl) throw new Error('a picture needs the devnet pin store, which this server does not offer');
  const full: Record<string, string> = { ...base };
  if (image) {
    const pinned = await pin(pinUrl, image.type, image.bytes);
    full.image = pinned.url;
    full.imageSha256 = pinned.sha256;
  }
  const bytes = new TextEncoder().encode(JSON.stringify(full));
  const pinned = await pin(pinUrl, 'application/json', bytes);
  return { metadataUri: pinned.url, metadataHash: pinned.sha256, where: 'pinned', bytes: bytes.length };
}
