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
  LightError, LightErrorCode, equalBytes, headerHash, toHex, verifyAdjacent, verifyNonAdjacent, isLightError,
  type Header, type LightBlock, type LightVerifyOptions, type PreparedValidatorSet, type SignatureVerifier, type ValidatorSet,
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

/**
 * A header, its commit and its (hash-checked) validator set, fetching only what is not cached.
 *
 * `speculateSet`: ask for the height's validator set in the same round trip as the header and
 * commit instead of after the header names it. Worth one possibly redundant request where the set
 * is probably new — a bisection pivot exists because trust did not reach that far, i.e. the set
 * changed — and it halves the round trips of each pivot. The set is still checked against the
 * header's validatorsHash; the speculative answer is dropped (errors included) when the set turns
 * out to be cached.
 */
export async function fetchLightBlock(ctx: VerifyContext, src: LightSource, height: bigint, known?: SignedHeader, speculateSet = false): Promise<LightBlock> {
  let early: Promise<ValidatorSet> | undefined;
  if (!known && speculateSet) {
    early = src.validatorSet(height);
    early.catch(() => undefined);
  }
  const sh = known ?? (await src.signedHeader(height));
  if (sh.header.height !== height) throw new LightError(LightErrorCode.LC_HEADER_INVALID, `asked for header ${height}, got ${sh.header.height}`);
  const h = sh.header;
  // A header announcing a new next set: fetch it now, a skip from this header will need it.
  if (!equalBytes(h.nextValidatorsHash, h.validatorsHash)) {
    ctx.sets.prefetch(toHex(h.nextValidatorsHash), h.nextValidatorsHash, src.id, () => src.validatorSet(height + 1n));
  }
  const validators = await ctx.sets.getOrFetch(toHex(h.validatorsHash), h.validatorsHash, src.id, () => early ?? src.validatorSet(height));
  return { header: h, commit: sh.commit, validators };
}

/** The set the trusted header announced for the next height. */
export async function nextValidators(ctx: VerifyContext, src: LightSource, trusted: TrustedHeader): Promise<PreparedValidatorSet> {
  const h = trusted.header;
  return ctx.sets.getOrFetch(toHex(h.nextValidatorsHash), h.nextValidatorsHash, src.id, () => src.validatorSet(h.height + 1n));
}

export async function verifyStep(ctx: VerifyContext, src: LightSource, trusted: TrustedHeader, lb: LightBlock): Promise<void> {
  if (lb.header.height === trusted.header.height + 1n) await verifyAdjacent(trusted.header, lb, options(ctx), ctx.verifier);
  else await verifyNonAdjacent(trusted.header, await nextValidators(ctx, src, trusted), lb, options(ctx), ctx.verifier);
  ctx.stats.headersVerified++;
}

/**
 * The bisection pivot between `from` and `to`: of the heights in the middle half of the span, the
 * one that is a multiple of the largest power of two (the nearest to the middle among those). Every
 * client bisecting over similar spans then asks for the same few heights — a cold start from the
 * same trust root lands on the same pivots whatever its exact head — so HTTP caches in front of
 * relays serve them (bootstrap-node/src/relay/http-cache.ts). Still a split within the middle half,
 * so a bisection takes as many steps as halving would, give or take one. Spans under 2: `from`.
 */
export function alignedPivot(from: bigint, to: bigint): bigint {
  const span = to - from;
  if (span < 2n) return from;
  const quarter = span / 4n > 0n ? span / 4n : 1n;
  const lo = from + quarter;
  const hi = to - quarter;
  const mid = from + span / 2n;
  for (let step = 1n << BigInt(hi.toString(2).length); step > 1n; step >>= 1n) {
    const first = ((lo + step - 1n) / step) * step;
    if (first > hi) continue;
    const last = (hi / step) * step;
    const near = ((mid + step / 2n) / step) * step;
    return near < first ? first : near > last ? last : near;
  }
  return mid;
}

/**
 * Bisection from `trusted` to `target`; returns the new trusted header (target's).
 *
 * Every check is CometBFT's; only the fetching is ahead of time, because round trips, not
 * signatures, dominate (bench/RESULTS.md). A pivot's header, commit and set come in one round
 * trip (`speculateSet`), and a jump longer than the longest skip verified so far in this run is
 * expected to fail (trust reaches about as far as the validator set turns over, which changes
 * slowly), so its midpoint — and the midpoint's, while still longer — is fetched while the jump
 * is tried. A wrong guess costs an unused fetch, never a check. (Guessing earlier, at 3/4 or 1/2
 * of the longest skip, cut round trips further but asked for 30–45% more and was not faster.)
 */
