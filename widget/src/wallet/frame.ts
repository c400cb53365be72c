/**
 * The wallet frame (`dipnet-wallet-frame.html`, on the embed's own origin): what the element on a
 * site shows when a viewer opens a product. It runs its own light client, shows the verified card,
 * takes the shipping details, shows exactly what will be signed, and on the viewer's own visible
 * click hands the order to the wallet window, which holds the key.
 *
 * The page that embeds it may only open a product, close the panel and answer a purchase request;
 * every other message is refused and logged here. The frame tells the page the documented events
 * (with the shipping details, which are the viewer's to give), never a key.
 */
import '../shop/dip-product-panel.ts';
import type { DipProductPanel, PurchaseRequestDetail } from '../shop/dip-product-panel.ts';
import { sharedShop } from '../shop/light-client-shop.ts';
import type { ShopClient } from '../shop/shop-client.ts';
import { ClickGuard } from './click-guard.ts';
import { chainConfig, loadWalletConfig } from './config.ts';
import { walletFrameShop } from './frame-shop.ts';
import {
  FORWARDED_EVENTS, WalletRefusal, accept, logRefusal, msg, parsePageToFrame, type FrameToPage, type PageToFrame, type VerifiedProductSummary,
} from './protocol.ts';
import { WalletWindowBridge } from './window-bridge.ts';
import { WALLET_FILES } from './files.ts';

/** How long the page may take to answer a purchase request before the frame goes on without it. */
const HOST_ANSWER_MS = 2000;

const root = document.getElementById('wallet') ?? document.body;
const bridge = new WalletWindowBridge(location.href);
/** The page's origin, learnt from its first message (every later one must come from it too). */
let pageOrigin: string | null = null;
let panel: DipProductPanel | null = null;
let guard: ClickGuard | null = null;
const shops = new Map<string, ShopClient>();
let seq = 0;
const answers = new Map<number, (go: boolean) => void>();

const toPage = (body: FrameToPage): void => {
  // Nothing is sent before the page has spoken but "ready", which says nothing.
  if (body.type !== 'ready' && !pageOrigin) return;
  window.parent.postMessage(msg(body), body.type === 'ready' ? '*' : pageOrigin!);
};

function shopFor(open: Extract<PageToFrame, { type: 'open' }>): Promise<ShopClient> {
  return loadWalletConfig().then((config) => {
    const worker = new URL(WALLET_FILES.worker, location.href).href;
    const c = chainConfig(config, open, worker, 'memory', open.metadataBase);
    const key = JSON.stringify(c);
    let shop = shops.get(key);
    if (!shop) {
      // The window signs and waits for proof with this choice: the page's confirm wait goes with it.
      const choice = {
        chainId: c.chainId, checkpoint: c.checkpoint, relays: c.relays, multiaddrs: c.multiaddrs,
        ...(c.staleAfterMs ? { staleAfterMs: c.staleAfterMs } : {}), ...(c.confirmWaitMs ? { confirmWaitMs: c.confirmWaitMs } : {}),
      };
      shop = walletFrameShop(sharedShop(c), bridge, () => guard, choice, () => pageOrigin ?? 'unknown');
      shops.set(key, shop);
    }
    return shop;
  });
}

/** The page's answer to `dip-purchase-request` (cancelable there); no answer in time means go on. */
const askPage = (detail: PurchaseRequestDetail): Promise<boolean> => new Promise((resolve) => {
  const n = ++seq;
  const timer = setTimeout(() => {
    answers.delete(n);
    resolve(true);
  }, HOST_ANSWER_MS);
  answers.set(n, (go) => {
    clearTimeout(timer);
    answers.delete(n);
    resolve(go);
  });
  toPage({ type: 'purchase-request', seq: n, detail });
});

