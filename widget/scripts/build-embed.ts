/**
 * Builds what a site embeds, and the wallet it opens:
 * - `dip-shoppable-video.js`: the element (the same-origin mode's adapter is a lazy chunk under `chunks/`);
 * - `dipnet-wallet-frame.html` + `dipnet-wallet.html` and their scripts (`wallet/`): the wallet frame
 *   the element shows products in, and the wallet window that holds the key and signs;
 * - `dipnet-light-client.worker.js`: the light client's worker, one file.
 * ES modules for current browsers, minified. Whoever deploys writes `dipnet-wallet.json` beside
 * them (`writeWalletConfig`): the chains the wallet knows and their trust roots.
 *
 *   npm run build -w widget            → widget/dist/
 *   node --import tsx widget/scripts/build-embed.ts <outDir>
 */
import { fileURLToPath } from 'node:url';
import { resolve, join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { build, type BuildOptions } from 'esbuild';
import { WALLET_FILES } from '../src/wallet/files.ts';
import type { WalletConfig } from '../src/wallet/config.ts';

export const EMBED_FILES = { element: 'dip-shoppable-video.js', ...WALLET_FILES } as const;

const source = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));

/** A wallet page: one module script, no inline code or style (its CSP can be strict). */
const walletPage = (title: string, script: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title}</title>
<link rel="stylesheet" href="wallet/wallet.css"><script type="module" src="wallet/${script}"></script></head>
<body><div id="wallet"></div></body></html>
`;

const WALLET_CSS = `html,body{margin:0;background:transparent;color-scheme:dark}
body{font:14px/1.4 system-ui,sans-serif;color:#fff}
body.window{background:#161616;padding:16px 20px}
h1{font-size:18px;margin:0 0 12px}h2{font-size:16px;margin:8px 0}
dl{display:grid;grid-template-columns:minmax(0,1fr) auto;gap:2px 12px;margin:8px 0}dt{opacity:.75}dd{margin:0;text-align:end;font-variant-numeric:tabular-nums}
code{font-size:12px;word-break:break-all}.warn{color:#ffb4a8}.ok{color:#7ee787}
button{font:inherit;color:inherit;background:rgba(255,255,255,.12);border:1px solid rgba(255,255,255,.25);border-radius:6px;padding:6px 12px;min-height:32px;cursor:pointer}
button.primary{background:#ffb400;color:#111;border-color:transparent;font-weight:600}button:disabled{opacity:.5;cursor:default}
button:focus-visible,input:focus-visible{outline:3px solid #ffb400;outline-offset:2px}
.actions{display:flex;gap:8px;justify-content:flex-end;margin-top:12px}
label{display:grid;gap:2px;margin:6px 0}input{font:inherit;padding:5px 8px;border-radius:4px;border:1px solid rgba(255,255,255,.35);background:rgba(0,0,0,.35);color:inherit}
ol.stages li.done{color:#7ee787}progress{width:100%}
.frame-error{background:rgba(20,20,20,.96);border-radius:8px;padding:14px 16px}
`;

/** Writes the wallet's configuration (the chains it knows, with the trust root of each) into `outDir`. */
export async function writeWalletConfig(outDir: string, config: WalletConfig): Promise<void> {
  await writeFile(join(outDir, WALLET_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
}

/** Builds the embed bundle into `outDir` (emptied first by the caller if wanted); returns the files written. */
export async function buildEmbed(outDir: string): Promise<string[]> {
  const common: BuildOptions = {
    outdir: outDir, bundle: true, format: 'esm', platform: 'browser', target: ['chrome111', 'firefox115', 'safari16.4'],
    minify: true, legalComments: 'none', logLevel: 'error', metafile: true, write: true,
  };
  // Three builds that share nothing: the page loads only the element; the wallet's two pages
  // share their chunks; the worker is one file.
  const [page, wallet, worker] = await Promise.all([
    build({ ...common, entryPoints: { 'dip-shoppable-video': source('../src/embed.ts') }, splitting: true, chunkNames: 'chunks/[name]-[hash]' }),
    build({
      ...common, outdir: join(outDir, 'wallet'), splitting: true, chunkNames: 'chunks/[name]-[hash]',
      entryPoints: { frame: source('../src/wallet/frame.ts'), window: source('../src/wallet/wallet-window.ts') },
    }),
    build({ ...common, entryPoints: { 'dipnet-light-client.worker': fileURLToPath(import.meta.resolve('@dipnet/light-client/worker-entry')) } }),
  ]);
  await writeFile(join(outDir, WALLET_FILES.frame), walletPage('DIPNET checkout', 'frame.js'));
  await writeFile(join(outDir, WALLET_FILES.window), walletPage('DIPNET wallet', 'window.js').replace('<body>', '<body class="window">'));
  await writeFile(join(outDir, 'wallet', 'wallet.css'), WALLET_CSS);
  return [
    ...Object.keys(page.metafile?.outputs ?? {}), ...Object.keys(wallet.metafile?.outputs ?? {}), ...Object.keys(worker.metafile?.outputs ?? {}),
    join(outDir, WALLET_FILES.frame), join(outDir, WALLET_FILES.window), join(outDir, 'wallet', 'wallet.css'),
  ];
}

/**
 * Response headers the wallet's files need wherever they are served: the frame may be embedded by
 * any site; the wallet window by none (a page could overlay its buttons); both run only their own
 * scripts. `connect` lists the relays (and `ws:`/`wss:` for libp2p) the wallet's light client reaches.
 */
export function walletHeaders(file: string, connect: readonly string[]): Record<string, string> {
  const csp = (ancestors: string) => `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self' data: http: https: ws: wss: ${connect.join(' ')}; worker-src 'self'; frame-ancestors ${ancestors}; base-uri 'none'; object-src 'none'`;
  if (file.endsWith(WALLET_FILES.window)) return { 'content-security-policy': csp("'none'"), 'x-frame-options': 'DENY', 'cross-origin-opener-policy': 'unsafe-none' };
  if (file.endsWith(WALLET_FILES.frame)) return { 'content-security-policy': csp('*') };
  return {};
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url)));
  const files = await buildEmbed(out);
  console.log(`embed bundle in ${out}: ${files.length} files (${EMBED_FILES.element}, ${WALLET_FILES.frame}, ${WALLET_FILES.window}, ${WALLET_FILES.worker}, wallet/, chunks/); write ${WALLET_FILES.config} beside them`);
}
