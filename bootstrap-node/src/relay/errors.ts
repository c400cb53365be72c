/**
 * The relay's error catalogue: every `DipnetError.code` from @dipnet/protocol plus the relay's own
 * codes, each with exactly one HTTP status and a one-line description. Every error response has
 * the shape `{ "error": { "code": "...", "message": "..." } }`; clients branch on `code`.
 *
 * ERRORS.md (next to this file) documents the same table; relay.test.ts fails if they differ.
 */
import { BaseError, DipnetError, ErrorCode } from '@dipnet/protocol';

export const RelayErrorCode = {
  RELAY_NOT_FOUND: 'RELAY_NOT_FOUND',
  RELAY_BAD_REQUEST: 'RELAY_BAD_REQUEST',
  RELAY_BODY_TOO_LARGE: 'RELAY_BODY_TOO_LARGE',
  RELAY_UNSUPPORTED_MEDIA_TYPE: 'RELAY_UNSUPPORTED_MEDIA_TYPE',
  RELAY_RATE_LIMITED: 'RELAY_RATE_LIMITED',
  RELAY_SSE_FULL: 'RELAY_SSE_FULL',
  RELAY_SSE_PER_IP: 'RELAY_SSE_PER_IP',
  RELAY_URI_TOO_LONG: 'RELAY_URI_TOO_LONG',
  RELAY_HEADERS_TOO_LARGE: 'RELAY_HEADERS_TOO_LARGE',
  RELAY_REQUEST_TIMEOUT: 'RELAY_REQUEST_TIMEOUT',
  RELAY_SHUTTING_DOWN: 'RELAY_SHUTTING_DOWN',
  RELAY_INTERNAL: 'RELAY_INTERNAL',
} as const;
export type RelayErrorCode = (typeof RelayErrorCode)[keyof typeof RelayErrorCode];

export type ApiErrorCode = ErrorCode | RelayErrorCode;

export interface ErrorInfo {
  readonly status: number;
  readonly description: string;
}

