/**
 * Module accounts (the community pool, contract escrow…) have addresses no key can sign for: the
 * tagged hash of a name. A leaf module so that record layouts can name them without pulling in
 * the whole state schema (which imports them back); each constant is computed at load, so it must
 * not sit on an import cycle.
 */
import { ADDRESS_LENGTH } from './keys.ts';
import { utf8 } from './bytes.ts';
import { taggedHash } from './hash.ts';

export const moduleAddress = (name: string): Uint8Array => taggedHash('dipnet/module/v1', utf8(name)).slice(0, ADDRESS_LENGTH);

/** Slashed stake goes here (kept in supply, spent only by governance). */
export const COMMUNITY_POOL = moduleAddress('community-pool');
/** Review fees go here; the committee pays bug bounties from it. */
export const REVIEW_POOL = moduleAddress('review-pool');
