/**
 * The validator's signing state: the last (height, round, step) it signed and the block hash it
 * signed there, kept in a small file next to its key — as CometBFT keeps
 * `priv_validator_state.json` beside `priv_validator_key.json` — so wiping, losing or restoring
 * the chain store cannot make the validator forget what it signed (issue 23).
 *
 * Every record is durable before the signature exists: write a temp file, fsync it, rename it
 * over the file, fsync the directory. The consensus engine (engine.ts `guard`) signs nothing at
 * or below the record except the very thing recorded.
 *
 * A missing file is only harmless on a chain still at genesis. So, without
 * `allowMissing` (`dipnet node --allow-missing-signing-state`):
 *  - the store's older record (`sign-guard`, written by earlier versions) seeds the file;
 *  - otherwise, a store past genesis means the file was lost: signing is refused;
 *  - an empty store defers the decision to the first peer that answers with this chain's status:
 *    a peer past genesis refuses signing, a peer at genesis creates the file (a new chain).
 *    A validator holding more than 2/3 of the power needs no peer to know it is at genesis.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SignerState } from './engine.ts';
import { SigningStateError } from '../store/store-errors.ts';

export const SIGNING_STATE_FILE = 'signing-state.json';

/** ready: signs (above its record); waiting: empty store, no peer has answered yet; refused: file lost on a running chain. */
export type SigningStatus = 'ready' | 'waiting-for-peers' | 'refused';

export interface SigningStateLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OpenSigningStateOptions {
  /** Hex genesis hash of the chain: a file written for another chain is refused. */
  readonly genesisHash: string;
  /** The chain store's head height. */
  readonly storeHeight: bigint;
  /** The chain store's own record (`ChainStore.lastSigned`), from versions before this file. */
  readonly legacy: SignerState | null;
  readonly allowMissing: boolean;
  /** This validator alone holds > 2/3 of the voting power: no peer can be ahead of it. */
  readonly soleQuorum: boolean;
  readonly log: SigningStateLogger;
}

interface FileJson { genesisHash: string; height: string; round: number; step: number; blockHash: string }

const REFUSAL_LOG_MS = 30_000;

const order = (a: SignerState, b: SignerState): number =>
  a.height !== b.height ? (a.height > b.height ? 1 : -1) : a.round !== b.round ? a.round - b.round : a.step - b.step;

export class SigningState {
  private last: SignerState | null = null;
  private state: SigningStatus = 'ready';
  private lastRefusalLog = 0;

  private constructor(readonly path: string, private readonly genesisHash: string, private readonly log: SigningStateLogger) {}

  /** Reads (or decides how to start without) the signing state at `path`; throws SigningStateError if it is unusable. */
  static open(path: string, o: OpenSigningStateOptions): SigningState {
    const s = new SigningState(path, o.genesisHash, o.log);
    const fromFile = existsSync(path) ? s.read() : null;
    if (fromFile) {
      // A file restored from an older backup must not undercut the store's own newer record.
      s.last = o.legacy && order(o.legacy, fromFile) > 0 ? o.legacy : fromFile;
      return s;
    }
    if (o.legacy) {
      s.last = o.legacy;
      s.write(o.legacy);
      o.log.info({ path, height: o.legacy.height.toString() }, 'signing state: created from the store\'s record (upgrade)');
      return s;
    }
    if (o.allowMissing || o.soleQuorum) {
      s.start(o.storeHeight, o.allowMissing ? 'allowed by --allow-missing-signing-state' : 'this validator alone holds a quorum');
      return s;
    }
    if (o.storeHeight >= 1n) {
      s.refuse(`the store is at height ${o.storeHeight}`);
      return s;
    }
    s.state = 'waiting-for-peers';
    o.log.warn({ path }, 'signing state missing and the store is empty: not signing until a peer shows whether the chain is past genesis');
    return s;
  }

