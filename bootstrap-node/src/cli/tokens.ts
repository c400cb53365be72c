/**
 * `dipnet token`: tokens issued by production units — issue, transfer, mint, and verified reads
 * of a token and of balances (a Merkle proof against a header whose commit > 2/3 of the
 * validators signed, like `dipnet query`). Amounts are in the token's own decimals, read from
 * verified state; fees are DPN (`--fee`, default 0.01).
 */
import { parseArgs } from 'node:util';
import {
  DipnetError, ErrorCode, StateKey, EMPTY_ACCOUNT, TokenKey, addressOf, decodeAccount, decodeTokenBalance, decodeTokenRecord, encodeSignedTx, fail,
  formatAddress, formatTokenAmount, fromHex, parseAddress, parseDpn, parseTokenAmount, signTx, toHex, tokenId,
  type KeyPair, type TokenRecord, type TxBody,
} from '@dipnet/protocol';
import { RelayClient } from './relay-client.ts';
import { defaultKeyFile, loadKey } from './wallet.ts';

const DEFAULT_RELAY = process.env.DIPNET_RELAY ?? 'http://127.0.0.1:8545';

const TOKEN_ARG = `<token> is a token id (64 hex digits) or SYMBOL@<issuer address>.`;
const TX_OPTS = `Common options: --key <file> (default ${defaultKeyFile()}), --relay <url>, --fee <DPN> (default 0.01), --wait (until included).`;

export const TOKEN_HELPS: Record<string, string> = {
  token: `Usage: dipnet token <issue|transfer|mint|balance|show> …

  issue --symbol <ABC> --name <text> --supply <amount> [--decimals 0..18] [--mintable]
                                       issue a token; the whole supply goes to you (amount in the
                                       token's units of --decimals, default 0). Symbols are unique per issuer.
  transfer <token> --to <address> --amount <amount>
                                       send a token (not to a product or order account)
  mint <token> --to <address> --amount <amount>
                                       the issuer of a mintable token creates more
  balance <token> [<address>]          a verified balance (default: the --key's address)
  show <token>                         a verified token record

A producer prices its own products in its token with "dipnet product create --currency <token>";
orders of them pay and settle in the token (the designer's fee stays DPN).
${TOKEN_ARG}
${TX_OPTS}`,
};

function out(obj: unknown): void {
  process.stdout.write(JSON.stringify(obj, null, 2) + '\n');
}

const bad = (msg: string): never => fail(ErrorCode.INVALID_ARGUMENT, msg);
const keyOf = (file: string | undefined): KeyPair => loadKey(file ?? defaultKeyFile());

/** Resolves a token argument to its id and verified record. */
export async function resolveToken(client: RelayClient, arg: string | undefined): Promise<{ id: Uint8Array; record: TokenRecord; height: bigint }> {
  if (!arg) return bad(`a token is required. ${TOKEN_ARG}`);
  let id: Uint8Array;
  if (/^[0-9a-fA-F]{64}$/.test(arg)) id = fromHex(arg.toLowerCase(), 32);
  else {
    const at = arg.indexOf('@');
    if (at <= 0) return bad(`not a token: ${arg.slice(0, 80)}. ${TOKEN_ARG}`);
    const { value } = await client.provenValue(TokenKey.issuerSymbol(parseAddress(arg.slice(at + 1)), arg.slice(0, at)));
    if (!value) throw new DipnetError(ErrorCode.TOKEN_UNKNOWN, `${arg.slice(at + 1)} issued no token "${arg.slice(0, at)}"`);
    id = value;
  }
  const { value, height } = await client.provenValue(TokenKey.token(id));
  if (!value) throw new DipnetError(ErrorCode.TOKEN_UNKNOWN, `no token ${toHex(id)}`);
  return { id, record: decodeTokenRecord(value), height };
}

export const tokenJson = (id: Uint8Array, t: TokenRecord) => ({
  id: toHex(id), symbol: t.symbol, name: t.name, issuer: formatAddress(t.issuer), decimals: t.decimals,
  supply: formatTokenAmount(t.supply, t.decimals), mintable: t.mintable, createdAt: t.createdAt.toString(),
});

