import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WALLET_PROTOCOL, WalletRefusal, confirmWaitMsOf, staleAfterMsOf, parseFrameToPage, parseFrameToWindow, parsePageToFrame, parseWindowToFrame } from './protocol.ts';
import { chainConfig, parseWalletConfig } from './config.ts';

const H = (b: string): string => b.repeat(32);
const refused = (f: () => unknown, code: string, message?: RegExp): void => {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof WalletRefusal, `a WalletRefusal, got ${String(e)}`);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
};
const open = { dipnet: WALLET_PROTOCOL, type: 'open', product: H('ab'), label: 'Field jacket', chainId: 'dipnet-devnet', relays: ['https://relay.example'], multiaddrs: [] };

test('the page may open a product, close, and answer a purchase request — nothing else', () => {
  assert.deepEqual(parsePageToFrame(open), { type: 'open', product: H('ab'), label: 'Field jacket', chainId: 'dipnet-devnet', relays: ['https://relay.example'], multiaddrs: [] });
  assert.deepEqual(parsePageToFrame({ dipnet: WALLET_PROTOCOL, type: 'close' }), { type: 'close' });
  assert.deepEqual(parsePageToFrame({ dipnet: WALLET_PROTOCOL, type: 'purchase-answer', seq: 3, go: false }), { type: 'purchase-answer', seq: 3, go: false });
  for (const type of ['sign-order', 'sign', 'transfer', 'import-key', 'importWallet', 'createWallet', 'placeOrder', 'placed', '__proto__', 'constructor']) {
    refused(() => parsePageToFrame({ dipnet: WALLET_PROTOCOL, type }), 'WALLET_MSG_TYPE', /is not a message this side accepts/);
  }
});

test('envelopes and fields are checked, with the rule that failed in words', () => {
  refused(() => parsePageToFrame(null), 'WALLET_MSG_VERSION');
  refused(() => parsePageToFrame('open'), 'WALLET_MSG_VERSION');
  refused(() => parsePageToFrame([open]), 'WALLET_MSG_VERSION');
  refused(() => parsePageToFrame({ ...open, dipnet: 'wallet/2' }), 'WALLET_MSG_VERSION', /wallet\/2/);
  refused(() => parsePageToFrame({ ...open, product: H('AB') }), 'WALLET_MSG_FIELD', /product does not have the expected form/);
  refused(() => parsePageToFrame({ ...open, label: 'x'.repeat(201) }), 'WALLET_MSG_FIELD', /label must be at most 200 characters/);
  refused(() => parsePageToFrame({ ...open, chainId: 'a b' }), 'WALLET_MSG_FIELD', /chainId/);
  refused(() => parsePageToFrame({ ...open, relays: Array(9).fill('https://r') }), 'WALLET_MSG_FIELD', /at most 8/);
  refused(() => parsePageToFrame({ ...open, relays: [1] }), 'WALLET_MSG_FIELD', /relays\[0\]/);
  refused(() => parsePageToFrame({ ...open, staleAfterMs: 1.5 }), 'WALLET_MSG_FIELD', /staleAfterMs must be an integer/);
  refused(() => parsePageToFrame({ dipnet: WALLET_PROTOCOL, type: 'purchase-answer', seq: 1, go: 'yes' }), 'WALLET_MSG_FIELD', /go must be a boolean/);
});

