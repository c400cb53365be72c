/**
 * Staking on a live 4-validator network (one process, MemoryHub): registering a validator,
 * bonding and unbonding take effect exactly two heights after the block that includes them,
 * headers announce the next set one block ahead, unbonded DPN comes back only after the
 * unbonding period of chain time, bad staking txs are refused with their codes, and no DPN is
 * created or destroyed along the way.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressOf, dpn, equalBytes, toHex, validatorSetHash, requiredFee, isDipnetError, generateKeyPair,
  StateKey, COMMUNITY_POOL, TOTAL_SUPPLY, UNITS_PER_DPN, ErrorCode,
  decodeAccount, decodeValidatorRecord, decodeUnbondingQueue, decodeRoster, decodeDelegation,
  type KeyPair, type TxBody, type ValidatorSet, type Genesis,
} from '@dipnet/protocol';
import { devnetGenesis, DEVNET_PARAMS } from '../devnet/genesis.ts';
import { devKey, devValidatorKey } from '../devnet/dev-keys.ts';
import { signedTx, waitFor, startMemoryValidators } from '../testing/fixtures.ts';

const CHAIN_ID = 'dipnet-staking-test';
const UNBONDING_MS = 3000n;
// Fast rounds; an empty block every 500 ms keeps chain time moving for the unbonding period.
const FAST = { emptyBlockIntervalMs: 500 };

const base = devnetGenesis({ chainId: CHAIN_ID, validators: 4 });
const genesis: Genesis = { ...base, params: { ...base.params, unbondingPeriodMs: UNBONDING_MS } };
const params = genesis.params;

const { nodes, stop } = await startMemoryValidators(genesis, { timeouts: FAST, dirPrefix: 'dipnet-staking-' });
after(stop);
const n0 = nodes[0]!;

const sale = devKey('sale');
const newVal = devKey('staking/new-validator');
const delegator = devKey('staking/delegator');
const newValAddr = addressOf(newVal.publicKey);
const delegatorAddr = addressOf(delegator.publicKey);

// ------------------------------------------------------------------ helpers

const nextNonce = (key: KeyPair): bigint => {
  const raw = n0.chain.store.getValue(StateKey.account(addressOf(key.publicKey)));
  return raw ? decodeAccount(raw).nonce : 0n;
};

/** Value of a state key as of block `height` (read through the node's state proofs). */
const valueAt = (key: Uint8Array, height: bigint): Uint8Array | undefined => n0.getStateProof(key, height).value;
const balanceAt = (addr: Uint8Array, height: bigint): bigint => {
  const raw = valueAt(StateKey.account(addr), height);
  return raw ? decodeAccount(raw).balance : 0n;
};
const stakeAt = (addr: Uint8Array, height: bigint): bigint => {
  const raw = valueAt(StateKey.validator(addr), height);
  assert.ok(raw, `no validator record at height ${height}`);
  return decodeValidatorRecord(raw).stake;
};
const powerIn = (set: ValidatorSet | undefined, key: KeyPair): bigint | undefined => {
  assert.ok(set, 'validator set missing');
  return set.validators.find((v) => equalBytes(v.publicKey, key.publicKey))?.power;
};
const setAt = (h: bigint): ValidatorSet => {
  const s = n0.getValidatorSet(h);
  assert.ok(s, `no validator set stored for height ${h}`);
  return s;
};

/** Submits a tx through node 0 and waits until it is committed; returns its height and fee. */
async function commitTx(key: KeyPair, body: TxBody): Promise<{ height: bigint; fee: bigint }> {
  const bytes = signedTx(CHAIN_ID, key, nextNonce(key), body);
  const hash = await n0.submitTx(bytes);
  let height = 0n;
  await waitFor(() => {
    const s = n0.txStatus(hash);
    if (s.status === 'committed') height = s.height;
    return s.status === 'committed';
  }, { timeoutMs: 20_000, what: `${body.type} tx to commit` });
  return { height, fee: requiredFee(params, bytes.length) };
}

const waitForHeight = (h: bigint) => waitFor(() => n0.chain.head.height >= h, { timeoutMs: 20_000, what: `height ${h}` });

/** Every DPN at `height`: balances of every account that can hold any, stakes, unbondings. */
function supplyAt(height: bigint): bigint {
  const holders = new Map<string, Uint8Array>();
  for (const a of genesis.accounts) holders.set(toHex(a.address), a.address);
  for (const k of [...[0, 1, 2, 3].map(devValidatorKey), newVal, delegator]) holders.set(toHex(addressOf(k.publicKey)), addressOf(k.publicKey));
  holders.set(toHex(COMMUNITY_POOL), COMMUNITY_POOL);
  let sum = 0n;
  for (const addr of holders.values()) sum += balanceAt(addr, height);
  const rosterRaw = valueAt(StateKey.validatorRoster(), height);
  assert.ok(rosterRaw);
  for (const v of decodeRoster(rosterRaw)) sum += stakeAt(v, height);
  const qRaw = valueAt(StateKey.unbondingQueue(), height);
  for (const u of qRaw ? decodeUnbondingQueue(qRaw) : []) sum += u.amount;
  return sum;
}

