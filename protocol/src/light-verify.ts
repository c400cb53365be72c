/**
 * Light-client verification, CometBFT style. Pure: no I/O, no clock (callers pass `now`).
 *
 * - Adjacent headers (h → h+1) chain by hashes: prevHash = hash(trusted), validatorsHash =
 *   trusted.nextValidatorsHash, and the new commit carries > 2/3 of its own set's power.
 * - Non-adjacent headers (skipping): validators of the trusted *next* set holding > 1/3 (the
 *   trust level) of its power signed the new commit, and > 2/3 of the new header's own set did.
 *   A `LC_TRUST_INSUFFICIENT` failure means "bisect", every other failure means "the source lied".
 * - A genesis root binds block 1 to the validator set the pinned genesis hash commits to.
 * - Every step checks chain id, strictly increasing time, no header from the future, and that the
 *   trusted header is still within the trusting period.
 * - Signature checks stop at the needed power: the fewest, most powerful signatures that reach
 *   the threshold are checked (in parallel, for async WebCrypto verifiers) and the rest ignored.
 * - Validator sets are prepared once per hash (addresses, total power, key index), not per header.
 *
 * Errors are `LightError`s whose `code` names exactly what was wrong, so a client can tell a
 * forged signature from a short commit, a wrong set, a skip too far, a stale checkpoint, a bad
 * proof or a conflict — and stop trusting the source that served it.
 */
import { BaseError } from './base-error.ts';
import { equalBytes, toHex } from './bytes.ts';
import { headerHash, type Header } from './header.ts';
import { genesisCommitmentHash, type GenesisCommitment } from './genesis.ts';
import { addressOf, type SignatureVerifier } from './keys.ts';
import { stateKeyHash, verifySmtProof, type SmtProof } from './smt.ts';
import { totalPower, validatorSetHash, type ValidatorSet } from './validator-set.ts';
import { voteSignBytes, VoteType, type Commit } from './vote.ts';
import { ONE_THIRD, TWO_THIRDS, exceeds, type Fraction } from './verify.ts';

export const LightErrorCode = {
  // what a source served is wrong (the source is lying or broken)
  LC_WRONG_CHAIN: 'LC_WRONG_CHAIN',
  LC_HEADER_INVALID: 'LC_HEADER_INVALID',
  LC_HEADER_NOT_CHAINED: 'LC_HEADER_NOT_CHAINED',
  LC_TIME_NOT_INCREASING: 'LC_TIME_NOT_INCREASING',
  LC_HEADER_FROM_FUTURE: 'LC_HEADER_FROM_FUTURE',
  LC_VALIDATOR_SET_MISMATCH: 'LC_VALIDATOR_SET_MISMATCH',
  LC_COMMIT_MISMATCH: 'LC_COMMIT_MISMATCH',
  LC_COMMIT_MALFORMED: 'LC_COMMIT_MALFORMED',
  LC_SIGNATURE_INVALID: 'LC_SIGNATURE_INVALID',
  LC_COMMIT_INSUFFICIENT_POWER: 'LC_COMMIT_INSUFFICIENT_POWER',
  LC_CHECKPOINT_MISMATCH: 'LC_CHECKPOINT_MISMATCH',
  LC_PROOF_MALFORMED: 'LC_PROOF_MALFORMED',
  LC_PROOF_INVALID: 'LC_PROOF_INVALID',
  LC_PROOF_HEIGHT_MISMATCH: 'LC_PROOF_HEIGHT_MISMATCH',
  LC_PROOF_KEY_MISMATCH: 'LC_PROOF_KEY_MISMATCH',
  LC_VALUE_MALFORMED: 'LC_VALUE_MALFORMED',
  LC_RESPONSE_MALFORMED: 'LC_RESPONSE_MALFORMED',
  // the new header cannot be reached from the trusted one in one skip: bisect
  LC_TRUST_INSUFFICIENT: 'LC_TRUST_INSUFFICIENT',
  // time
  LC_TRUST_EXPIRED: 'LC_TRUST_EXPIRED',
  LC_CHECKPOINT_EXPIRED: 'LC_CHECKPOINT_EXPIRED',
  // a configured trusting period longer than 2/3 of the chain's unbonding period
  LC_TRUSTING_PERIOD_TOO_LONG: 'LC_TRUSTING_PERIOD_TOO_LONG',
  // the verified head is older than the staleness threshold: no payment is signed on it
  LC_HEAD_STALE: 'LC_HEAD_STALE',
  // two valid commits for different headers at one height
  LC_CONFLICT: 'LC_CONFLICT',
  // client-level conditions
  LC_HALTED: 'LC_HALTED',
  LC_SOURCE_UNAVAILABLE: 'LC_SOURCE_UNAVAILABLE',
  LC_NOT_AVAILABLE: 'LC_NOT_AVAILABLE',
  LC_NO_SOURCES: 'LC_NO_SOURCES',
  // the cache of trusted state is unreadable: it is rebuilt from the trust root
  LC_STORE_CORRUPT: 'LC_STORE_CORRUPT',
  // the wallet store cannot be read by this build; it is never rebuilt, cleared or deleted
  LC_WALLET_STORE_NEWER: 'LC_WALLET_STORE_NEWER',
  LC_WALLET_STORE_CORRUPT: 'LC_WALLET_STORE_CORRUPT',
  LC_TX_REJECTED: 'LC_TX_REJECTED',
  LC_TX_TIMEOUT: 'LC_TX_TIMEOUT',
  // sent, but its fate is not proven yet: the client keeps checking (never "failed" without proof)
  LC_TX_PENDING: 'LC_TX_PENDING',
  LC_INVALID_ARGUMENT: 'LC_INVALID_ARGUMENT',
  LC_CLOSED: 'LC_CLOSED',
} as const;
export type LightErrorCode = (typeof LightErrorCode)[keyof typeof LightErrorCode];

