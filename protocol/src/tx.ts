/**
 * Transactions. A tx is signed by one Ed25519 key, which must pass the key rule
 * (public-key-check.ts: decoding refuses a small-order or non-canonical signer with
 * PUBLIC_KEY_INVALID); its account is the key's address. The nonce
 * must equal the account's next nonce (no replays, no gaps), the fee is the most the signer
 * pays, and the body is a tagged union that later rules extend by adding kinds.
 */
import { Reader, Writer, decodeExact } from './codec.ts';
import { HashTag, tagPrefix, digestParts } from './hash.ts';
import { sign, addressOf, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, ADDRESS_LENGTH, type SignatureVerifier } from './keys.ts';
import { signBytes, SignDomain, CHAIN_ID_MAX } from './signing.ts';
import { checkPublicKey } from './public-key-check.ts';
import { ErrorCode, fail } from './errors.ts';
import { MAX_TX_BYTES, MEMO_MAX, MONIKER_MAX, TOKEN_SYMBOL_MAX, TOKEN_NAME_MAX, TOKEN_DECIMALS_MAX, MAX_ARGS_BYTES, METADATA_URI_MAX } from './limits.ts';
import { MAX_TEMPLATE_BYTES, MAX_NAME } from './contracts/template.ts';
import { ID_LENGTH } from './contracts/values.ts';
import { GovBody, readGovAction, writeGovAction, type GovAction } from './governance/records.ts';
import { MAX_PARAMS_BYTES, PRODUCT_NAME_MAX, MAX_QUANTITY, readCommitteeAction, writeCommitteeAction, type CommitteeAction } from './contracts/records.ts';

/** Tx kinds; numbers are part of the encoding and never reused. */
export const TxKind = {
  transfer: 1,
  registerValidator: 2,
  bond: 3,
  unbond: 4,
  submitTemplate: 5,
  reviewTemplate: 6,
  committeeVote: 7,
  createProduct: 8,
  placeOrder: 9,
  fireTransition: 10,
  registerCandidate: 11,
  electionVote: 12,
  boardVote: 13,
  proposeResolution: 14,
  decideResolution: 15,
  issueToken: 16,
  tokenTransfer: 17,
  tokenMint: 18,
} as const;

/** The currency id of DPN itself in product records and createProduct: 32 zero bytes. */
export const DPN_CURRENCY = new Uint8Array(32);

/** Tx kinds that run contract code: they are metered in gas and, once included, may fail and still pay. */
export const CONTRACT_TX_TYPES = new Set<TxBody['type']>(['submitTemplate', 'reviewTemplate', 'committeeVote', 'createProduct', 'placeOrder', 'fireTransition']);

export type TxBody =
  | { readonly type: 'transfer'; readonly to: Uint8Array; readonly amount: bigint; readonly memo: string }
  /** Makes the signer's key a validator candidate with an initial self-bond. */
  | { readonly type: 'registerValidator'; readonly moniker: string; readonly selfBond: bigint }
  /** Bonds the signer's spendable DPN to a registered validator. */
  | { readonly type: 'bond'; readonly validator: Uint8Array; readonly amount: bigint }
  /** Starts unbonding; the DPN returns after the unbonding period of chain time. */
  | { readonly type: 'unbond'; readonly validator: Uint8Array; readonly amount: bigint }
  /** Publishes a template for committee review, paying the review fee into the review pool. */
  | { readonly type: 'submitTemplate'; readonly code: Uint8Array; readonly designerFee: bigint }
  /** A committee member's approve/reject vote on a pending template. */
  | { readonly type: 'reviewTemplate'; readonly template: Uint8Array; readonly approve: boolean }
  /** A committee member's vote on a bounty and/or deprecation; it executes at the threshold. */
  | { readonly type: 'committeeVote'; readonly action: CommitteeAction; readonly approve: boolean }
  /** Instantiates an approved template into a product contract owned by the signer. */
  | {
      readonly type: 'createProduct'; readonly template: Uint8Array; readonly name: string; readonly metadataUri: string;
      readonly metadataHash: Uint8Array; readonly price: bigint; readonly leadTimeMs: bigint; readonly params: Uint8Array;
      /** DPN_CURRENCY (the default when absent), or the id of a token the producer issued: orders then pay and settle in it. */
      readonly currency?: Uint8Array;
    }
  /** Buys `quantity` of a product: escrows price + designer fee (at most `maxTotal`) and starts its contracts. */
  | { readonly type: 'placeOrder'; readonly product: Uint8Array; readonly quantity: number; readonly maxTotal: bigint; readonly shipping: Uint8Array }
  /** Fires a signed transition (a milestone, a bid, a confirmation) on an order. */
  | { readonly type: 'fireTransition'; readonly order: Uint8Array; readonly transition: string; readonly args: Uint8Array }
  /** Stands for the representatives in an open election. */
  | { readonly type: 'registerCandidate'; readonly election: bigint }
  /** A holder's vote: weight = balance × coin-age at the election's opening (governance/coin-age.ts). */
  | { readonly type: 'electionVote'; readonly election: bigint; readonly candidate: Uint8Array }
  /** A representative's vote for a board member (one of the representatives). */
  | { readonly type: 'boardVote'; readonly election: bigint; readonly candidate: Uint8Array }
  /** A board (unanimous) or committee (threshold) member proposes; proposing counts as approving. */
  | { readonly type: 'proposeResolution'; readonly body: GovBody; readonly action: GovAction; readonly deadline: bigint; readonly activationHeight: bigint }
  | { readonly type: 'decideResolution'; readonly resolution: Uint8Array; readonly approve: boolean }
  /** Issues a fungible token; the whole `supply` goes to the issuer, who may mint more if `mintable`. */
  | { readonly type: 'issueToken'; readonly symbol: string; readonly name: string; readonly decimals: number; readonly supply: bigint; readonly mintable: boolean }
  | { readonly type: 'tokenTransfer'; readonly token: Uint8Array; readonly to: Uint8Array; readonly amount: bigint }
  /** Only the issuer of a mintable token may mint. */
  | { readonly type: 'tokenMint'; readonly token: Uint8Array; readonly to: Uint8Array; readonly amount: bigint };

