/**
 * The conflict detector (CometBFT's light/detector.go): every newly trusted header is compared
 * with other sources (witnesses). A witness whose different header also verifies is a fork: the
 * client halts, reports both sides to the listeners and submits the evidence to every source.
 * A witness whose different header does not verify is faulty and dropped.
 */
import {
  LightError, LightErrorCode, LYING_CODES, encodeConflictEvidence, equalBytes, headerHash, isLightError, toHex, verifyCommitLight, verifyCommitLightTrusting,
  verifyGenesisRoot, type GenesisCommitment, type LightBlock,
} from '@dipnet/protocol';
import type { ConflictReport } from '../api.ts';
import { fetchLightBlock, verifySkipping, type TrustedHeader } from '../verify/engine.ts';
import { attribute } from '../transport/pool.ts';
import type { LightSource, SignedHeader } from '../transport/types.ts';
import { tell, type ClientState } from './state.ts';

export class WitnessChecker {
  /** `stopFollowing`: closes the head subscription when the client halts. */
  constructor(private readonly s: ClientState, private readonly stopFollowing: () => void) {}

  /**
   * Compares the newly trusted header with up to `maxWitnesses` other sources. A witness that
   * serves a different header which ALSO verifies from our previous trusted state (or, for the
   * genesis root, is signed by the genesis set the pinned hash commits to) is a fork: halt,
   * report, submit evidence. A witness whose different header does not verify is faulty and dropped.
   */
  async crossCheck(primary: LightSource, lb: LightBlock, before: TrustedHeader | null, genesis: GenesisCommitment | null): Promise<void> {
    const s = this.s;
    const height = lb.header.height;
    const hash = headerHash(lb.header);
    for (const w of s.pool.witnesses(primary, s.opts.maxWitnesses ?? 2)) {
      let wsh: SignedHeader;
      try {
        wsh = await w.signedHeader(height);
        if (wsh.header.height !== height) throw new LightError(LightErrorCode.LC_HEADER_INVALID, `asked for header ${height}, got ${wsh.header.height}`);
      } catch (e) {
        s.pool.report(w, isLightError(e) ? attribute(e, w) : e);
        continue;
      }
      if (equalBytes(headerHash(wsh.header), hash)) {
        s.pool.markOk(w);
        continue;
      }
      let wlb: LightBlock;
      try {
        if (before) {
          wlb = await fetchLightBlock(s.verify, w, height, wsh);
          await verifySkipping(s.verify, w, before, wlb, () => undefined);
        } else {
          // At the trust root: the witness's header must be what the root would have accepted.
          // Genesis: bound to the genesis set (verified commitment), > 2/3 of it signed. Checkpoint:
          // > 2/3 of its own set AND > 1/3 of the root's set signed (else it proves nothing).
          wlb = await fetchLightBlock(s.verify, w, height, wsh);
          if (wlb.header.chainId !== s.chainId) throw new LightError(LightErrorCode.LC_WRONG_CHAIN, `witness header is for chain "${wlb.header.chainId}"`);
          const verifiedSigs = new Set<number>();
          if (genesis) verifyGenesisRoot(lb.header.prevHash, s.chainId, genesis, wlb.header);
          else await verifyCommitLightTrusting(s.chainId, wlb.commit, wlb.validators, lb.validators, s.verify.verifier, undefined, verifiedSigs);
          await verifyCommitLight(s.chainId, wlb.header, wlb.commit, wlb.validators, s.verify.verifier, verifiedSigs);
        }
      } catch (e) {
        if (isLightError(e) && (LYING_CODES.has(e.code) || e.code === LightErrorCode.LC_TRUST_INSUFFICIENT)) {
          s.pool.report(w, attribute(new LightError(LYING_CODES.has(e.code) ? e.code : LightErrorCode.LC_HEADER_INVALID, `witness header ${height} differs from the primary's and does not verify: ${e.message}`), w));
          continue;
        }
        s.pool.report(w, e);
        continue;
      }
      await this.halt(primary, lb, w, wlb);
    }
  }

  private async halt(primary: LightSource, plb: LightBlock, witness: LightSource, wlb: LightBlock): Promise<never> {
    const s = this.s;
    const rep = (src: LightSource, b: LightBlock) => ({ source: src.id, headerHash: toHex(headerHash(b.header)), header: b.header, commit: b.commit, validatorSet: b.validators.set });
    const evidence: { source: string; conflicting: 'primary' | 'witness'; accepted: boolean; error?: string }[] = [];
    const report: ConflictReport = { height: plb.header.height, detectedAt: s.now(), primary: rep(primary, plb), witness: rep(witness, wlb), evidence };
    s.halted = report;
    this.stopFollowing();
    // Each side's nodes hold one of the two headers; the other one is the evidence for them.
    const ev = {
      primary: encodeConflictEvidence({ conflicting: { header: plb.header, commit: plb.commit, validatorSet: plb.validators.set } }),
      witness: encodeConflictEvidence({ conflicting: { header: wlb.header, commit: wlb.commit, validatorSet: wlb.validators.set } }),
    };
    for (const src of s.pool.all()) {
      if (!src.submitEvidence) continue;
      for (const which of ['witness', 'primary'] as const) {
        try {
          await src.submitEvidence(ev[which]);
          evidence.push({ source: src.id, conflicting: which, accepted: true });
        } catch (e) {
          evidence.push({ source: src.id, conflicting: which, accepted: false, error: (e as Error).message });
        }
      }
    }
    tell(s.conflictListeners, report);
    throw new LightError(LightErrorCode.LC_CONFLICT, `two valid commits for different headers at height ${report.height}: ${primary.id} (${report.primary.headerHash.slice(0, 16)}…) vs ${witness.id} (${report.witness.headerHash.slice(0, 16)}…); the client has stopped and reported the evidence`, { height: report.height.toString(), report });
  }
}
