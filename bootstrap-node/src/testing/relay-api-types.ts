/**
 * Generates `src/relay/openapi-types.ts` (the `@dipnet/bootstrap-node/relay-api` types) from the
 * document a relay serves at /openapi.json, with openapi-typescript (offline). Run with
 * `npm run gen:relay-types`; relay/openapi-types.test.ts fails when the checked-in file is stale.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { createRelay } from '../relay/relay.ts';
import { EMPTY_CONTRACTS, TestNode, buildChain } from './relay-fixture.ts';

export const RELAY_TYPES_FILE = fileURLToPath(new URL('../relay/openapi-types.ts', import.meta.url));

const HEADER = `/**
 * Types of the relay's HTTP API, generated from its /openapi.json by openapi-typescript.
 * Do not edit: run \`npm run gen:relay-types\` (bootstrap-node/src/testing/relay-api-types.ts).
 * relay/openapi-types.test.ts fails when this file no longer matches the served document.
 */
/* eslint-disable */
`;

/** The document a relay with the contract index serves (so the contract routes are in it). */
export async function servedOpenApiDocument(): Promise<OpenAPI3> {
  const app = await createRelay(new TestNode(buildChain(), EMPTY_CONTRACTS), {});
  try {
    const res = await app.inject('/openapi.json');
    if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}`);
    return res.json() as OpenAPI3;
  } finally {
    await app.close();
  }
}

/** The generated module's text. */
export async function relayApiTypes(doc?: OpenAPI3): Promise<string> {
  const ast = await openapiTS(doc ?? (await servedOpenApiDocument()), { alphabetize: true, immutable: true, exportType: true, rootTypes: true, rootTypesNoSchemaPrefix: false });
  return HEADER + astToString(ast);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(RELAY_TYPES_FILE, await relayApiTypes());
  console.log(`wrote ${RELAY_TYPES_FILE}`);
}
