/**
 * Proven reads: a state value proven against a verified header (the latest, or one at a given
 * height: from the trusted window, by verifying forward, or by header hashes backwards), and the
 * account and chain-parameter reads built on it. Contract and governance reads build on getState
 * too (contracts.ts, governance.ts).
 */
import {
  LightError, LightErrorCode, EMPTY_ACCOUNT, StateKey, decodeAccount, decodeParams, formatAddress, parseAddress, verifyBackwards, verifyStateAnswer, type Header,
} from '@dipnet/protocol';
import type { VerifiedAccount, VerifiedHead, VerifiedParams, VerifiedState } from '../api.ts';
import { toTrusted, type TrustedHeader } from '../verify/engine.ts';
import type { ClientState } from './state.ts';

export class Reads {
  /** `sync`: verifies up to a height (queued behind other syncs). */
  constructor(private readonly s: ClientState, private readonly sync: (height: bigint) => Promise<VerifiedHead>) {}

  /** A verified header at `height`: from the window, by verifying forward, or by hashes backwards. */
  async trustedAt(height: bigint): Promise<TrustedHeader> {
    const s = this.s;
    const hit = s.window.get(height);
    if (hit) return hit;
    if (height > s.latest.header.height) {
      await this.sync(height);
      const t = s.window.get(height);
      if (t) return t;
    }
    if (height < 1n) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, 'heights start at 1');
    const above = [...s.window.values()].filter((t) => t.header.height > height).sort((a, b) => (a.header.height < b.header.height ? -1 : 1))[0];
    if (!above) throw new LightError(LightErrorCode.LC_NOT_AVAILABLE, `no trusted header above ${height}`);
    if (above.header.height - height > 10_000n) throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, `height ${height} is too far below the trusted window`);
    const older = await s.pool.run('headers', async (src) => {
      const got: Header[] = [];
      for (let from = height; from < above.header.height; ) {
        const page = await src.signedHeaders(from, Number(above.header.height - from > 64n ? 64n : above.header.height - from));
        if (page.length === 0) throw new LightError(LightErrorCode.LC_NOT_AVAILABLE, `no headers from ${from}`);
        for (const sh of page) if (sh.header.height < above.header.height) got.push(sh.header);
        from += BigInt(page.length);
      }
      const desc = got.reverse();
      verifyBackwards(above.header, desc, s.chainId);
      return desc;
    });
    return toTrusted(older[older.length - 1]!);
  }

  async getState(rawKey: Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedState> {
    const s = this.s;
    s.ensureUsable();
    const t = opts.height !== undefined ? await this.trustedAt(BigInt(opts.height)) : s.latest;
    const value = await s.pool.run('state', async (src) => verifyStateAnswer(t.header, rawKey, await src.stateProof(rawKey, t.header.height)));
    s.stats.proofsVerified++;
    return { key: rawKey, value, height: t.header.height, headerHash: t.hashHex, time: t.header.time };
  }

  async getAccount(address: string | Uint8Array, opts: { height?: bigint } = {}): Promise<VerifiedAccount> {
    let addr: Uint8Array;
    try {
      addr = typeof address === 'string' ? parseAddress(address) : address;
      formatAddress(addr);
    } catch (e) {
      throw new LightError(LightErrorCode.LC_INVALID_ARGUMENT, (e as Error).message);
    }
    const s = await this.getState(StateKey.account(addr), opts);
    let account = EMPTY_ACCOUNT;
    if (s.value) {
      try {
        account = decodeAccount(s.value);
      } catch (e) {
        throw new LightError(LightErrorCode.LC_VALUE_MALFORMED, `proven account value does not decode: ${(e as Error).message}`);
      }
    }
    return { address: formatAddress(addr), account, exists: s.value !== undefined, height: s.height, headerHash: s.headerHash, time: s.time };
  }

  async getParams(): Promise<VerifiedParams> {
    const s = await this.getState(StateKey.params());
    if (!s.value) throw new LightError(LightErrorCode.LC_VALUE_MALFORMED, 'the chain has no params in its state');
    try {
      return { params: decodeParams(s.value), height: s.height };
    } catch (e) {
      throw new LightError(LightErrorCode.LC_VALUE_MALFORMED, `proven params do not decode: ${(e as Error).message}`);
    }
  }
}
