/** Builds and submits signed transfers against a devnet, tracking which ones finalised. */
import { addressOf, toHex, dpn, encodeSignedTx, signTx, keyPairFromSecret, sha256, utf8, StateKey, decodeAccount, decodeValidatorRecord, decodeUnbondingQueue, COMMUNITY_POOL, type KeyPair } from '@dipnet/protocol';
import { waitFor } from '@dipnet/protocol/testing';
import { devKey, devValidatorKey, type RelayClient } from '@dipnet/bootstrap-node';

export const FEE = dpn(1) / 100n;
export const testAccount = (name: string): KeyPair => keyPairFromSecret(sha256(utf8(`dipnet-it/${name}`)));

export function transferBytes(chainId: string, from: KeyPair, to: Uint8Array, amount: bigint, nonce: bigint): Uint8Array {
  return encodeSignedTx(signTx({ chainId, signer: from.publicKey, nonce, fee: FEE, body: { type: 'transfer', to, amount, memo: '' } }, from.secretKey));
}

/** Funds `accounts` from the devnet sale allocation and waits until all are committed. */
export async function fund(client: RelayClient, chainId: string, accounts: KeyPair[], amount: bigint): Promise<void> {
  const sale = devKey('sale');
  const { value } = await client.provenValue(StateKey.account(addressOf(sale.publicKey)));
  let nonce = value ? decodeAccount(value).nonce : 0n;
  const hashes: string[] = [];
  for (const a of accounts) hashes.push(await client.submitTx(transferBytes(chainId, sale, addressOf(a.publicKey), amount, nonce++)));
  await waitCommitted(client, hashes, 30_000);
}

export async function waitCommitted(client: RelayClient, hashes: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const h of hashes) {
    await waitFor(async () => (await client.txStatus(h)).status === 'committed', { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 50, what: `tx ${h} to commit` });
  }
}

/**
 * Sum of every DPN the test could have moved, read with verified proofs: balances of all
 * genesis and test accounts, validators' fee income, bonded stake, the community pool and
 * pending unbondings. Must always equal TOTAL_SUPPLY.
 */
export async function provenSupply(client: RelayClient, extraAccounts: Uint8Array[], validators: number): Promise<bigint> {
  const addrs = [
    addressOf(devKey('sale').publicKey), addressOf(devKey('foundation').publicKey),
    ...[0, 1, 2, 3].map((i) => addressOf(devKey(`founder-${i}`).publicKey)),
    ...Array.from({ length: validators }, (_, i) => addressOf(devValidatorKey(i).publicKey)),
    COMMUNITY_POOL, ...extraAccounts,
  ];
  const status = await client.status();
  const height = BigInt(status.height);
  let sum = 0n;
  const seen = new Set<string>();
  for (const a of addrs) {
    const k = toHex(a);
    if (seen.has(k)) continue;
    seen.add(k);
    const { value } = await client.provenValue(StateKey.account(a), height);
    if (value) sum += decodeAccount(value).balance;
  }
  for (let i = 0; i < validators; i++) {
    const { value } = await client.provenValue(StateKey.validator(addressOf(devValidatorKey(i).publicKey)), height);
    if (value) sum += decodeValidatorRecord(value).stake;
  }
  const { value: q } = await client.provenValue(StateKey.unbondingQueue(), height);
  if (q) for (const u of decodeUnbondingQueue(q)) sum += u.amount;
  return sum;
}
