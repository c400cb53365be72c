/**
 * A NodeApi over a small real chain for relay tests (real keys, votes, commits and SMT; no
 * consensus), and the helpers those tests share: a relay closed after the test, and the check
 * of the error body shape.
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import {
  DipnetError,
  ErrorCode,
  SparseMerkleTree,
  StateKey,
  addressOf,
  buildSmt,
  commitVote,
  decodeSignedTx,
  dpn,
  encodeAccount,
  encodeSignedTx,
  equalBytes,
  evidenceRootOf,
  generateKeyPair,
  genesisCommitmentHash,
  headerHash,
  lastCommitHashOf,
  makeValidatorSet,
  nobleVerifier,
  proposerIndex,
  signTx,
  signVote,
  stateKeyHash,
  taggedHash,
  toHex,
  txHash,
  txRootOf,
  utf8,
  validatorSetHash,
  verifyTxSignature,
  type Block,
  type Commit,
  type GenesisCommitment,
  type Header,
  type KeyPair,
  type ValidatorSet,
  EMPTY_ACCOUNT,
} from '@dipnet/protocol';
import type { FinalizedEvent, NodeApi, NodeHealth, NodeStatus, StateProofResult, TxStatus } from '../node-api.ts';
import type { ContractsApi } from '../contracts-index/api.ts';
import { createRelay, type RelayOptions } from '../relay/relay.ts';

export const CHAIN_ID = 'dipnet-relay-test';

export interface Chain {
  /** What the chain's genesis hash commits to (block 1's prevHash is its hash). */
  readonly genesis: GenesisCommitment;
  readonly keys: KeyPair[];
  readonly set: ValidatorSet;
  readonly headers: Header[];
  readonly blocks: Block[];
  readonly commits: Commit[];
  readonly stateRoot: Uint8Array;
  readonly tree: SparseMerkleTree;
  readonly pending: Map<string, Uint8Array>;
  readonly user: KeyPair;
  readonly userKey: Uint8Array; // raw state key of the user's account
  readonly userAccount: Uint8Array;
  readonly committedTx: Uint8Array;
}

export function signedTransfer(from: KeyPair, nonce: bigint, memo = ''): Uint8Array {
  const to = addressOf(generateKeyPair().publicKey);
  return encodeSignedTx(signTx({ chainId: CHAIN_ID, signer: from.publicKey, nonce, fee: 1000n, body: { type: 'transfer', to, amount: dpn(1), memo } }, from.secretKey));
}

export function buildChain(blocks = 3): Chain {
  const keys = Array.from({ length: 4 }, () => generateKeyPair());
  const set = makeValidatorSet(keys.map((k, i) => ({ publicKey: k.publicKey, power: BigInt(10 + i) })));

  const user = generateKeyPair();
  const userKey = StateKey.account(addressOf(user.publicKey));
  const userAccount = encodeAccount({ ...EMPTY_ACCOUNT, balance: dpn(500), nonce: 1n });
  const other = StateKey.account(addressOf(generateKeyPair().publicKey));
  const { root: stateRoot, nodes } = buildSmt([
    [stateKeyHash(userKey), userAccount],
    [stateKeyHash(other), encodeAccount({ ...EMPTY_ACCOUNT, balance: dpn(7) })],
  ]);
  const tree = new SparseMerkleTree({ getNode: (h) => nodes.get(toHex(h)) });

  const committedTx = signedTransfer(user, 0n, 'block 2');
  const genesis: GenesisCommitment = { chainId: CHAIN_ID, genesisTime: 1_750_000_000_000n, validatorsHash: validatorSetHash(set), documentHash: taggedHash('dipnet/genesis-document/v1', utf8('relay test genesis')) };
  const chain: Chain = { genesis, keys, set, headers: [], blocks: [], commits: [], stateRoot, tree, pending: new Map(), user, userKey, userAccount, committedTx };
  for (let h = 1; h <= blocks; h++) appendBlock(chain, h === 2 ? [committedTx] : []);
  return chain;
}

/** Builds, signs and stores the next block of `chain`; returns its finalised event. */
export function appendBlock(chain: Chain, txs: Uint8Array[] = []): FinalizedEvent {
  const { set, keys, headers } = chain;
  const keyAt = (i: number): KeyPair => keys.find((k) => equalBytes(k.publicKey, set.validators[i]!.publicKey))!;
  const h = BigInt(headers.length + 1);
  const lastCommit = chain.commits.at(-1) ?? null;
  const header: Header = {
    chainId: CHAIN_ID,
    height: h,
    time: 1_750_000_000_000n + h * 1000n,
    prevHash: headers.length === 0 ? genesisCommitmentHash(chain.genesis) : headerHash(headers.at(-1)!),
    lastCommitHash: lastCommitHashOf(lastCommit),
    txRoot: txRootOf(txs),
    evidenceRoot: evidenceRootOf([]),
    stateRoot: chain.stateRoot,
    validatorsHash: validatorSetHash(set),
    nextValidatorsHash: validatorSetHash(set),
    proposer: addressOf(set.validators[proposerIndex(set, h, 0)]!.publicKey),
  };
  const unsigned: Commit = { height: h, round: 0, blockHash: headerHash(header), signatures: [] };
  const commit: Commit = {
    ...unsigned,
    // Three of four validators sign: more than 2/3 of the power.
    signatures: [0, 1, 3].map((i) => ({ validatorIndex: i, signature: signVote(CHAIN_ID, commitVote(unsigned, set, i), keyAt(i).secretKey).signature })),
  };
  headers.push(header);
  chain.blocks.push({ header, txs, evidence: [], attacks: [], lastCommit });
  chain.commits.push(commit);
  return { header, commit, txCount: txs.length };
}

