/**
 * `dipnet gov`: governance from the command line — the bodies, elections with coin-age, and
 * resolutions (whitepaper ch. 4; rules in bootstrap-node/src/governance/).
 *
 * Every read is verified like `dipnet query`: state values come with Merkle proofs against ONE
 * header whose commit is signed by > 2/3 of the validators, so a status describes one moment.
 * Txs declare exactly the fee the verified fee schedule asks for their size (a governance tx
 * is charged that and no more); --fee overrides.
 */
import { parseArgs } from 'node:util';
import {
  DipnetError, ErrorCode, GovKey, StateKey, EMPTY_ACCOUNT, addressOf, decodeAccount, decodeBody, decodeCandidateTally, decodeElection,
  decodeElectionClock, decodeGovParams, decodeParams, decodeResolution, decodeResolutionIndex, decodeUpgradePlan,
  encodeSignedTx, fail, formatAddress, formatDpn, fromHex, parseAddress, parseDpn, requiredFee, resolutionId, signTx,
  toHex, ContractKey, decodeCommittee,
  type Body, type Election, type GovAction, type GovBody, type GovParams, type KeyPair, type LockTranche, type Params,
  type Resolution, type TxBody,
} from '@dipnet/protocol';
import { RelayClient } from './relay-client.ts';
import { ProvenReader } from './proven-reader.ts';
import { defaultKeyFile, loadKey } from './wallet.ts';

const DEFAULT_RELAY = process.env.DIPNET_RELAY ?? 'http://127.0.0.1:8545';

export const GOV_HELP = `Usage: dipnet gov <status|candidate|vote|board-vote|propose|decide|resolution> …

  status [--election <id>]            the board, the representatives, governance parameters, the
                                      election clock, an election (default: the latest) with every
                                      candidate's tally, and open/recent resolutions (all verified)
  candidate [--election <id>]         register --key as a candidate (while holders vote)
  vote <candidate> [--election <id>]  vote as a holder: weight = balance × coin-age when the election
                                      opened (coins moved or received after that add nothing)
  board-vote <candidate> [--election <id>]
                                      a representative's one vote for the board (among representatives)
  propose <action> --deadline <30s|10m|ms> --activation <height|+blocks> [--body board|committee]
      setParams --set name=value …      chain parameters (feePerByte, feeBase, gasPrice, unbondingPeriodMs,
                                        minValidatorStake, maxValidators, slashBps, reviewFee,
                                        timePrecisionMs, messageDelayMs; units, not DPN);
                                        unnamed ones keep their current (verified) value
      setGovParams --set name=value …   boardTermMs, votingPeriodMs, boardVotePeriodMs, coinAgeCapMs, maxResolutionMs
      setCommittee --members dpn…,dpn… --threshold <n>
      deprecateTemplate --template <id>
      upgrade --version <MAJOR.MINOR.PATCH> --severity patch|major
      addLock --account dpn… --lock <DPN>@<unlock time: ms since epoch or ISO date> …
                                      The board decides anything, unanimously; the committee (by its
                                      threshold) only template deprecation and patch upgrades.
                                      Prints the resolution id; the proposer's approval is counted.
  decide <resolution> --approve|--reject
  resolution <id>                     a resolution (verified): action, approvals, status, note

Common options: --key <file> (default ${defaultKeyFile()}), --relay <url>, --wait (until included),
  --fee <DPN> (declare this fee instead of the verified fee schedule's for the tx's size).`;

