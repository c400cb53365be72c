/**
 * The wallet frame's ShopClient: verified reads from the frame's own light client (no key, no
 * storage), and payments through the wallet window, which alone holds the key. A payment starts
 * only from a click the ClickGuard accepts, and the window opens within that click's activation.
 */
import type { ShopClient, ShopWallet } from '../shop/shop-client.ts';
import { WalletRefusal, type ChainChoice } from './protocol.ts';
import type { ClickGuard } from './click-guard.ts';
import type { WalletWindowBridge } from './window-bridge.ts';

const notHere = (): Promise<never> => Promise.reject(new WalletRefusal('WALLET_NOT_HERE', 'the wallet frame holds no key: create or import it in the wallet window'));

export function walletFrameShop(reads: ShopClient, bridge: WalletWindowBridge, guard: () => ClickGuard | null, chain: ChainChoice, site: () => string): ShopClient {
  const wallet = async (): Promise<ShopWallet | null> => {
    const address = bridge.address;
    if (!address) return null;
    // The balance is proven by this frame's light client, not taken from the window's word.
    if (!reads.balanceOf) return null;
    return { address, balance: await reads.balanceOf(address) };
  };
  return {
    ...reads,
    walletInWindow: true,
    async authorizePayment(click) {
      const g = guard();
      if (!g) throw new WalletRefusal('WALLET_NOT_VISIBLE', 'the wallet frame is not showing a panel');
      await g.check(click);
    },
    wallet,
    createWallet: notHere,
    importWallet: notHere,
    async placeOrder(req, onStage, onHint) {
      // Called right after an authorized click, still within its user activation: browsers let
      // the window open now (and only now).
      bridge.open();
      const sent = await bridge.placeOrder(chain, {
        product: req.product, quantity: req.quantity, maxTotal: req.maxTotal, shipping: req.shipping, salt: req.salt, commitment: req.commitment,
      }, site(), onStage, onHint);
      return sent;
    },
    pendingOrders: async () => bridge.pendingOrders(),
    onOrderOutcome: (listener) => bridge.onOrderOutcome(listener),
  };
}