/**
 * Codes that prove the source served bad data (as opposed to being unreachable, behind, or ahead
 * of this clock: LC_HEADER_FROM_FUTURE is a reason to ask again later, not a lie).
 */
export const LYING_CODES: ReadonlySet<LightErrorCode> = new Set<LightErrorCode>([
  'LC_WRONG_CHAIN', 'LC_HEADER_INVALID', 'LC_HEADER_NOT_CHAINED', 'LC_TIME_NOT_INCREASING',
  'LC_VALIDATOR_SET_MISMATCH', 'LC_COMMIT_MISMATCH', 'LC_COMMIT_MALFORMED', 'LC_SIGNATURE_INVALID',
  'LC_COMMIT_INSUFFICIENT_POWER', 'LC_CHECKPOINT_MISMATCH', 'LC_PROOF_MALFORMED', 'LC_PROOF_INVALID',
  'LC_PROOF_HEIGHT_MISMATCH', 'LC_PROOF_KEY_MISMATCH', 'LC_VALUE_MALFORMED', 'LC_RESPONSE_MALFORMED',
]);

export class LightError extends BaseError<LightErrorCode, Record<string, unknown>> {
  override readonly name = 'LightError';
  constructor(code: LightErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, message, { details, cause: options?.cause });
  }
}

export function lightFail(code: LightErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new LightError(code, message, details);
}

export const isLightError = (e: unknown, code?: LightErrorCode): e is LightError =>
  e instanceof LightError && (code === undefined || e.code === code);

// ---------------------------------------------------------------------------------------------
// Prepared validator sets

export interface PreparedValidatorSet {
  readonly set: ValidatorSet;
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly total: bigint;
  /** addresses[i] = addressOf(set.validators[i].publicKey) */
  readonly addresses: readonly Uint8Array[];
  /** Voting power by public key (hex). */
  readonly powerByKey: ReadonlyMap<string, bigint>;
  readonly keyHex: readonly string[];
}

