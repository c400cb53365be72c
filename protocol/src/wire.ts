/**
 * Request/response messages between peers (light clients and nodes) over libp2p.
 *
 * Each method is its own libp2p protocol, `/dipnet/<chainId>/<method>/1`. A stream carries
 * exactly one request frame and one response frame, each an unsigned-varint length prefix
 * followed by the payload. The request payload is the method's request encoding; the response
 * payload is a `WireResult`: ok + the method's response encoding, or a `DipnetError` code and
 * message, so typed errors survive the trip. Every decoder is strict (see codec.ts).
 *
 * One exception, `heads`, is a long-lived push stream: the client sends one empty request frame
 * and the node then writes one frame per finalised block, each the bare `HeaderWithCommit`
 * encoding (no envelope), until either side closes the stream.
 */
import { Reader, Writer, decodeExact, encodeWith } from './codec.ts';
import { DipnetError, ErrorCode, fail } from './errors.ts';
import { HASH_LENGTH } from './hash.ts';
import { ADDRESS_LENGTH, PUBLIC_KEY_LENGTH } from './keys.ts';
import { CHAIN_ID_MAX } from './signing.ts';
import { readHeader, writeHeader, type Header } from './header.ts';
import { readCommit, writeCommit, type Commit } from './vote.ts';
import { readBlock, writeBlock, MAX_BLOCK_BYTES, type Block } from './block.ts';
import { readValidatorSet, writeValidatorSet, type ValidatorSet } from './validator-set.ts';
import { decodeSmtProof, encodeSmtProof, SMT_MAX_VALUE_BYTES, SMT_MAX_DEPTH, type SmtProof } from './smt.ts';
import { MAX_TX_BYTES } from './limits.ts';

// ---------------------------------------------------------------------------------------------
// Methods and protocol ids

export const WireMethod = {
  status: 'status',
  /** The genesis commitment (protocol/src/genesis.ts), which a client checks against its pinned genesis hash. */
  genesis: 'genesis',
  headers: 'headers',
  validators: 'validators',
  proof: 'proof',
  submitTx: 'submit-tx',
  block: 'block',
  /** Push stream of finalised heads (not request/response, see the module comment). */
  heads: 'heads',
} as const;
export type WireMethod = (typeof WireMethod)[keyof typeof WireMethod];

export const WIRE_METHODS: readonly WireMethod[] = Object.values(WireMethod);

/** The methods that carry exactly one request and one response (every method but `heads`). */
export const WIRE_REQUEST_METHODS: readonly WireMethod[] = WIRE_METHODS.filter((m) => m !== WireMethod.heads);

export const isWireMethod = (m: string): m is WireMethod => (WIRE_METHODS as readonly string[]).includes(m);

/** The libp2p protocol id serving `method` on `chainId`. */
export const wireProtocolId = (chainId: string, method: string): string => `/dipnet/${chainId}/${method}/1`;

/** Most headers one `headers` request may ask for. */
export const MAX_HEADERS_PER_REQUEST = 64;
/** Longest raw state key a `proof` request may carry. */
export const MAX_STATE_KEY_BYTES = 256;
export const MAX_MULTIADDRS = 64;
export const MAX_MULTIADDR_BYTES = 512;
export const MAX_ERROR_MESSAGE_BYTES = 1024;
const MAX_ERROR_CODE_BYTES = 64;
const MAX_SMT_PROOF_BYTES = 2 + SMT_MAX_DEPTH / 8 + SMT_MAX_DEPTH * HASH_LENGTH + 1 + 2 * HASH_LENGTH;

/** Largest request frame payload any method accepts. */
export const WIRE_MAX_REQUEST_BYTES = 64 * 1024;
/** Largest response frame payload (a full block plus its commit, with room to spare). */
export const WIRE_MAX_RESPONSE_BYTES = MAX_BLOCK_BYTES + 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Framing: unsigned-varint (LEB128, minimal) length prefix + payload

const MAX_VARINT_BYTES = 5; // lengths are < 2^32

/** The unsigned-varint length prefix of a frame whose payload is `length` bytes. */
export function encodeFramePrefix(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) throw new RangeError(`bad frame length ${length}`);
  const prefix: number[] = [];
  let v = length;
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    prefix.push(b);
  } while (v > 0);
  return Uint8Array.from(prefix);
}

export function encodeFrame(payload: Uint8Array): Uint8Array {
  const prefix = encodeFramePrefix(payload.length);
  const out = new Uint8Array(prefix.length + payload.length);
  out.set(prefix, 0);
  out.set(payload, prefix.length);
  return out;
}

