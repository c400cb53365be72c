/**
 * `dipnet template|product|order`: production contracts from the command line.
 *
 * Reads that matter (the nonce, a product's price, an order's template) are verified like
 * `dipnet query`: a Merkle proof against a header whose commit is signed by > 2/3 of the
 * validators. Templates are fetched from the relay and checked against their id (the hash of
 * their bytes). Lists (`template list`) come from the node's contract index and are hints.
 *
 * Fees: a contract tx pays base + gas used × gas price, and only gets the gas its declared fee
 * covers (the chain refunds what is unused). Unless --tx-fee is given, the tx is first signed
 * with a generous probe fee and dry-run with POST /v1/txs/simulate; the declared fee is then
 * base + gas used × 1.2 × gas price, so a tx whose gas grows a little by the time it runs still
 * fits. A tx the dry run says would fail is not sent.
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  ContractKey, DipnetError, ErrorCode, StateKey, EMPTY_ACCOUNT, addressOf, decodeAccount, decodeOrderRecord, decodeProductParams, decodeProductRecord,
  decodeTemplateRecord, decodeTxReceipt, encodeArgs, encodeProductParams, encodeSignedTx, equalBytes, fail, formatAddress, formatDpn, fromHex,
  orderAddress, paramsFromJson, parseDpn, parseTemplate, productId, rootOrderId, scalarFromJson, signTx, taggedHash, templateId, toHex,
  valueToJson, TokenKey, decodeTokenRecord, formatTokenAmount, parseTokenAmount, isDpnCurrency, DPN_CURRENCY,
  type KeyPair, type OrderRecord, type Template, type TxBody, type Value,
} from '@dipnet/protocol';
import { resolveToken } from './tokens.ts';
import { RelayClient } from './relay-client.ts';
import { ProvenReader } from './proven-reader.ts';
import { defaultKeyFile, loadKey } from './wallet.ts';
import { BASE_TEMPLATE_NAMES, loadBaseTemplate, type BaseTemplateName } from '../contracts/base-templates.ts';

const DEFAULT_RELAY = process.env.DIPNET_RELAY ?? 'http://127.0.0.1:8545';
/** Margin on the simulated gas when sizing the declared fee. */
export const GAS_MARGIN_PERCENT = 120n;
/** Fee the dry run is signed with: enough for the most gas a tx may use at the devnet gas price. */
const PROBE_FEE = parseDpn('0.1');

const TX_OPTS_HELP = `Common options: --key <file> (default ${defaultKeyFile()}), --relay <url>, --wait (until included; prints the receipt),
  --tx-fee <DPN> (declare this fee instead of base + simulated gas × 1.2).`;

export const CONTRACT_HELPS: Record<string, string> = {
  template: `Usage: dipnet template <submit|review|list|show> …

  submit <file.json> --fee <DPN>       publish a template for committee review; --fee is the designer's
                                       fee on every order made through it. The review fee (a chain
                                       parameter) goes to the review pool.
  review <id> --approve|--reject       a committee member's vote
  list [--limit 20] [--after <id>]     templates, newest first (from the node's index)
  show <id>                            a template record (verified) and its document
${TX_OPTS_HELP}`,
  product: `Usage: dipnet product <create|show> …

  create --template <id|base-name> --name <text> --price <amount> --lead-time <ms|30s|10m|2h|7d>
         --params <json|@file> [--metadata-uri <url>] [--metadata-hash <hex>] [--currency <token>]
                                       instantiate an approved template (base names: ${BASE_TEMPLATE_NAMES.join(', ')}).
                                       --currency: price it in a token you issued (an id or SYMBOL@<your address>;
                                       --price and amount parameters are then in the token); default DPN
  show <id>                            a product record (verified) with its parameters
${TX_OPTS_HELP}`,
  order: `Usage: dipnet order <place|fire|show> …

  place <product> [--quantity 1] [--max-total <amount>] [--shipping-file <file>]
        escrow price × quantity + designer fee (default --max-total: exactly that, from verified state).
        A product priced in a token: --max-total bounds the token amount (price × quantity) and the
        designer's fee is paid in DPN on top.
        Only a salted hash of the shipping file goes on chain; send the file and the printed salt to
        the producer yourself, off chain.
  fire <order> <transition> [--arg name=value …]
        fire a signed transition (a milestone, a bid, a confirmation)
  show <id> [--tree]                   an order (verified); --tree: its whole graph from the root
${TX_OPTS_HELP}`,
};

