/** Runs one node process: store, consensus, libp2p host and (optionally) the Fastify relay. */
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { DipnetNode } from './node.ts';
import { createP2PHost } from './p2p/host.ts';
import { createRelay } from './relay/relay.ts';
import { loadNodeConfig } from './node-config.ts';
import { readGenesisFile } from './devnet/genesis-file.ts';

export interface RunningNode {
  readonly node: DipnetNode;
  readonly relay: FastifyInstance | null;
  readonly relayUrl: string | null;
  stop(): Promise<void>;
}

export async function runNode(configPath: string, opts: { logLevel?: string; name?: string } = {}): Promise<RunningNode> {
  const cfg = loadNodeConfig(configPath);
  const genesis = readGenesisFile(cfg.genesisPath);
  const logger = pino({ level: opts.logLevel ?? 'info', base: opts.name ? { node: opts.name } : {} });
  const node = await DipnetNode.start({
    dataDir: cfg.dataDir,
    genesis,
    ...(cfg.validatorSecret ? { validatorSecret: cfg.validatorSecret } : {}),
    ...(cfg.timeouts ? { timeouts: cfg.timeouts } : {}),
    logger,
    network: (handlers) => createP2PHost({
      privateKeySeed: cfg.peerSeed,
      listen: { ...(cfg.p2p.ws ? { ws: cfg.p2p.ws } : {}), ...(cfg.p2p.webrtcDirect ? { webrtcDirect: cfg.p2p.webrtcDirect } : {}) },
      bootstrap: cfg.p2p.bootstrap ?? [],
      ...(cfg.p2p.announce ? { announce: cfg.p2p.announce } : {}),
      chainId: genesis.chainId,
      logger: logger.child({ component: 'p2p' }),
    }, handlers),
  });
  let relay: FastifyInstance | null = null;
  let relayUrl: string | null = null;
  if (cfg.relay) {
    // Fastify builds its own pino from options; keep its lines tagged like the node's.
    relay = await createRelay(node, {
      ...(cfg.relay.rateLimit ? { rateLimit: cfg.relay.rateLimit } : {}),
      ...(cfg.relay.bodyLimit ? { bodyLimit: cfg.relay.bodyLimit } : {}),
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
