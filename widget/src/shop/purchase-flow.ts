/**
 * The product panel's purchase flow as a pure state machine (no DOM, no Lit): `reduce(state,
 * event)` gives the next state and the events the panel fires on the way (`effects`, fired before
 * the new state is shown, as the panel always did). The panel drives it from its views and from
 * the light client's answers; it keeps the view-only state (form fields, wallet, metadata…).
 *
 *   loading ─loaded→ card ─buy→ form ─reviewed→ confirm ─pay→ paying ─placed→ tracking
 *      └loadFailed→ error ─open→ loading          │                 ├payPending→ pending ─outcome→ tracking | failed
 *                                                  └fail→ failed     └payFailed→ failed ─back→ confirm
 *
 * Once an order is proven placed the flow is tracking: nothing that goes wrong afterwards (a
 * failure, a relay's lie, a late error) is a failed payment, and `dip-order-placed` is fired once
 * per order.
 */
import type { PaymentStage, PlacedOrder, ShopOrderOutcome, ShopOrderTree, ShopTxHint } from './shop-client.ts';

export type Step = 'loading' | 'card' | 'error' | 'form' | 'confirm' | 'paying' | 'pending' | 'tracking' | 'failed';

/** What `dip-order-placed` carries. */
export interface OrderPlacedDetail extends PlacedOrder {
  readonly product: string;
  readonly quantity: number;
  readonly shipping: Readonly<Record<string, string>>;
}

/** An order whose payment was sent but is not proven either way. */
export interface PendingOrder { readonly orderId: string; readonly commitment: string; readonly salt: string }

export interface FlowState {
  readonly step: Step;
  /** Why the product could not be loaded (`error`) or the flow stopped (`failed`). */
  readonly error: string;
  /** The payment's proven stages so far (`paying`). */
  readonly stages: readonly PaymentStage[];
  /** The relay's last word on the payment in flight (a hint, shown as one). */
  readonly hint: ShopTxHint | null;
  /** The order whose payment was sent but not proven when the flow stopped waiting (`pending`). */
  readonly pendingOrder: PendingOrder | null;
  /** The proven order being tracked. */
  readonly placed: PlacedOrder | null;
  /** Its production graph, once read; and why the latest state could not be verified (cleared once it is). */
  readonly tree: ShopOrderTree | null;
  readonly trackError: string;
  /** Orders `dip-order-placed` was fired for (kept across re-opens: once per order). */
  readonly announced: readonly string[];
}

export type FlowEvent =
  | { readonly type: 'open' }
  | { readonly type: 'loaded' }
  | { readonly type: 'loadFailed'; readonly message: string }
  | { readonly type: 'buy' }
  | { readonly type: 'back' }
  | { readonly type: 'reviewed' }
  /** A step failed before anything was paid (review, wallet creation, the host took over). */
  | { readonly type: 'fail'; readonly message: string }
  | { readonly type: 'pay'; readonly product: string; readonly quantity: number }
  | { readonly type: 'stage'; readonly stage: PaymentStage }
  | { readonly type: 'hint'; readonly hint: ShopTxHint }
  | { readonly type: 'placed'; readonly placed: PlacedOrder; readonly product: string; readonly quantity: number; readonly shipping: Readonly<Record<string, string>> }
  | { readonly type: 'payPending'; readonly product: string; readonly order: PendingOrder; readonly message: string }
  | { readonly type: 'payFailed'; readonly product: string; readonly message: string; readonly code: string | undefined }
  /** A pending payment's proven fate; `message` is what the flow says when it was not placed. */
  | { readonly type: 'outcome'; readonly outcome: ShopOrderOutcome; readonly message: string }
  | { readonly type: 'tree'; readonly orderId: string; readonly tree: ShopOrderTree }
  | { readonly type: 'trackError'; readonly orderId: string; readonly message: string };

/** An event the panel fires (bubbling, composed) on a transition. */
export type FlowEffect =
  | { readonly event: 'dip-purchase-start'; readonly detail: { product: string; quantity: number } }
  | { readonly event: 'dip-order-placed'; readonly detail: OrderPlacedDetail }
  | { readonly event: 'dip-purchase-finalised'; readonly detail: { product: string; orderId: string; txHash: string; fee: bigint } }
  | { readonly event: 'dip-purchase-pending'; readonly detail: { product: string; orderId: string; message: string } }
  | { readonly event: 'dip-purchase-failed'; readonly detail: { product: string; message: string; code: string | undefined; proven?: true } };