function out(obj: unknown): void {
  process.stdout.write(JSON.stringify(obj, null, 2) + '\n');
}

const txOptions = {
  key: { type: 'string' },
  relay: { type: 'string', default: DEFAULT_RELAY },
  wait: { type: 'boolean', default: false },
  'tx-fee': { type: 'string' },
} as const;

const bad = (msg: string): never => fail(ErrorCode.INVALID_ARGUMENT, msg);
const parseId = (s: string | undefined, what: string): Uint8Array => {
  if (!s || !/^[0-9a-fA-F]{64}$/.test(s)) bad(`${what}: expected a 64-hex-digit id`);
  return fromHex(s!.toLowerCase(), 32);
};

/** Milliseconds from "90000", "30s", "10m", "2h" or "7d". */
export function parseDuration(s: string): bigint {
  const m = /^(\d{1,15})(ms|s|m|h|d)?$/.exec(s.trim());
  if (!m) bad(`not a duration (ms, or a number with s/m/h/d): ${s}`);
  const mult = { ms: 1n, s: 1000n, m: 60_000n, h: 3_600_000n, d: 86_400_000n }[(m![2] ?? 'ms') as 'ms'];
  return BigInt(m![1]!) * mult;
}

/** Commitment placed in an order for off-chain shipping details: H(salt ‖ the file's bytes). */
export const shippingCommitment = (salt: Uint8Array, details: Uint8Array): Uint8Array => taggedHash('dipnet/shipping/v1', salt, details);

/** How amounts of a currency read and print: DPN, or a token with its decimals (read from verified state). */
interface CurrencyFormat {
  readonly json: string | { id: string; symbol: string };
  format(units: bigint): string;
  parse(text: string): bigint;
}
const DPN_FORMAT: CurrencyFormat = { json: 'DPN', format: formatDpn, parse: parseDpn };

async function currencyFormat(reader: ProvenReader, currency: Uint8Array): Promise<CurrencyFormat> {
  if (isDpnCurrency(currency)) return DPN_FORMAT;
  const raw = await reader.get(TokenKey.token(currency));
  if (!raw) throw new DipnetError(ErrorCode.TOKEN_UNKNOWN, `no token ${toHex(currency)}`);
  const t = decodeTokenRecord(raw);
  return { json: { id: toHex(currency), symbol: t.symbol }, format: (u) => formatTokenAmount(u, t.decimals), parse: (x) => parseTokenAmount(x, t.decimals) };
}

/** A template's document, fetched from the relay and accepted only if it hashes to `id`. */
async function fetchTemplate(client: RelayClient, id: Uint8Array): Promise<Template> {
  const r = await client.get<{ template: { code: string } }>(`/v1/templates/${toHex(id)}`);
  const code = new TextEncoder().encode(r.template.code);
  if (!equalBytes(templateId(code), id)) fail(ErrorCode.PROOF_INVALID, 'the relay returned a template that does not hash to its id');
  return parseTemplate(code);
}

interface Sent {
  hash: string;
  fee: { declared: string; simulatedGas?: string; rule: string };
  status: string;
  height?: string;
  receipt?: unknown;
}

