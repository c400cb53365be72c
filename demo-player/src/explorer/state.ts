/** The explorer's state, shared by its pages, and the one way to redraw. */
import type { ExplorerConfig } from './config.ts';
import type { Relay, BlockRow, ContractTxJson, TemplateJson, ProductJson, OrderJson, ValidatorSetJson } from './relay.ts';
import type { Verifier, VerifiedOrderTree, VerifiedProduct, VerifiedTemplate } from './lc.ts';
import type { TwinNode } from './graph.ts';
import type { GovData } from './governance.ts';
import type { Route } from './page.ts';

export interface OrderView {
  id: string;
  tree: VerifiedOrderTree | null;
  nodes: TwinNode[];
  selected: string | null;
  changed: Set<string>;
  error: string | null;
  updates: number;
  off: (() => void) | null;
}

export const app = {
  cfg: null as ExplorerConfig | null,
  relay: null as Relay | null,
  lc: null as Verifier | null,
  lcError: null as string | null,
  route: null as unknown as Route,
  chainHead: null as { height: bigint; time: number } | null,
  verified: null as { height: bigint; hash: string } | null,
  live: 'connecting' as 'connecting' | 'live' | 'reconnecting',
  // Relay hints, refreshed on new heads.
  blocks: null as readonly BlockRow[] | null,
  vset: null as ValidatorSetJson | null,
  txs: null as readonly ContractTxJson[] | null,
  templates: null as readonly TemplateJson[] | null,
  threshold: null as number | null,
  products: null as readonly ProductJson[] | null,
  orders: null as readonly OrderJson[] | null,
  listError: null as string | null,
  // Verified pages.
  order: null as OrderView | null,
  detail: null as { id: string; product?: VerifiedProduct; template?: VerifiedTemplate; error?: string } | null,
  gov: { data: null as GovData | null, error: null as string | null, loading: false, again: false },
};

let draw: () => void = () => {};
let queued = false;
/** main.ts says how to draw the page. */
export const setDraw = (fn: () => void): void => { draw = fn; };
/** Redraws once, after the current task's changes. */
export function update(): void {
  if (queued) return;
  queued = true;
  queueMicrotask(() => {
    queued = false;
    draw();
  });
}

export const errText = (e: unknown): string => (e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)
  ? `${(e as { code?: string }).code ? `${(e as { code?: string }).code}: ` : ''}${(e as { message: string }).message}` : String(e));
