/**
 * The node's embedded, crash-safe store (LMDB). A block, its commit, the state nodes and
 * latest values it produced, its tx index and the new head are written in ONE synchronous
 * LMDB transaction, so a node killed at any instant restarts at a finalised block with exactly
 * the state that block committed to. LMDB's copy-on-write B-tree never needs recovery.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import {
  encodeBlock, decodeBlock, encodeCommit, decodeCommit, encodeValidatorSet, decodeValidatorSet, headerHash, taggedHash, HashTag,
  smtLeafHash, smtValueHash, equalBytes, fromHex, toHex, DipnetError, type Block, type Commit, type ValidatorSet, type SmtNodeReader,
} from '@dipnet/protocol';
import type { SignerStore } from '../consensus/engine.ts';
import { checkLmdbFile } from './store-integrity.ts';
import { StoreDamagedError, StoreWriteError, isLmdbDamage, writeFailureOf } from './store-errors.ts';

export interface Head {
  readonly height: bigint;
  readonly blockHash: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly time: bigint;
}

export interface TxLocation {
  readonly height: bigint;
  readonly index: number;
  readonly code: string;
}

export interface BlockWrite {
  readonly block: Block;
  readonly commit: Commit;
  readonly head: Head;
  /** SMT nodes created by this block, by hex hash. */
  readonly stateNodes: ReadonlyMap<string, Uint8Array>;
  /** Latest-value writes (hex raw key → value, undefined = delete). */
  readonly stateWrites: ReadonlyMap<string, Uint8Array | undefined>;
  readonly txHashes: readonly Uint8Array[];
  readonly txCodes: readonly string[];
  /** Validator set that signs height + 2 (announced as next-next by this block). */
  readonly validatorSets: ReadonlyArray<readonly [bigint, ValidatorSet]>;
}

/** Last vote this validator signed, persisted before it is sent: no double sign after a restart. */
export interface SignGuard {
  readonly height: bigint;
  readonly round: number;
  readonly step: number; // 1 proposal, 2 prevote, 3 precommit
  readonly blockHash: string;
}

const LOCK_KEY = Buffer.from('lock');
const READ = false;
const WRITE = true;

const heightKey = (h: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(h);
  return b;
};

export class ChainStore implements SmtNodeReader, SignerStore {
  private readonly root: RootDatabase;
  private readonly blocks: Database<Buffer, Buffer>;
  private readonly commits: Database<Buffer, Buffer>;
  private readonly valsets: Database<Buffer, Buffer>;
  private readonly nodes: Database<Buffer, Buffer>;
  private readonly values: Database<Buffer, Buffer>;
  private readonly txIndex: Database<Buffer, Buffer>;
  private readonly meta: Database<string, string>;
  private readonly locks: Database<Buffer, Buffer>;
  private readonly headerCache = new Map<bigint, Block>();
  private damaged: StoreDamagedError | null = null;
  /**
   * Called once when a read or write finds the store damaged (the call then throws the same
   * error). A node stops on it: serving or signing from a damaged store is never right.
   */
  onDamage: ((e: StoreDamagedError) => void) | null = null;
  /**
   * Called for every write that failed for want of room (the call then throws the same
   * StoreWriteError). The transaction was aborted whole, so the store is as before the write.
   */
  onWriteFailure: ((e: StoreWriteError) => void) | null = null;

  /**
   * Opens the store at `path`, first checking its data file page by page (store-integrity.ts):
   * LMDB would crash the process on a truncated file or damaged meta pages. Throws StoreDamagedError.
   */
  constructor(readonly path: string) {
    const file = join(path, 'data.mdb');
    if (existsSync(file)) checkLmdbFile(file);
    this.root = open({ path, maxDbs: 16, mapSize: 64 * 1024 ** 3, overlappingSync: false });
    const bin = { encoding: 'binary' as const, keyEncoding: 'binary' as const };
    this.blocks = this.root.openDB('blocks', bin) as unknown as Database<Buffer, Buffer>;
    this.commits = this.root.openDB('commits', bin) as unknown as Database<Buffer, Buffer>;
    this.valsets = this.root.openDB('valsets', bin) as unknown as Database<Buffer, Buffer>;
    this.nodes = this.root.openDB('smt-nodes', bin) as unknown as Database<Buffer, Buffer>;
    this.values = this.root.openDB('state-values', bin) as unknown as Database<Buffer, Buffer>;
    this.txIndex = this.root.openDB('tx-index', bin) as unknown as Database<Buffer, Buffer>;
    this.locks = this.root.openDB('consensus-lock', bin) as unknown as Database<Buffer, Buffer>;
    this.meta = this.root.openDB('meta', { encoding: 'string', keyEncoding: 'ordered-binary' }) as unknown as Database<string, string>;
  }

  head(): Head | null {
    return this.guarded('read the head', READ, () => this.readHead());
  }

