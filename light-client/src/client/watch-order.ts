/**
 * Watching an order: its tree is read (proven) once per new verified head, never on a timer, and
 * told to the listener when it changed (or after a failure, once it verifies again).
 */
import type { VerifiedHead, VerifiedOrderTree } from '../api.ts';
import type { ContractReader } from '../contracts.ts';
import { tell, type ClientState } from './state.ts';

export function watchOrder(
  s: ClientState, contracts: ContractReader, onHead: (l: (h: VerifiedHead) => void) => () => void,
  key: Uint8Array, listener: (t: VerifiedOrderTree) => void, onError?: (e: unknown) => void,
): () => void {
  let stopped = false;
  let running = false;
  let again = false;
  let lastHeight = -1n;
  let lastDigest = '';
  let failed = false;
  // One read per new verified head; heads that arrive during a read coalesce into one more.
  const check = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        if (stopped || s.closed || s.halted) return;
        const height = s.latest.header.height;
        if (height === lastHeight) continue;
        try {
          const { tree, digest } = await contracts.tree(key, { height });
          lastHeight = height;
          // After a failure the tree is told again even if unchanged: the watcher knows it recovered.
          if ((digest !== lastDigest || failed) && !stopped) {
            lastDigest = digest;
            failed = false;
            tell([listener], tree);
          }
        } catch (e) {
          failed = true;
          if (!stopped) tell([(x: unknown) => onError?.(x)], e);
        }
      } while (again && !stopped);
    } finally {
      running = false;
    }
  };
  const off = onHead(() => void check());
  void check();
  return () => {
    stopped = true;
    off();
  };
}
