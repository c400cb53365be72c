/**
 * The wallet's message protocol: what the embedding page, the wallet frame and the wallet window
 * may say to each other by `postMessage`. Every message is `{ dipnet: 'wallet/1', type, … }`,
 * checked field by field against these schemas before anything acts on it; a message that fails
 * is refused with a reason (logged where it arrived) and changes nothing.
 *
 * - page → frame: `open`, `close`, `purchase-answer`. None of them signs, imports a key or moves
 *   funds: the frame offers no such message, so a page that forges one gets a refusal.
 * - frame → page: `ready`, `size`, `event` (the documented `dip-*` events), `purchase-request`,
 *   `verified-product`, `close`.
 * - frame ↔ wallet window (both on the wallet's origin, checked by origin and window): the frame
 *   hands over an order the viewer confirmed in the frame; the window signs it with the key only it
 *   holds and reports progress.
 */

import { BaseError } from '@dipnet/protocol/base-error';
export const WALLET_PROTOCOL = 'wallet/1';

/** Why a message was refused (stable codes, logged with the reason). */
export type WalletRefusalCode =
  | 'WALLET_MSG_ORIGIN' | 'WALLET_MSG_SOURCE' | 'WALLET_MSG_VERSION' | 'WALLET_MSG_TYPE' | 'WALLET_MSG_FIELD'
  | 'WALLET_NOT_VISIBLE' | 'WALLET_NO_GESTURE' | 'WALLET_POPUP_BLOCKED' | 'WALLET_WINDOW_UNREACHABLE'
  | 'WALLET_WINDOW_CLOSED' | 'WALLET_FRAMED' | 'WALLET_UNKNOWN_CHAIN' | 'WALLET_CHECKPOINT_MISMATCH' | 'WALLET_CONFIG'
  /** The wallet frame holds no key: the wallet window does. */
  | 'WALLET_NOT_HERE'
  /** The confirm step was clicked sooner than a person could have read it (clickjacking guard). */
  | 'WALLET_TOO_SOON';

export class WalletRefusal extends BaseError<WalletRefusalCode> {
  override readonly name = 'WalletRefusal';
  constructor(code: WalletRefusalCode, message: string) {
    super(code, message);
  }
}

// ---- field checks -----------------------------------------------------------------------------

type Json = Record<string, unknown>;

const fail = (field: string, rule: string): never => {
  throw new WalletRefusal('WALLET_MSG_FIELD', `${field} ${rule}`);
};
const str = (m: Json, field: string, max: number, pattern?: RegExp): string => {
  const v = m[field];
  if (typeof v !== 'string') return fail(field, 'must be a string');
  if (v.length > max) return fail(field, `must be at most ${max} characters`);
  if (pattern && !pattern.test(v)) return fail(field, `does not have the expected form`);
  return v;
};
const optStr = (m: Json, field: string, max: number, pattern?: RegExp): string | undefined => (m[field] === undefined ? undefined : str(m, field, max, pattern));
const int = (m: Json, field: string, min: number, max: number): number => {
  const v = m[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return fail(field, `must be an integer in [${min}, ${max}]`);
  return v;
};
const big = (m: Json, field: string): bigint => {
  const v = m[field];
  if (typeof v !== 'bigint' || v < 0n || v >= 1n << 128n) return fail(field, 'must be a non-negative bigint below 2^128');
  return v;
};
const bool = (m: Json, field: string): boolean => {
  const v = m[field];
  if (typeof v !== 'boolean') return fail(field, 'must be a boolean');
  return v;
};
const strList = (m: Json, field: string, maxItems: number, maxLen: number): string[] => {
  const v = m[field];
  if (!Array.isArray(v) || v.length > maxItems) return fail(field, `must be a list of at most ${maxItems} strings`);
  return v.map((x, i) => (typeof x === 'string' && x.length <= maxLen ? x : fail(`${field}[${i}]`, `must be a string of at most ${maxLen} characters`)));
};
const record = (m: Json, field: string, maxKeys: number, maxLen: number): Record<string, string> => {
  const v = m[field];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(field, 'must be an object');
  const entries = Object.entries(v as Json);
  if (entries.length > maxKeys) return fail(field, `must have at most ${maxKeys} fields`);
  const out: Record<string, string> = {};
  for (const [k, x] of entries) {
    if (k.length > 32 || typeof x !== 'string' || x.length > maxLen) return fail(`${field}.${k.slice(0, 32)}`, `must be a string of at most ${maxLen} characters`);
    out[k] = x;
  }
  return out;
};

const HEX64 = /^[0-9a-f]{64}$/;
const CHAIN_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The envelope: an object with our protocol tag and a type from `types`. */
function envelope<T extends string>(data: unknown, types: readonly T[]): { m: Json; type: T } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new WalletRefusal('WALLET_MSG_VERSION', 'not a DIPNET wallet message (not an object)');
  const m = data as Json;
  if (m.dipnet !== WALLET_PROTOCOL) throw new WalletRefusal('WALLET_MSG_VERSION', `not a ${WALLET_PROTOCOL} message (dipnet: ${JSON.stringify(m.dipnet)?.slice(0, 40)})`);
  const type = m.type;
  if (typeof type !== 'string' || !(types as readonly string[]).includes(type)) {
    throw new WalletRefusal('WALLET_MSG_TYPE', `"${String(type).slice(0, 40)}" is not a message this side accepts (it accepts: ${types.join(', ')})`);
  }
  return { m, type: type as T };
}

