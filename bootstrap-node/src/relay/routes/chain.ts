/** Chain data: status, headers, commits, blocks, validator sets, light blocks. Read-only, CORS-open. */
import type { FastifyPluginAsync } from 'fastify';
import {
  DipnetError,
  ErrorCode,
  encodeBlock,
  encodeCommit,
  encodeGenesisCommitment,
  genesisCommitmentHash,
  encodeHeader,
  encodeValidatorSet,
  equalBytes,
  formatAddress,
  headerHash,
  toHex,
  totalPower,
  txHash,
  addressOf,
  validatorSetHash,
  MAX_PATH_BLOCKS,
  planLightPath,
} from '@dipnet/protocol';
import type { NodeApi } from '../../node-api.ts';
import { headerJson, headerSchema, heightString, objectOf, parseHeight, withErrors } from '../schemas.ts';
import { RelayError, RelayErrorCode } from '../errors.ts';
import { RULE_KEYWORD } from '../validation-messages.ts';
import { healthJson, healthSchema } from './health.ts';
import { cacheAs } from '../http-cache.ts';

export interface ChainRoutesOptions {
  readonly node: NodeApi;
}

export const MAX_HEADERS_PAGE = 100;
/** Most heights in one GET /v1/light-blocks (a bisection asks for a handful at a time). */
export const MAX_LIGHT_BLOCKS = 16;

const heightParams = {
  type: 'object',
  required: ['height'],
  properties: { height: heightString },
  additionalProperties: false,
} as const;

const hex = { type: 'string' } as const;
const u64 = { type: 'string' } as const;

const notFound = (what: string, height: bigint): DipnetError => new DipnetError(ErrorCode.NOT_FOUND, `no ${what} at height ${height}`);

/** Which validator sets a light block carries. */
type SetsWanted = 'none' | 'signing' | 'both';

const setsQuery = {
  type: 'string',
  enum: ['none', 'signing', 'both'],
  default: 'both',
  description: 'Validator sets to include: `none`; `signing` (the set that signs the height); `both` (also the next height\'s set when the header announces a different one).',
} as const;

const lightBlockSchema = {
  description: 'Everything a light client needs to verify one height. Unverified: check the commit against the set and the sets against the header\'s hashes.',
  ...objectOf({
    height: u64,
    hash: { type: 'string', description: 'header hash' },
    header: { type: 'string', description: 'canonical header encoding' },
    commit: { type: 'string', description: 'canonical commit encoding' },
    validatorSet: { type: ['string', 'null'], description: 'canonical encoding of the set that signs this height (null when not asked for)' },
    nextValidatorSet: { type: ['string', 'null'], description: 'canonical encoding of the next height\'s set, only when it differs from `validatorSet` (null otherwise or when not asked for)' },
  }),
} as const;

