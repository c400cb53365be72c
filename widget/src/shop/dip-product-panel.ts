/**
 * `<dip-product-panel>`: the viewer's path from a prop to a production order. Shows the product
 * with values the light client verified (and says at which block), then quantity and shipping
 * details, a confirm step listing exactly what will be signed, the payment's progress, and the
 * order's production graph as it advances. It shows nothing it has not verified: on a
 * verification error it says so and shows no price.
 *
 * Rendered by `<dip-shoppable-video>` over its video (so it stays visible in fullscreen through
 * the wrapper); usable alone with a `client` and a `product` id.
 *
 * @fires dip-panel-close - the viewer closed the panel (✕ or Esc).
 * @fires dip-card-open - `{ product, height }`: a verified product card is shown.
 * @fires dip-purchase-request - cancelable, `{ product, quantity, total, maxFee, commitment }`, after the
 *   viewer's confirm click and before signing: a host calls `preventDefault()` to take over or veto.
 * @fires dip-purchase-start - `{ product, quantity }`: signing begins.
 * @fires dip-purchase-finalised - `{ product, orderId, txHash, fee }`: the order is proven on chain.
 * @fires dip-purchase-failed - `{ product, message, code? }`.
 * @fires dip-wallet-refused - `{ code, message }`: a confirm click did not count (wallet-window mode); nothing was signed.
 * @fires dip-order-placed - `{ orderId, txHash, commitment, salt, shipping, product, quantity }`:
 *   the order is on chain; the embedding site forwards `shipping` and `salt` to the producer.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { ShopClient, ShopFreshness, ShopOrderOutcome, ShopProduct, ShopWallet, PaymentStage, PlacedOrder, ShopSource, SyncState } from './shop-client.ts';
import { loadVerifiedMetadata, type ProductMetadata } from './metadata.ts';
import { messagesFor, type Messages } from './messages.ts';
import { formatAmount, formatDpn, formatDuration, shortAddress, shortHex } from './format.ts';
import { displayText } from '../display-text.ts';
import { fromHex } from '@dipnet/protocol';
import { secondsSince } from '@dipnet/protocol/format';
import { initialFlow, reduce, type FlowEvent, type FlowState, type OrderPlacedDetail, type Step } from './purchase-flow.ts';
import { panelStyles } from './dip-product-panel.styles.ts';
import { ModalFocus } from '../controllers/modal-focus.ts';
import { WalletRefusal } from '../wallet/protocol.ts';

export type { OrderPlacedDetail, Step } from './purchase-flow.ts';

const SHIPPING_FIELDS = ['name', 'address', 'postcode', 'country', 'email'] as const;
type ShippingField = (typeof SHIPPING_FIELDS)[number];
const MAX_QUANTITY = 10;
/** The flow's events that enter a step (as against news shown within one: stages, hints, the order's graph). */
const STEP_EVENTS: ReadonlySet<FlowEvent['type']> = new Set(['loaded', 'loadFailed', 'buy', 'back', 'reviewed', 'fail', 'pay', 'placed', 'payPending', 'payFailed', 'outcome']);
/**
 * Where the wallet lives in its own window, the confirm step must have been on screen this long
 * before its button counts: a double click on "Next" (same place as "Pay") cannot pay.
 */
const MIN_CONFIRM_MS = 500;

/** What `dip-purchase-request` carries: the order the viewer confirmed, before anything is signed. */
export interface PurchaseRequestDetail {
  readonly product: string;
  readonly quantity: number;
  readonly total: bigint;
  readonly maxFee: bigint;
  readonly commitment: string;
}

/** A 64-hex secret key as bytes, or null. */
const keyBytes = (text: string): Uint8Array | null => {
  try {
    return fromHex(text.trim(), 32);
  } catch {
    return null;
  }
};

/** How long ago a block's chain time was, by this device's clock (never negative: clocks differ). */
const ageText = (m: Messages, time: bigint): string => m.ago(secondsSince(time));

const errorText = (e: unknown): string => {
  const err = e as { code?: string; message?: string };
  const msg = String(err?.message ?? e);
  return err?.code ? `${msg} (${err.code})` : msg;
};

export class DipProductPanel extends LitElement {
  static override properties = {
    product: { type: String },
    label: { type: String },
    locale: { type: String },
    // Reactive, so a value set before this module loaded (the element loads it lazily) survives the upgrade.
    client: { attribute: false },
  };

