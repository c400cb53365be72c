/**
 * What a block's execution may read besides state: the header fields every tx and end-of-block
 * rule sees. Its own file so the tx modules (contracts, governance, tokens) need not import the
 * executor that imports them.
 */
export interface BlockContext {
  readonly chainId: string;
  readonly height: bigint;
  readonly time: bigint;
  readonly proposer: Uint8Array;
}
