/**
 * The state transition function: the one place where txs, evidence and end-of-block rules
 * change state. Deterministic: it reads only state, the block's header fields and its inputs.
 *
 * A tx that fails any check throws a DipnetError and its child view is dropped, so nothing
 * changes. A block containing such a tx is invalid; the proposer leaves those txs out.
 */
import {
  DipnetError, CONTRACT_TX_TYPES, ContractKey, encodeTxReceipt, truncateUtf8, MAX_TEXT,
  ErrorCode, fail, addressOf, equalBytes, compareBytes, txSender, requiredFee, spendable, lockedInBalance, nextUnlock,
  StateKey, COMMUNITY_POOL, UNITS_PER_DPN, makeValidatorSet, evidenceHash, conflictEvidenceHash, MAX_UNBONDINGS,
  isDpnCurrency, decodeProductRecord, checkPublicKey,
  type Account,
  type SignedTx, type DuplicateVoteEvidence, type ConflictEvidence, type ValidatorSet, type Validator, type Params,
} from '@dipnet/protocol';
import { StateView } from './state-view.ts';
import type { BlockContext } from './block-context.ts';
import {
  getAccount, putAccount, getValidator, putValidator, getShares, putShares, getParams,
  getSchedule, putSchedule, getRoster, putRoster, getUnbondings, putUnbondings, creditAccount, afterOutflow,
} from './accounts.ts';
import { applyGovernanceTx, governanceBeginBlock, governanceEndBlock } from '../governance/execute.ts';
import { applyTokenTx } from '../tokens/execute.ts';
import { runContractTx, runOrderTimers } from '../contracts/execute.ts';
import { GasMeter, MAX_TX_GAS } from '../contracts/gas.ts';

export const MAX_UNBONDINGS_PER_BLOCK = 10_000;

export interface TxOutcome {
  /** Fee charged: the tx's base fee plus the gas it used. */
  readonly fee: bigint;
  readonly gasUsed: number;
  /** Set when a contract tx was included but failed: it paid its fee and changed nothing else. */
  readonly failure?: DipnetError;
}

export interface ApplyOptions {
  /** The tx hash, under which a contract tx's receipt is stored. */
  readonly txId?: Uint8Array;
  /** Mempool checks: a contract tx that would fail is rejected outright instead of charged. */
  readonly simulate?: boolean;
  /** The signer's address (`txSender(tx)`), when the caller already has it: saves a hash. */
  readonly sender?: Uint8Array;
}

/** Gas a contract tx may use: what its fee pays for above the base fee, capped. */
export function gasLimitOf(params: Params, fee: bigint, baseFee: bigint): number {
  if (params.gasPrice === 0n) return MAX_TX_GAS;
  const paid = (fee - baseFee) / params.gasPrice;
  return paid > BigInt(MAX_TX_GAS) ? MAX_TX_GAS : Number(paid);
}

/**
 * Checks and applies one signed tx whose signature and chain id were already verified.
 * Throws a DipnetError (and leaves `state` untouched) when the tx is not valid to include: bad
 * nonce, fee below the base fee, or (for non-contract txs) any rule broken. A contract tx that
 * passes those checks is included even if its execution fails — out of gas, a guard, a wrong
 * party: then only its nonce and fee (base + gas used) change. Every included contract tx leaves
 * a TxReceipt (fee, gas, and the error if it failed).
 */
