/**
 * The template checker (parseTemplate) and the parameter/argument encodings (values.ts). Every
 * checker rule is exercised on a small valid template with one thing broken, and must reject with
 * TEMPLATE_INVALID and the JSON path of the offending node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { DipnetError, ErrorCode, type ErrorCode as Code } from '../errors.ts';
import { utf8, toHex } from '../bytes.ts';
import { formatAddress } from '../keys.ts';
import { parseTemplate, templateId, MAX_TEMPLATE_BYTES, type Template, type ParamType } from './template.ts';
import { encodeProductParams, decodeProductParams, paramsFromJson, valueToJson, encodeArgs, decodeArgs, scalarFromJson, U128_MAX, type Value } from './values.ts';

// Loose on purpose: tests break documents in ways no type would allow.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

/** A small template that uses every kind of declaration the rules below break one at a time. */
const base = (): Doc => ({
  dipnet: 'template/1',
  name: 'probe',
  summary: 'A template for checker tests.',
  params: [
    { name: 'deposit', type: 'amount' },
    { name: 'who', type: 'address' },
    { name: 'items', type: 'products', max: 4 },
    { name: 'mode', type: 'choice', options: ['a', 'b'] },
  ],
  vars: [{ name: 'n', type: 'int' }],
  states: ['open', 'done'],
  initial: 'open',
  done: ['done'],
  onOrder: [['forEach', ['param', 'items'], [['order', ['item'], 'part']]]],
  onRefund: [['if', ['==', ['refundCause'], ['str', 'cancel']], [['emit', 'cancelled']]]],
  transitions: [
    {
      name: 'go', from: ['open'], by: 'producer', to: 'done', args: [{ name: 'x', type: 'int' }],
      when: [[['>', ['arg', 'x'], 0], 'x must be positive']],
      effects: [['deposit', ['param', 'deposit']], ['set', 'n', ['arg', 'x']]],
    },
    { name: 'ready', from: ['open'], by: 'auto', to: 'done', when: [[['childrenDone', 'part'], 'parts pending']] },
    { name: 'timeout', from: ['open'], after: ['param', 'deposit'], effects: [['refund']] },
  ],
});

const bytesOf = (d: unknown) => utf8(JSON.stringify(d));

function rejects(code: Uint8Array, path: string, message: RegExp): void {
  assert.throws(() => parseTemplate(code), (e: unknown) => {
    assert.ok(e instanceof DipnetError, `expected a DipnetError, got ${String(e)}`);
    assert.equal(e.code, ErrorCode.TEMPLATE_INVALID);
    assert.equal(e.details?.path, path, e.message);
    assert.match(e.message, message);
    assert.ok(e.message.includes(path), 'the message names the path');
    return true;
  });
}

/** Breaks the base template with `mutate` and expects a rejection at `path`. */
function breaks(mutate: (d: Doc) => void, path: string, message: RegExp): void {
  const d = base();
  mutate(d);
  rejects(bytesOf(d), path, message);
}

const go = (d: Doc) => d.transitions[0] as Doc;
const timer = (d: Doc) => d.transitions[2] as Doc;