test('a confirm wait travels page → frame → window only within 1 s..10 min', () => {
  assert.equal((parsePageToFrame({ ...open, confirmWaitMs: 6000 }) as { confirmWaitMs?: number }).confirmWaitMs, 6000);
  assert.equal((parsePageToFrame({ ...open, confirmWaitMs: 1000 }) as { confirmWaitMs?: number }).confirmWaitMs, 1000);
  assert.equal((parsePageToFrame({ ...open, confirmWaitMs: 600_000 }) as { confirmWaitMs?: number }).confirmWaitMs, 600_000);
  assert.equal('confirmWaitMs' in parsePageToFrame(open), false, 'absent: the light client\'s default');
  for (const bad of [999, 0, -6000, 600_001, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '6000', null, 6000n]) {
    refused(() => parsePageToFrame({ ...open, confirmWaitMs: bad }), 'WALLET_MSG_FIELD', /confirmWaitMs must be an integer in \[1000, 600000\]/);
  }
  const order = { product: H('ab'), quantity: 1, maxTotal: 121n, shipping: { name: 'Ada' }, salt: H('01'), commitment: H('02') };
  const chain = { chainId: 'dipnet-devnet', relays: [], multiaddrs: [], confirmWaitMs: 6000 };
  assert.deepEqual(parseFrameToWindow({ dipnet: WALLET_PROTOCOL, type: 'sign-order', chain, order, site: 's' }), { type: 'sign-order', chain, order, site: 's' });
  for (const bad of [999, 600_001, 2.5, '6000']) {
    refused(() => parseFrameToWindow({ dipnet: WALLET_PROTOCOL, type: 'sign-order', chain: { ...chain, confirmWaitMs: bad }, order, site: 's' }), 'WALLET_MSG_FIELD', /confirmWaitMs must be an integer/);
  }
  // The wallet's light client gets it as its placeOrder wait (chainConfig → sharedShop → timeoutMs).
  const config = parseWalletConfig({ chains: { 'dipnet-devnet': { checkpoint: H('aa'), relays: [], multiaddrs: [] } } });
  assert.equal(chainConfig(config, chain, '/w.js', 'indexeddb').confirmWaitMs, 6000);
  assert.equal('confirmWaitMs' in chainConfig(config, { chainId: 'dipnet-devnet', relays: [], multiaddrs: [] }, '/w.js', 'indexeddb'), false);
});

