/**
 * JSON-schema fragments shared by the relay routes, plus the conversions from protocol objects to
 * their JSON form. Binary values are lowercase hex; u64 values are decimal strings.
 */
import {
  encodeHeader,
  formatAddress,
  headerHash,
  toHex,
  fromHex,
  type Header,
} from '@dipnet/protocol';
import { RelayError, RelayErrorCode } from './errors.ts';
import { RULE_KEYWORD } from './validation-messages.ts';

export const U64_MAX = (1n << 64n) - 1n;

/** Largest raw state key accepted by GET /v1/state/:key (keys today are at most 41 bytes). */
export const MAX_STATE_KEY_BYTES = 256;
/** Largest light-client conflict evidence accepted by POST /v1/evidence (the body limit still applies). */
export const MAX_EVIDENCE_BYTES = 256 * 1024;

export const heightString = {
  type: 'string',
  pattern: '^[0-9]{1,20}$',
  [RULE_KEYWORD]: 'must be a block height: a decimal number of at most 20 digits',
  description: 'Block height: a u64 as a decimal string.',
} as const;

/** Hex of exactly `bytes` bytes (upper or lower case accepted on input). */
export const fixedHex = (bytes: number, description: string) =>
  ({
    type: 'string', pattern: `^[0-9a-fA-F]{${bytes * 2}}$`, minLength: bytes * 2, maxLength: bytes * 2,
    [RULE_KEYWORD]: `must be ${bytes * 2} hex digits (${bytes} bytes)`, description,
  }) as const;

/** Non-empty hex of at most `maxBytes` bytes. */
export const varHex = (maxBytes: number, description: string) =>
  ({
    type: 'string', pattern: '^(?:[0-9a-fA-F]{2})+$', minLength: 2, maxLength: maxBytes * 2,
    [RULE_KEYWORD]: `must be hex of 1 to ${maxBytes} bytes (an even number of hex digits)`, description,
  }) as const;

/**
 * An object schema whose properties are all `required` except those named in `optional`: clients
 * generated from /openapi.json then type every always-present field as present. Fastify's
 * serializer enforces it (a missing required field is a 500), so list as optional what an answer
 * can leave out.
 */
export const objectOf = <P extends Record<string, unknown>>(properties: P, optional: readonly (keyof P & string)[] = []) =>
  ({ type: 'object', properties, required: Object.keys(properties).filter((k) => !optional.includes(k)) }) as const;

const hex = (description: string) => ({ type: 'string', description }) as const;
const u64 = (description: string) => ({ type: 'string', description }) as const;

export const errorResponse = {
  description: 'Error: see ERRORS.md for every code.',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

/** Adds the shared error schema for 4xx and 5xx to a route's response schemas. */
export const withErrors = <T extends Record<string, unknown>>(ok: T) => ({ ...ok, '4xx': errorResponse, '5xx': errorResponse });

export const headerFieldsSchema = {
  description: 'The header decoded for humans; verify against `header`, never against these.',
  ...objectOf({
    chainId: { type: 'string' },
    height: u64('height'),
    time: u64('milliseconds since the Unix epoch'),
    prevHash: hex('hash of the previous header'),
    lastCommitHash: hex('hash of the commit of the previous block'),
    txRoot: hex('Merkle root of the tx hashes'),
    evidenceRoot: hex('Merkle root of the evidence'),
    stateRoot: hex('state root after this block'),
    validatorsHash: hex('hash of the validator set signing this block'),
    nextValidatorsHash: hex('hash of the validator set signing the next block'),
    proposer: { type: 'string', description: 'proposer address (dpn…)' },
  }),
} as const;

export const headerSchema = objectOf({
  height: u64('height'),
  hash: hex('header hash'),
  header: hex('canonical header encoding'),
  fields: headerFieldsSchema,
});

/** Parses a schema-checked decimal height, rejecting values above u64; `field` names it in the error. */
export function parseHeight(s: string, field = 'height'): bigint {
  const n = BigInt(s);
  if (n > U64_MAX) throw new RelayError(RelayErrorCode.RELAY_BAD_REQUEST, `${field} ${s} exceeds u64`);
  return n;
}

/** Decodes schema-checked hex (a malformed string still yields INVALID_ARGUMENT → 400). */
export const parseHex = (s: string): Uint8Array => fromHex(s);

export function headerFieldsJson(h: Header) {
  return {
    chainId: h.chainId,
    height: h.height.toString(),
    time: h.time.toString(),
    prevHash: toHex(h.prevHash),
    lastCommitHash: toHex(h.lastCommitHash),
    txRoot: toHex(h.txRoot),
    evidenceRoot: toHex(h.evidenceRoot),
    stateRoot: toHex(h.stateRoot),
    validatorsHash: toHex(h.validatorsHash),
    nextValidatorsHash: toHex(h.nextValidatorsHash),
    proposer: formatAddress(h.proposer),
  };
}

export function headerJson(h: Header) {
  return { height: h.height.toString(), hash: toHex(headerHash(h)), header: toHex(encodeHeader(h)), fields: headerFieldsJson(h) };
}