  private readHead(): Head | null {
    const raw = this.meta.get('head');
    if (!raw) return null;
    const j = JSON.parse(raw) as { height: string; blockHash: string; stateRoot: string; time: string };
    return { height: BigInt(j.height), blockHash: fromHex(j.blockHash), stateRoot: fromHex(j.stateRoot), time: BigInt(j.time) };
  }

  /** Genesis-derived state, written once before block 1. */
  writeGenesis(genesisBytesHex: string, head: Head, stateNodes: ReadonlyMap<string, Uint8Array>, stateWrites: ReadonlyMap<string, Uint8Array | undefined>, sets: ReadonlyArray<readonly [bigint, ValidatorSet]>): void {
    this.guarded('write genesis', WRITE, () => this.root.transactionSync(() => {
      this.meta.putSync('genesis', genesisBytesHex);
      this.putState(stateNodes, stateWrites);
      for (const [h, s] of sets) this.valsets.putSync(heightKey(h), Buffer.from(encodeValidatorSet(s)));
      this.meta.putSync('head', headJson(head));
    }));
  }

  genesisHex(): string | undefined {
    return this.guarded('read genesis', READ, () => this.meta.get('genesis'));
  }

  commitBlock(w: BlockWrite): void {
    const h = w.block.header.height;
    this.guarded(`commit block ${h}`, WRITE, () => this.root.transactionSync(() => {
      this.blocks.putSync(heightKey(h), Buffer.from(encodeBlock(w.block)));
      this.commits.putSync(heightKey(h), Buffer.from(encodeCommit(w.commit)));
      this.putState(w.stateNodes, w.stateWrites);
      for (const [sh, s] of w.validatorSets) this.valsets.putSync(heightKey(sh), Buffer.from(encodeValidatorSet(s)));
      const loc = Buffer.alloc(8 + 4);
      loc.writeBigUInt64BE(h);
      w.txHashes.forEach((hash, i) => {
        loc.writeUInt32BE(i, 8);
        this.txIndex.putSync(Buffer.from(hash), Buffer.concat([loc, Buffer.from(w.txCodes[i] ?? 'OK')]));
      });
      this.meta.putSync('head', headJson(w.head));
    }));
    this.headerCache.set(h, w.block);
    if (this.headerCache.size > 256) this.headerCache.delete(this.headerCache.keys().next().value!);
  }

  private putState(nodes: ReadonlyMap<string, Uint8Array>, writes: ReadonlyMap<string, Uint8Array | undefined>): void {
    for (const [k, v] of nodes) this.nodes.putSync(Buffer.from(k, 'hex'), Buffer.from(v));
    for (const [k, v] of writes) {
      if (v === undefined) this.values.removeSync(Buffer.from(k, 'hex'));
      else this.values.putSync(Buffer.from(k, 'hex'), Buffer.from(v));
    }
  }

  getBlock(height: bigint): Block | undefined {
    const cached = this.headerCache.get(height);
    if (cached) return cached;
    return this.guarded(`read block ${height}`, READ, () => {
      const raw = this.blocks.getBinary(heightKey(height));
      return raw ? decodeBlock(new Uint8Array(raw)) : undefined;
    });
  }

  getCommit(height: bigint): Commit | undefined {
    return this.guarded(`read commit ${height}`, READ, () => {
      const raw = this.commits.getBinary(heightKey(height));
      return raw ? decodeCommit(new Uint8Array(raw)) : undefined;
    });
  }

  getValidatorSet(height: bigint): ValidatorSet | undefined {
    return this.guarded(`read validator set ${height}`, READ, () => {
      const raw = this.valsets.getBinary(heightKey(height));
      return raw ? decodeValidatorSet(new Uint8Array(raw)) : undefined;
    });
  }

  /** Latest committed value of a raw state key. */
  getValue(rawKey: Uint8Array): Uint8Array | undefined {
    return this.guarded('read a state value', READ, () => {
      const raw = this.values.getBinary(Buffer.from(rawKey));
      return raw ? new Uint8Array(raw) : undefined;
    });
  }

  getNode(hash: Uint8Array): Uint8Array | undefined {
    return this.guarded('read a state tree node', READ, () => {
      const raw = this.nodes.getBinary(Buffer.from(hash));
      return raw ? new Uint8Array(raw) : undefined;
    });
  }

  getTx(hash: Uint8Array): TxLocation | undefined {
    return this.guarded('read the tx index', READ, () => {
      const raw = this.txIndex.getBinary(Buffer.from(hash));
      if (!raw) return undefined;
      return { height: raw.readBigUInt64BE(0), index: raw.readUInt32BE(8), code: raw.subarray(12).toString() };
    });
  }

  /**
   * Last thing this validator signed; see consensus/engine.ts `guard`. A node with a signing state
   * file (consensus/signing-state.ts) reads this only to seed that file; embedded nodes without one
   * (tests) still keep their record here.
   */
  lastSigned(): SignGuard | null {
    const raw = this.guarded('read the signing record', READ, () => this.meta.get('sign-guard'));
    if (!raw) return null;
    const j = JSON.parse(raw) as { height: string; round: number; step: number; blockHash: string };
    return { ...j, height: BigInt(j.height) };
  }