test('template: the probe template and every base template parse', () => {
  const t = parseTemplate(bytesOf(base()));
  assert.equal(t.transitions.length, 3);
  assert.equal(t.transitions[0]!.by, 'producer');
  assert.equal(t.params.find((p) => p.name === 'items')!.max, 4);
  const dir = new URL('../../templates/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.deepEqual(files.sort(), ['bill-of-materials.json', 'guarantee.json', 'inspection.json', 'logistics.json', 'supply.json', 'tender.json']);
  for (const f of files) {
    const code = new Uint8Array(readFileSync(new URL(f, dir)));
    const parsed = parseTemplate(code);
    assert.equal(parsed.name, f.replace(/\.json$/, ''));
    assert.ok(parsed.transitions.length > 0);
    // The id is the hash of the exact bytes: re-serialising the JSON gives another template.
    assert.notEqual(toHex(templateId(bytesOf(JSON.parse(new TextDecoder().decode(code))))), toHex(templateId(code)));
  }
});

test('template: unknown keys are rejected wherever they appear', () => {
  breaks((d) => { d.extra = 1; }, '$', /unknown key "extra"/);
  breaks((d) => { go(d).colour = 'red'; }, '$.transitions[0]', /unknown key "colour"/);
  breaks((d) => { d.params[0].default = '1'; }, '$.params[0]', /unknown key "default"/);
  breaks((d) => { d.vars[0].init = 0; }, '$.vars[0]', /unknown key "init"/);
  breaks((d) => { go(d).args[0].optional = true; }, '$.transitions[0].args[0]', /unknown key "optional"/);
  // "__proto__" from JSON is an own key, not a prototype.
  rejects(utf8('{"__proto__":{"dipnet":"template/1"},"dipnet":"template/1","name":"x","states":["a"],"initial":"a","transitions":[]}'), '$', /unknown key "__proto__"/);
});

test('template: missing required keys and a wrong format tag', () => {
  breaks((d) => { delete d.states; }, '$', /missing "states"/);
  breaks((d) => { d.dipnet = 'template/2'; }, '$.dipnet', /must be "template\/1"/);
  breaks((d) => { delete go(d).from; }, '$.transitions[0]', /missing "from"/);
  breaks((d) => { d.params[0].type = 'money'; }, '$.params[0].type', /unknown parameter type "money"/);
  breaks((d) => { d.vars[0].type = 'str'; }, '$.vars[0].type', /must be int, bool/);
  breaks((d) => { d.initial = 'closed'; }, '$.initial', /unknown state "closed"/);
  breaks((d) => { go(d).from = ['nowhere']; }, '$.transitions[0].from[0]', /unknown state "nowhere"/);
  breaks((d) => { d.states = ['open', 'settled']; d.done = []; go(d).to = 'open'; }, '$.states', /"settled" is a built-in state/);
  breaks((d) => { d.name = '1st'; }, '$.name', /must be a name/);
  breaks((d) => { d.params[2].max = 65; }, '$.params[2].max', /integer 1\.\.64/);
  breaks((d) => { d.params[0].max = 3; }, '$.params[0].max', /only list parameters/);
  breaks((d) => { d.params[3].options = []; }, '$.params[3].options', /needs options/);
});

test('template: unknown operators and effects', () => {
  breaks((d) => { go(d).when[0][0] = ['xor', true, false]; }, '$.transitions[0].when[0][0]', /unknown operator "xor"/);
  breaks((d) => { go(d).when[0][0] = ['>', ['eval', 'x'], 0]; }, '$.transitions[0].when[0][0][1]', /unknown operator "eval"/);
  breaks((d) => { go(d).effects.push(['explode']); }, '$.transitions[0].effects[2]', /unknown effect "explode"/);
  breaks((d) => { go(d).when[0][0] = 'true'; }, '$.transitions[0].when[0][0]', /an expression is a number, a boolean/);
  breaks((d) => { go(d).when[0][0] = []; }, '$.transitions[0].when[0][0]', /an expression is/);
});

test('template: wrong arity of operators and effects', () => {
  breaks((d) => { go(d).when[0][0] = ['not', true, false]; }, '$.transitions[0].when[0][0]', /"not" takes 1 operand/);
  breaks((d) => { go(d).when[0][0] = ['>', 1]; }, '$.transitions[0].when[0][0]', /">" takes 2 operand/);
  breaks((d) => { go(d).when[0][0] = ['and', true]; }, '$.transitions[0].when[0][0]', /two or more/);
  breaks((d) => { go(d).when[0][0] = ['==', ['now', 1], 0]; }, '$.transitions[0].when[0][0][1]', /"now" takes 0 operand/);
  breaks((d) => { go(d).effects[1] = ['set', 'n']; }, '$.transitions[0].effects[1]', /"set" takes 2 operand/);
  breaks((d) => { go(d).when[0] = [true]; }, '$.transitions[0].when[0]', /must be \[condition, message\]/);
});

test('template: undeclared parameters, variables, arguments, items', () => {
  breaks((d) => { go(d).when[0][0] = ['>', ['param', 'nope'], 0]; }, '$.transitions[0].when[0][0][1]', /unknown parameter "nope"/);
  breaks((d) => { go(d).when[0][0] = ['>', ['var', 'm'], 0]; }, '$.transitions[0].when[0][0][1]', /unknown variable "m"/);
  breaks((d) => { go(d).effects[1] = ['set', 'm', 1]; }, '$.transitions[0].effects[1]', /unknown variable "m"/);
  breaks((d) => { go(d).when[0][0] = ['>', ['arg', 'y'], 0]; }, '$.transitions[0].when[0][0][1]', /unknown argument "y"/);
  // A timer has no arguments: `x` is declared only on `go`.
  breaks((d) => { timer(d).when = [[['>', ['arg', 'x'], 0], 'm']]; }, '$.transitions[2].when[0][0][1]', /unknown argument "x"/);
  breaks((d) => { go(d).when[0][0] = ['==', ['item'], ['self']]; }, '$.transitions[0].when[0][0][1]', /"item" exists only inside forEach/);
  breaks((d) => { go(d).by = 'param:deposit'; }, '$.transitions[0].by', /must name an address parameter/);
  breaks((d) => { go(d).by = 'param:ghost'; }, '$.transitions[0].by', /must name an address parameter/);
  breaks((d) => { go(d).by = 'admin'; }, '$.transitions[0].by', /must be producer, buyer/);
});

test('template: type mismatches', () => {
  breaks((d) => { go(d).when[0][0] = ['>', ['param', 'who'], 0]; }, '$.transitions[0].when[0][0][1]', /expected int, found address/);
  breaks((d) => { go(d).when[0][0] = ['+', 1, 2]; }, '$.transitions[0].when[0][0]', /expected bool, found int/);
  breaks((d) => { go(d).effects[1] = ['set', 'n', true]; }, '$.transitions[0].effects[1][2]', /expected int, found bool/);
  breaks((d) => { go(d).when[0][0] = ['==', ['param', 'who'], ['self']]; }, '$.transitions[0].when[0][0]', /cannot compare address with product/);
  breaks((d) => { go(d).when[0][0] = ['==', ['param', 'items'], ['param', 'items']]; }, '$.transitions[0].when[0][0]', /cannot compare list:product/);
  breaks((d) => { go(d).when[0][0] = ['if', true, 1, false]; }, '$.transitions[0].when[0][0]', /branches differ: int and bool/);
  breaks((d) => { timer(d).after = true; }, '$.transitions[2].after', /expected int, found bool/);
  breaks((d) => { go(d).when[0][0] = ['>', -1, 0]; }, '$.transitions[0].when[0][0][1]', /non-negative safe integers/);
  breaks((d) => { go(d).when[0][0] = ['>', 2 ** 53, 0]; }, '$.transitions[0].when[0][0][1]', /non-negative safe integers/);
  breaks((d) => { go(d).when[0][0] = ['>', ['int', '0x10'], 0]; }, '$.transitions[0].when[0][0][1]', /decimal string/);
  breaks((d) => { d.onOrder = [['forEach', ['param', 'deposit'], []]]; }, '$.onOrder[0][1]', /forEach takes a list/);
  breaks((d) => { d.onOrder = [['order', ['param', 'who'], 'part']]; }, '$.onOrder[0][1]', /expected product, found address/);
});

test('template: "signer" and "refundCause" only where they exist', () => {
  breaks((d) => { timer(d).when = [[['==', ['signer'], ['producer']], 'm']]; }, '$.transitions[2].when[0][0][1]', /"signer" exists only in signed transitions/);
  breaks((d) => { d.transitions[1].when[0][0] = ['==', ['signer'], ['producer']]; }, '$.transitions[1].when[0][0][1]', /"signer" exists only in signed/);
  breaks((d) => { d.onOrder = [['pay', ['signer'], 1]]; }, '$.onOrder[0][1]', /"signer" exists only in signed/);
  breaks((d) => { go(d).when[0][0] = ['==', ['refundCause'], ['str', 'x']]; }, '$.transitions[0].when[0][0][1]', /"refundCause" exists only in onRefund/);
});

test('template: release/refund must be the last top-level effect, with no "to"', () => {
  breaks((d) => { timer(d).effects = [['refund'], ['emit', 'after']]; timer(d).to = 'done'; }, '$.transitions[2].effects[0]', /must be the last top-level effect/);
  breaks((d) => { timer(d).effects = [['if', true, [['refund']]]]; timer(d).to = 'done'; }, '$.transitions[2].effects[0][2][0]', /must be the last top-level effect/);
  breaks((d) => { timer(d).to = 'done'; }, '$.transitions[2].to', /has no "to"/);
  breaks((d) => { d.onOrder = [['release']]; }, '$.onOrder[0]', /cannot appear in onOrder/);
  breaks((d) => { d.onRefund = [['refund']]; }, '$.onRefund[0]', /cannot appear in onRefund/);
  breaks((d) => { d.onRefund = [['order', ['self'], 'again']]; }, '$.onRefund[0]', /onRefund cannot order/);
});

test('template: deposit only in signed transitions', () => {
  breaks((d) => { timer(d).effects = [['deposit', 1], ['refund']]; }, '$.transitions[2].effects[0]', /only a signed transition can deposit/);
  breaks((d) => { d.transitions[1].effects = [['deposit', 1]]; }, '$.transitions[1].effects[0]', /only a signed transition can deposit/);
  breaks((d) => { d.onOrder = [['deposit', 1]]; }, '$.onOrder[0]', /only a signed transition can deposit/);
});

test('template: "to", "by" and "after"', () => {
  breaks((d) => { delete go(d).to; }, '$.transitions[0]', /needs "to" unless its effects end in release or refund/);
  breaks((d) => { go(d).after = 5; }, '$.transitions[0]', /exactly one of "by".*and "after"/);
  breaks((d) => { delete go(d).by; }, '$.transitions[0]', /exactly one of "by"/);
  breaks((d) => { d.transitions[1].args = [{ name: 'x', type: 'int' }]; }, '$.transitions[1].args', /only signed transitions take arguments/);
  breaks((d) => { go(d).to = 'elsewhere'; }, '$.transitions[0].to', /unknown state "elsewhere"/);
});

test('template: duplicate names', () => {
  breaks((d) => { d.params.push({ name: 'deposit', type: 'duration' }); }, '$.params', /"deposit" is declared twice/);
  breaks((d) => { d.vars.push({ name: 'n', type: 'bool' }); }, '$.vars', /"n" is declared twice/);
  breaks((d) => { d.states = ['open', 'done', 'open']; }, '$.states', /"open" is declared twice/);
  breaks((d) => { d.transitions.push({ ...go(d) }); }, '$.transitions', /"go" is declared twice/);
  breaks((d) => { go(d).args.push({ name: 'x', type: 'bool' }); }, '$.transitions[0].args', /"x" is declared twice/);
  breaks((d) => { d.params[3].options = ['a', 'a']; }, '$.params[3].options', /"a" is declared twice/);
});

test('template: size and nesting limits', () => {
  const big = base();
  big.summary = '';
  const room = MAX_TEMPLATE_BYTES - bytesOf(big).length;
  big.summary = 'x'.repeat(room);
  assert.equal(bytesOf(big).length, MAX_TEMPLATE_BYTES);
  rejects(bytesOf(big), '$.summary', /at most 512 bytes/); // at the byte limit, the summary rule still applies
  const over = base();
  over.summary = 'y'.repeat(MAX_TEMPLATE_BYTES);
  assert.ok(bytesOf(over).length > MAX_TEMPLATE_BYTES);
  rejects(bytesOf(over), '$', new RegExp(`exceeds ${MAX_TEMPLATE_BYTES}`));
  let deep: unknown = true;
  for (let i = 0; i < 30; i++) deep = ['not', deep];
  breaks((d) => { go(d).when[0][0] = deep; }, '$.transitions[0].when[0][0]' + '[1]'.repeat(25), /nests too deeply/);
  let nested: unknown[] = [['emit', 'x']];
  for (let i = 0; i < 6; i++) nested = [['if', true, nested]];
  breaks((d) => { go(d).effects = nested; }, '$.transitions[0].effects[0][2][0][2][0][2][0][2][0][2]', /effects nest too deeply/);
  breaks((d) => { d.states = Array.from({ length: 17 }, (_, i) => `s${i}`); d.initial = 's0'; }, '$.states', /at most 16 entries/);
  breaks((d) => { go(d).when[0][1] = 'm'.repeat(121); }, '$.transitions[0].when[0][1]', /at most 120 bytes/);
});

test('template: not JSON, not UTF-8, not an object', () => {
  rejects(utf8('{"dipnet": "template/1",'), '$', /not UTF-8 JSON/);
  rejects(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), '$', /not UTF-8 JSON/);
  rejects(utf8('[]'), '$', /must be an object/);
  rejects(utf8('null'), '$', /must be an object/);
  rejects(new Uint8Array(), '$', /not UTF-8 JSON/);
});