export function applyTx(state: StateView, ctx: BlockContext, stx: SignedTx, txBytes: number, opts: ApplyOptions = {}): TxOutcome {
  const tx = stx.tx;
  if (tx.chainId !== ctx.chainId) fail(ErrorCode.TX_WRONG_CHAIN, `tx is for chain "${tx.chainId}"`);
  const sender = opts.sender ?? txSender(tx);
  const b = tx.body;
  if (b.type === 'transfer') {
    // Every check comes before the first write and no write can fail, so the writes need no
    // throwaway view of their own (the commonest tx skips making and merging one).
    const acct = getAccount(state, sender);
    const fee = checkNonceAndFee(getParams(state), ctx, stx, txBytes, acct);
    checkTransfer(state, ctx, b, sender, acct, fee);
    creditAccount(state, b.to, b.amount, ctx.time);
    putAccount(state, sender, { ...afterOutflow(acct, b.amount, fee, ctx.time), nonce: acct.nonce + 1n });
    return { fee, gasUsed: 0 };
  }
  const view = state.child();
  const params = getParams(view);
  const acct = getAccount(view, sender);
  const fee = checkNonceAndFee(params, ctx, stx, txBytes, acct);
  if (CONTRACT_TX_TYPES.has(b.type)) return applyContractTx(state, view, ctx, stx, acct, fee, opts);
  const out = txOutflow(tx.body);
  // Set by rules (bonds) that compute the sender's next account themselves.
  let next: Account | undefined;

  switch (b.type) {
    case 'registerValidator': {
      // The key enters state here and will sign votes: the full key rule, whatever path the tx took.
      checkPublicKey(tx.signer, 'validator key', { onCurve: true });
      if (getValidator(view, sender)) fail(ErrorCode.TX_INVALID, 'this key is already a registered validator');
      if (b.selfBond < params.minValidatorStake) fail(ErrorCode.TX_STAKE_TOO_LOW, `self-bond ${b.selfBond} is below the minimum ${params.minValidatorStake}`);
      next = bondFrom(acct, ctx.time, out, fee, 'self-bond');
      putValidator(view, sender, { publicKey: tx.signer, moniker: b.moniker, stake: b.selfBond, shares: b.selfBond, slashed: 0n, jailed: false });
      putShares(view, sender, sender, b.selfBond);
      const roster = getRoster(view);
      roster.push(sender);
      roster.sort(compareBytes);
      putRoster(view, roster);
      break;
    }
    case 'bond': {
      const v = getValidator(view, b.validator);
      if (!v) fail(ErrorCode.TX_UNKNOWN_VALIDATOR, 'no validator is registered at that address');
      if (v.jailed) fail(ErrorCode.TX_INVALID, 'validator is jailed for double signing');
      if (b.amount === 0n) fail(ErrorCode.TX_INVALID, 'bond amount must be positive');
      next = bondFrom(acct, ctx.time, out, fee, 'bond');
      const newShares = v.shares === 0n || v.stake === 0n ? b.amount : (b.amount * v.shares) / v.stake;
      if (newShares === 0n) fail(ErrorCode.TX_INVALID, 'bond too small to buy one share');
      putValidator(view, b.validator, { ...v, stake: v.stake + b.amount, shares: v.shares + newShares });
      putShares(view, sender, b.validator, getShares(view, sender, b.validator) + newShares);
      break;
    }
    case 'unbond': {
      const v = getValidator(view, b.validator);
      if (!v) fail(ErrorCode.TX_UNKNOWN_VALIDATOR, 'no validator is registered at that address');
      if (b.amount === 0n || v.stake === 0n) fail(ErrorCode.TX_INVALID, 'unbond amount must be positive');
      const held = getShares(view, sender, b.validator);
      // Round shares up so unbonding never takes more tokens than the shares are worth.
      const burn = (b.amount * v.shares + v.stake - 1n) / v.stake;
      if (burn > held) fail(ErrorCode.TX_INSUFFICIENT_FUNDS, `bonded ${(held * v.stake) / (v.shares || 1n)} is less than ${b.amount}`);
      const q = getUnbondings(view);
      if (q.length >= MAX_UNBONDINGS) fail(ErrorCode.TX_INVALID, 'unbonding queue is full; retry later');
      putShares(view, sender, b.validator, held - burn);
      putValidator(view, b.validator, { ...v, stake: v.stake - b.amount, shares: v.shares - burn });
      q.push({ releaseAt: ctx.time + params.unbondingPeriodMs, delegator: sender, amount: b.amount });
      putUnbondings(view, q); // appended in block-time order, so the queue stays sorted
      break;
    }
    case 'registerCandidate':
    case 'electionVote':
    case 'boardVote':
    case 'proposeResolution':
    case 'decideResolution':
      applyGovernanceTx(view, ctx, sender, tx.nonce, b);
      break;
    case 'issueToken':
    case 'tokenTransfer':
    case 'tokenMint':
      applyTokenTx(view, ctx, sender, tx.nonce, b);
      break;
    default:
      fail(ErrorCode.TX_UNKNOWN_TYPE, `no rule for tx kind ${b.type}`);
  }
  // Governance and token txs may have written the sender's account (a vote never does, a token
  // tx never touches DPN): re-read it so the fee and nonce land on the latest version.
  const base = next ?? afterOutflow(out === 0n ? getAccount(view, sender) : acct, out, fee, ctx.time);
  putAccount(view, sender, { ...base, nonce: acct.nonce + 1n });
  view.mergeInto(state);
  return { fee, gasUsed: 0 };
}