function out(obj: unknown): void {
  process.stdout.write(JSON.stringify(obj, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
}

const bad = (msg: string): never => fail(ErrorCode.INVALID_ARGUMENT, msg);
const parseId = (s: string | undefined, what: string): Uint8Array => {
  if (!s || !/^[0-9a-fA-F]{64}$/.test(s)) bad(`${what}: expected a 64-hex-digit id`);
  return fromHex(s!.toLowerCase(), 32);
};
const parseUint = (s: string | undefined, what: string): bigint => {
  if (s === undefined || !/^\d{1,19}$/.test(s)) bad(`${what}: expected a whole number`);
  return BigInt(s!);
};
function parseDuration(s: string | undefined, what: string): bigint {
  const m = /^(\d{1,15})(ms|s|m|h|d)?$/.exec(s?.trim() ?? '');
  if (!m) return bad(`${what}: not a duration (ms, or a number with s/m/h/d)`);
  return BigInt(m[1]!) * { ms: 1n, s: 1000n, m: 60_000n, h: 3_600_000n, d: 86_400_000n }[(m[2] ?? 'ms') as 'ms'];
}
const time = (ms: bigint) => ({ ms: ms.toString(), iso: new Date(Number(ms)).toISOString() });

/** The election a tx is about: --election, or the one running now. */
async function electionId(reader: ProvenReader, given: string | undefined): Promise<bigint> {
  if (given !== undefined) return parseUint(given, '--election');
  const clock = await reader.must(GovKey.electionClock(), decodeElectionClock, 'the election clock');
  if (!clock.open) fail(ErrorCode.ELECTION_CLOSED, `no election is running (the latest was ${clock.latest}); pass --election <id> to name one`);
  return clock.latest;
}

interface Sent { hash: string; nonce: bigint; fee: string; status: string; height?: string; code?: string }

/** Signs `body` with the key's verified next nonce and the fee the verified schedule asks, submits, and optionally waits. */
async function sendGovTx(client: RelayClient, reader: ProvenReader, key: KeyPair, body: TxBody, opts: { fee?: string | undefined; wait: boolean }): Promise<Sent> {
  const status = await client.status();
  const acct = await reader.get(StateKey.account(addressOf(key.publicKey)));
  const nonce = (acct ? decodeAccount(acct) : EMPTY_ACCOUNT).nonce;
  const signed = (fee: bigint) => encodeSignedTx(signTx({ chainId: status.chainId, signer: key.publicKey, nonce, fee, body }, key.secretKey));
  let fee: bigint;
  if (opts.fee !== undefined) fee = parseDpn(opts.fee);
  else {
    // The fee field has a fixed width, so the probe has the final size.
    const params = await reader.must(StateKey.params(), decodeParams, 'the chain parameters');
    fee = requiredFee(params, signed(0n).length);
  }
  const hash = await client.submitTx(signed(fee));
  const sent: Sent = { hash, nonce, fee: formatDpn(fee), status: 'submitted' };
  if (!opts.wait) return sent;
  for (let i = 0; i < 300; i++) {
    const s = await client.txStatus(hash);
    if (s.status === 'committed') return { ...sent, status: 'committed', ...(s.height ? { height: s.height } : {}) };
    await new Promise((r) => setTimeout(r, 100));
  }
  return sent;
}

const bodyJson = (b: Body | undefined) => b && {
  members: b.members.map(formatAddress), termStart: time(b.termStart), termEnd: time(b.termEnd), election: b.election.toString(), powers: b.powers,
};

function actionJson(a: GovAction): Record<string, unknown> {
  switch (a.type) {
    case 'setParams': return { type: a.type, params: a.params };
    case 'setGovParams': return { type: a.type, gov: a.gov };
    case 'setCommittee': return { type: a.type, members: a.committee.members.map(formatAddress), threshold: a.committee.threshold };
    case 'deprecateTemplate': return { type: a.type, template: toHex(a.template) };
    case 'upgrade': return { type: a.type, version: a.version, severity: a.severity };
    case 'addLock': return { type: a.type, account: formatAddress(a.account), tranches: a.tranches.map((t) => ({ amount: formatDpn(t.amount), unlockAt: time(t.unlockAt) })) };
  }
}

const resolutionJson = (id: Uint8Array, r: Resolution) => ({
  id: toHex(id), body: r.body, proposer: formatAddress(r.proposer), action: actionJson(r.action), status: r.status, note: r.note,
  proposedAtHeight: r.proposedAtHeight.toString(), deadline: time(r.deadline), activationHeight: r.activationHeight.toString(),
  voters: r.voters.map(formatAddress), threshold: r.threshold, approvals: r.approvals.map(formatAddress), rejections: r.rejections.map(formatAddress),
});

async function electionJson(reader: ProvenReader, e: Election) {
  const tallies = await Promise.all(e.candidates.map(async (c) => {
    const raw = await reader.get(GovKey.candidateTally(e.id, c));
    const t = raw ? decodeCandidateTally(raw) : { weight: 0n, voters: 0, boardVotes: 0 };
    return { candidate: formatAddress(c), weight: t.weight.toString(), voters: t.voters, boardVotes: t.boardVotes };
  }));
  tallies.sort((a, b) => (BigInt(b.weight) > BigInt(a.weight) ? 1 : BigInt(b.weight) < BigInt(a.weight) ? -1 : a.candidate < b.candidate ? -1 : 1));
  return {
    id: e.id.toString(), phase: e.phase, opensAt: time(e.opensAt), votingEndsAt: time(e.votingEndsAt), boardVoteEndsAt: time(e.boardVoteEndsAt),
    totalWeight: e.totalWeight.toString(), voters: e.voters, representatives: e.representatives.map(formatAddress), board: e.board.map(formatAddress),
    tallies,
  };
}

// ---------------------------------------------------------------------------------- propose

const PARAM_FIELDS: Record<keyof Params, 'bigint' | 'number'> = {
  feePerByte: 'bigint', feeBase: 'bigint', gasPrice: 'bigint', unbondingPeriodMs: 'bigint', minValidatorStake: 'bigint',
  maxValidators: 'number', slashBps: 'number', reviewFee: 'bigint', timePrecisionMs: 'number', messageDelayMs: 'number',
};
const GOV_FIELDS: readonly (keyof GovParams)[] = ['boardTermMs', 'votingPeriodMs', 'boardVotePeriodMs', 'coinAgeCapMs', 'maxResolutionMs'];

/** Applies `--set name=value` pairs to a record of known fields. */
function withSets<T extends object>(base: T, sets: readonly string[], fields: Record<string, 'bigint' | 'number'>): T {
  if (sets.length === 0) bad('give at least one --set name=value');
  const next = { ...base } as Record<string, unknown>;
  for (const s of sets) {
    const m = /^(\w+)=(\d{1,30})$/.exec(s);
    if (!m || !(m[1]! in fields)) bad(`--set ${s}: expected one of ${Object.keys(fields).join(', ')} = a whole number`);
    next[m![1]!] = fields[m![1]!] === 'number' ? Number(m![2]) : BigInt(m![2]!);
  }
  return next as T;
}

function parseUnlock(s: string): LockTranche {
  const at = s.lastIndexOf('@');
  if (at <= 0) bad(`--lock ${s}: expected <DPN>@<unlock time>`);
  const when = s.slice(at + 1);
  const ms = /^\d{1,15}$/.test(when) ? Number(when) : Date.parse(when);
  if (!Number.isFinite(ms) || ms <= 0) bad(`--lock ${s}: the unlock time must be ms since the epoch or an ISO date`);
  return { amount: parseDpn(s.slice(0, at)), unlockAt: BigInt(ms) };
}

async function buildAction(reader: ProvenReader, kind: string | undefined, v: Record<string, string | string[] | boolean | undefined>): Promise<GovAction> {
  const sets = (v.set as string[] | undefined) ?? [];
  switch (kind) {
    case 'setParams': {
      const current = await reader.must(StateKey.params(), decodeParams, 'the chain parameters');
      return { type: 'setParams', params: withSets(current, sets, PARAM_FIELDS) };
    }
    case 'setGovParams': {
      const current = await reader.must(GovKey.govParams(), decodeGovParams, 'the governance parameters');
      return { type: 'setGovParams', gov: withSets(current, sets, Object.fromEntries(GOV_FIELDS.map((f) => [f, 'bigint']))) };
    }
    case 'setCommittee': {
      const members = String(v.members ?? '').split(',').filter(Boolean).map((a) => parseAddress(a.trim()));
      if (members.length === 0) bad('setCommittee needs --members dpn…,dpn…');
      const threshold = Number(parseUint(v.threshold as string | undefined, '--threshold'));
      if (threshold < 1 || threshold > members.length) bad(`--threshold must be 1..${members.length}`);
      return { type: 'setCommittee', committee: { members, threshold } };
    }
    case 'deprecateTemplate': return { type: 'deprecateTemplate', template: parseId(v.template as string | undefined, '--template') };
    case 'upgrade': {
      const severity = v.severity as string | undefined;
      if (severity !== 'patch' && severity !== 'major') bad('--severity must be patch or major');
      if (!/^\d{1,6}\.\d{1,6}\.\d{1,6}$/.test(String(v.version ?? ''))) bad('--version must be MAJOR.MINOR.PATCH');
      return { type: 'upgrade', version: String(v.version), severity: severity as 'patch' | 'major' };
    }
    case 'addLock': {
      const tranches = ((v.lock as string[] | undefined) ?? []).map(parseUnlock).sort((a, b) => (a.unlockAt < b.unlockAt ? -1 : a.unlockAt > b.unlockAt ? 1 : 0));
      if (tranches.length === 0) bad('addLock needs at least one --lock <DPN>@<unlock time>');
      return { type: 'addLock', account: parseAddress(String(v.account ?? '')), tranches };
    }
    default: return bad(`unknown action "${kind ?? ''}": setParams, setGovParams, setCommittee, deprecateTemplate, upgrade or addLock`);
  }
}

// ---------------------------------------------------------------------------------- command

export async function govCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: {
    key: { type: 'string' }, relay: { type: 'string', default: DEFAULT_RELAY }, wait: { type: 'boolean', default: false }, fee: { type: 'string' },
    election: { type: 'string' }, approve: { type: 'boolean', default: false }, reject: { type: 'boolean', default: false },
    deadline: { type: 'string' }, activation: { type: 'string' }, body: { type: 'string', default: 'board' },
    set: { type: 'string', multiple: true }, members: { type: 'string' }, threshold: { type: 'string' }, template: { type: 'string' },
    version: { type: 'string' }, severity: { type: 'string' }, account: { type: 'string' }, lock: { type: 'string', multiple: true },
  } });
  const client = new RelayClient(values.relay);
  const [sub, arg] = positionals;
  const key = () => loadKey(values.key ?? defaultKeyFile());
  const txOpts = { fee: values.fee, wait: values.wait };
  switch (sub) {
    case 'status': {
      const reader = await ProvenReader.at(client);
      const clock = await reader.must(GovKey.electionClock(), decodeElectionClock, 'the election clock');
      const id = values.election !== undefined ? parseUint(values.election, '--election') : clock.latest;
      const [gov, board, reps, index, election, committee, upgrade] = await Promise.all([
        reader.must(GovKey.govParams(), decodeGovParams, 'the governance parameters'),
        reader.must(GovKey.board(), decodeBody, 'the board'),
        reader.get(GovKey.representatives()).then((r) => r && decodeBody(r)),
        reader.must(GovKey.resolutionIndex(), decodeResolutionIndex, 'the resolution index'),
        id > 0n ? reader.get(GovKey.election(id)).then((r) => r && decodeElection(r)) : undefined,
        reader.get(ContractKey.committee()).then((r) => r && decodeCommittee(r)),
        reader.get(GovKey.upgradePlan()).then((r) => r && decodeUpgradePlan(r)),
      ]);
      const summarize = async (ids: readonly Uint8Array[]) => Promise.all(ids.map(async (rid) => {
        const r = await reader.must(GovKey.resolution(rid), decodeResolution, `resolution ${toHex(rid)}`);
        return { id: toHex(rid), body: r.body, action: r.action.type, status: r.status, approvals: r.approvals.length, of: r.voters.length, activationHeight: r.activationHeight.toString() };
      }));
      out({
        verifiedAtHeight: reader.header.height.toString(), chainTime: time(reader.header.time),
        params: gov, board: bodyJson(board), representatives: bodyJson(reps) ?? null,
        committee: committee ? { members: committee.members.map(formatAddress), threshold: committee.threshold } : null,
        electionClock: { latest: clock.latest.toString(), open: clock.open },
        election: election ? await electionJson(reader, election) : null,
        resolutions: { open: await summarize(index.open), recent: await summarize(index.recent.slice(0, 10)) },
        upgradePlan: upgrade ? { version: upgrade.version, severity: upgrade.severity, activationHeight: upgrade.activationHeight.toString(), resolution: toHex(upgrade.resolution) } : null,
      });
      return 0;
    }
    case 'candidate': {
      const reader = await ProvenReader.at(client);
      const election = await electionId(reader, values.election);
      const sent = await sendGovTx(client, reader, key(), { type: 'registerCandidate', election }, txOpts);
      out({ election: election.toString(), ...sent });
      return 0;
    }
    case 'vote':
    case 'board-vote': {
      if (!arg) bad(`usage: dipnet gov ${sub} <candidate address> [--election <id>]`);
      const candidate = parseAddress(arg!);
      const reader = await ProvenReader.at(client);
      const election = await electionId(reader, values.election);
      const sent = await sendGovTx(client, reader, key(), { type: sub === 'vote' ? 'electionVote' : 'boardVote', election, candidate }, txOpts);
      out({ election: election.toString(), candidate: formatAddress(candidate), ...sent });
      return 0;
    }
    case 'propose': {
      if (values.body !== 'board' && values.body !== 'committee') bad('--body must be board or committee');
      const reader = await ProvenReader.at(client);
      const action = await buildAction(reader, arg, values);
      const deadline = reader.header.time + parseDuration(values.deadline, '--deadline');
      const act = values.activation ?? '';
      const activationHeight = act.startsWith('+') ? reader.header.height + parseUint(act.slice(1), '--activation') : parseUint(act, '--activation');
      const k = key();
      const sent = await sendGovTx(client, reader, k, { type: 'proposeResolution', body: values.body as GovBody, action, deadline, activationHeight }, txOpts);
      out({ resolution: toHex(resolutionId(addressOf(k.publicKey), sent.nonce)), action: actionJson(action), deadline: time(deadline), activationHeight: activationHeight.toString(), ...sent });
      return 0;
    }
    case 'decide': {
      if (values.approve === values.reject) bad('give exactly one of --approve or --reject');
      const id = parseId(arg, 'resolution');
      const reader = await ProvenReader.at(client);
      const sent = await sendGovTx(client, reader, key(), { type: 'decideResolution', resolution: id, approve: values.approve }, txOpts);
      const extra: Record<string, unknown> = {};
      if (values.wait && sent.status === 'committed') {
        const r = await (await ProvenReader.at(client)).get(GovKey.resolution(id));
        if (r) extra.resolutionStatus = decodeResolution(r).status;
      }
      out({ resolution: toHex(id), decision: values.approve ? 'approve' : 'reject', ...sent, ...extra });
      return 0;
    }
    case 'resolution': {
      const id = parseId(arg, 'resolution');
      const reader = await ProvenReader.at(client);
      const r = await reader.must(GovKey.resolution(id), decodeResolution, `resolution ${toHex(id)}`);
      out({ verifiedAtHeight: reader.header.height.toString(), ...resolutionJson(id, r) });
      return 0;
    }
    default:
      if (sub) throw new DipnetError(ErrorCode.INVALID_ARGUMENT, `unknown gov command "${sub}" (see dipnet gov --help)`);
      process.stderr.write(GOV_HELP + '\n');
      return 1;
  }
}