// =============================================================================================
// values.ts

const ALL_TYPES: { type: ParamType; json: unknown; bytes: number; max?: number; options?: string[] }[] = [
  { type: 'amount', json: U128_MAX.toString(), bytes: 16 },
  { type: 'duration', json: '18446744073709551615', bytes: 8 },
  { type: 'count', json: 4294967295, bytes: 4 },
  { type: 'bool', json: true, bytes: 1 },
  { type: 'address', json: formatAddress(new Uint8Array(20).fill(0xaa)), bytes: 20 },
  { type: 'product', json: 'cd'.repeat(32), bytes: 32 },
  { type: 'hash', json: '00'.repeat(32), bytes: 32 },
  { type: 'text', json: 'Ünïcödé ✓ 💥', bytes: 4 + utf8('Ünïcödé ✓ 💥').length },
  { type: 'choice', json: 'slow', bytes: 1, options: ['fast', 'slow'] },
  { type: 'products', json: ['01'.repeat(32), '02'.repeat(32)], bytes: 4 + 64, max: 3 },
  { type: 'addresses', json: [formatAddress(new Uint8Array(20).fill(1))], bytes: 4 + 20, max: 2 },
  { type: 'amounts', json: ['0', 7, '340282366920938463463374607431768211455'], bytes: 4 + 48, max: 3 },
];