// ---- page → frame -----------------------------------------------------------------------------

/** Which chain to verify against: the frame takes the trust root from its own origin's config, never from the page. */
export interface ChainChoice {
  readonly chainId: string;
  /** The page's pin, if any: must equal the wallet's own, else the frame refuses. */
  readonly checkpoint?: string;
  /** Extra sources the page suggests (untrusted, like every source). */
  readonly relays: readonly string[];
  readonly multiaddrs: readonly string[];
  readonly staleAfterMs?: number;
  /** How long the wallet waits for a sent payment to be proven before it reports it pending (default: the light client's 30 s). */
  readonly confirmWaitMs?: number;
}

/** Bounds of `confirmWaitMs`: 1 s to 10 min (the viewer is watching a spinner meanwhile). */
export const CONFIRM_WAIT_MS = { min: 1000, max: 600_000 } as const;
/** Bounds of `staleAfterMs`: 1 s to a day. */
export const STALE_AFTER_MS = { min: 1000, max: 86_400_000 } as const;

/**
 * An element attribute in seconds as ms: undefined (the default) for a missing, non-number or
 * non-positive value, else kept within `bounds`, so the frame never refuses the element's own `open`.
 */
export function secondsToMsWithin(seconds: number | null | undefined, bounds: { readonly min: number; readonly max: number }): number | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return Math.min(bounds.max, Math.max(bounds.min, Math.round(seconds * 1000)));
}
/** The element's `confirm-wait` (seconds) in ms, within CONFIRM_WAIT_MS. */
export const confirmWaitMsOf = (seconds: number | null | undefined): number | undefined => secondsToMsWithin(seconds, CONFIRM_WAIT_MS);
/** The element's `stale-after` (seconds) in ms, within STALE_AFTER_MS (`stale-after="0.5"` was refused by the frame). */
export const staleAfterMsOf = (seconds: number | null | undefined): number | undefined => secondsToMsWithin(seconds, STALE_AFTER_MS);
/** An optional integer field of ms within `bounds` (WALLET_MSG_FIELD outside them). */
const optMs = (m: Json, field: 'staleAfterMs' | 'confirmWaitMs', bounds: { readonly min: number; readonly max: number }): number | undefined =>
  (m[field] === undefined ? undefined : int(m, field, bounds.min, bounds.max));

export type PageToFrame =
  | ({ type: 'open'; product: string; label: string; locale?: string; metadataBase?: string } & ChainChoice)
  | { type: 'close' }
  | { type: 'purchase-answer'; seq: number; go: boolean };

export const PAGE_TO_FRAME = ['open', 'close', 'purchase-answer'] as const;

export function parsePageToFrame(data: unknown): PageToFrame {
  const { m, type } = envelope(data, PAGE_TO_FRAME);
  switch (type) {
    case 'open': {
      const staleAfterMs = optMs(m, 'staleAfterMs', STALE_AFTER_MS);
      const confirmWaitMs = optMs(m, 'confirmWaitMs', CONFIRM_WAIT_MS);
      const checkpoint = optStr(m, 'checkpoint', 100);
      const locale = optStr(m, 'locale', 35);
      const metadataBase = optStr(m, 'metadataBase', 2048);
      return {
        type, product: str(m, 'product', 64, HEX64), label: str(m, 'label', 200), chainId: str(m, 'chainId', 64, CHAIN_ID),
        relays: strList(m, 'relays', 8, 2048), multiaddrs: strList(m, 'multiaddrs', 8, 2048),
        ...(checkpoint !== undefined ? { checkpoint } : {}), ...(locale !== undefined ? { locale } : {}),
        ...(metadataBase !== undefined ? { metadataBase } : {}), ...(staleAfterMs !== undefined ? { staleAfterMs } : {}),
        ...(confirmWaitMs !== undefined ? { confirmWaitMs } : {}),
      };
    }
    case 'close': return { type };
    case 'purchase-answer': return { type, seq: int(m, 'seq', 0, 2 ** 31), go: bool(m, 'go') };
  }
}