/** Computes everything verification needs from a set once; checks its hash when `expectedHash` is given. */
export function prepareValidatorSet(set: ValidatorSet, expectedHash?: Uint8Array): PreparedValidatorSet {
  const hash = validatorSetHash(set);
  if (expectedHash && !equalBytes(hash, expectedHash)) {
    lightFail(LightErrorCode.LC_VALIDATOR_SET_MISMATCH, `validator set hashes to ${toHex(hash).slice(0, 16)}…, expected ${toHex(expectedHash).slice(0, 16)}…`);
  }
  const keyHex = set.validators.map((v) => toHex(v.publicKey));
  const powerByKey = new Map<string, bigint>();
  set.validators.forEach((v, i) => powerByKey.set(keyHex[i]!, v.power));
  return { set, hash, hashHex: toHex(hash), total: totalPower(set), addresses: set.validators.map((v) => addressOf(v.publicKey)), powerByKey, keyHex };
}

// ---------------------------------------------------------------------------------------------
// Commits

interface Candidate {
  readonly sigIndex: number;
  readonly validatorIndex: number;
  readonly power: bigint;
}

function checkCommitShape(commit: Commit, vals: PreparedValidatorSet): void {
  let prev = -1;
  for (const s of commit.signatures) {
    if (!Number.isInteger(s.validatorIndex) || s.validatorIndex <= prev) lightFail(LightErrorCode.LC_COMMIT_MALFORMED, 'commit signatures must be sorted by validator index without duplicates');
    if (s.validatorIndex >= vals.set.validators.length) lightFail(LightErrorCode.LC_COMMIT_MALFORMED, `signature index ${s.validatorIndex} outside a set of ${vals.set.validators.length}`);
    prev = s.validatorIndex;
  }
}

/**
 * Verifies the fewest, most powerful candidates whose power exceeds `level` of `total`.
 * Throws LC_SIGNATURE_INVALID on any bad signature among those checked.
 */
async function verifyEnough(
  chainId: string, commit: Commit, vals: PreparedValidatorSet, candidates: Candidate[], total: bigint, level: Fraction,
  verifier: SignatureVerifier, insufficient: LightErrorCode, what: string, done?: Set<number>,
): Promise<bigint> {
  let available = 0n;
  for (const c of candidates) available += c.power;
  if (!exceeds(available, total, level)) {
    lightFail(insufficient, `${what}: signatures cover ${available} of ${total} power, not more than ${level.num}/${level.den}`, { signed: available.toString(), total: total.toString() });
  }
  candidates.sort((a, b) => (a.power === b.power ? a.validatorIndex - b.validatorIndex : a.power > b.power ? -1 : 1));
  const chosen: Candidate[] = [];
  let power = 0n;
  for (const c of candidates) {
    chosen.push(c);
    power += c.power;
    if (exceeds(power, total, level)) break;
  }
  const results = await Promise.all(chosen.map((c) => {
    if (done?.has(c.sigIndex)) return true;
    const vote = { type: VoteType.precommit, height: commit.height, round: commit.round, blockHash: commit.blockHash, validator: vals.addresses[c.validatorIndex]! };
    return verifier.verify(vals.set.validators[c.validatorIndex]!.publicKey, voteSignBytes(chainId, vote), commit.signatures[c.sigIndex]!.signature);
  }));
  const bad = results.findIndex((ok) => !ok);
  if (bad >= 0) lightFail(LightErrorCode.LC_SIGNATURE_INVALID, `${what}: bad signature from validator ${chosen[bad]!.validatorIndex} at height ${commit.height}`, { validatorIndex: chosen[bad]!.validatorIndex, height: commit.height.toString() });
  for (const c of chosen) done?.add(c.sigIndex);
  return power;
}

