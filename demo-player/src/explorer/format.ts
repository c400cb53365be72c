/** Display helpers shared by the explorer's views. */
import { formatDpn } from '@dipnet/protocol';

export const dpn = (units: bigint | string): string => `${formatDpn(typeof units === 'string' ? BigInt(units) : units)} DPN`;
/** `dpn1a2b3c…7e8f` */
export const shortAddr = (a: string): string => (a.length > 16 ? `${a.slice(0, 9)}…${a.slice(-4)}` : a);
export const shortHex = (h: string, n = 8): string => (h.length > n * 2 ? `${h.slice(0, n)}…${h.slice(-4)}` : h);
export const int = (n: bigint | number | string): string => BigInt(n).toLocaleString('en-US');

export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
/** `in 4 min` or `3 min ago`. */
export function relTime(ms: number, now = Date.now()): string {
  if (ms <= now) return ago(ms, now);
  const s = Math.round((ms - now) / 1000);
  if (s < 60) return `in ${s} s`;
  if (s < 3600) return `in ${Math.floor(s / 60)} min`;
  if (s < 86_400) return `in ${Math.floor(s / 3600)} h`;
  return `in ${Math.floor(s / 86_400)} d`;
}
export const isoTime = (ms: number | bigint): string => new Date(Number(ms)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

export function duration(ms: bigint | string): string {
  const n = Number(ms);
  if (n % 86_400_000 === 0 && n > 0) return `${n / 86_400_000} d`;
  if (n % 3_600_000 === 0 && n > 0) return `${n / 3_600_000} h`;
  if (n % 60_000 === 0 && n > 0) return `${n / 60_000} min`;
  return `${(n / 1000).toLocaleString('en-US')} s`;
}

/** Human words for tx kinds. */
export const TX_KIND: Readonly<Record<string, string>> = {
  submitTemplate: 'Submit template', reviewTemplate: 'Review template', createProduct: 'Create product', placeOrder: 'Place order',
  fireTransition: 'Milestone', committeeVote: 'Committee vote', transfer: 'Transfer',
  registerCandidate: 'Register candidate', electionVote: 'Election vote', boardVote: 'Board vote', proposeResolution: 'Propose resolution',
  decideResolution: 'Decide resolution', issueToken: 'Issue token', tokenTransfer: 'Token transfer', tokenMint: 'Mint token',
};