const emptyPage = () => ({ ids: [], next: null });

/** A contract index with nothing in it: the contract routes are served (and documented) and list nothing. */
export const EMPTY_CONTRACTS: ContractsApi = {
  index: { indexedHeight: 0n, templates: emptyPage, products: emptyPage, orders: emptyPage, proposals: emptyPage, recentTxs: () => [] },
  stateValue: () => undefined,
  simulateTx: () => Promise.reject(new DipnetError(ErrorCode.INVALID_ARGUMENT, 'the test node simulates nothing')),
};

export class TestNode implements NodeApi {
  readonly listeners = new Set<(e: FinalizedEvent) => void>();
  readonly evidence: Uint8Array[] = [];
  /** What health() answers beside the height; tests replace it to play a stalled node. */
  healthState: Omit<NodeHealth, 'height'> = { status: 'ok', reasons: [], headAgeMs: 1200, peerHeight: 3n, commitFailures: 0 };
  constructor(
    readonly chain: Chain = buildChain(),
    readonly contracts?: ContractsApi,
  ) {}

  get height(): bigint {
    return BigInt(this.chain.headers.length);
  }
  genesisCommitment(): GenesisCommitment {
    return this.chain.genesis;
  }
  status(): NodeStatus {
    const head = this.chain.headers.at(-1)!;
    const v = this.chain.keys[0]!;
    return {
      chainId: CHAIN_ID,
      genesisHash: genesisCommitmentHash(this.chain.genesis),
      height: this.height,
      headHash: headerHash(head),
      headTime: head.time,
      stateRoot: head.stateRoot,
      earliestStateHeight: 1n,
      validator: { address: addressOf(v.publicKey), publicKey: v.publicKey },
      peers: 3,
      mempoolSize: this.chain.pending.size,
      multiaddrs: ['/ip4/127.0.0.1/tcp/4001/ws'],
    };
  }
  health(): NodeHealth {
    return { ...this.healthState, height: this.height };
  }
  getHeader(height: bigint): Header | undefined {
    return height >= 1n ? this.chain.headers[Number(height) - 1] : undefined;
  }
  getBlock(height: bigint): Block | undefined {
    return height >= 1n ? this.chain.blocks[Number(height) - 1] : undefined;
  }
  getCommit(height: bigint): Commit | undefined {
    return height >= 1n ? this.chain.commits[Number(height) - 1] : undefined;
  }
  getValidatorSet(height: bigint): ValidatorSet | undefined {
    return height >= 1n && height <= this.height + 1n ? this.chain.set : undefined;
  }
  getStateProof(rawKey: Uint8Array, height: bigint): StateProofResult {
    const header = this.getHeader(height);
    if (!header) throw new DipnetError(ErrorCode.HEIGHT_NOT_AVAILABLE, `no state at height ${height}`);
    const k = stateKeyHash(rawKey);
    return { height, key: rawKey, value: this.chain.tree.get(header.stateRoot, k), proof: this.chain.tree.prove(header.stateRoot, k), stateRoot: header.stateRoot };
  }
  async submitTx(bytes: Uint8Array): Promise<Uint8Array> {
    const stx = decodeSignedTx(bytes);
    await verifyTxSignature(stx, CHAIN_ID, nobleVerifier);
    const hash = txHash(bytes);
    if (this.chain.pending.has(toHex(hash))) throw new DipnetError(ErrorCode.TX_DUPLICATE, 'already in the mempool');
    this.chain.pending.set(toHex(hash), bytes);
    return hash;
  }
  txStatus(hash: Uint8Array): TxStatus {
    if (this.chain.pending.has(toHex(hash))) return { status: 'pending' };
    for (const b of this.chain.blocks) {
      const i = b.txs.findIndex((t) => equalBytes(txHash(t), hash));
      if (i >= 0) return { status: 'committed', height: b.header.height, index: i, code: 'OK' };
    }
    return { status: 'unknown' };
  }
  async submitConflictEvidence(bytes: Uint8Array): Promise<{ readonly height: bigint }> {
    if (bytes.every((b) => b === 0)) throw new DipnetError(ErrorCode.EVIDENCE_INVALID, 'not evidence');
    this.evidence.push(bytes);
    return { height: 2n };
  }
  onFinalized(listener: (e: FinalizedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: FinalizedEvent): void {
    for (const l of [...this.listeners]) l(e);
  }
  /** Finalises one more block: stored first, then announced, as DipnetNode does. */
  produceBlock(): FinalizedEvent {
    const e = appendBlock(this.chain);
    this.emit(e);
    return e;
  }
}

export async function relay(t: TestContext, node: NodeApi = new TestNode(), opts: RelayOptions = {}): Promise<FastifyInstance> {
  const app = await createRelay(node, opts);
  t.after(() => app.close());
  return app;
}

/** A relay listening on an ephemeral port of 127.0.0.1, closed after the test. */
export async function listeningRelay(t: TestContext, node: NodeApi = new TestNode(), opts: RelayOptions = {}): Promise<{ app: FastifyInstance; port: number }> {
  const app = await relay(t, node, opts);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as AddressInfo).port };
}

export function assertError(res: { statusCode: number; json(): unknown }, status: number, code: string): void {
  const body = res.json() as { error?: { code?: unknown; message?: unknown } };
  assert.equal(res.statusCode, status, JSON.stringify(body));
  assert.equal(body.error?.code, code);
  assert.equal(typeof body.error?.message, 'string');
  assert.deepEqual(Object.keys(body), ['error']);
}
