import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { open } from 'lmdb';
import { toHex } from '@dipnet/protocol';
import { ChainStore } from './chain-store.ts';
import { StoreDamagedError } from './store-errors.ts';
import { Chain } from '../chain.ts';
import { NativeVerifier } from '../crypto/native-verifier.ts';
import { devnetGenesis } from '../devnet/genesis.ts';
import { tempDir } from '../testing/fixtures.ts';

const dir = await tempDir('dipnet-chain-store-');
after(dir.cleanup);
const genesis = devnetGenesis({ chainId: 'dipnet-store-test', validators: 1 });

/** A real store holding the genesis state (head at height 0, state tree written). */
async function genesisStore(name: string): Promise<string> {
  const path = join(dir.path, name);
  const store = new ChainStore(path);
  new Chain(store, genesis, new NativeVerifier());
  store.verifyHead();
  await store.close();
  return path;
}

/** Writes `value` under `key` of a named database, bypassing ChainStore (as a damaged disk would). */
async function poke(path: string, db: string, key: Buffer | string, value: Buffer | string, encoding: 'binary' | 'string'): Promise<void> {
  const root = open({ path, maxDbs: 16, overlappingSync: false });
  const d = root.openDB(db, encoding === 'binary' ? { encoding: 'binary', keyEncoding: 'binary' } : { encoding: 'string', keyEncoding: 'ordered-binary' });
  await d.put(key, value);
  await root.close();
}

test('error: a head whose state root has no node in the state tree is refused on open', async () => {
  const path = await genesisStore('bad-root');
  const store = new ChainStore(path);
  const head = store.head()!;
  await store.close();
  await poke(path, 'meta', 'head', JSON.stringify({ height: '0', blockHash: toHex(head.blockHash), stateRoot: '11'.repeat(32), time: head.time.toString() }), 'string');
  const reopened = new ChainStore(path);
  after(() => reopened.close());
  assert.throws(() => reopened.verifyHead(), (e: unknown) => e instanceof StoreDamagedError && e.kind === 'state-root' && /no root node/.test(e.message));
});

test('error: a head naming a block the store does not hold is refused on open', async () => {
  const path = await genesisStore('no-block');
  const store = new ChainStore(path);
  const head = store.head()!;
  await store.close();
  await poke(path, 'meta', 'head', JSON.stringify({ height: '5', blockHash: toHex(head.blockHash), stateRoot: toHex(head.stateRoot), time: head.time.toString() }), 'string');
  const reopened = new ChainStore(path);
  after(() => reopened.close());
  assert.throws(() => reopened.verifyHead(), (e: unknown) => e instanceof StoreDamagedError && e.kind === 'state-root' && /no block 5/.test(e.message));
});

test('error: stored bytes that no longer decode stop the store at run time, once, for every later call', async () => {
  const path = await genesisStore('runtime');
  const key = Buffer.alloc(8);
  key.writeBigUInt64BE(1n);
  await poke(path, 'valsets', key, Buffer.from('not a validator set'), 'binary');
  const store = new ChainStore(path);
  after(() => store.close());
  const seen: StoreDamagedError[] = [];
  store.onDamage = (e) => seen.push(e);
  assert.throws(() => store.getValidatorSet(1n), (e: unknown) => e instanceof StoreDamagedError && e.kind === 'runtime' && /validator set 1/.test(e.message));
  // Once damaged, nothing more is served from the store, not even reads that would succeed.
  assert.throws(() => store.head(), StoreDamagedError);
  assert.equal(seen.length, 1);
});

test('default: an intact store passes the head check and a missing key is no damage', async () => {
  const store = new ChainStore(await genesisStore('intact'));
  after(() => store.close());
  store.verifyHead();
  assert.equal(store.getBlock(9n), undefined);
  assert.equal(store.getValidatorSet(99n), undefined);
});
