/**
 * Known-answer vectors (issue 22 §5): a header hash, a tx hash, a vote's sign bytes and a state
 * root, computed once and pinned. Every input is written out here (no shared fixtures), so these
 * fail only when an encoding or hash changes — which forks the chain and must be deliberate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from './hash.ts';
import { toHex, utf8 } from './bytes.ts';
import { addressOf, keyPairFromSecret } from './keys.ts';
import { headerHash, type Header } from './header.ts';
import { encodeSignedTx, signTx, txHash } from './tx.ts';
import { voteSignBytes, VoteType } from './vote.ts';
import { buildSmt, stateKeyHash } from './smt.ts';
import { makeValidatorSet, validatorSetHash } from './validator-set.ts';
import { StateKey, encodeAccount } from './state-schema.ts';

const CHAIN = 'dipnet-kat';
const alice = keyPairFromSecret(sha256(utf8('dipnet-kat/alice')));
const bob = keyPairFromSecret(sha256(utf8('dipnet-kat/bob')));
const filled = (byte: number, length = 32): Uint8Array => new Uint8Array(length).fill(byte);

test('the keys behind the vectors', () => {
  assert.equal(toHex(alice.publicKey), 'fb9df60fc9a4a74b57c0c69fdfb17f473f883ded7874e0b9e0dbb1d38da0892b');
  assert.equal(toHex(addressOf(bob.publicKey)), 'ec0971d0e8ac69f17b659bc2c6e7ac7c696b7412');
});

test('header hash', () => {
  const set = makeValidatorSet([{ publicKey: alice.publicKey, power: 10n }, { publicKey: bob.publicKey, power: 7n }]);
  const header: Header = {
    chainId: CHAIN, height: 42n, time: 1_700_000_042_000n, prevHash: filled(1), lastCommitHash: filled(2),
    txRoot: filled(3), evidenceRoot: filled(4), stateRoot: filled(5),
    validatorsHash: validatorSetHash(set), nextValidatorsHash: validatorSetHash(set), proposer: addressOf(alice.publicKey),
  };
  assert.equal(toHex(validatorSetHash(set)), 'cb298db275e18bb750727e8876e2b525c131ff07ba207cf6d3b88c7cdcb2af9c');
  assert.equal(toHex(headerHash(header)), '6f75b0aa56219b257fecf27c37d4b453fb6af9f939349c94ec638a901da190e9');
});

test('tx hash of a signed transfer (Ed25519 signatures are deterministic)', () => {
  const stx = signTx({ chainId: CHAIN, signer: alice.publicKey, nonce: 3n, fee: 1_000n, body: { type: 'transfer', to: addressOf(bob.publicKey), amount: 25_000_000n, memo: 'kat' } }, alice.secretKey);
  assert.equal(toHex(txHash(encodeSignedTx(stx))), '2c333cd250e22bddb8ba072b0a8b7d0f344dec2ead497fb3bd33561f68148147');
});

test("a precommit's sign bytes", () => {
  const vote = { type: VoteType.precommit, height: 42n, round: 1, blockHash: filled(9), validator: addressOf(bob.publicKey) };
  assert.equal(toHex(voteSignBytes(CHAIN, vote)), '0000000e6469706e65742f7369676e2f7631020000000a6469706e65742d6b61740000004102000000000000002a000000010909090909090909090909090909090909090909090909090909090909090909ec0971d0e8ac69f17b659bc2c6e7ac7c696b7412');
});

test('state root of three accounts', () => {
  const account = (balance: bigint) => encodeAccount({ balance, nonce: 1n, ageSince: 5n, locks: [], lockBonded: 0n });
  const { root } = buildSmt([
    [stateKeyHash(StateKey.account(addressOf(alice.publicKey))), account(100n)],
    [stateKeyHash(StateKey.account(addressOf(bob.publicKey))), account(200n)],
    [stateKeyHash(StateKey.params()), utf8('not a real params record: the tree hashes bytes')],
  ]);
  assert.equal(toHex(root), '94f7d0ba93a8514f2602d77203b1b9bfc1bc1b4565e90a62bdd00c963b9eb738');
});