export interface Tx {
  readonly chainId: string;
  readonly signer: Uint8Array; // Ed25519 public key
  readonly nonce: bigint;
  readonly fee: bigint;
  readonly body: TxBody;
}

export interface SignedTx {
  readonly tx: Tx;
  readonly signature: Uint8Array;
}

function writeBody(w: Writer, b: TxBody): void {
  switch (b.type) {
    case 'transfer':
      w.u16(TxKind.transfer).fixed(b.to, ADDRESS_LENGTH).u128(b.amount).string(b.memo, MEMO_MAX);
      return;
    case 'registerValidator':
      w.u16(TxKind.registerValidator).string(b.moniker, MONIKER_MAX).u128(b.selfBond);
      return;
    case 'bond':
      w.u16(TxKind.bond).fixed(b.validator, ADDRESS_LENGTH).u128(b.amount);
      return;
    case 'unbond':
      w.u16(TxKind.unbond).fixed(b.validator, ADDRESS_LENGTH).u128(b.amount);
      return;
    case 'submitTemplate':
      w.u16(TxKind.submitTemplate).bytes(b.code, MAX_TEMPLATE_BYTES).u128(b.designerFee);
      return;
    case 'reviewTemplate':
      w.u16(TxKind.reviewTemplate).fixed(b.template, ID_LENGTH).bool(b.approve);
      return;
    case 'committeeVote':
      w.u16(TxKind.committeeVote);
      writeCommitteeAction(w, b.action);
      w.bool(b.approve);
      return;
    case 'createProduct':
      w.u16(TxKind.createProduct).fixed(b.template, ID_LENGTH).string(b.name, PRODUCT_NAME_MAX).string(b.metadataUri, METADATA_URI_MAX).fixed(b.metadataHash, ID_LENGTH)
        .u128(b.price).u64(b.leadTimeMs).bytes(b.params, MAX_PARAMS_BYTES).fixed(b.currency ?? DPN_CURRENCY, ID_LENGTH);
      return;
    case 'placeOrder':
      w.u16(TxKind.placeOrder).fixed(b.product, ID_LENGTH).u32(b.quantity).u128(b.maxTotal).fixed(b.shipping, ID_LENGTH);
      return;
    case 'fireTransition':
      w.u16(TxKind.fireTransition).fixed(b.order, ID_LENGTH).string(b.transition, MAX_NAME).bytes(b.args, MAX_ARGS_BYTES);
      return;
    case 'registerCandidate':
      w.u16(TxKind.registerCandidate).u64(b.election);
      return;
    case 'electionVote':
      w.u16(TxKind.electionVote).u64(b.election).fixed(b.candidate, ADDRESS_LENGTH);
      return;
    case 'boardVote':
      w.u16(TxKind.boardVote).u64(b.election).fixed(b.candidate, ADDRESS_LENGTH);
      return;
    case 'proposeResolution':
      w.u16(TxKind.proposeResolution).u8(GovBody[b.body]);
      writeGovAction(w, b.action);
      w.u64(b.deadline).u64(b.activationHeight);
      return;
    case 'decideResolution':
      w.u16(TxKind.decideResolution).fixed(b.resolution, ID_LENGTH).bool(b.approve);
      return;
    case 'issueToken':
      w.u16(TxKind.issueToken).string(b.symbol, TOKEN_SYMBOL_MAX).string(b.name, TOKEN_NAME_MAX).u8(b.decimals).u128(b.supply).bool(b.mintable);
      return;
    case 'tokenTransfer':
      w.u16(TxKind.tokenTransfer).fixed(b.token, ID_LENGTH).fixed(b.to, ADDRESS_LENGTH).u128(b.amount);
      return;
    case 'tokenMint':
      w.u16(TxKind.tokenMint).fixed(b.token, ID_LENGTH).fixed(b.to, ADDRESS_LENGTH).u128(b.amount);
      return;
  }
}

