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

/**
 * A tx refused with the chain's `remoteCode`: proven (LC_TX_REJECTED: checked against proven state
 * before sending, or a failed receipt) or in a relay's word only (LC_TX_PENDING: the client keeps
 * checking, since a relay may lie about a refusal).
 */
export const refusedWith = (remoteCode: string) => (e: unknown): true => {
  assert.ok(isLightError(e) && (e.code === LightErrorCode.LC_TX_REJECTED || e.code === LightErrorCode.LC_TX_PENDING), `expected LC_TX_REJECTED or LC_TX_PENDING, got ${String(e)}`);
  assert.equal(e.details.remoteCode, remoteCode, e.message);
  if (e.code === LightErrorCode.LC_TX_PENDING) assert.equal((e.details.relaySays as { says?: string } | undefined)?.says, 'refused', 'pending with the relay\'s refusal as a hint');
  return true;
};

/** A DipnetError with this code (and a message matching `message`, if given). */
export const chainCode = (code: string, message?: RegExp) => (e: unknown): true => {
  assert.ok(isDipnetError(e), `expected a DipnetError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (message) assert.match(e.message, message);
  return true;
};
