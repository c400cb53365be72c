import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialFlow, reduce, type FlowEvent, type FlowState, type Step } from './purchase-flow.ts';
import type { PlacedOrder, ShopOrderOutcome, ShopOrderTree } from './shop-client.ts';

const PRODUCT = 'ab'.repeat(32);
const placed: PlacedOrder = { orderId: 'o1', txHash: 't1', commitment: 'c1', salt: 's1', fee: 7n };
const placedEvent: FlowEvent = { type: 'placed', placed, product: PRODUCT, quantity: 2, shipping: { name: 'N' } };
const pendingOrder = { orderId: 'o1', commitment: 'c1', salt: 's1' };
const outcome = (o: 'placed' | 'not-placed', orderId = 'o1'): ShopOrderOutcome => ({
  outcome: o, orderId, txHash: 't1', product: PRODUCT, quantity: 2, commitment: 'c1', salt: 's1', shipping: { name: 'N' }, fee: 7n, height: 9n,
});
const tree: ShopOrderTree = { height: 5n, time: 1n, nodes: [] } as unknown as ShopOrderTree;

/** The state after `events` from the initial one, and every effect on the way. */
const run = (events: FlowEvent[], from: FlowState = initialFlow) => {
  let state = from;
  const effects: string[] = [];
  for (const e of events) {
    const t = reduce(state, e);
    state = t.state;
    effects.push(...t.effects.map((x) => x.event));
  }
  return { state, effects };
};
const at = (step: Step, extra: Partial<FlowState> = {}): FlowState => ({ ...initialFlow, step, ...extra });
const toConfirm: FlowEvent[] = [{ type: 'loaded' }, { type: 'buy' }, { type: 'reviewed' }];
const toPaying: FlowEvent[] = [...toConfirm, { type: 'pay', product: PRODUCT, quantity: 2 }];
const toPending: FlowEvent[] = [...toPaying, { type: 'payPending', product: PRODUCT, order: pendingOrder, message: 'not proven yet' }];

test('the happy path: loading → card → form → confirm → paying → tracking, with its events in order', () => {
  const steps: Step[] = [];
  let state = initialFlow;
  const effects: string[] = [];
  for (const e of [...toPaying, { type: 'stage', stage: 'signing' }, { type: 'stage', stage: 'submitted' }, placedEvent] as FlowEvent[]) {
    const t = reduce(state, e);
    state = t.state;
    steps.push(state.step);
    effects.push(...t.effects.map((x) => x.event));
  }
  assert.deepEqual(steps, ['card', 'form', 'confirm', 'paying', 'paying', 'paying', 'tracking']);
  assert.deepEqual(effects, ['dip-purchase-start', 'dip-order-placed', 'dip-purchase-finalised']);
  assert.equal(state.placed, placed);
});

test('loading fails → error (with the reason); open again → loading', () => {
  const { state } = run([{ type: 'loadFailed', message: 'no source' }]);
  assert.equal(state.step, 'error');
  assert.equal(state.error, 'no source');
  assert.equal(run([{ type: 'open' }], state).state.step, 'loading');
});

test('a load failure after the card is shown → error; never once paying or tracking', () => {
  assert.equal(run([{ type: 'loadFailed', message: 'x' }], at('card')).state.step, 'error');
  for (const step of ['paying', 'pending', 'tracking', 'confirm'] as Step[]) assert.equal(run([{ type: 'loadFailed', message: 'x' }], at(step)).state.step, step);
});

test('loaded only counts while loading', () => {
  for (const step of ['card', 'form', 'confirm', 'tracking'] as Step[]) assert.equal(reduce(at(step), { type: 'loaded' }).state.step, step);
});

test('buy only from the card', () => {
  assert.equal(reduce(at('card'), { type: 'buy' }).state.step, 'form');
  for (const step of ['loading', 'form', 'confirm', 'failed', 'tracking'] as Step[]) assert.equal(reduce(at(step), { type: 'buy' }).state.step, step);
});

test('back: form → card, confirm → form, failed → confirm; nowhere else', () => {
  assert.equal(reduce(at('form'), { type: 'back' }).state.step, 'card');
  assert.equal(reduce(at('confirm'), { type: 'back' }).state.step, 'form');
  assert.equal(reduce(at('failed'), { type: 'back' }).state.step, 'confirm');
  for (const step of ['loading', 'card', 'error', 'paying', 'pending', 'tracking'] as Step[]) {
    const s = at(step);
    assert.equal(reduce(s, { type: 'back' }).state, s, `back from ${step}`);
  }
});