/** The commit is for `header` and carries > 2/3 of the power of `vals`, which must be the header's set. */
export async function verifyCommitLight(chainId: string, header: Header, commit: Commit, vals: PreparedValidatorSet, verifier: SignatureVerifier, verifiedSigs?: Set<number>): Promise<bigint> {
  if (header.chainId !== chainId) lightFail(LightErrorCode.LC_WRONG_CHAIN, `header is for chain "${header.chainId}", expected "${chainId}"`);
  if (commit.height !== header.height) lightFail(LightErrorCode.LC_COMMIT_MISMATCH, `commit height ${commit.height} ≠ header height ${header.height}`);
  if (!equalBytes(commit.blockHash, headerHash(header))) lightFail(LightErrorCode.LC_COMMIT_MISMATCH, `commit at height ${header.height} is for a different block`);
  if (!equalBytes(vals.hash, header.validatorsHash)) lightFail(LightErrorCode.LC_VALIDATOR_SET_MISMATCH, `validator set does not match header ${header.height}`);
  checkCommitShape(commit, vals);
  const candidates = commit.signatures.map((s, i) => ({ sigIndex: i, validatorIndex: s.validatorIndex, power: vals.set.validators[s.validatorIndex]!.power }));
  return verifyEnough(chainId, commit, vals, candidates, vals.total, TWO_THIRDS, verifier, LightErrorCode.LC_COMMIT_INSUFFICIENT_POWER, `commit ${header.height}`, verifiedSigs);
}

/**
 * Validators of `trusted` holding more than `level` of its power signed `commit` (whose own set
 * is `vals`; the same key may sit at another index there). Throws LC_TRUST_INSUFFICIENT if not.
 */
export async function verifyCommitLightTrusting(chainId: string, commit: Commit, vals: PreparedValidatorSet, trusted: PreparedValidatorSet, verifier: SignatureVerifier, level: Fraction = ONE_THIRD, verifiedSigs?: Set<number>): Promise<bigint> {
  checkCommitShape(commit, vals);
  const candidates: Candidate[] = [];
  commit.signatures.forEach((s, i) => {
    const power = trusted.powerByKey.get(vals.keyHex[s.validatorIndex]!);
    if (power !== undefined) candidates.push({ sigIndex: i, validatorIndex: s.validatorIndex, power });
  });
  return verifyEnough(chainId, commit, vals, candidates, trusted.total, level, verifier, LightErrorCode.LC_TRUST_INSUFFICIENT, `trusted validators on commit ${commit.height}`, verifiedSigs);
}

// ---------------------------------------------------------------------------------------------
// Headers

export interface LightBlock {
  readonly header: Header;
  readonly commit: Commit;
  /** The header's own validator set (hash = header.validatorsHash). */
  readonly validators: PreparedValidatorSet;
}

export interface LightVerifyOptions {
  readonly chainId: string;
  readonly trustingPeriodMs: number;
  /** How far ahead of `now` a header's time may be. */
  readonly maxClockDriftMs: number;
  /** Local wall-clock time in ms since the epoch. */
  readonly now: number;
  /** Fraction of the trusted set that must sign a skipped-to header (default 1/3). */
  readonly trustLevel?: Fraction;
}

/** The trusted header may still be relied on at `now`. */
export function checkWithinTrustingPeriod(trusted: Header, opts: Pick<LightVerifyOptions, 'trustingPeriodMs' | 'now'>): void {
  const expires = Number(trusted.time) + opts.trustingPeriodMs;
  if (expires <= opts.now) {
    lightFail(LightErrorCode.LC_TRUST_EXPIRED, `trusted header ${trusted.height} (time ${new Date(Number(trusted.time)).toISOString()}) is older than the trusting period of ${opts.trustingPeriodMs} ms`, { height: trusted.height.toString(), expiredAtMs: expires });
  }
}

function checkNewHeader(trusted: Header, untrusted: Header, opts: LightVerifyOptions): void {
  if (untrusted.chainId !== opts.chainId) lightFail(LightErrorCode.LC_WRONG_CHAIN, `header is for chain "${untrusted.chainId}", expected "${opts.chainId}"`);
  if (untrusted.height <= trusted.height) lightFail(LightErrorCode.LC_HEADER_INVALID, `header ${untrusted.height} is not above trusted ${trusted.height}`);
  checkWithinTrustingPeriod(trusted, opts);
  if (untrusted.time <= trusted.time) lightFail(LightErrorCode.LC_TIME_NOT_INCREASING, `header ${untrusted.height} time ${untrusted.time} is not after trusted header ${trusted.height} time ${trusted.time}`);
  const aheadMs = Number(untrusted.time) - opts.now;
  if (aheadMs > opts.maxClockDriftMs) {
    // Not proof of a lie: this clock may be behind. The header becomes acceptable in `retryInMs`.
    lightFail(LightErrorCode.LC_HEADER_FROM_FUTURE, `header ${untrusted.height} is ${aheadMs} ms ahead of this clock (more than the ${opts.maxClockDriftMs} ms allowed); is this device's clock behind?`, {
      height: untrusted.height.toString(), aheadMs, retryInMs: aheadMs - opts.maxClockDriftMs + 1,
    });
  }
}

