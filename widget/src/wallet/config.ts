/**
 * The wallet's own configuration, served beside its pages on the wallet's origin
 * (`dipnet-wallet.json`): which chains it knows and the trust root of each. The trust root is the
 * wallet's, never the embedding page's: a page that could choose the checkpoint could show the
 * viewer a chain of its own making and get a real order signed for what it displays. A page may
 * name the chain and suggest extra sources (untrusted, like every source).
 *
 * ```json
 * { "chains": { "dipnet-devnet": { "checkpoint": "<64-hex genesis hash>", "relays": ["https://relay…"], "multiaddrs": [] } },
 *   "faucet": { "url": "/faucet" } }   ← a devnet's only
 * ```
 */
import { WalletRefusal, type ChainChoice } from './protocol.ts';
import type { ShopConfig } from '../shop/light-client-shop.ts';

import { WALLET_FILES } from './files.ts';

const WALLET_CONFIG_FILE = WALLET_FILES.config;

export interface WalletChain {
  readonly checkpoint: string;
  readonly relays: readonly string[];
  readonly multiaddrs: readonly string[];
}

export interface WalletConfig {
  readonly chains: Readonly<Record<string, WalletChain>>;
  /** A devnet's faucet (`POST {"address":"dpn…"}`), offered by the wallet window to a wallet short of funds. */
  readonly faucet?: { readonly url: string };
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Checks a parsed config file; throws WalletRefusal WALLET_CONFIG naming what is wrong. */
export function parseWalletConfig(data: unknown): WalletConfig {
  const bad = (what: string): never => {
    throw new WalletRefusal('WALLET_CONFIG', `${WALLET_CONFIG_FILE}: ${what}`);
  };
  if (typeof data !== 'object' || data === null) return bad('not a JSON object');
  const chains = (data as { chains?: unknown }).chains;
  if (typeof chains !== 'object' || chains === null) return bad('"chains" must be an object of chain id → { checkpoint, relays, multiaddrs }');
  const out: Record<string, WalletChain> = {};
  for (const [id, c] of Object.entries(chains as Record<string, unknown>)) {
    const chain = c as Partial<Record<keyof WalletChain, unknown>>;
    if (typeof chain?.checkpoint !== 'string' || !/^(\d+:)?[0-9a-f]{64}$/.test(chain.checkpoint)) bad(`chains.${id}.checkpoint must be a 64-hex genesis hash or "<height>:<header hash>"`);
    if (!isStrings(chain.relays ?? []) || !isStrings(chain.multiaddrs ?? [])) bad(`chains.${id}.relays and .multiaddrs must be lists of strings`);
    out[id] = { checkpoint: chain.checkpoint as string, relays: (chain.relays ?? []) as string[], multiaddrs: (chain.multiaddrs ?? []) as string[] };
  }
  const faucet = (data as { faucet?: { url?: unknown } }).faucet;
  if (faucet !== undefined && typeof faucet?.url !== 'string') bad('"faucet" must be { "url": "…" }');
  return { chains: out, ...(faucet ? { faucet: { url: faucet.url as string } } : {}) };
}

let loaded: Promise<WalletConfig> | null = null;

/** The config beside this page (fetched once). */
export function loadWalletConfig(): Promise<WalletConfig> {
  loaded ??= (async () => {
    const url = new URL(WALLET_CONFIG_FILE, document.baseURI);
    const res = await fetch(url, { credentials: 'omit', cache: 'no-cache' }).catch((e: unknown) => {
      throw new WalletRefusal('WALLET_CONFIG', `${WALLET_CONFIG_FILE} could not be fetched (${(e as Error).message})`);
    });
    if (!res.ok) throw new WalletRefusal('WALLET_CONFIG', `${WALLET_CONFIG_FILE}: HTTP ${res.status}`);
    return parseWalletConfig(await res.json().catch(() => null));
  })();
  loaded.catch(() => {
    loaded = null; // a later open tries again
  });
  return loaded;
}

const httpUrl = (u: string): boolean => {
  try {
    const p = new URL(u).protocol;
    return p === 'https:' || p === 'http:';
  } catch {
    return false;
  }
};

/**
 * The light client's configuration for the chain a page names: the wallet's trust root and
 * sources, plus the page's suggested sources. Refuses an unknown chain or a page whose pin differs.
 */
export function chainConfig(config: WalletConfig, choice: ChainChoice, worker: string, store: 'memory' | 'indexeddb', metadataBase?: string): ShopConfig {
  const own = Object.hasOwn(config.chains, choice.chainId) ? config.chains[choice.chainId] : undefined;
  if (!own) throw new WalletRefusal('WALLET_UNKNOWN_CHAIN', `this wallet does not know the chain "${choice.chainId.slice(0, 64)}" (it knows: ${Object.keys(config.chains).join(', ') || 'none'})`);
  if (choice.checkpoint !== undefined && choice.checkpoint.trim().toLowerCase() !== own.checkpoint) {
    throw new WalletRefusal('WALLET_CHECKPOINT_MISMATCH', `the page pins checkpoint ${choice.checkpoint.slice(0, 80)} for ${choice.chainId}, but the wallet trusts ${own.checkpoint}`);
  }
  const uniq = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
  return {
    worker, chainId: choice.chainId, checkpoint: own.checkpoint, store,
    relays: uniq(own.relays, choice.relays.filter(httpUrl)), multiaddrs: uniq(own.multiaddrs, choice.multiaddrs.filter((m) => m.startsWith('/'))),
    ...(choice.staleAfterMs ? { staleAfterMs: choice.staleAfterMs } : {}),
    ...(choice.confirmWaitMs ? { confirmWaitMs: choice.confirmWaitMs } : {}),
    ...(metadataBase ? { metadataBase } : {}),
  };
}
