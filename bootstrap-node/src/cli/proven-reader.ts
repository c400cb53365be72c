/**
 * Several state values proven against ONE verified header (signed by > 2/3 of the validators),
 * so that what a command prints or decides on describes one moment of the chain.
 */
import { ErrorCode, decodeSmtProof, equalBytes, fail, fromHex, stateKeyHash, toHex, verifySmtProof, type Header } from '@dipnet/protocol';
import type { RelayClient } from './relay-client.ts';

export class ProvenReader {
  private constructor(private readonly client: RelayClient, readonly header: Header) {}

  /** A reader at the relay's current height. */
  static async at(client: RelayClient): Promise<ProvenReader> {
    const s = await client.status();
    return new ProvenReader(client, await client.verifiedHeader(s.chainId, BigInt(s.height)));
  }

  /** The value at a raw state key (undefined: proven absent); PROOF_INVALID if the relay's proof does not verify. */
  async get(rawKey: Uint8Array): Promise<Uint8Array | undefined> {
    const h = this.header;
    const r = await this.client.get<{ value: string | null; proof: string; stateRoot: string }>(`/v1/state/${toHex(rawKey)}?height=${h.height}`);
    const value = r.value === null ? undefined : fromHex(r.value);
    if (!equalBytes(fromHex(r.stateRoot), h.stateRoot) || !verifySmtProof(h.stateRoot, stateKeyHash(rawKey), value, decodeSmtProof(fromHex(r.proof)))) {
      fail(ErrorCode.PROOF_INVALID, `relay's proof for key ${toHex(rawKey)} does not verify`);
    }
    return value;
  }

  /** A value that must be in state, decoded; NOT_FOUND names `what` otherwise. */
  async must<T>(rawKey: Uint8Array, decode: (b: Uint8Array) => T, what: string): Promise<T> {
    const raw = await this.get(rawKey);
    if (!raw) fail(ErrorCode.NOT_FOUND, `${what} is not in state`);
    return decode(raw);
  }
}
