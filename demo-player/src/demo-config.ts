/**
 * `/demo-config.json`: what the demo pages need to reach the local devnet. Written by `npm start`
 * (`scripts/start.ts`) after it seeded the chain; generated, never committed. Pages load it with
 * `loadDemoConfig()`; nothing in it is trusted for chain data — the light client verifies every
 * value against the genesis hash it pins (`genesisHash`).
 */
import type { ScenePropId } from './scene/scene.ts';

export interface DemoConfig {
  readonly version: 1;
  readonly chainId: string;
  /** 64 hex: the light client's trust root. */
  readonly genesisHash: string;
  /** HTTP relay base URLs of the validators. */
  readonly relays: readonly string[];
  /** libp2p multiaddrs of the validators (WebSockets, WebRTC-direct). */
  readonly multiaddrs: readonly string[];
  /** Product contract id (64 hex) each prop of the sample scene sells. */
  readonly products: Readonly<Record<ScenePropId, string>>;
  /** The devnet-only faucet (POST `{ address }`), or null when the server offers none. */
  readonly faucet: { readonly url: string; readonly amountDpn: string; readonly cooldownMs: number } | null;
  /**
   * DEVNET ONLY, for the studio: the one key it may sign with — `secretKey` (64 hex), the
   * well-known devnet key named `devKey` (Ed25519 from sha256("dipnet-devnet-key/" + name), public
   * knowledge, so scripts can drive the same producer). The page gets this key and no way to
   * derive any other (validators', the sale's). `pin` is a content-addressed store for product
   * metadata (POST bytes → `/pinned/<sha256>`; the chain pins the hash, so the store need not be
   * trusted). Absent or null when the server offers neither.
   */
  readonly studio?: { readonly devKey: string; readonly secretKey: string; readonly pin: string } | null;
  /** When the start script wrote this (ISO 8601). */
  readonly generatedAt: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Reads and checks the shape of `/demo-config.json` (throws with a message a person can act on). */
export async function loadDemoConfig(url = '/demo-config.json'): Promise<DemoConfig> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-store' });
  } catch (e) {
    throw new Error(`could not load ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new Error(`${url} is missing (HTTP ${res.status}): start the demo with \`npm start\`, which seeds the devnet and writes it`);
  return parseDemoConfig(await res.json());
}

export function parseDemoConfig(v: unknown): DemoConfig {
  const c = v as Partial<DemoConfig> | null;
  const bad = (what: string): never => {
    throw new Error(`demo-config.json: ${what}`);
  };
  if (typeof c !== 'object' || c === null) return bad('not a JSON object');
  if (c.version !== 1) bad(`unknown version ${String(c.version)}`);
  if (typeof c.chainId !== 'string' || !c.chainId) bad('chainId missing');
  if (typeof c.genesisHash !== 'string' || !HEX64.test(c.genesisHash)) bad('genesisHash must be 64 lowercase hex');
  if (!Array.isArray(c.relays) || !c.relays.every((r) => typeof r === 'string')) bad('relays must be a list of URLs');
  if (!Array.isArray(c.multiaddrs) || !c.multiaddrs.every((r) => typeof r === 'string')) bad('multiaddrs must be a list');
  if (c.relays!.length + c.multiaddrs!.length === 0) bad('no relays and no multiaddrs');
  if (typeof c.products !== 'object' || c.products === null) bad('products missing');
  for (const [prop, id] of Object.entries(c.products!)) if (typeof id !== 'string' || !HEX64.test(id)) bad(`product of ${prop} is not a 64-hex id`);
  if (c.studio != null && (typeof c.studio.devKey !== 'string' || typeof c.studio.secretKey !== 'string' || !HEX64.test(c.studio.secretKey) || typeof c.studio.pin !== 'string')) {
    bad('studio must name its devnet key, its 64-hex secret key and the pin URL');
  }
  return c as DemoConfig;
}
