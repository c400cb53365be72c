/**
 * The hostile host page's script (served as `/hostile.js` beside the default embedding): a site
 * with full control of its own origin trying to get the viewer's wallet to sign, or to read its
 * key. Each attempt is a function on `window.hostile` the test calls at the right moment; each
 * returns what it observed. A string, so it runs as the page's own script under its strict CSP.
 */
export const HOSTILE_JS = String.raw`
const el = () => document.querySelector('dip-shoppable-video');
const frame = () => el().shadowRoot.querySelector('iframe');
const guess = {
  product: '00'.repeat(32), quantity: 1, maxTotal: 10n ** 30n, shipping: { name: 'Mallory' }, salt: '11'.repeat(32), commitment: '22'.repeat(32),
};
const chain = { chainId: el().getAttribute('chain-id'), checkpoint: el().getAttribute('checkpoint'), relays: [], multiaddrs: [] };
/** Every message a page could guess would make a wallet sign, import a key or move funds. */
const forged = [
  { dipnet: 'wallet/1', type: 'sign-order', chain, order: guess },
  { dipnet: 'wallet/1', type: 'placeOrder', ...guess },
  { dipnet: 'wallet/1', type: 'sign', tx: 'deadbeef' },
  { dipnet: 'wallet/1', type: 'transfer', to: 'dpn' + '00'.repeat(20), amount: 10n ** 20n },
  { dipnet: 'wallet/1', type: 'import-key', secretKey: '33'.repeat(32) },
  { dipnet: 'wallet/1', type: 'importWallet', secretKey: new Uint8Array(32) },
  { dipnet: 'wallet/1', type: 'createWallet' },
  { dipnet: 'wallet/1', type: 'stage', stage: 'verified' },
  { dipnet: 'wallet/1', type: 'placed', orderId: '44'.repeat(32), txHash: '55'.repeat(32), fee: 0n },
  { dipnet: 'wallet/1', type: 'window-ready' },
  { dipnet: 'wallet/2', type: 'open', product: '00'.repeat(32) },
  { type: 'sign-order', chain, order: guess },
  'sign',
  { dipnet: 'wallet/1', type: 'open', product: 'zz', label: 1 },
];

window.hostile = {
  /** What the page's own storage holds (the wallet keeps nothing here). */
  async storage() {
    const dbs = (await indexedDB.databases()).map((d) => d.name);
    const local = Object.keys(localStorage).map((k) => k + '=' + localStorage.getItem(k));
    const session = Object.keys(sessionStorage);
    const cookies = document.cookie;
    return { dbs, local, session, cookies };
  },
  /** Calls every method reachable on the element (and its prototype chain) and looks on window. */
  async callEverything() {
    const e = el();
    const called = [];
    const names = new Set();
    for (let p = e; p && p !== HTMLElement.prototype; p = Object.getPrototypeOf(p)) {
      for (const n of Object.getOwnPropertyNames(p)) names.add(n);
    }
    const junk = [guess.product, 'x', { ...guess }, 10n ** 30n, new Uint8Array(32)];
    for (const n of names) {
      if (n === 'constructor' || n === 'remove' || n.startsWith('dispatch')) continue;
      let v;
      try { v = e[n]; } catch { continue; }
      if (typeof v !== 'function') continue;
      try {
        const r = v.apply(e, junk);
        if (r && typeof r.then === 'function') await Promise.race([r.catch(() => undefined), new Promise((ok) => setTimeout(ok, 500))]);
        called.push(n + ':ok');
      } catch (err) {
        called.push(n + ':' + String(err && err.name));
      }
    }
    // The element's class (reachable from the window through customElements): its static members too.
    const C = customElements.get('dip-shoppable-video');
    const statics = new Set();
    for (let K = C; K && K !== HTMLElement; K = Object.getPrototypeOf(K)) for (const n of Object.getOwnPropertyNames(K)) statics.add(n);
    for (const n of statics) {
      let v;
      try { v = C[n]; } catch { continue; }
      if (typeof v !== 'function' || n === 'prototype') continue;
      try { v.apply(C, junk); called.push('static ' + n + ':ok'); } catch (err) { called.push('static ' + n + ':' + String(err && err.name)); }
    }
    const signers = ['placeOrder', 'transfer', 'importWallet', 'createWallet', 'sign'].filter((n) => typeof e[n] === 'function' || typeof window[n] === 'function');
    const shop = e.shop;
    const windowKeys = Object.keys(window).filter((k) => /dipnet|wallet|lightclient/i.test(k) && k !== 'hostile');
    return { called, signers, shop: shop === null ? null : typeof shop, windowKeys };
  },
  /** Posts every forged message to the wallet frame. */
  forgeToFrame() {
    const w = frame().contentWindow;
    for (const m of forged) w.postMessage(m, '*');
    return forged.length;
  },
  /** Tries to reach into the frame's document and click its buttons by script. */
  reachIntoFrame() {
    const out = {};
    try { out.contentDocument = frame().contentDocument === null ? 'null' : 'READABLE'; } catch (e) { out.contentDocument = e.name; }
    try { frame().contentWindow.document.querySelector('button').click(); out.click = 'CLICKED'; } catch (e) { out.click = e.name; }
    try { out.indexedDB = typeof frame().contentWindow.indexedDB; } catch (e) { out.indexedDB = e.name; }
    try { frame().contentWindow.location.href = 'javascript:alert(1)'; out.navigate = 'allowed'; } catch (e) { out.navigate = e.name; }
    return out;
  },
  /** Opens the wallet window itself (from the viewer's click on the page's own button) and forges orders to it. */
  armWalletWindow(walletUrl) {
    const b = document.createElement('button');
    b.id = 'gift';
    b.textContent = 'Claim your free gift';
    document.body.prepend(b);
    b.addEventListener('click', () => {
      const w = window.open(walletUrl, 'gift');
      window.giftWindow = w;
      let n = 0;
      const spam = setInterval(() => {
        for (const m of forged) { try { w.postMessage(m, '*'); } catch {} }
        if (++n >= 10) clearInterval(spam);
      }, 200);
    });
  },
  /** A layer the pointer passes through, over the frame: the viewer thinks they click the page's decoy. */
  cover(opacity) {
    const r = frame().getBoundingClientRect();
    const d = document.createElement('div');
    d.id = 'decoy';
    d.textContent = 'Click to continue watching';
    for (const [k, v] of Object.entries({ position: 'fixed', left: r.left + 'px', top: r.top + 'px', width: r.width + 'px', height: r.height + 'px', opacity: String(opacity), background: '#08f', pointerEvents: 'none', zIndex: '99' })) d.style[k] = v;
    document.body.append(d);
  },
  uncover() {
    document.getElementById('decoy')?.remove();
    frame().style.opacity = '';
    frame().style.transform = '';
  },
  /** Makes the frame itself nearly transparent (the page reaches it through the element's open shadow root). */
  fade(opacity) {
    frame().style.opacity = String(opacity);
  },
  /** Opens the product with a trust root of the page's making. */
  forgeRoot() {
    frame().contentWindow.postMessage({ dipnet: 'wallet/1', type: 'open', product: guess.product, label: 'Fake', chainId: chain.chainId, checkpoint: '66'.repeat(32), relays: [], multiaddrs: [] }, '*');
  },
};
`;
