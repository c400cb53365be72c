/**
 * The test page: starts the light client in a module Web Worker over comlink (with the page's
 * WebRTC-direct bridge when the config asks) and exposes a few JSON-friendly helpers on
 * `window.dipnet` for Playwright (bigints cross as decimal strings).
 */
import type { Remote } from 'comlink';
import { fromHex } from '@dipnet/protocol';
import { connectLightClientWorker, proxy, type LightClientWorkerApi, type WorkerLightClientOptions } from '@dipnet/light-client/worker';
import type { TransferStage } from '@dipnet/light-client/api';
import { startWebRtcBridge, type WebRtcBridge } from '@dipnet/light-client/webrtc-bridge';

type Api = LightClientWorkerApi & { verifierKind(): Promise<'webcrypto' | 'noble'> };

export interface PageConfig {
  chainId: string;
  genesisHash: string;
  relays: string[];
  multiaddrs: string[];
  /** Start the page's WebRTC-direct bridge into the worker. */
  webrtcBridge: boolean;
}

const log = (line: string): void => {
  const el = document.getElementById('log')!;
  el.textContent += `${new Date().toISOString().slice(11, 23)} ${line}\n`;
};

let lc: Remote<Api> | null = null;
let bridge: WebRtcBridge | null = null;

const dipnet = {
  async start(cfg: PageConfig) {
    const t0 = performance.now();
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.addEventListener('error', (e) => console.error(`worker error: ${e.message}`));
    lc = connectLightClientWorker(worker) as unknown as Remote<Api>;
    if (cfg.webrtcBridge) bridge = await startWebRtcBridge(lc);
    const opts: WorkerLightClientOptions = {
      chainId: cfg.chainId,
      trust: { genesisHash: cfg.genesisHash },
      trustingPeriodMs: 86_400_000,
      relays: cfg.relays,
      multiaddrs: cfg.multiaddrs,
      store: 'indexeddb',
      libp2pOptions: { headPollMs: 250, timeoutMs: 8000 },
    };
    const head = await lc.start(opts);
    log(`started: verified head ${head.height} ${head.hash.slice(0, 16)}…`);
    return { height: head.height.toString(), hash: head.hash, ms: Math.round(performance.now() - t0) };
  },
  async sync() {
    const head = await lc!.sync();
    return { height: head.height.toString(), hash: head.hash };
  },
  /** The bridge's libp2p peer id and the remote addresses of its open connections. */
  async bridge() {
    return bridge ? { peerId: await bridge.peerId(), connections: await bridge.connections() } : null;
  },
  async stats() {
    const s = await lc!.stats();
    return { ...s, verifier: await lc!.verifierKind(), sources: await lc!.sources(), wallet: await lc!.walletAddress() };
  },
  async account(address: string) {
    const a = await lc!.getAccount(address);
    log(`account ${address.slice(0, 12)}…: balance ${a.account.balance} nonce ${a.account.nonce} (proven at ${a.height})`);
    return { balance: a.account.balance.toString(), nonce: a.account.nonce.toString(), height: a.height.toString(), headerHash: a.headerHash, exists: a.exists };
  },
  async createWallet() {
    const addr = await lc!.createWallet();
    log(`wallet ${addr} (created)`);
    return addr;
  },
  async importKey(secretHex: string) {
    const addr = await lc!.importWallet(fromHex(secretHex));
    log(`wallet ${addr}`);
    return addr;
  },
  async transfer(to: string, amount: string) {
    const stages: string[] = [];
    const r = await lc!.transfer({ to, amount: BigInt(amount), timeoutMs: 20_000 }, proxy((s: TransferStage) => { stages.push(s.stage); log(`transfer ${s.stage}`); }));
    log(`transfer ${r.hash.slice(0, 16)}… final at ${r.height}: new balance ${r.account.account.balance}`);
    return {
      hash: r.hash, height: r.height.toString(), fee: r.fee.toString(), resultCode: r.resultCode, stages,
      balance: r.account.account.balance.toString(), proofHeight: r.account.height.toString(),
    };
  },
  async close() {
    await lc?.close();
    await bridge?.close();
  },
};

/** What `window.dipnet` offers (for tests that type it themselves). */
export type TestPageApi = typeof dipnet;

(window as unknown as { dipnet: TestPageApi }).dipnet = dipnet;
document.getElementById('status')!.textContent = 'page ready';
