/** Transactions: submit (JSON hex or raw octet-stream) and look up status. */
import type { FastifyPluginAsync } from 'fastify';
import { DipnetError, ErrorCode, MAX_TX_BYTES, toHex } from '@dipnet/protocol';
import { decodeTxBatch } from '../../tx-gossip.ts';
import type { NodeApi } from '../../node-api.ts';
import { RelayError, RelayErrorCode } from '../errors.ts';
import { fixedHex, objectOf, parseHex, varHex, withErrors } from '../schemas.ts';
import { cacheAs } from '../http-cache.ts';

export interface TxRoutesOptions {
  readonly node: NodeApi;
  /** Per-IP limit for POST /v1/txs. */
  readonly rateLimit: { readonly max: number; readonly timeWindow: number };
}

const JSON_TX_BODY = {
  type: 'object',
  required: ['tx'],
  properties: { tx: varHex(MAX_TX_BYTES, 'hex of the canonical signed tx encoding') },
  additionalProperties: false,
} as const;

const RAW_OR_JSON_TX_DOC = {
  content: {
    'application/json': { schema: JSON_TX_BODY },
    'application/octet-stream': { schema: { type: 'string', format: 'binary', maxLength: MAX_TX_BYTES, description: 'raw signed tx bytes' } },
  },
};

/** Most txs one batch request may carry. */
export const MAX_BATCH_TXS = 256;
const BATCH_BODY_LIMIT = MAX_BATCH_TXS * (2 * 1024 + 8) + 1024;

const JSON_BATCH_BODY = {
  type: 'object',
  required: ['txs'],
  properties: { txs: { type: 'array', minItems: 1, maxItems: MAX_BATCH_TXS, items: varHex(MAX_TX_BYTES, 'hex of a signed tx') } },
  additionalProperties: false,
} as const;

const BATCH_BODY_DOC = {
  content: {
    'application/json': { schema: JSON_BATCH_BODY },
    'application/octet-stream': { schema: { type: 'string', format: 'binary', description: `binary tx batch: u32 count (1–${MAX_BATCH_TXS}), then per tx a u32 length and the signed tx bytes` } },
  },
};

/** The binary batch body, strictly: canonical, 1–MAX_BATCH_TXS txs, none over MAX_TX_BYTES, no trailing bytes. */
function decodeBatchBody(body: Buffer): Uint8Array[] {
  const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  let txs: Uint8Array[];
  try {
    txs = decodeTxBatch(bytes, MAX_BATCH_TXS);
  } catch (e) {
    if (e instanceof DipnetError) throw new RelayError(RelayErrorCode.RELAY_BAD_REQUEST, `malformed binary tx batch: ${e.message}`);
    throw e;
  }
  if (txs.length === 0) throw new RelayError(RelayErrorCode.RELAY_BAD_REQUEST, 'empty tx batch');
  return txs;
}

