import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DipnetError } from '@dipnet/protocol';
import { loadNodeConfig, type NodeConfigFile } from './node-config.ts';
import { tempDir } from './testing/fixtures.ts';

const KEY = '11'.repeat(32);

function configWith(dir: string, relay: NodeConfigFile['relay']): string {
  writeFileSync(join(dir, 'peer.key'), KEY);
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify({ genesis: 'genesis.json', dataDir: 'data', peerKey: 'peer.key', p2p: {}, relay }));
  return path;
}

test('relay.sse caps are read from the node config; a cap that is not a whole number of at least 1 is refused by name', async (t) => {
  const { path: dir, cleanup } = await tempDir();
  t.after(cleanup);
  const sse = { maxStreams: 20_000, maxStreamsPerIp: 4, replayLimit: 64, slowMs: 5_000 };
  assert.deepEqual(loadNodeConfig(configWith(dir, { host: '127.0.0.1', port: 0, sse })).relay?.sse, sse);
  for (const bad of [{ maxStreams: 0 }, { maxStreamsPerIp: 1.5 }, { slowMs: -1 }]) {
    assert.throws(() => loadNodeConfig(configWith(dir, { host: '127.0.0.1', port: 0, sse: bad })), (e: unknown) => {
      assert.ok(e instanceof DipnetError && e.code === 'INVALID_ARGUMENT');
      assert.match(e.message, new RegExp(`relay\\.sse\\.${Object.keys(bad)[0]}`));
      return true;
    });
  }
});