// ---- frame → page -----------------------------------------------------------------------------

/** The events the frame passes to the page, re-dispatched by the element under the same names. */
export const FORWARDED_EVENTS = [
  'dip-card-open', 'dip-purchase-start', 'dip-purchase-hint', 'dip-purchase-finalised', 'dip-purchase-pending',
  'dip-purchase-failed', 'dip-order-placed', 'dip-panel-close', 'dip-wallet-refused',
] as const;
export type ForwardedEvent = (typeof FORWARDED_EVENTS)[number];

/** What a hover card may show: the frame verified it (the page could draw anything on its own page anyway). */
export interface VerifiedProductSummary {
  readonly id: string;
  readonly price: bigint;
  readonly currency: { readonly symbol: string; readonly decimals: number; readonly native: boolean };
  readonly height: bigint;
  readonly time: bigint;
}

export type FrameToPage =
  | { type: 'ready' }
  | { type: 'size'; height: number }
  | { type: 'event'; name: ForwardedEvent; detail: unknown }
  | { type: 'purchase-request'; seq: number; detail: unknown }
  | { type: 'verified-product'; product: VerifiedProductSummary }
  | { type: 'close' };

export const FRAME_TO_PAGE = ['ready', 'size', 'event', 'purchase-request', 'verified-product', 'close'] as const;

export function parseFrameToPage(data: unknown): FrameToPage {
  const { m, type } = envelope(data, FRAME_TO_PAGE);
  switch (type) {
    case 'ready': case 'close': return { type };
    case 'size': return { type, height: int(m, 'height', 0, 100_000) };
    case 'event': {
      const name = str(m, 'name', 40);
      if (!(FORWARDED_EVENTS as readonly string[]).includes(name)) return fail('name', 'is not a forwarded event');
      return { type, name: name as ForwardedEvent, detail: m.detail };
    }
    case 'purchase-request': return { type, seq: int(m, 'seq', 0, 2 ** 31), detail: m.detail };
    case 'verified-product': {
      const p = m.product;
      if (typeof p !== 'object' || p === null) return fail('product', 'must be an object');
      const q = p as Json;
      const c = q.currency;
      if (typeof c !== 'object' || c === null) return fail('product.currency', 'must be an object');
      const cur = c as Json;
      return {
        type, product: {
          id: str(q, 'id', 64, HEX64), price: big(q, 'price'), height: big(q, 'height'), time: big(q, 'time'),
          currency: { symbol: str(cur, 'symbol', 16), decimals: int(cur, 'decimals', 0, 30), native: bool(cur, 'native') },
        },
      };
    }
  }
}

// ---- frame ↔ wallet window --------------------------------------------------------------------

/** The order the viewer confirmed in the frame: exactly what the window signs. */
export interface OrderToSign {
  readonly product: string;
  readonly quantity: number;
  readonly maxTotal: bigint;
  readonly shipping: Readonly<Record<string, string>>;
  readonly salt: string;
  readonly commitment: string;
}

export type FrameToWindow =
  /** `site`: the origin of the page the frame is on, shown to the viewer in the window (the frame learnt it from the page's messages). */
  | { type: 'sign-order'; chain: ChainChoice; order: OrderToSign; site: string }
  | { type: 'cancel' };

export const FRAME_TO_WINDOW = ['sign-order', 'cancel'] as const;

function chainChoice(m: Json): ChainChoice {
  const checkpoint = optStr(m, 'checkpoint', 100);
  const staleAfterMs = optMs(m, 'staleAfterMs', STALE_AFTER_MS);
  const confirmWaitMs = optMs(m, 'confirmWaitMs', CONFIRM_WAIT_MS);
  return {
    chainId: str(m, 'chainId', 64, CHAIN_ID), relays: strList(m, 'relays', 8, 2048), multiaddrs: strList(m, 'multiaddrs', 8, 2048),
    ...(checkpoint !== undefined ? { checkpoint } : {}), ...(staleAfterMs !== undefined ? { staleAfterMs } : {}),
    ...(confirmWaitMs !== undefined ? { confirmWaitMs } : {}),
  };
}

