/**
 * OpenAPI 3.1 spec generated from the route schemas (@fastify/swagger), served as a static JSON
 * document at /openapi.json, and Swagger UI at /docs from the assets bundled with
 * @fastify/swagger-ui (no CDN). Not encapsulated: @fastify/swagger must see every route, so this
 * plugin is registered before the route plugins.
 */
import type { FastifyPluginAsync } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { withErrors } from '../schemas.ts';

/** The project has no license yet (every package is private): npm's word for that. Replace when it gets one. */
const API_LICENSE = { name: 'UNLICENSED' };

export interface DocsOptions {
  readonly version: string;
}

const docsPluginImpl: FastifyPluginAsync<DocsOptions> = async (app, { version }) => {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'DIPNET relay',
        version,
        license: API_LICENSE,
        description:
          'HTTP front door of a DIPNET node. Binary values are lowercase hex of canonical encodings; ' +
          'u64 values (heights, times, powers) are decimal strings. Clients verify everything against ' +
          'commits and proofs; the relay is not trusted. Errors are {"error":{"code","message"}}; see ERRORS.md.',
      },
      // Served at the relay's own origin; every route is public: no credentials of any kind.
      servers: [{ url: '/', description: 'this relay' }],
      security: [],
      tags: [
        { name: 'chain', description: 'Headers, commits, blocks, validator sets' },
        { name: 'health', description: 'Whether this node keeps up with its chain' },
        { name: 'state', description: 'State values with Merkle proofs' },
        { name: 'txs', description: 'Submit txs and query their status' },
        { name: 'events', description: 'Server-Sent Events' },
        { name: 'evidence', description: 'Light-client conflict evidence' },
        { name: 'contracts', description: 'Templates, products, orders, receipts and the review committee, decoded from state (ids from the node\'s contract index)' },
        { name: 'metrics', description: 'Prometheus metrics' },
        { name: 'docs', description: 'This document' },
      ],
    },
  });

  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { deepLinking: true },
  });

  app.get('/openapi.json', {
    schema: {
      tags: ['docs'],
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI document',
      response: withErrors({ 200: { description: 'OpenAPI 3.1 document', type: 'object', additionalProperties: true } }),
    },
  }, async () => app.swagger());
};

export const docsPlugin = Object.assign(docsPluginImpl, { [Symbol.for('skip-override')]: true });
