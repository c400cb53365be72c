/**
 * The genesis document: chain id, start time, parameters, initial accounts and validators.
 * Allocations must sum to exactly TOTAL_SUPPLY.
 *
 * The genesis hash — block 1's `prevHash`, and what a light client pins — is the hash of a small
 * `GenesisCommitment`: the chain id, the genesis time, the hash of the initial validator set and
 * the hash of the whole document. A client pinned to a genesis hash gets the commitment from any
 * source, checks that it hashes to the pin, and then requires block 1 to be signed by the set it
 * names — without downloading the document (which may hold 100,000 accounts).
 */
import { checkSynchronyParams } from './block-time.ts';
import { Reader, Writer, decodeExact, encodeWith } from './codec.ts';
import { taggedHash } from './hash.ts';
import { ADDRESS_LENGTH, PUBLIC_KEY_LENGTH } from './keys.ts';
import { checkPublicKey } from './public-key-check.ts';
import { CHAIN_ID_MAX } from './signing.ts';
import { MONIKER_MAX } from './limits.ts';
import { readParams, writeParams, type Params } from './state-schema.ts';
import { TOTAL_SUPPLY, UNITS_PER_DPN } from './amount.ts';
import { HASH_LENGTH } from './hash.ts';
import { MAX_VALIDATORS, makeValidatorSet, validatorSetHash, type ValidatorSet } from './validator-set.ts';
import { ErrorCode, fail } from './errors.ts';
import { readCommittee, writeCommittee, type Committee } from './contracts/records.ts';
import { readLockTranches, writeLockTranches, type LockTranche } from './governance/coin-age.ts';
import { readGenesisGovernance, writeGenesisGovernance, type GenesisGovernance } from './governance/records.ts';

export const MAX_GENESIS_ACCOUNTS = 100_000;

export interface GenesisAccount {
  readonly address: Uint8Array;
  readonly balance: bigint;
  /** Lock/vesting tranches (the founders' one-year lock is one). */
  readonly locks: readonly LockTranche[];
  /** Human label (sale, foundation, founder-1…), informative only. */
  readonly label: string;
}

export interface GenesisValidator {
  readonly publicKey: Uint8Array;
  readonly moniker: string;
  /** Self-bonded stake, counted in the total supply. */
  readonly stake: bigint;
}

export interface Genesis {
  readonly chainId: string;
  readonly genesisTime: bigint;
  readonly params: Params;
  readonly accounts: readonly GenesisAccount[];
  readonly validators: readonly GenesisValidator[];
  /** The template-review committee until governance replaces it. */
  readonly committee: Committee;
  /** The first decision board and the rules of elections and resolutions. */
  readonly governance: GenesisGovernance;
}

export function writeGenesis(w: Writer, g: Genesis): void {
  w.string(g.chainId, CHAIN_ID_MAX).u64(g.genesisTime);
  writeParams(w, g.params);
  w.array(g.accounts, MAX_GENESIS_ACCOUNTS, (w, a) => { w.fixed(a.address, ADDRESS_LENGTH).u128(a.balance); writeLockTranches(w, a.locks); w.string(a.label, MONIKER_MAX); });
  w.array(g.validators, MAX_VALIDATORS, (w, v) => w.fixed(v.publicKey, PUBLIC_KEY_LENGTH).string(v.moniker, MONIKER_MAX).u128(v.stake));
  writeCommittee(w, g.committee);
  writeGenesisGovernance(w, g.governance);
}

export function readGenesis(r: Reader): Genesis {
  const g: Genesis = {
    chainId: r.string(CHAIN_ID_MAX, 'chainId'),
    genesisTime: r.u64('genesisTime'),
    params: readParams(r),
    accounts: r.array(MAX_GENESIS_ACCOUNTS, (r) => ({ address: r.fixed(ADDRESS_LENGTH, 'address'), balance: r.u128('balance'), locks: readLockTranches(r), label: r.string(MONIKER_MAX, 'label') }), 'accounts'),
    validators: r.array(MAX_VALIDATORS, (r) => ({ publicKey: r.fixed(PUBLIC_KEY_LENGTH, 'publicKey'), moniker: r.string(MONIKER_MAX, 'moniker'), stake: r.u128('stake') }), 'validators'),
    committee: readCommittee(r),
    governance: readGenesisGovernance(r),
  };
  checkGenesis(g);
  return g;
}

