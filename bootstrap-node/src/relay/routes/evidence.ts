/** Light-client conflict evidence: two valid commits for different headers at one height. */
import type { FastifyPluginAsync } from 'fastify';
import type { NodeApi } from '../../node-api.ts';
import { MAX_EVIDENCE_BYTES, objectOf, parseHex, varHex, withErrors } from '../schemas.ts';

export interface EvidenceRoutesOptions {
  readonly node: NodeApi;
  readonly rateLimit: { readonly max: number; readonly timeWindow: number };
}

export const evidenceRoutes: FastifyPluginAsync<EvidenceRoutesOptions> = async (app, { node, rateLimit }) => {
  app.post<{ Body: { evidence: string } }>('/v1/evidence', {
    config: { rateLimit },
    schema: {
      tags: ['evidence'],
      operationId: 'submitEvidence',
      summary: 'Submit light-client conflict evidence',
      body: {
        type: 'object',
        required: ['evidence'],
        properties: { evidence: varHex(MAX_EVIDENCE_BYTES, 'hex of the canonical conflict evidence encoding') },
        additionalProperties: false,
      },
      response: withErrors({
        202: { description: 'Accepted', ...objectOf({ height: { type: 'string', description: 'height of the conflict' } }) },
      }),
    },
  }, async (req, reply) => {
    const { height } = await node.submitConflictEvidence(parseHex(req.body.evidence));
    reply.code(202);
    return { height: height.toString() };
  });
};
