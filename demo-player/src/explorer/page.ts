/** What one explorer page is: an entry of the route table (routes.ts). */
import type { TemplateResult } from 'lit';

/** A route's parameters by name (`block/:height` → `{ height }`), validated by the page's patterns. */
export type Params = Readonly<Record<string, string>>;

export interface Page {
  /** Its `data-view` name. */
  readonly name: string;
  /** Its hash path: fixed segments and `:params` (`order/:id`). */
  readonly path: string;
  /** What each parameter must look like (matched lowercased); a path whose parameters fail is not this page. */
  readonly params?: Readonly<Record<string, RegExp>>;
  /** The tab it highlights; a page with a `label` is itself a tab, in table order. */
  readonly tab: string;
  readonly label?: string;
  /** Refreshes the relay lists it shows: on entry and on new heads. */
  readonly list?: () => Promise<void>;
  /** On entry; again with `verifierReady` once the light client has started (for verified pages opened before). */
  readonly enter?: (p: Params, verifierReady: boolean) => void;
  /** On leaving it (or moving to other parameters). */
  readonly leave?: () => void;
  /** On each new verified head while it is open. */
  readonly onVerifiedHead?: () => void;
  /** Relay errors of the list are shown by the page itself. */
  readonly ownsListError?: boolean;
  readonly render: (p: Params) => TemplateResult;
}

/** The page a hash resolved to, with its parameters. `key` changes when either does. */
export interface Route {
  readonly page: Page;
  readonly params: Params;
  readonly key: string;
}
