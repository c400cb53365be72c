/**
 * Software upgrade signals. A board (or, for a patch, committee) resolution schedules a version
 * and an activation height (protocol/GOVERNANCE.md). A node older than that version stops
 * finalising blocks at that height instead of running rules it does not know — the chain halts
 * cleanly until operators upgrade, and no node forks off with old rules.
 */
import { GovKey, decodeUpgradePlan, type UpgradePlan } from '@dipnet/protocol';

/** This software's version; keep equal to bootstrap-node/package.json (a test checks it). */
export const SOFTWARE_VERSION = '0.1.0';

/** Compares MAJOR.MINOR.PATCH versions numerically. */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number), y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** The scheduled upgrade this software cannot run, if any. */
export function requiredUpgrade(readState: (key: Uint8Array) => Uint8Array | undefined, version = SOFTWARE_VERSION): UpgradePlan | null {
  const raw = readState(GovKey.upgradePlan());
  if (!raw) return null;
  const plan = decodeUpgradePlan(raw);
  return compareVersions(plan.version, version) > 0 ? plan : null;
}