/** Signs with the verified next nonce, submits, and optionally waits for the block. */
async function send(client: RelayClient, key: KeyPair, body: TxBody, fee: string, wait: boolean): Promise<{ hash: string; nonce: bigint; status: string; height?: string }> {
  const status = await client.status();
  const { value } = await client.provenValue(StateKey.account(addressOf(key.publicKey)));
  const nonce = (value ? decodeAccount(value) : EMPTY_ACCOUNT).nonce;
  const hash = await client.submitTx(encodeSignedTx(signTx({ chainId: status.chainId, signer: key.publicKey, nonce, fee: parseDpn(fee), body }, key.secretKey)));
  if (wait) {
    for (let i = 0; i < 300; i++) {
      const s = await client.txStatus(hash);
      if (s.status === 'committed') return { hash, nonce, status: 'committed', ...(s.height ? { height: s.height } : {}) };
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { hash, nonce, status: 'submitted' };
}

export async function tokenCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: {
    key: { type: 'string' }, relay: { type: 'string', default: DEFAULT_RELAY }, wait: { type: 'boolean', default: false }, fee: { type: 'string', default: '0.01' },
    symbol: { type: 'string' }, name: { type: 'string' }, supply: { type: 'string' }, decimals: { type: 'string', default: '0' }, mintable: { type: 'boolean', default: false },
    to: { type: 'string' }, amount: { type: 'string' },
  } });
  const client = new RelayClient(values.relay);
  const [sub, arg, arg2] = positionals;
  switch (sub) {
    case 'issue': {
      if (!values.symbol || !values.name || values.supply === undefined) bad('--symbol, --name and --supply are required');
      const decimals = Number(values.decimals);
      if (!Number.isInteger(decimals) || decimals < 0 || decimals > 18) bad('--decimals must be 0..18');
      const supply = parseTokenAmount(values.supply!, decimals);
      const key = keyOf(values.key);
      const body: TxBody = { type: 'issueToken', symbol: values.symbol!, name: values.name!, decimals, supply, mintable: values.mintable };
      const sent = await send(client, key, body, values.fee, values.wait);
      const id = tokenId(addressOf(key.publicKey), sent.nonce);
      out({ token: toHex(id), symbol: values.symbol, ref: `${values.symbol}@${formatAddress(addressOf(key.publicKey))}`, supply: formatTokenAmount(supply, decimals), hash: sent.hash, status: sent.status, ...(sent.height ? { height: sent.height } : {}) });
      return 0;
    }
    case 'transfer':
    case 'mint': {
      if (!values.to || !values.amount) bad(`usage: dipnet token ${sub} <token> --to <address> --amount <amount>`);
      const { id, record } = await resolveToken(client, arg);
      const amount = parseTokenAmount(values.amount!, record.decimals);
      const body: TxBody = sub === 'mint'
        ? { type: 'tokenMint', token: id, to: parseAddress(values.to!), amount }
        : { type: 'tokenTransfer', token: id, to: parseAddress(values.to!), amount };
      const sent = await send(client, keyOf(values.key), body, values.fee, values.wait);
      out({ token: toHex(id), symbol: record.symbol, to: values.to, amount: formatTokenAmount(amount, record.decimals), hash: sent.hash, status: sent.status, ...(sent.height ? { height: sent.height } : {}) });
      return 0;
    }
    case 'balance': {
      const { id, record } = await resolveToken(client, arg);
      const holder = arg2 ? parseAddress(arg2) : addressOf(keyOf(values.key).publicKey);
      const { value, height } = await client.provenValue(TokenKey.balance(id, holder));
      const units = value ? decodeTokenBalance(value) : 0n;
      out({ token: toHex(id), symbol: record.symbol, holder: formatAddress(holder), balance: formatTokenAmount(units, record.decimals), units: units.toString(), verifiedAtHeight: height.toString() });
      return 0;
    }
    case 'show': {
      const { id, record, height } = await resolveToken(client, arg);
      out({ ...tokenJson(id, record), verifiedAtHeight: height.toString() });
      return 0;
    }
    default:
      process.stderr.write(TOKEN_HELPS.token + '\n');
      return 1;
  }
}
