/** Helpers for tests that run real nodes: temp dirs, signed transfers, waiting on heights. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressOf, encodeSignedTx, signTx, dpn, type Genesis, type KeyPair, type TxBody } from '@dipnet/protocol';
import { DipnetNode, type NodeLogger } from '../node.ts';
import { MemoryHub } from './memory-network.ts';
import { devValidatorKey } from '../devnet/dev-keys.ts';
import type { ConsensusTimeouts } from '../consensus/engine.ts';

export async function tempDir(prefix = 'dipnet-test-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export function signedTx(chainId: string, key: KeyPair, nonce: bigint, body: TxBody, fee = dpn(1)): Uint8Array {
  return encodeSignedTx(signTx({ chainId, signer: key.publicKey, nonce, fee, body }, key.secretKey));
}

export function transfer(chainId: string, from: KeyPair, to: KeyPair | Uint8Array, amount: bigint, nonce: bigint, fee = dpn(1)): Uint8Array {
  const toAddr = to instanceof Uint8Array ? to : addressOf(to.publicKey);
  return signedTx(chainId, from, nonce, { type: 'transfer', to: toAddr, amount, memo: '' }, fee);
}

/** The one polling wait (`waitFor(predicate, { timeoutMs, intervalMs, what })`), re-exported for the node's tests. */
export { waitFor } from '@dipnet/protocol/testing';

/** Consensus timeouts short enough for tests on one machine. */
export const FAST_TIMEOUTS = { proposeMs: 400, prevoteMs: 200, precommitMs: 200, deltaMs: 100, maxMs: 2000, blockTimeMs: 100, emptyBlockIntervalMs: 60_000 };

/**
 * `n` real validator nodes of `genesis` in this process, linked by a MemoryHub, each on its own
 * LMDB store in a temp dir. `stop()` stops them and removes the dirs.
 */
export async function startMemoryValidators(genesis: Genesis, opts: {
  timeouts?: Partial<ConsensusTimeouts>; dirPrefix?: string; softwareVersions?: readonly string[];
  /** Per validator (by index), how far its wall clock runs ahead (+) or behind (−), in ms. */
  clockOffsetsMs?: readonly number[];
  /** Per validator (by index), where its log goes (default: nowhere). */
  loggers?: readonly (NodeLogger | undefined)[];
} = {}): Promise<{ hub: MemoryHub; nodes: DipnetNode[]; stop: () => Promise<void> }> {
  const n = genesis.validators.length;
  const hub = new MemoryHub();
  const dirs = await Promise.all(Array.from({ length: n }, () => tempDir(opts.dirPrefix)));
  const nodes: DipnetNode[] = [];
  const stop = async () => {
    for (const node of nodes) await node.stop();
    for (const d of dirs) await d.cleanup();
  };
  try {
    for (let i = 0; i < n; i++) {
      nodes.push(await DipnetNode.start({
        dataDir: dirs[i]!.path, genesis, validatorSecret: devValidatorKey(i).secretKey, timeouts: { ...FAST_TIMEOUTS, ...opts.timeouts },
        network: async (h) => hub.join(`node-${i}`, h),
        ...(opts.softwareVersions?.[i] ? { softwareVersion: opts.softwareVersions[i] } : {}),
        ...(opts.clockOffsetsMs?.[i] ? { clock: ((offset: number) => () => Date.now() + offset)(opts.clockOffsetsMs[i]!) } : {}),
        ...(opts.loggers?.[i] ? { logger: opts.loggers[i] } : {}),
      }));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { hub, nodes, stop };
}