test('reviewed → confirm (a second review enters confirm again); not while paying, pending or tracking', () => {
  assert.equal(reduce(at('form'), { type: 'reviewed' }).state.step, 'confirm');
  const again = at('confirm');
  assert.notEqual(reduce(again, { type: 'reviewed' }).state, again, 're-entered');
  for (const step of ['paying', 'pending', 'tracking', 'loading'] as Step[]) assert.equal(reduce(at(step), { type: 'reviewed' }).state.step, step);
});

test('a failure before paying (review, wallet, the host took over) → failed with its message and no event', () => {
  for (const step of ['form', 'confirm'] as Step[]) {
    const t = reduce(at(step), { type: 'fail', message: 'host took over' });
    assert.equal(t.state.step, 'failed');
    assert.equal(t.state.error, 'host took over');
    assert.deepEqual(t.effects, []);
  }
});

test('pay: confirm → paying, stages and hint cleared, dip-purchase-start fired', () => {
  const t = reduce(at('confirm', { stages: ['signing'], hint: { source: 'r', says: 'refused', code: 'X' } }), { type: 'pay', product: PRODUCT, quantity: 3 });
  assert.equal(t.state.step, 'paying');
  assert.deepEqual(t.state.stages, []);
  assert.equal(t.state.hint, null);
  assert.deepEqual(t.effects, [{ event: 'dip-purchase-start', detail: { product: PRODUCT, quantity: 3 } }]);
  for (const step of ['paying', 'pending', 'tracking'] as Step[]) assert.deepEqual(reduce(at(step), { type: 'pay', product: PRODUCT, quantity: 1 }).effects, []);
});

test('stages accumulate while paying only; hints are kept while paying or pending', () => {
  const { state } = run([...toPaying, { type: 'stage', stage: 'signing' }, { type: 'stage', stage: 'included' }]);
  assert.deepEqual(state.stages, ['signing', 'included']);
  assert.deepEqual(reduce(at('card'), { type: 'stage', stage: 'signing' }).state.stages, []);
  const hint = { source: 'relay-1', says: 'in-block' as const, code: '', height: 4n };
  assert.equal(reduce(at('paying'), { type: 'hint', hint }).state.hint, hint);
  assert.equal(reduce(at('pending'), { type: 'hint', hint }).state.hint, hint);
  assert.equal(reduce(at('tracking'), { type: 'hint', hint }).state.hint, null);
});

test('a payment failure → failed with dip-purchase-failed (message, code)', () => {
  const { state, effects } = run([...toPaying, { type: 'payFailed', product: PRODUCT, message: 'insufficient funds (LC_FUNDS)', code: 'LC_FUNDS' }]);
  assert.equal(state.step, 'failed');
  assert.equal(state.error, 'insufficient funds (LC_FUNDS)');
  assert.deepEqual(effects, ['dip-purchase-start', 'dip-purchase-failed']);
  assert.equal(run([{ type: 'back' }], state).state.step, 'confirm', 'back to confirm to try again');
});

test('sent but not proven → pending (never failed on a relay\'s word), with dip-purchase-pending', () => {
  const t = reduce(run(toPaying).state, { type: 'payPending', product: PRODUCT, order: pendingOrder, message: 'not proven yet' });
  assert.equal(t.state.step, 'pending');
  assert.deepEqual(t.state.pendingOrder, pendingOrder);
  assert.deepEqual(t.effects, [{ event: 'dip-purchase-pending', detail: { product: PRODUCT, orderId: 'o1', message: 'not proven yet' } }]);
});

test('pending resolved in place: placed → tracking (the element, not the panel, fires dip-order-placed)', () => {
  const t = reduce(run(toPending).state, { type: 'outcome', outcome: outcome('placed'), message: 'not placed' });
  assert.equal(t.state.step, 'tracking');
  assert.equal(t.state.pendingOrder, null);
  assert.deepEqual(t.state.placed, { orderId: 'o1', txHash: 't1', fee: 7n, commitment: 'c1', salt: 's1' });
  assert.deepEqual(t.effects, []);
});

