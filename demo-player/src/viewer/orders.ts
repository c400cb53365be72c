/**
 * "Your orders": each order the product panel placed in this page (`dip-order-placed`), with its
 * root state re-verified by the light client on every new head. A real site would now hand the
 * shipping details and their salt to the producer over its own API; the demo keeps them in the
 * page (the chain holds only their salted hash).
 */
import type { DipShoppableVideo } from '@dipnet/widget/dip-shoppable-video';
import { shortHex } from '@dipnet/widget/shop/format';
import { messagesFor } from '@dipnet/widget/shop/messages';
import type { ShopClient, ShopOrderTree } from '@dipnet/widget/shop/shop-client';
import type { DemoConfig } from '../demo-config.ts';

export function mountOrders(player: DipShoppableVideo, shop: ShopClient, _config: DemoConfig): void {
  const list = document.getElementById('orders')!;
  let first = true;
  player.addEventListener('dip-order-placed', (ev) => {
    const d = ev.detail;
    if (first) list.replaceChildren();
    first = false;
    const li = document.createElement('li');
    li.dataset.order = d.orderId;
    const title = document.createElement('span');
    title.className = 'order-title';
    title.textContent = `${d.quantity} × …`;
    const state = document.createElement('span');
    state.className = 'badge';
    state.textContent = 'placed';
    const id = document.createElement('code');
    id.textContent = shortHex(d.orderId);
    id.title = d.orderId;
    li.append(title, state, id);
    list.prepend(li);
    void shop.product(d.product).then((p) => { title.textContent = `${d.quantity} × ${p.name}`; }, () => undefined);
    shop.watchOrder(d.orderId, (t: ShopOrderTree) => {
      const root = t.nodes.find((n) => n.parent === null);
      if (!root) return;
      const m = messagesFor(document.documentElement.lang);
      state.textContent = root.status === 'active' ? m.state(root.state) : m.status[root.status];
      state.className = `badge ${root.status}`;
      li.title = `${t.nodes.length} contracts in the production graph, verified at block ${t.height}`;
    });
  });
}