/**
 * Incremental frame parser: feed it chunks as they arrive, get back whole frames. Throws
 * DECODE_OVERSIZE as soon as a length prefix exceeds `maxFrameBytes` (before buffering the
 * payload) and DECODE_NON_CANONICAL for a non-minimal or over-long varint. After a throw the
 * stream is out of sync and must be dropped.
 */
export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private expect = -1; // payload length of the frame being assembled, -1 while reading a prefix

  constructor(readonly maxFrameBytes: number) {}

  /** Bytes held that do not yet form a whole frame. */
  get pending(): number {
    return this.buffered;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    for (;;) {
      if (this.expect < 0) {
        const parsed = this.parsePrefix();
        if (parsed === null) break;
        this.consume(parsed.prefixLength);
        this.expect = parsed.length;
      }
      if (this.buffered < this.expect) break;
      frames.push(this.take(this.expect));
      this.expect = -1;
    }
    return frames;
  }

  private parsePrefix(): { length: number; prefixLength: number } | null {
    let value = 0;
    let scale = 1;
    let i = 0;
    for (const c of this.chunks) {
      for (let j = 0; j < c.length; j++) {
        const b = c[j]!;
        value += (b & 0x7f) * scale;
        i++;
        if ((b & 0x80) === 0) {
          if (i > 1 && b === 0) fail(ErrorCode.DECODE_NON_CANONICAL, 'frame length prefix is not minimal');
          if (value > this.maxFrameBytes) fail(ErrorCode.DECODE_OVERSIZE, `frame of ${value} bytes exceeds ${this.maxFrameBytes}`);
          return { length: value, prefixLength: i };
        }
        if (i >= MAX_VARINT_BYTES) fail(ErrorCode.DECODE_OVERSIZE, 'frame length prefix too long');
        scale *= 128;
        if (value > this.maxFrameBytes) fail(ErrorCode.DECODE_OVERSIZE, `frame exceeds ${this.maxFrameBytes} bytes`);
      }
    }
    return null;
  }

  private consume(n: number): void {
    this.take(n);
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const need = n - off;
      if (c.length <= need) {
        out.set(c, off);
        off += c.length;
        this.chunks.shift();
      } else {
        out.set(c.subarray(0, need), off);
        this.chunks[0] = c.subarray(need);
        off += need;
      }
    }
    this.buffered -= n;
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Response envelope

export type WireResult =
  | { readonly ok: true; readonly body: Uint8Array }
  /** `code` null: the server failed for a reason that is not a protocol error. */
  | { readonly ok: false; readonly code: ErrorCode | null; readonly message: string };

