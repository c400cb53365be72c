/**
 * A third-party "streaming site" selling a jacket through `<dip-shoppable-video>`, for the
 * purchase test and the widget bench: a real in-process validator and relay (and a lying proxy in
 * front of it), the chain seeded with real txs (the bill-of-materials template approved by two
 * committee members, a lining and a jacket whose metadata and image are pinned by hash), and a
 * static site serving the page, the element, the light-client worker and the metadata.
 * `/broken-worker` names a worker script the site does not serve.
 * `/mc` is the same page with the site's player built on Mux's media-chrome: the element sits
 * inside `<media-controller>` (with `for="film"`) beside the control bar.
 * Those pages opt into the same-origin wallet (`same-origin-wallet`). `/wallet` is the default
 * embedding: the element from the embed bundle on a third site (`embed`, on 127.0.0.2), products
 * opening in its wallet frame and payments signed in its wallet window; open it at `siteA` and
 * `siteB` (localhost and 127.0.0.1: two sites). `/hostile` is that page plus a script that
 * attacks the wallet (`hostile.js`, given by the test); `/wallet-confirm-wait` that page with `confirm-wait="6"`.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import axe from 'axe-core';
import {
  addressOf, dpn, genesisHash, toHex, fromHex, templateId, parseTemplate, encodeProductParams, paramsFromJson, productId,
  ContractKey, type KeyPair, type TxBody,
} from '@dipnet/protocol';
import { startNet, startProxy, type Proxy, type TestNet } from '@dipnet/light-client/testing/devnet';
import { devKey, devCommitteeKey } from '@dipnet/bootstrap-node';
import { serveStatic, staticFilesIn, type StaticFiles } from './harness.ts';
import { buildEmbed, writeWalletConfig, walletHeaders, EMBED_FILES } from '@dipnet/widget/build-embed';

const sha256 = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');
const IMAGE = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 80"><rect width="120" height="80" fill="#135"/><path d="M40 10h40l15 20-10 5v35H35V35l-10-5z" fill="#2a9"/></svg>`;
const META = JSON.stringify({ description: 'Waxed cotton field jacket, as worn in episode 3.', image: 'jacket.svg', imageSha256: sha256(IMAGE) });
/** The longest product name the chain takes (64 bytes), unbroken, with a right-to-left override in it. */
export const LONG_NAME = `W${'\u202E'}${'W'.repeat(60)}`;
const LONG_META = JSON.stringify({ description: `${'Unbroken'.repeat(375)}` });
export const SHIPPING = { name: 'Ada Viewer', address: '1 Screen Street', postcode: '10001', country: 'Korea', email: 'ada@example.test' };

export interface ShopSite {
  readonly net: TestNet;
  /** The site: `/` trusts the honest relay, `/liar` a relay that alters every product record. */
  readonly base: string;
  readonly jacket: string;
  /** A product at the limits: a 64-character unbroken name with a bidi override, an unbroken 3,000-character description. */
  readonly longProduct: string;
  readonly lining: string;
  readonly liningMaker: KeyPair;
  /** A viewer's key funded at seeding (500 DPN), for importing an existing wallet into the panel. */
  readonly viewer: KeyPair;
  /** `/flaky` trusts a relay that answers product reads with undecodable proofs while `flaky.lying` is set. */
  readonly flaky: { lying: boolean };
  /** `/frozen` (with `stale-after="2"`) and `/frozen-buy` (with `confirm-wait="6"`) trust a relay behind this proxy (set `freezeAt` to freeze its head). */
  readonly frozen: Proxy;
  /** The relay the wallet trusts to reach the chain (its `dipnet-wallet.json`), a proxy a test can freeze. */
  readonly walletRelay: Proxy;
  /** The wallet's origin (embed bundle, wallet frame and window): a site of its own. */
  readonly embed: string;
  /** The same site server under two names that are two sites: `localhost` and `127.0.0.1`. */
  readonly siteA: string;
  readonly siteB: string;
  /** Submits txs to node 0 (consecutive nonces per signer) and waits until all are committed (TestNet.commitAll). */
  commitAll(txs: [KeyPair, TxBody][]): Promise<void>;
  close(): Promise<void>;
}

