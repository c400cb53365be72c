/** Helpers for tests that run real nodes: temp dirs, signed transfers, waiting on heights. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressOf, encodeSignedTx, signTx, dpn, type KeyPair, type TxBody } from '@dipnet/protocol';

export async function tempDir(prefix = 'dipnet-test-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export function signedTx(chainId: string, key: KeyPair, nonce: bigint, body: TxBody, fee = dpn(1)): Uint8Array {
  return encodeSignedTx(signTx({ chainId, signer: key.publicKey, nonce, fee, body }, key.secretKey));
}

export function transfer(chainId: string, from: KeyPair, to: KeyPair | Uint8Array, amount: bigint, nonce: bigint, fee = dpn(1)): Uint8Array {
  const toAddr = to instanceof Uint8Array ? to : addressOf(to.publicKey);
  return signedTx(chainId, from, nonce, { type: 'transfer', to: toAddr, amount, memo: '' }, fee);
}

/** Polls `check` every 20 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
