/** Errors thrown behind the worker API cross comlink as their class, with name, code, message and details. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { expose, wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { BaseError, DipnetError, ErrorCode, LightError, LightErrorCode } from '@dipnet/protocol';
import { installErrorTransfer } from './worker.ts';

installErrorTransfer();
const { port1, port2 } = new MessageChannel();
after(() => { port1.close(); port2.close(); });

class OtherError extends BaseError<'OTHER_THING'> {
  override readonly name = 'OtherError';
}
const throwers = {
  light(): never { throw new LightError(LightErrorCode.LC_TX_PENDING, 'sent, not proven yet', { hash: 'ab'.repeat(32), order: { orderId: '01' } }); },
  dipnet(): never { throw new DipnetError(ErrorCode.PRODUCT_UNKNOWN, 'no product 00…', { id: '00' }); },
  other(): never { throw new OtherError('OTHER_THING', 'something else', { details: { n: 1 } }); },
  plain(): never { throw new TypeError('not coded'); },
};
expose(throwers, nodeEndpoint(port1 as never));
const remote = wrap<typeof throwers>(nodeEndpoint(port2 as never));

test('LightError and DipnetError keep their class, code, message (without the code) and details', async () => {
  await assert.rejects(remote.light(), (e: unknown) => {
    assert.ok(e instanceof LightError && e instanceof BaseError);
    assert.equal(e.name, 'LightError');
    assert.equal(e.code, 'LC_TX_PENDING');
    assert.equal(e.message, 'sent, not proven yet');
    assert.deepEqual(e.details, { hash: 'ab'.repeat(32), order: { orderId: '01' } });
    return true;
  });
  await assert.rejects(remote.dipnet(), (e: unknown) => {
    assert.ok(e instanceof DipnetError);
    assert.equal(e.code, 'PRODUCT_UNKNOWN');
    assert.equal(e.message, 'no product 00…');
    assert.deepEqual(e.details, { id: '00' });
    return true;
  });
});

test('another coded error comes back as a BaseError of the same name; an uncoded one as an Error', async () => {
  await assert.rejects(remote.other(), (e: unknown) => {
    assert.ok(e instanceof BaseError);
    assert.equal(e.name, 'OtherError');
    assert.equal(e.code, 'OTHER_THING');
    assert.equal(e.message, 'something else');
    assert.deepEqual(e.details, { n: 1 });
    return true;
  });
  await assert.rejects(remote.plain(), (e: unknown) => e instanceof Error && !(e instanceof BaseError) && e.name === 'TypeError' && e.message === 'not coded');
});