test('pending resolved in place: not placed → failed, dip-purchase-failed proven NOT_PLACED', () => {
  const t = reduce(run(toPending).state, { type: 'outcome', outcome: outcome('not-placed'), message: 'The order was not placed.' });
  assert.equal(t.state.step, 'failed');
  assert.equal(t.state.error, 'The order was not placed.');
  assert.deepEqual(t.effects, [{ event: 'dip-purchase-failed', detail: { product: PRODUCT, message: 'The order was not placed.', code: 'NOT_PLACED', proven: true } }]);
});

test("an outcome for another order, or when not pending, changes nothing", () => {
  const pending = run(toPending).state;
  assert.equal(reduce(pending, { type: 'outcome', outcome: outcome('placed', 'o2'), message: '' }).state, pending);
  for (const step of ['paying', 'failed', 'card', 'tracking'] as Step[]) {
    const s = at(step, { pendingOrder });
    assert.equal(reduce(s, { type: 'outcome', outcome: outcome('not-placed'), message: '' }).state, s, step);
  }
});

test('once proven placed it is tracking: a later failure, a pending word, a lie or a failed outcome is never a payment failure', () => {
  const tracking = run([...toPaying, placedEvent]).state;
  const later: FlowEvent[] = [
    { type: 'payFailed', product: PRODUCT, message: 'relay says refused', code: 'LC_TX_REFUSED' },
    { type: 'payPending', product: PRODUCT, order: pendingOrder, message: 'x' },
    { type: 'fail', message: 'x' },
    { type: 'loadFailed', message: 'x' },
    { type: 'outcome', outcome: outcome('not-placed'), message: 'not placed' },
    { type: 'pay', product: PRODUCT, quantity: 1 },
    { type: 'back' },
    { type: 'reviewed' },
  ];
  for (const e of later) {
    const t = reduce(tracking, e);
    assert.equal(t.state.step, 'tracking', e.type);
    assert.deepEqual(t.effects, [], e.type);
  }
  const { state, effects } = run(later, tracking);
  assert.equal(state.step, 'tracking');
  assert.deepEqual(effects, []);
});

test('dip-order-placed (and dip-purchase-finalised) fire exactly once per order', () => {
  const { effects } = run([...toPaying, placedEvent, placedEvent, { type: 'open' }, ...toPaying, placedEvent]);
  assert.equal(effects.filter((e) => e === 'dip-order-placed').length, 1);
  assert.equal(effects.filter((e) => e === 'dip-purchase-finalised').length, 1);
  const detail = reduce(run(toPaying).state, placedEvent).effects[0]!.detail;
  assert.deepEqual(detail, { ...placed, product: PRODUCT, quantity: 2, shipping: { name: 'N' } });
  // Another order is told of too.
  const second = run([...toPaying, placedEvent, { type: 'open' }, ...toPaying, { ...placedEvent, placed: { ...placed, orderId: 'o2' } } as FlowEvent]);
  assert.equal(second.effects.filter((e) => e === 'dip-order-placed').length, 2);
});

test('tracking: the graph and why it could not be verified, for the tracked order only', () => {
  const tracking = run([...toPaying, placedEvent]).state;
  const paused = reduce(tracking, { type: 'trackError', orderId: 'o1', message: 'no verified head' }).state;
  assert.equal(paused.trackError, 'no verified head');
  const withTree = reduce(paused, { type: 'tree', orderId: 'o1', tree }).state;
  assert.equal(withTree.tree, tree);
  assert.equal(withTree.trackError, '', 'a verified tree clears the error');
  assert.equal(reduce(tracking, { type: 'tree', orderId: 'o2', tree }).state, tracking);
  assert.equal(reduce(at('paying'), { type: 'tree', orderId: 'o1', tree }).state.tree, null);
  assert.equal(reduce(at('loading'), { type: 'trackError', orderId: 'o1', message: 'x' }).state.trackError, '');
});

test('open resets the flow to loading from any step (the orders told of are remembered)', () => {
  const tracking = run([...toPaying, placedEvent, { type: 'tree', orderId: 'o1', tree }]).state;
  const t = reduce(tracking, { type: 'open' });
  assert.deepEqual(t.state, { ...initialFlow, announced: ['o1'] });
  assert.deepEqual(t.effects, []);
});
