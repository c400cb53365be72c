/**
 * The trust root and the trusting period: establishes trust from the genesis hash or a pinned
 * checkpoint (hash, age, > 2/3 signed, witnesses agree), and settles the trusting period from the
 * chain's proven unbonding period (CometBFT's 2/3 rule).
 */
import {
  LightError, LightErrorCode, equalBytes, headerHash, toHex, verifyCommitLight, verifyGenesisRoot, type GenesisCommitment, type Header, type LightBlock,
} from '@dipnet/protocol';
import type { VerifiedParams } from '../api.ts';
import { toTrusted, type TrustedHeader } from '../verify/engine.ts';
import type { LightSource } from '../transport/types.ts';
import { bytesOf, durationText, type ClientState } from './state.ts';

export interface TrustRootDeps {
  /** The chain's parameters, proven at the latest trusted header. */
  getParams(): Promise<VerifiedParams>;
  crossCheck(primary: LightSource, lb: LightBlock, before: TrustedHeader | null, genesis: GenesisCommitment | null): Promise<void>;
  /** Resets the store and writes the just-accepted root, without waiting. */
  writeRoot(): void;
  emitHead(): void;
}

export class TrustRootKeeper {
  constructor(private readonly s: ClientState, private readonly deps: TrustRootDeps) {}

  /**
   * CometBFT's rule, with the unbonding period read from parameters proven at the latest trusted
   * header: trust a header for at most 2/3 of it. A configured period longer than that is refused;
   * an unset one becomes 2/3 of it. Returns whether the latest trusted header is within the period.
   */
  async settleTrustingPeriod(): Promise<boolean> {
    const s = this.s;
    const { params, height } = await this.deps.getParams();
    const limit = Math.floor(Number(params.unbondingPeriodMs) * 2 / 3);
    const wanted = s.opts.trustingPeriodMs;
    if (wanted !== undefined && wanted > limit) {
      throw new LightError(
        LightErrorCode.LC_TRUSTING_PERIOD_TOO_LONG,
        `the trusting period of ${durationText(wanted)} is longer than 2/3 of this chain's unbonding period of ${durationText(Number(params.unbondingPeriodMs))} (proven at block ${height}): ` +
          `validators that signed a trusted header could unbond and then sign a fork this client would accept. Use at most ${durationText(limit)}, or leave trustingPeriodMs unset.`,
        { trustingPeriodMs: wanted, unbondingPeriodMs: Number(params.unbondingPeriodMs), maxTrustingPeriodMs: limit, height: height.toString() },
      );
    }
    s.stats.trustingPeriodMs = wanted ?? limit;
    s.verify = { ...s.verify, trustingPeriodMs: s.trustingPeriodMs };
    return s.now() - Number(s.latest.header.time) < s.trustingPeriodMs;
  }

  /** A trust root older than the trusting period cannot anchor trust. */
  checkRootAge(h: Header, what: 'genesis' | 'checkpoint'): void {
    const s = this.s;
    const age = s.now() - Number(h.time);
    if (age < s.trustingPeriodMs) return;
    throw new LightError(
      LightErrorCode.LC_CHECKPOINT_EXPIRED,
      `the ${what} header ${h.height} is from ${new Date(Number(h.time)).toISOString()}, ${durationText(age)} ago — older than the trusting period of ${durationText(s.trustingPeriodMs)}. ` +
        'Validators that signed it may have unbonded since, so it cannot anchor trust: pin a recent checkpoint (height and hash) from a source you trust.',
      { height: h.height.toString(), ageMs: age, trustingPeriodMs: s.trustingPeriodMs },
    );
  }

  async initFromTrustRoot(): Promise<void> {
    const s = this.s;
    const t = s.opts.trust;
    const genesis = 'genesisHash' in t ? bytesOf(t.genesisHash, 'genesisHash') : null;
    const height = genesis ? 1n : BigInt((t as { height: bigint | number }).height);
    const pinned = genesis ? null : bytesOf((t as { hash: string | Uint8Array }).hash, 'checkpoint hash');
    if (height < 1n) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'checkpoint height must be at least 1');

    const { lb, source, commitment } = await s.pool.run('checkpoint', async (src) => ({ ...await this.fetchRoot(src, height, genesis, pinned), source: src }));
    const root = toTrusted(lb.header);
    await this.deps.crossCheck(source, lb, null, commitment);
    s.acceptTrusted(root);
    this.deps.writeRoot();
    this.deps.emitHead();
  }

  /**
   * Fetches and checks the trust root's header: the pinned hash, or for a genesis root the genesis
   * commitment (its hash is the pin; it names the set that must sign header 1); fresh enough; > 2/3 signed.
   */
  private async fetchRoot(src: LightSource, height: bigint, genesis: Uint8Array | null, pinned: Uint8Array | null): Promise<{ lb: LightBlock; commitment: GenesisCommitment | null }> {
    const s = this.s;
    // Nothing is cached yet: ask for the root's set (and the genesis commitment) in the same round trip.
    const set = src.validatorSet(height);
    set.catch(() => undefined);
    const commitment = genesis ? src.genesisCommitment() : null;
    commitment?.catch(() => undefined);
    const sh = await src.signedHeader(height);
    const h = sh.header;
    if (h.height !== height) throw new LightError(LightErrorCode.LC_HEADER_INVALID, `asked for header ${height}, got ${h.height}`);
    if (h.chainId !== s.chainId) throw new LightError(LightErrorCode.LC_WRONG_CHAIN, `header is for chain "${h.chainId}", expected "${s.chainId}"`);
    if (genesis) verifyGenesisRoot(genesis, s.chainId, await commitment!, h);
    if (pinned && !equalBytes(headerHash(h), pinned)) throw new LightError(LightErrorCode.LC_CHECKPOINT_MISMATCH, `header ${height} hashes to ${toHex(headerHash(h)).slice(0, 16)}…, not the pinned checkpoint ${toHex(pinned).slice(0, 16)}…`);
    this.checkRootAge(h, genesis ? 'genesis' : 'checkpoint');
    const validators = s.sets.get(toHex(h.validatorsHash)) ?? s.sets.add(await set, h.validatorsHash);
    const lb: LightBlock = { header: h, commit: sh.commit, validators };
    await verifyCommitLight(s.chainId, h, sh.commit, lb.validators, s.verify.verifier);
    s.stats.headersVerified++;
    return { lb, commitment: genesis ? await commitment! : null };
  }
}
