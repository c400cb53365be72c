/**
 * Typed errors with stable codes. Every boundary (decoder, mempool, relay, CLI, light client)
 * throws a `DipnetError`; callers branch on `.code`, never on message text.
 */
export const ErrorCode = {
  // encoding
  DECODE_TRUNCATED: 'DECODE_TRUNCATED',
  DECODE_TRAILING_BYTES: 'DECODE_TRAILING_BYTES',
  DECODE_OVERSIZE: 'DECODE_OVERSIZE',
  DECODE_NON_CANONICAL: 'DECODE_NON_CANONICAL',
  DECODE_UNKNOWN_TAG: 'DECODE_UNKNOWN_TAG',
  DECODE_INVALID_UTF8: 'DECODE_INVALID_UTF8',
  // transactions
  TX_BAD_SIGNATURE: 'TX_BAD_SIGNATURE',
  TX_WRONG_CHAIN: 'TX_WRONG_CHAIN',
  TX_NONCE_REPLAYED: 'TX_NONCE_REPLAYED',
  TX_NONCE_FUTURE: 'TX_NONCE_FUTURE',
  TX_INSUFFICIENT_FUNDS: 'TX_INSUFFICIENT_FUNDS',
  TX_FEE_TOO_LOW: 'TX_FEE_TOO_LOW',
  TX_FUNDS_LOCKED: 'TX_FUNDS_LOCKED',
  TX_OVERSIZE: 'TX_OVERSIZE',
  TX_UNKNOWN_TYPE: 'TX_UNKNOWN_TYPE',
  TX_INVALID: 'TX_INVALID',
  TX_DUPLICATE: 'TX_DUPLICATE',
  TX_MEMPOOL_FULL: 'TX_MEMPOOL_FULL',
  TX_UNKNOWN_VALIDATOR: 'TX_UNKNOWN_VALIDATOR',
  TX_STAKE_TOO_LOW: 'TX_STAKE_TOO_LOW',
  // consensus and verification
  COMMIT_INSUFFICIENT_POWER: 'COMMIT_INSUFFICIENT_POWER',
  COMMIT_INVALID: 'COMMIT_INVALID',
  HEADER_INVALID: 'HEADER_INVALID',
  BLOCK_INVALID: 'BLOCK_INVALID',
  EVIDENCE_INVALID: 'EVIDENCE_INVALID',
  PROOF_INVALID: 'PROOF_INVALID',
  VALIDATOR_SET_MISMATCH: 'VALIDATOR_SET_MISMATCH',
  // lookups
  NOT_FOUND: 'NOT_FOUND',
  HEIGHT_NOT_AVAILABLE: 'HEIGHT_NOT_AVAILABLE',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class DipnetError extends Error {
  override readonly name = 'DipnetError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(`${code}: ${message}`);
  }
}

export function fail(code: ErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new DipnetError(code, message, details);
}

export function isDipnetError(e: unknown, code?: ErrorCode): e is DipnetError {
  return e instanceof DipnetError && (code === undefined || e.code === code);
}
