/**
 * Prometheus metrics via prom-client, on a registry private to this relay (several relays in one
 * process never collide). Counts every response by route template and status (early errors, which
 * no Fastify hook sees, are counted by early-errors.ts through countResponse), times routed
 * requests, and reads chain and health gauges from node.status() and node.health() at scrape
 * time. Registered without encapsulation so its onResponse hook sees every route.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { NodeApi } from '../../node-api.ts';
import type { FanoutStats } from '../head-fanout.ts';
import { withErrors } from '../schemas.ts';

export interface MetricsOptions {
  readonly metrics: RelayMetrics;
}

/** Labels of the request counter and histogram. */
export interface ResponseLabels {
  readonly method: string;
  /** The route template, or UNMATCHED_ROUTE: never the raw URL (label cardinality stays bounded). */
  readonly route: string;
  readonly status: number;
}

/** The `route` label of responses no route produced (unknown routes, early errors). */
export const UNMATCHED_ROUTE = 'unmatched';

export interface RelayMetrics {
  readonly register: Registry;
  /** Counts one response in dipnet_relay_http_requests_total. */
  countResponse(labels: ResponseLabels): void;
  /** Records a routed request's duration (dipnet_relay_http_request_duration_seconds). */
  observeDuration(labels: ResponseLabels, seconds: number): void;
}

const LABEL_NAMES = ['method', 'route', 'status'] as const;
const asLabels = (l: ResponseLabels) => ({ method: l.method, route: l.route, status: String(l.status) });

/** Builds the relay's registry: chain gauges, the SSE fan-out's figures and the request metrics. */
export function createRelayMetrics(node: NodeApi, sse: () => FanoutStats): RelayMetrics {
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
  new Gauge({
    name: 'dipnet_node_stalled',
    help: '1 while the node is stalled (GET /v1/health answers 503: store writes failing, or the head stays put while peers are ahead), else 0',
    registers: [register],
    collect() {
      this.set(node.health().status === 'stalled' ? 1 : 0);
    },
  });
  new Counter({
    name: 'dipnet_commit_failures_total',
    help: 'Store writes (block commits) that failed for want of room (full disk, quota, read-only filesystem) since the node started',
    registers: [register],
    collect() {
      // The node keeps the count; a counter cannot be set, so it is rebuilt from it at each scrape.
      this.reset();
      this.inc(node.health().commitFailures);
    },
  });
  new Gauge({
    name: 'dipnet_head_age_seconds',
    help: 'Seconds since this node\'s head last advanced (or since it started)',
    registers: [register],
    collect() {
      this.set(node.health().headAgeMs / 1000);
    },
  });
  new Gauge({
    name: 'dipnet_peer_height',
    help: 'Highest head height a peer reported recently (0 when no peer was heard from)',
    registers: [register],
    collect() {
      const h = node.health().peerHeight;
      if (h === null) this.reset();
      else this.set(Number(h));
    },
  });
  sseMetrics(register, sse);
  const requests = new Counter({
    name: 'dipnet_relay_http_requests_total',
    help: 'HTTP responses of the relay, early errors (bad URL, headers too large, timeouts) included',
    labelNames: LABEL_NAMES,
    registers: [register],
  });
  const duration = new Histogram({
    name: 'dipnet_relay_http_request_duration_seconds',
    help: 'HTTP request duration (routed requests; SSE streams excluded)',
    labelNames: LABEL_NAMES,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [register],
  });
  return {
    register,
    countResponse: (l) => requests.inc(asLabels(l)),
    observeDuration: (l, seconds) => duration.observe(asLabels(l), seconds),
  };
}

/** The SSE fan-out's counts, read at scrape time: the fan-out loop itself makes no metric calls. */
function sseMetrics(register: Registry, sse: () => FanoutStats): void {
  // prom-client counters cannot be set: rebuilt from the fan-out's totals at each scrape.
  const total = (c: Counter, n: number, labels?: Record<string, string>): void => {
    if (labels) c.remove(labels);
    else c.reset();
    if (labels) c.inc(labels, n);
    else c.inc(n);
  };
  new Gauge({ name: 'dipnet_relay_sse_clients', help: 'Open Server-Sent Events streams', registers: [register], collect() { this.set(sse().subscribers); } });
  new Counter({
    name: 'dipnet_relay_sse_refused_total',
    help: 'SSE streams refused: reason="full" (the relay\'s cap, 503 RELAY_SSE_FULL) or "per_ip" (429 RELAY_SSE_PER_IP)',
    labelNames: ['reason'],
    registers: [register],
    collect() {
      const s = sse();
      total(this, s.refusedFull, { reason: 'full' });
      total(this, s.refusedPerIp, { reason: 'per_ip' });
    },
  });
  new Counter({
    name: 'dipnet_relay_sse_dropped_slow_total',
    help: 'SSE subscribers disconnected because their connection accepted nothing for too long or held too many unsent bytes',
    registers: [register],
    collect() { total(this, sse().droppedSlow); },
  });
  new Counter({
    name: 'dipnet_relay_sse_events_sent_total',
    help: 'Head events written to SSE subscribers (one per head per subscriber)',
    registers: [register],
    collect() { total(this, sse().eventsSent); },
  });
  new Counter({
    name: 'dipnet_relay_sse_events_encoded_total',
    help: 'Head events encoded for SSE: once per height, shared by every subscriber',
    registers: [register],
    collect() { total(this, sse().eventsEncoded); },
  });
}

const metricsPluginImpl: FastifyPluginAsync<MetricsOptions> = async (app, { metrics }) => {
  app.addHook('onResponse', (req, reply, done) => {
    const labels = { method: req.method, route: req.routeOptions.url ?? UNMATCHED_ROUTE, status: reply.statusCode };
    metrics.countResponse(labels);
    if (req.routeOptions.config?.sse !== true) metrics.observeDuration(labels, reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', {
    schema: {
      tags: ['metrics'],
      operationId: 'getMetrics',
      summary: 'Prometheus metrics (text exposition format)',
      response: withErrors({
        200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
      }),
    },
  }, async (_req, reply) => {
    const body = await metrics.register.metrics();
    reply.type(metrics.register.contentType);
    return body;
  });
};

/** Not encapsulated (Fastify's skip-override), like fastify-plugin, so the hook applies app-wide. */
export const metricsPlugin = Object.assign(metricsPluginImpl, { [Symbol.for('skip-override')]: true });
