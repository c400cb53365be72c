/**
 * Order timers. A timer is filed under the second of chain time at which it is due; at the end of
 * every block the node fires the timers of every second from the cursor up to the block's time.
 * The state is a hashed map without range scans, so the cursor walks seconds one by one; a long
 * gap between blocks is worked off over several blocks (MAX_SECONDS_PER_BLOCK).
 *
 * A timer names the order, the state entry it was set in (`seq`) and the transition; when it
 * fires after the order has moved on, it does nothing. A timer firing runs on its own child view
 * with its own gas (TIMER_GAS); if it fails, its changes are dropped and the failure is written
 * to the order's history, so one bad template cannot stall the chain.
 */
import {
  DipnetError, ContractKey, encodeTimerBucket, decodeTimerBucket, encodeU64, decodeU64, encodeOrderRecord, decodeOrderRecord, truncateUtf8,
  MAX_HISTORY, MAX_NAME, type Timer,
} from '@dipnet/protocol';
import type { StateView } from '../state/state-view.ts';
import type { BlockContext } from '../state/block-context.ts';

export const MAX_SECONDS_PER_BLOCK = 10_000;
export const MAX_TIMERS_PER_BLOCK = 5_000;
/** Timers one second holds (37 bytes each: far below the state's 64 KiB value limit); more spill into the next second. */
export const TIMERS_PER_SECOND = 1_000;

const second = (ms: bigint): bigint => (ms + 999n) / 1000n;

export function timerCursor(state: StateView): bigint | undefined {
  const raw = state.get(ContractKey.timerCursor());
  return raw ? decodeU64(raw) : undefined;
}

export function initTimerCursor(state: StateView, genesisTime: bigint): void {
  state.set(ContractKey.timerCursor(), encodeU64(genesisTime / 1000n));
}

/**
 * Files a timer due at chain time `due` (ms); a time already past fires at the next block end.
 * A full second spills into the next one (a timer may fire late, never early). Returns how many
 * seconds it looked at, so the caller can charge gas for each.
 */
export function scheduleTimer(state: StateView, due: bigint, t: Timer): number {
  const cursor = timerCursor(state) ?? 0n;
  let s = second(due);
  if (s <= cursor) s = cursor + 1n;
  for (let looked = 1; ; looked++, s++) {
    const key = ContractKey.timerBucket(s);
    const raw = state.get(key);
    const bucket = raw ? decodeTimerBucket(raw) : [];
    if (bucket.length >= TIMERS_PER_SECOND) continue;
    bucket.push(t);
    state.set(key, encodeTimerBucket(bucket));
    return looked;
  }
}

/**
 * Fires due timers in filing order. `fire` runs one timer on a child view and returns normally
 * or throws a DipnetError; the caller's view keeps the changes only on success.
 */
export function processTimers(state: StateView, ctx: BlockContext, fire: (view: StateView, t: Timer) => void): number {
  const cursor = timerCursor(state);
  if (cursor === undefined) return 0;
  const now = ctx.time / 1000n;
  let s = cursor;
  let fired = 0;
  while (s < now && s - cursor < BigInt(MAX_SECONDS_PER_BLOCK) && fired < MAX_TIMERS_PER_BLOCK) {
    const next = s + 1n;
    const key = ContractKey.timerBucket(next);
    const raw = state.get(key);
    const bucket = raw ? decodeTimerBucket(raw) : [];
    let i = 0;
    for (; i < bucket.length && fired < MAX_TIMERS_PER_BLOCK; i++, fired++) {
      const t = bucket[i]!;
      const view = state.child();
      try {
        fire(view, t);
        view.mergeInto(state);
      } catch (e) {
        if (!(e instanceof DipnetError)) throw e;
        noteFailure(state, ctx, t, e);
      }
    }
    if (i < bucket.length) {
      state.set(key, encodeTimerBucket(bucket.slice(i)));
      break; // this second is not finished: the cursor stays before it
    }
    if (raw) state.set(key, undefined);
    s = next;
  }
  if (s !== cursor) state.set(ContractKey.timerCursor(), encodeU64(s));
  return fired;
}

function noteFailure(state: StateView, ctx: BlockContext, t: Timer, e: DipnetError): void {
  const raw = state.get(ContractKey.order(t.order));
  if (!raw) return;
  const o = decodeOrderRecord(raw);
  const history = [...o.history, { time: ctx.time, height: ctx.height, event: truncateUtf8(`failed:${e.code}`, MAX_NAME) }].slice(-MAX_HISTORY);
  state.set(ContractKey.order(t.order), encodeOrderRecord({ ...o, history }));
}