test('the element\'s confirm-wait (seconds): ignored unless a positive number, else kept within the bounds the frame accepts', () => {
  assert.equal(confirmWaitMsOf(6), 6000);
  assert.equal(confirmWaitMsOf(2.5), 2500);
  for (const ignored of [null, undefined, 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(confirmWaitMsOf(ignored), undefined, String(ignored));
  assert.equal(confirmWaitMsOf(0.2), 1000);
  assert.equal(confirmWaitMsOf(3600), 600_000);
  // Whatever the element sends, the frame takes it.
  for (const s of [0.0001, 0.2, 1, 6, 2.5, 599.9996, 600, 1e9]) {
    assert.equal((parsePageToFrame({ ...open, confirmWaitMs: confirmWaitMsOf(s) }) as { confirmWaitMs?: number }).confirmWaitMs, confirmWaitMsOf(s));
  }
});

test('the element\'s stale-after (seconds): ignored unless a positive number, else kept within the bounds the frame accepts', () => {
  assert.equal(staleAfterMsOf(150), 150_000);
  for (const ignored of [null, undefined, 0, -1, Number.NaN]) assert.equal(staleAfterMsOf(ignored), undefined, String(ignored));
  assert.equal(staleAfterMsOf(0.5), 1000);
  assert.equal(staleAfterMsOf(1e9), 86_400_000);
  for (const s of [0.5, 2, 150, 86_400, 1e9]) {
    assert.equal((parsePageToFrame({ ...open, staleAfterMs: staleAfterMsOf(s) }) as { staleAfterMs?: number }).staleAfterMs, staleAfterMsOf(s));
  }
});

test('the frame tells the page only documented events and plain summaries', () => {
  assert.deepEqual(parseFrameToPage({ dipnet: WALLET_PROTOCOL, type: 'size', height: 320 }), { type: 'size', height: 320 });
  refused(() => parseFrameToPage({ dipnet: WALLET_PROTOCOL, type: 'event', name: 'dip-anything', detail: {} }), 'WALLET_MSG_FIELD', /not a forwarded event/);
  const p = { id: H('cd'), price: 120n, currency: { symbol: 'DPN', decimals: 9, native: true }, height: 7n, time: 1n };
  assert.deepEqual(parseFrameToPage({ dipnet: WALLET_PROTOCOL, type: 'verified-product', product: p }), { type: 'verified-product', product: p });
  refused(() => parseFrameToPage({ dipnet: WALLET_PROTOCOL, type: 'verified-product', product: { ...p, price: 120 } }), 'WALLET_MSG_FIELD', /price must be a non-negative bigint/);
});

test('the wallet window signs only a well-formed order, and reports only well-formed progress', () => {
  const order = { product: H('ab'), quantity: 1, maxTotal: 121n, shipping: { name: 'Ada' }, salt: H('01'), commitment: H('02') };
  const chain = { chainId: 'dipnet-devnet', relays: [], multiaddrs: [] };
  assert.deepEqual(parseFrameToWindow({ dipnet: WALLET_PROTOCOL, type: 'sign-order', chain, order, site: 'https://streamco.example' }), { type: 'sign-order', chain, order, site: 'https://streamco.example' });
  refused(() => parseFrameToWindow({ dipnet: WALLET_PROTOCOL, type: 'sign-order', chain, order }), 'WALLET_MSG_FIELD', /site must be a string/);
  refused(() => parseFrameToWindow({ dipnet: WALLET_PROTOCOL, type: 'sign-order', chain, site: 's', order: { ...order, maxTotal: -1n } }), 'WALLET_MSG_FIELD', /maxTotal/);
  refused(() => parseFrameToWindow({ dipnet: WALLET_PROTOCOL, type: 'sign-order', chain, site: 's', order: { ...order, quantity: 0 } }), 'WALLET_MSG_FIELD', /quantity/);
  refused(() => parseFrameToWindow({ dipnet: WALLET_PROTOCOL, type: 'sign-order', chain, site: 's', order: { ...order, shipping: { name: 7 } } }), 'WALLET_MSG_FIELD', /shipping.name/);
  refused(() => parseFrameToWindow({ dipnet: WALLET_PROTOCOL, type: 'transfer', to: 'x' }), 'WALLET_MSG_TYPE');
  assert.deepEqual(parseWindowToFrame({ dipnet: WALLET_PROTOCOL, type: 'wallet', address: `dpn${'0'.repeat(40)}` }), { type: 'wallet', address: `dpn${'0'.repeat(40)}` });
  refused(() => parseWindowToFrame({ dipnet: WALLET_PROTOCOL, type: 'stage', stage: 'done' }), 'WALLET_MSG_FIELD', /not a payment stage/);
});

test('the trust root is the wallet\'s own: an unknown chain or a different pin is refused', () => {
  const config = parseWalletConfig({ chains: { 'dipnet-devnet': { checkpoint: H('aa'), relays: ['https://own.example'], multiaddrs: [] } } });
  const c = chainConfig(config, { chainId: 'dipnet-devnet', checkpoint: H('aa'), relays: ['https://page.example', 'javascript:alert(1)'], multiaddrs: ['not-a-multiaddr'] }, '/w.js', 'memory');
  assert.equal(c.checkpoint, H('aa'));
  assert.deepEqual(c.relays, ['https://own.example', 'https://page.example'], 'the page may add sources (untrusted), never replace the root');
  assert.deepEqual(c.multiaddrs, []);
  refused(() => chainConfig(config, { chainId: 'other', relays: [], multiaddrs: [] }, '/w.js', 'memory'), 'WALLET_UNKNOWN_CHAIN', /does not know the chain "other"/);
  refused(() => chainConfig(config, { chainId: 'dipnet-devnet', checkpoint: H('bb'), relays: [], multiaddrs: [] }, '/w.js', 'memory'), 'WALLET_CHECKPOINT_MISMATCH');
  refused(() => chainConfig(config, { chainId: 'constructor', relays: [], multiaddrs: [] }, '/w.js', 'memory'), 'WALLET_UNKNOWN_CHAIN');
  refused(() => parseWalletConfig({ chains: { x: { checkpoint: 'nope' } } }), 'WALLET_CONFIG', /checkpoint/);
  refused(() => parseWalletConfig([]), 'WALLET_CONFIG');
});