export function checkGenesis(g: Genesis): void {
  checkSynchronyParams(g.params);
  let sum = 0n;
  for (const a of g.accounts) {
    if (a.locks.reduce((s, t) => s + t.amount, 0n) > a.balance) fail(ErrorCode.INVALID_ARGUMENT, `genesis account ${a.label}: locked exceeds balance`);
    sum += a.balance;
  }
  for (const v of g.validators) {
    if (v.stake < g.params.minValidatorStake) fail(ErrorCode.INVALID_ARGUMENT, `genesis validator ${v.moniker}: stake below minimum`);
    // A genesis key never signed anything here, so it must also be shown to be a curve point.
    checkPublicKey(v.publicKey, `genesis validator ${v.moniker} key`, { onCurve: true });
    sum += v.stake;
  }
  if (sum !== TOTAL_SUPPLY) fail(ErrorCode.INVALID_ARGUMENT, `genesis allocations sum to ${sum}, expected ${TOTAL_SUPPLY}`);
  if (g.validators.length === 0) fail(ErrorCode.INVALID_ARGUMENT, 'genesis has no validators');
}

export const encodeGenesis = (g: Genesis): Uint8Array => encodeWith(g, writeGenesis, 4096);
export const decodeGenesis = (b: Uint8Array): Genesis => decodeExact(b, readGenesis, 'genesis');

/** The set that signs blocks 1 and 2: each genesis validator with its whole DPN of stake as power. */
export const genesisValidatorSet = (g: Genesis): ValidatorSet =>
  makeValidatorSet(g.validators.map((v) => ({ publicKey: v.publicKey, power: v.stake / UNITS_PER_DPN })));

/** What the genesis hash commits to (see the module comment). */
export interface GenesisCommitment {
  readonly chainId: string;
  readonly genesisTime: bigint;
  /** `validatorSetHash(genesisValidatorSet(genesis))`: block 1's `validatorsHash` must equal it. */
  readonly validatorsHash: Uint8Array;
  /** Tagged hash of the whole encoded document. */
  readonly documentHash: Uint8Array;
}

export function genesisCommitment(g: Genesis): GenesisCommitment {
  return {
    chainId: g.chainId,
    genesisTime: g.genesisTime,
    validatorsHash: validatorSetHash(genesisValidatorSet(g)),
    documentHash: taggedHash('dipnet/genesis-document/v1', encodeGenesis(g)),
  };
}

export function writeGenesisCommitment(w: Writer, c: GenesisCommitment): void {
  w.string(c.chainId, CHAIN_ID_MAX).u64(c.genesisTime).fixed(c.validatorsHash, HASH_LENGTH).fixed(c.documentHash, HASH_LENGTH);
}

export function readGenesisCommitment(r: Reader): GenesisCommitment {
  return { chainId: r.string(CHAIN_ID_MAX, 'chainId'), genesisTime: r.u64('genesisTime'), validatorsHash: r.fixed(HASH_LENGTH, 'validatorsHash'), documentHash: r.fixed(HASH_LENGTH, 'documentHash') };
}

export const encodeGenesisCommitment = (c: GenesisCommitment): Uint8Array => encodeWith(c, writeGenesisCommitment, 160);
export const decodeGenesisCommitment = (b: Uint8Array): GenesisCommitment => decodeExact(b, readGenesisCommitment, 'genesis commitment');
export const genesisCommitmentHash = (c: GenesisCommitment): Uint8Array => taggedHash('dipnet/genesis/v2', encodeGenesisCommitment(c));
/** The genesis hash: block 1's `prevHash` and a light client's trust root. */
export const genesisHash = (g: Genesis): Uint8Array => genesisCommitmentHash(genesisCommitment(g));
