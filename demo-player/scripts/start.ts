/**
 * `npm start`: the whole demo on one machine, offline.
 *
 *   1. a local devnet of validator OS processes with their HTTP relays (data under `<dir>/devnet`,
 *      default `.dipnet/devnet`; the first run writes genesis, keys and configs, later runs resume);
 *   2. seeds the demo through real transactions via a relay: the jacket's production graph
 *      (`seedContracts`) and one simple product per other scene prop (`seedSimpleProducts`) —
 *      both idempotent: a second run sends 0 txs;
 *   3. builds the demo pages with Vite into `<dir>/site` (the sample scene ships in `public/`: no
 *      browser runs here);
 *   4. serves them on one HTTP port with `/demo-config.json` (chain id, genesis hash, relays,
 *      multiaddrs, product per prop), the scene annotations with the real product ids, the
 *      products' metadata and pictures, a devnet-only faucet (`POST /faucet {address}`), and for
 *      the studio a devnet-only content-addressed pin (`POST /pin` bytes → `/pinned/<sha256>`, kept
 *      under `<dir>/pinned`) plus the name of its well-known devnet key (`studio.devKey` in the config).
 *
 * Ctrl-C (SIGINT) or SIGTERM stops the server and every validator.
 *
 *   node --import tsx demo-player/scripts/start.ts [--dir .dipnet] [--port 5173] [--host 127.0.0.1]
 *        [--validators 4] [--faucet-dpn 1000] [--faucet-cooldown-ms 60000]
 *   (env: DIPNET_DIR, DIPNET_PORT; --port 0 picks a free port)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import {
  addressOf, decodeAccount, decodeParams, dpn, encodeSignedTx, formatAddress, formatDpn, parseAddress, requiredFee, signTx, StateKey, toHex,
  EMPTY_ACCOUNT, DipnetError, ErrorCode, txHash,
} from '@dipnet/protocol';
import {
  prepareDevnet, startDevnetProcesses, RelayClient, devKey, relaySeedChain, seedContracts, seedSimpleProducts, demoKey, type RunningDevnet,
} from '@dipnet/bootstrap-node';
import { waitFor } from '@dipnet/protocol/testing';
import type { ScenePropId } from '../src/scene/scene.ts';
import { SCENE_CATALOGUE, imagePath, metadataPath } from '../src/scene/products.ts';
import { sceneAnnotations } from '../src/scene/scene-annotations.ts';
import type { DemoConfig } from '../src/demo-config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEMO = fileURLToPath(new URL('../', import.meta.url));

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: process.env.DIPNET_DIR ?? '.dipnet' },
    port: { type: 'string', default: process.env.DIPNET_PORT ?? '5173' },
    host: { type: 'string', default: '127.0.0.1' },
    validators: { type: 'string', default: '4' },
    'chain-id': { type: 'string', default: 'dipnet-devnet' },
    'faucet-dpn': { type: 'string', default: '1000' },
    'faucet-cooldown-ms': { type: 'string', default: '60000' },
    verbose: { type: 'boolean', default: false },
  },
});

const DIR = resolve(ROOT, args.dir);
/** DEVNET ONLY: the well-known key the studio may sign with (a producer scripts can drive too). */
const STUDIO_DEV_KEY = 'demo/studio';
const DEVNET_DIR = join(DIR, 'devnet');
const SITE_DIR = join(DIR, 'site');
const T0 = Date.now();
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const step = (line: string): void => out(`[start +${((Date.now() - T0) / 1000).toFixed(1)}s] ${line}`);

// ---------------------------------------------------------------------------------- shutdown

let net: RunningDevnet | null = null;
let server: Server | null = null;
let stopping = false;

async function shutdown(code: number, why: string): Promise<never> {
  if (!stopping) {
    stopping = true;
    out(`\n${why}: stopping the demo server and ${net ? net.children.length : 0} validators…`);
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((r) => server!.close(() => r()));
    }
    await net?.stop();
    out('stopped.');
  }
  process.exit(code);
}

process.once('SIGINT', () => void shutdown(0, 'SIGINT'));
process.once('SIGTERM', () => void shutdown(0, 'SIGTERM'));