export function parseFrameToWindow(data: unknown): FrameToWindow {
  const { m, type } = envelope(data, FRAME_TO_WINDOW);
  if (type === 'cancel') return { type };
  const c = m.chain;
  const o = m.order;
  if (typeof c !== 'object' || c === null) return fail('chain', 'must be an object');
  if (typeof o !== 'object' || o === null) return fail('order', 'must be an object');
  const order = o as Json;
  return {
    type, chain: chainChoice(c as Json), site: str(m, 'site', 2048),
    order: {
      product: str(order, 'product', 64, HEX64), quantity: int(order, 'quantity', 1, 1000), maxTotal: big(order, 'maxTotal'),
      shipping: record(order, 'shipping', 16, 500), salt: str(order, 'salt', 64, HEX64), commitment: str(order, 'commitment', 64, HEX64),
    },
  };
}

/** A payment stage, a relay's hint, or the end of the flow, as the window reports them. */
export type WindowToFrame =
  | { type: 'window-ready' }
  | { type: 'wallet'; address: string }
  | { type: 'stage'; stage: 'signing' | 'submitted' | 'included' | 'verified' }
  | { type: 'hint'; source: string; says: 'in-block' | 'refused'; code: string; height?: bigint }
  | { type: 'placed'; orderId: string; txHash: string; fee: bigint }
  | { type: 'pending'; orderId: string; txHash: string; message: string }
  | { type: 'outcome'; outcome: 'placed' | 'not-placed'; orderId: string; txHash: string; fee: bigint; height: bigint }
  | { type: 'failed'; code: string; message: string };

export const WINDOW_TO_FRAME = ['window-ready', 'wallet', 'stage', 'hint', 'placed', 'pending', 'outcome', 'failed'] as const;

export function parseWindowToFrame(data: unknown): WindowToFrame {
  const { m, type } = envelope(data, WINDOW_TO_FRAME);
  switch (type) {
    case 'window-ready': return { type };
    case 'wallet': return { type, address: str(m, 'address', 43, /^dpn[0-9a-f]{40}$/) };
    case 'stage': {
      const stage = str(m, 'stage', 16);
      if (stage !== 'signing' && stage !== 'submitted' && stage !== 'included' && stage !== 'verified') return fail('stage', 'is not a payment stage');
      return { type, stage };
    }
    case 'hint': {
      const says = str(m, 'says', 16);
      if (says !== 'in-block' && says !== 'refused') return fail('says', 'must be in-block or refused');
      return { type, source: str(m, 'source', 2048), says, code: str(m, 'code', 64), ...(m.height !== undefined ? { height: big(m, 'height') } : {}) };
    }
    case 'placed': return { type, orderId: str(m, 'orderId', 64, HEX64), txHash: str(m, 'txHash', 64, HEX64), fee: big(m, 'fee') };
    case 'pending': return { type, orderId: str(m, 'orderId', 64, HEX64), txHash: str(m, 'txHash', 64, HEX64), message: str(m, 'message', 500) };
    case 'outcome': {
      const outcome = str(m, 'outcome', 16);
      if (outcome !== 'placed' && outcome !== 'not-placed') return fail('outcome', 'must be placed or not-placed');
      return { type, outcome, orderId: str(m, 'orderId', 64, HEX64), txHash: str(m, 'txHash', 64, HEX64), fee: big(m, 'fee'), height: big(m, 'height') };
    }
    case 'failed': return { type, code: str(m, 'code', 64), message: str(m, 'message', 500) };
  }
}

/** A message of this protocol, ready to post. */
export const msg = <T extends { type: string }>(body: T): T & { dipnet: typeof WALLET_PROTOCOL } => ({ dipnet: WALLET_PROTOCOL, ...body });

/** `parse(e.data)`, or null once the refusal is logged where the message arrived (the caller then ignores it). */
export function accept<T>(side: string, e: MessageEvent, parse: (data: unknown) => T): T | null {
  try {
    return parse(e.data);
  } catch (err) {
    logRefusal(side, err, e.origin);
    return null;
  }
}

/** Logs a refused message where it arrived: the reason is the point (a hostile page's attempts show up here). */
export function logRefusal(side: string, e: unknown, origin: string): void {
  const r = e instanceof WalletRefusal ? e : new WalletRefusal('WALLET_MSG_FIELD', String((e as Error)?.message ?? e));
  console.warn(`[dipnet ${side}] refused a message from ${origin}: ${r.code}: ${r.message}`);
}