/** A template whose only parameters are `specs` (and one trivial state). */
function paramTemplate(specs: readonly { name: string; type: ParamType; max?: number; options?: string[] }[]): Template {
  return parseTemplate(bytesOf({ dipnet: 'template/1', name: 'params', params: specs, states: ['s'], initial: 's', transitions: [] }));
}

function paramsInvalid(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DipnetError, `expected a DipnetError, got ${String(e)}`);
    assert.equal(e.code, ErrorCode.PARAMS_INVALID as Code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('values: every parameter type round-trips JSON → bytes → value → JSON, with its fixed layout', () => {
  for (const p of ALL_TYPES) {
    const spec = { name: 'p', type: p.type, ...(p.max ? { max: p.max } : {}), ...(p.options ? { options: p.options } : {}) };
    const t = paramTemplate([spec]);
    const values = paramsFromJson(t, { p: p.json });
    const bytes = encodeProductParams(t, values);
    assert.equal(bytes.length, p.bytes, p.type);
    const back = decodeProductParams(t, bytes);
    assert.deepEqual(back, values, p.type);
    const json = valueToJson(p.type, back.get('p')!);
    assert.deepEqual(paramsFromJson(t, { p: json }), values, `${p.type} JSON form`);
  }
  // All at once, in declaration order.
  const t = paramTemplate(ALL_TYPES.map((p, i) => ({ name: `p${i}`, type: p.type, ...(p.max ? { max: p.max } : {}), ...(p.options ? { options: p.options } : {}) })));
  const values = paramsFromJson(t, Object.fromEntries(ALL_TYPES.map((p, i) => [`p${i}`, p.json])));
  const bytes = encodeProductParams(t, values);
  assert.equal(bytes.length, ALL_TYPES.reduce((n, p) => n + p.bytes, 0));
  assert.deepEqual(decodeProductParams(t, bytes), values);
});

test('values: decoding rejects trailing bytes, truncation, a bad choice index, a bad bool and lists over their max', () => {
  const t = paramTemplate([{ name: 'n', type: 'count' }, { name: 'mode', type: 'choice', options: ['a', 'b', 'c'] }, { name: 'on', type: 'bool' }, { name: 'xs', type: 'products', max: 2 }]);
  const good = encodeProductParams(t, paramsFromJson(t, { n: 5, mode: 'c', on: false, xs: ['11'.repeat(32)] }));
  assert.equal(decodeProductParams(t, good).get('mode'), 'c');
  paramsInvalid(() => decodeProductParams(t, new Uint8Array([...good, 0])), /trailing/i);
  paramsInvalid(() => decodeProductParams(t, good.slice(0, -1)));
  paramsInvalid(() => decodeProductParams(t, new Uint8Array()));
  const choiceAt = 4;
  assert.equal(good[choiceAt], 2);
  paramsInvalid(() => decodeProductParams(t, Uint8Array.from(good, (b, i) => (i === choiceAt ? 3 : b))), /option 3 does not exist/);
  paramsInvalid(() => decodeProductParams(t, Uint8Array.from(good, (b, i) => (i === choiceAt + 1 ? 2 : b))), /boolean byte/);
  // A list length of 3 where the max is 2 (the bytes for three ids present).
  const three = new Uint8Array([...good.slice(0, 6), 0, 0, 0, 3, ...new Uint8Array(96)]);
  paramsInvalid(() => decodeProductParams(t, three), /exceed 2/);
  // Text must be valid, clean UTF-8.
  const tt = paramTemplate([{ name: 's', type: 'text' }]);
  paramsInvalid(() => decodeProductParams(tt, new Uint8Array([0, 0, 0, 1, 0xff])), /UTF-8/);
  paramsInvalid(() => decodeProductParams(tt, new Uint8Array([0, 0, 0, 1, 0x07])), /control/);
});

test('values: paramsFromJson names what is wrong', () => {
  const t = paramTemplate([
    { name: 'price', type: 'amount' }, { name: 'n', type: 'count' }, { name: 'on', type: 'bool' }, { name: 'who', type: 'address' },
    { name: 'id', type: 'product' }, { name: 'note', type: 'text' }, { name: 'mode', type: 'choice', options: ['a', 'b'] }, { name: 'xs', type: 'amounts', max: 2 },
  ]);
  const ok = { price: '1', n: 1, on: true, who: formatAddress(new Uint8Array(20)), id: '00'.repeat(32), note: '', mode: 'a', xs: [] };
  assert.equal(paramsFromJson(t, ok).size, 8);
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ ...ok, extra: 1 }, /no parameter "extra"/],
    [{ ...ok, price: undefined }, /missing parameter "price"/],
    [{ ...ok, price: -1 }, /price: expected a non-negative integer/],
    [{ ...ok, price: 1.5 }, /price: expected a non-negative integer/],
    [{ ...ok, price: '01' }, /price: expected a non-negative integer/],
    [{ ...ok, price: '1e3' }, /price: expected/],
    [{ ...ok, price: (U128_MAX + 1n).toString() }, /price: .* is too large/],
    [{ ...ok, price: 2 ** 53 }, /price: expected/],
    [{ ...ok, n: 2 ** 32 }, /n: 4294967296 is too large/],
    [{ ...ok, on: 'true' }, /on: expected true or false/],
    [{ ...ok, who: 'dpn' + 'AA'.repeat(20) }, /who: expected a dpn… address/],
    [{ ...ok, who: 42 }, /who: expected a dpn… address/],
    [{ ...ok, id: 'AB'.repeat(32) }, /id: expected 64 lowercase hex digits/],
    [{ ...ok, id: 'ab'.repeat(31) }, /id: expected 64 lowercase hex digits/],
    [{ ...ok, note: 'n'.repeat(257) }, /note: expected text of at most 256 bytes/],
    [{ ...ok, mode: 'c' }, /mode: expected one of a, b/],
    [{ ...ok, xs: '1,2' }, /xs: expected a list/],
    [{ ...ok, xs: [1, 2, 3] }, /xs: at most 2 entries/],
    [{ ...ok, xs: [1, 'x'] }, /xs\[1\]: expected a non-negative integer/],
  ];
  for (const [json, message] of bad) paramsInvalid(() => paramsFromJson(t, json), message);
  // An encoder given a value the JSON reader would refuse still refuses it.
  paramsInvalid(() => encodeProductParams(t, new Map<string, Value>([...paramsFromJson(t, ok), ['mode', 'z']])), /not one of/);
  paramsInvalid(() => encodeProductParams(t, new Map()), /missing parameter "price"/);
});

test('values: transition arguments round-trip and reject malformed bytes', () => {
  const decls = [{ name: 'offer', type: 'product' as const }, { name: 'qty', type: 'int' as const }, { name: 'ok', type: 'bool' as const }];
  const values = new Map<string, Value>([['offer', scalarFromJson('product', 'ef'.repeat(32), 'offer')], ['qty', scalarFromJson('int', '12', 'qty')], ['ok', true]]);
  const bytes = encodeArgs(decls, values);
  assert.equal(bytes.length, 32 + 16 + 1);
  assert.deepEqual(decodeArgs(decls, bytes), values);
  paramsInvalid(() => decodeArgs(decls, bytes.slice(0, -1)));
  paramsInvalid(() => decodeArgs(decls, new Uint8Array([...bytes, 0])));
  paramsInvalid(() => decodeArgs([], new Uint8Array([0])));
  paramsInvalid(() => encodeArgs(decls, new Map()), /missing argument "offer"/);
  paramsInvalid(() => scalarFromJson('address', 'nope', 'who'), /who: expected a dpn… address/);
});
