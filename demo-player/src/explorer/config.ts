/**
 * Where the explorer finds the chain: /demo-config.json (written by `npm start`), or the query
 * `?relay=…&chain=…&genesis=…` when there is none. Read defensively: anything malformed is a
 * message for the page, never a crash.
 */
export interface ExplorerConfig {
  readonly chainId: string;
  /** The trust root of the light client (hex). */
  readonly genesisHash: string;
  readonly relays: readonly string[];
  readonly multiaddrs: readonly string[];
  /** Scene prop id → product id (hex), for labels. */
  readonly products: Readonly<Record<string, string>>;
  readonly source: 'demo-config.json' | 'query';
}

export type ConfigResult = { readonly ok: true; readonly config: ExplorerConfig } | { readonly ok: false; readonly problems: readonly string[] };

const HEX32 = /^[0-9a-f]{64}$/i;
const isUrl = (s: unknown): s is string => {
  if (typeof s !== 'string') return false;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};

/** Validates a parsed demo-config.json; unknown keys are ignored, bad entries reported. */
export function parseConfig(raw: unknown, source: ExplorerConfig['source']): ConfigResult {
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problems: ['the configuration is not a JSON object'] };
  const o = raw as Record<string, unknown>;
  const chainId = typeof o.chainId === 'string' && o.chainId.length > 0 ? o.chainId : (problems.push('"chainId" is missing'), '');
  const genesisHash = typeof o.genesisHash === 'string' && HEX32.test(o.genesisHash.replace(/^0x/, '')) ? o.genesisHash.replace(/^0x/, '').toLowerCase()
    : (problems.push('"genesisHash" must be 64 hex digits'), '');
  const relays = Array.isArray(o.relays) ? o.relays.filter(isUrl).map((u) => u.replace(/\/+$/, '')) : [];
  if (relays.length === 0) problems.push('"relays" must list at least one http(s) URL');
  const multiaddrs = Array.isArray(o.multiaddrs) ? o.multiaddrs.filter((m): m is string => typeof m === 'string' && m.startsWith('/')) : [];
  const products: Record<string, string> = {};
  if (typeof o.products === 'object' && o.products !== null && !Array.isArray(o.products)) {
    for (const [k, v] of Object.entries(o.products)) if (typeof v === 'string' && HEX32.test(v)) products[k] = v.toLowerCase();
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { chainId, genesisHash, relays, multiaddrs, products, source } };
}

/** The configuration from the query string, if it names a relay, a chain and a genesis hash. */
export function configFromQuery(search: string): ConfigResult | null {
  const q = new URLSearchParams(search);
  if (!q.has('relay') && !q.has('chain') && !q.has('genesis')) return null;
  return parseConfig({
    chainId: q.get('chain') ?? '', genesisHash: q.get('genesis') ?? '', relays: q.getAll('relay'), multiaddrs: q.getAll('multiaddr'), products: {},
  }, 'query');
}

/** demo-config.json first; then the query; else why neither worked. */
export async function loadConfig(fetchFn: typeof fetch = fetch, search = location.search): Promise<ConfigResult> {
  const fromQuery = configFromQuery(search);
  if (fromQuery?.ok) return fromQuery;
  const problems: string[] = [];
  try {
    const r = await fetchFn('/demo-config.json', { cache: 'no-store' });
    if (r.ok) {
      const text = await r.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
        problems.push('/demo-config.json is not valid JSON');
      }
      if (json !== undefined) {
        const c = parseConfig(json, 'demo-config.json');
        if (c.ok) return c;
        problems.push(...c.problems.map((p) => `/demo-config.json: ${p}`));
      }
    } else {
      problems.push(`/demo-config.json was not found (HTTP ${r.status}): start the devnet with npm start, which writes it`);
    }
  } catch (e) {
    problems.push(`/demo-config.json could not be read: ${(e as Error).message}`);
  }
  if (fromQuery && !fromQuery.ok) problems.push(...fromQuery.problems.map((p) => `query: ${p}`));
  return { ok: false, problems };
}
