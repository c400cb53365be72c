/**
 * A small verifying client of the HTTP relay for the CLI. Like the light client it does not
 * trust the relay: a state value is accepted only with a Merkle proof against a header whose
 * commit is signed by more than 2/3 of the validator set the header names.
 */
import {
  fromHex, toHex, decodeHeader, decodeCommit, decodeValidatorSet, decodeSmtProof, verifyCommit, verifySmtProof,
  stateKeyHash, headerHash, equalBytes, DipnetError, ErrorCode, fail, type Header,
} from '@dipnet/protocol';
import { NativeVerifier } from '../crypto/native-verifier.ts';
import { encodeTxBatch } from '../tx-gossip.ts';
import type { RelayResponse } from '../relay/relay-api.ts';

/** A stuck connection must not outlive a caller's own deadline. */
const REQUEST_TIMEOUT_MS = 15_000;

/** GET /v1/status, typed from the relay's /openapi.json (as is every answer here: a changed route shape fails type-checking). */
export type RelayStatus = RelayResponse<'/v1/status'>;

export class RelayClient {
  private readonly verifier = new NativeVerifier();

  constructor(readonly baseUrl: string) {}

  async get<T>(path: string): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return this.parse<T>(res);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return this.parse<T>(res);
  }

  private async parse<T>(res: Response): Promise<T> {
    const json = (await res.json()) as T & { error?: { code: string; message: string } };
    if (!res.ok) {
      const code = (json.error?.code ?? 'RELAY_INTERNAL') as ErrorCode;
      throw new DipnetError(code, json.error?.message ?? `HTTP ${res.status}`);
    }
    return json;
  }

  status(): Promise<RelayStatus> {
    return this.get<RelayStatus>('/v1/status');
  }

  /** A header at `height` whose commit verifies against its own validator set. */
  async verifiedHeader(chainId: string, height: bigint): Promise<Header> {
    const [h, c, v] = await Promise.all([
      this.get<RelayResponse<'/v1/headers/{height}'>>(`/v1/headers/${height}`),
      this.get<RelayResponse<'/v1/commits/{height}'>>(`/v1/commits/${height}`),
      this.get<RelayResponse<'/v1/validators/{height}'>>(`/v1/validators/${height}`),
    ]);
    const header = decodeHeader(fromHex(h.header));
    if (header.height !== height) fail(ErrorCode.HEADER_INVALID, 'relay returned a header for another height');
    await verifyCommit(chainId, header, decodeCommit(fromHex(c.commit)), decodeValidatorSet(fromHex(v.validatorSet)), this.verifier);
    return header;
  }

  /** A state value proven against a verified header (latest by default). */
  async provenValue(rawKey: Uint8Array, at?: bigint): Promise<{ value: Uint8Array | undefined; height: bigint; header: Header }> {
    const status = await this.status();
    const height = at ?? BigInt(status.height);
    const header = await this.verifiedHeader(status.chainId, height);
    const r = await this.get<RelayResponse<'/v1/state/{key}'>>(`/v1/state/${toHex(rawKey)}?height=${height}`);
    const value = r.value === null ? undefined : fromHex(r.value);
    if (!equalBytes(fromHex(r.stateRoot), header.stateRoot) || !verifySmtProof(header.stateRoot, stateKeyHash(rawKey), value, decodeSmtProof(fromHex(r.proof)))) {
      fail(ErrorCode.PROOF_INVALID, `relay's proof for key ${toHex(rawKey)} does not verify against header ${toHex(headerHash(header)).slice(0, 16)}`);
    }
    return { value, height, header };
  }

  async submitTx(bytes: Uint8Array): Promise<string> {
    return (await this.post<RelayResponse<'/v1/txs', 'post'>>('/v1/txs', { tx: toHex(bytes) })).hash;
  }

  /** Submits up to 256 txs in one request; one result per tx (its hash or its error). */
  async submitTxBatch(txs: readonly Uint8Array[]): Promise<({ hash: string } | { error: { code: string; message: string } })[]> {
    // The binary body: no hex on either side, half the bytes.
    const res = await fetch(new URL('/v1/txs/batch', this.baseUrl), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(encodeTxBatch(txs)) });
    const { results } = await this.parse<RelayResponse<'/v1/txs/batch', 'post'>>(res);
    // The document gives each result an optional hash and an optional error: exactly one is there.
    return results.map((r) => (r.error || r.hash === undefined ? { error: r.error ?? { code: 'RELAY_INTERNAL', message: 'a batch result with neither hash nor error' } } : { hash: r.hash }));
  }

  txStatus(hash: string): Promise<RelayResponse<'/v1/txs/{hash}'>> {
    return this.get(`/v1/txs/${hash}`);
  }
}