/** Signs `body` with the key's verified next nonce, sizes the fee by a dry run, submits, and optionally waits. */
async function sendContractTx(client: RelayClient, key: KeyPair, body: TxBody, opts: { txFee?: string | undefined; wait: boolean }): Promise<Sent & { nonce: bigint }> {
  const status = await client.status();
  const { value } = await client.provenValue(StateKey.account(addressOf(key.publicKey)));
  const nonce = (value ? decodeAccount(value) : EMPTY_ACCOUNT).nonce;
  const signed = (fee: bigint) => encodeSignedTx(signTx({ chainId: status.chainId, signer: key.publicKey, nonce, fee, body }, key.secretKey));
  let fee: bigint;
  let feeInfo: Sent['fee'];
  if (opts.txFee !== undefined) {
    fee = parseDpn(opts.txFee);
    feeInfo = { declared: formatDpn(fee), rule: '--tx-fee' };
  } else {
    const sim = await client.post<{ ok: boolean; gasUsed?: string; baseFee: string; gasPrice: string; error?: { code: string; message: string } }>('/v1/txs/simulate', { tx: toHex(signed(PROBE_FEE)) });
    if (!sim.ok) throw new DipnetError(sim.error!.code as ErrorCode, `the dry run says this tx would fail: ${sim.error!.message}`);
    const gas = BigInt(sim.gasUsed!);
    const margin = (gas * GAS_MARGIN_PERCENT + 99n) / 100n;
    fee = BigInt(sim.baseFee) + margin * BigInt(sim.gasPrice);
    feeInfo = { declared: formatDpn(fee), simulatedGas: gas.toString(), rule: 'base fee + simulated gas × 1.2 × gas price (POST /v1/txs/simulate); unused gas is refunded' };
  }
  const hash = await client.submitTx(signed(fee));
  if (opts.wait) {
    for (let i = 0; i < 300; i++) {
      const s = await client.txStatus(hash);
      if (s.status === 'committed') {
        const { value: raw } = await client.provenValue(ContractKey.txReceipt(fromHex(hash)));
        const receipt = raw ? decodeTxReceipt(raw) : undefined;
        return {
          hash, nonce, fee: feeInfo, status: 'committed', ...(s.height ? { height: s.height } : {}),
          ...(receipt ? { receipt: { ok: receipt.code === '', gasUsed: receipt.gasUsed.toString(), fee: formatDpn(receipt.fee), code: receipt.code, message: receipt.message } } : {}),
        };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { hash, nonce, fee: feeInfo, status: 'submitted' };
}

const keyOf = (file: string | undefined): KeyPair => loadKey(file ?? defaultKeyFile());
/** Prints the outcome; exits 3 if the tx was included but failed (its fee was still charged). */
function report(sent: Sent, extra: Record<string, unknown>): number {
  const { hash, fee, status, height, receipt } = sent;
  out({ ...extra, hash, status, ...(height ? { height } : {}), fee, ...(receipt ? { receipt } : {}) });
  return (receipt as { ok?: boolean } | undefined)?.ok === false ? 3 : 0;
}

// ------------------------------------------------------------------------------ template

export async function templateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: {
    ...txOptions, fee: { type: 'string' }, approve: { type: 'boolean', default: false }, reject: { type: 'boolean', default: false },
    limit: { type: 'string', default: '20' }, after: { type: 'string' },
  } });
  const client = new RelayClient(values.relay);
  const [sub, arg] = positionals;
  switch (sub) {
    case 'submit': {
      if (!arg || values.fee === undefined) bad('usage: dipnet template submit <file.json> --fee <DPN>');
      const code = new Uint8Array(readFileSync(arg!));
      const t = parseTemplate(code); // refuse a document the chain would refuse, before paying for it
      const sent = await sendContractTx(client, keyOf(values.key), { type: 'submitTemplate', code, designerFee: parseDpn(values.fee!) }, { txFee: values['tx-fee'], wait: values.wait });
      return report(sent, { template: toHex(templateId(code)), name: t.name, designerFee: values.fee, review: 'pending until the committee approves it: dipnet template review <id> --approve' });
    }
    case 'review': {
      if (values.approve === values.reject) bad('give exactly one of --approve or --reject');
      const id = parseId(arg, 'template');
      const sent = await sendContractTx(client, keyOf(values.key), { type: 'reviewTemplate', template: id, approve: values.approve }, { txFee: values['tx-fee'], wait: values.wait });
      const extra: Record<string, unknown> = { template: toHex(id), vote: values.approve ? 'approve' : 'reject' };
      if (values.wait) {
        const raw = await (await ProvenReader.at(client)).get(ContractKey.template(id));
        if (raw) extra.templateStatus = decodeTemplateRecord(raw).status;
      }
      return report(sent, extra);
    }
    case 'list': {
      const q = new URLSearchParams({ limit: values.limit, ...(values.after ? { after: values.after } : {}) });
      const r = await client.get<{ height: string; templates: { designerFee: string }[]; next: string | null }>(`/v1/templates?${q}`);
      out({ ...r, templates: r.templates.map((t) => ({ ...t, designerFee: formatDpn(BigInt(t.designerFee)) })), note: 'list from the node\'s index; verify one with "dipnet template show <id>"' });
      return 0;
    }
    case 'show': {
      const id = parseId(arg, 'template');
      const reader = await ProvenReader.at(client);
      const raw = await reader.get(ContractKey.template(id));
      if (!raw) throw new DipnetError(ErrorCode.TEMPLATE_UNKNOWN, `no template ${toHex(id)}`);
      const r = decodeTemplateRecord(raw);
      out({
        id: toHex(id), status: r.status, designer: formatAddress(r.designer), designerFee: formatDpn(r.designerFee), approvals: r.approvals.map(formatAddress),
        rejections: r.rejections.map(formatAddress), document: parseTemplate(r.code), verifiedAtHeight: reader.header.height.toString(),
      });
      return 0;
    }
    default:
      process.stderr.write(CONTRACT_HELPS.template + '\n');
      return 1;
  }
}

