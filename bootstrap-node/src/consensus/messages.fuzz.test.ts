/**
 * Mutation fuzzing of the node-to-node decoders (consensus messages, tx batches): at least
 * 10,000 mutated encodings each; every one is either rejected with a DipnetError or is exactly
 * the canonical encoding of what it decodes to.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DipnetError, equalBytes, toHex, signVote, VoteType, addressOf, encodeSignedTx, signTx, headerHash } from '@dipnet/protocol';
import { testValidators, testHeader, testCommit, seededRandom, mutateBytes } from '@dipnet/protocol/test-fixtures';
import { decodeConsensusMessage, encodeConsensusMessage, type ConsensusMessage } from './messages.ts';
import { decodeTxBatch, encodeTxBatch } from '../tx-gossip.ts';

const MUTATIONS = 10_000;
const CHAIN = 'dipnet-fuzz';

const { keys, set } = testValidators(4);
const header = testHeader(CHAIN, 3n, set);
const commit = testCommit(CHAIN, header, set, keys.slice(0, 3));
const k0 = keys[0]!;
const stx = encodeSignedTx(signTx({ chainId: CHAIN, signer: k0.publicKey, nonce: 0n, fee: 1n, body: { type: 'transfer', to: addressOf(keys[1]!.publicKey), amount: 1n, memo: '' } }, k0.secretKey));
const vote = signVote(CHAIN, { type: VoteType.precommit, height: 3n, round: 1, blockHash: headerHash(header), validator: addressOf(k0.publicKey) }, k0.secretKey);
const proposal: ConsensusMessage = { kind: 'proposal', height: 3n, round: 2, polRound: 1, block: { header, txs: [stx], evidence: [], attacks: [], lastCommit: commit }, signature: new Uint8Array(64).fill(5) };

const cases = [
  { name: 'consensus proposal', sample: encodeConsensusMessage(proposal), decode: decodeConsensusMessage, encode: encodeConsensusMessage as (v: never) => Uint8Array },
  { name: 'consensus vote', sample: encodeConsensusMessage({ kind: 'vote', vote }), decode: decodeConsensusMessage, encode: encodeConsensusMessage as (v: never) => Uint8Array },
  { name: 'tx batch', sample: encodeTxBatch([stx, stx]), decode: decodeTxBatch, encode: encodeTxBatch as (v: never) => Uint8Array },
];

for (const c of cases) {
  test(`fuzz: ${c.name} decoder survives ${MUTATIONS} mutations and accepts only canonical bytes`, () => {
    assert.ok(equalBytes(c.encode(c.decode(c.sample) as never), c.sample));
    const rand = seededRandom(0x2545f491 + c.name.length);
    let rejected = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const m = mutateBytes(c.sample, rand);
      let v: unknown;
      try {
        v = c.decode(m);
      } catch (e) {
        if (!(e instanceof DipnetError)) assert.fail(`${c.name}: ${toHex(m).slice(0, 64)} threw ${String(e)}`);
        rejected++;
        continue;
      }
      assert.ok(equalBytes(c.encode(v as never), m), `${c.name}: accepted a non-canonical encoding`);
    }
    assert.ok(rejected > MUTATIONS / 2);
  });
}
