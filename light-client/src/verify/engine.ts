/**
 * Header verification driven against one source: fetch what is missing, verify with the pure
 * protocol rules (protocol/src/light-verify.ts), call `onAccept` for each newly trusted header.
 *
 * - skipping (default): CometBFT's bisection. Try to jump from the trusted header straight to the
 *   target; when too little of the trusted set signed it (LC_TRUST_INSUFFICIENT), fetch the
 *   header half-way and try that first, then retry the jump from there.
 * - sequential: every header in turn (adjacent verification), fetched in batches.
 */
import {
  LightError, LightErrorCode, headerHash, toHex, verifyAdjacent, verifyNonAdjacent, isLightError,
  type Header, type LightBlock, type LightVerifyOptions, type PreparedValidatorSet, type SignatureVerifier,
} from '@dipnet/protocol';
import type { LightSource, SignedHeader } from '../transport/types.ts';
import type { ValidatorSetCache } from './validator-cache.ts';

export interface TrustedHeader {
  readonly header: Header;
  readonly hash: Uint8Array;
  readonly hashHex: string;
}

export const toTrusted = (header: Header): TrustedHeader => {
  const hash = headerHash(header);
  return { header, hash, hashHex: toHex(hash) };
};

export interface VerifyContext {
  readonly chainId: string;
  readonly trustingPeriodMs: number;
  readonly maxClockDriftMs: number;
  readonly now: () => number;
  readonly verifier: SignatureVerifier;
  readonly sets: ValidatorSetCache;
  readonly stats: { headersVerified: number; bisections: number };
}

const options = (ctx: VerifyContext): LightVerifyOptions => ({
  chainId: ctx.chainId, trustingPeriodMs: ctx.trustingPeriodMs, maxClockDriftMs: ctx.maxClockDriftMs, now: ctx.now(),
});

/** A header, its commit and its (hash-checked) validator set, fetching only what is not cached. */
export async function fetchLightBlock(ctx: VerifyContext, src: LightSource, height: bigint, known?: SignedHeader): Promise<LightBlock> {
  const sh = known ?? (await src.signedHeader(height));
  if (sh.header.height !== height) throw new LightError(LightErrorCode.LC_HEADER_INVALID, `asked for header ${height}, got ${sh.header.height}`);
  const validators = ctx.sets.get(toHex(sh.header.validatorsHash)) ?? ctx.sets.add(await src.validatorSet(height), sh.header.validatorsHash);
  return { header: sh.header, commit: sh.commit, validators };
}

/** The set the trusted header announced for the next height. */
export async function nextValidators(ctx: VerifyContext, src: LightSource, trusted: TrustedHeader): Promise<PreparedValidatorSet> {
  const h = trusted.header;
  return ctx.sets.get(toHex(h.nextValidatorsHash)) ?? ctx.sets.add(await src.validatorSet(h.height + 1n), h.nextValidatorsHash);
}

export async function verifyStep(ctx: VerifyContext, src: LightSource, trusted: TrustedHeader, lb: LightBlock): Promise<void> {
  if (lb.header.height === trusted.header.height + 1n) await verifyAdjacent(trusted.header, lb, options(ctx), ctx.verifier);
  else await verifyNonAdjacent(trusted.header, await nextValidators(ctx, src, trusted), lb, options(ctx), ctx.verifier);
  ctx.stats.headersVerified++;
}

/** Bisection from `trusted` to `target`; returns the new trusted header (target's). */
export async function verifySkipping(
  ctx: VerifyContext, src: LightSource, trusted: TrustedHeader, target: LightBlock, onAccept: (lb: LightBlock, t: TrustedHeader) => void,
): Promise<TrustedHeader> {
  const stack: LightBlock[] = [target];
  let current = trusted;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    try {
      await verifyStep(ctx, src, current, top);
    } catch (e) {
      if (!isLightError(e, LightErrorCode.LC_TRUST_INSUFFICIENT)) throw e;
      const mid = current.header.height + (top.header.height - current.header.height) / 2n;
      if (mid <= current.header.height) throw e;
      ctx.stats.bisections++;
      stack.push(await fetchLightBlock(ctx, src, mid));
      continue;
    }
    stack.pop();
    current = toTrusted(top.header);
    onAccept(top, current);
  }
  return current;
}

/** Every header from trusted+1 to `targetHeight`, in batches. */
export async function verifySequential(
  ctx: VerifyContext, src: LightSource, trusted: TrustedHeader, targetHeight: bigint, onAccept: (lb: LightBlock, t: TrustedHeader) => void,
): Promise<TrustedHeader> {
  let current = trusted;
  while (current.header.height < targetHeight) {
    const from = current.header.height + 1n;
    const batch = await src.signedHeaders(from, Number(targetHeight - current.header.height > 64n ? 64n : targetHeight - current.header.height));
    if (batch.length === 0) throw new LightError(LightErrorCode.LC_NOT_AVAILABLE, `no headers from ${from}`);
    for (const sh of batch) {
      if (current.header.height >= targetHeight) break;
      const lb = await fetchLightBlock(ctx, src, current.header.height + 1n, sh);
      await verifyStep(ctx, src, current, lb);
      current = toTrusted(lb.header);
      onAccept(lb, current);
    }
  }
  return current;
}
