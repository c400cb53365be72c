/**
 * Every Ed25519 verification vector the verifiers are compared on: Wycheproof's
 * ed25519_test.json and the ed25519-speccheck cases (protocol/test-vectors/, sources in its
 * README), and the hand-built small-order and mixed-order cases (ed25519-edge-cases.ts).
 * `valid` is the answer OpenSSL and BoringSSL give: Wycheproof's verdict, the OpenSSL-3.0 and
 * BoringSSL row of speccheck's published results, and the cofactorless answer by construction.
 * Test support, Node only (it reads the fixture files).
 */
import { readFileSync } from 'node:fs';
import { fromHex } from './bytes.ts';
import { edgeCaseVectors } from './ed25519-edge-cases.ts';

export type Ed25519VectorSource = 'wycheproof' | 'speccheck' | 'edge';

export interface Ed25519Vector {
  readonly source: Ed25519VectorSource;
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly valid: boolean;
}

interface WycheproofFile {
  readonly testGroups: readonly {
    readonly publicKey: { readonly pk: string };
    readonly tests: readonly { readonly tcId: number; readonly comment: string; readonly msg: string; readonly sig: string; readonly result: 'valid' | 'invalid' | 'acceptable' }[];
  }[];
}

type SpeccheckFile = readonly { readonly message: string; readonly pub_key: string; readonly signature: string }[];

/**
 * OpenSSL-3.0's and BoringSSL's row of the speccheck results table (its README): cases 0–3
 * (small or mixed A and R, cofactorless holds) and 11 (non-canonical A, hashed as given) pass.
 */
const SPECCHECK_OPENSSL = [true, true, true, true, false, false, false, false, false, false, false, true];

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../test-vectors/${name}`, import.meta.url), 'utf8'));

export function wycheproofVectors(): Ed25519Vector[] {
  const file = fixture('wycheproof-ed25519_test.json') as WycheproofFile;
  return file.testGroups.flatMap((g) => g.tests.map((t) => {
    if (t.result === 'acceptable') throw new Error(`Wycheproof #${t.tcId} is "acceptable": decide its expected answer explicitly`);
    return {
      source: 'wycheproof' as const, name: `Wycheproof #${t.tcId}${t.comment ? ` (${t.comment.slice(0, 60)})` : ''}`,
      publicKey: fromHex(g.publicKey.pk), message: fromHex(t.msg), signature: fromHex(t.sig), valid: t.result === 'valid',
    };
  }));
}

export function speccheckVectors(): Ed25519Vector[] {
  const cases = fixture('speccheck-cases.json') as SpeccheckFile;
  if (cases.length !== SPECCHECK_OPENSSL.length) throw new Error(`speccheck has ${cases.length} cases, its results table ${SPECCHECK_OPENSSL.length}`);
  return cases.map((c, i) => ({
    source: 'speccheck' as const, name: `speccheck case ${i}`,
    publicKey: fromHex(c.pub_key), message: fromHex(c.message), signature: fromHex(c.signature), valid: SPECCHECK_OPENSSL[i]!,
  }));
}

export function allEd25519Vectors(): Ed25519Vector[] {
  return [...wycheproofVectors(), ...speccheckVectors(), ...edgeCaseVectors().map((v) => ({ ...v, source: 'edge' as const, name: `edge: ${v.name}` }))];
}
