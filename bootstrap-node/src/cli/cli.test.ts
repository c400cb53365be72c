/**
 * The `dipnet` CLI as a user runs it (a child process per command) against a real single
 * validator and its relay listening on 127.0.0.1 inside this test process.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { addressOf, formatAddress, parseDpn, StateKey, decodeAccount, dpn, fromHex, keyPairFromSecret } from '@dipnet/protocol';
import { devKey } from '../devnet/dev-keys.ts';
import { waitFor } from '../testing/fixtures.ts';
import { startCliHarness, type CliRun as Run } from '../testing/cli-harness.ts';

const COMMANDS = ['devnet', 'node', 'keys', 'transfer', 'query', 'tx'];

const h = await startCliHarness({ name: 'cli' });
after(() => h.stop());
const { node, relayUrl: RELAY_URL } = h;
/** Runs the CLI with exactly `args` (these tests name the relay themselves where a command needs one). */
const cli = (args: string[]) => h.cli(args, { relay: false });

const json = <T>(r: Run): T => {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
};

/** Runs CLI invocations two at a time (each child loads the whole node; the CPU is shared). */
async function cliAll(argLists: string[][]): Promise<Run[]> {
  const out: Run[] = new Array(argLists.length);
  let next = 0;
  const worker = async () => {
    while (next < argLists.length) {
      const i = next++;
      out[i] = await cli(argLists[i]!);
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

const walletFile = join(h.dir, 'wallet.key');
let walletAddress = '';

test('--help at every level exits 0 with usage text; an unknown command exits non-zero', async () => {
  const args = [['--help'], ...COMMANDS.map((c) => [c, '--help']), ['frobnicate']];
  const runs = await cliAll(args);
  const unknown = runs.pop()!;
  runs.forEach((r, i) => {
    const a = args[i]!.join(' ');
    assert.equal(r.code, 0, `${a}: exit ${r.code}, stderr ${r.stderr}`);
    assert.match(r.stdout, /Usage: dipnet/, a);
  });
  const top = runs[0]!.stdout;
  for (const c of COMMANDS) assert.match(top, new RegExp(`^\\s+${c}\\s`, 'm'), `top-level help lists ${c}`);
  COMMANDS.forEach((c, i) => assert.match(runs[i + 1]!.stdout, new RegExp(`^Usage: dipnet ${c}\\b`), `${c} --help shows its own usage`));

  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  assert.match(unknown.stderr, /Usage: dipnet/);
  assert.equal(unknown.stdout, '');
});

test('keys new then keys show print the same address; no overwrite without --force', async () => {
  const made = await cli(['keys', 'new', '--key', walletFile]);
  assert.equal(made.code, 0, made.stderr);
  const created = json<{ address: string; publicKey: string; file: string }>(made);
  assert.match(created.address, /^dpn[0-9a-f]{40}$/);
  assert.equal(created.file, walletFile);
  const secret = readFileSync(walletFile, 'utf8').trim();
  assert.match(secret, /^[0-9a-f]{64}$/);
  assert.equal(created.address, formatAddress(addressOf(keyPairFromSecret(fromHex(secret, 32)).publicKey)), 'address derives from the stored key');
  const [shown, again] = await cliAll([['keys', 'show', '--key', walletFile], ['keys', 'new', '--key', walletFile]]);
  assert.equal(shown!.code, 0, shown!.stderr);
  assert.deepEqual(json(shown!), created);
  assert.equal(again!.code, 2, 'keys new refuses to overwrite');
  assert.match(again!.stderr, /INVALID_ARGUMENT/);
  assert.equal(readFileSync(walletFile, 'utf8').trim(), secret, 'the key was not replaced');
  walletAddress = created.address;
});

test('transfer: overspend exits 2 with TX_INSUFFICIENT_FUNDS; a real transfer commits; query account prints the verified balance', async () => {
  assert.ok(walletAddress, 'needs the key from the previous test');
  await waitFor(() => node.chain.head.height >= 1n, { timeoutMs: 10_000, what: 'block 1' });
  const saleFile = h.keyFile('sale', devKey('sale'));
  const saleAcct = () => decodeAccount(node.chain.store.getValue(StateKey.account(addressOf(devKey('sale').publicKey)))!);
  const before = saleAcct();

  const over = await cli(['transfer', '--key', saleFile, '--to', walletAddress, '--amount', '6000000000', '--relay', RELAY_URL]);
  assert.equal(over.code, 2, `stdout ${over.stdout} stderr ${over.stderr}`);
  assert.match(over.stderr, /TX_INSUFFICIENT_FUNDS/);
  assert.equal(node.mempool.size, 0);
  assert.deepEqual(saleAcct(), before, 'a refused transfer changes nothing');

  const sent = await cli(['transfer', '--key', saleFile, '--to', walletAddress, '--amount', '12.5', '--relay', RELAY_URL, '--wait']);
  assert.equal(sent.code, 0, sent.stderr);
  const res = json<{ hash: string; status: string; height: string }>(sent);
  assert.equal(res.status, 'committed');
  assert.match(res.hash, /^[0-9a-f]{64}$/);
  assert.equal(saleAcct().nonce, before.nonce + 1n);

  const q = await cli(['query', 'account', walletAddress, '--relay', RELAY_URL]);
  assert.equal(q.code, 0, q.stderr);
  const acct = json<{ address: string; balance: string; nonce: string; verifiedAtHeight: string }>(q);
  assert.equal(acct.address, walletAddress);
  assert.equal(acct.balance, '12.5');
  assert.equal(parseDpn(acct.balance), dpn(25) / 2n);
  assert.equal(acct.nonce, '0');
  assert.ok(BigInt(acct.verifiedAtHeight) >= BigInt(res.height), 'verified at or after the transfer');
});