export const chainRoutes: FastifyPluginAsync<ChainRoutesOptions> = async (app, { node }) => {
  /** Header, commit and the sets asked for at one height, or NOT_FOUND. */
  const lightBlock = (height: bigint, sets: SetsWanted) => {
    const header = node.getHeader(height);
    if (!header) throw notFound('header', height);
    const commit = node.getCommit(height);
    if (!commit) throw notFound('commit', height);
    let validatorSet: string | null = null;
    let nextValidatorSet: string | null = null;
    if (sets !== 'none') {
      const set = node.getValidatorSet(height);
      if (!set) throw notFound('validator set', height);
      validatorSet = toHex(encodeValidatorSet(set));
      if (sets === 'both' && !equalBytes(header.nextValidatorsHash, header.validatorsHash)) {
        const next = node.getValidatorSet(height + 1n);
        if (!next) throw notFound('validator set', height + 1n);
        nextValidatorSet = toHex(encodeValidatorSet(next));
      }
    }
    return { height: height.toString(), hash: toHex(headerHash(header)), header: toHex(encodeHeader(header)), commit: toHex(encodeCommit(commit)), validatorSet, nextValidatorSet };
  };

  app.get<{ Params: { height: string }; Querystring: { validators: SetsWanted } }>('/v1/light-blocks/:height', {
    schema: {
      tags: ['chain'],
      operationId: 'getLightBlock',
      summary: 'Header, commit and validator set(s) of one height in one request (what /v1/headers, /v1/commits and /v1/validators give separately)',
      params: heightParams,
      querystring: { type: 'object', properties: { validators: setsQuery }, additionalProperties: false },
      response: withErrors({ 200: lightBlockSchema }),
    },
  }, async (req) => lightBlock(parseHeight(req.params.height), req.query.validators));

  app.get<{ Querystring: { heights: string; validators: SetsWanted } }>('/v1/light-blocks', {
    schema: {
      tags: ['chain'],
      operationId: 'getLightBlocks',
      summary: `Light blocks of up to ${MAX_LIGHT_BLOCKS} heights in one request, in the order asked; NOT_FOUND if any height is missing`,
      querystring: {
        type: 'object',
        required: ['heights'],
        properties: {
          heights: {
            type: 'string',
            pattern: `^[0-9]{1,20}(,[0-9]{1,20}){0,${MAX_LIGHT_BLOCKS - 1}}$`,
            [RULE_KEYWORD]: `must list at most ${MAX_LIGHT_BLOCKS} heights, as comma-separated decimal numbers of at most 20 digits`,
            description: `Comma-separated distinct heights (at most ${MAX_LIGHT_BLOCKS}).`,
          },
          validators: setsQuery,
        },
        additionalProperties: false,
      },
      response: withErrors({ 200: objectOf({ blocks: { type: 'array', items: lightBlockSchema } }) }),
    },
  }, async (req) => {
    const heights = req.query.heights.split(',').map((h) => parseHeight(h));
    if (new Set(heights).size !== heights.length) throw new RelayError(RelayErrorCode.RELAY_BAD_REQUEST, 'heights must be distinct');
    return { blocks: heights.map((h) => lightBlock(h, req.query.validators)) };
  });

  app.get<{ Params: { from: string; to: string } }>('/v1/light-blocks/path/:from/:to', {
    schema: {
      tags: ['chain'],
      operationId: 'getLightBlockPath',
      summary: 'A verification path from a trusted height to a target: the light blocks a skipping client verifies one after another',
      description: `Heights after \`from\` up to \`to\` (finalised), each signed by more than 1/3 of the power the previous one announced, ` +
        `the furthest each step can reach (light-path.ts); at most ${MAX_PATH_BLOCKS} light blocks, with both validator sets — ask again from the last ` +
        'when it stops short of `to`. Unverified like every answer: a client checks each step and bisects where the path stops holding. ' +
        'Immutable, so a client starting from a shared trust root and an aligned target shares the URL with every other.',
      params: { type: 'object', required: ['from', 'to'], properties: { from: heightString, to: heightString }, additionalProperties: false },
      response: withErrors({ 200: objectOf({ to: u64, blocks: { type: 'array', items: lightBlockSchema } }) }),
    },
  }, async (req) => {
    const from = parseHeight(req.params.from);
    const to = parseHeight(req.params.to);
    if (from < 1n || to <= from) throw new RelayError(RelayErrorCode.RELAY_BAD_REQUEST, `a path goes from a height of at least 1 up to a higher one (from ${from} to ${to})`);
    if (!node.getCommit(to)) throw notFound('commit', to);
    const heights = planLightPath({ validatorSet: (h) => node.getValidatorSet(h), commit: (h) => node.getCommit(h) }, from, to);
    return { to: to.toString(), blocks: heights.map((h) => lightBlock(h, 'both')) };
  });

  app.get('/v1/genesis', {
    schema: {
      tags: ['chain'],
      operationId: 'getGenesisCommitment',
      summary: 'What the genesis hash commits to',
      description: 'The genesis hash (block 1\'s prevHash, the trust root a light client pins) is the tagged hash of this commitment: ' +
        'chain id, genesis time, the hash of the validator set that signs block 1, and the hash of the whole genesis document. ' +
        '`commitment` is its canonical encoding, which a client hashes and compares with its pin; the other fields are informative.',
      response: withErrors({
        200: objectOf({ genesisHash: hex, commitment: hex, chainId: { type: 'string' }, genesisTime: u64, validatorsHash: hex, documentHash: hex }),
      }),
    },
  }, async () => {
    const c = node.genesisCommitment();
    return {
      genesisHash: toHex(genesisCommitmentHash(c)), commitment: toHex(encodeGenesisCommitment(c)),
      chainId: c.chainId, genesisTime: c.genesisTime.toString(), validatorsHash: toHex(c.validatorsHash), documentHash: toHex(c.documentHash),
    };
  });

  app.get('/v1/status', {
    schema: {
      tags: ['chain'],
      operationId: 'getStatus',
      summary: "The node's view of the chain head",
      response: withErrors({
        200: objectOf({
          chainId: { type: 'string' },
          genesisHash: hex,
          height: u64,
          headHash: hex,
          headTime: u64,
          stateRoot: hex,
          earliestStateHeight: u64,
          validator: { ...objectOf({ address: { type: 'string' }, publicKey: hex }), type: ['object', 'null'], description: 'null on a node that does not validate' },
          peers: { type: 'integer' },
          mempoolSize: { type: 'integer' },
          multiaddrs: { type: 'array', items: { type: 'string' } },
          health: { ...healthSchema, description: 'What GET /v1/health answers (this route stays 200 either way).' },
        }),
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
      health: healthJson(node.health()),
    };
  });

  app.get<{ Params: { height: string } }>('/v1/headers/:height', {
    schema: {
      tags: ['chain'],
      operationId: 'getHeader',
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
      operationId: 'getHeaders',
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
        200: objectOf({ headers: { type: 'array', items: headerSchema } }),
      }),
    },
  }, async (req, reply) => {
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
    // A full page from a given height is finalised for good; the latest page, or a short one, grows.
    if (req.query.from !== undefined && BigInt(headers.length) === limit) cacheAs(reply, 'immutable');
    return { headers };
  });

  app.get<{ Params: { height: string } }>('/v1/commits/:height', {
    schema: {
      tags: ['chain'],
      operationId: 'getCommit',
      summary: 'The commit (finality certificate) of the block at a height',
      params: heightParams,
      response: withErrors({
        200: objectOf({ height: u64, commit: { type: 'string', description: 'canonical commit encoding' }, signatures: { type: 'integer' } }),
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
      operationId: 'getBlock',
      summary: 'A whole block',
      params: heightParams,
      response: withErrors({
        200: objectOf({
          height: u64,
          hash: hex,
          block: { type: 'string', description: 'canonical block encoding' },
          txs: { type: 'array', items: { type: 'string', description: 'tx hash' } },
          txCount: { type: 'integer' },
        }),
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
      operationId: 'getValidatorSet',
      summary: 'The validator set that signs the block at a height (latest + 1 included)',
      params: heightParams,
      response: withErrors({
        200: objectOf({
          height: u64,
          hash: hex,
          validatorSet: { type: 'string', description: 'canonical validator set encoding' },
          validators: { type: 'array', items: objectOf({ address: { type: 'string' }, publicKey: hex, power: u64 }) },
          totalPower: u64,
        }),
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