  /** Durably records a signature about to be sent. */
  recordSigned(g: SignGuard): boolean {
    this.guarded('write the signing record', WRITE, () => this.root.transactionSync(() => this.meta.putSync('sign-guard', JSON.stringify({ ...g, height: g.height.toString() }))));
    return true;
  }

  /** The lock recorded at `height`, if any (a lock from an earlier height is not decoded: it is usually a whole block). */
  lockAt(height: bigint): { height: bigint; round: number; block: Block } | null {
    return this.guarded('read the consensus lock', READ, () => {
      const raw = this.locks.getBinary(LOCK_KEY);
      if (!raw || raw.readBigUInt64BE(0) !== height) return null;
      return { height, round: raw.readUInt32BE(8), block: decodeBlock(new Uint8Array(raw.subarray(12))) };
    });
  }

  recordLock(l: { height: bigint; round: number; block: Block }): void {
    const head = Buffer.alloc(12);
    head.writeBigUInt64BE(l.height);
    head.writeUInt32BE(l.round, 8);
    this.guarded('write the consensus lock', WRITE, () => this.root.transactionSync(() => this.locks.putSync(LOCK_KEY, Buffer.concat([head, encodeBlock(l.block)]))));
  }

  /**
   * Checks that the head record agrees with what it names: its block (hash and state root) and
   * the root node of the state tree, whose hash must be that state root. Throws StoreDamagedError.
   */
  verifyHead(): void {
    const head = this.head();
    if (!head) return;
    const fail = (message: string): never => this.damage(new StoreDamagedError('state-root', this.path, message));
    if (head.height > 0n) {
      const block = this.getBlock(head.height) ?? fail(`the head is height ${head.height} but the store has no block ${head.height}`);
      if (!equalBytes(headerHash(block.header), head.blockHash)) fail(`block ${head.height} does not hash to the head's block hash`);
      if (!equalBytes(block.header.stateRoot, head.stateRoot)) fail(`block ${head.height}'s state root ${toHex(block.header.stateRoot)} differs from the head's ${toHex(head.stateRoot)}`);
    }
    if (head.stateRoot.every((b) => b === 0)) return; // the empty tree has no root node
    const node = this.getNode(head.stateRoot) ?? fail(`the state tree has no root node for the head's state root ${toHex(head.stateRoot)} (height ${head.height})`);
    if (!equalBytes(smtNodeHash(node) ?? new Uint8Array(0), head.stateRoot)) fail(`the state tree's root node does not hash to the head's state root ${toHex(head.stateRoot)} (height ${head.height})`);
  }

  /**
   * Runs a store operation; an LMDB damage error or undecodable stored bytes become
   * StoreDamagedError, and a write that failed for want of room becomes StoreWriteError.
   */
  private guarded<T>(what: string, write: boolean, fn: () => T): T {
    if (this.damaged) throw this.damaged;
    try {
      return fn();
    } catch (e) {
      if (e instanceof StoreDamagedError) throw e;
      // Checked before damage: LMDB reports a disk that filled up mid-write as EIO.
      const errno = write ? writeFailureOf(e, this.path) : null;
      if (errno) {
        const failure = new StoreWriteError(errno, this.path, `could not ${what}: ${(e as Error).message}`, { cause: e });
        this.onWriteFailure?.(failure);
        throw failure;
      }
      // Stored bytes were encoded by this node: failing to decode them means they changed on disk.
      const undecodable = e instanceof DipnetError && e.code.startsWith('DECODE_');
      if (!isLmdbDamage(e) && !undecodable) throw e;
      return this.damage(new StoreDamagedError('runtime', this.path, `could not ${what}: ${(e as Error).message}`, { cause: e }));
    }
  }

  private damage(e: StoreDamagedError): never {
    if (!this.damaged) {
      this.damaged = e;
      this.onDamage?.(e);
    }
    throw e;
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}

/** The hash of an encoded state tree node (protocol/src/smt.ts): leaf = 0 ‖ keyHash ‖ u32 len ‖ value, internal = 1 ‖ left ‖ right. */
function smtNodeHash(b: Uint8Array): Uint8Array | null {
  if (b[0] === 1 && b.length === 65) return taggedHash(HashTag.stateNode, b.subarray(1, 33), b.subarray(33, 65));
  if (b[0] === 0 && b.length >= 37) {
    const n = ((b[33]! << 24) | (b[34]! << 16) | (b[35]! << 8) | b[36]!) >>> 0;
    if (b.length === 37 + n) return smtLeafHash(b.subarray(1, 33), smtValueHash(b.subarray(37)));
  }
  return null;
}

function headJson(h: Head): string {
  return JSON.stringify({ height: h.height.toString(), blockHash: toHex(h.blockHash), stateRoot: toHex(h.stateRoot), time: h.time.toString() });
}