/** h → h+1: hashes chain and > 2/3 of the new header's set signed it. */
export async function verifyAdjacent(trusted: Header, untrusted: LightBlock, opts: LightVerifyOptions, verifier: SignatureVerifier): Promise<void> {
  checkNewHeader(trusted, untrusted.header, opts);
  const h = untrusted.header;
  if (h.height !== trusted.height + 1n) lightFail(LightErrorCode.LC_HEADER_INVALID, `header ${h.height} is not adjacent to ${trusted.height}`);
  if (!equalBytes(h.prevHash, headerHash(trusted))) lightFail(LightErrorCode.LC_HEADER_NOT_CHAINED, `header ${h.height} does not point at trusted header ${trusted.height}`);
  if (!equalBytes(h.validatorsHash, trusted.nextValidatorsHash)) {
    lightFail(LightErrorCode.LC_HEADER_NOT_CHAINED, `header ${h.height} names a validator set other than the one header ${trusted.height} announced`);
  }
  await verifyCommitLight(opts.chainId, h, untrusted.commit, untrusted.validators, verifier);
}

/**
 * h → h+k (k > 1): > trustLevel of `trustedNext` (the set header h announced for h+1) and > 2/3
 * of the new header's own set signed it. LC_TRUST_INSUFFICIENT: bisect.
 */
export async function verifyNonAdjacent(trusted: Header, trustedNext: PreparedValidatorSet, untrusted: LightBlock, opts: LightVerifyOptions, verifier: SignatureVerifier): Promise<void> {
  checkNewHeader(trusted, untrusted.header, opts);
  const h = untrusted.header;
  if (h.height === trusted.height + 1n) return verifyAdjacent(trusted, untrusted, opts, verifier);
  if (!equalBytes(trustedNext.hash, trusted.nextValidatorsHash)) lightFail(LightErrorCode.LC_VALIDATOR_SET_MISMATCH, `next validator set of trusted header ${trusted.height} does not match its hash`);
  // Cheap structural checks before any signature.
  if (h.chainId !== opts.chainId) lightFail(LightErrorCode.LC_WRONG_CHAIN, `header is for chain "${h.chainId}"`);
  if (untrusted.commit.height !== h.height || !equalBytes(untrusted.commit.blockHash, headerHash(h))) lightFail(LightErrorCode.LC_COMMIT_MISMATCH, `commit at height ${h.height} is for a different block`);
  if (!equalBytes(untrusted.validators.hash, h.validatorsHash)) lightFail(LightErrorCode.LC_VALIDATOR_SET_MISMATCH, `validator set does not match header ${h.height}`);
  // Signatures checked for trust are not checked again for the header's own set.
  const verifiedSigs = new Set<number>();
  await verifyCommitLightTrusting(opts.chainId, untrusted.commit, untrusted.validators, trustedNext, verifier, opts.trustLevel ?? ONE_THIRD, verifiedSigs);
  await verifyCommitLight(opts.chainId, h, untrusted.commit, untrusted.validators, verifier, verifiedSigs);
}

/**
 * Binds block 1 to a pinned genesis hash: the commitment must hash to the pin and name this chain,
 * and header 1 must link to the pin, come after the genesis time and be signed by the validator
 * set the commitment names. (That set's > 2/3 signature is checked by `verifyCommitLight`.)
 * Without the last check any key could sign a header 1 that merely links to the pinned hash.
 */
