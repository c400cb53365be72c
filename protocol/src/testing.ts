/**
 * @dipnet/protocol/testing: the one polling wait every workspace's tests (and the demo's start
 * script) use. Browser-safe: timers only, no Node APIs.
 */

export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  readonly timeoutMs?: number;
  /** Poll this often (default 20 ms). */
  readonly intervalMs?: number;
  /** What is awaited, for the timeout message ("block 1"). */
  readonly what?: string;
  /** Treat a throwing predicate as "not yet" (a server still starting) instead of failing at once. */
  readonly retryErrors?: boolean;
  /** Extra text for the timeout message (where the logs are). */
  readonly hint?: string;
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/**
 * Calls `predicate` until it returns a truthy value, which is returned; throws after `timeoutMs`
 * with `what` (and the last error, with `retryErrors`).
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<Truthy<Awaited<T>>> {
  const { timeoutMs = 10_000, intervalMs = 20, what = 'a condition', retryErrors = false } = opts;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await predicate();
      if (v) return v as Truthy<Awaited<T>>;
    } catch (e) {
      if (!retryErrors) throw e;
      last = e;
    }
    if (Date.now() > deadline) {
      const why = last === undefined ? '' : `: ${last instanceof Error ? last.message : String(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}${opts.hint ? ` (${opts.hint})` : ''}`);
    }
    await new Promise<void>((r) => setTimeout(() => r(), intervalMs));
  }
}