function readBody(r: Reader): TxBody {
  const kind = r.u16('tx kind');
  switch (kind) {
    case TxKind.transfer:
      return { type: 'transfer', to: r.fixedView(ADDRESS_LENGTH, 'to'), amount: r.u128('amount'), memo: r.string(MEMO_MAX, 'memo') };
    case TxKind.registerValidator:
      return { type: 'registerValidator', moniker: r.string(MONIKER_MAX, 'moniker'), selfBond: r.u128('selfBond') };
    case TxKind.bond:
      return { type: 'bond', validator: r.fixed(ADDRESS_LENGTH, 'validator'), amount: r.u128('amount') };
    case TxKind.unbond:
      return { type: 'unbond', validator: r.fixed(ADDRESS_LENGTH, 'validator'), amount: r.u128('amount') };
    case TxKind.submitTemplate:
      return { type: 'submitTemplate', code: r.bytes(MAX_TEMPLATE_BYTES, 'code'), designerFee: r.u128('designerFee') };
    case TxKind.reviewTemplate:
      return { type: 'reviewTemplate', template: r.fixed(ID_LENGTH, 'template'), approve: r.bool('approve') };
    case TxKind.committeeVote:
      return { type: 'committeeVote', action: readCommitteeAction(r), approve: r.bool('approve') };
    case TxKind.createProduct:
      return {
        type: 'createProduct', template: r.fixed(ID_LENGTH, 'template'), name: r.string(PRODUCT_NAME_MAX, 'name'), metadataUri: r.string(METADATA_URI_MAX, 'metadataUri'),
        metadataHash: r.fixed(ID_LENGTH, 'metadataHash'), price: r.u128('price'), leadTimeMs: r.u64('leadTimeMs'), params: r.bytes(MAX_PARAMS_BYTES, 'params'),
        currency: r.fixed(ID_LENGTH, 'currency'),
      };
    case TxKind.placeOrder: {
      const b = { type: 'placeOrder' as const, product: r.fixed(ID_LENGTH, 'product'), quantity: r.u32('quantity'), maxTotal: r.u128('maxTotal'), shipping: r.fixed(ID_LENGTH, 'shipping') };
      if (b.quantity < 1 || b.quantity > MAX_QUANTITY) fail(ErrorCode.TX_INVALID, `quantity must be 1..${MAX_QUANTITY}`);
      return b;
    }
    case TxKind.fireTransition:
      return { type: 'fireTransition', order: r.fixed(ID_LENGTH, 'order'), transition: r.string(MAX_NAME, 'transition'), args: r.bytes(MAX_ARGS_BYTES, 'args') };
    case TxKind.registerCandidate:
      return { type: 'registerCandidate', election: r.u64('election') };
    case TxKind.electionVote:
      return { type: 'electionVote', election: r.u64('election'), candidate: r.fixed(ADDRESS_LENGTH, 'candidate') };
    case TxKind.boardVote:
      return { type: 'boardVote', election: r.u64('election'), candidate: r.fixed(ADDRESS_LENGTH, 'candidate') };
    case TxKind.proposeResolution: {
      const body = r.u8('body');
      if (body > 1) fail(ErrorCode.DECODE_NON_CANONICAL, `unknown proposal body ${body}`);
      return { type: 'proposeResolution', body: body === 0 ? 'board' : 'committee', action: readGovAction(r), deadline: r.u64('deadline'), activationHeight: r.u64('activationHeight') };
    }
    case TxKind.decideResolution:
      return { type: 'decideResolution', resolution: r.fixed(ID_LENGTH, 'resolution'), approve: r.bool('approve') };
    case TxKind.issueToken: {
      const b = { type: 'issueToken' as const, symbol: r.string(TOKEN_SYMBOL_MAX, 'symbol'), name: r.string(TOKEN_NAME_MAX, 'name'), decimals: r.u8('decimals'), supply: r.u128('supply'), mintable: r.bool('mintable') };
      if (!/^[A-Z][A-Z0-9]{1,11}$/.test(b.symbol)) fail(ErrorCode.TX_INVALID, 'token symbol must be 2-12 capital letters or digits, starting with a letter');
      if (b.decimals > TOKEN_DECIMALS_MAX) fail(ErrorCode.TX_INVALID, `token decimals must be at most ${TOKEN_DECIMALS_MAX}`);
      return b;
    }
    case TxKind.tokenTransfer:
      return { type: 'tokenTransfer', token: r.fixed(ID_LENGTH, 'token'), to: r.fixed(ADDRESS_LENGTH, 'to'), amount: r.u128('amount') };
    case TxKind.tokenMint:
      return { type: 'tokenMint', token: r.fixed(ID_LENGTH, 'token'), to: r.fixed(ADDRESS_LENGTH, 'to'), amount: r.u128('amount') };
    default:
      return fail(ErrorCode.TX_UNKNOWN_TYPE, `unknown tx kind ${kind}`);
  }
}