export function verifyGenesisRoot(pinned: Uint8Array, chainId: string, commitment: GenesisCommitment, header1: Header): void {
  if (!equalBytes(genesisCommitmentHash(commitment), pinned)) {
    lightFail(LightErrorCode.LC_CHECKPOINT_MISMATCH, `the genesis commitment served hashes to ${toHex(genesisCommitmentHash(commitment)).slice(0, 16)}…, not the pinned genesis ${toHex(pinned).slice(0, 16)}…`);
  }
  if (commitment.chainId !== chainId) lightFail(LightErrorCode.LC_WRONG_CHAIN, `the pinned genesis is of chain "${commitment.chainId}", expected "${chainId}"`);
  if (header1.height !== 1n) lightFail(LightErrorCode.LC_HEADER_INVALID, `the genesis root is header 1, got ${header1.height}`);
  if (!equalBytes(header1.prevHash, pinned)) lightFail(LightErrorCode.LC_CHECKPOINT_MISMATCH, `header 1 does not descend from the pinned genesis ${toHex(pinned).slice(0, 16)}…`);
  if (header1.time <= commitment.genesisTime) lightFail(LightErrorCode.LC_TIME_NOT_INCREASING, `header 1 (time ${header1.time}) is not after the genesis time ${commitment.genesisTime}`);
  if (!equalBytes(header1.validatorsHash, commitment.validatorsHash)) {
    lightFail(LightErrorCode.LC_CHECKPOINT_MISMATCH, `header 1 names validator set ${toHex(header1.validatorsHash).slice(0, 16)}…, not the genesis set ${toHex(commitment.validatorsHash).slice(0, 16)}… the pinned genesis commits to`);
  }
}

/**
 * Older headers from a trusted one by hashes alone: `older` is descending from trusted.height-1,
 * each must hash to the prevHash of the one above it.
 */
export function verifyBackwards(trusted: Header, older: readonly Header[], chainId: string): void {
  let above = trusted;
  for (const h of older) {
    if (h.chainId !== chainId) lightFail(LightErrorCode.LC_WRONG_CHAIN, `header is for chain "${h.chainId}"`);
    if (h.height !== above.height - 1n) lightFail(LightErrorCode.LC_HEADER_INVALID, `expected header ${above.height - 1n}, got ${h.height}`);
    if (!equalBytes(headerHash(h), above.prevHash)) lightFail(LightErrorCode.LC_HEADER_NOT_CHAINED, `header ${h.height} is not the parent of trusted header ${above.height}`);
    if (h.time >= above.time) lightFail(LightErrorCode.LC_TIME_NOT_INCREASING, `header ${h.height} is not older than header ${above.height}`);
    above = h;
  }
}

// ---------------------------------------------------------------------------------------------
// State reads

export interface StateProofAnswer {
  readonly height: bigint;
  readonly key: Uint8Array;
  /** null: absent (non-inclusion proof). */
  readonly value: Uint8Array | null;
  readonly proof: SmtProof;
  readonly stateRoot: Uint8Array;
}

/** Returns the proven value (undefined = proven absent) of `rawKey` in the state of `header`. */
export function verifyStateAnswer(header: Header, rawKey: Uint8Array, a: StateProofAnswer): Uint8Array | undefined {
  if (a.height !== header.height) lightFail(LightErrorCode.LC_PROOF_HEIGHT_MISMATCH, `proof is for height ${a.height}, asked for ${header.height}`);
  if (!equalBytes(a.key, rawKey)) lightFail(LightErrorCode.LC_PROOF_KEY_MISMATCH, `proof is for key ${toHex(a.key)}, asked for ${toHex(rawKey)}`);
  if (!equalBytes(a.stateRoot, header.stateRoot)) lightFail(LightErrorCode.LC_PROOF_HEIGHT_MISMATCH, `proof is against state root ${toHex(a.stateRoot).slice(0, 16)}…, not the root of verified header ${header.height}`);
  const value = a.value ?? undefined;
  if (!verifySmtProof(header.stateRoot, stateKeyHash(rawKey), value, a.proof)) {
    lightFail(LightErrorCode.LC_PROOF_INVALID, `proof for key ${toHex(rawKey)} does not verify against the state root of header ${header.height}`);
  }
  return value;
}