const page = (chainId: string, relay: string, genesis: string, mediaChrome = false, worker = '/lc-worker.js', extra = '') => {
  const attrs = `src="/props.json" chain-id="${chainId}" checkpoint="${genesis}" relay="${relay}" worker="${worker}" same-origin-wallet pause-on-open locale="en"${extra}`;
  const player = mediaChrome
    ? `<media-controller id="mc">
  <video id="film" slot="media" muted playsinline></video>
  <dip-shoppable-video id="player" for="film" ${attrs}></dip-shoppable-video>
  <media-control-bar><media-play-button></media-play-button><media-time-range></media-time-range><media-mute-button></media-mute-button></media-control-bar>
</media-controller>
<script type="module" src="/media-chrome.js"></script>`
    : `<dip-shoppable-video id="player" ${attrs}>
  <video id="film" muted playsinline></video>
</dip-shoppable-video>`;
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>StreamCo — Episode 3</title>
<link rel="stylesheet" href="/site.css">
<h1>StreamCo · The Atelier, episode 3</h1>
${player}
<script type="module" src="/widget.js"></script>
<script type="module" src="/host.js"></script></html>`;
};

/** The default embedding: one script from the embed origin; the wallet frame comes with it. */
const walletPage = (chainId: string, relay: string, genesis: string, embed: string, extraScript = '', extra = '') => `<!doctype html><html lang="en"><meta charset="utf-8"><title>StreamCo — Episode 3</title>
<link rel="stylesheet" href="/site.css">
<h1>StreamCo · The Atelier, episode 3</h1>
<dip-shoppable-video id="player" src="/props.json" chain-id="${chainId}" checkpoint="${genesis}" relay="${relay}" pause-on-open locale="en"${extra}>
  <video id="film" muted playsinline></video>
</dip-shoppable-video>
<script type="module" src="${embed}/${EMBED_FILES.element}"></script>
<script type="module" src="/host.js"></script>${extraScript ? `
<script type="module" src="${extraScript}"></script>` : ''}</html>`;

/**
 * A strict CSP for the default embedding: scripts from the site and the embed origin, the wallet
 * frame from the embed origin, and no chain access or workers for the page itself.
 */
const walletCsp = (embed: string) => ({
  'content-security-policy': `default-src 'self'; script-src 'self' ${embed}; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; frame-src ${embed}; worker-src 'none'; object-src 'none'; base-uri 'none'`,
});

// The host's analytics: every widget event, in order (a module file: the page could run under a strict CSP).
const HOST_JS = `window.placed = []; window.events = []; window.hints = [];
for (const t of ['dip-hotspot-click', 'dip-card-open', 'dip-purchase-request', 'dip-purchase-start', 'dip-purchase-hint', 'dip-purchase-finalised', 'dip-purchase-pending', 'dip-purchase-failed', 'dip-order-placed', 'dip-panel-close', 'dip-wallet-refused']) {
  document.addEventListener(t, (e) => {
    window.events.push(t);
    if (t === 'dip-purchase-hint') window.hints.push(e.detail.hint);
    if (t === 'dip-order-placed') window.placed.push(JSON.parse(JSON.stringify(e.detail, (k, v) => typeof v === 'bigint' ? v.toString() : v)));
  });
}`;

const props = (id: string) => JSON.stringify({ version: 1, props: [{ id: 'jacket', label: 'Field jacket', product: { contract: id }, track: [{ t: 0, box: { x: 0.3, y: 0.2, w: 0.4, h: 0.6 } }] }] });

/** The embed bundle as an embed origin serves it: CORS for the element's script, the wallet's headers. */
async function embedFiles(dir: string, relay: string): Promise<StaticFiles> {
  const out: Record<string, readonly [string, string | Buffer, Record<string, string>]> = {};
  for (const [path, [type, body]] of Object.entries(await staticFilesIn(dir))) {
    out[path] = [type, body, { 'access-control-allow-origin': '*', ...walletHeaders(path, [relay]) }];
  }
  return out;
}

export async function startShopSite(chainId: string, hostileScript = ''): Promise<ShopSite> {
  const net = await startNet({ chainId, validators: 1, relays: 1 });
  const cleanups: (() => Promise<unknown>)[] = [() => net.stop()];
  const close = async () => { for (const c of cleanups.reverse()) await c().catch(() => undefined); };
  try {
    const proxy = await startProxy(net.relayUrls[0]!);
    cleanups.push(() => proxy.close());
    // The lying relay changes every product record it serves (the proof then cannot match).
    const productNs = toHex(ContractKey.product(new Uint8Array(32))).slice(0, 2);
    proxy.tamper = (path, body) => {
      const b = body as { value?: string };
      if (path.startsWith(`/v1/state/${productNs}`) && typeof b.value === 'string') b.value = b.value.slice(0, -2) + (b.value.endsWith('00') ? '01' : '00');
      return body;
    };
    // The flaky relay answers product reads with a proof that does not decode while it lies, then recovers.
    const flakyProxy = await startProxy(net.relayUrls[0]!);
    cleanups.push(() => flakyProxy.close());
    const flaky = { lying: false };
    flakyProxy.tamper = (path, body) => (flaky.lying && path.startsWith(`/v1/state/${productNs}`) ? { ...(body as object), proof: 'zz' } : body);
    const frozen = await startProxy(net.relayUrls[0]!);
    cleanups.push(() => frozen.close());
    const commitAll = (txs: [KeyPair, TxBody][]) => net.commitAll(txs);

    const code = new Uint8Array(await readFile(new URL(import.meta.resolve('@dipnet/protocol/templates/bill-of-materials.json'))));
    const bom = { code, id: templateId(code), template: parseTemplate(code) };
    const sale = devKey('sale');
    const designer = devKey('widget-buy/designer'), maker = devKey('widget-buy/maker'), liningMaker = devKey('widget-buy/lining');
    const viewer = devKey('widget-buy/viewer');
    const committee = [0, 1].map(devCommitteeKey);
    await commitAll([designer, maker, liningMaker, viewer, ...committee].map((k): [KeyPair, TxBody] => [sale, { type: 'transfer', to: addressOf(k.publicKey), amount: dpn(500), memo: '' }]));
    await commitAll([[designer, { type: 'submitTemplate', code: bom.code, designerFee: dpn(1) }]]);
    await commitAll(committee.map((m): [KeyPair, TxBody] => [m, { type: 'reviewTemplate', template: bom.id, approve: true }]));
    const direct = { parts: [], guarantee: [], inspection: [], logistics: [], graceMs: 3_600_000, confirmWindowMs: 3_600_000 };
    const product = (name: string, price: bigint, params: Record<string, unknown>, uri: string, hash: string): TxBody => ({
      type: 'createProduct', template: bom.id, name, metadataUri: uri, metadataHash: fromHex(hash), price, leadTimeMs: 3n * 86_400_000n,
      params: encodeProductParams(bom.template, paramsFromJson(bom.template, params)),
    });
    const lining = toHex(productId(addressOf(liningMaker.publicKey), net.nonce(liningMaker)));
    await commitAll([[liningMaker, product('Lining', dpn(20), direct, '/meta/lining.json', sha256('{}'))]]);
    const jacket = toHex(productId(addressOf(maker.publicKey), net.nonce(maker)));
    await commitAll([[maker, product('Field jacket', dpn(120), { ...direct, parts: [lining] }, '/meta/jacket.json', sha256(META))]]);
    const longProduct = toHex(productId(addressOf(maker.publicKey), net.nonce(maker)));
    await commitAll([[maker, product(LONG_NAME, dpn(7), direct, '/meta/long.json', sha256(LONG_META))]]);

    const outDir = await mkdtemp(join(tmpdir(), 'dipnet-shop-site-'));
    cleanups.push(() => rm(outDir, { recursive: true, force: true }));
    await build({
      entryPoints: {
        widget: new URL(import.meta.resolve('@dipnet/widget/dip-shoppable-video')).pathname,
        'lc-worker': new URL(import.meta.resolve('@dipnet/light-client/worker-entry')).pathname,
        'media-chrome': new URL(import.meta.resolve('media-chrome')).pathname,
      },
      outdir: outDir, bundle: true, platform: 'browser', format: 'esm', target: 'chrome120', minify: true, logLevel: 'error', write: true,
    });
    const genesis = toHex(genesisHash(net.genesis));
    const js = 'text/javascript; charset=utf-8';
    // A strict Content-Security-Policy, as a careful streaming site sends: no inline script or
    // style, no eval; the widget, its panel and the light-client worker must work within it.
    // media-chrome (the `/mc` player, not the widget) applies inline styles, so that page allows them.
    const csp = (relay: string, styles = "'self'") => ({
      'content-security-policy': `default-src 'self'; script-src 'self'; style-src ${styles}; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self' data: ${relay}; worker-src 'self'; object-src 'none'; base-uri 'none'`,
    });
    const embedDir = await mkdtemp(join(tmpdir(), 'dipnet-embed-'));
    cleanups.push(() => rm(embedDir, { recursive: true, force: true }));
    await buildEmbed(embedDir);
    const walletRelay = await startProxy(net.relayUrls[0]!);
    cleanups.push(() => walletRelay.close());
    await writeWalletConfig(embedDir, { chains: { [chainId]: { checkpoint: genesis, relays: [walletRelay.url], multiaddrs: [] } } });
    const embedSite = await serveStatic(await embedFiles(embedDir, walletRelay.url), '127.0.0.2');
    cleanups.push(() => embedSite.close());
    const embed = embedSite.base;
    // The site's metadata is fetched by the wallet frame, from the embed origin: CORS, as a CDN would.
    const cors = { 'access-control-allow-origin': '*' };
    const site = await serveStatic({
      '/wallet': ['text/html; charset=utf-8', walletPage(chainId, walletRelay.url, genesis, embed), walletCsp(embed)],
      '/hostile': ['text/html; charset=utf-8', walletPage(chainId, walletRelay.url, genesis, embed, '/hostile.js'), walletCsp(embed)],
      // The default embedding with a short confirm wait (page → frame → window): a payment goes pending after 6 s, not 30.
      '/wallet-confirm-wait': ['text/html; charset=utf-8', walletPage(chainId, walletRelay.url, genesis, embed, '', ' confirm-wait="6"'), walletCsp(embed)],
      '/hostile.js': [js, hostileScript],
      '/': ['text/html; charset=utf-8', page(chainId, net.relayUrls[0]!, genesis), csp(net.relayUrls[0]!)],
      '/liar': ['text/html; charset=utf-8', page(chainId, proxy.url, genesis), csp(proxy.url)],
      '/flaky': ['text/html; charset=utf-8', page(chainId, flakyProxy.url, genesis), csp(flakyProxy.url)],
      '/frozen': ['text/html; charset=utf-8', page(chainId, frozen.url, genesis, false, '/lc-worker.js', ' stale-after="2"'), csp(frozen.url)],
      // The same relay with the default staleness threshold (a purchase outlives a short freeze), and
      // a 6 s confirm wait: a payment hidden by the frozen relay goes pending after 6 s, not 30.
      '/frozen-buy': ['text/html; charset=utf-8', page(chainId, frozen.url, genesis, false, '/lc-worker.js', ' confirm-wait="6"'), csp(frozen.url)],
      // A site that points at a worker script it does not serve.
      '/broken-worker': ['text/html; charset=utf-8', page(chainId, net.relayUrls[0]!, genesis, false, '/no-such-worker.js'), csp(net.relayUrls[0]!)],
      '/mc': ['text/html; charset=utf-8', page(chainId, net.relayUrls[0]!, genesis, true), csp(net.relayUrls[0]!, "'self' 'unsafe-inline'")],
      '/media-chrome.js': [js, await readFile(join(outDir, 'media-chrome.js'))],
      '/widget.js': [js, await readFile(join(outDir, 'widget.js'))],
      '/lc-worker.js': [js, await readFile(join(outDir, 'lc-worker.js'))],
      '/props.json': ['application/json', props(jacket)],
      '/host.js': [js, HOST_JS],
      '/site.css': ['text/css', 'body{margin:16px;font:15px system-ui,sans-serif;background:#111;color:#eee} #film{width:720px;height:405px;background:#000;display:block} media-controller{width:720px;height:405px}'],
      '/meta/jacket.json': ['application/json', META, cors],
      '/meta/lining.json': ['application/json', '{}', cors],
      '/meta/long.json': ['application/json', LONG_META, cors],
      '/meta/jacket.svg': ['image/svg+xml', IMAGE, cors],
      '/axe.js': [js, axe.source],
    });
    cleanups.push(() => site.close());
    const port = new URL(site.base).port;
    return {
      net, base: site.base, jacket, longProduct, lining, liningMaker, viewer, flaky, frozen, commitAll, close,
      walletRelay, embed, siteA: `http://localhost:${port}`, siteB: `http://127.0.0.1:${port}`,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
