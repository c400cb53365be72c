/**
 * Mutation fuzzing of every decoder: at least 10,000 mutated encodings each. A decoder must
 * either throw a DipnetError or return a value whose canonical encoding is exactly the input —
 * it may never crash with another error or accept a malformed (non-canonical) encoding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DipnetError } from './errors.ts';
import { equalBytes, toHex } from './bytes.ts';
import { encodeSignedTx, decodeSignedTx, signTx } from './tx.ts';
import { encodeHeader, decodeHeader } from './header.ts';
import { encodeBlock, decodeBlock } from './block.ts';
import { encodeCommit, decodeCommit, encodeSignedVote, decodeSignedVote, signVote, VoteType, encodeEvidence, decodeEvidence, makeEvidence } from './vote.ts';
import { encodeValidatorSet, decodeValidatorSet } from './validator-set.ts';
import { encodeGenesis, decodeGenesis, encodeGenesisCommitment, decodeGenesisCommitment } from './genesis.ts';
import {
  encodeAccount, decodeAccount, encodeValidatorRecord, decodeValidatorRecord, encodeParams, decodeParams,
  encodeValidatorSchedule, decodeValidatorSchedule, encodeUnbondingQueue, decodeUnbondingQueue, encodeRoster, decodeRoster,
} from './state-schema.ts';
import { encodeConflictEvidence, decodeConflictEvidence } from './conflict-evidence.ts';
import { buildSmt, SparseMerkleTree, encodeSmtProof, decodeSmtProof, stateKeyHash } from './smt.ts';
import { addressOf } from './keys.ts';
import { TOTAL_SUPPLY } from './amount.ts';
import { testValidators, testHeader, testCommit, seededRandom, mutateBytes } from './test-fixtures.ts';
import { utf8 } from './bytes.ts';
import * as wire from './wire.ts';
import {
  encodeTemplateRecord, decodeTemplateRecord, encodeProductRecord, decodeProductRecord, encodeOrderRecord, decodeOrderRecord, encodeCommittee, decodeCommittee,
  encodeCommitteeProposal, decodeCommitteeProposal, encodeTimerBucket, decodeTimerBucket, encodeTxReceipt, decodeTxReceipt, type CommitteeAction,
} from './contracts/records.ts';
import type { TxBody } from './tx.ts';

const MUTATIONS = 10_000;
const CHAIN = 'dipnet-fuzz';

const { keys, set } = testValidators(4);
const k0 = keys[0]!;
const header = testHeader(CHAIN, 9n, set);
const commit = testCommit(CHAIN, header, set, keys.slice(0, 3));
const stx = signTx({ chainId: CHAIN, signer: k0.publicKey, nonce: 1n, fee: 1000n, body: { type: 'transfer', to: addressOf(keys[1]!.publicKey), amount: 5n, memo: 'props' } }, k0.secretKey);
const voteBase = { type: VoteType.prevote, height: 9n, round: 0, validator: addressOf(k0.publicKey) };
const voteA = signVote(CHAIN, { ...voteBase, blockHash: new Uint8Array(32).fill(1) }, k0.secretKey);
const voteB = signVote(CHAIN, { ...voteBase, blockHash: new Uint8Array(32).fill(2) }, k0.secretKey);
const params = { feePerByte: 10n, feeBase: 1000n, gasPrice: 1n, unbondingPeriodMs: 60_000n, minValidatorStake: 10n, maxValidators: 100, slashBps: 500, reviewFee: 7n, timePrecisionMs: 10_000, messageDelayMs: 5_000 };
const smtEntries = Array.from({ length: 64 }, (_, i): [Uint8Array, Uint8Array] => [stateKeyHash(utf8(`k${i}`)), utf8(`v${i}`)]);
const smt = buildSmt(smtEntries);
const tree = new SparseMerkleTree({ getNode: (h) => smt.nodes.get(toHex(h)) });

// Contract txs and records: one sample of each kind, with every optional part present.
const id32 = (n: number) => new Uint8Array(32).fill(n);
const a1 = addressOf(keys[1]!.publicKey), a2 = addressOf(keys[2]!.publicKey);
const action: CommitteeAction = { template: id32(4), reporter: a1, bounty: 250n, deprecate: true, reason: 'bids could overflow — fixed in v2' };
const contractBodies: TxBody[] = [
  { type: 'submitTemplate', code: utf8('{"dipnet":"template/1","name":"t","states":["a"],"initial":"a","transitions":[]}'), designerFee: 12n },
  { type: 'reviewTemplate', template: id32(1), approve: true },
  { type: 'committeeVote', action, approve: false },
  { type: 'createProduct', template: id32(2), name: 'Jacket — wool ✓', metadataUri: 'https://example.test/jacket', metadataHash: id32(3), price: 120n, leadTimeMs: 600_000n, params: new Uint8Array([0, 0, 0, 1, ...id32(5), 7]) },
  { type: 'placeOrder', product: id32(6), quantity: 3, maxTotal: 400n, shipping: id32(7) },
  { type: 'fireTransition', order: id32(8), transition: 'bid', args: id32(9) },
];
const contractTx = (body: TxBody) => signTx({ chainId: CHAIN, signer: k0.publicKey, nonce: 2n, fee: 5000n, body }, k0.secretKey);
const orderRecord = {
  product: id32(1), template: id32(2), parent: id32(3), root: id32(4), depth: 2, tag: 'part', consumer: a1, buyer: a2, payer: a2, quantity: 2, price: 70n, designerFee: 1n,
  shipping: new Uint8Array(32), status: 'active' as const, state: 'bidding', stateSince: 5n, stateSeq: 3,
  vars: [{ index: 0, type: 'product' as const, value: id32(9) }, { index: 1, type: 'int' as const, value: 44n }, { index: 2, type: 'bool' as const, value: true }, { index: 3, type: 'address' as const, value: a1 }],
  children: [id32(10), id32(11)], escrowIn: 71n, escrowOut: 30n, createdAt: 4n,
  history: [{ time: 4n, height: 2n, event: 'ordered' }, { time: 5n, height: 3n, event: 'bid' }], currency: id32(13),
};

const cases: { name: string; sample: Uint8Array; decode: (b: Uint8Array) => unknown; encode: (v: never) => Uint8Array }[] = [
  { name: 'signed tx', sample: encodeSignedTx(stx), decode: decodeSignedTx, encode: encodeSignedTx },
  { name: 'header', sample: encodeHeader(header), decode: decodeHeader, encode: encodeHeader },
  { name: 'block', sample: encodeBlock({ header, txs: [encodeSignedTx(stx)], evidence: [makeEvidence(voteA, voteB)], attacks: [{ conflicting: { header, commit, validatorSet: set } }], lastCommit: commit }), decode: decodeBlock, encode: encodeBlock },
  { name: 'commit', sample: encodeCommit(commit), decode: decodeCommit, encode: encodeCommit },
  { name: 'signed vote', sample: encodeSignedVote(voteA), decode: decodeSignedVote, encode: encodeSignedVote },
  { name: 'evidence', sample: encodeEvidence(makeEvidence(voteA, voteB)), decode: decodeEvidence, encode: encodeEvidence },
  { name: 'validator set', sample: encodeValidatorSet(set), decode: decodeValidatorSet, encode: encodeValidatorSet },
  {
    name: 'genesis',
    sample: encodeGenesis({ chainId: CHAIN, genesisTime: 1n, params, accounts: [{ address: addressOf(k0.publicKey), balance: TOTAL_SUPPLY - 40n, locks: [{ amount: 5n, unlockAt: 9n }], label: 'sale' }], validators: keys.map((k, i) => ({ publicKey: k.publicKey, moniker: `v${i}`, stake: 10n })), committee: { members: [addressOf(k0.publicKey)], threshold: 1 }, governance: { params: { boardTermMs: 100n, votingPeriodMs: 10n, boardVotePeriodMs: 10n, coinAgeCapMs: 50n, maxResolutionMs: 60n }, board: Array.from({ length: 5 }, (_, i) => new Uint8Array(20).fill(i + 1)) } }),
    decode: decodeGenesis, encode: encodeGenesis,
  },
  { name: 'genesis commitment', sample: encodeGenesisCommitment({ chainId: CHAIN, genesisTime: 1n, validatorsHash: new Uint8Array(32).fill(3), documentHash: new Uint8Array(32).fill(4) }), decode: decodeGenesisCommitment, encode: encodeGenesisCommitment },
  { name: 'account', sample: encodeAccount({ balance: 5n, nonce: 2n, ageSince: 7n, locks: [{ amount: 1n, unlockAt: 3n }], lockBonded: 1n }), decode: decodeAccount, encode: encodeAccount },
  { name: 'validator record', sample: encodeValidatorRecord({ publicKey: k0.publicKey, moniker: 'v0', stake: 10n, shares: 10n, slashed: 0n, jailed: false }), decode: decodeValidatorRecord, encode: encodeValidatorRecord },
  { name: 'params', sample: encodeParams(params), decode: decodeParams, encode: encodeParams },
  { name: 'validator schedule', sample: encodeValidatorSchedule({ current: set, next: set }), decode: decodeValidatorSchedule, encode: encodeValidatorSchedule },
  { name: 'unbonding queue', sample: encodeUnbondingQueue([{ releaseAt: 5n, delegator: addressOf(k0.publicKey), amount: 3n }]), decode: decodeUnbondingQueue, encode: encodeUnbondingQueue },
  { name: 'validator roster', sample: encodeRoster([addressOf(k0.publicKey)]), decode: decodeRoster, encode: encodeRoster },
  { name: 'conflict evidence', sample: encodeConflictEvidence({ conflicting: { header, commit, validatorSet: set } }), decode: decodeConflictEvidence, encode: encodeConflictEvidence },
  { name: 'smt proof', sample: encodeSmtProof(tree.prove(smt.root, smtEntries[7]![0])), decode: decodeSmtProof, encode: encodeSmtProof },
  { name: 'wire result', sample: wire.encodeWireResult({ ok: false, code: 'TX_BAD_SIGNATURE', message: 'no' }), decode: wire.decodeWireResult, encode: wire.encodeWireResult },
  {
    name: 'wire status response',
    sample: wire.encodeStatusResponse({ chainId: CHAIN, genesisHash: new Uint8Array(32).fill(7), height: 9n, headHash: new Uint8Array(32).fill(8), headTime: 5n, stateRoot: new Uint8Array(32).fill(9), earliestStateHeight: 1n, validator: { address: addressOf(k0.publicKey), publicKey: k0.publicKey }, peers: 3, mempoolSize: 2, multiaddrs: ['/ip4/127.0.0.1/tcp/1/ws'] }),
    decode: wire.decodeStatusResponse, encode: wire.encodeStatusResponse,
  },
  { name: 'wire headers request', sample: wire.encodeHeadersRequest({ fromHeight: 3n, count: 10 }), decode: wire.decodeHeadersRequest, encode: wire.encodeHeadersRequest },
  { name: 'wire headers response', sample: wire.encodeHeadersResponse({ items: [{ header, commit }] }), decode: wire.decodeHeadersResponse, encode: wire.encodeHeadersResponse },
  { name: 'wire validators request', sample: wire.encodeValidatorsRequest({ height: 4n }), decode: wire.decodeValidatorsRequest, encode: wire.encodeValidatorsRequest },
  { name: 'wire validators response', sample: wire.encodeValidatorsResponse({ height: 4n, validatorSet: set }), decode: wire.decodeValidatorsResponse, encode: wire.encodeValidatorsResponse },
  { name: 'wire proof request', sample: wire.encodeProofRequest({ key: utf8('k7'), height: 4n }), decode: wire.decodeProofRequest, encode: wire.encodeProofRequest },
  {
    name: 'wire proof response',
    sample: wire.encodeProofResponse({ height: 4n, key: utf8('k7'), value: utf8('v7'), proof: tree.prove(smt.root, smtEntries[7]![0]), stateRoot: smt.root }),
    decode: wire.decodeProofResponse, encode: wire.encodeProofResponse,
  },
  { name: 'wire submit-tx request', sample: wire.encodeSubmitTxRequest({ tx: encodeSignedTx(stx) }), decode: wire.decodeSubmitTxRequest, encode: wire.encodeSubmitTxRequest },
  { name: 'wire submit-tx response', sample: wire.encodeSubmitTxResponse({ txHash: new Uint8Array(32).fill(3) }), decode: wire.decodeSubmitTxResponse, encode: wire.encodeSubmitTxResponse },
  { name: 'wire block request', sample: wire.encodeBlockRequest({ height: 4n }), decode: wire.decodeBlockRequest, encode: wire.encodeBlockRequest },
  { name: 'wire block response', sample: wire.encodeBlockResponse({ block: { header, txs: [encodeSignedTx(stx)], evidence: [], attacks: [], lastCommit: commit }, commit }), decode: wire.decodeBlockResponse, encode: wire.encodeBlockResponse },
  ...contractBodies.map((b) => ({ name: `signed tx (${b.type})`, sample: encodeSignedTx(contractTx(b)), decode: decodeSignedTx, encode: encodeSignedTx })),
  {
    name: 'template record',
    sample: encodeTemplateRecord({ designer: a1, designerFee: 9n, status: 'approved', submittedAt: 3n, approvals: [a1, a2], rejections: [a2], code: utf8('{"dipnet":"template/1"}') }),
    decode: decodeTemplateRecord, encode: encodeTemplateRecord,
  },
  {
    name: 'product record',
    sample: encodeProductRecord({ template: id32(1), producer: a1, name: 'Buttons (supply)', metadataUri: 'ipfs://bafy', metadataHash: id32(2), price: 6n, leadTimeMs: 1000n, params: new Uint8Array([0, 0, 0, 0, 2]), createdAt: 7n, orders: 3n, currency: new Uint8Array(32) }),
    decode: decodeProductRecord, encode: encodeProductRecord,
  },
  { name: 'order record', sample: encodeOrderRecord(orderRecord), decode: decodeOrderRecord, encode: encodeOrderRecord },
  { name: 'order record (root)', sample: encodeOrderRecord({ ...orderRecord, parent: null, depth: 0, tag: '', status: 'refunded', vars: [{ index: 4, type: 'hash', value: id32(12) }], children: [], history: [] }), decode: decodeOrderRecord, encode: encodeOrderRecord },
  { name: 'committee', sample: encodeCommittee({ members: [a1, a2, addressOf(k0.publicKey)], threshold: 2 }), decode: decodeCommittee, encode: encodeCommittee },
  { name: 'committee proposal', sample: encodeCommitteeProposal({ action, status: 'open', approvals: [a1], rejections: [a2] }), decode: decodeCommitteeProposal, encode: encodeCommitteeProposal },
  { name: 'timer bucket', sample: encodeTimerBucket([{ order: id32(1), seq: 2, transition: 3 }, { order: id32(4), seq: 1, transition: 0 }]), decode: decodeTimerBucket, encode: encodeTimerBucket },
  { name: 'tx receipt', sample: encodeTxReceipt({ height: 9n, gasUsed: 1234n, fee: 99n, code: 'ORDER_GUARD_FAILED', message: 'the bidding window is closed' }), decode: decodeTxReceipt, encode: encodeTxReceipt },
];

for (const c of cases) {
  test(`fuzz: ${c.name} decoder survives ${MUTATIONS} mutations and accepts only canonical bytes`, () => {
    assert.ok(equalBytes(c.encode(c.decode(c.sample) as never), c.sample), 'sample must round-trip');
    const rand = seededRandom(0x9e3779b9 ^ c.name.length * 7919);
    let rejected = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const m = mutateBytes(c.sample, rand);
      let value: unknown;
      try {
        value = c.decode(m);
      } catch (e) {
        if (!(e instanceof DipnetError)) assert.fail(`${c.name}: mutation ${toHex(m).slice(0, 80)} threw ${String(e)}`);
        rejected++;
        continue;
      }
      assert.ok(equalBytes(c.encode(value as never), m), `${c.name}: accepted a non-canonical encoding ${toHex(m).slice(0, 80)}`);
    }
    assert.ok(rejected > MUTATIONS / 2, `${c.name}: only ${rejected} mutations rejected`);
  });
}
