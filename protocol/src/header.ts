/** Block headers: what a light client verifies and chains. */
import { Reader, Writer, decodeExact } from './codec.ts';
import { taggedHash, HashTag, HASH_LENGTH } from './hash.ts';
import { ADDRESS_LENGTH } from './keys.ts';
import { CHAIN_ID_MAX } from './signing.ts';
import { DEFAULT_SYNCHRONY } from './block-time.ts';

/**
 * How far ahead of its own clock a light client accepts a header's time by default: a block may
 * be the default time precision ahead of honest validators' clocks (block-time.ts), and a viewer's
 * clock as far behind theirs. Beyond that a header is not a lie but early: the client asks again later.
 */
export const DEFAULT_CLIENT_CLOCK_DRIFT_MS = 2 * DEFAULT_SYNCHRONY.timePrecisionMs;

export interface Header {
  readonly chainId: string;
  readonly height: bigint;
  /** Milliseconds since the Unix epoch, strictly increasing from block to block. */
  readonly time: bigint;
  /** Hash of the previous header; at height 1, the genesis document's hash. */
  readonly prevHash: Uint8Array;
  /** Hash of the commit that finalised the previous block (zeros at height 1). */
  readonly lastCommitHash: Uint8Array;
  readonly txRoot: Uint8Array;
  readonly evidenceRoot: Uint8Array;
  /** Root of the state map after executing this block. */
  readonly stateRoot: Uint8Array;
  /** Hash of the validator set that signs this block. */
  readonly validatorsHash: Uint8Array;
  /** Hash of the validator set that signs the next block. */
  readonly nextValidatorsHash: Uint8Array;
  readonly proposer: Uint8Array;
}

export function writeHeader(w: Writer, h: Header): void {
  w.string(h.chainId, CHAIN_ID_MAX).u64(h.height).u64(h.time)
    .fixed(h.prevHash, HASH_LENGTH).fixed(h.lastCommitHash, HASH_LENGTH)
    .fixed(h.txRoot, HASH_LENGTH).fixed(h.evidenceRoot, HASH_LENGTH).fixed(h.stateRoot, HASH_LENGTH)
    .fixed(h.validatorsHash, HASH_LENGTH).fixed(h.nextValidatorsHash, HASH_LENGTH)
    .fixed(h.proposer, ADDRESS_LENGTH);
}

export function readHeader(r: Reader): Header {
  return {
    chainId: r.string(CHAIN_ID_MAX, 'chainId'),
    height: r.u64('height'),
    time: r.u64('time'),
    prevHash: r.fixed(HASH_LENGTH, 'prevHash'),
    lastCommitHash: r.fixed(HASH_LENGTH, 'lastCommitHash'),
    txRoot: r.fixed(HASH_LENGTH, 'txRoot'),
    evidenceRoot: r.fixed(HASH_LENGTH, 'evidenceRoot'),
    stateRoot: r.fixed(HASH_LENGTH, 'stateRoot'),
    validatorsHash: r.fixed(HASH_LENGTH, 'validatorsHash'),
    nextValidatorsHash: r.fixed(HASH_LENGTH, 'nextValidatorsHash'),
    proposer: r.fixed(ADDRESS_LENGTH, 'proposer'),
  };
}

export function encodeHeader(h: Header): Uint8Array {
  const w = new Writer(400);
  writeHeader(w, h);
  return w.finish();
}

export const decodeHeader = (b: Uint8Array): Header => decodeExact(b, readHeader, 'header');
export const headerHash = (h: Header): Uint8Array => taggedHash(HashTag.header, encodeHeader(h));
