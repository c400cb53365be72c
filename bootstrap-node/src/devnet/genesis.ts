/**
 * The devnet genesis, following the whitepaper's split of the 10,000,000,000 DPN:
 * 50% sale, 10% founding members (locked for one year of chain time), 40% foundation —
 * the genesis validators' stake is bonded out of the foundation's share.
 */
import { addressOf, dpn, decodeGovParams, encodeGovParams, TOTAL_SUPPLY, UNITS_PER_DPN, BOARD_SIZE, DEFAULT_SYNCHRONY, type Genesis, type GenesisAccount, type Params, type GovParams } from '@dipnet/protocol';
import { devKey, devValidatorKey } from './dev-keys.ts';

export const YEAR_MS = 365n * 24n * 3600n * 1000n;
export const VALIDATOR_STAKE = dpn(1_000_000);
export const FOUNDERS = 4;

export const DEVNET_PARAMS: Params = {
  feePerByte: 10n * UNITS_PER_DPN / 1_000_000n, // 0.00001 DPN per byte
  feeBase: UNITS_PER_DPN / 1000n, // 0.001 DPN per tx
  gasPrice: 1n,
  // 21 days of chain time, as on public proof-of-stake chains: light clients may trust a header for
  // 2/3 of it (14 days), so a viewer pinned to the genesis hash can start for two weeks.
  unbondingPeriodMs: 21n * 86_400_000n,
  minValidatorStake: dpn(10_000),
  maxValidators: 100,
  slashBps: 500,
  reviewFee: dpn(100),
  ...DEFAULT_SYNCHRONY,
};

/**
 * Devnet governance runs in minutes, not years: a board term of 10 minutes, then 1 minute of
 * holder voting and 30 s of board voting; coin-age caps at 5 minutes.
 */
export const DEVNET_GOV_PARAMS: GovParams = {
  boardTermMs: 600_000n,
  votingPeriodMs: 60_000n,
  boardVotePeriodMs: 30_000n,
  coinAgeCapMs: 300_000n,
  maxResolutionMs: 600_000n,
};
/**
 * DEVNET_GOV_PARAMS with some fields replaced (a test devnet runs an election in under a minute).
 * Checked like the chain checks them: periods positive, a term longer than its election.
 */
export function devnetGovParams(overrides: Partial<GovParams> = {}): GovParams {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<GovParams>;
  return decodeGovParams(encodeGovParams({ ...DEVNET_GOV_PARAMS, ...defined }));
}

/** The genesis decision board (the foundation's first board): five dev keys. */
export const devBoardKey = (i: number) => devKey(`board-${i}`);

/** The devnet's template-review committee: three dev keys, two must agree. */
export const DEVNET_COMMITTEE_SIZE = 3;
export const devCommitteeKey = (i: number) => devKey(`committee-${i}`);

export function devnetGenesis(opts: { chainId: string; validators: number; genesisTime?: bigint; govParams?: GovParams }): Genesis {
  const genesisTime = opts.genesisTime ?? BigInt(Date.now());
  const sale = TOTAL_SUPPLY / 2n;
  const founders = TOTAL_SUPPLY / 10n;
  const foundation = TOTAL_SUPPLY - sale - founders;
  const validators = Array.from({ length: opts.validators }, (_, i) => ({
    publicKey: devValidatorKey(i).publicKey, moniker: `validator-${i}`, stake: VALIDATOR_STAKE,
  }));
  const accounts: GenesisAccount[] = [
    { address: addressOf(devKey('sale').publicKey), balance: sale, locks: [], label: 'sale' },
    { address: addressOf(devKey('foundation').publicKey), balance: foundation - VALIDATOR_STAKE * BigInt(opts.validators), locks: [], label: 'foundation' },
  ];
  for (let i = 0; i < FOUNDERS; i++) {
    const share = founders / BigInt(FOUNDERS);
    accounts.push({ address: addressOf(devKey(`founder-${i}`).publicKey), balance: share, locks: [{ amount: share, unlockAt: genesisTime + YEAR_MS }], label: `founder-${i}` });
  }
  const committee = { members: Array.from({ length: DEVNET_COMMITTEE_SIZE }, (_, i) => addressOf(devCommitteeKey(i).publicKey)), threshold: 2 };
  const board = Array.from({ length: BOARD_SIZE }, (_, i) => addressOf(devBoardKey(i).publicKey));
  return { chainId: opts.chainId, genesisTime, params: DEVNET_PARAMS, accounts, validators, committee, governance: { params: opts.govParams ?? DEVNET_GOV_PARAMS, board } };
}
