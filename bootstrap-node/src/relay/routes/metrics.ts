/**
 * Prometheus metrics via prom-client, on a registry private to this relay (several relays in one
 * process never collide). Counts and times every request by route template and status, and reads
 * chain gauges from node.status() at scrape time. Registered without encapsulation so its
 * onResponse hook sees every route.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { NodeApi } from '../../node-api.ts';
import { withErrors } from '../schemas.ts';

export interface MetricsOptions {
  readonly node: NodeApi;
  readonly register: Registry;
}

export interface RelayMetrics {
  readonly register: Registry;
  readonly sseClients: Gauge;
}

/** Builds the relay's registry and chain gauges. */
export function createRelayMetrics(node: NodeApi): RelayMetrics {
  const register = new Registry();
  new Gauge({
    name: 'dipnet_height',
    help: 'Latest finalised block height',
    registers: [register],
    collect() {
      this.set(Number(node.status().height));
    },
  });
  new Gauge({
    name: 'dipnet_peers',
    help: 'Connected libp2p peers',
    registers: [register],
    collect() {
      this.set(node.status().peers);
    },
  });
  new Gauge({
    name: 'dipnet_mempool_size',
    help: 'Txs waiting in the mempool',
    registers: [register],
    collect() {
      this.set(node.status().mempoolSize);
    },
  });
  const sseClients = new Gauge({ name: 'dipnet_relay_sse_clients', help: 'Open Server-Sent Events streams', registers: [register] });
  return { register, sseClients };
}

const metricsPluginImpl: FastifyPluginAsync<MetricsOptions> = async (app, { register }) => {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'dipnet_relay_http_requests_total',
    help: 'HTTP requests served by the relay',
    labelNames,
    registers: [register],
  });
  const duration = new Histogram({
    name: 'dipnet_relay_http_request_duration_seconds',
    help: 'HTTP request duration (SSE streams excluded)',
    labelNames,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [register],
  });

  app.addHook('onResponse', (req, reply, done) => {
    // Route templates only (never raw URLs) keep label cardinality bounded.
    const route = req.routeOptions.url ?? 'unmatched';
    const labels = { method: req.method, route, status: String(reply.statusCode) };
    requests.inc(labels);
    if (req.routeOptions.config?.sse !== true) duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', {
    schema: {
      tags: ['metrics'],
      summary: 'Prometheus metrics (text exposition format)',
      response: withErrors({
        200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
      }),
    },
  }, async (_req, reply) => {
    const body = await register.metrics();
    reply.type(register.contentType);
    return body;
  });
};

/** Not encapsulated (Fastify's skip-override), like fastify-plugin, so the hook applies app-wide. */
export const metricsPlugin = Object.assign(metricsPluginImpl, { [Symbol.for('skip-override')]: true });
