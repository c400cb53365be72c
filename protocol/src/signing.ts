/**
 * Domain separation for every signed payload: a signature covers
 * tag || domain byte || chain id || payload, so a vote can never be replayed as a tx or a
 * proposal, and nothing signed on one chain is valid on another.
 */
import { Writer } from './codec.ts';

export const SignDomain = { tx: 1, vote: 2, proposal: 3 } as const;
export type SignDomain = (typeof SignDomain)[keyof typeof SignDomain];

export const CHAIN_ID_MAX = 64;
const SIGN_TAG = 'dipnet/sign/v1';

export function signBytes(domain: SignDomain, chainId: string, payload: Uint8Array): Uint8Array {
  const w = new Writer(payload.length + 96);
  w.string(SIGN_TAG, 32).u8(domain).string(chainId, CHAIN_ID_MAX).bytes(payload, payload.length);
  return w.finish();
}
