/**
 * Test helpers (not part of the package API) that drive governance on a TestNet with real signed
 * txs (batches go through `net.commitAll`): blocks on demand (the devnet makes blocks only for
 * txs), waiting for chain time, and an election in a voting window with time left.
 */
import { addressOf, GovKey, decodeElection, decodeElectionClock, type Election, type ElectionClock } from '@dipnet/protocol';
import type { TestNet } from './devnet.ts';
import { devKey } from '@dipnet/bootstrap-node';

/** One more block: a tiny transfer from the devnet's sale key. */
export const tick = (net: TestNet): Promise<bigint> =>
  net.commit(devKey('sale'), { type: 'transfer', to: addressOf(devKey('gov-test/sink').publicKey), amount: 1n, memo: '' });

/** Makes blocks until the chain's time (node 0's head) reaches `t`: phase changes happen at the end of such a block. */
export async function untilChainTime(net: TestNet, t: bigint): Promise<void> {
  const n0 = net.nodes[0]!;
  while (n0.chain.head.time < t) {
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(50, Number(t - BigInt(Date.now()))))));
    await tick(net);
  }
}

export function electionClock(net: TestNet): ElectionClock {
  const raw = net.nodes[0]!.chain.store.getValue(GovKey.electionClock());
  return raw ? decodeElectionClock(raw) : { latest: 0n, open: false };
}

/**
 * Waits (making blocks) for an election taking holder votes with no candidates yet and at least
 * `leftMs` of voting left. One that ran out without candidates fails, and the next block opens another.
 */
export async function freshElection(net: TestNet, leftMs: bigint): Promise<Election> {
  const n0 = net.nodes[0]!;
  for (;;) {
    const c = electionClock(net);
    const e = c.open ? decodeElection(n0.chain.store.getValue(GovKey.election(c.latest))!) : null;
    if (e && e.phase === 'voting' && e.votingEndsAt - n0.chain.head.time > leftMs && e.candidates.length === 0) return e;
    await untilChainTime(net, n0.chain.head.time + 500n);
  }
}