/** One entry per code; the mapped type makes the compiler reject a missing or unknown code. */
export const ERRORS: { readonly [C in ApiErrorCode]: ErrorInfo } = {
  // encoding
  DECODE_TRUNCATED: { status: 400, description: 'The submitted bytes end before the encoded value does.' },
  DECODE_TRAILING_BYTES: { status: 400, description: 'The submitted bytes continue after the encoded value.' },
  DECODE_OVERSIZE: { status: 400, description: 'A length or count in the submitted bytes exceeds its limit.' },
  DECODE_NON_CANONICAL: { status: 400, description: 'The submitted bytes are not the one canonical encoding of their value.' },
  DECODE_UNKNOWN_TAG: { status: 400, description: 'The submitted bytes carry an unknown type or variant tag.' },
  DECODE_INVALID_UTF8: { status: 400, description: 'A string in the submitted bytes is not valid UTF-8.' },
  // keys
  PUBLIC_KEY_INVALID: { status: 400, description: 'A public key is unusable: a small-order point, a non-canonical encoding, or not a point on the curve.' },
  // transactions
  TX_BAD_SIGNATURE: { status: 400, description: "The tx signature does not verify against the signer's key." },
  TX_WRONG_CHAIN: { status: 400, description: 'The tx is signed for a different chain id.' },
  TX_NONCE_REPLAYED: { status: 400, description: "The tx nonce is below the account's next nonce (already used)." },
  TX_NONCE_FUTURE: { status: 400, description: "The tx nonce is above the account's next nonce (gap)." },
  TX_INSUFFICIENT_FUNDS: { status: 400, description: 'The signer cannot pay the amount plus the fee.' },
  TX_FEE_TOO_LOW: { status: 400, description: 'The tx fee is below the required minimum for its size.' },
  TX_FUNDS_LOCKED: { status: 400, description: 'The funds the tx spends are still locked.' },
  TX_OVERSIZE: { status: 413, description: 'The signed tx exceeds the maximum tx size.' },
  TX_UNKNOWN_TYPE: { status: 400, description: 'The tx body kind is not known to this chain.' },
  TX_INVALID: { status: 400, description: 'The tx breaks a rule of its kind (amount, memo, target...).' },
  TX_DUPLICATE: { status: 409, description: 'The same tx is already in the mempool (a tx already on chain is TX_NONCE_REPLAYED).' },
  TX_MEMPOOL_FULL: { status: 503, description: 'The mempool is full; retry later.' },
  TX_UNKNOWN_VALIDATOR: { status: 400, description: 'The tx names a validator that is not registered.' },
  TX_STAKE_TOO_LOW: { status: 400, description: 'The bond or self-bond is below the minimum validator stake.' },
  // consensus and verification
  COMMIT_INSUFFICIENT_POWER: { status: 400, description: 'A submitted commit is signed by too little voting power.' },
  COMMIT_INVALID: { status: 400, description: 'A submitted commit is malformed or carries a bad signature.' },
  HEADER_INVALID: { status: 400, description: 'A submitted header is invalid for this chain.' },
  BLOCK_INVALID: { status: 400, description: 'A submitted block is invalid.' },
  EVIDENCE_INVALID: { status: 400, description: 'The submitted evidence does not prove a conflict.' },
  PROOF_INVALID: { status: 400, description: 'A submitted Merkle proof does not verify.' },
  VALIDATOR_SET_MISMATCH: { status: 400, description: 'A validator set does not match the hash it is checked against.' },
  // contracts
  TEMPLATE_INVALID: { status: 400, description: 'The template document breaks the template language (the message names the path).' },
  TEMPLATE_UNKNOWN: { status: 404, description: 'No template with that id was submitted.' },
  TEMPLATE_EXISTS: { status: 409, description: 'A template with exactly these bytes was already submitted.' },
  TEMPLATE_NOT_APPROVED: { status: 400, description: 'The template is not approved by the committee (pending or rejected).' },
  TEMPLATE_DEPRECATED: { status: 400, description: 'The template was deprecated: no new products or orders through it.' },
  COMMITTEE_NOT_MEMBER: { status: 403, description: 'Only a member of the review committee may cast this vote.' },
  COMMITTEE_ALREADY_VOTED: { status: 409, description: 'This member already voted on this template or action.' },
  COMMITTEE_CLOSED: { status: 400, description: 'The review or committee action is already decided.' },
  // governance
  GOV_NOT_MEMBER: { status: 403, description: 'Only a member of the deciding body (board, representatives or committee) may do this.' },
  GOV_NOT_ALLOWED: { status: 400, description: "The action is outside the body's powers (the committee decides only small fixes)." },
  ELECTION_UNKNOWN: { status: 404, description: 'No election with that id.' },
  ELECTION_CLOSED: { status: 400, description: "The election is not in the phase this vote belongs to (outside its window)." },
  ELECTION_ALREADY_VOTED: { status: 409, description: 'This account has already voted in this election.' },
  ELECTION_NOT_CANDIDATE: { status: 400, description: 'The vote names someone who is not a candidate (or not a representative, for the board).' },
  ELECTION_ALREADY_CANDIDATE: { status: 409, description: 'The account is already a candidate in this election.' },
  ELECTION_CANDIDATES_FULL: { status: 400, description: 'The election has its maximum number of candidates.' },
  ELECTION_NO_WEIGHT: { status: 400, description: 'The account held no DPN with coin-age when the election opened.' },
  ELECTION_WEIGHT_MOVED: { status: 400, description: "The account's DPN moved after the election opened; moved coins carry no weight into it." },
  RESOLUTION_UNKNOWN: { status: 404, description: 'No resolution with that id.' },
  RESOLUTION_CLOSED: { status: 400, description: 'The resolution is already decided.' },
  RESOLUTION_EXPIRED: { status: 400, description: 'The resolution passed its deadline or activation height before every approval was in.' },
  RESOLUTION_ALREADY_DECIDED: { status: 409, description: 'This member already decided on the resolution.' },
  RESOLUTION_NOT_UNANIMOUS: { status: 400, description: 'A board resolution needs every board member to approve.' },
  RESOLUTION_TOO_MANY: { status: 429, description: 'Too many resolutions are open; retry when some close.' },
  // issued tokens
  TOKEN_UNKNOWN: { status: 404, description: 'No token with that id.' },
  TOKEN_MINT_UNAUTHORIZED: { status: 403, description: 'Only the issuer of a mintable token may mint it.' },
  TOKEN_INSUFFICIENT_FUNDS: { status: 400, description: 'The token balance is less than the amount.' },
  TOKEN_SUPPLY_OVERFLOW: { status: 400, description: 'The token supply would exceed its maximum.' },
  TOKEN_SYMBOL_TAKEN: { status: 409, description: 'The issuer already issued a token with that symbol.' },
  CURRENCY_MISMATCH: { status: 400, description: 'The product or order is priced in another currency.' },
  PARAMS_INVALID: { status: 400, description: "The product parameters or transition arguments do not match the template's schema." },
  PRODUCT_UNKNOWN: { status: 404, description: 'No product contract with that id.' },
  ORDER_UNKNOWN: { status: 404, description: 'No order with that id.' },
  ORDER_UNDERPAID: { status: 400, description: 'The order pays less than the price plus fees (maxTotal too low).' },
  ORDER_CLOSED: { status: 400, description: 'The order is already settled or refunded.' },
  ORDER_BAD_STATE: { status: 400, description: "The transition cannot fire in the order's current state." },
  ORDER_WRONG_PARTY: { status: 403, description: 'The signer is not the party allowed to fire this transition.' },
  ORDER_TRANSITION_UNKNOWN: { status: 400, description: "The order's template has no signed transition by that name." },
  ORDER_GUARD_FAILED: { status: 400, description: "A condition of the transition does not hold (the message is the template's)." },
  ORDER_CHILD_NOT_DONE: { status: 400, description: 'The order cannot settle while a sub-order is unfinished.' },
  ORDER_TOO_LARGE: { status: 400, description: 'The order graph has more sub-orders or history than an order may hold.' },
  CONTRACT_CYCLE: { status: 400, description: 'Ordering would make a product order itself through its own parts (a cycle).' },
  CONTRACT_TOO_DEEP: { status: 400, description: 'The order graph is deeper than the maximum depth.' },
  ESCROW_INSUFFICIENT: { status: 400, description: "The order's escrow cannot cover a payment or sub-order." },
  GAS_EXHAUSTED: { status: 400, description: 'Contract execution ran out of gas; the whole tx reverts and the fee is charged.' },
  VM_FAULT: { status: 400, description: 'Contract execution hit an arithmetic or lookup fault (underflow, division by zero, empty list).' },
  // lookups
  NOT_FOUND: { status: 404, description: 'No such object (header, commit, block, validator set) at that height.' },
  HEIGHT_NOT_AVAILABLE: { status: 404, description: 'State at that height is pruned or not yet committed.' },
  INVALID_ARGUMENT: { status: 400, description: 'An argument is malformed (bad hex, wrong length, out of range).' },
  // relay
  RELAY_NOT_FOUND: { status: 404, description: 'No such route.' },
  RELAY_BAD_REQUEST: { status: 400, description: 'The request fails its schema (params, query, body) or is malformed.' },
  RELAY_BODY_TOO_LARGE: { status: 413, description: "The request body exceeds the relay's body size limit." },
  RELAY_UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The request body has a content type the route does not accept.' },
  RELAY_RATE_LIMITED: { status: 429, description: 'Too many requests from this IP; retry after the Retry-After header.' },
  RELAY_SSE_FULL: { status: 503, description: 'This relay holds its maximum number of event streams; retry after Retry-After or use another relay.' },
  RELAY_SSE_PER_IP: { status: 429, description: 'This client IP holds its maximum number of event streams; close one (or retry after Retry-After).' },
  RELAY_URI_TOO_LONG: { status: 414, description: 'A path parameter is longer than the router accepts; the message names the limit.' },
  RELAY_HEADERS_TOO_LARGE: { status: 431, description: "The URL and headers together exceed Node's header size limit (16 KiB by default)." },
  RELAY_REQUEST_TIMEOUT: { status: 408, description: 'The request line and headers did not arrive within the headers timeout.' },
  RELAY_SHUTTING_DOWN: { status: 503, description: 'The relay is shutting down; retry on another relay.' },
  RELAY_INTERNAL: { status: 500, description: 'The relay or node failed unexpectedly; details are in the node log.' },
};

