/** What the node offers the relay's contract routes: the index (ids), state reads, dry runs. */
import type { ContractIndex } from './contract-index.ts';
import type { SimulationResult } from './simulate.ts';

export type ContractIndexQueries = Pick<ContractIndex, 'indexedHeight' | 'templates' | 'products' | 'orders' | 'proposals' | 'recentTxs'>;

export interface ContractsApi {
  /** Which ids exist, newest first. Hints only: values must be read from state. */
  readonly index: ContractIndexQueries;
  /** The committed value of a raw state key at a stored height (no proof; see getStateProof). */
  stateValue(rawKey: Uint8Array, height: bigint): Uint8Array | undefined;
  /** Runs a signed tx against the head state without changing it. */
  simulateTx(signedTxBytes: Uint8Array): Promise<SimulationResult>;
}
