import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BaseError, isBaseError } from './base-error.ts';
import { DipnetError, ErrorCode, fail, isDipnetError } from './errors.ts';
import { LightError, LightErrorCode, isLightError, lightFail } from './light-verify.ts';

test('BaseError: code, details and cause are fields; the message does not repeat the code', () => {
  const cause = new Error('disk on fire');
  const e = new BaseError('SOME_CODE', 'something went wrong', { details: { n: 1 }, cause });
  assert.equal(e.code, 'SOME_CODE');
  assert.equal(e.message, 'something went wrong');
  assert.deepEqual(e.details, { n: 1 });
  assert.equal(e.cause, cause);
  assert.equal(e.name, 'BaseError');
  assert.ok(e instanceof Error);
  assert.equal(String(e), 'BaseError [SOME_CODE]: something went wrong');
  assert.deepEqual(JSON.parse(JSON.stringify(e)), { name: 'BaseError', code: 'SOME_CODE', message: 'something went wrong', details: { n: 1 } });
  const bare = new BaseError('X', 'm');
  assert.equal(bare.details, undefined);
  assert.equal('cause' in bare, false, 'no cause property when none is given');
});

test('DipnetError and LightError extend BaseError, each with its own name', () => {
  const d = new DipnetError(ErrorCode.NOT_FOUND, 'no block at that height', { height: '7' });
  assert.ok(d instanceof BaseError && d instanceof DipnetError && d instanceof Error);
  assert.ok(!(d instanceof LightError));
  assert.equal(d.name, 'DipnetError');
  assert.equal(d.code, 'NOT_FOUND');
  assert.equal(d.message, 'no block at that height');
  assert.doesNotMatch(d.message, /NOT_FOUND/);
  assert.deepEqual(d.details, { height: '7' });
  assert.equal(String(d), 'DipnetError [NOT_FOUND]: no block at that height');
  assert.ok(isDipnetError(d, ErrorCode.NOT_FOUND) && isBaseError(d, 'NOT_FOUND') && !isBaseError(d, 'OTHER'));

  const cause = new TypeError('bad');
  const l = new LightError(LightErrorCode.LC_PROOF_INVALID, 'proof does not verify', undefined, { cause });
  assert.ok(l instanceof BaseError && l instanceof LightError && !(l instanceof DipnetError));
  assert.equal(l.name, 'LightError');
  assert.equal(l.message, 'proof does not verify');
  assert.deepEqual(l.details, {}, 'LightError details default to {}');
  assert.equal(l.cause, cause);
  assert.ok(isLightError(l, LightErrorCode.LC_PROOF_INVALID) && isBaseError(l));

  assert.throws(() => fail(ErrorCode.TX_INVALID, 'bad memo', { field: 'memo' }), (e: unknown) =>
    isDipnetError(e, ErrorCode.TX_INVALID) && e.message === 'bad memo' && e.details?.['field'] === 'memo');
  assert.throws(() => lightFail(LightErrorCode.LC_CLOSED, 'closed'), (e: unknown) => isLightError(e, LightErrorCode.LC_CLOSED) && e.message === 'closed');
  // assert.throws with a RegExp matches String(err), which names the code.
  assert.throws(() => fail(ErrorCode.TX_INVALID, 'bad memo'), /TX_INVALID/);
});

test('a subclass with its own code type and extra fields', () => {
  class ThingError extends BaseError<'THING_A' | 'THING_B'> {
    override readonly name = 'ThingError';
    constructor(code: 'THING_A' | 'THING_B', readonly path: string, message: string) {
      super(code, message);
    }
  }
  const e = new ThingError('THING_B', '/x', 'no thing');
  assert.ok(e instanceof BaseError && e instanceof ThingError);
  assert.equal(e.name, 'ThingError');
  assert.equal(e.path, '/x');
  assert.equal(String(e), 'ThingError [THING_B]: no thing');
  assert.match(e.stack ?? '', /^ThingError: no thing/);
});
