/**
 * Coalesces a relay source's reads of headers, commits and validator sets into light-block
 * requests (GET /v1/light-blocks/:height): what the client asks for in one turn of the microtask
 * queue — a pivot's header, commit and set, or several bisection pivots fetched ahead — goes out as
 * one request per height instead of three, each at the one URL of its height so HTTP caches share
 * it between clients (relay-http.ts). A response also carries the next height's set when the
 * header announces a change, so the set a skip from that header needs is already here.
 *
 * Only the number of requests changes, never what is trusted: every header, commit and set is
 * handed to the client exactly as the separate routes would hand it, and checked the same way
 * (sets against the hash of the header that names them, commits against sets). A relay without
 * the route (404/405 that is not "no such height") is served through the separate routes from
 * then on.
 */
import { LightError, LightErrorCode, equalBytes, type ValidatorSet } from '@dipnet/protocol';
import type { LightBlockAnswer, SignedHeader } from './types.ts';

export type { LightBlockAnswer };

/** Which sets a light-block request asks for (the relay's `validators` query parameter). */
export type SetsWanted = 'none' | 'both';

/** Thrown by `LightBlockRoutes.lightBlocks` when the relay has no light-block route. */
export class RouteMissing extends Error {
  override readonly name = 'RouteMissing';
}

export interface LightBlockRoutes {
  /** One answer per height, in the order asked; throws RouteMissing when the route does not exist. */
  lightBlocks(heights: readonly bigint[], sets: SetsWanted): Promise<LightBlockAnswer[]>;
  /** The separate routes. */
  signedHeader(height: bigint): Promise<SignedHeader>;
  validatorSet(height: bigint): Promise<ValidatorSet>;
}

/** Most heights per request (the relay's MAX_LIGHT_BLOCKS). */
export const MAX_LIGHT_BLOCKS = 16;
/** Answers with sets kept to serve a set asked for after its header (the next set, mostly). */
const RECENT = 32;

interface Waiter<T> {
  resolve(v: T): void;
  reject(e: unknown): void;
}

const deferred = <T>(): { promise: Promise<T>; waiter: Waiter<T> } => {
  let waiter!: Waiter<T>;
  const promise = new Promise<T>((resolve, reject) => (waiter = { resolve, reject }));
  return { promise, waiter };
};

const push = <K, V>(m: Map<K, V[]>, k: K, v: V): void => {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
};

export class LightBlockBatcher {
  /** null until the relay has answered a light-block request either way. */
  private supported: boolean | null = null;
  private blockWants = new Map<bigint, Waiter<SignedHeader>[]>();
  private setWants = new Map<bigint, Waiter<ValidatorSet>[]>();
  private scheduled = false;
  /** Answers that carried sets, by height (insertion order = age). */
  private readonly recent = new Map<bigint, Promise<LightBlockAnswer | null>>();

  constructor(private readonly routes: LightBlockRoutes) {}

  signedHeader(height: bigint): Promise<SignedHeader> {
    if (this.supported === false) return this.routes.signedHeader(height);
    const { promise, waiter } = deferred<SignedHeader>();
    push(this.blockWants, height, waiter);
    this.schedule();
    return promise;
  }

  validatorSet(height: bigint): Promise<ValidatorSet> {
    if (this.supported === false) return this.routes.validatorSet(height);
    const known = this.fromRecent(height);
    if (known) return known.then((s) => s ?? this.routes.validatorSet(height));
    const { promise, waiter } = deferred<ValidatorSet>();
    push(this.setWants, height, waiter);
    this.schedule();
    return promise;
  }