async function expectRejected(key: KeyPair, body: TxBody, code: ErrorCode): Promise<void> {
  const addr = addressOf(key.publicKey);
  const before = n0.chain.store.getValue(StateKey.account(addr));
  const size = n0.mempool.size;
  await assert.rejects(n0.submitTx(signedTx(CHAIN_ID, key, nextNonce(key), body)), (e: unknown) => {
    assert.ok(isDipnetError(e), `expected a DipnetError, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  });
  assert.equal(n0.mempool.size, size, 'a rejected tx must not enter the mempool');
  assert.deepEqual(n0.chain.store.getValue(StateKey.account(addr)), before, 'a rejected tx must not change the account');
}

// ------------------------------------------------------------------ the scenario

const SELF_BOND = DEVNET_PARAMS.minValidatorStake; // exactly the minimum is enough
const BOND = dpn(5_000);
const UNBOND = dpn(2_000);
const whole = (units: bigint) => units / UNITS_PER_DPN;

test('genesis is as expected', () => {
  assert.equal(params.minValidatorStake, dpn(10_000));
  assert.equal(params.unbondingPeriodMs, UNBONDING_MS);
  assert.equal(setAt(1n).validators.length, 4);
});

test('(a) a registered validator joins the set exactly two heights after its block', async () => {
  await commitTx(sale, { type: 'transfer', to: newValAddr, amount: SELF_BOND + dpn(100), memo: 'new validator' });
  await commitTx(sale, { type: 'transfer', to: delegatorAddr, amount: dpn(20_000), memo: 'delegator' });

  const { height: h } = await commitTx(newVal, { type: 'registerValidator', moniker: 'newbie', selfBond: SELF_BOND });
  const rec = decodeValidatorRecord(valueAt(StateKey.validator(newValAddr), h)!);
  assert.equal(rec.stake, SELF_BOND);
  assert.equal(rec.jailed, false);
  assert.ok(decodeRoster(valueAt(StateKey.validatorRoster(), h)!).some((a) => equalBytes(a, newValAddr)));

  assert.equal(powerIn(setAt(h), newVal), undefined, 'not in the set of its own block');
  assert.equal(powerIn(setAt(h + 1n), newVal), undefined, 'not yet at inclusion + 1');
  assert.equal(powerIn(setAt(h + 2n), newVal), whole(SELF_BOND), 'in the set at inclusion + 2');
  assert.equal(setAt(h + 2n).validators.length, 5);

  await waitForHeight(h + 2n);
  const hdr = (x: bigint) => n0.getHeader(x)!;
  // Block h announces h+1's set (without it); block h+1 announces h+2's (with it); h+2 is signed by it.
  assert.deepEqual(hdr(h).nextValidatorsHash, validatorSetHash(setAt(h + 1n)));
  assert.notDeepEqual(hdr(h).nextValidatorsHash, validatorSetHash(setAt(h + 2n)));
  assert.deepEqual(hdr(h + 1n).validatorsHash, validatorSetHash(setAt(h + 1n)));
  assert.deepEqual(hdr(h + 1n).nextValidatorsHash, validatorSetHash(setAt(h + 2n)));
  assert.deepEqual(hdr(h + 2n).validatorsHash, validatorSetHash(setAt(h + 2n)));
  // Every node agrees.
  await waitFor(() => nodes.every((n) => n.chain.head.height >= h + 2n), { timeoutMs: 20_000, what: 'all nodes at h + 2' });
  for (const n of nodes) assert.deepEqual(validatorSetHash(n.getValidatorSet(h + 2n)!), validatorSetHash(setAt(h + 2n)));
});

test('(b) a delegator bond raises the validator power at +2', async () => {
  const before = stakeAt(newValAddr, n0.chain.head.height);
  const { height: h } = await commitTx(delegator, { type: 'bond', validator: newValAddr, amount: BOND });
  assert.equal(stakeAt(newValAddr, h), before + BOND);
  assert.equal(decodeDelegation(valueAt(StateKey.delegation(delegatorAddr, newValAddr), h)!), BOND, 'shares are 1:1 before any slash');
  assert.equal(powerIn(setAt(h + 1n), newVal), whole(before));
  assert.equal(powerIn(setAt(h + 2n), newVal), whole(before + BOND));
});

test('(c) unbond lowers the stake at +2 and pays out only after the unbonding period', async () => {
  const stakeBefore = stakeAt(newValAddr, n0.chain.head.height);
  const { height: u, fee } = await commitTx(delegator, { type: 'unbond', validator: newValAddr, amount: UNBOND });
  const uHeader = n0.getHeader(u)!;
  assert.equal(stakeAt(newValAddr, u), stakeBefore - UNBOND);
  assert.equal(powerIn(setAt(u + 1n), newVal), whole(stakeBefore));
  assert.equal(powerIn(setAt(u + 2n), newVal), whole(stakeBefore - UNBOND));
  assert.equal(decodeDelegation(valueAt(StateKey.delegation(delegatorAddr, newValAddr), u)!), BOND - UNBOND);

  const queue = decodeUnbondingQueue(valueAt(StateKey.unbondingQueue(), u)!);
  const mine = queue.filter((e) => equalBytes(e.delegator, delegatorAddr));
  assert.equal(mine.length, 1);
  assert.equal(mine[0]!.amount, UNBOND);
  const releaseAt = mine[0]!.releaseAt;
  assert.equal(releaseAt, uHeader.time + UNBONDING_MS);

  const balanceBefore = balanceAt(delegatorAddr, u);
  assert.equal(balanceBefore, balanceAt(delegatorAddr, u - 1n) - fee, 'unbonding pays nothing at once; only the fee leaves');

  // Wait for a block whose chain time reaches the release time.
  await waitFor(() => n0.chain.head.time >= releaseAt, { timeoutMs: 20_000, what: 'chain time to pass the unbonding period' });
  let r = u + 1n;
  while (n0.getHeader(r)!.time < releaseAt) r++;
  assert.ok(r > u + 1n, 'several blocks passed during the unbonding period');
  for (let h = u; h < r; h++) {
    assert.equal(balanceAt(delegatorAddr, h), balanceBefore, `balance must not change before release (height ${h})`);
    assert.ok(decodeUnbondingQueue(valueAt(StateKey.unbondingQueue(), h)!).some((e) => equalBytes(e.delegator, delegatorAddr)));
  }
  assert.equal(balanceAt(delegatorAddr, r), balanceBefore + UNBOND, 'released at the first block at or after releaseAt');
  const qRaw = valueAt(StateKey.unbondingQueue(), r);
  assert.ok(!qRaw || !decodeUnbondingQueue(qRaw).some((e) => equalBytes(e.delegator, delegatorAddr)), 'released entry leaves the queue');
  assert.equal(supplyAt(u), TOTAL_SUPPLY, 'supply while unbonding');
  assert.equal(supplyAt(r), TOTAL_SUPPLY, 'supply after release');
});

test('(d) bad staking txs are refused with specific codes and change nothing', async () => {
  const bonded = BOND - UNBOND;
  await expectRejected(delegator, { type: 'unbond', validator: newValAddr, amount: bonded + 1n }, ErrorCode.TX_INSUFFICIENT_FUNDS);
  await expectRejected(sale, { type: 'unbond', validator: newValAddr, amount: 1n }, ErrorCode.TX_INSUFFICIENT_FUNDS);
  const nobody = addressOf(generateKeyPair().publicKey);
  await expectRejected(delegator, { type: 'bond', validator: nobody, amount: dpn(1) }, ErrorCode.TX_UNKNOWN_VALIDATOR);
  await expectRejected(delegator, { type: 'unbond', validator: nobody, amount: dpn(1) }, ErrorCode.TX_UNKNOWN_VALIDATOR);
  await expectRejected(delegator, { type: 'registerValidator', moniker: 'cheap', selfBond: params.minValidatorStake - 1n }, ErrorCode.TX_STAKE_TOO_LOW);
  await expectRejected(delegator, { type: 'bond', validator: newValAddr, amount: dpn(1_000_000) }, ErrorCode.TX_INSUFFICIENT_FUNDS);
  // The delegation is still intact: unbonding exactly what is bonded is accepted.
  const { height } = await commitTx(delegator, { type: 'unbond', validator: newValAddr, amount: bonded });
  assert.equal(valueAt(StateKey.delegation(delegatorAddr, newValAddr), height), undefined, 'no shares left');
});

test('(e) total supply is unchanged after all of it', async () => {
  const h = n0.chain.head.height;
  assert.equal(supplyAt(h), TOTAL_SUPPLY);
  assert.equal(supplyAt(1n), TOTAL_SUPPLY);
  // Every node computed the same state.
  await waitFor(() => nodes.every((n) => n.chain.head.height >= h), { timeoutMs: 20_000, what: 'all nodes at the same height' });
  const roots = new Set(nodes.map((n) => toHex(n.getHeader(h)!.stateRoot)));
  assert.equal(roots.size, 1);
});
