/** Display helpers shared by the explorer's views: the protocol's format module, in the explorer's short names. */
import { dpnText, relativeTime, shortAddress, shortDuration } from '@dipnet/protocol/format';

export { shortHex } from '@dipnet/protocol/format';
export const dpn = (units: bigint | string): string => dpnText(units);
/** `dpn1a2b3c…7e8f` */
export const shortAddr = shortAddress;
export const int = (n: bigint | number | string): string => BigInt(n).toLocaleString('en-US');
/** `3 min ago` (a time in the past). */
export const ago = (ms: number, now = Date.now()): string => relativeTime(Math.min(ms, now), now);
/** `in 4 min` or `3 min ago`. */
export const relTime = relativeTime;
export const isoTime = (ms: number | bigint): string => new Date(Number(ms)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
export const duration = (ms: bigint | string): string => shortDuration(ms);

/** Human words for tx kinds. */
export const TX_KIND: Readonly<Record<string, string>> = {
  submitTemplate: 'Submit template', reviewTemplate: 'Review template', createProduct: 'Create product', placeOrder: 'Place order',
  fireTransition: 'Milestone', committeeVote: 'Committee vote', transfer: 'Transfer',
  registerCandidate: 'Register candidate', electionVote: 'Election vote', boardVote: 'Board vote', proposeResolution: 'Propose resolution',
  decideResolution: 'Decide resolution', issueToken: 'Issue token', tokenTransfer: 'Token transfer', tokenMint: 'Mint token',
};
