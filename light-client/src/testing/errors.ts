/**
 * `assert.rejects` matchers for the two error families a light client surfaces (test helpers, not
 * part of the package API): its own LightErrors, and the chain's DipnetErrors it passes through.
 */
import assert from 'node:assert/strict';
import { LightErrorCode, isDipnetError, isLightError } from '@dipnet/protocol';

/** A LightError with this code. */
export const lightCode = (code: string) => (e: unknown): true => {
  assert.ok(isLightError(e), `expected a LightError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  return true;
};

/** A tx the relay refused (LC_TX_REJECTED) with the chain's `remoteCode`. */
export const rejectedWith = (remoteCode: string) => (e: unknown): true => {
  assert.ok(isLightError(e) && e.code === LightErrorCode.LC_TX_REJECTED, `expected LC_TX_REJECTED, got ${String(e)}`);
  assert.equal(e.details.remoteCode, remoteCode, e.message);
  return true;
};

/** A DipnetError with this code (and a message matching `message`, if given). */
export const chainCode = (code: string, message?: RegExp) => (e: unknown): true => {
  assert.ok(isDipnetError(e), `expected a DipnetError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (message) assert.match(e.message, message);
  return true;
};