  /** The set for `height` as an earlier answer gave it (its own, or the previous height's next set). */
  private fromRecent(height: bigint): Promise<ValidatorSet | null> | undefined {
    const own = this.recent.get(height);
    const prev = this.recent.get(height - 1n);
    if (!own && !prev) return undefined;
    const ownSet = own?.then((a) => a?.validatorSet ?? null) ?? Promise.resolve(null);
    return ownSet.then((s) => s ?? prev?.then((a) => (a ? setAfter(a) : null)) ?? null);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const blocks = this.blockWants;
    const sets = this.setWants;
    this.blockWants = new Map();
    this.setWants = new Map();
    // Sets whose height (or the height before) is not asked for as a block: the set route.
    for (const [h, ws] of sets) {
      if (blocks.has(h) || blocks.has(h - 1n)) continue;
      sets.delete(h);
      const p = this.routes.validatorSet(h);
      for (const w of ws) p.then(w.resolve, w.reject);
    }
    if (blocks.size === 0) return;
    const want: SetsWanted = sets.size > 0 ? 'both' : 'none';
    const heights = [...blocks.keys()];
    for (let i = 0; i < heights.length; i += MAX_LIGHT_BLOCKS) void this.request(heights.slice(i, i + MAX_LIGHT_BLOCKS), want, blocks, sets);
  }

  private async request(heights: bigint[], want: SetsWanted, blocks: Map<bigint, Waiter<SignedHeader>[]>, sets: Map<bigint, Waiter<ValidatorSet>[]>): Promise<void> {
    // The sets this request serves: a block's own, and the next height's unless that is a block too.
    const covered = (h: bigint): bigint[] => [h, h + 1n].filter((x) => sets.has(x) && (x === h || !blocks.has(x)));
    let answers: LightBlockAnswer[];
    // (A batch already on its way when the route turned out missing goes the separate way too.)
    const asked = this.supported === false ? Promise.reject(new RouteMissing()) : this.routes.lightBlocks(heights, want);
    if (want === 'both') {
      asked.catch(() => undefined);
      heights.forEach((h, i) => this.remember(h, asked.then((a) => a[i] ?? null, () => null)));
    }
    try {
      answers = await asked;
      this.supported = true;
    } catch (e) {
      if (e instanceof RouteMissing) {
        this.supported = false;
        for (const h of heights) this.separately(h, blocks, sets, covered(h));
        return;
      }
      // One missing height refuses the whole batch: ask for each on its own.
      if (heights.length > 1 && e instanceof LightError && e.code === LightErrorCode.LC_NOT_AVAILABLE) {
        for (const h of heights) void this.request([h], want, blocks, sets);
        return;
      }
      for (const h of heights) {
        for (const w of blocks.get(h) ?? []) w.reject(e);
        for (const x of covered(h)) for (const w of sets.get(x) ?? []) w.reject(e);
      }
      return;
    }
    heights.forEach((h, i) => {
      const a = answers[i]!;
      for (const w of blocks.get(h) ?? []) w.resolve({ header: a.header, commit: a.commit });
      for (const x of covered(h)) {
        const s = x === h ? a.validatorSet : setAfter(a);
        const p = s ? Promise.resolve(s) : this.routes.validatorSet(x);
        for (const w of sets.get(x) ?? []) p.then(w.resolve, w.reject);
      }
    });
  }

  /** The separate routes for one height's waiters (a relay without light blocks). */
  private separately(h: bigint, blocks: Map<bigint, Waiter<SignedHeader>[]>, sets: Map<bigint, Waiter<ValidatorSet>[]>, setHeights: bigint[]): void {
    const ws = blocks.get(h) ?? [];
    if (ws.length) {
      const p = this.routes.signedHeader(h);
      for (const w of ws) p.then(w.resolve, w.reject);
    }
    for (const x of setHeights) {
      const p = this.routes.validatorSet(x);
      for (const w of sets.get(x) ?? []) p.then(w.resolve, w.reject);
    }
  }

  private remember(h: bigint, a: Promise<LightBlockAnswer | null>): void {
    this.recent.delete(h);
    this.recent.set(h, a);
    while (this.recent.size > RECENT) this.recent.delete(this.recent.keys().next().value!);
  }
}

/** The set of the height after `a`'s, as `a` gives it: the next set, or its own when its header says they are the same. */
function setAfter(a: LightBlockAnswer): ValidatorSet | null {
  return equalBytes(a.header.nextValidatorsHash, a.header.validatorsHash) ? a.validatorSet : a.nextValidatorSet;
}