/** An error raised by the relay itself (not by the node). */
export class RelayError extends BaseError<RelayErrorCode> {
  override readonly name = 'RelayError';
  readonly statusCode: number;
  constructor(code: RelayErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(code, message, options);
    this.statusCode = ERRORS[code].status;
  }
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export interface MappedError {
  readonly status: number;
  readonly body: ErrorBody;
  /** True for 5xx: the message is generic and the original error should be logged. */
  readonly internal: boolean;
}

const isApiCode = (c: unknown): c is ApiErrorCode => typeof c === 'string' && Object.hasOwn(ERRORS, c);

function mapped(code: ApiErrorCode, message: string): MappedError {
  const status = ERRORS[code].status;
  const internal = status >= 500 && code === RelayErrorCode.RELAY_INTERNAL;
  return { status, body: { error: { code, message: internal ? 'internal error' : message } }, internal };
}

/** Maps anything thrown while serving a request to a status and an error body. */
export function mapError(err: unknown): MappedError {
  // The message never repeats the code (see @dipnet/protocol's BaseError): the body carries it apart.
  if (err instanceof DipnetError || err instanceof RelayError) {
    return isApiCode(err.code) ? mapped(err.code, err.message) : mapped(RelayErrorCode.RELAY_INTERNAL, err.message);
  }
  const e = (err ?? {}) as { code?: unknown; statusCode?: unknown; validation?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : 'request failed';
  if (e.validation !== undefined) return mapped(RelayErrorCode.RELAY_BAD_REQUEST, message);
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return mapped(RelayErrorCode.RELAY_BODY_TOO_LARGE, 'request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return mapped(RelayErrorCode.RELAY_UNSUPPORTED_MEDIA_TYPE, 'this route does not take a body of that content type (see /openapi.json)');
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 429) return mapped(RelayErrorCode.RELAY_RATE_LIMITED, message);
  if (status === 404) return mapped(RelayErrorCode.RELAY_NOT_FOUND, message);
  if (status === 413) return mapped(RelayErrorCode.RELAY_BODY_TOO_LARGE, message);
  if (status === 414) return mapped(RelayErrorCode.RELAY_URI_TOO_LONG, message);
  if (status === 415) return mapped(RelayErrorCode.RELAY_UNSUPPORTED_MEDIA_TYPE, message);
  if (status >= 400 && status < 500) return mapped(RelayErrorCode.RELAY_BAD_REQUEST, message);
  return mapped(RelayErrorCode.RELAY_INTERNAL, message);
}
