/**
 * A page that talks only to relays can bundle @dipnet/light-client/relay-only without libp2p, and a
 * worker script @dipnet/light-client/worker-relay-only-entry:
 * the light client gets its sources and store from parts (createLightClientWith), and only
 * createLightClient (create.ts) imports the libp2p transport. Checked on esbuild's metafile, with
 * the default entry as the control (it does pull libp2p in).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';

const LIBP2P = /(^|\/)node_modules\/(libp2p|@libp2p\/|@chainsafe\/libp2p-|@multiformats\/multiaddr)|light-client\/src\/transport\/libp2p\.ts$/;

async function inputsOf(entry: string): Promise<string[]> {
  const r = await build({
    stdin: { contents: entry, resolveDir: new URL('.', import.meta.url).pathname, loader: 'ts' },
    bundle: true, platform: 'browser', format: 'esm', target: 'chrome120', write: false, metafile: true, logLevel: 'error',
  });
  return Object.keys(r.metafile.inputs);
}

test('a relay-only bundle imports no libp2p module', async () => {
  const inputs = await inputsOf("export { createRelayOnlyLightClient } from '@dipnet/light-client/relay-only';");
  assert.ok(inputs.some((i) => i.endsWith('light-client/src/client.ts')), 'the bundle holds the light client');
  assert.ok(inputs.some((i) => i.endsWith('light-client/src/transport/relay-http.ts')), 'the bundle holds the relay transport');
  assert.deepEqual(inputs.filter((i) => LIBP2P.test(i)), []);
});

test('the default entry still bundles libp2p (the check above can fail)', async () => {
  const inputs = await inputsOf("export { createLightClient } from '@dipnet/light-client';");
  assert.ok(inputs.some((i) => LIBP2P.test(i)));
});

test('a relay-only worker bundle imports no libp2p module', async () => {
  const inputs = await inputsOf("import '@dipnet/light-client/worker-relay-only-entry';");
  assert.ok(inputs.some((i) => i.endsWith('light-client/src/worker-api.ts')), 'the bundle holds the worker API');
  assert.ok(inputs.some((i) => i.endsWith('light-client/src/transport/webrtc-bridge-worker.ts')), 'the bundle holds the page bridge source');
  assert.ok(inputs.some((i) => i.endsWith('light-client/src/transport/relay-http.ts')), 'the bundle holds the relay transport');
  assert.deepEqual(inputs.filter((i) => LIBP2P.test(i)), []);
});

test('the default worker bundle still bundles libp2p (the check above can fail)', async () => {
  const inputs = await inputsOf("import '@dipnet/light-client/worker-entry';");
  assert.ok(inputs.some((i) => LIBP2P.test(i)));
});