export const txRoutes: FastifyPluginAsync<TxRoutesOptions> = async (app, { node, rateLimit }) => {
  // Services that gather many users' txs (and load generators) send them in one request: the
  // per-request cost of HTTP is paid once, and each tx still gets its own verdict.
  app.post<{ Body: { txs: string[] } | Buffer }>('/v1/txs/batch', {
    bodyLimit: BATCH_BODY_LIMIT,
    config: {
      rateLimit,
      swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, body: BATCH_BODY_DOC }, url }),
    },
    schema: {
      tags: ['txs'],
      operationId: 'submitTxBatch',
      summary: `Submit up to ${MAX_BATCH_TXS} signed txs; each gets its own result`,
      description: 'Body is `{"txs": ["<hex>", …]}` as application/json, or the binary batch encoding (u32 count, then each tx as u32 length + bytes, big-endian) as application/octet-stream — half the bytes and no hex on either side.',
      body: {
        content: {
          'application/json': { schema: JSON_BATCH_BODY },
          // Raw bytes arrive as a Buffer; the handler decodes them strictly (see BATCH_BODY_DOC).
          'application/octet-stream': { schema: {} },
        },
      },
      response: withErrors({
        202: {
          description: 'One result per tx, in order: its hash if accepted, else its error',
          ...objectOf({
            results: {
              type: 'array',
              items: objectOf({
                hash: { type: 'string', description: 'tx hash (accepted txs)' },
                error: { ...objectOf({ code: { type: 'string' }, message: { type: 'string' } }), description: 'why the tx was refused (refused txs)' },
              }, ['hash', 'error']),
            },
          }),
        },
      }),
    },
  }, async (req, reply) => {
    const txs = Buffer.isBuffer(req.body) ? decodeBatchBody(req.body) : req.body.txs.map(parseHex);
    const results: ({ hash: string } | { error: { code: string; message: string } })[] = [];
    for (const tx of txs) {
      try {
        results.push({ hash: toHex(await node.submitTx(tx)) });
      } catch (e) {
        if (!(e instanceof DipnetError)) throw e;
        results.push({ error: { code: e.code, message: e.message } });
      }
    }
    reply.code(202);
    return { results };
  });

  app.post<{ Body: { tx: string } | Buffer }>('/v1/txs', {
    config: {
      rateLimit,
      // The validator sees a Buffer for raw bodies; the document describes it as binary.
      swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, body: RAW_OR_JSON_TX_DOC }, url }),
    },
    schema: {
      tags: ['txs'],
      operationId: 'submitTx',
      summary: 'Submit a signed tx to the mempool',
      description: 'Body is `{"tx": "<hex>"}` as application/json, or the raw signed tx bytes as application/octet-stream.',
      body: {
        content: {
          'application/json': { schema: JSON_TX_BODY },
          // Raw bytes arrive as a Buffer; the handler checks their size (see RAW_OR_JSON_TX_DOC).
          'application/octet-stream': { schema: {} },
        },
      },
      response: withErrors({
        202: { description: 'Accepted into the mempool', ...objectOf({ hash: { type: 'string', description: 'tx hash' } }) },
      }),
    },
  }, async (req, reply) => {
    let bytes: Uint8Array;
    if (Buffer.isBuffer(req.body)) {
      bytes = new Uint8Array(req.body.buffer, req.body.byteOffset, req.body.byteLength);
      if (bytes.length === 0) throw new RelayError(RelayErrorCode.RELAY_BAD_REQUEST, 'empty tx body');
      if (bytes.length > MAX_TX_BYTES) throw new DipnetError(ErrorCode.TX_OVERSIZE, `tx of ${bytes.length} bytes exceeds ${MAX_TX_BYTES}`);
    } else if (req.body && typeof req.body === 'object' && typeof req.body.tx === 'string') {
      bytes = parseHex(req.body.tx);
    } else {
      throw new RelayError(RelayErrorCode.RELAY_BAD_REQUEST, 'expected {"tx": "<hex>"} or application/octet-stream');
    }
    const hash = await node.submitTx(bytes);
    reply.code(202);
    return { hash: toHex(hash) };
  });

  app.get<{ Params: { hash: string } }>('/v1/txs/:hash', {
    schema: {
      tags: ['txs'],
      operationId: 'getTxStatus',
      summary: 'Status of a tx by hash: pending, committed (with height, index and result code) or unknown',
      params: {
        type: 'object',
        required: ['hash'],
        properties: { hash: fixedHex(32, 'tx hash') },
        additionalProperties: false,
      },
      response: withErrors({
        200: objectOf({
          status: { type: 'string', enum: ['pending', 'committed', 'unknown'] },
          height: { type: 'string', description: 'committed only' },
          index: { type: 'integer', description: 'committed only: position in the block' },
          code: { type: 'string', description: 'committed only: execution result code' },
        }, ['height', 'index', 'code']),
      }),
    },
  }, async (req, reply) => {
    const s = node.txStatus(parseHex(req.params.hash));
    // Inclusion in a finalised block never changes; pending or unknown may, any moment.
    if (s.status === 'committed') {
      cacheAs(reply, 'immutable');
      return { status: s.status, height: s.height.toString(), index: s.index, code: s.code };
    }
    return { status: s.status };
  });
};
