/**
 * Block time bounds: which proposal times a validator accepts, measured against its own clock.
 *
 * As in CometBFT's proposer-based timestamps, a fresh proposal is *timely* when its time lies in
 * `[now − messageDelay(round) − precision, now + precision]` of the receiving validator's clock:
 * `precision` bounds how far apart honest clocks may be, `messageDelay` how long a proposal may
 * take to arrive. Honest validators prevote nil on an untimely proposal, so a proposer whose clock
 * is off by more than the window cannot stamp chain time — neither in the future nor in the past.
 * The delay grows 10% a round so that a network slower than the parameter still decides.
 * Re-proposals of a block that already gathered a proof-of-lock are not checked again.
 */
import { fail, ErrorCode } from './errors.ts';

/** The synchrony parameters, part of the chain's params (governance may change them). */
export interface SynchronyParams {
  /** How far apart honest validators' clocks may be, in ms. */
  readonly timePrecisionMs: number;
  /** How long a proposal may take to reach every validator, in ms (grows 10% per round). */
  readonly messageDelayMs: number;
}

/**
 * The devnet's and the default genesis's values: clocks within 10 s of each other (the bound the
 * chain has always had for times ahead), proposals delivered within 5 s — so a block may be at
 * most 10 s ahead of, and 15 s behind, an honest validator's clock in round 0.
 */
export const DEFAULT_SYNCHRONY: SynchronyParams = { timePrecisionMs: 10_000, messageDelayMs: 5_000 };

/** The largest value either parameter may take (a window of hours would make it meaningless). */
export const MAX_SYNCHRONY_MS = 600_000;

export function checkSynchronyParams(p: SynchronyParams): void {
  for (const [name, v] of [['timePrecisionMs', p.timePrecisionMs], ['messageDelayMs', p.messageDelayMs]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_SYNCHRONY_MS) fail(ErrorCode.DECODE_NON_CANONICAL, `${name} must be an integer from 1 to ${MAX_SYNCHRONY_MS} ms, not ${v}`);
  }
}

/** The accepted range of a fresh proposal's time at `round`, for a validator whose clock reads `now`. */
export function timelyWindow(p: SynchronyParams, now: bigint, round: number): { readonly earliest: bigint; readonly latest: bigint } {
  const delay = BigInt(Math.ceil(p.messageDelayMs * 1.1 ** Math.min(round, 100)));
  const precision = BigInt(p.timePrecisionMs);
  return { earliest: now - delay - precision, latest: now + precision };
}

/** Why a proposal's time is not timely for a validator whose clock reads `now`, or null if it is. */
export function untimelyReason(p: SynchronyParams, blockTime: bigint, now: bigint, round: number): string | null {
  const { earliest, latest } = timelyWindow(p, now, round);
  if (blockTime >= earliest && blockTime <= latest) return null;
  const off = blockTime > now ? `${seconds(blockTime - now)} ahead of` : `${seconds(now - blockTime)} behind`;
  return `block time is ${off} this validator's clock; round ${round} accepts ${seconds(now - earliest)} behind to ${seconds(latest - now)} ahead`;
}

const seconds = (ms: bigint): string => `${(Number(ms) / 1000).toFixed(1)} s`;
