/**
 * The light client in a Web Worker, trusting only the configured genesis hash. Everything the
 * explorer marks "verified" comes through here: Merkle proofs against headers whose commits the
 * worker checked.
 */
import type { Remote } from 'comlink';
import { connectLightClientWorker, proxy, type LightClientWorkerApi } from '@dipnet/light-client/worker';
import type { VerifiedHead, VerifiedOrderTree, VerifiedProduct, VerifiedTemplate } from '@dipnet/light-client/api';
import type { ExplorerConfig } from './config.ts';

export type { VerifiedHead, VerifiedOrderTree, VerifiedProduct, VerifiedTemplate };

export interface Verifier {
  readonly api: Remote<LightClientWorkerApi>;
  readonly head: VerifiedHead;
  /** Products and templates by id: their names, producers and done-states do not change. */
  product(id: string): Promise<VerifiedProduct>;
  template(id: string): Promise<VerifiedTemplate>;
  watchOrder(id: string, onTree: (t: VerifiedOrderTree) => void, onError: (e: { message: string; code?: string }) => void): Promise<() => void>;
  onHead(l: (h: VerifiedHead) => void): Promise<() => void>;
}

export async function startVerifier(cfg: ExplorerConfig): Promise<Verifier> {
  const worker = new Worker(new URL('./lc-worker.ts', import.meta.url), { type: 'module', name: 'dipnet-light-client' });
  const api = connectLightClientWorker(worker);
  const head = await api.start({
    chainId: cfg.chainId,
    trust: { genesisHash: cfg.genesisHash },
    relays: [...cfg.relays],
    multiaddrs: [...cfg.multiaddrs],
    store: 'memory',
  });
  const products = new Map<string, Promise<VerifiedProduct>>();
  const templates = new Map<string, Promise<VerifiedTemplate>>();
  const cached = <T>(m: Map<string, Promise<T>>, id: string, read: () => Promise<T>): Promise<T> => {
    let p = m.get(id);
    if (!p) {
      p = read();
      m.set(id, p);
      p.catch(() => m.delete(id));
    }
    return p;
  };
  return {
    api,
    head,
    product: (id) => cached(products, id, () => api.getProduct(id)),
    template: (id) => cached(templates, id, () => api.getTemplate(id)),
    async watchOrder(id, onTree, onError) {
      const off = await api.watchOrder(id, proxy(onTree), proxy((e: unknown) => onError(e as { message: string; code?: string })));
      return () => void Promise.resolve(off()).catch(() => undefined);
    },
    async onHead(l) {
      const off = await api.onHead(proxy(l));
      return () => void Promise.resolve(off()).catch(() => undefined);
    },
  };
}
