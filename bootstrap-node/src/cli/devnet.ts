/**
 * `dipnet devnet`: a local network of validator processes. The first run writes a genesis,
 * keys and one config per validator under --dir (ports chosen once and kept, so a restart
 * resumes the same chain on the same addresses); every run starts one OS process per validator
 * and stops them all on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { existsSync, mkdirSync, writeFileSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { toHex, genesisHash, type GovParams } from '@dipnet/protocol';
import { devnetGenesis, devnetGovParams } from '../devnet/genesis.ts';
import { devValidatorKey, devPeerSeed } from '../devnet/dev-keys.ts';
import { writeGenesisFile, readGenesisFile } from '../devnet/genesis-file.ts';
import type { NodeConfigFile } from '../node-config.ts';
import { initSigningState, SIGNING_STATE_FILE } from '../consensus/signing-state.ts';
import type { ConsensusTimeouts } from '../consensus/engine.ts';

export interface DevnetInfo {
  chainId: string;
  genesisHash: string;
  validators: { name: string; relayUrl: string; multiaddrs: string[]; config: string }[];
}

export interface DevnetOptions {
  dir: string;
  validators: number;
  chainId: string;
  reset: boolean;
  blockTimeMs?: number;
  host?: string;
  /** Governance parameters replacing DEVNET_GOV_PARAMS fields in a new genesis (e.g. a one-minute board term for tests). */
  govParams?: Partial<GovParams>;
  /**
   * Consensus timeouts for every validator. Elections and resolution deadlines move on block
   * time, so a short `emptyBlockIntervalMs` keeps an idle test devnet's clock moving.
   */
  timeouts?: Partial<ConsensusTimeouts>;
}

/**
 * `count` distinct free TCP ports on 127.0.0.1. Every probe socket stays open until all are
 * chosen: closing each before asking for the next lets the kernel hand the same number out twice
 * (seen in CI: a relay and a libp2p WebSocket listener given one port).
 */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<Server>((res, rej) => {
    const s = createServer();
    s.unref();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => res(s));
  })));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
  return ports;
}

/** Writes genesis, keys and configs for a new devnet under `dir` (idempotent unless reset). */
export async function prepareDevnet(o: DevnetOptions): Promise<DevnetInfo> {
  const dir = resolve(o.dir);
  const infoPath = join(dir, 'devnet.json');
  if (o.reset) rmSync(dir, { recursive: true, force: true });
  if (existsSync(infoPath)) return JSON.parse(readFileSync(infoPath, 'utf8')) as DevnetInfo;
  const genesis = devnetGenesis({ chainId: o.chainId, validators: o.validators, govParams: devnetGovParams(o.govParams) });
  mkdirSync(dir, { recursive: true });
  writeGenesisFile(join(dir, 'genesis.json'), genesis);
  const host = o.host ?? '127.0.0.1';
  const nodes: { i: number; peerId: string; ws: string; rtc: string; relayPort: number }[] = [];
  // Three per validator: libp2p WebSockets, WebRTC-direct (a free TCP number is very likely free for UDP too), relay.
  const ports = await freePorts(3 * o.validators);
  for (let i = 0; i < o.validators; i++) {
    const seed = devPeerSeed(i);
    const peerId = peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed)).toString();
    const [wsPort, rtcPort, relayPort] = ports.slice(3 * i, 3 * i + 3) as [number, number, number];
    nodes.push({ i, peerId, ws: `/ip4/${host}/tcp/${wsPort}/ws`, rtc: `/ip4/${host}/udp/${rtcPort}/webrtc-direct`, relayPort });
  }
  const hash = toHex(genesisHash(genesis));
  const validators = nodes.map((n) => {
    const nd = join(dir, `validator-${n.i}`);
    mkdirSync(nd, { recursive: true });
    writeFileSync(join(nd, 'validator.key'), toHex(devValidatorKey(n.i).secretKey) + '\n', { mode: 0o600 });
    writeFileSync(join(nd, 'peer.key'), toHex(devPeerSeed(n.i)) + '\n', { mode: 0o600 });
    // Beside the key, outside the store: a validator that has signed nothing yet (see consensus/signing-state.ts).
    initSigningState(join(nd, SIGNING_STATE_FILE), hash);
    const cfg: NodeConfigFile = {
      genesis: '../genesis.json',
      dataDir: 'data',
      validatorKey: 'validator.key',
      peerKey: 'peer.key',
      p2p: { ws: n.ws, webrtcDirect: n.rtc, bootstrap: nodes.filter((m) => m.i !== n.i).map((m) => `${m.ws}/p2p/${m.peerId}`) },
      // Everything on a devnet comes from 127.0.0.1, so per-IP limits are set for load tests.
      relay: { host, port: n.relayPort, rateLimit: { max: 1_000_000, timeWindowMs: 60_000 } },
      ...(o.blockTimeMs || o.timeouts ? { timeouts: { ...o.timeouts, ...(o.blockTimeMs ? { blockTimeMs: o.blockTimeMs } : {}) } } : {}),
    };
    const config = join(nd, 'config.json');
    writeFileSync(config, JSON.stringify(cfg, null, 2) + '\n');
    return { name: `validator-${n.i}`, relayUrl: `http://${host}:${n.relayPort}`, multiaddrs: [`${n.ws}/p2p/${n.peerId}`, `${n.rtc}/p2p/${n.peerId}`], config };
  });
  const info: DevnetInfo = { chainId: o.chainId, genesisHash: hash, validators };
  writeFileSync(infoPath, JSON.stringify(info, null, 2) + '\n');
  return info;
}

export interface RunningDevnet {
  readonly info: DevnetInfo;
  readonly children: ChildProcess[];
  stop(): Promise<void>;
}

/** Spawns one validator process per config; their JSON logs go to validator-N/node.log. */
export function startDevnetProcesses(info: DevnetInfo, dir: string, onLine?: (name: string, line: string) => void): RunningDevnet {
  const entry = new URL('./main.ts', import.meta.url).pathname;
  const children = info.validators.map((v) => {
    // DIPNET_NODE_ARGS passes extra Node flags to every validator (e.g. --cpu-prof for profiling).
    const extra = process.env.DIPNET_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...extra, '--import', 'tsx', entry, 'node', '--config', v.config, '--name', v.name], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env },
    });
    const log = createWriteStream(join(resolve(dir), v.name, 'node.log'), { flags: 'a' });
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        log.write(line + '\n');
        onLine?.(v.name, line);
      });
    }
    child.on('exit', () => log.end());
    return child;
  });
  return {
    info,
    children,
    async stop() {
      await Promise.all(children.map((c) => new Promise<void>((res) => {
        if (c.exitCode !== null || c.signalCode !== null) return res();
        c.once('exit', () => res());
        c.kill('SIGTERM');
        setTimeout(() => c.kill('SIGKILL'), 5000).unref();
      })));
    },
  };
}

export function readDevnetGenesis(dir: string) {
  return readGenesisFile(join(resolve(dir), 'genesis.json'));
}
