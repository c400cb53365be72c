/**
 * The wallet window (`dipnet-wallet.html`): the viewer's DIPNET wallet, a top-level page on the
 * wallet's own origin. Its key lives in this origin's first-party IndexedDB, which no embedding
 * site can reach and which is the same whichever site the viewer buys on.
 *
 * Opened by the wallet frame when the viewer confirms a purchase there, it receives that order
 * (only from the frame that opened it: same origin, its opener), shows it, and signs it at once if
 * the wallet exists and holds enough; otherwise the viewer creates or imports a wallet, or waits
 * for funds, and confirms here. Opened directly, it shows the wallet. It refuses to run inside a
 * frame (a page could overlay it), as its `frame-ancestors 'none'` header also says.
 */
import { html, nothing, render } from 'lit';
import { sharedShop } from '../shop/light-client-shop.ts';
import type { ShopClient, ShopProduct, ShopWallet } from '../shop/shop-client.ts';
import { formatDpn, shortAddress, shortHex } from '../shop/format.ts';
import { chainConfig, loadWalletConfig } from './config.ts';
import { WalletRefusal, accept, logRefusal, msg, parseFrameToWindow, type FrameToWindow, type OrderToSign, type WindowToFrame } from './protocol.ts';
import { WALLET_FILES } from './files.ts';

type Step = 'waiting' | 'connecting' | 'no-wallet' | 'confirm' | 'signing' | 'placed' | 'pending' | 'failed' | 'home';

interface State {
  step: Step;
  /** The site the order comes from (as the wallet frame saw it). */
  site: string;
  order: OrderToSign | null;
  product: ShopProduct | null;
  wallet: ShopWallet | null;
  maxFee: bigint;
  stages: string[];
  message: string;
  orderId: string;
}

const root = document.getElementById('wallet') ?? document.body;
const state: State = { step: 'waiting', site: '', order: null, product: null, wallet: null, maxFee: 0n, stages: [], message: '', orderId: '' };
const opener = window.opener as Window | null;
let shop: ShopClient | null = null;
let signing = false;
/** The devnet faucet the wallet's config names, if any, and what it last said. */
let faucet: string | null = null;
let faucetNote = '';

const toFrame = (body: WindowToFrame): void => {
  if (opener && !opener.closed) opener.postMessage(msg(body), location.origin);
};

const hexKey = (text: string): Uint8Array | null => {
  const t = text.trim();
  return /^[0-9a-fA-F]{64}$/.test(t) ? Uint8Array.from({ length: 32 }, (_, i) => parseInt(t.slice(2 * i, 2 * i + 2), 16)) : null;
};

const set = (patch: Partial<State>): void => {
  Object.assign(state, patch);
  draw();
};

function draw(): void {
  const { step, order, product, wallet } = state;
  const total = order ? order.maxTotal : 0n;
  const orderView = order ? html`<section class="order" aria-label="The order to sign">
    <h2>${product ? product.name : shortHex(order.product)} × ${order.quantity}</h2>
    <dl>
      <dt>Ordered on</dt><dd class="site">${state.site}</dd>
      <dt>Pays at most</dt><dd>${formatDpn(total)}</dd>
      <dt>Network fee at most</dt><dd>${formatDpn(state.maxFee)}</dd>
      <dt>Product contract</dt><dd><code title=${order.product}>${shortHex(order.product)}</code></dd>
      <dt>Shipping fingerprint</dt><dd><code title=${order.commitment}>${shortHex(order.commitment)}</code></dd>
      ${product ? html`<dt>Verified at block</dt><dd>${String(product.height)}</dd>` : nothing}
    </dl></section>` : nothing;
  const walletView = wallet ? html`<dl class="wallet"><dt>Wallet</dt><dd><code title=${wallet.address}>${shortAddress(wallet.address)}</code></dd>
    <dt>Balance (verified)</dt><dd class="balance">${formatDpn(wallet.balance)}</dd></dl>` : nothing;
  let body: unknown;
  switch (step) {
    case 'waiting': body = html`<p role="status">Waiting for the order from the shop…</p>`; break;
    case 'connecting': body = html`<p role="status">Verifying the chain…</p><progress></progress>`; break;
    case 'home': body = html`<p>This is your DIPNET wallet. Its key stays in this browser, on this site only; shops you buy from never see it.</p>
      ${wallet ? html`<p class="address"><code>${wallet.address}</code></p>` : keyForms()}`; break;
    case 'no-wallet': body = html`<p>You have no DIPNET wallet in this browser yet. Create one (its key stays here) or import a key you have.</p>${keyForms()}`; break;
    case 'confirm': body = html`${!wallet || wallet.balance < total + state.maxFee ? html`<p class="warn" role="alert">This wallet holds less than the order needs
      (${formatDpn(total + state.maxFee)} with the network fee). Send DPN to <code>${wallet?.address ?? ''}</code>; this page checks the balance again every few seconds.</p>
      ${faucet && wallet ? html`<p><button type="button" class="faucet" @click=${askFaucet}>Get test DPN from the devnet faucet</button> <span role="status">${faucetNote}</span></p>` : nothing}` : nothing}
      <div class="actions"><button type="button" @click=${cancel}>Cancel</button>
      <button type="button" class="primary" ?disabled=${!wallet || wallet.balance < total + state.maxFee} @click=${(e: Event) => void sign(e)}>Sign and pay</button></div>`; break;
    case 'signing': body = html`<ol class="stages" role="status">${['signing', 'submitted', 'included', 'verified'].map((s) => html`<li class=${state.stages.includes(s) ? 'done' : ''}>${s}</li>`)}</ol>`; break;
    case 'placed': body = html`<p role="status" class="ok">Order placed: <code>${shortHex(state.orderId)}</code>. This window closes by itself.</p>`; break;
    case 'pending': body = html`<p role="status">The payment was sent and is not proven yet. Keep this window open to learn its outcome.</p><progress></progress>`; break;
    case 'failed': body = html`<p class="warn" role="alert">${state.message}</p><div class="actions"><button type="button" @click=${() => window.close()}>Close</button></div>`; break;
  }
  render(html`<h1>DIPNET wallet</h1>${orderView}${walletView}${body}`, root);
}

