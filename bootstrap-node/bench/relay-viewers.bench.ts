/**
 * relay.viewers_per_core: the steady-state viewers one relay core serves, derived from the figures
 * relay-cache.bench.ts and relay-fanout.bench.ts measured earlier in the same `npm run bench` run:
 * a viewer's session of SESSION_S seconds costs the relay one cold start (its CPU per cold start,
 * without or with the nginx cache in front) plus following the head by SSE (CPU per head event per
 * subscriber) at one head a second — a busy chain; an idle one makes a block a minute. Head
 * following is never cached (each stream is held by the relay), so with a cache it dominates.
 *
 * Run: npm run bench -w bootstrap-node (after the two relay benches).
 */
import { emit, recorded } from './bench-record.ts';

const SESSION_S = 30 * 60;
const HEADS_PER_S = 1;

const r = recorded();
const need = (name: string): number => {
  const x = r.get(name);
  if (!x) {
    console.error(`# ${name} was not measured in this run: run npm run bench -w bootstrap-node (relay-cache and relay-fanout benches first)`);
    process.exit(1);
  }
  return x.value;
};
const sseUs = need('relay.sse_cpu_us_per_event_per_subscriber');
const follow = (SESSION_S * HEADS_PER_S * sseUs) / 1000; // ms of relay CPU per session
for (const [suffix, coldMs] of [['', need('relay.cold_start_cpu_ms')], ['_cached', need('relay.cold_start_cpu_ms_cached')]] as const) {
  const perSessionMs = coldMs + follow;
  const viewers = (SESSION_S * 1000) / perSessionMs;
  console.error(`# ${suffix ? 'with' : 'without'} the cache: ${coldMs} ms cold start + ${follow.toFixed(1)} ms following ${SESSION_S * HEADS_PER_S} heads = ${perSessionMs.toFixed(1)} ms of relay CPU per ${SESSION_S / 60}-minute session`);
  emit({ name: `relay.viewers_per_core${suffix}`, value: Math.round(viewers), unit: 'viewers', cold_start_cpu_ms: coldMs, sse_cpu_us_per_event: sseUs, session_s: SESSION_S, heads_per_s: HEADS_PER_S });
}