function showError(label: string, e: unknown): void {
  const r = e instanceof WalletRefusal ? e : new WalletRefusal('WALLET_CONFIG', String((e as Error)?.message ?? e));
  console.warn(`[dipnet wallet frame] cannot open ${label}: ${r.code}: ${r.message}`);
  const box = document.createElement('div');
  box.className = 'frame-error';
  box.setAttribute('role', 'alert');
  const p = document.createElement('p');
  p.textContent = `${r.message} (${r.code})`;
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = 'Close';
  close.addEventListener('click', () => toPage({ type: 'close' }));
  box.append(p, close);
  root.replaceChildren(box);
  close.focus();
}

async function open(m: Extract<PageToFrame, { type: 'open' }>): Promise<void> {
  let shop: ShopClient;
  try {
    shop = await shopFor(m);
  } catch (e) {
    showError(m.label, e);
    return;
  }
  guard?.disconnect();
  const p = document.createElement('dip-product-panel');
  p.setAttribute('role', 'dialog');
  p.setAttribute('aria-label', m.label);
  p.client = shop;
  p.label = m.label;
  p.locale = m.locale ?? null;
  p.hostApproval = askPage;
  p.product = m.product;
  root.replaceChildren(p);
  panel = p;
  guard = new ClickGuard(p);
}

function close(): void {
  guard?.disconnect();
  guard = null;
  panel = null;
  root.replaceChildren();
}

// The panel's events go to the page under the same names; `dip-panel-close` also closes the frame's panel.
for (const name of FORWARDED_EVENTS) {
  root.addEventListener(name, (e) => {
    toPage({ type: 'event', name, detail: (e as CustomEvent).detail });
    if (name === 'dip-card-open' && panel?.client) {
      const id = ((e as CustomEvent).detail as { product: string }).product;
      const item = panel.client.cachedProduct?.(id);
      if (item) {
        const product: VerifiedProductSummary = { id: item.id, price: item.price, currency: { ...item.currency }, height: item.height, time: item.time };
        toPage({ type: 'verified-product', product });
      }
    }
    if (name === 'dip-panel-close') toPage({ type: 'close' });
  });
}

// An order whose payment outlived the purchase flow: the page learns it once proven (as in the same-origin mode).
let outcomesWired = false;
const wireOutcomes = (): void => {
  if (outcomesWired) return;
  outcomesWired = true;
  bridge.onOrderOutcome((o) => {
    if (o.outcome !== 'placed') return;
    toPage({
      type: 'event', name: 'dip-order-placed',
      detail: { orderId: o.orderId, txHash: o.txHash, fee: o.fee, commitment: o.commitment, salt: o.salt, product: o.product, quantity: o.quantity, shipping: o.shipping, provenLate: true },
    });
  });
};

window.addEventListener('message', (e) => {
  if (bridge.owns(e.source)) {
    bridge.receive(e);
    return;
  }
  if (e.source !== window.parent || window.parent === window) {
    logRefusal('wallet frame', new WalletRefusal('WALLET_MSG_SOURCE', 'only the embedding page and the wallet window may write to the wallet frame'), e.origin);
    return;
  }
  if (pageOrigin && e.origin !== pageOrigin) {
    logRefusal('wallet frame', new WalletRefusal('WALLET_MSG_ORIGIN', `the page's origin was ${pageOrigin}`), e.origin);
    return;
  }
  const m = accept('wallet frame', e, parsePageToFrame);
  if (!m) return;
  pageOrigin ??= e.origin;
  switch (m.type) {
    case 'open': wireOutcomes(); void open(m); return;
    case 'close': close(); return;
    case 'purchase-answer': answers.get(m.seq)?.(m.go); return;
  }
});

// The page sizes the frame to its content (the panel scrolls inside when the page has less room).
new ResizeObserver(() => toPage({ type: 'size', height: Math.ceil(root.getBoundingClientRect().height) })).observe(root);

if (window.parent === window) {
  root.textContent = 'This is the DIPNET wallet frame: sites show it inside <dip-shoppable-video>. Your wallet itself is at dipnet-wallet.html.';
} else {
  toPage({ type: 'ready' });
}