// ---------------------------------------------------------------------------------- devnet

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits on the devnet: a failing probe (a relay not up yet) is "not yet"; once the demo is stopping, waits forever. */
const devnetReady = (what: string, probe: () => Promise<boolean>): Promise<true> =>
  waitFor(async () => (stopping ? new Promise<never>(() => {}) : probe()), { timeoutMs: 60_000, intervalMs: 250, what, retryErrors: true });

/** Condenses the validators' JSON logs: relays up, warnings and errors, blocks that carry txs. */
function devnetLogger(): (name: string, line: string) => void {
  let quietTxs = 0;
  let lastHeight = '';
  setInterval(() => {
    if (lastHeight) out(`[devnet] height ${lastHeight}${quietTxs ? ` (${quietTxs} txs in the last minute)` : ''}`);
    quietTxs = 0;
  }, 60_000).unref();
  return (name, line) => {
    let j: { msg?: string; height?: string; txs?: number; level?: number; err?: string; relayUrl?: string };
    try {
      j = JSON.parse(line) as typeof j;
    } catch {
      out(`[${name}] ${line}`);
      return;
    }
    if (args.verbose) {
      out(`[${name}] ${line}`);
      return;
    }
    // Each block once, from whichever validator logs it first (any of them may be down).
    if (j.msg === 'finalised') {
      if (lastHeight && BigInt(String(j.height)) <= BigInt(lastHeight)) return;
      lastHeight = String(j.height);
      if ((j.txs ?? 0) > 0) {
        quietTxs += j.txs!;
        out(`[devnet] block ${j.height} finalised with ${j.txs} tx${j.txs === 1 ? '' : 's'}`);
      }
    } else if ((j.level ?? 0) >= 50) out(`[${name}] error: ${j.msg}${j.err ? `: ${j.err}` : ''}`);
    else if ((j.level ?? 0) >= 40 && !stopping) out(`[${name}] warning: ${j.msg}${j.err ? `: ${j.err}` : ''}`);
  };
}

// ---------------------------------------------------------------------------------- scene products

interface ServedFile { type: string; body: Buffer }

/** The scene products' metadata files and pictures, as the site serves them (their hashes go on chain). */
function sceneMetadata(): { files: Map<string, ServedFile>; hashes: Map<string, Uint8Array> } {
  const files = new Map<string, ServedFile>();
  const hashes = new Map<string, Uint8Array>();
  for (const p of SCENE_CATALOGUE) {
    const image = Buffer.from(p.svg, 'utf8');
    files.set(imagePath(p.prop), { type: 'image/svg+xml', body: image });
    const doc = {
      name: p.name, description: p.description, maker: p.maker,
      image: imagePath(p.prop).split('/').pop(), imageSha256: createHash('sha256').update(image).digest('hex'),
    };
    const body = Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8');
    files.set(metadataPath(p.prop), { type: 'application/json', body });
    hashes.set(p.prop, new Uint8Array(createHash('sha256').update(body).digest()));
  }
  return { files, hashes };
}

// ---------------------------------------------------------------------------------- faucet

interface Faucet {
  readonly amount: bigint;
  readonly cooldownMs: number;
  handle(address: string): Promise<{ status: number; body: unknown }>;
}

/**
 * DEVNET ONLY. Sends `amount` from the devnet's well-known sale key to an address, at most once
 * per `cooldownMs` per address, one transfer at a time (the sale key's nonces stay in order).
 */
