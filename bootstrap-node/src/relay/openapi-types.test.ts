/** The checked-in relay API types (openapi-types.ts) are what the served /openapi.json generates today. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { RELAY_TYPES_FILE, relayApiTypes } from '../testing/relay-api-types.ts';

test('src/relay/openapi-types.ts matches the served document (else run npm run gen:relay-types)', async () => {
  const [fresh, checkedIn] = await Promise.all([relayApiTypes(), readFile(RELAY_TYPES_FILE, 'utf8')]);
  assert.ok(fresh === checkedIn, 'src/relay/openapi-types.ts is stale: run `npm run gen:relay-types` and commit the result');
});