// ------------------------------------------------------------------------------ product

function productJson(id: Uint8Array, p: ReturnType<typeof decodeProductRecord>, t: Template, cur: CurrencyFormat) {
  const params = decodeProductParams(t, p.params);
  return {
    id: toHex(id), template: toHex(p.template), templateName: t.name, producer: formatAddress(p.producer), name: p.name, currency: cur.json, price: cur.format(p.price),
    leadTimeMs: p.leadTimeMs.toString(), metadataUri: p.metadataUri, metadataHash: toHex(p.metadataHash),
    params: Object.fromEntries(t.params.map((s) => [s.name, valueToJson(s.type, params.get(s.name)!)])), orders: p.orders.toString(),
  };
}

export async function productCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: {
    ...txOptions, template: { type: 'string' }, name: { type: 'string' }, price: { type: 'string' }, 'lead-time': { type: 'string' },
    params: { type: 'string' }, 'metadata-uri': { type: 'string', default: '' }, 'metadata-hash': { type: 'string' }, currency: { type: 'string' },
  } });
  const client = new RelayClient(values.relay);
  const [sub, arg] = positionals;
  switch (sub) {
    case 'create': {
      const v = values;
      if (!v.template || !v.name || !v.price || !v['lead-time'] || !v.params) bad('--template, --name, --price, --lead-time and --params are required');
      const base = (BASE_TEMPLATE_NAMES as readonly string[]).includes(v.template!) ? loadBaseTemplate(v.template as BaseTemplateName) : null;
      const tid = base ? base.id : parseId(v.template, '--template');
      const t = await fetchTemplate(client, tid);
      const text = v.params!.startsWith('@') ? readFileSync(v.params!.slice(1), 'utf8') : v.params!;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        bad(`--params is not JSON: ${(e as Error).message}`);
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) bad('--params must be a JSON object');
      const params = encodeProductParams(t, paramsFromJson(t, json as Record<string, unknown>));
      const key = keyOf(v.key);
      const token = v.currency ? await resolveToken(client, v.currency) : null;
      const price = token ? parseTokenAmount(v.price!, token.record.decimals) : parseDpn(v.price!);
      const sent = await sendContractTx(client, key, {
        type: 'createProduct', template: tid, name: v.name!, metadataUri: v['metadata-uri'], metadataHash: v['metadata-hash'] ? parseId(v['metadata-hash'], '--metadata-hash') : new Uint8Array(32),
        price, leadTimeMs: parseDuration(v['lead-time']!), params, currency: token ? token.id : DPN_CURRENCY,
      }, { txFee: v['tx-fee'], wait: v.wait });
      return report(sent, {
        product: toHex(productId(addressOf(key.publicKey), sent.nonce)), template: toHex(tid), templateName: t.name,
        currency: token ? { id: toHex(token.id), symbol: token.record.symbol } : 'DPN',
      });
    }
    case 'show': {
      const id = parseId(arg, 'product');
      const reader = await ProvenReader.at(client);
      const raw = await reader.get(ContractKey.product(id));
      if (!raw) throw new DipnetError(ErrorCode.PRODUCT_UNKNOWN, `no product ${toHex(id)}`);
      const p = decodeProductRecord(raw);
      const traw = await reader.get(ContractKey.template(p.template));
      if (!traw) fail(ErrorCode.TEMPLATE_UNKNOWN, 'the product names a template that state does not hold');
      out({ ...productJson(id, p, parseTemplate(decodeTemplateRecord(traw!).code), await currencyFormat(reader, p.currency)), verifiedAtHeight: reader.header.height.toString() });
      return 0;
    }
    default:
      process.stderr.write(CONTRACT_HELPS.product + '\n');
      return 1;
  }
}

