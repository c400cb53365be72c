/**
 * The `dipnet` command line. Every command and sub-command answers --help.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  addressOf, formatAddress, parseAddress, parseDpn, formatDpn, StateKey, decodeAccount, EMPTY_ACCOUNT, signTx,
  encodeSignedTx, toHex, DipnetError, fromHex, keyPairFromSecret, lockedAt,
} from '@dipnet/protocol';
import { RelayClient } from './relay-client.ts';
import { defaultKeyFile, loadKey, saveKey, newKey } from './wallet.ts';
import { devKey } from '../devnet/dev-keys.ts';
import { CONTRACT_HELPS, templateCommand, productCommand, orderCommand, parseDuration } from './contracts.ts';
import { TOKEN_HELPS, tokenCommand } from './tokens.ts';
import { GOV_HELP, govCommand } from './governance.ts';
import { exitCodeOf } from '../exit-codes.ts';

const DEFAULT_RELAY = process.env.DIPNET_RELAY ?? 'http://127.0.0.1:8545';

const HELP = `dipnet — DIPNET node, devnet and wallet

Usage: dipnet <command> [options]

Commands:
  devnet     start a local network of validator processes
  node       run one node from a config file
  keys       create, import and show wallet keys
  transfer   send DPN
  query      read verified chain state through a relay
  tx         show the status of a transaction
  template   submit, review and list contract templates
  product    create and show products (contracts instantiated from templates)
  order      place orders, fire their transitions, show them and their graphs
  token      issue, transfer, mint and show a production unit's own token
  gov        governance: bodies, elections (candidate, vote, board-vote), resolutions

Run "dipnet <command> --help" for a command's options.`;

const HELPS: Record<string, string> = {
  devnet: `Usage: dipnet devnet [--validators 4] [--dir .devnet] [--chain-id dipnet-devnet] [--reset] [--block-time-ms 1000]
                     [--board-term-ms 600000] [--voting-ms 60000] [--board-vote-ms 30000] [--coin-age-cap-ms 300000]
                     [--max-resolution-ms 600000] [--empty-block-ms 60000]

Starts one OS process per validator on 127.0.0.1. The first run writes genesis.json, keys and
configs under --dir; later runs resume the same chain from each node's store. Ctrl-C stops all.
Logs: <dir>/validator-N/node.log (JSON lines). Network summary: <dir>/devnet.json.
Governance (first run only, written into genesis): the genesis board's term (an election opens
when it ends), holder voting, representatives' board vote, the coin-age cap and the longest a
resolution may stay open. --empty-block-ms: an idle chain's block spacing (a block is also
made when an election phase or a resolution deadline falls due).`,
  node: `Usage: dipnet node --config <file> [--name <label>] [--log-level info] [--allow-missing-signing-state]
                   [--max-write-stall 10m] [--clock-offset-ms=N] [--sse-max-streams 10000]
                   [--sse-max-streams-per-ip 16]

Runs one full node (a validator if the config names a validator key): LMDB store, BFT consensus,
libp2p (WebSockets, WebRTC-direct, circuit relay) and the HTTP relay. SIGTERM/SIGINT stop it cleanly.
A validator keeps what it last signed in signing-state.json next to its key; if that file is
missing on a chain past genesis it follows the chain but signs nothing, unless started with
--allow-missing-signing-state (only when sure the key signed nothing the chain has not finalised).
A store it cannot write (full disk) makes GET /v1/health answer 503 "stalled"; the node retries
and, once writes have failed for --max-write-stall (default 10m, config health.maxWriteStallMs;
0 = never), exits 5.
Exit codes: 0 stopped, 1 usage, 2 error, 3 damaged store (resync into a fresh data directory,
keep the key and signing state), 4 unusable signing state file, 5 store not writable for
--max-write-stall (free space, then restart).
Block times: a validator prevotes nil on a proposal whose time is more than the chain's
timePrecisionMs ahead of its clock, or more than messageDelayMs + timePrecisionMs behind it, and
does not propose while its own clock is that far behind the chain (logged at error level): keep
validators' clocks synchronised (NTP). --clock-offset-ms=N runs this node's consensus clock N ms
off the machine's, for fault drills only.
--sse-max-streams / --sse-max-streams-per-ip (config relay.sse.maxStreams / maxStreamsPerIp): open
head event streams (GET /v1/events/heads) the relay holds in all / per client IP; beyond, it answers
503 RELAY_SSE_FULL / 429 RELAY_SSE_PER_IP. Each stream holds a socket: keep ulimit -n above the cap.`,
  keys: `Usage: dipnet keys <new|show|import|devnet> [--key <file>] [--force]

  new              generate a key into --key (default ${defaultKeyFile()})
  show             print the address and public key of --key
  import <hex>     store an existing 32-byte hex secret into --key
  devnet <name>    store a well-known devnet key (sale, foundation, founder-0…) into --key`,
  transfer: `Usage: dipnet transfer --to <dpn…address> --amount <DPN> [--key <file>] [--relay <url>] [--memo <text>] [--wait]

Signs a transfer with --key, reading the nonce from verified state, and submits it to the relay.`,
  query: `Usage: dipnet query <status|account <address>|block <height>> [--relay <url>]

Values are checked against a Merkle proof and a commit signed by > 2/3 of the validators.`,
  tx: `Usage: dipnet tx <hash> [--relay <url>]`,
  ...CONTRACT_HELPS,
  ...TOKEN_HELPS,
  gov: GOV_HELP,
};

const common = {
  help: { type: 'boolean', short: 'h' },
  relay: { type: 'string', default: DEFAULT_RELAY },
  key: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

function out(obj: unknown): void {
  process.stdout.write(JSON.stringify(obj, null, 2) + '\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP + '\n');
    return command ? 0 : 1;
  }
  const help = HELPS[command];
  if (!help) {
    process.stderr.write(`unknown command "${command}"\n\n${HELP}\n`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(help + '\n');
    return 0;
  }
  switch (command) {
    case 'devnet': return devnet(rest);
    case 'node': return node(rest);
    case 'keys': return keys(rest);
    case 'transfer': return transfer(rest);
    case 'query': return query(rest);
    case 'tx': return txStatus(rest);
    case 'template': return templateCommand(rest);
    case 'product': return productCommand(rest);
    case 'order': return orderCommand(rest);
    case 'token': return tokenCommand(rest);
    case 'gov': return govCommand(rest);
  }
  return 1;
}

async function devnet(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: {
    validators: { type: 'string', default: '4' }, dir: { type: 'string', default: '.devnet' },
    'chain-id': { type: 'string', default: 'dipnet-devnet' }, reset: { type: 'boolean', default: false },
    'block-time-ms': { type: 'string' }, 'board-term-ms': { type: 'string' }, 'voting-ms': { type: 'string' },
    'board-vote-ms': { type: 'string' }, 'coin-age-cap-ms': { type: 'string' }, 'max-resolution-ms': { type: 'string' },
    'empty-block-ms': { type: 'string' },
  } });
  // The node stack (libp2p, LMDB, Fastify) loads only for the commands that run a node.
  const { prepareDevnet, startDevnetProcesses } = await import('./devnet.ts');
  const n = Number(values.validators);
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new DipnetError('INVALID_ARGUMENT', '--validators must be 1..32');
  const ms = (flag: keyof typeof values): bigint | undefined => {
    const v = values[flag];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !/^\d{1,15}$/.test(v)) throw new DipnetError('INVALID_ARGUMENT', `--${flag} must be a whole number of milliseconds`);
    return BigInt(v);
  };
  const govParams = {
    boardTermMs: ms('board-term-ms'), votingPeriodMs: ms('voting-ms'), boardVotePeriodMs: ms('board-vote-ms'),
    coinAgeCapMs: ms('coin-age-cap-ms'), maxResolutionMs: ms('max-resolution-ms'),
  };
  const emptyBlockMs = ms('empty-block-ms');
  const info = await prepareDevnet({
    dir: values.dir, validators: n, chainId: values['chain-id'], reset: values.reset, govParams,
    ...(values['block-time-ms'] ? { blockTimeMs: Number(values['block-time-ms']) } : {}),
    ...(emptyBlockMs !== undefined ? { timeouts: { emptyBlockIntervalMs: Number(emptyBlockMs) } } : {}),
  });
  const net = startDevnetProcesses(info, values.dir, (name, line) => {
    try {
      const j = JSON.parse(line) as { msg?: string; height?: string; txs?: number; level?: number; err?: string; relayUrl?: string };
      if (j.msg === 'finalised' && name === info.validators[0]!.name) process.stdout.write(`block ${j.height} finalised (${j.txs} txs)\n`);
      else if ((j.level ?? 0) >= 40 || j.msg === 'relay listening' || j.msg === 'synced') process.stdout.write(`[${name}] ${j.msg}${j.err ? `: ${j.err}` : ''}${j.relayUrl ? ` ${j.relayUrl}` : ''}\n`);
    } catch {
      process.stdout.write(`[${name}] ${line}\n`);
    }
  });
  process.stdout.write(`DIPNET devnet "${info.chainId}" — ${n} validators (genesis ${info.genesisHash.slice(0, 16)}…)\n`);
  for (const v of info.validators) process.stdout.write(`  ${v.name}: relay ${v.relayUrl}  p2p ${v.multiaddrs[0]}\n`);
  const relay = info.validators[0]!.relayUrl;
  process.stdout.write(`Try:  npx dipnet keys devnet sale --key sale.key   (the devnet's well-known sale allocation)\n`);
  process.stdout.write(`      npx dipnet transfer --key sale.key --to <dpn…address> --amount 10 --relay ${relay} --wait\n`);
  process.stdout.write(`      npx dipnet query account <dpn…address> --relay ${relay}   ·   API docs ${relay}/docs\n`);
  process.stdout.write(`Press Ctrl-C to stop.\n`);
  await new Promise<void>((res) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      process.stdout.write('stopping validators…\n');
      void net.stop().then(res);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    for (const c of net.children) c.once('exit', (code, sig) => {
      if (!stopping) process.stdout.write(`a validator exited (${code ?? sig}); see its node.log\n`);
    });
  });
  return 0;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!(Number.isSafeInteger(n) && n >= 1)) throw new DipnetError('INVALID_ARGUMENT', `${flag} must be a whole number, 1 or more`);
  return n;
}

async function node(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: {
    config: { type: 'string' }, name: { type: 'string' }, 'log-level': { type: 'string', default: 'info' },
    'allow-missing-signing-state': { type: 'boolean', default: false },
    'max-write-stall': { type: 'string' },
    'clock-offset-ms': { type: 'string' },
    'sse-max-streams': { type: 'string' },
    'sse-max-streams-per-ip': { type: 'string' },
  } });
  if (!values.config) throw new DipnetError('INVALID_ARGUMENT', '--config is required');
  const maxWriteStall = values['max-write-stall'];
  const clockOffset = values['clock-offset-ms'];
  if (clockOffset !== undefined && !/^-?\d{1,9}$/.test(clockOffset)) throw new DipnetError('INVALID_ARGUMENT', `--clock-offset-ms must be a whole number of ms (e.g. --clock-offset-ms=-30000), not ${clockOffset}`);
  const { runNode } = await import('../run-node.ts');
  const { NodeExitCode } = await import('../exit-codes.ts');
  const running = await runNode(values.config, {
    logLevel: values['log-level'], ...(values.name ? { name: values.name } : {}),
    allowMissingSigningState: values['allow-missing-signing-state'],
    // Exit at once: not one more read is served or vote signed from a damaged store (the node logged why).
    onFatal: () => process.exit(NodeExitCode.STORE_DAMAGED),
    ...(maxWriteStall !== undefined ? { maxWriteStallMs: Number(parseDuration(maxWriteStall)) } : {}),
    ...(clockOffset !== undefined ? { clockOffsetMs: Number(clockOffset) } : {}),
    sse: {
      ...(values['sse-max-streams'] !== undefined ? { maxStreams: positiveInt(values['sse-max-streams'], '--sse-max-streams') } : {}),
      ...(values['sse-max-streams-per-ip'] !== undefined ? { maxStreamsPerIp: positiveInt(values['sse-max-streams-per-ip'], '--sse-max-streams-per-ip') } : {}),
    },
    // A node that cannot write is no use to anyone: exit so a supervisor sees it (the node logged why).
    onWriteStall: () => process.exit(NodeExitCode.CANNOT_WRITE),
  });
  await new Promise<void>((res) => {
    const stop = () => void running.stop().then(res, res);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

async function keys(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { key: common.key, force: { type: 'boolean', default: false } } });
  const file = values.key ?? defaultKeyFile();
  const show = (k: { publicKey: Uint8Array }) => out({ address: formatAddress(addressOf(k.publicKey)), publicKey: toHex(k.publicKey), file });
  switch (positionals[0]) {
    case 'new': { const k = newKey(); saveKey(file, k, values.force); show(k); return 0; }
    case 'show': show(loadKey(file)); return 0;
    case 'import': { const k = keyPairFromSecret(fromHex(positionals[1] ?? '', 32)); saveKey(file, k, values.force); show(k); return 0; }
    case 'devnet': { const k = devKey(positionals[1] ?? 'sale'); saveKey(file, k, values.force); show(k); return 0; }
    default: process.stderr.write(HELPS.keys + '\n'); return 1;
  }
}

async function transfer(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...common, to: { type: 'string' }, amount: { type: 'string' }, memo: { type: 'string', default: '' }, fee: { type: 'string', default: '0.01' }, wait: { type: 'boolean', default: false } } });
  if (!values.to || !values.amount) throw new DipnetError('INVALID_ARGUMENT', '--to and --amount are required');
  const key = loadKey(values.key ?? defaultKeyFile());
  const client = new RelayClient(values.relay);
  const status = await client.status();
  const { value } = await client.provenValue(StateKey.account(addressOf(key.publicKey)));
  const account = value ? decodeAccount(value) : EMPTY_ACCOUNT;
  const stx = signTx({ chainId: status.chainId, signer: key.publicKey, nonce: account.nonce, fee: parseDpn(values.fee), body: { type: 'transfer', to: parseAddress(values.to), amount: parseDpn(values.amount), memo: values.memo } }, key.secretKey);
  const hash = await client.submitTx(encodeSignedTx(stx));
  if (values.wait) {
    for (let i = 0; i < 300; i++) {
      const s = await client.txStatus(hash);
      if (s.status === 'committed') { out({ hash, ...s }); return 0; }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  out({ hash, status: 'submitted' });
  return 0;
}

async function query(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { relay: common.relay } });
  const client = new RelayClient(values.relay);
  switch (positionals[0]) {
    case 'status': out(await client.status()); return 0;
    case 'account': {
      const addr = parseAddress(positionals[1] ?? '');
      const { value, height } = await client.provenValue(StateKey.account(addr));
      const a = value ? decodeAccount(value) : EMPTY_ACCOUNT;
      out({ address: formatAddress(addr), balance: formatDpn(a.balance), nonce: a.nonce.toString(), locked: formatDpn(lockedAt(a, BigInt(Date.now()))), locks: a.locks.map((t) => ({ amount: formatDpn(t.amount), unlockAt: t.unlockAt.toString() })), ageSince: a.ageSince.toString(), verifiedAtHeight: height.toString() });
      return 0;
    }
    case 'block': out(await client.get(`/v1/blocks/${positionals[1] ?? ''}`)); return 0;
    default: process.stderr.write(HELPS.query + '\n'); return 1;
  }
}

async function txStatus(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { relay: common.relay } });
  out(await new RelayClient(values.relay).txStatus(positionals[0] ?? ''));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const own = (e as { code?: unknown }).code;
    const code = e instanceof DipnetError ? e.code : typeof own === 'string' && /^[A-Z_]+$/.test(own) ? own : 'ERROR';
    process.stderr.write(`error ${String(code)}: ${(e as Error).message}\n`);
    process.exit(exitCodeOf(e));
  },
);
