/**
 * Real, signed protocol objects for tests (not part of the public API): a 4-validator set with
 * known keys, headers and commits signed by it.
 */
import { keyPairFromSecret, addressOf, type KeyPair } from './keys.ts';
import { sha256 } from './hash.ts';
import { toHex, utf8 } from './bytes.ts';
import { makeValidatorSet, indexOfAddress, type ValidatorSet } from './validator-set.ts';
import { headerHash, type Header } from './header.ts';
import { signVote, VoteType, type Commit } from './vote.ts';
import { validatorSetHash } from './validator-set.ts';
import { StateKey, encodeParams, type Params } from './state-schema.ts';
import { SparseMerkleTree, buildSmt, stateKeyHash } from './smt.ts';
import type { StateProofAnswer } from './light-verify.ts';

export const testKey = (name: string): KeyPair => keyPairFromSecret(sha256(utf8(`dipnet-test/${name}`)));

export function testValidators(n: number, power = 10n, prefix = 'v'): { keys: KeyPair[]; set: ValidatorSet } {
  const keys = Array.from({ length: n }, (_, i) => testKey(`${prefix}${i}`));
  return { keys, set: makeValidatorSet(keys.map((k) => ({ publicKey: k.publicKey, power }))) };
}

export function testHeader(chainId: string, height: bigint, set: ValidatorSet, next: ValidatorSet = set, prevHash: Uint8Array = new Uint8Array(32), time?: bigint): Header {
  return {
    chainId, height, time: time ?? 1_700_000_000_000n + height * 1000n, prevHash, lastCommitHash: new Uint8Array(32),
    txRoot: new Uint8Array(32), evidenceRoot: new Uint8Array(32), stateRoot: sha256(utf8(`state ${height}`)),
    validatorsHash: validatorSetHash(set), nextValidatorsHash: validatorSetHash(next), proposer: addressOf(set.validators[0]!.publicKey),
  };
}

/** A commit for `header` signed by `signers` (keys that must be in `set`). */
export function testCommit(chainId: string, header: Header, set: ValidatorSet, signers: readonly KeyPair[], round = 0): Commit {
  const blockHash = headerHash(header);
  const signatures = signers.map((k) => {
    const validator = addressOf(k.publicKey);
    const sv = signVote(chainId, { type: VoteType.precommit, height: header.height, round, blockHash, validator }, k.secretKey);
    return { validatorIndex: indexOfAddress(set, validator), signature: sv.signature };
  }).sort((a, b) => a.validatorIndex - b.validatorIndex);
  return { height: header.height, round, blockHash, signatures };
}

/** xorshift32: reproducible pseudo-random numbers in [0, 1) for fuzzing. */
export function seededRandom(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

/** One to three random edits of an encoding: bit flips, byte changes, inserts, deletes, truncation, trailing bytes, planted length prefixes. */
export function mutateBytes(input: Uint8Array, rand: () => number): Uint8Array {
  const b = Array.from(input);
  const ops = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < ops; k++) {
    const pos = Math.floor(rand() * (b.length + 1));
    switch (Math.floor(rand() * 7)) {
      case 0: if (b.length) b[pos % b.length]! ^= 1 << Math.floor(rand() * 8); break;
      case 1: if (b.length) b[pos % b.length] = Math.floor(rand() * 256); break;
      case 2: b.splice(pos, 0, Math.floor(rand() * 256)); break;
      case 3: b.splice(pos, 1); break;
      case 4: b.length = Math.floor(rand() * b.length); break;
      case 5: b.push(...Array.from({ length: 1 + Math.floor(rand() * 4) }, () => Math.floor(rand() * 256))); break;
      case 6: { // a huge or slightly wrong u32 length prefix
        const v = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, Math.floor(rand() * 256)][Math.floor(rand() * 8)]!;
        for (let i = 0; i < 4 && pos + i < b.length; i++) b[pos + i] = i === 3 ? v : (v === 0xff ? 0xff : 0);
        break;
      }
    }
  }
  return Uint8Array.from(b);
}

/** Chain parameters for synthetic chains: a 21-day unbonding period (a light client may trust 14 days). */
export const TEST_PARAMS: Params = {
  feePerByte: 10_000n, feeBase: 1_000_000n, gasPrice: 1n, unbondingPeriodMs: 21n * 86_400_000n,
  minValidatorStake: 10_000n * 10n ** 9n, maxValidators: 100, slashBps: 500, reviewFee: 100n * 10n ** 9n,
  timePrecisionMs: 10_000, messageDelayMs: 5_000,
};

/**
 * A state holding only the chain parameters — what a light client reads at start (the unbonding
 * period bounds its trusting period) — for synthetic chains whose headers carry `root`.
 */
export function paramsOnlyState(params: Params = TEST_PARAMS): { root: Uint8Array; answer(rawKey: Uint8Array, height: bigint): StateProofAnswer } {
  const { root, nodes } = buildSmt([[stateKeyHash(StateKey.params()), encodeParams(params)]]);
  const tree = new SparseMerkleTree({ getNode: (h) => nodes.get(toHex(h)) });
  return {
    root,
    answer: (rawKey, height) => {
      const k = stateKeyHash(rawKey);
      return { height, key: rawKey, value: tree.get(root, k) ?? null, proof: tree.prove(root, k), stateRoot: root };
    },
  };
}
