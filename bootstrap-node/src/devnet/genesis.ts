/**
 * The devnet genesis, following the whitepaper's split of the 10,000,000,000 DPN:
 * 50% sale, 10% founding members (locked for one year of chain time), 40% foundation —
 * the genesis validators' stake is bonded out of the foundation's share.
 */
import { addressOf, dpn, TOTAL_SUPPLY, UNITS_PER_DPN, type Genesis, type GenesisAccount, type Params } from '@dipnet/protocol';
import { devKey, devValidatorKey } from './dev-keys.ts';

export const YEAR_MS = 365n * 24n * 3600n * 1000n;
export const VALIDATOR_STAKE = dpn(1_000_000);
export const FOUNDERS = 4;

export const DEVNET_PARAMS: Params = {
  feePerByte: 10n * UNITS_PER_DPN / 1_000_000n, // 0.00001 DPN per byte
  feeBase: UNITS_PER_DPN / 1000n, // 0.001 DPN per tx
  gasPrice: 1n,
  unbondingPeriodMs: 60_000n, // one minute of chain time on the devnet (mainnet: weeks)
  minValidatorStake: dpn(10_000),
  maxValidators: 100,
  slashBps: 500,
  reviewFee: dpn(100),
};

/** The devnet's template-review committee: three dev keys, two must agree. */
export const DEVNET_COMMITTEE_SIZE = 3;
export const devCommitteeKey = (i: number) => devKey(`committee-${i}`);

export function devnetGenesis(opts: { chainId: string; validators: number; genesisTime?: bigint }): Genesis {
  const genesisTime = opts.genesisTime ?? BigInt(Date.now());
  const sale = TOTAL_SUPPLY / 2n;
  const founders = TOTAL_SUPPLY / 10n;
  const foundation = TOTAL_SUPPLY - sale - founders;
  const validators = Array.from({ length: opts.validators }, (_, i) => ({
    publicKey: devValidatorKey(i).publicKey, moniker: `validator-${i}`, stake: VALIDATOR_STAKE,
  }));
  const accounts: GenesisAccount[] = [
    { address: addressOf(devKey('sale').publicKey), balance: sale, locked: 0n, lockedUntil: 0n, label: 'sale' },
    { address: addressOf(devKey('foundation').publicKey), balance: foundation - VALIDATOR_STAKE * BigInt(opts.validators), locked: 0n, lockedUntil: 0n, label: 'foundation' },
  ];
  for (let i = 0; i < FOUNDERS; i++) {
    const share = founders / BigInt(FOUNDERS);
    accounts.push({ address: addressOf(devKey(`founder-${i}`).publicKey), balance: share, locked: share, lockedUntil: genesisTime + YEAR_MS, label: `founder-${i}` });
  }
  const committee = { members: Array.from({ length: DEVNET_COMMITTEE_SIZE }, (_, i) => addressOf(devCommitteeKey(i).publicKey)), threshold: 2 };
  return { chainId: opts.chainId, genesisTime, params: DEVNET_PARAMS, accounts, validators, committee };
}
