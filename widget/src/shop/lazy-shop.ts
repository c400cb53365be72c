/**
 * A ShopClient that loads the light-client adapter (comlink, the worker bootstrap) only when it is
 * first used — when the viewer opens a product — so a page that merely plays video with hotspots
 * pays for nothing else. The worker itself starts then too.
 */
import type { ShopClient } from './shop-client.ts';
import type { ShopConfig } from './light-client-shop.ts';

export function lazyShop(config: ShopConfig): ShopClient {
  let real: Promise<ShopClient> | null = null;
  // Set once loaded, so cachedProduct can answer synchronously (and without loading anything).
  let loaded: ShopClient | null = null;
  // Subscriptions that must not load anything by themselves: attached once something else did.
  const whenLoaded = new Set<(c: ShopClient) => void>();
  const get = (): Promise<ShopClient> => (real ??= import('./light-client-shop.ts').then((m) => {
    loaded = m.sharedShop(config);
    for (const attach of whenLoaded) attach(loaded);
    whenLoaded.clear();
    return loaded;
  }));
  /** Like `subscribe`, but without loading the light client: it attaches when the client is loaded for another reason. */
  const subscribeIfLoaded = (attach: (c: ShopClient) => () => void): () => void => {
    let off: (() => void) | null = null;
    let cancelled = false;
    const run = (c: ShopClient): void => {
      if (!cancelled) off = attach(c);
    };
    if (loaded) run(loaded);
    else whenLoaded.add(run);
    return () => {
      cancelled = true;
      whenLoaded.delete(run);
      off?.();
    };
  };
  const subscribe = (attach: (c: ShopClient) => () => void): () => void => {
    let off: (() => void) | null = null;
    let cancelled = false;
    void get().then((c) => {
      if (!cancelled) off = attach(c);
    });
    return () => {
      cancelled = true;
      off?.();
    };
  };
  return {
    ready: async () => (await get()).ready(),
    onSync: (l) => subscribe((c) => c.onSync(l)),
    product: async (id) => (await get()).product(id),
    cachedProduct: (id) => loaded?.cachedProduct?.(id) ?? null,
    wallet: async () => (await get()).wallet(),
    createWallet: async () => (await get()).createWallet(),
    importWallet: async (key) => (await get()).importWallet(key),
    maxOrderFee: async () => (await get()).maxOrderFee(),
    commitShipping: async (s) => (await get()).commitShipping(s),
    placeOrder: async (req, onStage, onHint) => (await get()).placeOrder(req, onStage, onHint),
    pendingOrders: async () => (await (await get()).pendingOrders?.()) ?? [],
    // Outcomes only exist once the light client runs (a payment, or a reload that starts it).
    onOrderOutcome: (l) => subscribeIfLoaded((c) => c.onOrderOutcome?.(l) ?? (() => undefined)),
    orderTree: async (id) => (await get()).orderTree(id),
    watchOrder: (id, l, onError) => subscribe((c) => c.watchOrder(id, l, onError)),
    onFreshness: (l) => subscribe((c) => c.onFreshness?.(l) ?? (() => undefined)),
    sources: async () => (await (await get()).sources?.()) ?? [],
  };
}
