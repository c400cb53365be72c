/**
 * Genesis as a file: JSON for people (amounts as decimal strings, keys and addresses as hex),
 * converted to the canonical binary form whose hash every node and client pins.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fromHex, toHex, checkGenesis, type Genesis } from '@dipnet/protocol';

interface GenesisJson {
  chainId: string;
  genesisTime: string;
  params: Record<string, string | number>;
  accounts: { address: string; balance: string; locked: string; lockedUntil: string; label: string }[];
  validators: { publicKey: string; moniker: string; stake: string }[];
  committee: { members: string[]; threshold: number };
}

export function genesisToJson(g: Genesis): GenesisJson {
  return {
    chainId: g.chainId,
    genesisTime: g.genesisTime.toString(),
    params: {
      feePerByte: g.params.feePerByte.toString(), feeBase: g.params.feeBase.toString(), gasPrice: g.params.gasPrice.toString(),
      unbondingPeriodMs: g.params.unbondingPeriodMs.toString(), minValidatorStake: g.params.minValidatorStake.toString(),
      maxValidators: g.params.maxValidators, slashBps: g.params.slashBps, reviewFee: g.params.reviewFee.toString(),
    },
    accounts: g.accounts.map((a) => ({ address: toHex(a.address), balance: a.balance.toString(), locked: a.locked.toString(), lockedUntil: a.lockedUntil.toString(), label: a.label })),
    validators: g.validators.map((v) => ({ publicKey: toHex(v.publicKey), moniker: v.moniker, stake: v.stake.toString() })),
    committee: { members: g.committee.members.map((m) => toHex(m)), threshold: g.committee.threshold },
  };
}

export function genesisFromJson(j: GenesisJson): Genesis {
  const p = j.params;
  const g: Genesis = {
    chainId: j.chainId,
    genesisTime: BigInt(j.genesisTime),
    params: {
      feePerByte: BigInt(p.feePerByte!), feeBase: BigInt(p.feeBase!), gasPrice: BigInt(p.gasPrice!),
      unbondingPeriodMs: BigInt(p.unbondingPeriodMs!), minValidatorStake: BigInt(p.minValidatorStake!),
      maxValidators: Number(p.maxValidators), slashBps: Number(p.slashBps), reviewFee: BigInt(p.reviewFee!),
    },
    accounts: j.accounts.map((a) => ({ address: fromHex(a.address, 20), balance: BigInt(a.balance), locked: BigInt(a.locked), lockedUntil: BigInt(a.lockedUntil), label: a.label })),
    validators: j.validators.map((v) => ({ publicKey: fromHex(v.publicKey, 32), moniker: v.moniker, stake: BigInt(v.stake) })),
    committee: { members: j.committee.members.map((m) => fromHex(m, 20)), threshold: j.committee.threshold },
  };
  checkGenesis(g);
  return g;
}

export const readGenesisFile = (path: string): Genesis => genesisFromJson(JSON.parse(readFileSync(path, 'utf8')) as GenesisJson);
export const writeGenesisFile = (path: string, g: Genesis): void => writeFileSync(path, JSON.stringify(genesisToJson(g), null, 2) + '\n');
