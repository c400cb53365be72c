/** Turns a genesis document into the initial state (height 0). */
import { compareBytes, addressOf, genesisValidatorSet, ContractKey, encodeCommittee, type Genesis } from '@dipnet/protocol';
import { initTimerCursor } from '../contracts/timers.ts';
import { applyGenesisGovernance } from '../governance/bodies.ts';
import { StateView } from './state-view.ts';
import { putAccount, putParams, putValidator, putShares, putRoster, putSchedule } from './accounts.ts';

export function applyGenesis(state: StateView, g: Genesis): void {
  putParams(state, g.params);
  for (const a of g.accounts) putAccount(state, a.address, { balance: a.balance, nonce: 0n, ageSince: g.genesisTime, locks: a.locks, lockBonded: 0n });
  const roster: Uint8Array[] = [];
  for (const v of g.validators) {
    const addr = addressOf(v.publicKey);
    putValidator(state, addr, { publicKey: v.publicKey, moniker: v.moniker, stake: v.stake, shares: v.stake, slashed: 0n, jailed: false });
    putShares(state, addr, addr, v.stake);
    roster.push(addr);
  }
  putRoster(state, roster.sort(compareBytes));
  const set = genesisValidatorSet(g);
  putSchedule(state, { current: set, next: set });
  state.set(ContractKey.committee(), encodeCommittee(g.committee));
  applyGenesisGovernance(state, g);
  initTimerCursor(state, g.genesisTime);
}