  static override styles = panelStyles;

  /** The product contract id (64 hex). */
  declare product: string | null;
  /** The prop's label from the annotations (shown while the product loads; not trusted for prices). */
  declare label: string;
  declare locale: string | null;
  /** The verified chain access (see shop-client.ts). */
  declare client: ShopClient | null;
  /**
   * Asks the embedding site whether to go on with a confirmed purchase (the wallet frame asks the
   * page across origins). Default: the cancelable `dip-purchase-request` event on this element.
   */
  hostApproval: ((detail: PurchaseRequestDetail) => Promise<boolean>) | null = null;

  /** The purchase flow (purchase-flow.ts): its step and what the step shows. */
  #flow: FlowState = initialFlow;
  #sync: SyncState | null = null;
  #item: ShopProduct | null = null;
  #meta: ProductMetadata | null = null;
  #metaError = '';
  #sources: readonly ShopSource[] = [];
  #freshness: ShopFreshness | null = null;
  #unfresh: (() => void) | null = null;
  #ageTicker: ReturnType<typeof setInterval> | null = null;

  /** No purchase is offered on a stale head. */
  get #stale(): boolean {
    return this.#freshness?.stale === true;
  }
  #wallet: ShopWallet | null = null;
  /** The "Import a key" form is unfolded (kept off the main path); its error, if any. */
  #importing = false;
  #importError = '';
  #quantity = 1;
  #shipping: Record<ShippingField, string> = { name: '', address: '', postcode: '', country: '', email: '' };
  #maxFee = 0n;
  #commit: { commitment: string; salt: string } | null = null;
  /** Orders of this product from this wallet that are not proven yet (read when the card opens). */
  #earlierPending = false;
  #unoutcome: (() => void) | null = null;
  /** When the confirm step appeared (performance.now()), and why its last click did not count. */
  #confirmShownAt = 0;
  #refusal = '';
  #authorizing = false;
  #unwatch: (() => void) | null = null;
  #unsync: (() => void) | null = null;
  #load: AbortController | null = null;

  readonly #modal = new ModalFocus(this, () => this.#close());

  constructor() {
    super();
    // A modal: focus in, Tab trapped, Esc closes (the host returns focus), player keys kept out.
    this.addController(this.#modal);
    this.product = null;
    this.label = '';
    this.locale = null;
    this.client = null;
  }

  get #m(): Messages {
    return messagesFor(this.locale ?? document.documentElement.lang);
  }

  /** The current step (for tests and hosts). */
  get step(): Step {
    return this.#flow.step;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('product')) this.#open();
  }

  #stop(): void {
    this.#fundsWatch(false);
    this.#unoutcome?.();
    this.#unoutcome = null;
    this.#unfresh?.();
    this.#unfresh = null;
    if (this.#ageTicker) clearInterval(this.#ageTicker);
    this.#ageTicker = null;
    this.#unwatch?.();
    this.#unwatch = null;
    this.#unsync?.();
    this.#unsync = null;
    this.#load?.abort();
    if (this.#meta?.imageUrl) URL.revokeObjectURL(this.#meta.imageUrl);
  }

  /**
   * Drives the purchase flow: fires the transition's events, then shows the new state; a step
   * entered (even the same one again) is new content. Returns the new state, or null when the flow
   * ignored the event.
   */
  #send(event: FlowEvent): FlowState | null {
    const before = this.#flow;
    const { state, effects } = reduce(before, event);
    for (const e of effects) this.#emit(e.event, e.detail);
    this.#flow = state;
    if (event.type === 'open') return state;
    if (state !== before && STEP_EVENTS.has(event.type)) this.#entered(state.step);
    else this.requestUpdate();
    return state === before ? null : state;
  }

  #entered(step: Step): void {
    if (step === 'confirm') this.#confirmShownAt = performance.now();
    this.#refusal = '';
    this.#fundsWatch(step === 'confirm');
    this.requestUpdate();
    // A new step is new content: put focus where the viewer acts next.
    void this.updateComplete.then(() => this.#modal.focusFirst());
  }

  #fundsTimer: ReturnType<typeof setInterval> | null = null;

  /** While the confirm step waits for funds (a faucet, a transfer), re-read the verified balance. */
  #fundsWatch(on: boolean): void {
    if (this.#fundsTimer) clearInterval(this.#fundsTimer);
    this.#fundsTimer = null;
    if (!on) return;
    this.#fundsTimer = setInterval(() => {
      const w = this.#wallet;
      if (!this.client || (w && w.balance >= this.#total().total + this.#maxFee)) return;
      void this.client.wallet().then((x) => {
        if (x && (x.balance !== w?.balance || x.address !== w?.address)) {
          this.#wallet = x;
          this.requestUpdate();
        }
      }, () => undefined);
    }, 2000);
  }

  #open(): void {
    this.#stop();
    this.#item = null;
    this.#meta = null;
    this.#metaError = '';
    this.#quantity = 1;
    this.#importing = false;
    this.#importError = '';
    this.#earlierPending = false;
    this.#send({ type: 'open' });
    const client = this.client;
    const id = this.product;
    if (!client || !id) return;
    const ac = new AbortController();
    this.#load = ac;
    this.#unsync = client.onSync((s) => {
      this.#sync = s;
      this.requestUpdate();
    });
    this.#unfresh = client.onFreshness?.((f) => {
      this.#freshness = f;
      this.requestUpdate();
    }) ?? null;
    // Ages ("12 s ago") move on while the panel is open.
    this.#ageTicker = setInterval(() => this.requestUpdate(), 5000);
    (async () => {
      await client.ready();
      const item = await client.product(id);
      if (ac.signal.aborted) return;
      this.#item = item;
      this.#send({ type: 'loaded' });
      this.#emit('dip-card-open', { product: item.id, height: item.height });
      this.#wallet = await client.wallet().catch(() => null);
      this.#earlierPending = (await client.pendingOrders?.().catch(() => []) ?? []).some((o) => o.product === item.id);
      this.requestUpdate();
      try {
        this.#meta = await loadVerifiedMetadata(item.metadataUri, item.metadataHash, ac.signal);
      } catch (e) {
        if (!ac.signal.aborted) this.#metaError = errorText(e);
      }
      if (!ac.signal.aborted) this.requestUpdate();
    })().catch((e: unknown) => {
      if (ac.signal.aborted) return;
      this.#sources = [];
      this.#send({ type: 'loadFailed', message: errorText(e) });
      // Then say which sources were not trusted and why (a worker that never started never answers).
      void client.sources?.().then((list) => {
        if (ac.signal.aborted) return;
        this.#sources = list;
        this.requestUpdate();
      }, () => undefined);
    });
  }

  protected override render(): unknown {
    const m = this.#m;
    return html`
      <button type="button" class="close" aria-label=${m.close} @click=${this.#close}>✕</button>
      ${this.#body(m)}
    `;
  }

  #body(m: Messages): unknown {
    switch (this.#flow.step) {
      case 'loading': return this.#loading(m);
      case 'error': return html`<h2>${displayText(this.label)}</h2><p class="warn" role="alert">${m.unverifiable(this.#flow.error)}</p>
        ${this.#sourceNotes(m)}
        <div class="actions"><button type="button" @click=${() => this.#open()}>${m.tryAgain}</button></div>`;
      case 'card': return this.#card(m);
      case 'form': return this.#form(m);
      case 'confirm': return this.#confirm(m);
      case 'paying': return this.#paying(m);
      case 'pending': return this.#pendingView(m);
      case 'tracking': return this.#tracking(m);
      case 'failed': return html`<h2>${displayText(this.#item?.name ?? this.label)}</h2><p class="warn" role="alert">${m.failed(this.#flow.error)}</p>
        <div class="actions"><button type="button" @click=${() => this.#send({ type: 'back' })}>${m.back}</button></div>`;
    }
  }

  /** Which sources the light client does not use now, and why (read when a load fails). */
  #sourceNotes(m: Messages): unknown {
    const bad = this.#sources.filter((s) => s.health !== 'ok');
    if (!bad.length) return nothing;
    const inS = (at: number | null) => Math.max(0, Math.ceil(((at ?? Date.now()) - Date.now()) / 1000));
    return html`<ul class="sources">${bad.map((s) => {
      const reason = s.reason ? `${s.reason.code}` : '';
      return html`<li class="note" data-health=${s.health}>${s.health === 'faulty' ? m.sourceFaulty(s.id, reason, inS(s.retryAt)) : m.sourceUnavailable(s.id, reason, inS(s.retryAt))}</li>`;
    })}</ul>`;
  }

  #loading(m: Messages): unknown {
    const s = this.#sync;
    return html`
      <h2>${displayText(this.label)}</h2>
      <p role="status">${s && s.target > s.height ? m.syncing(String(s.height), String(s.target)) : s ? m.verifying : m.connecting}</p>
      ${s && s.target > 0n ? html`<progress max=${Number(s.target)} value=${Number(s.height)}></progress>` : html`<progress></progress>`}
    `;
  }

  /** "Verified at block N · 12 s ago" — never a verified value without its height and age — and, when the head is stale, why buying waits. */
  #verifiedMark(m: Messages, height: bigint, time: bigint): unknown {
    const f = this.#freshness;
    return html`<span class="verified" title=${m.verifiedTitle}>${m.verifiedAt(String(height), ageText(m, time))}</span>
      ${f?.stale ? html`<p class="warn stale" role="alert">${m.stale(String(f.height), m.ago(Math.floor(f.ageMs / 1000)))}</p>` : nothing}`;
  }

  #card(m: Messages): unknown {
    const p = this.#item!;
    const loc = this.locale ?? undefined;
    return html`
      <h2>${displayText(p.name)}</h2>
      ${this.#meta?.imageUrl ? html`<img src=${this.#meta.imageUrl} alt=${displayText(p.name)}>` : nothing}
      ${this.#meta?.description ? html`<p class="description">${displayText(this.#meta.description)}</p>` : nothing}
      ${this.#metaError ? html`<p class="note warn">${this.#metaError}</p>` : nothing}
      <p class="price">${formatAmount(p.price, p.currency, loc)}</p>
      ${this.#verifiedMark(m, p.height, p.time)}
      <dl>
        <dt>${m.producer}</dt><dd><code title=${p.producer}>${shortAddress(p.producer)}</code></dd>
        <dt>${m.leadTime}</dt><dd>${formatDuration(p.leadTimeMs, m)}</dd>
        <dt>${p.open ? m.available : m.notAvailable}</dt><dd>${p.open ? '●' : '○'}</dd>
      </dl>
      ${this.#walletRows(m)}
      ${p.currency.native ? nothing : html`<p class="note">${m.tokenPriced(p.currency.symbol)}</p>`}
      ${this.#earlierPending ? html`<p class="warn earlier-pending" role="alert">${m.earlierPending}</p>` : nothing}
      <div class="actions"><button type="button" class="primary" ?disabled=${!p.open || !p.currency.native || this.#stale} @click=${() => this.#send({ type: 'buy' })}>${m.buy}</button></div>
    `;
  }

  #form(m: Messages): unknown {
    const field = (f: ShippingField, type = 'text', autocomplete = '') => html`
      <label>${m[f]}<input name=${f} type=${type} autocomplete=${autocomplete || nothing} required .value=${this.#shipping[f]}
        @input=${(e: Event) => { this.#shipping[f] = (e.target as HTMLInputElement).value; }}></label>`;
    return html`
      <h2>${displayText(this.#item!.name)}</h2>
      <form @submit=${this.#review}>
        <label>${m.quantity}
          <select name="quantity" @change=${(e: Event) => { this.#quantity = Number((e.target as HTMLSelectElement).value); }}>
            ${Array.from({ length: MAX_QUANTITY }, (_, i) => html`<option value=${i + 1} ?selected=${i + 1 === this.#quantity}>${i + 1}</option>`)}
          </select></label>
        <h3>${m.shippingTitle}</h3>
        ${field('name', 'text', 'name')}${field('address', 'text', 'street-address')}${field('postcode', 'text', 'postal-code')}
        ${field('country', 'text', 'country-name')}${field('email', 'email', 'email')}
        <p class="note">${m.shippingNote}</p>
        <div class="actions">
          <button type="button" @click=${() => this.#send({ type: 'back' })}>${m.back}</button>
          <button type="submit" class="primary">${m.next}</button>
        </div>
      </form>
    `;
  }

  #review = async (e: Event): Promise<void> => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    if (!form.reportValidity()) return;
    const client = this.client!;
    try {
      this.#maxFee = await client.maxOrderFee();
      this.#wallet = await client.wallet();
      this.#commit = await client.commitShipping({ ...this.#shipping });
    } catch (err) {
      this.#send({ type: 'fail', message: errorText(err) });
      return;
    }
    this.#send({ type: 'reviewed' });
  };

  #total(): { price: bigint; fee: bigint; total: bigint } {
    const p = this.#item!;
    const price = p.price * BigInt(this.#quantity);
    return { price, fee: p.designerFee, total: price + p.designerFee };
  }

  #confirm(m: Messages): unknown {
    const p = this.#item!;
    const loc = this.locale ?? undefined;
    const { price, fee, total } = this.#total();
    const w = this.#wallet;
    const short = w && w.balance < total + this.#maxFee;
    const remote = this.client?.walletInWindow === true;
    return html`
      <h2>${m.confirmTitle}</h2>
      <p>${m.confirmOrder(p.name, this.#quantity)}</p>
      ${this.#verifiedMark(m, p.height, p.time)}
      <dl>
        <dt>${m.priceLine}</dt><dd>${formatDpn(price, loc)}</dd>
        <dt>${m.designerFee}</dt><dd>${formatDpn(fee, loc)}</dd>
        <dt><strong>${m.total}</strong></dt><dd><strong>${formatDpn(total, loc)}</strong></dd>
        <dt>${m.networkFee}</dt><dd>${formatDpn(this.#maxFee, loc)}</dd>
        <dt>${m.shippingFingerprint}</dt><dd><code title=${this.#commit?.commitment ?? ''}>${shortHex(this.#commit?.commitment ?? '')}</code></dd>
        ${w ? nothing : html`<dt>${m.fromWallet}</dt><dd>—</dd>`}
      </dl>
      ${this.#walletRows(m)}
      ${remote ? html`<p class="note">${m.walletWindowNote}</p>` : !w ? html`<p>${m.noWallet}</p>` : nothing}
      ${short ? html`<p class="warn" role="alert">${m.insufficient(formatDpn(total + this.#maxFee, loc))}</p>` : nothing}
      ${this.#refusal ? html`<p class="warn refused" role="alert">${m.notSigned(this.#refusal)}</p>` : nothing}
      <div class="actions">
        <button type="button" @click=${() => this.#send({ type: 'back' })}>${m.back}</button>
        ${remote ? html`<button type="button" class="primary pay" ?disabled=${short || this.#stale || this.#authorizing} @click=${this.#pay}>${m.payInWallet}</button>`
          : w ? html`<button type="button" class="primary pay" ?disabled=${short || this.#stale} @click=${this.#pay}>${m.pay}</button>`
          : html`<button type="button" class="primary" @click=${this.#createWallet}>${m.createWallet}</button>`}
      </div>
      ${w || remote ? nothing : this.#importForm(m)}
    `;
  }

  /** The paying wallet and its verified balance (card and confirm steps), once one exists. */
  #walletRows(m: Messages): unknown {
    const w = this.#wallet;
    if (!w) return nothing;
    return html`<dl class="wallet">
      <dt>${m.fromWallet}</dt><dd><code title=${w.address}>${shortAddress(w.address)}</code></dd>
      <dt>${m.balance}</dt><dd>${formatDpn(w.balance, this.locale ?? undefined)}</dd>
    </dl>`;
  }

  /**
   * "Import a key", folded under a small link-style toggle beside "Create a wallet". The field is
   * not bound to any property: its value is read once on submit, handed to the light client, and
   * cleared; the widget keeps no copy.
   */
  #importForm(m: Messages): unknown {
    const err = this.#importError;
    return html`
      <button type="button" class="link" aria-expanded=${this.#importing ? 'true' : 'false'} aria-controls="import"
        @click=${this.#toggleImport}>${m.importKey}</button>
      ${this.#importing ? html`<form id="import" class="import" @submit=${this.#importKey} novalidate>
        <label>${m.secretKey}<input name="secret" type="password" autocomplete="off" spellcheck="false" required
          aria-invalid=${err ? 'true' : 'false'} aria-describedby=${err ? 'import-note import-error' : 'import-note'}
          @input=${() => { if (this.#importError) { this.#importError = ''; this.requestUpdate(); } }}></label>
        <p class="note" id="import-note">${m.importNote}</p>
        ${err ? html`<p class="warn" id="import-error" role="alert">${err}</p>` : nothing}
        <div class="actions"><button type="submit">${m.importSubmit}</button></div>
      </form>` : nothing}
    `;
  }

  #toggleImport = (): void => {
    this.#importing = !this.#importing;
    this.#importError = '';
    this.requestUpdate();
    if (this.#importing) void this.updateComplete.then(() => this.shadowRoot?.querySelector<HTMLInputElement>('input[name="secret"]')?.focus());
  };

  #importKey = async (e: Event): Promise<void> => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('secret') as HTMLInputElement;
    const key = keyBytes(input.value);
    if (!key) {
      this.#importError = this.#m.importInvalid;
      this.requestUpdate();
      input.focus();
      return;
    }
    input.value = '';
    try {
      this.#wallet = await this.client!.importWallet(key);
      this.#importing = false;
      this.requestUpdate();
    } catch (err) {
      this.#importError = errorText(err);
      this.requestUpdate();
    } finally {
      if (key.byteLength) key.fill(0); // detached (length 0) once the adapter transferred it to the worker
    }
  };

  #createWallet = async (): Promise<void> => {
    try {
      this.#wallet = await this.client!.createWallet();
      this.requestUpdate();
    } catch (e) {
      this.#send({ type: 'fail', message: errorText(e) });
    }
  };

  #pay = async (click: Event): Promise<void> => {
    const client = this.client!;
    const p = this.#item!;
    const shipping = { ...this.#shipping };
    const quantity = this.#quantity;
    const commit0 = this.#commit!;
    if (client.authorizePayment) {
      // The click must be the viewer's, on a frame they can see: otherwise nothing goes further.
      this.#authorizing = true;
      this.#refusal = '';
      this.requestUpdate();
      try {
        if (performance.now() - this.#confirmShownAt < MIN_CONFIRM_MS) {
          throw new WalletRefusal('WALLET_TOO_SOON', `the confirm step was on screen less than ${MIN_CONFIRM_MS} ms before the click`);
        }
        await client.authorizePayment(click);
      } catch (err) {
        const code = (err as { code?: string })?.code ?? 'WALLET_REFUSED';
        this.#refusal = errorText(err);
        console.warn(`[dipnet wallet frame] a confirm click did not count: ${this.#refusal}`);
        this.#emit('dip-wallet-refused', { code, message: this.#refusal });
        return;
      } finally {
        this.#authorizing = false;
        this.requestUpdate();
      }
    }
    const request: PurchaseRequestDetail = { product: p.id, quantity, total: this.#total().total, maxFee: this.#maxFee, commitment: commit0.commitment };
    const go = this.hostApproval ? await this.hostApproval(request) : this.#emit('dip-purchase-request', request, true);
    if (!go) {
      this.#send({ type: 'fail', message: this.#m.hostTookOver });
      return;
    }
    this.#send({ type: 'pay', product: p.id, quantity });
    const commit = this.#commit!;
    // A payment that outlives the wait is resolved here if the panel is still open (the element
    // tells the site, dip-order-placed, whether or not it is).
    this.#unoutcome = client.onOrderOutcome?.((o) => this.#onOutcome(o)) ?? null;
    try {
      const sent = await client.placeOrder({ product: p.id, quantity, maxTotal: this.#total().total, shipping, salt: commit.salt, commitment: commit.commitment }, (s) => {
        this.#send({ type: 'stage', stage: s });
      }, (h) => {
        this.#send({ type: 'hint', hint: h });
        this.#emit('dip-purchase-hint', { product: p.id, hint: { source: h.source, says: h.says, code: h.code, ...(h.height !== undefined ? { height: h.height.toString() } : {}) } });
      });
      const placed: PlacedOrder = { ...sent, ...commit };
      // dip-order-placed and dip-purchase-finalised (once per order), then tracking. Past this point
      // the order is proven: nothing that goes wrong while tracking it is a failed payment.
      if (this.#send({ type: 'placed', placed, product: p.id, quantity, shipping })?.placed === placed) void this.#track(placed);
    } catch (e) {
      const err = e as { code?: string; details?: { order?: { orderId: string } } };
      if (err?.code === 'LC_TX_PENDING' && err.details?.order) {
        // Sent, not proven either way: never "failed" on a relay's word. Still checking.
        const order = { orderId: err.details.order.orderId, commitment: commit.commitment, salt: commit.salt };
        this.#send({ type: 'payPending', product: p.id, order, message: errorText(e) });
        return;
      }
      this.#send({ type: 'payFailed', product: p.id, message: errorText(e), code: err?.code });
    }
  };

  /** The order is proven (the flow is tracking it): follow its production graph. */
  async #track(placed: PlacedOrder): Promise<void> {
    const client = this.client!;
    const orderId = placed.orderId;
    try {
      this.#send({ type: 'tree', orderId, tree: await client.orderTree(orderId) });
    } catch (e) {
      // The watch below keeps trying on every new head; until then the view says why it has no tree.
      this.#send({ type: 'trackError', orderId, message: errorText(e) });
    }
    if (this.#flow.placed !== placed) return; // closed or moved on meanwhile
    this.#unwatch = client.watchOrder(orderId, (tree) => {
      this.#send({ type: 'tree', orderId, tree });
    }, (message) => {
      this.#send({ type: 'trackError', orderId, message });
    });
  }

  /** A pending payment's proven fate, while this panel still shows it: tracking in place, or failed. */
  #onOutcome(o: ShopOrderOutcome): void {
    const next = this.#send({ type: 'outcome', outcome: o, message: this.#m.notPlaced });
    if (next?.step === 'tracking' && next.placed) void this.#track(next.placed);
  }

  #emit<T>(type: string, detail: T, cancelable = false): boolean {
    return this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true, cancelable }));
  }

  #paying(m: Messages): unknown {
    const all: PaymentStage[] = ['signing', 'submitted', 'included', 'verified'];
    return html`
      <h2>${m.paying}</h2>
      <ol class="stages" role="status">
        ${all.map((s) => html`<li class=${this.#flow.stages.includes(s) ? 'done' : ''}>${m.stage[s]}</li>`)}
      </ol>
      ${this.#hintNote(m)}
    `;
  }

  /** A relay's word, shown as such. */
  #hintNote(m: Messages): unknown {
    const h = this.#flow.hint;
    if (!h) return nothing;
    return html`<p class="note hint">${m.relaySays(h.says === 'refused' ? m.relayRefused(h.code) : m.relayInBlock(String(h.height ?? '?')))}</p>`;
  }

  #pendingView(m: Messages): unknown {
    return html`
      <h2>${m.pendingTitle}</h2>
      <p role="status">${m.pendingNote}</p>
      ${this.#flow.pendingOrder ? html`<p class="note">${m.orderId} <code>${shortHex(this.#flow.pendingOrder.orderId)}</code></p>` : nothing}
      ${this.#hintNote(m)}
      <progress></progress>
    `;
  }

  #tracking(m: Messages): unknown {
    const { placed: placedOrder, tree: t, trackError } = this.#flow;
    const placed = placedOrder!;
    const root = t?.nodes.find((n) => n.parent === null);
    return html`
      <h2>${displayText(this.#item!.name)}</h2>
      <p role="status">${m.orderPlaced}</p>
      <p class="note">${m.orderId} <code>${shortHex(placed.orderId)}</code></p>
      ${trackError ? html`<p class="warn track-error" role="alert">${m.trackingPaused(trackError)}</p>` : nothing}
      ${t ? html`
        <h3>${m.tracking}: ${root ? (root.status === 'active' ? m.state(root.state) : m.status[root.status]) : ''}</h3>
        ${this.#verifiedMark(m, t.height, t.time)}
        <dip-order-graph .tree=${t} .locale=${this.locale}></dip-order-graph>` : html`<progress></progress>`}
    `;
  }

  #close = (): void => {
    this.dispatchEvent(new CustomEvent('dip-panel-close', { bubbles: true, composed: true }));
  };
}

export const PANEL_TAG = 'dip-product-panel';
if (!customElements.get(PANEL_TAG)) customElements.define(PANEL_TAG, DipProductPanel);

declare global {
  interface HTMLElementTagNameMap { 'dip-product-panel': DipProductPanel }
  interface HTMLElementEventMap { 'dip-order-placed': CustomEvent<OrderPlacedDetail> }
}
