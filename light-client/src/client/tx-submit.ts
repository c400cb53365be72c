/**
 * Sending a signed tx: submission to the sources (a refusal is only a source's word, reported as
 * a hint), the hint watcher (what a source says of the tx), re-sending while it is not in a
 * verified block, a relay's unverified gas estimate, and waiting for the next verified head.
 */
import { ErrorCode, LightError, LightErrorCode, isLightError, toHex } from '@dipnet/protocol';
import type { TxHint } from '../api.ts';
import { attribute } from '../transport/pool.ts';
import { sleep } from '../transport/util.ts';
import type { ClientState } from './state.ts';

/** Codes of the chain's own verdicts on a tx (as opposed to an outage), except a full mempool. */
const CHAIN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode).filter((c) => c !== ErrorCode.TX_MEMPOOL_FULL));

/** A submitted tx not in a verified block after this long is sent to every source, and again at the interval. */
const RESEND_AFTER_MS = 3000;
const RESEND_EVERY_MS = 5000;

export class TxSender {
  /** Relays that answered 404 to POST /v1/txs/simulate: not asked again. */
  private readonly noSimulate = new Set<string>();

  constructor(private readonly s: ClientState) {}

  /**
   * Submits to every usable source until one takes the tx. A source's refusal is only its word
   * (a relay may forward a tx and claim it was refused): it is reported as a hint and the next
   * source is tried; the caller then waits for proof either way. Resolves with whether a source
   * took it; throws only when no source could be reached at all (nothing was sent).
   */
  async submitTx(bytes: Uint8Array, onHint: (h: TxHint) => void): Promise<{ accepted: boolean; refusal: TxHint | null }> {
    const pool = this.s.pool;
    let refusal: TxHint | null = null;
    let best: LightError | null = null;
    for (const s of pool.usable()) {
      try {
        await s.submitTx(bytes);
        pool.markOk(s);
        return { accepted: true, refusal };
      } catch (err) {
        if (!isLightError(err)) throw err;
        const remote = err.details.remoteCode;
        if (err.code === LightErrorCode.LC_TX_REJECTED || (typeof remote === 'string' && CHAIN_CODES.has(remote))) {
          const code = String(remote ?? err.code);
          const at = err.message.indexOf(`${code}: `);
          refusal = { source: s.id, says: 'refused', code, message: at >= 0 ? err.message.slice(at + code.length + 2) : err.message };
          onHint(refusal);
          continue;
        }
        const e = attribute(err, s);
        pool.report(s, e);
        best ??= e;
      }
    }
    if (refusal) return { accepted: false, refusal };
    throw best ?? new LightError(LightErrorCode.LC_NO_SOURCES, 'submit-tx: no usable source');
  }

  /** Asks a source what it knows of the tx (once it says "in a block", no more): a hint, never a step. */
  hintWatcher(hash: Uint8Array, onHint: (h: TxHint) => void): () => Promise<void> {
    let told = false;
    return async () => {
      if (told) return;
      const s = this.s.pool.usable().find((x) => x.txStatus);
      const st = await s?.txStatus?.(hash).catch(() => null);
      if (s && st?.status === 'committed') {
        told = true;
        onHint({ source: s.id, says: 'in-block', height: st.height, code: st.code });
      }
    };
  }

  /**
   * For a signed tx not yet seen in a verified block: every few seconds (wall clock), sends it to
   * every usable source. The one that took it may have dropped it — a relay that swallows txs, a
   * node killed before it gossiped them. The same bytes cannot apply twice (a node that has them
   * answers TX_DUPLICATE, one that committed them TX_NONCE_REPLAYED), so answers are ignored.
   */
  resender(bytes: Uint8Array): () => Promise<void> {
    let next = Date.now() + RESEND_AFTER_MS;
    return async () => {
      if (Date.now() < next) return;
      next = Date.now() + RESEND_EVERY_MS;
      await Promise.all(this.s.pool.usable().map((s) => s.submitTx(bytes).catch(() => undefined)));
    };
  }

  /** A relay's gas estimate (POST /v1/txs/simulate, where offered). Unverified: callers may only use it to raise an allowance. */
  async simulateHint(build: () => Promise<Uint8Array>): Promise<{ gasUsed: bigint } | null> {
    const opts = this.s.opts;
    const relays = (opts.relays ?? []).map((u) => u.replace(/\/+$/, '')).filter((u) => !this.noSimulate.has(u));
    if (relays.length === 0) return null;
    const bytes = await build();
    const fetchFn = opts.relayOptions?.fetch ?? fetch;
    for (const base of relays) {
      try {
        const res = await fetchFn(`${base}/v1/txs/simulate`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(bytes) }), signal: AbortSignal.timeout(3000),
        });
        if (res.status === 404 || res.status === 405) {
          this.noSimulate.add(base);
          continue;
        }
        const body = (await res.json().catch(() => null)) as { ok?: unknown; gasUsed?: unknown } | null;
        // A tx the relay expects to fail gives no estimate; the mempool's verdict is what counts.
        if (body?.ok !== true) return null;
        const g = body.gasUsed;
        if (typeof g === 'string' && /^[0-9]{1,12}$/.test(g)) return { gasUsed: BigInt(g) };
        if (typeof g === 'number' && Number.isSafeInteger(g) && g >= 0) return { gasUsed: BigInt(g) };
      } catch {
        // only a hint
      }
    }
    return null;
  }

  /** Resolves on the next verified head, or after `ms`. */
  nextHead(ms: number): Promise<void> {
    const listeners = this.s.headListeners;
    return new Promise((resolve) => {
      const ac = new AbortController();
      const listener = (): void => ac.abort();
      listeners.add(listener);
      void sleep(ms, ac.signal).then(() => {
        listeners.delete(listener);
        resolve();
      });
    });
  }
}