export async function verifySkipping(
  ctx: VerifyContext, src: LightSource, trusted: TrustedHeader, target: LightBlock, onAccept: (lb: LightBlock, t: TrustedHeader) => void,
): Promise<TrustedHeader> {
  const fetched = new Map<bigint, Promise<LightBlock>>([[target.header.height, Promise.resolve(target)]]);
  const get = (height: bigint): Promise<LightBlock> => {
    let p = fetched.get(height);
    if (!p) {
      p = fetchLightBlock(ctx, src, height, undefined, true);
      // A speculative fetch that fails matters only if its block is needed (then awaited below).
      p.catch(() => undefined);
      fetched.set(height, p);
    }
    return p;
  };
  const stack: bigint[] = [target.header.height];
  let current = trusted;
  let longest = 0n;
  while (stack.length > 0) {
    const topHeight = stack[stack.length - 1]!;
    const base = current.header.height;
    if (longest > 0n) {
      for (let h = topHeight; h - base > longest; ) {
        h = alignedPivot(base, h);
        if (h <= base + 1n) break;
        void get(h);
      }
    }
    const top = await get(topHeight);
    try {
      await verifyStep(ctx, src, current, top);
    } catch (e) {
      if (!isLightError(e, LightErrorCode.LC_TRUST_INSUFFICIENT)) throw e;
      const mid = alignedPivot(base, topHeight);
      if (mid <= base) throw e;
      ctx.stats.bisections++;
      stack.push(mid);
      // Before any skip has verified there is nothing to guess from; a failed jump is likely
      // followed by another while descending, so fetch the next midpoint down as well.
      if (longest === 0n && alignedPivot(base, mid) > base + 1n) void get(alignedPivot(base, mid));
      await get(mid);
      continue;
    }
    stack.pop();
    fetched.delete(topHeight);
    if (topHeight - base > longest) longest = topHeight - base;
    current = toTrusted(top.header);
    onAccept(top, current);
  }
  return current;
}

/**
 * Targets of a path request are multiples of this: every client syncing from the same trust root
 * within the same window asks for the same URL (an HTTP cache serves it), and bisects the last
 * stretch (under this many heights) itself.
 */
export const PATH_ALIGN = 1024n;

/** The aligned target of a path request for a sync to `goal`, or null when the stretch is short. */
export function pathTarget(trustedHeight: bigint, goal: bigint): bigint | null {
  const aligned = ((goal - 1n) / PATH_ALIGN) * PATH_ALIGN;
  return aligned > trustedHeight + 1n ? aligned : null;
}

/**
 * Verifies along the source's planned path (LightSource.lightBlockPath) towards `to`, step by step
 * with the same checks as a bisection; returns the last header it could trust. The plan is only a
 * hint: where a step is not signed by enough of the trusted set (LC_TRUST_INSUFFICIENT) it stops
 * there and the caller bisects on; any other failure is the source's lie, as with any answer.
 */
export async function verifyAlongPath(
  ctx: VerifyContext, src: LightSource, trusted: TrustedHeader, to: bigint, onAccept: (lb: LightBlock, t: TrustedHeader) => void,
): Promise<TrustedHeader> {
  let current = trusted;
  while (src.lightBlockPath && current.header.height < to) {
    const path = await src.lightBlockPath(current.header.height, to);
    if (path === null) return current;
    if (path.length === 0) throw new LightError(LightErrorCode.LC_RESPONSE_MALFORMED, `empty path from ${current.header.height} to ${to}`, { source: src.id });
    for (const b of path) {
      const h = b.header;
      if (h.height <= current.header.height || h.height > to) {
        throw new LightError(LightErrorCode.LC_HEADER_INVALID, `a path from ${current.header.height} to ${to} named header ${h.height}`, { source: src.id });
      }
      // Sets are checked against the header's hashes as they are cached (a wrong one is a lie).
      if (b.nextValidatorSet) ctx.sets.add(b.nextValidatorSet, h.nextValidatorsHash);
      const validators = b.validatorSet
        ? ctx.sets.add(b.validatorSet, h.validatorsHash)
        : await ctx.sets.getOrFetch(toHex(h.validatorsHash), h.validatorsHash, src.id, () => src.validatorSet(h.height));
      const lb: LightBlock = { header: h, commit: b.commit, validators };
      try {
        await verifyStep(ctx, src, current, lb);
      } catch (e) {
        if (isLightError(e, LightErrorCode.LC_TRUST_INSUFFICIENT)) return current;
        throw e;
      }
      current = toTrusted(h);
      onAccept(lb, current);
    }
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