  get status(): SigningStatus {
    return this.state;
  }

  lastSigned(): SignerState | null {
    return this.last;
  }

  /**
   * Makes `s` durable; returns false (sign nothing) if signing is not allowed or the file cannot
   * be written. The caller has already checked `s` against `lastSigned()`.
   */
  record(s: SignerState): boolean {
    if (this.state !== 'ready') {
      if (Date.now() - this.lastRefusalLog > REFUSAL_LOG_MS) {
        this.lastRefusalLog = Date.now();
        this.log.error({ path: this.path, height: s.height.toString(), status: this.state }, `not signing: signing state ${this.state === 'refused' ? 'missing on a chain past genesis (restore the file, or start with --allow-missing-signing-state once you are sure this key signed nothing at these heights)' : 'missing; waiting for a peer'}`);
      }
      return false;
    }
    try {
      this.write(s);
    } catch (e) {
      this.log.error({ path: this.path, err: String(e) }, 'not signing: the signing state cannot be written');
      return false;
    }
    this.last = s;
    return true;
  }

  /** A peer of this chain reported its height: settles a missing file on an empty store. */
  peerHeight(height: bigint): void {
    if (this.state !== 'waiting-for-peers') return;
    if (height >= 1n) this.refuse(`a peer is at height ${height}`);
    else this.start(0n, 'peers are at genesis');
  }

  private start(height: bigint, why: string): void {
    const s: SignerState = { height, round: 0, step: 0, blockHash: '' };
    this.write(s);
    this.last = s;
    this.state = 'ready';
    this.log.warn({ path: this.path, height: height.toString() }, `signing state created (${why})`);
  }

  private refuse(why: string): void {
    this.state = 'refused';
    this.log.error({ path: this.path }, `signing state missing on a chain past genesis (${why}): this validator will not sign. Restore ${basename(this.path)} from where it was lost, or start with --allow-missing-signing-state once you are sure this key signed nothing the chain has not finalised`);
  }

  private read(): SignerState {
    let j: FileJson;
    try {
      j = JSON.parse(readFileSync(this.path, 'utf8')) as FileJson;
      if (typeof j.height !== 'string' || !/^\d+$/.test(j.height) || !Number.isInteger(j.round) || !Number.isInteger(j.step) || typeof j.blockHash !== 'string') throw new Error('fields missing or malformed');
    } catch (e) {
      throw new SigningStateError('SIGNING_STATE_UNREADABLE', this.path, `cannot read the signing state ${this.path}: ${(e as Error).message}`, { cause: e });
    }
    if (j.genesisHash !== this.genesisHash) {
      throw new SigningStateError('SIGNING_STATE_OTHER_CHAIN', this.path, `the signing state ${this.path} belongs to the chain with genesis ${j.genesisHash}, not ${this.genesisHash}`);
    }
    return { height: BigInt(j.height), round: j.round, step: j.step, blockHash: j.blockHash };
  }

  /** temp file → fsync → rename → fsync the directory: after a crash the file is the old or the new record, never torn. */
  private write(s: SignerState): void {
    const json: FileJson = { genesisHash: this.genesisHash, height: s.height.toString(), round: s.round, step: s.step, blockHash: s.blockHash };
    const tmp = join(dirname(this.path), `.${basename(this.path)}.tmp`);
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify(json) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
      const dirFd = openSync(dirname(this.path), 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    } catch (e) {
      throw new SigningStateError('SIGNING_STATE_UNWRITABLE', this.path, `cannot write the signing state ${this.path}: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** Writes the signing state of a validator that has signed nothing (CometBFT's `init` does the same). */
export function initSigningState(path: string, genesisHash: string): void {
  if (existsSync(path)) return;
  const quiet = { info() {}, warn() {}, error() {} };
  SigningState.open(path, { genesisHash, storeHeight: 0n, legacy: null, allowMissing: true, soleQuorum: false, log: quiet });
}
