/**
 * The widget's ShopClient over the DIPNET light client running in a Web Worker (comlink). All
 * verification happens in the worker; this adapter only reshapes verified results for display.
 *
 * One light client per page: `sharedShop(config)` returns the same client for the same chain,
 * checkpoint and sources, however many `<dip-shoppable-video>` elements ask.
 */
import { toHex } from '@dipnet/protocol';
import { BaseError } from '@dipnet/protocol/base-error';
import { proxy, transfer, type Remote } from 'comlink';
import { connectLightClientWorker, type LightClientWorkerApi } from '@dipnet/light-client/worker';
import { shippingCommitment } from '@dipnet/light-client/contracts';
import type { VerifiedOrderTree, ContractTxStage, Freshness, SyncProgress, TrustRoot, TxOutcome } from '@dipnet/light-client/api';
import type { ShopClient, ShopFreshness, ShopOrderTree, ShopProduct, ShopWallet, SyncState, PaymentStage } from './shop-client.ts';

export interface ShopConfig {
  /** URL of the light-client worker script. */
  readonly worker: string;
  readonly chainId: string;
  /** 64-hex genesis hash, or `<height>:<64-hex header hash>` of a recent header the site pins. */
  readonly checkpoint: string;
  readonly relays: readonly string[];
  readonly multiaddrs: readonly string[];
  /** Default: 2/3 of the chain's unbonding period (read from proven parameters); longer is refused. */
  readonly trustingPeriodMs?: number;
  /** Base URL for relative product metadata URIs (default: the page's base URL). */
  readonly metadataBase?: string;
  /** A verified head older than this is stale (default 150 s): the panel says so and buying waits. */
  readonly staleAfterMs?: number;
  /** How long a sent payment may take to be proven before the panel reports it pending (default: the light client's 30 s). */
  readonly confirmWaitMs?: number;
  /**
   * Where the light client keeps headers and the wallet (default IndexedDB). The wallet frame
   * uses memory: it holds no key, and a cross-site frame gets no storage anyway.
   */
  readonly store?: 'memory' | 'indexeddb';
}

/** Gas an order tx may use; unused gas is refunded, so the allowance only bounds the worst case. */
const ORDER_GAS = 2_000_000n;


export type ShopErrorCode =
  /** The shop's configuration is malformed (a checkpoint that is not a hash). */
  | 'SHOP_CONFIG_INVALID'
  /** The light client committed to other shipping details than the viewer confirmed. */
  | 'SHOP_COMMITMENT_MISMATCH'
  /** The light-client worker could not start or load (CSP, CORS, 404). */
  | 'SHOP_WORKER_FAILED';