export function writeTx(w: Writer, tx: Tx): void {
  w.string(tx.chainId, CHAIN_ID_MAX).fixed(tx.signer, PUBLIC_KEY_LENGTH).u64(tx.nonce).u128(tx.fee);
  writeBody(w, tx.body);
}

export function readTx(r: Reader): Tx {
  const chainId = r.string(CHAIN_ID_MAX, 'chainId');
  const signer = r.fixedView(PUBLIC_KEY_LENGTH, 'signer');
  // Before any signature is checked against it: under a small-order key anyone can sign.
  checkPublicKey(signer, 'tx signer');
  return {
    chainId,
    signer,
    nonce: r.u64('nonce'),
    fee: r.u128('fee'),
    body: readBody(r),
  };
}

export function encodeTx(tx: Tx): Uint8Array {
  const w = new Writer(160);
  writeTx(w, tx);
  return w.finish();
}

export function encodeSignedTx(stx: SignedTx): Uint8Array {
  const w = new Writer(224);
  writeTx(w, stx.tx);
  w.fixed(stx.signature, SIGNATURE_LENGTH);
  return w.finish();
}

export function decodeSignedTx(bytes: Uint8Array): SignedTx {
  if (bytes.length > MAX_TX_BYTES) fail(ErrorCode.TX_OVERSIZE, `tx of ${bytes.length} bytes exceeds ${MAX_TX_BYTES}`);
  // The signer, a transfer's recipient and the signature are views into `bytes` (a decoded tx
  // lives as long as its encoding: in the mempool, in a block), not copies.
  return decodeExact(bytes, (r) => ({ tx: readTx(r), signature: r.fixedView(SIGNATURE_LENGTH, 'signature') }), 'signed tx');
}

const TYPE_OF_KIND = new Map<number, TxBody['type']>(Object.entries(TxKind).map(([type, kind]) => [kind, type as TxBody['type']]));

/**
 * A signed tx's type, read from its encoding without decoding the rest: for scans of committed
 * blocks (indexes) that only care about a few types. It checks only what it reads; decode a tx
 * before trusting anything else about it.
 */
export function signedTxType(bytes: Uint8Array): TxBody['type'] {
  const r = new Reader(bytes);
  r.bytesView(CHAIN_ID_MAX, 'chainId');
  r.fixedView(PUBLIC_KEY_LENGTH + 8 + 16, 'signer, nonce and fee');
  const kind = r.u16('tx kind');
  return TYPE_OF_KIND.get(kind) ?? fail(ErrorCode.TX_UNKNOWN_TYPE, `unknown tx kind ${kind}`);
}

/** The tx id: a hash of the whole signed encoding. */
const TX_TAG = tagPrefix(HashTag.tx);
export const txHash = (signedTxBytes: Uint8Array): Uint8Array => digestParts([TX_TAG, signedTxBytes]);

export const txSignBytes = (tx: Tx): Uint8Array => signBytes(SignDomain.tx, tx.chainId, encodeTx(tx));

export function signTx(tx: Tx, secretKey: Uint8Array): SignedTx {
  return { tx, signature: sign(secretKey, txSignBytes(tx)) };
}

/**
 * Checks the chain id, the signer's key (decoding checks it too; a tx built in memory was not
 * decoded) and the signature; state checks (nonce, balance) belong to the state machine.
 */
export async function verifyTxSignature(stx: SignedTx, chainId: string, verifier: SignatureVerifier): Promise<void> {
  if (stx.tx.chainId !== chainId) fail(ErrorCode.TX_WRONG_CHAIN, `tx is for chain "${stx.tx.chainId}", this is "${chainId}"`);
  checkPublicKey(stx.tx.signer, 'tx signer');
  if (!(await verifier.verify(stx.tx.signer, txSignBytes(stx.tx), stx.signature))) fail(ErrorCode.TX_BAD_SIGNATURE, 'signature does not verify');
}

export const txSender = (tx: Tx): Uint8Array => addressOf(tx.signer);
