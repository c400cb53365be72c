/**
 * The attack in the issue, on real Chains (testing/chain-pair.ts): a `registerValidator` from the
 * identity key `01 00…00` signed `identity ‖ 0` — a signature node:crypto accepts for any message
 * — is refused by the mempool with PUBLIC_KEY_INVALID; DPN sent to that key's address can never
 * be spent; the state machine refuses to register a weak key even from a tx that was never
 * decoded; and conflict evidence naming a weak key in its validator set is refused before any
 * signature is checked.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOf, concatBytes, dpn, encodeSignedTx, fromHex, isDipnetError, txSignBytes, ErrorCode, type Tx,
} from '@dipnet/protocol';
import { testCommit, testHeader, testValidators } from '@dipnet/protocol/test-fixtures';
import { ChainPair } from './testing/chain-pair.ts';
import { devnetGenesis } from './devnet/genesis.ts';
import { devKey } from './devnet/dev-keys.ts';
import { transfer } from './testing/fixtures.ts';
import { NativeVerifier } from './crypto/native-verifier.ts';
import { applyTx } from './state/executor.ts';
import { verifyConflictEvidence } from './conflict-evidence.ts';

const genesis = devnetGenesis({ chainId: 'weak-keys-test', validators: 4, genesisTime: BigInt(Date.now()) - 60_000n });
const pair = await ChainPair.start(genesis);
after(() => pair.close());
const chainId = genesis.chainId;
const sale = devKey('sale');

const IDENTITY = fromHex('0100000000000000000000000000000000000000000000000000000000000000');
const FORGED = concatBytes(IDENTITY, new Uint8Array(32));
const registration: Tx = { chainId, signer: IDENTITY, nonce: 0n, fee: dpn(1), body: { type: 'registerValidator', moniker: 'anyone', selfBond: genesis.params.minValidatorStake } };
const refused = (reason: string) => (e: unknown) => isDipnetError(e, ErrorCode.PUBLIC_KEY_INVALID) && e.details?.['reason'] === reason;

test('node:crypto accepts identity ‖ 0 under the identity key, yet the mempool refuses the registration', () => {
  assert.equal(new NativeVerifier().verify(IDENTITY, txSignBytes(registration), FORGED), true, 'the forged signature verifies');
  assert.throws(() => pair.validator.mempool.add(encodeSignedTx({ tx: registration, signature: FORGED })), refused('small-order'));
  assert.equal(pair.validator.mempool.size, 0);
});

test('DPN sent to the identity key can be neither spent nor bonded into a validator', async () => {
  await pair.finalize(await pair.propose([transfer(chainId, sale, addressOf(IDENTITY), genesis.params.minValidatorStake + dpn(10), 0n)]));
  const spend: Tx = { chainId, signer: IDENTITY, nonce: 0n, fee: dpn(1), body: { type: 'transfer', to: addressOf(sale.publicKey), amount: dpn(1), memo: '' } };
  assert.throws(() => pair.validator.mempool.add(encodeSignedTx({ tx: spend, signature: FORGED })), refused('small-order'));
  // The account can pay, so only the key rule stops a registration handed to the state machine directly.
  const head = pair.validator.chain.head;
  const ctx = { chainId, height: head.height + 1n, time: head.time + 1000n, proposer: new Uint8Array(20) };
  assert.throws(() => applyTx(pair.validator.chain.committedView(), ctx, { tx: registration, signature: FORGED }, 200), refused('small-order'));
});

test('conflict evidence whose validator set names the identity key is refused before any lookup or signature', async () => {
  const { keys, set } = testValidators(3);
  const header = testHeader(chainId, 1n, set);
  const commit = testCommit(chainId, header, set, keys);
  const weakSet = { validators: [...set.validators, { publicKey: IDENTITY, power: 1_000n }] };
  const untouchable = { getHeader: () => assert.fail('looked up a header'), getValidatorSet: () => assert.fail('looked up a set'), status: () => assert.fail('asked for status') };
  await assert.rejects(verifyConflictEvidence(untouchable, { conflicting: { header, commit, validatorSet: weakSet } }, new NativeVerifier()), refused('small-order'));
});
