/**
 * Sync: grows the trusted window from the latest trusted header to a source's head (or a given
 * height), by skipping verification (bisection, along the relay's planned path when far behind)
 * or sequentially. New headers become visible (head(), reads, the store) only after the witness
 * cross-check; then the head's listeners hear of it.
 */
import { toHex, type GenesisCommitment, type LightBlock } from '@dipnet/protocol';
import type { VerifiedHead } from '../api.ts';
import { fetchLightBlock, pathTarget, verifyAlongPath, verifySequential, verifySkipping, type TrustedHeader } from '../verify/engine.ts';
import type { LightSource, SignedHeader, SourceStatus } from '../transport/types.ts';
import { tell, type ClientState } from './state.ts';

/** Heights behind the head beyond which a sync fetches the head's validator set speculatively. */
const SPECULATE_SET_GAP = 100n;

export interface SyncDeps {
  /** The witness cross-check of a newly verified header (witness.ts). */
  crossCheck(primary: LightSource, lb: LightBlock, before: TrustedHeader | null, genesis: GenesisCommitment | null): Promise<void>;
  /** Writes the newly trusted headers (persistence.ts). */
  persist(): Promise<void>;
  /** After the head's listeners: what else a new verified head starts (freshness, pending txs). */
  onNewHead(): void;
}

export class Syncer {
  constructor(private readonly s: ClientState, private readonly deps: SyncDeps) {}

  sync(height?: bigint): Promise<VerifiedHead> {
    return this.s.serial(() => this.syncNow(height));
  }

  /** `early`: a status already asked of a source (used for that source; asked again if it failed). */
  async syncNow(height?: bigint, early?: { source: LightSource; status: Promise<SourceStatus> }): Promise<VerifiedHead> {
    const s = this.s;
    s.ensureUsable();
    return s.pool.run('sync', async (src) => {
      let goal = height;
      if (goal === undefined) goal = (await (src === early?.source ? early.status.catch(() => src.status()) : src.status())).height;
      if (goal <= s.latest.header.height) return s.head();
      await this.advance(src, goal);
      return s.head();
    });
  }

  /** Verifies from the latest trusted header to `goal` (or to `target` when the caller has it). */
  async advance(src: LightSource, goal: bigint, target?: SignedHeader): Promise<void> {
    const s = this.s;
    const before = s.latest;
    // Newly verified headers become visible (head(), reads, store) only after the witness check.
    const verified: TrustedHeader[] = [];
    const onAccept = (_lb: LightBlock, t: TrustedHeader): void => {
      verified.push(t);
      for (const l of s.progressListeners) l({ verifiedHeight: t.header.height, targetHeight: goal });
    };
    let lastBlock: LightBlock;
    if (s.opts.mode === 'sequential') {
      await verifySequential(s.verify, src, s.latest, goal, (lb, t) => { lastBlock = lb; onAccept(lb, t); });
    } else {
      // Far behind (a client coming back online), the head's set has most likely changed: fetch
      // it with the header. Near the head it is most likely cached, so do not ask twice.
      lastBlock = await fetchLightBlock(s.verify, src, goal, target, goal - s.latest.header.height > SPECULATE_SET_GAP);
      // Far behind: most of the way along the relay's planned path (one shared, cacheable request), then bisect.
      const along = pathTarget(s.latest.header.height, goal);
      const from = along === null ? s.latest : await verifyAlongPath(s.verify, src, s.latest, along, onAccept);
      await verifySkipping(s.verify, src, from, lastBlock, onAccept);
    }
    await this.deps.crossCheck(src, lastBlock!, before, null);
    for (const t of verified) s.acceptTrusted(t);
    // A reload resumes only with the head's set stored: a long bisection may have pushed it out of
    // the bounded set cache (persist saves what the cache holds), so put it back first.
    if (!s.sets.get(toHex(lastBlock!.header.validatorsHash))) s.sets.add(lastBlock!.validators.set, lastBlock!.header.validatorsHash);
    await this.deps.persist();
    this.emitHead();
  }

  emitHead(): void {
    tell(this.s.headListeners, this.s.head());
    this.deps.onNewHead();
  }
}