function keyForms(): unknown {
  return html`<div class="actions"><button type="button" class="primary create" @click=${createWallet}>Create a wallet</button></div>
    <form class="import" @submit=${importKey}><label>Import a secret key (64 hex)
      <input name="secret" type="password" autocomplete="off" spellcheck="false" required></label>
      <div class="actions"><button type="submit">Import</button></div></form>`;
}

const failWith = (code: string, message: string): void => {
  toFrame({ type: 'failed', code, message });
  set({ step: 'failed', message: `${message} (${code})` });
};

const errorOf = (e: unknown): { code: string; message: string } => {
  const err = e as { code?: string; message?: string };
  return { code: err?.code ?? 'WALLET_ERROR', message: String(err?.message ?? e).slice(0, 480) };
};

async function afterWallet(w: ShopWallet): Promise<void> {
  toFrame({ type: 'wallet', address: w.address });
  if (!state.order) {
    set({ wallet: w, step: 'home' });
    return;
  }
  // A wallet just made or imported here: the viewer confirms the payment here too.
  set({ wallet: w, step: 'confirm' });
}

const createWallet = async (): Promise<void> => {
  try {
    await afterWallet(await shop!.createWallet());
    if (state.order) watchFunds();
  } catch (e) {
    const { code, message } = errorOf(e);
    failWith(code, message);
  }
};

const importKey = async (e: Event): Promise<void> => {
  e.preventDefault();
  const input = (e.target as HTMLFormElement).elements.namedItem('secret') as HTMLInputElement;
  const key = hexKey(input.value);
  input.value = '';
  if (!key) {
    input.setCustomValidity('A secret key is 64 hex digits');
    input.reportValidity();
    return;
  }
  try {
    await afterWallet(await shop!.importWallet(key));
    if (state.order) watchFunds();
  } catch (err) {
    const { code, message } = errorOf(err);
    failWith(code, message);
  }
};

let fundsTimer: ReturnType<typeof setInterval> | null = null;
function watchFunds(): void {
  if (fundsTimer) return;
  fundsTimer = setInterval(() => {
    if (state.step !== 'confirm') return;
    void shop?.wallet().then((w) => { if (w && w.balance !== state.wallet?.balance) set({ wallet: w }); }, () => undefined);
  }, 2000);
}

const askFaucet = async (): Promise<void> => {
  const address = state.wallet?.address;
  if (!faucet || !address) return;
  faucetNote = 'Asking the faucet…';
  draw();
  try {
    const res = await fetch(faucet, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address }) });
    const body = await res.json().catch(() => ({})) as { error?: { message?: string } };
    // The faucet's word is a hint: the balance shown is only ever the light client's proven one.
    faucetNote = res.ok ? 'The faucet sent a transfer; waiting for a verified block…' : `The faucet refused: ${body.error?.message ?? `HTTP ${res.status}`}`;
  } catch (e) {
    faucetNote = `The faucet could not be reached (${(e as Error).message})`;
  }
  draw();
};

function cancel(): void {
  failWith('WALLET_CANCELLED', 'the viewer cancelled the payment in the wallet window; nothing was signed');
}

