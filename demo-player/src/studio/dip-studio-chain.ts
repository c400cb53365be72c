/**
 * `<dip-studio-chain slot="chain">`: the studio's chain panel, inside `<dip-studio>`. It plugs the
 * chain-backed `validateProduct` into the studio and, for the selected track:
 *
 *   - links a product contract: the relay's product list is a hint; each product is shown only
 *     after the light client proved it (name, producer, price, "verified at block N"), or an id is
 *     pasted and checked the same way;
 *   - makes a product contract from an approved template through a form rendered from the
 *     template's typed parameters (param-form.ts), signed in this browser by the studio's wallet
 *     (a key made here, or the devnet's well-known studio key), funded by the devnet faucet; the
 *     new product's id is set on the track.
 *
 * State for tests: `[data-state]` (starting | synced | error), `[data-height]`, the wallet's
 * `[data-address]`/`[data-balance]`, the form's `[data-created]` (the new product id).
 */
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { fromHex, parseDpn, type ParamSpec } from '@dipnet/protocol';
import { proxy } from '@dipnet/light-client/worker';
import type { ContractTxStage, VerifiedHead } from '@dipnet/light-client/api';
import { formatDpn, shortAddress, shortHex } from '@dipnet/widget/shop/format';
import { loadDemoConfig } from '../demo-config.ts';
import { closedReason, prepareMetadata, startStudioChain, type StudioChain, type VerifiedProduct, type VerifiedTemplate } from './chain.ts';
import { defaultField, fieldHint, parseDurationMs, parseForm } from './param-form.ts';
import { productFormatError } from './formats/product.ts';
import type { DipStudio } from './dip-studio.ts';
import type { StudioTrack } from './formats/track.ts';

export const CHAIN_TAG = 'dip-studio-chain';
const IMAGE_MAX = 1024 * 1024;
const NAME_MAX = 64;

type Field = { text: string; checked: boolean };

export class DipStudioChain extends LitElement {
  #chain: StudioChain | null = null;
  #state: 'starting' | 'synced' | 'error' = 'starting';
  #error = '';
  #head: VerifiedHead | null = null;
  #studio: DipStudio | null = null;
  #index = -1;
  #track: StudioTrack | undefined;
  // wallet
  #address: string | null = null;
  #balance: bigint | null = null;
  #balanceAt: bigint | null = null;
  #walletNote = '';
  #walletBusy = false;
  // products and templates (verified)
  #products: VerifiedProduct[] | null = null;
  #productsNote = 'loading the relay\'s list…';
  #templates: VerifiedTemplate[] | null = null;
  #linked: { id: string; product?: VerifiedProduct; error?: string } | null = null;
  #paste = '';
  #pasteNote = '';
  // the form
  #formOpen = false;
  #templateId = '';
  #fields: Record<string, Field> = {};
  #meta = { name: '', price: '', leadTime: '7d', description: '' };
  #image: { bytes: Uint8Array; type: string; name: string } | null = null;
  #errors: Record<string, string> = {};
  #busy = false;
  #progress = '';
  #created: { id: string; height: bigint; name: string } | null = null;
  #formError = '';

