/**
 * The viewer page: a fictional streaming site (Parlour+) embedding the sample scene in
 * `<dip-shoppable-video>`. The DIPNET light client runs in a Web Worker (src/light-client.worker.ts),
 * pinned to the devnet's genesis hash from `/demo-config.json` (written by `npm start`); the
 * element's `shop` is `lightClientShop` over that worker, so every price, balance and order state
 * the page shows is verified in the browser. The side panel shows the light client's state and
 * the viewer's wallet, with a devnet-only faucet.
 */
import '@dipnet/widget/dip-shoppable-video';
import type { DipShoppableVideo } from '@dipnet/widget/dip-shoppable-video';
import { connectLightClientWorker } from '@dipnet/light-client/worker';
import { startWebRtcBridge } from '@dipnet/light-client/webrtc-bridge';
import { lightClientShop, trustRootOf } from '@dipnet/widget/shop/light-client-shop';
import type { ShopClient } from '@dipnet/widget/shop/shop-client';
import { loadDemoConfig, type DemoConfig } from './demo-config.ts';
import { ensureDuration } from './media.ts';
import { mountLightClientPanel, type LightClientRemote } from './viewer/light-client-panel.ts';
import { mountWallet } from './viewer/wallet.ts';
import { mountSceneProducts } from './viewer/scene-products.ts';
import { mountOrders } from './viewer/orders.ts';
import { studioAnnotationsUrl } from './studio/handoff.ts';

declare global {
  interface Window {
    /** For people poking at the demo in devtools, and for the end-to-end test. */
    dipnetDemo?: { config: DemoConfig; lc: LightClientRemote; shop: ShopClient; started: Promise<unknown> };
  }
}

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
};

const film = $<HTMLVideoElement>('film');
void ensureDuration(film).catch((e: unknown) => console.warn('scene video:', e));

async function main(): Promise<void> {
  const status = $('lc-status');
  let config: DemoConfig;
  try {
    config = await loadDemoConfig();
  } catch (e) {
    status.textContent = (e as Error).message;
    $('lc-card').dataset.state = 'error';
    return;
  }

  const worker = new Worker(new URL('./light-client.worker.ts', import.meta.url), { type: 'module', name: 'dipnet-light-client' });
  const lc: LightClientRemote = connectLightClientWorker(worker);
  // A dedicated worker has no RTCPeerConnection: the page dials WebRTC-direct for it and only moves
  // bytes (the worker verifies everything). Without WebRTC, libp2p over WebSockets, then HTTP.
  const bridge = await startWebRtcBridge(lc).catch((e: unknown) => {
    console.warn('WebRTC-direct bridge unavailable, using WebSockets:', e);
    return null;
  });
  const started = lc.start({
    chainId: config.chainId,
    trust: trustRootOf(config.genesisHash),
    relays: [...config.relays],
    multiaddrs: config.multiaddrs.filter((a) => a.includes('/ws/') || (bridge !== null && a.includes('/webrtc-direct'))),
    store: 'indexeddb',
  });
  const shop = lightClientShop(lc, started);
  window.dipnetDemo = { config, lc, shop, started };

  const player = $<DipShoppableVideo>('shoppable');
  player.shop = shop;
  // `/?annotations=studio`: the annotations the studio saved in this browser (src/studio/handoff.ts).
  const fromStudio = studioAnnotationsUrl();
  if (fromStudio) {
    player.src = fromStudio;
    player.dataset.annotations = 'studio';
  }

  mountLightClientPanel(lc, started, config);
  mountWallet(lc, shop, started, config);
  mountSceneProducts(shop, config, (product, label) => {
    player.openProduct(product, label);
    player.scrollIntoView({ behavior: 'smooth', block: 'center' });
  });
  mountOrders(player, shop, config);
}

void main();