/** Signs and sends the order. `click` is the viewer's click here, when the window asked for one. */
async function sign(click?: Event): Promise<void> {
  if (signing || !shop || !state.order) return;
  if (click && !click.isTrusted) return;
  signing = true;
  const order = state.order;
  set({ step: 'signing', stages: [] });
  try {
    const sent = await shop.placeOrder({ ...order }, (s) => {
      toFrame({ type: 'stage', stage: s });
      set({ stages: [...state.stages, s] });
    }, (h) => toFrame({ type: 'hint', source: h.source, says: h.says, code: h.code, ...(h.height !== undefined ? { height: h.height } : {}) }));
    toFrame({ type: 'placed', orderId: sent.orderId, txHash: sent.txHash, fee: sent.fee });
    set({ step: 'placed', orderId: sent.orderId });
    setTimeout(() => window.close(), 1500);
  } catch (e) {
    const err = e as { code?: string; details?: { hash?: string; order?: { orderId: string } } };
    if (err?.code === 'LC_TX_PENDING' && err.details?.order && err.details.hash) {
      const orderId = err.details.order.orderId;
      toFrame({ type: 'pending', orderId, txHash: err.details.hash, message: errorOf(e).message });
      set({ step: 'pending', orderId });
      const off = shop.onOrderOutcome?.((o) => {
        if (o.orderId !== orderId) return;
        off?.();
        toFrame({ type: 'outcome', outcome: o.outcome, orderId, txHash: o.txHash, fee: o.fee, height: o.height });
        set(o.outcome === 'placed' ? { step: 'placed' } : { step: 'failed', message: 'The payment was not placed: its nonce went to another transaction.' });
        setTimeout(() => window.close(), 1500);
      });
      return;
    }
    const { code, message } = errorOf(e);
    failWith(code, message);
  } finally {
    signing = false;
  }
}

async function onOrder(m: Extract<FrameToWindow, { type: 'sign-order' }>): Promise<void> {
  if (state.order) return; // one order per window
  set({ order: m.order, site: m.site, step: 'connecting' });
  try {
    const config = await loadWalletConfig();
    faucet = config.faucet ? new URL(config.faucet.url, location.href).href : null;
    shop = sharedShop(chainConfig(config, m.chain, new URL(WALLET_FILES.worker, location.href).href, 'indexeddb'));
    await shop.ready();
    const [product, wallet, maxFee] = await Promise.all([shop.product(m.order.product), shop.wallet(), shop.maxOrderFee()]);
    set({ product, maxFee });
    if (!wallet) {
      set({ step: 'no-wallet' });
      return;
    }
    toFrame({ type: 'wallet', address: wallet.address });
    set({ wallet });
    // The viewer confirmed this order in the wallet frame, on a click it checked: with a wallet
    // that holds enough, that click is the consent. Anything else waits for a click here.
    if (wallet.balance >= m.order.maxTotal + maxFee) await sign();
    else {
      set({ step: 'confirm' });
      watchFunds();
    }
  } catch (e) {
    const { code, message } = errorOf(e);
    failWith(code, message);
  }
}

async function home(): Promise<void> {
  set({ step: 'connecting' });
  try {
    const config = await loadWalletConfig();
    const [chainId, chain] = Object.entries(config.chains)[0] ?? [];
    if (!chainId || !chain) throw new WalletRefusal('WALLET_CONFIG', 'no chain configured');
    shop = sharedShop(chainConfig(config, { chainId, relays: [], multiaddrs: [] }, new URL(WALLET_FILES.worker, location.href).href, 'indexeddb'));
    await shop.ready();
    const w = await shop.wallet();
    set(w ? { step: 'home', wallet: w } : { step: 'home' });
  } catch (e) {
    set({ step: 'failed', message: `${errorOf(e).message} (${errorOf(e).code})` });
  }
}

if (window.top !== window) {
  // Framed: a page could overlay or restyle this window's buttons. Do nothing.
  console.warn('[dipnet wallet window] refused to run inside a frame (WALLET_FRAMED)');
  root.textContent = 'The DIPNET wallet does not run inside a frame.';
} else {
  window.addEventListener('message', (e) => {
    if (e.origin !== location.origin) {
      logRefusal('wallet window', new WalletRefusal('WALLET_MSG_ORIGIN', 'only the wallet frame, on the wallet\'s own origin, may write to the wallet window'), e.origin);
      return;
    }
    if (!opener || e.source !== opener) {
      logRefusal('wallet window', new WalletRefusal('WALLET_MSG_SOURCE', 'only the frame that opened this window may write to it'), e.origin);
      return;
    }
    const m = accept('wallet window', e, parseFrameToWindow);
    if (!m) return;
    if (m.type === 'cancel') {
      if (!signing && state.step !== 'pending') window.close();
      return;
    }
    void onOrder(m);
  });
  draw();
  if (opener) toFrame({ type: 'window-ready' });
  else void home();
}