function devnetFaucet(clients: readonly RelayClient[], chainId: string, amount: bigint, cooldownMs: number): Faucet {
  const sale = devKey('sale');
  const saleAddress = addressOf(sale.publicKey);
  const last = new Map<string, number>();
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  let current = 0;

  // The faucet works while any validator's relay answers: a relay that cannot be reached (its
  // validator stopped) passes the whole transfer to the next one. Answers, errors included, count.
  const send = async (to: Uint8Array): Promise<{ hash: string; height: string }> => {
    let lastError: unknown;
    for (let i = 0; i < clients.length; i++) {
      const at = (current + i) % clients.length;
      try {
        const r = await sendVia(clients[at]!, to);
        current = at;
        return r;
      } catch (e) {
        // fetch rejects with a TypeError when nothing answers (and a TimeoutError when it hangs).
        if (!(e instanceof TypeError) && (e as Error).name !== 'TimeoutError') throw e;
        lastError = e;
      }
    }
    throw new Error(`no relay answered: ${(lastError as Error | undefined)?.message ?? 'none configured'}`);
  };

  const sendVia = async (client: RelayClient, to: Uint8Array): Promise<{ hash: string; height: string }> => {
    const [acc, par] = await Promise.all([client.provenValue(StateKey.account(saleAddress)), client.provenValue(StateKey.params())]);
    const account = acc.value ? decodeAccount(acc.value) : EMPTY_ACCOUNT;
    const params = decodeParams(par.value!);
    const build = (fee: bigint) => encodeSignedTx(signTx({ chainId, signer: sale.publicKey, nonce: account.nonce, fee, body: { type: 'transfer', to, amount, memo: 'devnet faucet' } }, sale.secretKey));
    const bytes = build(requiredFee(params, build(0n).length));
    let hash: string;
    try {
      hash = await client.submitTx(bytes);
    } catch (e) {
      // The same transfer reached this node's pool already (sent through a relay that went away).
      if (!(e instanceof DipnetError && e.code === ErrorCode.TX_DUPLICATE)) throw e;
      hash = toHex(txHash(bytes));
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = await client.txStatus(hash);
      if (s.status === 'committed') {
        if (s.code && s.code !== 'OK') throw new Error(`the faucet transfer failed on chain: ${s.code}`);
        return { hash, height: s.height! };
      }
      if (s.status === 'unknown' || Date.now() > deadline) throw new Error(`the faucet transfer ${hash} was not committed (${s.status})`);
      await sleep(150);
    }
  };

  return {
    amount,
    cooldownMs,
    async handle(address) {
      let to: Uint8Array;
      try {
        to = parseAddress(address);
      } catch {
        return { status: 400, body: { error: { code: 'INVALID_ADDRESS', message: 'address must be a dpn… address' } } };
      }
      const key = formatAddress(to);
      const since = Date.now() - (last.get(key) ?? -Infinity);
      if (since < cooldownMs) {
        const retryAfterMs = cooldownMs - since;
        return { status: 429, body: { error: { code: 'FAUCET_COOLDOWN', message: `this address got test DPN recently; try again in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs } } };
      }
      if (waiting >= 16) return { status: 503, body: { error: { code: 'FAUCET_BUSY', message: 'the faucet is busy; try again shortly' } } };
      last.set(key, Date.now());
      waiting++;
      const run = queue.then(() => send(to));
      queue = run.catch(() => undefined);
      try {
        const r = await run;
        step(`faucet: sent ${formatDpn(amount)} DPN to ${key} (tx ${r.hash.slice(0, 12)}…, block ${r.height})`);
        return { status: 200, body: { devnetOnly: true, address: key, amount: amount.toString(), amountDpn: formatDpn(amount), txHash: r.hash, height: r.height } };
      } catch (e) {
        last.delete(key);
        return { status: 502, body: { error: { code: 'FAUCET_FAILED', message: (e as Error).message } } };
      } finally {
        waiting--;
      }
    },
  };
}

// ---------------------------------------------------------------------------------- HTTP

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json',
  '.vtt': 'text/vtt; charset=utf-8', '.webm': 'video/webm', '.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'application/json', '.wasm': 'application/wasm',
};

function sendStatic(req: IncomingMessage, res: ServerResponse, root: string, path: string): void {
  let rel = decodeURIComponent(path);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = normalize(join(root, rel));
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const size = statSync(file).size;
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  // Byte ranges, so the video is seekable.
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (m && (m[1] || m[2])) {
    const start = m[1] ? Number(m[1]) : Math.max(0, size - Number(m[2]));
    const end = m[1] && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
    if (start > end || start >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    res.writeHead(206, { 'content-type': type, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}`, 'accept-ranges': 'bytes', 'cache-control': cache });
    createReadStream(file, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { 'content-type': type, 'content-length': size, 'accept-ranges': 'bytes', 'cache-control': cache });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

async function readBody(req: IncomingMessage, max = 4096): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > max) throw new Error('body too large');
  }
  return body;
}

async function readBytes(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error(`body larger than ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const PIN_MAX_BYTES = 2 * 1024 * 1024;
const PIN_TYPES = new Set(['application/json', 'image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/svg+xml']);

/**
 * DEVNET ONLY: a content-addressed store for the studio's product metadata and pictures. POST the
 * bytes (content-type one of PIN_TYPES) → `{ sha256, url: "/pinned/<sha256>" }`; GET serves them
 * back. Files live in `<dir>/pinned/<sha256>` (+ `.type`), so they survive restarts. Nothing here is
 * trusted: the chain pins the metadata's SHA-256 and the metadata pins the picture's.
 */
function pinStore(dir: string) {
  return {
    async put(type: string, body: Buffer): Promise<{ status: number; body: unknown }> {
      if (!PIN_TYPES.has(type)) return { status: 415, body: { error: { code: 'PIN_TYPE', message: `content-type must be one of ${[...PIN_TYPES].join(', ')}` } } };
      if (body.length === 0) return { status: 400, body: { error: { code: 'PIN_EMPTY', message: 'nothing to pin' } } };
      const sha256 = createHash('sha256').update(body).digest('hex');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, sha256), body);
      await writeFile(join(dir, `${sha256}.type`), type);
      step(`pin: ${type}, ${body.length} bytes → /pinned/${sha256.slice(0, 12)}…`);
      return { status: 200, body: { devnetOnly: true, sha256, url: `/pinned/${sha256}`, bytes: body.length } };
    },
    async get(sha256: string): Promise<ServedFile | null> {
      if (!/^[0-9a-f]{64}$/.test(sha256) || !existsSync(join(dir, sha256))) return null;
      return { type: (await readFile(join(dir, `${sha256}.type`), 'utf8')).trim(), body: await readFile(join(dir, sha256)) };
    },
  };
}

async function listen(s: Server, host: string, port: number): Promise<number> {
  return new Promise((res, rej) => {
    s.once('error', rej);
    s.listen(port, host, () => {
      s.off('error', rej);
      res((s.address() as AddressInfo).port);
    });
  });
}

/**
 * A page any other site could serve: the element from this server (one module script; the wallet
 * frame and window come from beside it), the demo's scene and annotations, the chain's relays, and this server as
 * the base of the products' metadata.
 */
function embedExample(config: DemoConfig, base: string, element: string): string {
  const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Your streaming site — with DIPNET</title>
<style>body{margin:24px;font:15px system-ui,sans-serif;background:#111;color:#eee} dip-shoppable-video{max-width:960px} video{width:100%;display:block;background:#000}</style>
<h1>Your streaming site</h1>
<p>Pause on a prop and click it: the DIPNET wallet frame verifies the price with its own light client, and your wallet signs in its own window.</p>
<script type="module" src="${attr(base)}embed/${attr(element)}"></script>
<dip-shoppable-video src="${attr(base)}scene.annotations.json"
    chain-id="${attr(config.chainId)}" checkpoint="${attr(config.genesisHash)}"
    relay="${attr(config.relays.join(' '))}" metadata-base="${attr(base)}" pause-on-open>
  <video id="film" src="${attr(base)}scene.webm" controls playsinline muted></video>
</dip-shoppable-video>
</html>
`;
}

// ---------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const validators = Number(args.validators);
  if (!Number.isInteger(validators) || validators < 1 || validators > 32) throw new Error('--validators must be 1..32');
  out(`DIPNET demo — data in ${DIR}`);
  // The sample scene ships in the repository; it is regenerated only on purpose (it needs Chromium).
  const video = join(DEMO, 'public', 'scene.webm');
  if (!existsSync(video)) throw new Error(`the sample scene's video is missing (${video}): restore it with \`git checkout -- demo-player/public\`, or re-record it with \`npm run make-scene -w demo-player\` (needs Chromium)`);

  // 1. The devnet.
  const info = await prepareDevnet({ dir: DEVNET_DIR, validators, chainId: args['chain-id'], reset: false });
  const resumed = existsSync(join(DEVNET_DIR, 'validator-0', 'data'));
  net = startDevnetProcesses(info, DEVNET_DIR, devnetLogger());
  for (const c of net.children) c.once('exit', (code, sig) => {
    if (!stopping) out(`[devnet] a validator exited (${code ?? sig}); see ${DEVNET_DIR}/validator-N/node.log`);
  });
  step(`${resumed ? 'resuming' : 'starting a new'} devnet "${info.chainId}" (${validators} validators, genesis ${info.genesisHash.slice(0, 16)}…)`);
  const clients = info.validators.map((v) => new RelayClient(v.relayUrl));
  await Promise.all(clients.map((c, i) => devnetReady(`the relay of validator-${i}`, async () => !!(await c.status()))));
  const client = clients[0]!;
  await devnetReady('the first block', async () => BigInt((await client.status()).height) >= 1n);
  step(`devnet up at height ${(await client.status()).height}; relays ${info.validators.map((v) => v.relayUrl).join(' ')}`);

  // 2. Seed, idempotently, through the relay.
  const chain = relaySeedChain(client, info.chainId);
  const seedLog = (l: string) => step(`seed: ${l}`);
  const seeded = await seedContracts(chain, { log: seedLog });
  const { files: metaFiles, hashes } = sceneMetadata();
  const simple = await seedSimpleProducts(chain, SCENE_CATALOGUE.map((p) => ({
    key: p.prop, producer: p.producer, name: p.name, price: dpn(p.priceDpn), leadTimeMs: BigInt(p.leadTimeDays) * 86_400_000n,
    metadataUri: metadataPath(p.prop), metadataHash: hashes.get(p.prop)!,
  })), { log: seedLog });
  const txCount = seeded.txCount + simple.txCount;
  step(txCount === 0 ? 'seed: the chain already holds the demo: 0 txs sent' : `seed: done, ${txCount} txs sent`);
  const products = { ...Object.fromEntries(Object.entries(simple.products).map(([k, v]) => [k, toHex(v)])), jacket: toHex(seeded.products.jacket) } as Record<ScenePropId, string>;
  for (const [prop, id] of Object.entries(products)) step(`  ${prop.padEnd(7)} → product ${id}`);

  // 3. The pages.
  step('building the demo pages (Vite)…');
  const { build } = await import('vite');
  await build({ configFile: join(DEMO, 'vite.config.ts'), logLevel: 'warn', build: { outDir: SITE_DIR, emptyOutDir: true } });
  // What any other site embeds: the element and the light-client worker, served with CORS.
  const { buildEmbed, writeWalletConfig, walletHeaders, EMBED_FILES } = await import('@dipnet/widget/build-embed');
  await buildEmbed(join(SITE_DIR, 'embed'));

  const scene = sceneAnnotations(products);
  // Each node's live addresses: a WebRTC-direct one carries the node's certificate hash (/certhash/…),
  // known only once the node listens, and a browser cannot dial it without.
  const multiaddrs = (await Promise.all(clients.map(async (c) => (await c.status()).multiaddrs))).flat();
  const faucet = devnetFaucet(clients, info.chainId, dpn(Number(args['faucet-dpn'])), Number(args['faucet-cooldown-ms']));
  const config: DemoConfig = {
    version: 1, chainId: info.chainId, genesisHash: info.genesisHash,
    relays: info.validators.map((v) => v.relayUrl), multiaddrs,
    products, faucet: { url: '/faucet', amountDpn: formatDpn(faucet.amount), cooldownMs: faucet.cooldownMs },
    studio: { devKey: STUDIO_DEV_KEY, secretKey: toHex(devKey(STUDIO_DEV_KEY).secretKey), pin: '/pin' }, generatedAt: new Date().toISOString(),
  };
  // The wallet's own trust root: the wallet frame and window verify against this, never a page's pin.
  await writeWalletConfig(join(SITE_DIR, 'embed'), {
    chains: { [info.chainId]: { checkpoint: info.genesisHash, relays: config.relays, multiaddrs } },
    faucet: { url: '/faucet' }, // devnet only: the wallet window offers it to a wallet short of funds
  });
  const configBody = Buffer.from(`${JSON.stringify(config, null, 2)}\n`, 'utf8');
  await mkdir(DIR, { recursive: true });
  await writeFile(join(DIR, 'demo-config.json'), configBody);

  // The embed page names this server's URL, known once it listens (it cannot be asked for before).
  let embedPage = Buffer.alloc(0);
  const generated = new Map<string, ServedFile>([
    ['/demo-config.json', { type: 'application/json', body: configBody }],
    ['/scene.annotations.json', { type: 'application/json', body: Buffer.from(scene.json, 'utf8') }],
    ['/scene.vtt', { type: 'text/vtt; charset=utf-8', body: Buffer.from(scene.vtt, 'utf8') }],
    ...metaFiles,
  ]);

  // 4. Serve.
  const pins = pinStore(join(DIR, 'pinned'));
  const json = (res: ServerResponse, status: number, body: unknown): void =>
    void res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    // Any site may embed the widget from here: the scripts, annotations, metadata and video are
    // public (no cookies or credentials are involved), so reads are open to every origin.
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('cross-origin-resource-policy', 'cross-origin');
    }
    if (path === '/embed.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': embedPage.length, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : embedPage);
      return;
    }
    if (path === '/pin') {
      if (req.method !== 'POST') {
        json(res, 405, { error: { code: 'METHOD', message: 'POST the bytes to pin (devnet only)' } });
        return;
      }
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
      void readBytes(req, PIN_MAX_BYTES).then(async (body) => {
        const r = await pins.put(type, body);
        json(res, r.status, r.body);
      }).catch((e: unknown) => json(res, 413, { error: { code: 'PIN_TOO_LARGE', message: (e as Error).message } }));
      return;
    }
    if (path.startsWith('/pinned/') && (req.method === 'GET' || req.method === 'HEAD')) {
      void pins.get(path.slice('/pinned/'.length)).then((f) => {
        if (!f) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not pinned');
          return;
        }
        // Content-addressed: the bytes behind a name never change.
        res.writeHead(200, { 'content-type': f.type, 'content-length': f.body.length, 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' })
          .end(req.method === 'HEAD' ? undefined : f.body);
      }, () => res.writeHead(500).end());
      return;
    }
    if (path === '/faucet') {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'METHOD', message: 'POST {"address":"dpn…"} (devnet only)' } }));
        return;
      }
      void readBody(req).then(async (text) => {
        const address = (JSON.parse(text) as { address?: unknown }).address;
        const r = typeof address === 'string' ? await faucet.handle(address) : { status: 400, body: { error: { code: 'INVALID_ADDRESS', message: 'body must be {"address":"dpn…"}' } } };
        res.writeHead(r.status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(r.body));
      }).catch((e: unknown) => res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'BAD_REQUEST', message: (e as Error).message } })));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const g = generated.get(path);
    if (g) {
      res.writeHead(200, { 'content-type': g.type, 'content-length': g.body.length, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : g.body);
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    // The wallet frame may be embedded by any site, the wallet window by none.
    if (path.startsWith('/embed/')) for (const [k, v] of Object.entries(walletHeaders(path, config.relays))) res.setHeader(k, v);
    sendStatic(req, res, SITE_DIR, path);
  });
  const wanted = Number(args.port);
  let port: number;
  try {
    port = await listen(server, args.host, wanted);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || wanted === 0) throw e;
    port = await listen(server, args.host, 0);
    step(`port ${wanted} is taken; using ${port}`);
  }
  const url = `http://${args.host}:${port}/`;
  embedPage = Buffer.from(embedExample(config, url, EMBED_FILES.element), 'utf8');
  await writeFile(join(DIR, 'embed.html'), embedPage);
  const viewer = demoKey('viewer');
  out('');
  out('  ┌──────────────────────────────────────────────────────────────────────');
  out(`  │ DIPNET demo ready in ${((Date.now() - T0) / 1000).toFixed(1)} s — ${validators} validators, chain "${info.chainId}"`);
  out(`  │   Watch:     ${url}`);
  out(`  │   Studio:    ${url}studio.html`);
  out(`  │   Explorer:  ${url}explorer.html`);
  out(`  │   Embed:     <script type="module" src="${url}embed/${EMBED_FILES.element}"> — a whole page for any site: ${join(DIR, 'embed.html')} (also ${url}embed.html)`);
  out(`  │   Relays:    ${config.relays.join('  ')}   (API docs: ${config.relays[0]}/docs)`);
  out(`  │   Faucet:    POST ${url}faucet {"address":"dpn…"} → ${formatDpn(faucet.amount)} test DPN (devnet only)`);
  out(`  │   Demo viewer key: devKey("demo/viewer") ${formatAddress(addressOf(viewer.publicKey))}`);
  out(`  │   Studio devnet key: devKey("${STUDIO_DEV_KEY}") ${formatAddress(addressOf(devKey(STUDIO_DEV_KEY).publicKey))} (npx dipnet keys devnet ${STUDIO_DEV_KEY} --key studio.key)`);
  out(`  │   Data: ${DIR} (delete it for a new chain). Ctrl-C stops everything.`);
  out('  └──────────────────────────────────────────────────────────────────────');
}

main().catch((e: unknown) => {
  out(`\nnpm start failed: ${(e as Error).stack ?? String(e)}`);
  void shutdown(1, 'error');
});
