/**
 * "In this episode": one card per prop of the scene with the product's name and price as the
 * light client verified them (and at which block), and its picture when the product's metadata
 * and image match their on-chain SHA-256. A card opens the same product panel as the hotspot.
 */
import { PROPS, type ScenePropId } from '../scene/scene.ts';
import { formatAmount, formatDuration, shortAddress } from '@dipnet/widget/shop/format';
import { loadVerifiedMetadata } from '@dipnet/widget/shop/metadata';
import { messagesFor } from '@dipnet/widget/shop/messages';
import type { ShopClient } from '@dipnet/widget/shop/shop-client';
import type { DemoConfig } from '../demo-config.ts';

const ORDER: readonly ScenePropId[] = ['jacket', 'lamp', 'mug', 'chair'];
const SWATCH: Record<ScenePropId, string> = { jacket: '#236a78', lamp: '#3b3b3b', mug: '#2f6fe0', chair: '#b5523b' };

const make = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text = ''): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
};

export function mountSceneProducts(shop: ShopClient, config: DemoConfig, open: (product: string, label: string) => void): void {
  const list = document.getElementById('scene-products')!;
  const m = messagesFor(document.documentElement.lang);
  list.replaceChildren(...ORDER.filter((p) => config.products[p]).map((prop) => {
    const id = config.products[prop];
    const label = PROPS.find((p) => p.id === prop)?.label ?? prop;
    const li = make('li', 'product-card');
    li.dataset.prop = prop;
    const button = make('button', 'product-open');
    button.type = 'button';
    const pic = make('span', 'product-pic');
    pic.style.setProperty('--swatch', SWATCH[prop]);
    const name = make('span', 'product-name', label);
    const price = make('span', 'product-price', 'verifying…');
    const by = make('span', 'product-by', '');
    button.append(pic, name, price, by);
    button.addEventListener('click', () => open(id, label));
    li.append(button);
    void (async () => {
      const p = await shop.product(id);
      name.textContent = p.name;
      price.replaceChildren(document.createTextNode(formatAmount(p.price, p.currency)), make('span', 'verified-at', ` ✔ block ${p.height}`));
      by.textContent = `by ${shortAddress(p.producer)} · ${formatDuration(p.leadTimeMs, m)}`;
      button.setAttribute('aria-label', `${p.name}, ${formatAmount(p.price, p.currency)}: open`);
      try {
        const meta = await loadVerifiedMetadata(p.metadataUri, p.metadataHash);
        if (meta.imageUrl) {
          const img = make('img', '');
          img.src = meta.imageUrl;
          img.alt = '';
          pic.replaceChildren(img);
        }
      } catch {
        // No verifiable picture (e.g. metadata inline as a data: URI): the colour swatch stays.
      }
    })().catch((e: unknown) => {
      price.textContent = `not verified: ${(e as Error).message}`;
      li.classList.add('unverified');
    });
    return li;
  }));
}