/**
 * A contract tx: the most it can cost (base fee + gas limit × price) is taken first, the body
 * runs on its own view, and unused gas is refunded. Running out of gas charges the whole limit.
 */
function applyContractTx(state: StateView, view: StateView, ctx: BlockContext, stx: SignedTx, acct: Account, baseFee: bigint, opts: ApplyOptions): TxOutcome {
  const tx = stx.tx;
  const params = getParams(view);
  const sender = opts.sender ?? txSender(tx);
  const gasLimit = gasLimitOf(params, tx.fee, baseFee);
  const maxCharge = baseFee + BigInt(gasLimit) * params.gasPrice;
  checkSpendable(acct, ctx.time, maxCharge, 'fee');
  putAccount(view, sender, { ...afterOutflow(acct, 0n, maxCharge, ctx.time), nonce: acct.nonce + 1n });
  const meter = new GasMeter(gasLimit);
  const body = view.child();
  let failure: DipnetError | undefined;
  try {
    runContractTx(body, ctx, sender, tx.nonce, tx.body as Parameters<typeof runContractTx>[4], meter);
    body.mergeInto(view);
  } catch (e) {
    if (!(e instanceof DipnetError) || opts.simulate) throw e;
    failure = e;
  }
  const gasUsed = failure?.code === ErrorCode.GAS_EXHAUSTED ? gasLimit : Math.min(meter.used, gasLimit);
  const charged = baseFee + BigInt(gasUsed) * params.gasPrice;
  refundFee(view, sender, maxCharge - charged);
  if (opts.txId) {
    // The receipt's message keeps the code in front, as DipnetError's message used to: it is chain data.
    view.set(ContractKey.txReceipt(opts.txId), encodeTxReceipt({
      height: ctx.height, gasUsed: BigInt(gasUsed), fee: charged, code: failure?.code ?? '',
      message: failure ? truncateUtf8(`${failure.code}: ${failure.message}`, MAX_TEXT) : '',
    }));
  }
  view.mergeInto(state);
  return failure ? { fee: charged, gasUsed, failure } : { fee: charged, gasUsed };
}

/**
 * DPN a tx may move out of its signer's spendable balance besides the fee (an upper bound). With
 * `state`, an order of a product priced in a token counts no DPN here: its `maxTotal` is token
 * units. Its DPN designer fee is not reserved: should a later queued tx then lack DPN, block
 * building leaves that tx out and the mempool drops it — nothing is over-reserved.
 */
export function txOutflow(body: SignedTx['tx']['body'], state?: StateView): bigint {
  switch (body.type) {
    case 'transfer': return body.amount;
    case 'registerValidator': return body.selfBond;
    case 'bond': return body.amount;
    case 'placeOrder': {
      const raw = state?.get(ContractKey.product(body.product));
      return raw && !isDpnCurrency(decodeProductRecord(raw).currency) ? 0n : body.maxTotal;
    }
    default: return 0n;
  }
}

/**
 * What every tx must pass against its sender's account: the next nonce, a fee at least what the
 * schedule asks (the signer pays that, not its declared maximum), and the DPN to pay it. Returns the fee.
 */
function checkNonceAndFee(params: Params, ctx: BlockContext, stx: SignedTx, txBytes: number, acct: Account): bigint {
  const tx = stx.tx;
  if (tx.nonce < acct.nonce) fail(ErrorCode.TX_NONCE_REPLAYED, `nonce ${tx.nonce} already used (next is ${acct.nonce})`, { expected: acct.nonce.toString() });
  if (tx.nonce > acct.nonce) fail(ErrorCode.TX_NONCE_FUTURE, `nonce ${tx.nonce} is ahead of the next nonce ${acct.nonce}`, { expected: acct.nonce.toString() });
  const fee = requiredFee(params, txBytes);
  if (tx.fee < fee) fail(ErrorCode.TX_FEE_TOO_LOW, `fee ${tx.fee} is below the required ${fee}`, { required: fee.toString() });
  checkSpendable(acct, ctx.time, fee, 'fee');
  return fee;
}

type TransferBody = Extract<SignedTx['tx']['body'], { type: 'transfer' }>;

