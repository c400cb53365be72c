/** Chain data: status, headers, commits, blocks, validator sets. Read-only, CORS-open. */
import type { FastifyPluginAsync } from 'fastify';
import {
  DipnetError,
  ErrorCode,
  encodeBlock,
  encodeCommit,
  encodeValidatorSet,
  formatAddress,
  headerHash,
  toHex,
  totalPower,
  txHash,
  addressOf,
  validatorSetHash,
} from '@dipnet/protocol';
import type { NodeApi } from '../../node-api.ts';
import { headerJson, headerSchema, heightString, parseHeight, withErrors } from '../schemas.ts';

export interface ChainRoutesOptions {
  readonly node: NodeApi;
}

export const MAX_HEADERS_PAGE = 100;

const heightParams = {
  type: 'object',
  required: ['height'],
  properties: { height: heightString },
  additionalProperties: false,
} as const;

const hex = { type: 'string' } as const;
const u64 = { type: 'string' } as const;

const notFound = (what: string, height: bigint): DipnetError => new DipnetError(ErrorCode.NOT_FOUND, `no ${what} at height ${height}`);

export const chainRoutes: FastifyPluginAsync<ChainRoutesOptions> = async (app, { node }) => {
  app.get('/v1/status', {
    schema: {
      tags: ['chain'],
      summary: "The node's view of the chain head",
      response: withErrors({
        200: {
          type: 'object',
          properties: {
            chainId: { type: 'string' },
            genesisHash: hex,
            height: u64,
            headHash: hex,
            headTime: u64,
            stateRoot: hex,
            earliestStateHeight: u64,
            validator: {
              type: ['object', 'null'],
              properties: { address: { type: 'string' }, publicKey: hex },
            },
            peers: { type: 'integer' },
            mempoolSize: { type: 'integer' },
            multiaddrs: { type: 'array', items: { type: 'string' } },
          },
        },
      }),
    },
  }, async () => {
    const s = node.status();
    return {
      chainId: s.chainId,
      genesisHash: toHex(s.genesisHash),
      height: s.height.toString(),
      headHash: toHex(s.headHash),
      headTime: s.headTime.toString(),
      stateRoot: toHex(s.stateRoot),
      earliestStateHeight: s.earliestStateHeight.toString(),
      validator: s.validator ? { address: formatAddress(s.validator.address), publicKey: toHex(s.validator.publicKey) } : null,
      peers: s.peers,
      mempoolSize: s.mempoolSize,
      multiaddrs: [...s.multiaddrs],
    };
  });

  app.get<{ Params: { height: string } }>('/v1/headers/:height', {
    schema: {
      tags: ['chain'],
      summary: 'One block header',
      params: heightParams,
      response: withErrors({ 200: headerSchema }),
    },
  }, async (req) => {
    const height = parseHeight(req.params.height);
    const h = node.getHeader(height);
    if (!h) throw notFound('header', height);
    return headerJson(h);
  });

  app.get<{ Querystring: { from?: string; limit: number } }>('/v1/headers', {
    schema: {
      tags: ['chain'],
      summary: `A run of consecutive headers, ascending (at most ${MAX_HEADERS_PAGE})`,
      querystring: {
        type: 'object',
        properties: {
          from: { ...heightString, description: 'First height (default: the latest `limit` headers).' },
          limit: { type: 'integer', minimum: 1, maximum: MAX_HEADERS_PAGE, default: 20 },
        },
        additionalProperties: false,
      },
      response: withErrors({
        200: { type: 'object', properties: { headers: { type: 'array', items: headerSchema } } },
      }),
    },
  }, async (req) => {
    const latest = node.status().height;
    const limit = BigInt(req.query.limit);
    let from = req.query.from !== undefined ? parseHeight(req.query.from) : latest - limit + 1n;
    if (from < 1n) from = 1n;
    const headers = [];
    for (let h = from; h < from + limit && h <= latest; h++) {
      const header = node.getHeader(h);
      if (!header) break;
      headers.push(headerJson(header));
    }
    return { headers };
  });

  app.get<{ Params: { height: string } }>('/v1/commits/:height', {
    schema: {
      tags: ['chain'],
      summary: 'The commit (finality certificate) of the block at a height',
      params: heightParams,
      response: withErrors({
        200: {
          type: 'object',
          properties: { height: u64, commit: { type: 'string', description: 'canonical commit encoding' }, signatures: { type: 'integer' } },
        },
      }),
    },
  }, async (req) => {
    const height = parseHeight(req.params.height);
    const c = node.getCommit(height);
    if (!c) throw notFound('commit', height);
    return { height: height.toString(), commit: toHex(encodeCommit(c)), signatures: c.signatures.length };
  });

  app.get<{ Params: { height: string } }>('/v1/blocks/:height', {
    schema: {
      tags: ['chain'],
      summary: 'A whole block',
      params: heightParams,
      response: withErrors({
        200: {
          type: 'object',
          properties: {
            height: u64,
            hash: hex,
            block: { type: 'string', description: 'canonical block encoding' },
            txs: { type: 'array', items: { type: 'string', description: 'tx hash' } },
            txCount: { type: 'integer' },
          },
        },
      }),
    },
  }, async (req) => {
    const height = parseHeight(req.params.height);
    const b = node.getBlock(height);
    if (!b) throw notFound('block', height);
    return {
      height: height.toString(),
      hash: toHex(headerHash(b.header)),
      block: toHex(encodeBlock(b)),
      txs: b.txs.map((t) => toHex(txHash(t))),
      txCount: b.txs.length,
    };
  });

  app.get<{ Params: { height: string } }>('/v1/validators/:height', {
    schema: {
      tags: ['chain'],
      summary: 'The validator set that signs the block at a height (latest + 1 included)',
      params: heightParams,
      response: withErrors({
        200: {
          type: 'object',
          properties: {
            height: u64,
            hash: hex,
            validatorSet: { type: 'string', description: 'canonical validator set encoding' },
            validators: {
              type: 'array',
              items: { type: 'object', properties: { address: { type: 'string' }, publicKey: hex, power: u64 } },
            },
            totalPower: u64,
          },
        },
      }),
    },
  }, async (req) => {
    const height = parseHeight(req.params.height);
    const set = node.getValidatorSet(height);
    if (!set) throw notFound('validator set', height);
    return {
      height: height.toString(),
      hash: toHex(validatorSetHash(set)),
      validatorSet: toHex(encodeValidatorSet(set)),
      validators: set.validators.map((v) => ({ address: formatAddress(addressOf(v.publicKey)), publicKey: toHex(v.publicKey), power: v.power.toString() })),
      totalPower: totalPower(set).toString(),
    };
  });
};
