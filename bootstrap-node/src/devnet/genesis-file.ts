/**
 * Genesis as a file: JSON for people (amounts as decimal strings, keys and addresses as hex),
 * converted to the canonical binary form whose hash every node and client pins.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fromHex, toHex, checkGenesis, encodeGovParams, decodeGovParams, DEFAULT_SYNCHRONY, type Genesis } from '@dipnet/protocol';

interface GenesisJson {
  chainId: string;
  genesisTime: string;
  params: Record<string, string | number>;
  accounts: { address: string; balance: string; locks: { amount: string; unlockAt: string }[]; label: string }[];
  validators: { publicKey: string; moniker: string; stake: string }[];
  committee: { members: string[]; threshold: number };
  governance: { params: Record<string, string>; board: string[] };
}

export function genesisToJson(g: Genesis): GenesisJson {
  return {
    chainId: g.chainId,
    genesisTime: g.genesisTime.toString(),
    params: {
      feePerByte: g.params.feePerByte.toString(), feeBase: g.params.feeBase.toString(), gasPrice: g.params.gasPrice.toString(),
      unbondingPeriodMs: g.params.unbondingPeriodMs.toString(), minValidatorStake: g.params.minValidatorStake.toString(),
      maxValidators: g.params.maxValidators, slashBps: g.params.slashBps, reviewFee: g.params.reviewFee.toString(),
      timePrecisionMs: g.params.timePrecisionMs, messageDelayMs: g.params.messageDelayMs,
    },
    accounts: g.accounts.map((a) => ({ address: toHex(a.address), balance: a.balance.toString(), locks: a.locks.map((t) => ({ amount: t.amount.toString(), unlockAt: t.unlockAt.toString() })), label: a.label })),
    validators: g.validators.map((v) => ({ publicKey: toHex(v.publicKey), moniker: v.moniker, stake: v.stake.toString() })),
    committee: { members: g.committee.members.map((m) => toHex(m)), threshold: g.committee.threshold },
    governance: {
      params: Object.fromEntries(Object.entries(g.governance.params).map(([k, v]) => [k, (v as bigint).toString()])),
      board: g.governance.board.map((m) => toHex(m)),
    },
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
      // A genesis file written before block time bounds were chain params gets the defaults.
      timePrecisionMs: p.timePrecisionMs === undefined ? DEFAULT_SYNCHRONY.timePrecisionMs : Number(p.timePrecisionMs),
      messageDelayMs: p.messageDelayMs === undefined ? DEFAULT_SYNCHRONY.messageDelayMs : Number(p.messageDelayMs),
    },
    accounts: j.accounts.map((a) => ({ address: fromHex(a.address, 20), balance: BigInt(a.balance), locks: a.locks.map((t) => ({ amount: BigInt(t.amount), unlockAt: BigInt(t.unlockAt) })), label: a.label })),
    validators: j.validators.map((v) => ({ publicKey: fromHex(v.publicKey, 32), moniker: v.moniker, stake: BigInt(v.stake) })),
    committee: { members: j.committee.members.map((m) => fromHex(m, 20)), threshold: j.committee.threshold },
    governance: {
      params: decodeGovParams(encodeGovParams({
        boardTermMs: BigInt(j.governance.params['boardTermMs']!), votingPeriodMs: BigInt(j.governance.params['votingPeriodMs']!),
        boardVotePeriodMs: BigInt(j.governance.params['boardVotePeriodMs']!), coinAgeCapMs: BigInt(j.governance.params['coinAgeCapMs']!),
        maxResolutionMs: BigInt(j.governance.params['maxResolutionMs']!),
      })),
      board: j.governance.board.map((m) => fromHex(m, 20)),
    },
  };
  checkGenesis(g);
  return g;
}

export const readGenesisFile = (path: string): Genesis => genesisFromJson(JSON.parse(readFileSync(path, 'utf8')) as GenesisJson);
export const writeGenesisFile = (path: string, g: Genesis): void => writeFileSync(path, JSON.stringify(genesisToJson(g), null, 2) + '\n');