function checkTransfer(view: StateView, ctx: BlockContext, b: TransferBody, sender: Uint8Array, acct: Account, fee: bigint): void {
  if (b.amount === 0n) fail(ErrorCode.TX_INVALID, 'transfer amount must be positive');
  if (equalBytes(b.to, sender)) fail(ErrorCode.TX_INVALID, 'transfer to self');
  if (view.get(ContractKey.contractAccount(b.to))) fail(ErrorCode.TX_INVALID, 'cannot transfer to a contract account (a product or an order); use the contract');
  checkSpendable(acct, ctx.time, fee + b.amount, 'transfer');
}

/**
 * Mempool admission of a DPN transfer: exactly the checks `applyTx` makes, against `acct` (the
 * sender's account as its pending txs leave it), without running it — crediting the recipient
 * cannot make a transfer invalid, and admission throws the resulting state away. Returns the fee.
 */
export function checkTransferAdmission(state: StateView, ctx: BlockContext, stx: SignedTx & { tx: { body: TransferBody } }, txBytes: number, sender: Uint8Array, acct: Account): bigint {
  if (stx.tx.chainId !== ctx.chainId) fail(ErrorCode.TX_WRONG_CHAIN, `tx is for chain "${stx.tx.chainId}"`);
  const fee = checkNonceAndFee(getParams(state), ctx, stx, txBytes, acct);
  checkTransfer(state, ctx, stx.tx.body, sender, acct, fee);
  return fee;
}

function checkSpendable(a: Account, now: bigint, amount: bigint, what: string): void {
  if (spendable(a, now) >= amount) return;
  if (a.balance >= amount) {
    const until = nextUnlock(a, now);
    fail(ErrorCode.TX_FUNDS_LOCKED, `${what}: funds are locked until ${new Date(Number(until)).toISOString()}`, { lockedUntil: until.toString() });
  }
  fail(ErrorCode.TX_INSUFFICIENT_FUNDS, `${what}: spendable balance ${spendable(a, now)} is less than ${amount}`);
}

/**
 * Bonding may use locked DPN (locked funds can stake, not move): the part of the bond drawn from
 * the locked amount is recorded in `lockBonded` and stays locked when it comes back.
 */
function bondFrom(a: Account, now: bigint, amount: bigint, fee: bigint, what: string): Account {
  if (a.balance < amount + fee) fail(ErrorCode.TX_INSUFFICIENT_FUNDS, `${what}: balance ${a.balance} is less than ${amount + fee}`);
  const held = lockedInBalance(a, now);
  const fromLocked = amount < held ? amount : held;
  const next = afterOutflow({ ...a, lockBonded: a.lockBonded + fromLocked }, amount, fee, now);
  if (next.balance < lockedInBalance(next, now)) fail(ErrorCode.TX_FUNDS_LOCKED, `${what}: the fee must come from unlocked funds`, { lockedUntil: nextUnlock(a, now).toString() });
  return next;
}

/** Returns unused gas money: not an inflow of new coins, so coin-age is untouched. */
function refundFee(view: StateView, addr: Uint8Array, amount: bigint): void {
  if (amount === 0n) return;
  const a = getAccount(view, addr);
  putAccount(view, addr, { ...a, balance: a.balance + amount });
}

/**
 * Applies verified double-sign evidence: slashes the validator's stake by `slashBps` into the
 * community pool and jails it (it leaves the set at the next schedule step). Evidence is applied
 * once; a second copy is rejected. One double sign often yields several distinct pieces of
 * evidence (three conflicting votes make two pairs): a validator is slashed only by the first;
 * later pieces against the jailed validator are recorded as processed and change nothing else
 * (so they still leave the nodes' evidence pools when a block carries them).
 */
export function applyEvidence(state: StateView, ev: DuplicateVoteEvidence, time: bigint): void {
  const key = StateKey.processedEvidence(evidenceHash(ev));
  if (state.get(key)) fail(ErrorCode.EVIDENCE_INVALID, 'evidence was already processed');
  const addr = ev.voteA.vote.validator;
  if (!getValidator(state, addr)) fail(ErrorCode.EVIDENCE_INVALID, 'evidence names an unregistered validator');
  slashAndJail(state, addr, time);
  markProcessed(state, key, ev.voteA.vote.height);
}

