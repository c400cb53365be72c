/**
 * The request/response methods of protocol/src/wire.ts, served from a `NodeApi`. Pure glue:
 * decode the request strictly, ask the node, encode the answer. Errors are DipnetErrors, which
 * the host sends back with their code.
 */
import {
  ErrorCode, fail, WireMethod, MAX_MULTIADDRS, MAX_MULTIADDR_BYTES,
  decodeStatusRequest, encodeStatusResponse, decodeGenesisRequest, encodeGenesisCommitment,
  decodeHeadersRequest, encodeHeadersResponse, type HeaderWithCommit,
  decodeValidatorsRequest, encodeValidatorsResponse,
  decodeProofRequest, encodeProofResponse,
  decodeSubmitTxRequest, encodeSubmitTxResponse,
  decodeBlockRequest, encodeBlockResponse,
} from '@dipnet/protocol';
import type { NodeApi } from '../node-api.ts';

export type ChainRequestHandler = (method: string, body: Uint8Array, fromPeer: string) => Promise<Uint8Array>;

const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

export function createChainRequestHandler(node: NodeApi): ChainRequestHandler {
  return async (method, body) => {
    switch (method) {
      case WireMethod.status: {
        decodeStatusRequest(body);
        const s = node.status();
        const multiaddrs = s.multiaddrs.filter((a) => utf8Length(a) <= MAX_MULTIADDR_BYTES).slice(0, MAX_MULTIADDRS);
        return encodeStatusResponse({ ...s, multiaddrs, peers: Math.min(s.peers, 0xffffffff), mempoolSize: Math.min(s.mempoolSize, 0xffffffff) });
      }

      case WireMethod.genesis: {
        decodeGenesisRequest(body);
        return encodeGenesisCommitment(node.genesisCommitment());
      }

      case WireMethod.headers: {
        const q = decodeHeadersRequest(body);
        const head = node.status().height;
        const items: HeaderWithCommit[] = [];
        for (let h = q.fromHeight; h <= head && items.length < q.count; h++) {
          const header = node.getHeader(h);
          const commit = node.getCommit(h);
          if (!header || !commit) {
            if (items.length === 0) fail(ErrorCode.HEIGHT_NOT_AVAILABLE, `header ${h} is not available`);
            break;
          }
          items.push({ header, commit });
        }
        return encodeHeadersResponse({ items });
      }

      case WireMethod.validators: {
        const { height } = decodeValidatorsRequest(body);
        const validatorSet = node.getValidatorSet(height) ?? fail(ErrorCode.HEIGHT_NOT_AVAILABLE, `validator set for height ${height} is not available`);
        return encodeValidatorsResponse({ height, validatorSet });
      }

      case WireMethod.proof: {
        const q = decodeProofRequest(body);
        const r = node.getStateProof(q.key, q.height ?? node.status().height);
        return encodeProofResponse({ height: r.height, key: r.key, value: r.value ?? null, proof: r.proof, stateRoot: r.stateRoot });
      }

      case WireMethod.submitTx: {
        const { tx } = decodeSubmitTxRequest(body);
        return encodeSubmitTxResponse({ txHash: await node.submitTx(tx) });
      }

      case WireMethod.block: {
        const { height } = decodeBlockRequest(body);
        const head = node.status().height;
        if (height < 1n || height > head) fail(ErrorCode.HEIGHT_NOT_AVAILABLE, `block ${height} is not available (head ${head})`);
        const block = node.getBlock(height);
        const commit = node.getCommit(height);
        if (!block || !commit) fail(ErrorCode.HEIGHT_NOT_AVAILABLE, `block ${height} is not available`);
        return encodeBlockResponse({ block, commit });
      }

      default:
        fail(ErrorCode.INVALID_ARGUMENT, `unknown method ${JSON.stringify(method)}`);
    }
  };
}
