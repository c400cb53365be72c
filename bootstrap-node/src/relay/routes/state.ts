/** State proofs: a value under a raw state key and its Merkle proof against a header's state root. */
import type { FastifyPluginAsync } from 'fastify';
import { encodeSmtProof, toHex } from '@dipnet/protocol';
import type { NodeApi } from '../../node-api.ts';
import { cacheAs } from '../http-cache.ts';
import { MAX_STATE_KEY_BYTES, heightString, objectOf, parseHeight, parseHex, varHex, withErrors } from '../schemas.ts';

export interface StateRoutesOptions {
  readonly node: NodeApi;
}

export const stateRoutes: FastifyPluginAsync<StateRoutesOptions> = async (app, { node }) => {
  app.get<{ Params: { key: string }; Querystring: { height?: string } }>('/v1/state/:key', {
    schema: {
      tags: ['state'],
      operationId: 'getStateValue',
      summary: 'A state value with its proof against the state root of the header at `height`',
      description: 'With `height`: immutable (cached for a year by any HTTP cache). Without: the head\'s state, cached about one block ' +
        'time, with `Content-Location` naming the height-pinned URL of the same answer (the form to cache and share).',
      params: {
        type: 'object',
        required: ['key'],
        properties: { key: varHex(MAX_STATE_KEY_BYTES, 'raw state key (namespace byte ‖ ids)') },
        additionalProperties: false,
      },
      querystring: {
        type: 'object',
        properties: { height: { ...heightString, description: 'Height whose state root the proof is against (default: latest).' } },
        additionalProperties: false,
      },
      response: withErrors({
        200: objectOf({
          height: { type: 'string' },
          key: { type: 'string' },
          value: { type: ['string', 'null'], description: 'hex of the value, null when absent (the proof then shows non-inclusion)' },
          proof: { type: 'string', description: 'canonical SMT proof encoding' },
          stateRoot: { type: 'string' },
        }),
      }),
    },
  }, async (req, reply) => {
    const key = parseHex(req.params.key);
    const pinned = req.query.height !== undefined;
    const height = pinned ? parseHeight(req.query.height!) : node.status().height;
    const r = node.getStateProof(key, height);
    // Answered at all means `height` is committed, hence final (a later one throws HEIGHT_NOT_AVAILABLE).
    if (pinned) cacheAs(reply, 'immutable');
    else reply.header('content-location', `/v1/state/${toHex(r.key)}?height=${r.height}`);
    return {
      height: r.height.toString(),
      key: toHex(r.key),
      value: r.value === undefined ? null : toHex(r.value),
      proof: toHex(encodeSmtProof(r.proof)),
      stateRoot: toHex(r.stateRoot),
    };
  });
};