  override connectedCallback(): void {
    super.connectedCallback();
    this.#studio = this.closest('dip-studio');
    this.#studio?.addEventListener('studio-selection', this.#onSelection as EventListener);
    if (this.#studio) {
      this.#index = this.#studio.selectedIndex;
      this.#track = this.#studio.tracks[this.#index];
    }
    if (!this.#chain) void this.#start();
  }

  override disconnectedCallback(): void {
    this.#studio?.removeEventListener('studio-selection', this.#onSelection as EventListener);
    super.disconnectedCallback();
  }

  /** The light client and relay access, once started (for tests and devtools). */
  get chain(): StudioChain | null { return this.#chain; }

  #onSelection = (e: CustomEvent<{ index: number; track: StudioTrack | undefined }>): void => {
    const before = this.#track?.product;
    this.#index = e.detail.index;
    this.#track = e.detail.track;
    if (this.#track?.product !== before || !this.#linked || this.#linked.id !== this.#track?.product) void this.#readLinked();
    this.requestUpdate();
  };

  async #start(): Promise<void> {
    let config;
    try {
      config = await loadDemoConfig();
    } catch (e) {
      this.#state = 'error';
      this.#error = `${(e as Error).message}. Without a chain the studio checks product ids for format only.`;
      this.requestUpdate();
      return;
    }
    const chain = startStudioChain(config);
    this.#chain = chain;
    if (this.#studio) this.#studio.validateProduct = chain.validateProduct;
    try {
      this.#head = await chain.started;
      this.#state = 'synced';
      await chain.lc.onHead(proxy((h: VerifiedHead) => {
        this.#head = h;
        void this.#readBalance();
        this.requestUpdate();
      }));
    } catch (e) {
      this.#state = 'error';
      this.#error = `The light client did not start: ${(e as Error).message}`;
      this.requestUpdate();
      return;
    }
    this.requestUpdate();
    void this.#readLinked();
    void this.refreshProducts();
    void this.#loadTemplates();
  }

  // ---- wallet ----------------------------------------------------------------------------------

  async #readBalance(): Promise<void> {
    if (!this.#chain || !this.#address) return;
    try {
      const a = await this.#chain.lc.getAccount(this.#address);
      this.#balance = a.account.balance;
      this.#balanceAt = a.height;
      this.requestUpdate();
    } catch (e) {
      this.#walletNote = `Balance not verified: ${(e as Error).message}`;
    }
  }

  async #useWallet(kind: 'new' | 'devnet'): Promise<void> {
    const chain = this.#chain;
    if (!chain) return;
    this.#walletBusy = true;
    this.requestUpdate();
    try {
      await chain.started;
      if (kind === 'new') {
        this.#address = await chain.lc.createWallet();
        this.#walletNote = 'A new key made in this browser tab (non-extractable; it lives as long as this page).';
      } else {
        const { devKey: name, secretKey } = chain.config.studio!;
        this.#address = await chain.lc.importWallet(fromHex(secretKey, 32));
        this.#walletNote = `The devnet's well-known key "${name}" (public knowledge: devnet only). Scripts can sign as the same producer: npx dipnet keys devnet ${name} --key studio.key`;
      }
      await this.#readBalance();
    } catch (e) {
      this.#walletNote = `No wallet: ${(e as Error).message}`;
    } finally {
      this.#walletBusy = false;
      this.requestUpdate();
    }
  }

  async #faucet(): Promise<void> {
    const chain = this.#chain;
    if (!chain?.config.faucet || !this.#address) return;
    this.#walletBusy = true;
    this.#walletNote = `Asking the devnet faucet for ${chain.config.faucet.amountDpn} test DPN…`;
    this.requestUpdate();
    try {
      const r = await fetch(chain.config.faucet.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: this.#address }) });
      const body = (await r.json()) as { height?: string; error?: { message: string } };
      if (!r.ok) throw new Error(body.error?.message ?? `HTTP ${r.status}`);
      this.#walletNote = `The faucet's transfer is in block ${body.height}; the balance shows once the light client verified it.`;
      await this.#readBalance();
    } catch (e) {
      this.#walletNote = `Faucet: ${(e as Error).message}`;
    } finally {
      this.#walletBusy = false;
      this.requestUpdate();
    }
  }

  // ---- products ------------------------------------------------------------------------------

  async refreshProducts(): Promise<void> {
    const chain = this.#chain;
    if (!chain) return;
    this.#productsNote = 'verifying the relay\'s list…';
    this.requestUpdate();
    try {
      this.#products = await chain.listProducts();
      this.#productsNote = this.#products.length ? '' : 'No products on this chain yet.';
    } catch (e) {
      this.#productsNote = `Product list unavailable: ${(e as Error).message}`;
    }
    this.requestUpdate();
  }

  async #loadTemplates(): Promise<void> {
    try {
      const all = await this.#chain!.listTemplates();
      this.#templates = all.filter((t) => t.status === 'approved');
      if (!this.#templateId || !this.#templates.some((t) => t.id === this.#templateId)) {
        this.#pickTemplate((this.#templates.find((t) => t.name === 'bill-of-materials') ?? this.#templates[0])?.id ?? '');
      }
    } catch (e) {
      this.#formError = `Templates unavailable: ${(e as Error).message}`;
    }
    this.requestUpdate();
  }

  async #readLinked(): Promise<void> {
    const id = this.#track?.product ?? '';
    if (!this.#chain || productFormatError(id)) {
      this.#linked = null;
      this.requestUpdate();
      return;
    }
    this.#linked = { id };
    this.requestUpdate();
    try {
      const product = await this.#chain.product(id);
      if (this.#track?.product === id) this.#linked = { id, product };
    } catch (e) {
      if (this.#track?.product === id) this.#linked = { id, error: (e as Error).message };
    }
    this.requestUpdate();
  }

  #link(id: string): void {
    if (!this.#studio || this.#index < 0) return;
    this.#studio.setProduct(this.#index, id);
  }

  async #linkPasted(): Promise<void> {
    const id = this.#paste.trim();
    const format = productFormatError(id);
    if (format) { this.#pasteNote = format; this.requestUpdate(); return; }
    this.#pasteNote = 'checking on chain…';
    this.requestUpdate();
    try {
      const why = await this.#chain!.validateProduct(id);
      if (why) { this.#pasteNote = why; return; }
      this.#pasteNote = '';
      this.#paste = '';
      this.#link(id);
    } catch (e) {
      this.#pasteNote = `the check failed: ${(e as Error).message}`;
    } finally {
      this.requestUpdate();
    }
  }

  // ---- the product form ------------------------------------------------------------------------

  get #template(): VerifiedTemplate | undefined { return this.#templates?.find((t) => t.id === this.#templateId); }

  #pickTemplate(id: string): void {
    this.#templateId = id;
    const t = this.#templates?.find((x) => x.id === id);
    this.#fields = Object.fromEntries((t?.template.params ?? []).map((p) => [p.name, defaultField(p)]));
    this.#errors = {};
    this.requestUpdate();
  }

  openForm(): void {
    this.#formOpen = true;
    this.#created = null;
    this.#formError = '';
    if (!this.#meta.name && this.#track) this.#meta = { ...this.#meta, name: this.#track.label.slice(0, NAME_MAX) };
    this.requestUpdate();
  }

  async #onImage(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) { this.#image = null; return; }
    if (file.size > IMAGE_MAX) {
      this.#errors = { ...this.#errors, image: `the picture is larger than ${IMAGE_MAX / 1024} KiB` };
      this.#image = null;
    } else {
      const { image: _drop, ...rest } = this.#errors;
      this.#errors = rest;
      this.#image = { bytes: new Uint8Array(await file.arrayBuffer()), type: file.type || 'application/octet-stream', name: file.name };
    }
    this.requestUpdate();
  }

  async create(): Promise<string | null> {
    const chain = this.#chain;
    const t = this.#template;
    this.#formError = '';
    this.#created = null;
    if (!chain || !t) { this.#formError = 'Choose an approved template first.'; this.requestUpdate(); return null; }
    const errors: Record<string, string> = {};
    const name = this.#meta.name.trim();
    if (!name) errors.name = 'a product needs a name';
    else if (new TextEncoder().encode(name).length > NAME_MAX) errors.name = `at most ${NAME_MAX} bytes`;
    let price = 0n;
    try {
      if (!/^\d+(\.\d{1,9})?$/.test(this.#meta.price.trim())) throw new Error('expected an amount of DPN such as 80 or 12.5');
      price = parseDpn(this.#meta.price.trim());
      if (price <= 0n) throw new Error('the price must be more than 0');
    } catch (e) {
      errors.price = (e as Error).message;
    }
    let leadTimeMs = 0n;
    try {
      leadTimeMs = parseDurationMs(this.#meta.leadTime);
    } catch (e) {
      errors.leadTime = (e as Error).message;
    }
    if (this.#errors.image) errors.image = this.#errors.image;
    const form = parseForm(t.template, this.#fields);
    for (const [k, v] of Object.entries(form.errors)) errors[`param-${k}`] = v;
    this.#errors = errors;
    if (Object.keys(errors).length) { this.#formError = `${Object.keys(errors).length} field(s) to fix.`; this.requestUpdate(); return null; }
    if (!this.#address) { this.#formError = 'Make or choose a wallet first (Wallet, above), then get test DPN.'; this.requestUpdate(); return null; }
    if (!this.#balance) { this.#formError = 'The wallet has no verified DPN yet: get test DPN from the faucet.'; this.requestUpdate(); return null; }

    this.#busy = true;
    this.#progress = 'checking the products the parameters name…';
    this.requestUpdate();
    try {
      // Every product a parameter names must exist and take orders — proven, before anything is signed.
      const named = await Promise.all(form.products.map(async (id) => [id, await chain.validateProduct(id)] as const));
      const bad = named.filter(([, why]) => why);
      if (bad.length) {
        for (const p of t.template.params) {
          const v = form.params![p.name];
          const ids = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
          const hit = bad.find(([id]) => ids.includes(id));
          if (hit && (p.type === 'product' || p.type === 'products')) errors[`param-${p.name}`] = `${shortHex(hit[0])}: ${hit[1]}`;
        }
        this.#errors = errors;
        throw new Error('a product named in the parameters cannot be used');
      }
      this.#progress = this.#image ? 'pinning the picture and the description…' : 'preparing the description…';
      this.requestUpdate();
      const meta = await prepareMetadata({ name, description: this.#meta.description.trim() }, this.#image, chain.config.studio?.pin ?? null);
      this.#progress = 'signing in this browser…';
      this.requestUpdate();
      const r = await chain.lc.createProduct({
        template: t.id, name, price, leadTimeMs, metadataUri: meta.metadataUri, metadataHash: meta.metadataHash,
        params: form.params as Record<string, string>,
      }, proxy((s: ContractTxStage) => {
        this.#progress = s.stage === 'signed' ? `signed (fee at most ${formatDpn(s.fee)})…`
          : s.stage === 'submitted' ? 'submitted; waiting for a block…'
          : s.stage === 'hint' ? (s.hint.says === 'in-block' ? `the relay says it is in block ${s.hint.height}; verifying…` : `the relay says it refused it (${s.hint.code}); checking the chain…`)
          : `receipt verified at block ${s.height}`;
        this.requestUpdate();
      }));
      this.#created = { id: r.productId, height: r.height, name: r.product.name };
      this.#progress = '';
      if (this.#studio && this.#index >= 0) this.#studio.setProduct(this.#index, r.productId);
      void this.refreshProducts();
      void this.#readBalance();
      return r.productId;
    } catch (e) {
      const code = (e as { code?: string; details?: { remoteCode?: string } }).details?.remoteCode ?? (e as { code?: string }).code;
      this.#formError = `Not created: ${(e as Error).message}${code && !(e as Error).message.includes(code) ? ` (${code})` : ''}`;
      this.#progress = '';
      return null;
    } finally {
      this.#busy = false;
      this.requestUpdate();
    }
  }

  // ---- rendering ------------------------------------------------------------------------------

  static override styles = css`
    :host { display: block; margin-top: .75rem; color: var(--text, #e7e9ee); font: 14px/1.45 var(--font, system-ui, sans-serif); }
    * { box-sizing: border-box; }
    button, input, select, textarea { font: inherit; color: inherit; }
    button {
      background: var(--surface-2, #20242c); border: 1px solid var(--border, #2e333d); border-radius: 6px;
      padding: .3rem .6rem; cursor: pointer; min-height: 30px;
    }
    button:hover:not(:disabled) { border-color: #4a5160; background: #272c36; }
    button:disabled { opacity: .45; cursor: not-allowed; }
    button.primary { background: var(--accent, #ffb400); color: var(--accent-ink, #1b1400); border-color: transparent; font-weight: 600; }
    :focus-visible { outline: 2px solid var(--accent, #ffb400); outline-offset: 2px; }
    .card { background: var(--surface, #181b21); border: 1px solid var(--border, #2e333d); border-radius: 10px; padding: .75rem; }
    .card + .card { margin-top: .75rem; }
    h2 { font-size: .78rem; text-transform: uppercase; letter-spacing: .08em; color: var(--muted, #9aa3b2); margin: 0 0 .5rem; display: flex; gap: .4rem; align-items: center; }
    h3 { font-size: 12.5px; margin: .7rem 0 .35rem; color: var(--text, #e7e9ee); }
    .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--muted, #9aa3b2); }
    :host([data-state='synced']) .dot { background: var(--ok, #5dd39e); }
    :host([data-state='error']) .dot { background: var(--danger, #ff6b6b); }
    .hint, .note { color: var(--muted, #9aa3b2); font-size: 12.5px; margin: .35rem 0 0; }
    .error { color: var(--danger, #ff6b6b); font-size: 12.5px; margin: .35rem 0 0; }
    .ok { color: var(--ok, #5dd39e); font-size: 12.5px; }
    dl { display: grid; grid-template-columns: auto 1fr; gap: 2px .6rem; margin: 0; font-size: 12.5px; }
    dt { color: var(--muted, #9aa3b2); }
    dd { margin: 0; overflow-wrap: anywhere; }
    code { font: 12px var(--mono, monospace); }
    .row { display: flex; flex-wrap: wrap; gap: .35rem; margin-top: .45rem; }
    .products { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; max-height: 230px; overflow: auto; }
    .products li { display: grid; grid-template-columns: 1fr auto; gap: .4rem; align-items: center; padding: .3rem .45rem; border: 1px solid var(--border, #2e333d); border-radius: 6px; font-size: 12.5px; }
    .products li[aria-current='true'] { border-color: var(--accent, #ffb400); background: #262217; }
    .products .sub { color: var(--muted, #9aa3b2); font-size: 11.5px; }
    .closed { opacity: .6; }
    .verified { color: var(--ok, #5dd39e); font-size: 11.5px; }
    label.field { display: grid; gap: 2px; margin-bottom: .45rem; font-size: 12px; color: var(--muted, #9aa3b2); }
    label.field.check { display: flex; align-items: center; gap: .4rem; }
    label.field input:not([type='checkbox']), label.field select, label.field textarea {
      background: #101318; border: 1px solid var(--border, #2e333d); border-radius: 6px; padding: .35rem .5rem; font: 13px var(--mono, monospace); width: 100%; color: var(--text, #e7e9ee);
    }
    label.field textarea { font-family: var(--font, system-ui, sans-serif); min-height: 3.2em; resize: vertical; }
    [aria-invalid='true'] { border-color: var(--danger, #ff6b6b) !important; }
    .field-error { color: var(--danger, #ff6b6b); font-size: 11.5px; }
    .params { border-top: 1px solid var(--border, #2e333d); margin-top: .5rem; padding-top: .5rem; }
    .progress { font-size: 12.5px; color: var(--accent, #ffb400); margin-top: .4rem; }
    .created { margin-top: .5rem; padding: .45rem .6rem; border-radius: 6px; font-size: 12.5px; background: #142019; border: 1px solid #24402f; overflow-wrap: anywhere; }
  `;

  override updated(): void {
    this.dataset.state = this.#state;
    this.dataset.height = this.#head ? String(this.#head.height) : '';
  }

  #field(key: string, label: string, input: TemplateResult, hint = ''): TemplateResult {
    const err = this.#errors[key];
    return html`<label class="field">${label}${input}
      ${err ? html`<span class="field-error" id="err-${key}">${err}</span>` : hint ? html`<span class="hint" style="margin:0">${hint}</span>` : nothing}</label>`;
  }

  #renderParam(p: ParamSpec): TemplateResult {
    const key = `param-${p.name}`;
    const v = this.#fields[p.name] ?? defaultField(p);
    const set = (patch: Partial<Field>): void => { this.#fields = { ...this.#fields, [p.name]: { ...v, ...patch } }; this.requestUpdate(); };
    const invalid = Boolean(this.#errors[key]);
    const label = `${p.name} · ${p.type}${p.max !== undefined ? ` ≤ ${p.max}` : ''}`;
    if (p.type === 'bool') {
      return html`<label class="field check"><input type="checkbox" name=${key} .checked=${v.checked} @change=${(e: Event) => set({ checked: (e.target as HTMLInputElement).checked })}> ${label}</label>`;
    }
    if (p.type === 'choice') {
      return this.#field(key, label, html`<select name=${key} .value=${v.text} @change=${(e: Event) => set({ text: (e.target as HTMLSelectElement).value })}>
        ${(p.options ?? []).map((o) => html`<option value=${o} ?selected=${o === v.text}>${o}</option>`)}</select>`);
    }
    const input = html`<input name=${key} .value=${v.text} spellcheck="false" placeholder=${fieldHint(p)} aria-invalid=${invalid}
      @input=${(e: Event) => set({ text: (e.target as HTMLInputElement).value })}>`;
    if (p.type === 'product' || p.type === 'products') {
      // A picker of verified products beside the text: choosing one fills (or appends) its id.
      const picker = html`<select name="${key}-pick" aria-label="Add a verified product to ${p.name}" @change=${(e: Event) => {
        const sel = e.target as HTMLSelectElement;
        if (sel.value) set({ text: p.type === 'product' ? sel.value : [...v.text.split(/[\s,;]+/).filter(Boolean), sel.value].join(', ') });
        sel.value = '';
      }}><option value="">${p.type === 'product' ? 'Choose a verified product…' : 'Add a verified product…'}</option>
        ${(this.#products ?? []).filter((x) => x.open).map((x) => html`<option value=${x.id}>${x.name} — ${x.template.name}, ${x.priceText}, by ${shortAddress(x.producer)}</option>`)}</select>`;
      return this.#field(key, label, html`${input}${picker}`, fieldHint(p));
    }
    return this.#field(key, label, input, fieldHint(p));
  }

  #renderForm(): TemplateResult {
    const t = this.#template;
    const m = this.#meta;
    const setMeta = (k: keyof typeof m) => (e: Event): void => { this.#meta = { ...m, [k]: (e.target as HTMLInputElement).value }; this.requestUpdate(); };
    return html`<form class="create" aria-labelledby="create-h" @submit=${(e: Event) => { e.preventDefault(); void this.create(); }}>
      <h3 id="create-h">Make a product contract</h3>
      ${this.#field('template', 'Base template (approved, verified)', html`<select name="template" .value=${this.#templateId} @change=${(e: Event) => this.#pickTemplate((e.target as HTMLSelectElement).value)}>
        ${this.#templates === null ? html`<option value="">verifying templates…</option>` : nothing}
        ${(this.#templates ?? []).map((x) => html`<option value=${x.id} ?selected=${x.id === this.#templateId}>${x.name} — designer fee ${formatDpn(x.designerFee)}</option>`)}</select>`,
        t ? `${t.template.summary.slice(0, 160)}${t.template.summary.length > 160 ? '…' : ''} (verified at block ${t.height})` : '')}
      ${this.#field('name', 'Product name', html`<input name="name" .value=${m.name} maxlength="64" aria-invalid=${Boolean(this.#errors.name)} @input=${setMeta('name')}>`)}
      ${this.#field('price', 'Unit price (DPN)', html`<input name="price" .value=${m.price} inputmode="decimal" placeholder="80" aria-invalid=${Boolean(this.#errors.price)} @input=${setMeta('price')}>`)}
      ${this.#field('leadTime', 'Lead time', html`<input name="leadTime" .value=${m.leadTime} placeholder="7d" aria-invalid=${Boolean(this.#errors.leadTime)} @input=${setMeta('leadTime')}>`, 'e.g. 10d, 36h')}
      ${this.#field('description', 'Description (metadata, hashed on chain)', html`<textarea name="description" .value=${m.description} @input=${setMeta('description')}></textarea>`)}
      ${this.#field('image', 'Picture (optional; its SHA-256 goes in the metadata)', html`<input type="file" name="image" accept="image/png,image/jpeg,image/webp,image/gif,image/svg+xml" @change=${(e: Event) => void this.#onImage(e)}>`,
        this.#image ? `${this.#image.name}, ${this.#image.bytes.length} bytes` : '')}
      ${t ? html`<div class="params" role="group" aria-label="Template parameters">
        <p class="hint" style="margin:0 0 .4rem">Parameters of “${t.name}”, typed by its schema:</p>
        ${t.template.params.map((p) => this.#renderParam(p))}</div>` : nothing}
      <div class="row">
        <button class="primary" type="submit" ?disabled=${this.#busy || !t}>Sign and create product</button>
        <button type="button" ?disabled=${this.#busy} @click=${() => { this.#formOpen = false; this.requestUpdate(); }}>Close</button>
      </div>
      ${this.#progress ? html`<p class="progress" role="status">${this.#progress}</p>` : nothing}
      ${this.#formError ? html`<p class="error" role="alert">${this.#formError}</p>` : nothing}
    </form>`;
  }

  #renderProductRow(p: VerifiedProduct): TemplateResult {
    const current = this.#track?.product === p.id;
    const closed = closedReason(p);
    return html`<li data-product=${p.id} aria-current=${current} class=${closed ? 'closed' : ''}>
      <span><b>${p.name}</b> · ${p.priceText}<br>
        <span class="sub">${p.template.name} · by <code title=${p.producer}>${shortAddress(p.producer)}</code></span>
        <span class="verified"> ✔ verified at block ${p.height}</span>${closed ? html`<br><span class="field-error">${closed}</span>` : nothing}</span>
      <button type="button" ?disabled=${current || Boolean(closed) || this.#index < 0} @click=${() => this.#link(p.id)}>${current ? 'Linked' : 'Use'}</button>
    </li>`;
  }

  override render(): TemplateResult {
    const cfg = this.#chain?.config;
    const track = this.#track;
    const issue = this.#index >= 0 ? this.#studio?.productIssue(this.#index) : undefined;
    const linked = this.#linked;
    return html`
      <section class="card" aria-labelledby="chain-h">
        <h2 id="chain-h"><span class="dot" aria-hidden="true"></span>Chain & wallet</h2>
        ${this.#state === 'error' ? html`<p class="error" role="alert">${this.#error}</p>` : html`
          <p class="hint" style="margin:0" role="status">${this.#head ? html`Light client in a Web Worker: verified block <b data-testid="lc-height">${this.#head.height}</b> from the genesis hash <code title=${cfg?.genesisHash ?? ''}>${shortHex(cfg?.genesisHash ?? '')}</code>` : 'Verifying the chain from its genesis hash…'}</p>
          <dl style="margin-top:.45rem" data-address=${this.#address ?? ''} data-balance=${this.#balance === null ? '' : String(this.#balance)} id="wallet">
            <dt>Producer</dt><dd><code title=${this.#address ?? ''}>${this.#address ? shortAddress(this.#address) : 'no wallet yet'}</code></dd>
            <dt>Balance</dt><dd>${this.#balance === null ? '—' : html`${formatDpn(this.#balance)} <span class="verified">✔ block ${this.#balanceAt}</span>`}</dd>
          </dl>
          <div class="row">
            ${this.#address ? nothing : html`
              <button type="button" ?disabled=${this.#walletBusy || !this.#head} @click=${() => void this.#useWallet('new')}>Create wallet</button>
              ${cfg?.studio ? html`<button type="button" ?disabled=${this.#walletBusy || !this.#head} @click=${() => void this.#useWallet('devnet')}>Use devnet studio key</button>` : nothing}`}
            ${cfg?.faucet ? html`<button type="button" class="primary" ?disabled=${this.#walletBusy || !this.#address} @click=${() => void this.#faucet()}>Get test DPN</button>` : nothing}
          </div>
          ${this.#walletNote ? html`<p class="note">${this.#walletNote}</p>` : nothing}`}
      </section>
      <section class="card" aria-labelledby="contract-h">
        <h2 id="contract-h">Product contract${track ? html` of “${track.label}”` : ''}</h2>
        ${!track ? html`<p class="hint" style="margin:0">Select a track to link it to a product contract, or to make one.</p>` : html`
          <div data-testid="linked" data-product=${linked?.product ? linked.product.id : ''}>
            ${linked?.product ? html`<p class="ok" style="margin:0">✔ ${linked.product.name} · ${linked.product.priceText} · by <code>${shortAddress(linked.product.producer)}</code>
              <span class="verified">verified at block ${linked.product.height}</span></p>`
              : issue ? html`<p class="error" style="margin:0">${issue}</p>`
              : linked?.error ? html`<p class="error" style="margin:0">${linked.error}</p>`
              : linked ? html`<p class="hint" style="margin:0">verifying ${shortHex(linked.id)}…</p>`
              : html`<p class="hint" style="margin:0">No product linked yet.</p>`}
          </div>
          <h3>Link an existing product</h3>
          ${this.#products?.length ? html`<ul class="products" aria-label="Products, each verified by the light client">${this.#products.map((p) => this.#renderProductRow(p))}</ul>` : nothing}
          ${this.#productsNote ? html`<p class="hint">${this.#productsNote}</p>` : nothing}
          <div class="row">
            <input name="paste" style="flex:1;min-width:0;background:#101318;border:1px solid var(--border,#2e333d);border-radius:6px;padding:.3rem .5rem;font:12px var(--mono,monospace)"
              placeholder="or paste a product id (64 hex)" spellcheck="false" .value=${this.#paste} aria-label="Product id to link"
              @input=${(e: Event) => { this.#paste = (e.target as HTMLInputElement).value; }} @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') void this.#linkPasted(); }}>
            <button type="button" ?disabled=${!this.#chain} @click=${() => void this.#linkPasted()}>Link</button>
            <button type="button" ?disabled=${!this.#chain} title="Re-read the relay's list and verify it" @click=${() => void this.refreshProducts()}>↻</button>
          </div>
          ${this.#pasteNote ? html`<p class="error" role="alert">${this.#pasteNote}</p>` : nothing}
          ${this.#formOpen ? this.#renderForm() : html`<div class="row"><button type="button" ?disabled=${this.#state !== 'synced'} @click=${() => this.openForm()}>Make a new product contract…</button></div>`}
          ${this.#created ? html`<p class="created" role="status" data-created=${this.#created.id}>✔ Created “${this.#created.name}”: product <code>${this.#created.id}</code>, verified at block ${this.#created.height}, and set on this track.</p>` : nothing}
        `}
      </section>`;
  }
}

customElements.define(CHAIN_TAG, DipStudioChain);

declare global {
  interface HTMLElementTagNameMap { [CHAIN_TAG]: DipStudioChain }
}