const RESULT_OK = 0;
const RESULT_ERROR = 1;
const RESULT_INTERNAL = 2;
const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Makes arbitrary error text encodable: no control characters, NFC, at most `maxBytes` of UTF-8. */
export function sanitizeWireText(text: string, maxBytes = MAX_ERROR_MESSAGE_BYTES): string {
  let s = String(text).replace(CONTROL_CHARS, ' ').normalize('NFC');
  const enc = new TextEncoder();
  if (enc.encode(s).length <= maxBytes) return s;
  // Trim by code points until it fits, then re-normalise (trimming never de-normalises NFC text
  // except at a combining boundary, which normalising again repairs without growing it).
  const cps = Array.from(s);
  let lo = 0;
  let hi = cps.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (enc.encode(cps.slice(0, mid).join('')).length <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  s = cps.slice(0, lo).join('').normalize('NFC');
  return s;
}

export function encodeWireResult(r: WireResult): Uint8Array {
  if (r.ok) {
    const w = new Writer(r.body.length + 8);
    w.u8(RESULT_OK).bytes(r.body, WIRE_MAX_RESPONSE_BYTES);
    return w.finish();
  }
  const w = new Writer(128);
  if (r.code === null) w.u8(RESULT_INTERNAL);
  else w.u8(RESULT_ERROR).string(r.code, MAX_ERROR_CODE_BYTES);
  w.string(sanitizeWireText(r.message), MAX_ERROR_MESSAGE_BYTES);
  return w.finish();
}

export const decodeWireResult = (b: Uint8Array): WireResult =>
  decodeExact(
    b,
    (r): WireResult => {
      const tag = r.u8('result tag');
      if (tag === RESULT_OK) return { ok: true, body: r.bytes(WIRE_MAX_RESPONSE_BYTES, 'result body') };
      if (tag === RESULT_ERROR) {
        const code = r.string(MAX_ERROR_CODE_BYTES, 'error code');
        if (!KNOWN_CODES.has(code)) fail(ErrorCode.DECODE_UNKNOWN_TAG, `unknown error code ${JSON.stringify(code)}`);
        return { ok: false, code: code as ErrorCode, message: r.string(MAX_ERROR_MESSAGE_BYTES, 'error message') };
      }
      if (tag === RESULT_INTERNAL) return { ok: false, code: null, message: r.string(MAX_ERROR_MESSAGE_BYTES, 'error message') };
      fail(ErrorCode.DECODE_UNKNOWN_TAG, `unknown result tag ${tag}`);
    },
    'wire result',
  );

/** The envelope for a thrown error: DipnetErrors keep their code, anything else is internal. */
export function wireResultFromError(err: unknown): WireResult {
  if (err instanceof DipnetError) return { ok: false, code: err.code, message: err.message };
  return { ok: false, code: null, message: err instanceof Error ? err.message : String(err) };
}

// ---------------------------------------------------------------------------------------------
// status

export interface StatusResponse {
  readonly chainId: string;
  readonly genesisHash: Uint8Array;
  /** Latest finalised height (0 before block 1). */
  readonly height: bigint;
  readonly headHash: Uint8Array;
  readonly headTime: bigint;
  readonly stateRoot: Uint8Array;
  /** Lowest height whose state proofs the node still serves. */
  readonly earliestStateHeight: bigint;
  readonly validator: { readonly address: Uint8Array; readonly publicKey: Uint8Array } | null;
  readonly peers: number;
  readonly mempoolSize: number;
  readonly multiaddrs: readonly string[];
}

export const encodeStatusRequest = (): Uint8Array => new Uint8Array(0);
export const decodeStatusRequest = (b: Uint8Array): void => decodeExact(b, () => undefined, 'status request');

export function writeStatusResponse(w: Writer, s: StatusResponse): void {
  w.string(s.chainId, CHAIN_ID_MAX).fixed(s.genesisHash, HASH_LENGTH).u64(s.height).fixed(s.headHash, HASH_LENGTH)
    .u64(s.headTime).fixed(s.stateRoot, HASH_LENGTH).u64(s.earliestStateHeight)
    .optional(s.validator, (w, v) => w.fixed(v.address, ADDRESS_LENGTH).fixed(v.publicKey, PUBLIC_KEY_LENGTH))
    .u32(s.peers).u32(s.mempoolSize)
    .array(s.multiaddrs, MAX_MULTIADDRS, (w, a) => w.string(a, MAX_MULTIADDR_BYTES));
}

export function readStatusResponse(r: Reader): StatusResponse {
  return {
    chainId: r.string(CHAIN_ID_MAX, 'chainId'),
    genesisHash: r.fixed(HASH_LENGTH, 'genesisHash'),
    height: r.u64('height'),
    headHash: r.fixed(HASH_LENGTH, 'headHash'),
    headTime: r.u64('headTime'),
    stateRoot: r.fixed(HASH_LENGTH, 'stateRoot'),
    earliestStateHeight: r.u64('earliestStateHeight'),
    validator: r.optional((r) => ({ address: r.fixed(ADDRESS_LENGTH, 'validator address'), publicKey: r.fixed(PUBLIC_KEY_LENGTH, 'validator key') }), 'validator'),
    peers: r.u32('peers'),
    mempoolSize: r.u32('mempoolSize'),
    multiaddrs: r.array(MAX_MULTIADDRS, (r) => r.string(MAX_MULTIADDR_BYTES, 'multiaddr'), 'multiaddrs'),
  };
}

export const encodeStatusResponse = (s: StatusResponse): Uint8Array => encodeWith(s, writeStatusResponse, 512);
export const decodeStatusResponse = (b: Uint8Array): StatusResponse => decodeExact(b, readStatusResponse, 'status response');

// ---------------------------------------------------------------------------------------------
// headers: headers and their commits for heights fromHeight, fromHeight+1, … (at most `count`)

export interface HeadersRequest {
  readonly fromHeight: bigint;
  readonly count: number;
}
export interface HeaderWithCommit {
  readonly header: Header;
  readonly commit: Commit;
}
export interface HeadersResponse {
  readonly items: readonly HeaderWithCommit[];
}

function checkHeadersRequest(q: HeadersRequest, onError: (msg: string) => never): void {
  if (q.fromHeight < 1n) onError('headers: fromHeight must be at least 1');
  if (q.count < 1 || q.count > MAX_HEADERS_PER_REQUEST) onError(`headers: count must be 1..${MAX_HEADERS_PER_REQUEST}`);
}

export function encodeHeadersRequest(q: HeadersRequest): Uint8Array {
  checkHeadersRequest(q, (m) => {
    throw new RangeError(m);
  });
  return new Writer(12).u64(q.fromHeight).u32(q.count).finish();
}

export const decodeHeadersRequest = (b: Uint8Array): HeadersRequest =>
  decodeExact(
    b,
    (r) => {
      const q = { fromHeight: r.u64('fromHeight'), count: r.u32('count') };
      checkHeadersRequest(q, (m) => fail(ErrorCode.INVALID_ARGUMENT, m));
      return q;
    },
    'headers request',
  );

export function encodeHeadersResponse(s: HeadersResponse): Uint8Array {
  return encodeWith(s, (w, s) => w.array(s.items, MAX_HEADERS_PER_REQUEST, (w, it) => {
    writeHeader(w, it.header);
    writeCommit(w, it.commit);
  }), 1024 * Math.max(1, s.items.length));
}

export const decodeHeadersResponse = (b: Uint8Array): HeadersResponse =>
  decodeExact(
    b,
    (r) => {
      const items = r.array(MAX_HEADERS_PER_REQUEST, (r) => ({ header: readHeader(r), commit: readCommit(r) }), 'headers');
      for (let i = 0; i < items.length; i++) {
        if (items[i]!.commit.height !== items[i]!.header.height) fail(ErrorCode.DECODE_NON_CANONICAL, 'headers: commit height differs from header height');
        if (i === 0) continue;
        if (items[i]!.header.height !== items[i - 1]!.header.height + 1n) {
          fail(ErrorCode.DECODE_NON_CANONICAL, 'headers: heights must be consecutive');
        }
      }
      return { items };
    },
    'headers response',
  );

// ---------------------------------------------------------------------------------------------
// genesis: empty request; the response is the bare `GenesisCommitment` encoding

export const encodeGenesisRequest = (): Uint8Array => new Uint8Array(0);
export const decodeGenesisRequest = (b: Uint8Array): void => decodeExact(b, () => undefined, 'genesis request');

// ---------------------------------------------------------------------------------------------
// validators: the validator set that signs the block at `height`

export interface ValidatorsRequest {
  readonly height: bigint;
}
export interface ValidatorsResponse {
  readonly height: bigint;
  readonly validatorSet: ValidatorSet;
}

export const encodeValidatorsRequest = (q: ValidatorsRequest): Uint8Array => new Writer(8).u64(q.height).finish();
export const decodeValidatorsRequest = (b: Uint8Array): ValidatorsRequest =>
  decodeExact(b, (r) => ({ height: r.u64('height') }), 'validators request');

export const encodeValidatorsResponse = (s: ValidatorsResponse): Uint8Array =>
  encodeWith(s, (w, s) => {
    w.u64(s.height);
    writeValidatorSet(w, s.validatorSet);
  }, 64 + 40 * s.validatorSet.validators.length);
export const decodeValidatorsResponse = (b: Uint8Array): ValidatorsResponse =>
  decodeExact(b, (r) => ({ height: r.u64('height'), validatorSet: readValidatorSet(r) }), 'validators response');

// ---------------------------------------------------------------------------------------------
// proof: a state value and its proof against the state root of the header at `height`

export interface ProofRequest {
  readonly key: Uint8Array;
  /** null: the node's latest height. */
  readonly height: bigint | null;
}
export interface ProofResponse {
  readonly height: bigint;
  readonly key: Uint8Array;
  /** null when the key is absent (the proof is then a non-inclusion proof). */
  readonly value: Uint8Array | null;
  readonly proof: SmtProof;
  readonly stateRoot: Uint8Array;
}

export const encodeProofRequest = (q: ProofRequest): Uint8Array =>
  encodeWith(q, (w, q) => w.bytes(q.key, MAX_STATE_KEY_BYTES).optional(q.height, (w, h) => w.u64(h)), 64 + q.key.length);
export const decodeProofRequest = (b: Uint8Array): ProofRequest =>
  decodeExact(b, (r) => ({ key: r.bytes(MAX_STATE_KEY_BYTES, 'key'), height: r.optional((r) => r.u64('height'), 'height') }), 'proof request');

export const encodeProofResponse = (s: ProofResponse): Uint8Array =>
  encodeWith(s, (w, s) => {
    w.u64(s.height).bytes(s.key, MAX_STATE_KEY_BYTES)
      .optional(s.value, (w, v) => w.bytes(v, SMT_MAX_VALUE_BYTES))
      .bytes(encodeSmtProof(s.proof), MAX_SMT_PROOF_BYTES)
      .fixed(s.stateRoot, HASH_LENGTH);
  }, 1024);
export const decodeProofResponse = (b: Uint8Array): ProofResponse =>
  decodeExact(
    b,
    (r) => ({
      height: r.u64('height'),
      key: r.bytes(MAX_STATE_KEY_BYTES, 'key'),
      value: r.optional((r) => r.bytes(SMT_MAX_VALUE_BYTES, 'value'), 'value'),
      proof: decodeSmtProof(r.bytes(MAX_SMT_PROOF_BYTES, 'proof')),
      stateRoot: r.fixed(HASH_LENGTH, 'stateRoot'),
    }),
    'proof response',
  );

// ---------------------------------------------------------------------------------------------
// submit-tx

export interface SubmitTxRequest {
  /** Signed tx encoding. */
  readonly tx: Uint8Array;
}
export interface SubmitTxResponse {
  readonly txHash: Uint8Array;
}

export const encodeSubmitTxRequest = (q: SubmitTxRequest): Uint8Array => new Writer(q.tx.length + 4).bytes(q.tx, MAX_TX_BYTES).finish();
export const decodeSubmitTxRequest = (b: Uint8Array): SubmitTxRequest =>
  decodeExact(b, (r) => ({ tx: r.bytes(MAX_TX_BYTES, 'tx') }), 'submit-tx request');

export const encodeSubmitTxResponse = (s: SubmitTxResponse): Uint8Array => new Writer(HASH_LENGTH).fixed(s.txHash, HASH_LENGTH).finish();
export const decodeSubmitTxResponse = (b: Uint8Array): SubmitTxResponse =>
  decodeExact(b, (r) => ({ txHash: r.fixed(HASH_LENGTH, 'txHash') }), 'submit-tx response');

// ---------------------------------------------------------------------------------------------
// block: a finalised block and the commit that finalised it (nodes catching up)

export interface BlockRequest {
  readonly height: bigint;
}
export interface BlockResponse {
  readonly block: Block;
  readonly commit: Commit;
}

export const encodeBlockRequest = (q: BlockRequest): Uint8Array => new Writer(8).u64(q.height).finish();
export const decodeBlockRequest = (b: Uint8Array): BlockRequest =>
  decodeExact(b, (r) => ({ height: r.u64('height') }), 'block request');

export function encodeBlockResponse(s: BlockResponse): Uint8Array {
  const w = new Writer(2048 + s.block.txs.reduce((n, t) => n + t.length + 4, 0));
  writeBlock(w, s.block);
  writeCommit(w, s.commit);
  return w.finish();
}
export const decodeBlockResponse = (b: Uint8Array): BlockResponse =>
  decodeExact(
    b,
    (r) => {
      const block = readBlock(r);
      const commit = readCommit(r);
      if (commit.height !== block.header.height) fail(ErrorCode.DECODE_NON_CANONICAL, 'block response: commit height differs from block height');
      return { block, commit };
    },
    'block response',
  );

// ---------------------------------------------------------------------------------------------
// heads: push stream; an empty request frame, then one HeaderWithCommit frame per finalised block

/** Largest head frame: a header plus a commit signed by every validator, with room to spare. */
export const WIRE_MAX_HEAD_FRAME_BYTES = 64 * 1024;

export const encodeHeadsRequest = (): Uint8Array => new Uint8Array(0);
export const decodeHeadsRequest = (b: Uint8Array): void => decodeExact(b, () => undefined, 'heads request');

export const encodeHeadEvent = (e: HeaderWithCommit): Uint8Array =>
  encodeWith(e, (w, e) => {
    writeHeader(w, e.header);
    writeCommit(w, e.commit);
  }, 1024);

export const decodeHeadEvent = (b: Uint8Array): HeaderWithCommit =>
  decodeExact(
    b,
    (r) => {
      const header = readHeader(r);
      const commit = readCommit(r);
      if (commit.height !== header.height) fail(ErrorCode.DECODE_NON_CANONICAL, 'head event: commit height differs from header height');
      return { header, commit };
    },
    'head event',
  );
