/**
 * GET /v1/health: whether this node keeps up with its chain (health-monitor.ts). A node whose disk
 * is full still answers every read, so load balancers and supervisors need an answer that can say
 * no: 200 with status "ok", or 503 with status "stalled" and the reasons (codes in ERRORS.md).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { NodeApi, NodeHealth } from '../../node-api.ts';
import { objectOf, withErrors } from '../schemas.ts';

export interface HealthRoutesOptions {
  readonly node: NodeApi;
}

const REASON_CODES = ['WRITES_FAILING', 'BEHIND_PEERS'] as const;

/** The health object of GET /v1/health and of GET /v1/status's `health` field. */
export const healthSchema = {
  description: 'Whether the node keeps up: `stalled` while its store writes fail, or while its head stays put although peers are ahead.',
  ...objectOf({
    status: { type: 'string', enum: ['ok', 'stalled'] },
    height: { type: 'string', description: 'this node\'s head height' },
    reasons: {
      type: 'array',
      description: 'Why the node is stalled (empty when ok); codes in ERRORS.md, "Health".',
      items: objectOf({ code: { type: 'string', enum: [...REASON_CODES] }, message: { type: 'string' } }),
    },
    headAgeSeconds: { type: 'number', description: 'seconds since the head last advanced (or since the node started)' },
    peerHeight: { type: ['string', 'null'], description: 'highest head a peer reported recently (null: none heard from)' },
    commitFailures: { type: 'integer', description: 'store writes that failed since the node started' },
    lastCommitError: { type: 'string', description: 'while writes fail: the last error' },
    since: { type: 'string', description: 'while writes fail: when they began to, in milliseconds since the Unix epoch' },
  }, ['lastCommitError', 'since']),
} as const;

export function healthJson(h: NodeHealth) {
  return {
    status: h.status,
    height: h.height.toString(),
    reasons: h.reasons.map((r) => ({ code: r.code, message: r.message })),
    headAgeSeconds: Math.round(h.headAgeMs / 100) / 10,
    peerHeight: h.peerHeight === null ? null : h.peerHeight.toString(),
    commitFailures: h.commitFailures,
    ...(h.lastCommitError !== undefined ? { lastCommitError: h.lastCommitError } : {}),
    ...(h.since !== undefined ? { since: String(h.since) } : {}),
  };
}

export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { node }) => {
  app.get('/v1/health', {
    schema: {
      tags: ['health'],
      operationId: 'getHealth',
      summary: 'Whether this node keeps up with its chain: 200 ok, 503 stalled (with reasons)',
      response: withErrors({ 200: healthSchema, 503: { ...healthSchema, description: 'Stalled: the reasons say why.' } }),
    },
  }, async (_req, reply) => {
    const h = node.health();
    return reply.code(h.status === 'ok' ? 200 : 503).send(healthJson(h));
  });
};