/** An error of the page's shop itself (the light client's own are LightErrors). */
export class ShopError extends BaseError<ShopErrorCode> {
  override readonly name = 'ShopError';
  constructor(code: ShopErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export function trustRootOf(checkpoint: string): TrustRoot {
  const m = /^(?:(\d+):)?([0-9a-f]{64})$/.exec(checkpoint.trim().toLowerCase());
  if (!m) throw new ShopError('SHOP_CONFIG_INVALID', `checkpoint must be a 64-hex genesis hash or "<height>:<header hash>", got "${checkpoint.slice(0, 80)}"`);
  return m[1] ? { height: BigInt(m[1]), hash: m[2]! } : { genesisHash: m[2]! };
}

function treeOf(t: VerifiedOrderTree, names: Map<string, { name: string; producer: string }>): ShopOrderTree {
  // Depth first, children in their order: each sub-order right under its parent, as the graph draws it.
  const byId = new Map(t.orders.map((o) => [o.id, o] as const));
  const ordered: VerifiedOrderTree['orders'][number][] = [];
  const visit = (id: string): void => {
    const o = byId.get(id);
    if (!o || ordered.includes(o)) return;
    ordered.push(o);
    for (const c of o.children) visit(c);
  };
  visit(t.root);
  return {
    rootId: t.root,
    height: t.height,
    time: t.time,
    nodes: ordered.map((o) => ({
      id: o.id, parent: o.id === t.root ? null : o.parent, depth: o.depth - (t.orders[0]?.depth ?? 0), tag: o.tag,
      productName: names.get(o.product)?.name ?? o.product.slice(0, 8), producer: names.get(o.product)?.producer ?? '',
      state: o.state, status: o.status, escrow: o.escrow,
    })),
  };
}

/** A ShopClient over a started light-client worker. */
export function lightClientShop(lc: Remote<LightClientWorkerApi>, started: Promise<unknown>, metadataBase?: string, confirmWaitMs?: number): ShopClient {
  // Product names for the order tree, read (verified) once per product.
  const names = new Map<string, { name: string; producer: string }>();
  // Each product's latest verified read, for cachedProduct (hover cards show nothing unproven).
  const verified = new Map<string, ShopProduct>();
  const named = async (t: VerifiedOrderTree): Promise<ShopOrderTree> => {
    for (const o of t.orders) {
      if (names.has(o.product)) continue;
      const p = await lc.getProduct(o.product);
      names.set(o.product, { name: p.name, producer: p.producer });
    }
    return treeOf(t, names);
  };
  const walletOf = async (address: string): Promise<ShopWallet> => ({ address, balance: (await lc.getAccount(address)).account.balance });
  // A proven receipt is both "in a block" and "verified" (finality is immediate); a relay's word is a hint, never a step.
  const stagesOf: Partial<Record<ContractTxStage['stage'], PaymentStage[]>> = { signed: ['signing'], submitted: ['submitted'], finalised: ['included', 'verified'] };

  /**
   * A subscription to the worker made once the client has started: `attach` subscribes (and may
   * call the listener first) and resolves with the worker's unsubscribe; unsubscribing before that
   * resolves unsubscribes as soon as it does.
   */
  const subscribed = (attach: () => Promise<() => void>): (() => void) => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    void (async () => {
      await started;
      const off = await attach();
      if (cancelled) off();
      else stop = off;
    })().catch(() => undefined);
    return () => {
      cancelled = true;
      stop?.();
    };
  };

  return {
    async ready() {
      await started;
      return { height: (await lc.head()).height };
    },
    onSync: (listener) => subscribed(async () => {
      const h = await lc.head();
      listener({ height: h.height, target: h.height });
      return lc.onSyncProgress(proxy((p: SyncProgress) => listener({ height: p.verifiedHeight, target: p.targetHeight } satisfies SyncState)));
    }),
    async product(id): Promise<ShopProduct> {
      await started;
      const p = await lc.getProduct(id);
      names.set(p.id, { name: p.name, producer: p.producer });
      const item: ShopProduct = {
        id: p.id, name: p.name, producer: p.producer, price: p.price, designerFee: p.template.designerFee, leadTimeMs: p.leadTimeMs,
        currency: { symbol: p.currency.symbol, decimals: p.currency.decimals, native: p.currency.kind === 'dpn' },
        metadataUri: resolveMetadataUri(p.metadataUri, metadataBase), metadataHash: p.metadataHash, open: p.open, height: p.height, time: p.time,
      };
      const prev = verified.get(p.id);
      if (!prev || prev.height <= item.height) verified.set(p.id, item);
      return item;
    },
    cachedProduct: (id) => verified.get(id.toLowerCase()) ?? null,
    onFreshness(listener) {
      const tell = (f: Freshness) => listener({ stale: f.state === 'stale', height: f.height, ageMs: f.ageMs } satisfies ShopFreshness);
      return subscribed(async () => {
        tell(await lc.freshness());
        return lc.onFreshness(proxy(tell));
      });
    },
    async pendingOrders() {
      await started;
      return (await lc.pendingTxs()).flatMap((t) => (t.order ? [{ orderId: t.order.orderId, product: t.order.product, txHash: t.hash }] : []));
    },
    onOrderOutcome: (listener) => subscribed(() => lc.onTxOutcome(proxy((o: TxOutcome) => {
      const order = o.tx.order;
      if (!order || typeof order.shipping !== 'object') return;
      listener({
        outcome: o.outcome === 'executed' && o.code === '' ? 'placed' : 'not-placed', orderId: order.orderId, txHash: o.tx.hash, product: order.product,
        quantity: order.quantity, commitment: order.commitment, salt: order.salt, shipping: order.shipping as Record<string, string>, fee: o.fee ?? 0n, height: o.height,
      });
    }))),
    async sources() {
      return (await lc.sources()).map((s) => ({ id: s.id, health: s.health, reason: s.health === 'ok' ? null : s.lastError, retryAt: s.retryAt }));
    },
    async wallet() {
      await started;
      const address = await lc.walletAddress();
      return address ? walletOf(address) : null;
    },
    async balanceOf(address) {
      await started;
      return (await lc.getAccount(address)).account.balance;
    },
    async createWallet() {
      await started;
      return walletOf(await lc.createWallet());
    },
    async importWallet(secretKey) {
      await started;
      // Transferred, not copied: the page's buffer is detached, so no copy of the key stays here.
      return walletOf(await lc.importWallet(transfer(secretKey, [secretKey.buffer as ArrayBuffer])));
    },
    async maxOrderFee() {
      await started;
      const { params } = await lc.getParams();
      // Base fee for a generous order-tx size, plus the gas allowance.
      return params.feeBase + params.feePerByte * 400n + params.gasPrice * ORDER_GAS;
    },
    async commitShipping(shipping) {
      const salt = crypto.getRandomValues(new Uint8Array(32));
      return { commitment: toHex(shippingCommitment(shipping, salt)), salt: toHex(salt) };
    },
    async placeOrder(req, onStage, onHint) {
      await started;
      const r = await lc.placeOrder(
        { product: req.product, quantity: req.quantity, maxTotal: req.maxTotal, shipping: req.shipping, salt: req.salt, gas: ORDER_GAS, ...(confirmWaitMs ? { timeoutMs: confirmWaitMs } : {}) },
        proxy((s: ContractTxStage) => {
          if (s.stage === 'hint') onHint?.({ source: s.hint.source, says: s.hint.says, code: s.hint.code, ...(s.hint.height !== undefined ? { height: s.hint.height } : {}) });
          for (const st of stagesOf[s.stage] ?? []) onStage?.(st);
        }),
      );
      if (r.commitment !== req.commitment) throw new ShopError('SHOP_COMMITMENT_MISMATCH', 'the light client committed to different shipping details than the ones confirmed');
      return { orderId: r.orderId, txHash: r.txHash, fee: r.feePaid };
    },
    async orderTree(id) {
      await started;
      return named(await lc.getOrderTree(id));
    },
    watchOrder: (id, listener, onError) => subscribed(() => lc.watchOrder(
      id, proxy((t: VerifiedOrderTree) => { void named(t).then(listener); }),
      onError ? proxy((e: unknown) => {
        const err = e as { code?: string; message?: string } | null;
        onError(`${String(err?.message ?? e)}${err?.code ? ` (${err.code})` : ''}`);
      }) : undefined,
    )),
  };
}

/**
 * A producer's metadata URI as the page should fetch it: relative ones (a demo's `/meta/…`) are
 * taken from `base` — the site that seeded them — rather than from whichever page embeds the
 * widget. The bytes are checked against the on-chain hash wherever they come from.
 */
export function resolveMetadataUri(uri: string, base: string | undefined): string {
  if (!base) return uri;
  try {
    return new URL(uri, new URL(base, document.baseURI)).href;
  } catch {
    return uri;
  }
}

/**
 * Starts the worker script at `url`. A page may start a worker only from its own origin, so a
 * widget served from another origin (a CDN, the chain's demo server) starts a same-origin blob
 * module that imports the worker script; that script must then be served with CORS, and a page
 * CSP must allow `worker-src blob:`.
 */
function startWorker(url: URL): Worker {
  const options: WorkerOptions = { type: 'module', name: 'dipnet-light-client' };
  if (url.origin === location.origin || url.protocol === 'blob:' || url.protocol === 'data:') return new Worker(url, options);
  const bootstrap = URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' }));
  try {
    return new Worker(bootstrap, options);
  } catch (e) {
    throw new ShopError('SHOP_WORKER_FAILED', `the light-client worker from ${url.origin} could not start (${(e as Error).message}); a page whose Content-Security-Policy limits workers must allow worker-src blob:`, { cause: e });
  } finally {
    // The constructor has resolved the blob URL; the page need not keep it.
    URL.revokeObjectURL(bootstrap);
  }
}

const shops = new Map<string, ShopClient>();

/** The page's light client for this configuration, started once. */
export function sharedShop(config: ShopConfig): ShopClient {
  const key = JSON.stringify([config.worker, config.chainId, config.checkpoint, [...config.relays].sort(), [...config.multiaddrs].sort(), config.metadataBase ?? '', config.staleAfterMs ?? 0, config.confirmWaitMs ?? 0, config.store ?? 'indexeddb']);
  let shop = shops.get(key);
  if (!shop) {
    const url = new URL(config.worker, document.baseURI);
    const worker = startWorker(url);
    const lc = connectLightClientWorker(worker);
    // A worker script that cannot load (404, no CORS, blocked by CSP) only fires `error`; without
    // this the first call to it would wait forever.
    const failed = new Promise<never>((_, reject) => worker.addEventListener('error', (e) => {
      e.preventDefault();
      reject(new ShopError('SHOP_WORKER_FAILED', `the light-client worker ${url.href} failed to load${e.message ? `: ${e.message}` : ''}`));
    }, { once: true }));
    failed.catch(() => undefined);
    const started = Promise.race([failed, lc.start({
      chainId: config.chainId, trust: trustRootOf(config.checkpoint), ...(config.trustingPeriodMs ? { trustingPeriodMs: config.trustingPeriodMs } : {}),
      ...(config.staleAfterMs ? { staleAfterMs: config.staleAfterMs } : {}),
      relays: [...config.relays], multiaddrs: [...config.multiaddrs], store: config.store ?? 'indexeddb',
    })]);
    shop = lightClientShop(lc, started, config.metadataBase, config.confirmWaitMs);
    shops.set(key, shop);
  }
  return shop;
}