// ------------------------------------------------------------------------------ order

function orderJson(id: Uint8Array, o: OrderRecord, t: Template | null, cur: CurrencyFormat) {
  return {
    id: toHex(id), address: formatAddress(orderAddress(id)), product: toHex(o.product), parent: o.parent ? toHex(o.parent) : null, root: toHex(o.root), tag: o.tag,
    consumer: formatAddress(o.consumer), buyer: formatAddress(o.buyer), quantity: o.quantity, currency: cur.json, price: cur.format(o.price), designerFee: formatDpn(o.designerFee),
    status: o.status, state: o.state, escrow: cur.format(o.escrowIn - o.escrowOut),
    vars: Object.fromEntries(o.vars.map((v) => [t?.vars[v.index]?.name ?? `#${v.index}`, valueToJson(v.type, v.value)])),
    children: o.children.map(toHex), history: o.history.map((h) => ({ time: h.time.toString(), height: h.height.toString(), event: h.event })),
  };
}

export async function orderCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: {
    ...txOptions, quantity: { type: 'string', default: '1' }, 'max-total': { type: 'string' }, 'shipping-file': { type: 'string' },
    arg: { type: 'string', multiple: true, default: [] }, tree: { type: 'boolean', default: false },
  } });
  const client = new RelayClient(values.relay);
  const [sub, arg, arg2] = positionals;
  switch (sub) {
    case 'place': {
      const product = parseId(arg, 'product');
      const quantity = Number(values.quantity);
      if (!Number.isInteger(quantity) || quantity < 1) bad('--quantity must be a positive integer');
      const reader = await ProvenReader.at(client);
      const praw = await reader.get(ContractKey.product(product));
      if (!praw) throw new DipnetError(ErrorCode.PRODUCT_UNKNOWN, `no product ${toHex(product)}`);
      const p = decodeProductRecord(praw);
      const cur = await currencyFormat(reader, p.currency);
      const traw = await reader.get(ContractKey.template(p.template));
      const designerFee = traw ? decodeTemplateRecord(traw).designerFee : 0n;
      // The chain's bound: unit price × quantity, plus the designer's fee once when that is paid in the same currency (DPN).
      const maxTotal = values['max-total'] ? cur.parse(values['max-total']) : p.price * BigInt(quantity) + (isDpnCurrency(p.currency) ? designerFee : 0n);
      let shipping = new Uint8Array(32);
      let shippingInfo: Record<string, string> | undefined;
      if (values['shipping-file']) {
        const salt = new Uint8Array(randomBytes(32));
        shipping = new Uint8Array(shippingCommitment(salt, new Uint8Array(readFileSync(values['shipping-file']))));
        shippingInfo = {
          commitment: toHex(shipping), salt: toHex(salt), file: values['shipping-file'],
          note: 'only the commitment is on chain; send the file and this salt to the producer off chain (they check H(salt ‖ file) against the order)',
        };
      }
      const key = keyOf(values.key);
      const sent = await sendContractTx(client, key, { type: 'placeOrder', product, quantity, maxTotal, shipping }, { txFee: values['tx-fee'], wait: values.wait });
      return report(sent, {
        order: toHex(rootOrderId(addressOf(key.publicKey), sent.nonce)), product: toHex(product), quantity, currency: cur.json, maxTotal: cur.format(maxTotal),
        ...(isDpnCurrency(p.currency) ? {} : { designerFeeDpn: formatDpn(designerFee) }), ...(shippingInfo ? { shipping: shippingInfo } : {}),
      });
    }
    case 'fire': {
      const order = parseId(arg, 'order');
      if (!arg2) bad('usage: dipnet order fire <order> <transition> [--arg name=value …]');
      const reader = await ProvenReader.at(client);
      const oraw = await reader.get(ContractKey.order(order));
      if (!oraw) throw new DipnetError(ErrorCode.ORDER_UNKNOWN, `no order ${toHex(order)}`);
      const t = await fetchTemplate(client, decodeOrderRecord(oraw).template);
      const given = new Map(values.arg.map((a) => {
        const i = a.indexOf('=');
        if (i <= 0) bad(`--arg ${a}: expected name=value`);
        return [a.slice(0, i), a.slice(i + 1)] as const;
      }));
      const tr = t.transitions.find((x) => x.name === arg2);
      // An unknown transition is sent as is: the dry run reports the chain's ORDER_TRANSITION_UNKNOWN.
      const decls = tr?.args ?? [];
      for (const name of given.keys()) if (!decls.some((d) => d.name === name)) bad(`transition "${arg2}" of template "${t.name}" has no argument "${name}" (it takes: ${decls.map((d) => `${d.name}:${d.type}`).join(', ') || 'none'})`);
      const vals = new Map<string, Value>(decls.map((d) => {
        const raw = given.get(d.name);
        if (raw === undefined) bad(`missing --arg ${d.name}=<${d.type}>`);
        return [d.name, scalarFromJson(d.type, d.type === 'bool' ? raw === 'true' ? true : raw === 'false' ? false : raw : raw, d.name)];
      }));
      const sent = await sendContractTx(client, keyOf(values.key), { type: 'fireTransition', order, transition: arg2!, args: encodeArgs(decls, vals) }, { txFee: values['tx-fee'], wait: values.wait });
      const extra: Record<string, unknown> = { order: toHex(order), transition: arg2 };
      if (values.wait) {
        const now = await (await ProvenReader.at(client)).get(ContractKey.order(order));
        if (now) extra.state = decodeOrderRecord(now).state;
      }
      return report(sent, extra);
    }
    case 'show': {
      const id = parseId(arg, 'order');
      const reader = await ProvenReader.at(client);
      const templates = new Map<string, Template | null>();
      const templateOf = async (tid: Uint8Array) => {
        if (!templates.has(toHex(tid))) {
          const raw = await reader.get(ContractKey.template(tid));
          templates.set(toHex(tid), raw ? parseTemplate(decodeTemplateRecord(raw).code) : null);
        }
        return templates.get(toHex(tid))!;
      };
      const read = async (oid: Uint8Array) => {
        const raw = await reader.get(ContractKey.order(oid));
        return raw ? decodeOrderRecord(raw) : undefined;
      };
      const o = await read(id);
      if (!o) throw new DipnetError(ErrorCode.ORDER_UNKNOWN, `no order ${toHex(id)}`);
      if (!values.tree) {
        out({ ...orderJson(id, o, await templateOf(o.template), await currencyFormat(reader, o.currency)), verifiedAtHeight: reader.header.height.toString() });
        return 0;
      }
      // Every node is read with its own proof against the same header.
      const nodes = [];
      const queue: Uint8Array[] = [o.root];
      while (queue.length > 0) {
        const nid = queue.shift()!;
        const n = await read(nid);
        if (!n) continue;
        const praw = await reader.get(ContractKey.product(n.product));
        const p = praw ? decodeProductRecord(praw) : undefined;
        nodes.push({
          id: toHex(nid), parent: n.parent ? toHex(n.parent) : null, depth: n.depth, tag: n.tag, product: p?.name ?? toHex(n.product),
          producer: p ? formatAddress(p.producer) : null, state: n.state, status: n.status, escrow: (await currencyFormat(reader, n.currency)).format(n.escrowIn - n.escrowOut),
        });
        queue.push(...n.children);
      }
      out({ root: toHex(o.root), nodes, verifiedAtHeight: reader.header.height.toString() });
      return 0;
    }
    default:
      process.stderr.write(CONTRACT_HELPS.order + '\n');
      return 1;
  }
}
