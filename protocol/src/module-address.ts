/**
 * Module accounts (the community pool, contract escrow…) have addresses no key can sign for: the
 * tagged hash of a name. A module of its own so that record layouts can name them without pulling
 * in the whole state schema (which imports them back).
 */
import { ADDRESS_LENGTH } from './keys.ts';
import { utf8 } from './bytes.ts';
import { taggedHash } from './hash.ts';

export const moduleAddress = (name: string): Uint8Array => taggedHash('dipnet/module/v1', utf8(name)).slice(0, ADDRESS_LENGTH);
