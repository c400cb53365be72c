/** Runs one node process: store, consensus, libp2p host and (optionally) the Fastify relay. */
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { DipnetNode, STORE_RECOVERY } from './node.ts';
import { createP2PHost } from './p2p/host.ts';
import { createRelay, type RelayOptions } from './relay/relay.ts';
import { loadNodeConfig, type SseConfig } from './node-config.ts';
import { readGenesisFile } from './devnet/genesis-file.ts';
import { StoreDamagedError, SigningStateError, type WriteStallError } from './store/store-errors.ts';

export interface RunningNode {
  readonly node: DipnetNode;
  readonly relay: FastifyInstance | null;
  readonly relayUrl: string | null;
  stop(): Promise<void>;
}

export interface RunNodeOptions {
  readonly logLevel?: string;
  readonly name?: string;
  readonly allowMissingSigningState?: boolean;
  /** The store turned out damaged while running (already logged at error level; consensus stopped). */
  readonly onFatal?: (e: StoreDamagedError) => void;
  /** Overrides the config's health.maxWriteStallMs (`--max-write-stall`). */
  readonly maxWriteStallMs?: number;
  /** Override the config's relay.sse caps (`--sse-max-streams`, `--sse-max-streams-per-ip`). */
  readonly sse?: SseConfig;
  /** Store writes failed for maxWriteStallMs (already logged at error level). */
  readonly onWriteStall?: (e: WriteStallError) => void;
  /** Fault drills only: this node's consensus clock runs this many ms off the machine's (`--clock-offset-ms`). */
  readonly clockOffsetMs?: number;
}

/** The relay's SSE options from the config (and CLI overrides); unset ones keep the relay's defaults. */
function sseOptions(c: SseConfig): RelayOptions {
  return {
    ...(c.maxStreams !== undefined ? { sseMaxStreams: c.maxStreams } : {}),
    ...(c.maxStreamsPerIp !== undefined ? { sseMaxStreamsPerIp: c.maxStreamsPerIp } : {}),
    ...(c.replayLimit !== undefined ? { sseReplayLimit: c.replayLimit } : {}),
    ...(c.slowMs !== undefined ? { sseSlowMs: c.slowMs } : {}),
  };
}

export async function runNode(configPath: string, opts: RunNodeOptions = {}): Promise<RunningNode> {
  const cfg = loadNodeConfig(configPath);
  const genesis = readGenesisFile(cfg.genesisPath);
  const maxWriteStallMs = opts.maxWriteStallMs ?? cfg.health?.maxWriteStallMs;
  const logger = pino({ level: opts.logLevel ?? 'info', base: opts.name ? { node: opts.name } : {} });
  let node: DipnetNode;
  try {
    node = await startNode();
  } catch (e) {
    // The node never started: say why in its log, where an operator looks, before the process exits.
    if (e instanceof StoreDamagedError) logger.error({ err: e.message, kind: e.kind, path: e.path, code: e.code, recovery: STORE_RECOVERY }, 'store damaged: not starting');
    else if (e instanceof SigningStateError) logger.error({ err: e.message, path: e.path, code: e.code }, 'signing state unusable: not starting');
    throw e;
  }
  async function startNode(): Promise<DipnetNode> { return DipnetNode.start({
    dataDir: cfg.dataDir,
    genesis,
    ...(cfg.validatorSecret ? { validatorSecret: cfg.validatorSecret } : {}),
    ...(cfg.signingStatePath ? { signingStatePath: cfg.signingStatePath } : {}),
    ...(opts.allowMissingSigningState ? { allowMissingSigningState: true } : {}),
    ...(opts.onFatal ? { onFatal: opts.onFatal } : {}),
    ...(opts.onWriteStall ? { onWriteStall: opts.onWriteStall } : {}),
    ...(cfg.health?.headStallMs !== undefined ? { headStallMs: cfg.health.headStallMs } : {}),
    ...(maxWriteStallMs !== undefined ? { maxWriteStallMs } : {}),
    ...(cfg.timeouts ? { timeouts: cfg.timeouts } : {}),
    ...(opts.clockOffsetMs ? { clock: ((offset: number) => () => Date.now() + offset)(opts.clockOffsetMs) } : {}),
    logger,
    network: (handlers) => createP2PHost({
      privateKeySeed: cfg.peerSeed,
      listen: { ...(cfg.p2p.ws ? { ws: cfg.p2p.ws } : {}), ...(cfg.p2p.webrtcDirect ? { webrtcDirect: cfg.p2p.webrtcDirect } : {}) },
      bootstrap: cfg.p2p.bootstrap ?? [],
      ...(cfg.p2p.announce ? { announce: cfg.p2p.announce } : {}),
      chainId: genesis.chainId,
      logger: logger.child({ component: 'p2p' }),
    }, handlers),
  }); }
  let relay: FastifyInstance | null = null;
  let relayUrl: string | null = null;
  if (cfg.relay) {
    // Fastify builds its own pino from options; keep its lines tagged like the node's.
    relay = await createRelay(node, {
      ...(cfg.relay.rateLimit ? { rateLimit: cfg.relay.rateLimit } : {}),
      ...(cfg.relay.bodyLimit ? { bodyLimit: cfg.relay.bodyLimit } : {}),
      ...sseOptions({ ...cfg.relay.sse, ...opts.sse }),
      logger: { level: opts.logLevel ?? 'info', base: { ...(opts.name ? { node: opts.name } : {}), component: 'relay' } } });
    relayUrl = await relay.listen({ host: cfg.relay.host, port: cfg.relay.port });
    logger.info({ relayUrl, multiaddrs: node.network.multiaddrs() }, 'relay listening');
  }
  return {
    node, relay, relayUrl,
    async stop() {
      await relay?.close();
      await node.stop();
    },
  };
}