export interface Transition { readonly state: FlowState; readonly effects: readonly FlowEffect[] }

export const initialFlow: FlowState = {
  step: 'loading', error: '', stages: [], hint: null, pendingOrder: null, placed: null, tree: null, trackError: '', announced: [],
};

/** Where the Back button goes from each step that has one. */
const BACK: Partial<Record<Step, Step>> = { form: 'card', confirm: 'form', failed: 'confirm' };

const same = (state: FlowState): Transition => ({ state, effects: [] });
const to = (state: FlowState, next: Partial<FlowState>, effects: readonly FlowEffect[] = []): Transition => ({ state: { ...state, ...next }, effects });

/** The next state of the purchase flow for `event`, and the events to fire on the way (none when the event does not apply). */
export function reduce(state: FlowState, event: FlowEvent): Transition {
  const { step } = state;
  // Proven placed: only tracking news (and a re-open) count from here; nothing is a payment failure any more.
  const tracking = step === 'tracking';
  switch (event.type) {
    case 'open':
      return to(initialFlow, { announced: state.announced });
    case 'loaded':
      return step === 'loading' ? to(state, { step: 'card' }) : same(state);
    case 'loadFailed':
      return step === 'loading' || step === 'card' ? to(state, { step: 'error', error: event.message }) : same(state);
    case 'buy':
      return step === 'card' ? to(state, { step: 'form' }) : same(state);
    case 'back': {
      const back = BACK[step];
      return back ? to(state, { step: back }) : same(state);
    }
    case 'reviewed':
      return step === 'form' || step === 'card' || step === 'confirm' || step === 'failed' ? to(state, { step: 'confirm' }) : same(state);
    case 'fail':
      return tracking || step === 'paying' || step === 'pending' ? same(state) : to(state, { step: 'failed', error: event.message });
    case 'pay':
      return tracking || step === 'paying' || step === 'pending' ? same(state)
        : to(state, { step: 'paying', stages: [], hint: null }, [{ event: 'dip-purchase-start', detail: { product: event.product, quantity: event.quantity } }]);
    case 'stage':
      return step === 'paying' ? to(state, { stages: [...state.stages, event.stage] }) : same(state);
    case 'hint':
      return step === 'paying' || step === 'pending' ? to(state, { hint: event.hint }) : same(state);
    case 'placed': {
      const { placed, product, quantity, shipping } = event;
      if (tracking && state.placed?.orderId === placed.orderId) return same(state);
      const told = state.announced.includes(placed.orderId);
      const effects: FlowEffect[] = told ? [] : [
        { event: 'dip-order-placed', detail: { ...placed, product, quantity, shipping } },
        { event: 'dip-purchase-finalised', detail: { product, orderId: placed.orderId, txHash: placed.txHash, fee: placed.fee } },
      ];
      return to(state, { step: 'tracking', placed, pendingOrder: null, announced: told ? state.announced : [...state.announced, placed.orderId] }, effects);
    }
    case 'payPending':
      return tracking ? same(state) : to(state, { step: 'pending', pendingOrder: event.order },
        [{ event: 'dip-purchase-pending', detail: { product: event.product, orderId: event.order.orderId, message: event.message } }]);
    case 'payFailed':
      return tracking ? same(state) : to(state, { step: 'failed', error: event.message },
        [{ event: 'dip-purchase-failed', detail: { product: event.product, message: event.message, code: event.code } }]);
    case 'outcome': {
      const o = event.outcome;
      if (step !== 'pending' || state.pendingOrder?.orderId !== o.orderId) return same(state);
      // Resolved in place: the site hears of the order from the element (provenLate), not from here.
      if (o.outcome === 'placed') {
        return to(state, { step: 'tracking', pendingOrder: null, placed: { orderId: o.orderId, txHash: o.txHash, fee: o.fee, commitment: o.commitment, salt: o.salt } });
      }
      return to(state, { step: 'failed', pendingOrder: null, error: event.message },
        [{ event: 'dip-purchase-failed', detail: { product: o.product, message: event.message, code: 'NOT_PLACED', proven: true } }]);
    }
    case 'tree':
      return tracking && state.placed?.orderId === event.orderId ? to(state, { tree: event.tree, trackError: '' }) : same(state);
    case 'trackError':
      return tracking && state.placed?.orderId === event.orderId ? to(state, { trackError: event.message }) : same(state);
  }
}
