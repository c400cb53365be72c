/**
 * A node's config file (JSON). Paths are relative to the config file's directory.
 *
 * {
 *   "genesis": "genesis.json",          // genesis document (see devnet/genesis-file.ts)
 *   "dataDir": "data",                  // LMDB store
 *   "validatorKey": "validator.key",    // optional: hex Ed25519 secret → this node validates
 *   "signingState": "signing-state.json", // optional: what the validator last signed (default: next to validatorKey)
 *   "peerKey": "peer.key",              // hex 32-byte seed of the libp2p identity
 *   "p2p": { "ws": "/ip4/127.0.0.1/tcp/26656/ws", "webrtcDirect": "/ip4/127.0.0.1/udp/26657/webrtc-direct",
 *            "bootstrap": ["/ip4/127.0.0.1/tcp/26666/ws/p2p/12D3Koo…"] },
 *   "relay": { "host": "127.0.0.1", "port": 8545,      // null to disable HTTP
 *              "rateLimit": { "max": 600, "timeWindowMs": 60000 },
 *              "sse": { "maxStreams": 10000, "maxStreamsPerIp": 16 } },  // optional: head stream caps
 *   "timeouts": { "blockTimeMs": 1000 },                // optional consensus tuning
 *   "health": { "maxWriteStallMs": 600000,              // optional: give up (exit 5) after store writes
 *               "headStallMs": 30000 }                  //   failed this long (0 = never); stalled when the
 * }                                                     //   head stays put this long while peers are ahead
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fromHex, ErrorCode, fail } from '@dipnet/protocol';
import type { ConsensusTimeouts } from './consensus/engine.ts';
import { SIGNING_STATE_FILE } from './consensus/signing-state.ts';

export interface NodeConfigFile {
  readonly genesis: string;
  readonly dataDir: string;
  readonly validatorKey?: string;
  readonly signingState?: string;
  readonly peerKey: string;
  readonly p2p: { readonly ws?: string; readonly webrtcDirect?: string; readonly bootstrap?: readonly string[]; readonly announce?: readonly string[] };
  readonly relay: RelayConfig | null;
  readonly timeouts?: Partial<ConsensusTimeouts>;
  readonly health?: HealthConfig;
}

/** When the node reports itself stalled and when it gives up writing (health-monitor.ts). */
export interface HealthConfig {
  /** Store writes may fail this long before `dipnet node` exits 5 (default 10 min; 0 = never). */
  readonly maxWriteStallMs?: number;
  /** The head may stay put this long while peers are ahead before health says stalled (default 30 s). */
  readonly headStallMs?: number;
}

export interface RelayConfig {
  readonly host: string;
  readonly port: number;
  /** Per-IP limit on transaction and evidence posts (reads get 10x). */
  readonly rateLimit?: { readonly max: number; readonly timeWindowMs: number };
  readonly bodyLimit?: number;
  /** Server-Sent Events head streams (GET /v1/events/heads): caps and slow-client policy. */
  readonly sse?: SseConfig;
}

export interface SseConfig {
  /** Concurrent streams of the relay (default 10,000); more → 503 RELAY_SSE_FULL. `--sse-max-streams`. */
  readonly maxStreams?: number;
  /** Concurrent streams per client IP (default 16); more → 429 RELAY_SSE_PER_IP. `--sse-max-streams-per-ip`. */
  readonly maxStreamsPerIp?: number;
  /** Most missed heads replayed after a reconnect (default 128). */
  readonly replayLimit?: number;
  /** A client whose connection accepts nothing this long is dropped (default 10 s). */
  readonly slowMs?: number;
}

export interface ResolvedNodeConfig {
  readonly genesisPath: string;
  readonly dataDir: string;
  readonly validatorSecret?: Uint8Array;
  /** Where the validator's signing state lives: apart from dataDir, so a wiped store keeps it. */
  readonly signingStatePath?: string;
  readonly peerSeed: Uint8Array;
  readonly p2p: NodeConfigFile['p2p'];
  readonly relay: NodeConfigFile['relay'];
  readonly timeouts?: Partial<ConsensusTimeouts>;
  readonly health?: HealthConfig;
}

const readKey = (path: string): Uint8Array => fromHex(readFileSync(path, 'utf8').trim(), 32);

export function loadNodeConfig(path: string): ResolvedNodeConfig {
  let cfg: NodeConfigFile;
  try {
    cfg = JSON.parse(readFileSync(path, 'utf8')) as NodeConfigFile;
  } catch (e) {
    fail(ErrorCode.INVALID_ARGUMENT, `cannot read node config ${path}: ${(e as Error).message}`);
  }
  const base = dirname(resolve(path));
  if (typeof cfg.genesis !== 'string' || typeof cfg.dataDir !== 'string' || typeof cfg.peerKey !== 'string' || typeof cfg.p2p !== 'object') {
    fail(ErrorCode.INVALID_ARGUMENT, `node config ${path} needs genesis, dataDir, peerKey and p2p`);
  }
  return {
    genesisPath: resolve(base, cfg.genesis),
    dataDir: resolve(base, cfg.dataDir),
    ...(cfg.validatorKey ? {
      validatorSecret: readKey(resolve(base, cfg.validatorKey)),
      signingStatePath: cfg.signingState ? resolve(base, cfg.signingState) : join(dirname(resolve(base, cfg.validatorKey)), SIGNING_STATE_FILE),
    } : {}),
    peerSeed: readKey(resolve(base, cfg.peerKey)),
    p2p: cfg.p2p,
    relay: cfg.relay ? checkRelayConfig(cfg.relay, path) : null,
    ...(cfg.timeouts ? { timeouts: cfg.timeouts } : {}),
    ...(cfg.health ? { health: checkHealthConfig(cfg.health, path) } : {}),
  };
}

function checkHealthConfig(h: HealthConfig, path: string): HealthConfig {
  for (const k of ['maxWriteStallMs', 'headStallMs'] as const) {
    const v = h[k];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) fail(ErrorCode.INVALID_ARGUMENT, `node config ${path}: health.${k} must be a whole number of milliseconds, 0 or more`);
  }
  return h;
}

function checkRelayConfig(r: RelayConfig, path: string): RelayConfig {
  for (const k of ['maxStreams', 'maxStreamsPerIp', 'replayLimit', 'slowMs'] as const) {
    const v = r.sse?.[k];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1)) fail(ErrorCode.INVALID_ARGUMENT, `node config ${path}: relay.sse.${k} must be a whole number, 1 or more`);
  }
  return r;
}