/**
 * Applies a verified lunatic light-client attack (protocol/src/conflict-evidence.ts): each
 * validator of the chain that signed the conflicting header is slashed and jailed as for a double
 * sign (the chain found `signers`). An attack is applied once.
 */
export function applyAttack(state: StateView, ev: ConflictEvidence, signers: readonly Uint8Array[], time: bigint): void {
  const key = StateKey.processedEvidence(conflictEvidenceHash(ev));
  if (state.get(key)) fail(ErrorCode.EVIDENCE_INVALID, 'evidence was already processed');
  for (const addr of signers) if (getValidator(state, addr)) slashAndJail(state, addr, time);
  markProcessed(state, key, ev.conflicting.header.height);
}

/** Slashes `slashBps` of a validator's stake into the community pool and jails it, unless it is jailed already. */
function slashAndJail(state: StateView, addr: Uint8Array, time: bigint): void {
  const v = getValidator(state, addr)!;
  if (v.jailed) return;
  const slash = (v.stake * BigInt(getParams(state).slashBps)) / 10_000n;
  putValidator(state, addr, { ...v, stake: v.stake - slash, slashed: v.slashed + slash, jailed: true });
  creditAccount(state, COMMUNITY_POOL, slash, time);
}

/** Records evidence as processed, with the height it was about. */
function markProcessed(state: StateView, key: Uint8Array, height: bigint): void {
  const w = new Uint8Array(8);
  new DataView(w.buffer).setBigUint64(0, height);
  state.set(key, w);
}

/** Start of block: resolutions whose activation height this is take effect before any tx runs. */
export function beginBlock(state: StateView, ctx: BlockContext): void {
  governanceBeginBlock(state, ctx);
}

/**
 * End of block: fire due order timers, pay the block's fees to the validators that signed it (pro rata by power, the
 * remainder to the proposer), release matured unbondings, and shift the validator schedule so
 * staking changes of this block take effect two heights later.
 */
export function endBlock(state: StateView, ctx: BlockContext, fees: bigint): void {
  runOrderTimers(state, ctx);
  governanceEndBlock(state, ctx);
  const schedule = getSchedule(state);
  if (fees > 0n) distributeFees(state, schedule.current, ctx.proposer, fees, ctx.time);

  const q = getUnbondings(state);
  let released = 0;
  while (released < q.length && released < MAX_UNBONDINGS_PER_BLOCK && q[released]!.releaseAt <= ctx.time) {
    const { delegator, amount } = q[released]!;
    creditAccount(state, delegator, amount, ctx.time);
    const a = getAccount(state, delegator);
    // Returning stake that was bonded from locked funds is locked again.
    if (a.lockBonded > 0n) putAccount(state, delegator, { ...a, lockBonded: a.lockBonded > amount ? a.lockBonded - amount : 0n });
    released++;
  }
  if (released > 0) putUnbondings(state, q.slice(released));

  putSchedule(state, { current: schedule.next, next: computeActiveSet(state, getParams(state)) ?? schedule.next });
}

function distributeFees(state: StateView, set: ValidatorSet, proposer: Uint8Array, fees: bigint, now: bigint): void {
  let total = 0n;
  for (const v of set.validators) total += v.power;
  let paid = 0n;
  for (const v of set.validators) {
    const share = (fees * v.power) / total;
    if (share > 0n) creditAccount(state, addressOf(v.publicKey), share, now);
    paid += share;
  }
  if (fees > paid) creditAccount(state, proposer, fees - paid, now);
}

/** Top validators by stake (ties by address), power in whole DPN. Null if none qualifies. */
export function computeActiveSet(state: StateView, params: Params): ValidatorSet | null {
  const candidates: { addr: Uint8Array; v: Validator; stake: bigint }[] = [];
  for (const addr of getRoster(state)) {
    const rec = getValidator(state, addr);
    if (!rec || rec.jailed || rec.stake < params.minValidatorStake) continue;
    const power = rec.stake / UNITS_PER_DPN;
    if (power > 0n) candidates.push({ addr, v: { publicKey: rec.publicKey, power }, stake: rec.stake });
  }
  if (candidates.length === 0) return null;
  candidates.sort((a, b) => (a.stake === b.stake ? compareBytes(a.addr, b.addr) : a.stake > b.stake ? -1 : 1));
  return makeValidatorSet(candidates.slice(0, params.maxValidators).map((c) => c.v));
}
