/**
 * A third-party "streaming site" whose pages put `<dip-shoppable-video>` over the players sites
 * really use (issue 19), for `widget-players.test.ts`:
 *
 * | page | player | the element |
 * |------|--------|-------------|
 * | `/plain-contain` | `<video controls>`, 640×480 box, `object-fit: contain` (letterboxed) | wraps the video |
 * | `/plain-cover` | `<video controls>`, 960×400 box, `object-fit: cover` (cropped) | wraps the video |
 * | `/videojs` | video.js 8 | `registerVideojsPlugin(videojs)` + `player.dipShoppable({ src })` |
 * | `/videojs-late` | video.js, `videojs('film')` 1 s after load | wraps the `<video-js>` |
 * | `/plyr` | Plyr 3 | `attachToPlyr(plyr, { src })` |
 * | `/mc-inside` | media-chrome | `for="film"` inside the `<media-controller>` |
 * | `/mc-wrap` | media-chrome | wraps the `<media-controller>` |
 * | `/hls` | hls.js 1 into a plain `<video controls>` | wraps the video |
 * | `/replace` | a `<video>` inside a player `<div>`, replaced by a new one after load | wraps the div |
 * | `/replace-for` | the same, the element elsewhere with `for="film"`; the new video has the same id | `for="film"` |
 * | `/no-video` | nothing | empty |
 *
 * The site is served on `http://localhost:PORT` (a third-party origin to the widget's code, which
 * the site serves itself here) with a strict CSP on every page: scripts only from the site (no
 * inline or eval), no frames, no plugins, styles from the site's files only — with the few
 * allowances a player needs (`CSP_ALLOWANCES` below says which pages and why). The
 * pages' scripts are module files; video.js is told not to inject `<style>` elements
 * (`window.VIDEOJS_NO_DYNAMIC_STYLE = true`, set by `/vjs-flag.js`, a module that runs before
 * video.js loads); hls.js runs its transmuxer in its own worker file from the site
 * (`workerPath: '/hls.worker.js'`), not a `blob:` worker.
 *
 * Video: ffmpeg (the static binary of `@ffmpeg-installer/linux-x64`) makes the clips offline into a
 * temp dir at start-up — an H.264 MP4 640×360, 4 s, 30 fps (`testsrc`), and the same as an HLS
 * stream (`film.m3u8` + 1 s MPEG-TS segments). Nothing is downloaded.
 *
 * Each page script sets `window.__setup` to `'ok'` once its player and the element are wired, or
 * to the error that stopped it (e.g. an adapter the embed bundle does not export yet).
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { access, chmod, copyFile, constants, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import type { StaticFiles } from './harness.ts';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const TEST_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** The clip every page plays: what ffmpeg makes. */
export const CLIP = { width: 640, height: 360, seconds: 4, fps: 30 } as const;

export type Box = { x: number; y: number; w: number; h: number };

/**
 * 200 characters (the schema's maximum), with a 64-character reference in it that has no break
 * opportunity (no space, no hyphen), wider than any scene list: it must wrap anywhere or be cut.
 */
export const LONG_LABEL = (() => {
  const head = 'Hand-stitched waxed-cotton field jacket with corduroy collar, brass zip and four patch pockets, as worn in episode 3, ref ';
  const token = 'ATELIEREP3FIELDJACKETWAXEDCOTTONOLIVEXL0001ABCDEFGHIJKLMNOPQRSTU'.slice(0, 64);
  if (token.length !== 64) throw new Error('the token is 64 characters');
  const label = `${head}${token} limited run`.padEnd(200, '.').slice(0, 200);
  if (label.length !== 200) throw new Error(`LONG_LABEL is ${label.length} characters`);
  return label;
})();

/**
 * The props (static boxes over the whole clip), by id:
 * - `middle`: centred in the frame (over video.js's centred big play button before first play);
 * - `bottom-edge`: the full-width strip along the bottom (y 0.9, h 0.1), where control bars are;
 * - `bottom-left`, `bottom-right`: the strip's corners, whose centres fall on the play and the
 *   fullscreen buttons of video.js, Plyr and the media-chrome bar;
 * - `top-right`: the top-right corner (x 0.9, y 0), where the scene list's button sits;
 * - `long`: a 200-character label; its box reaches above the frame's visible part under `cover`.
 */
export const BOXES = {
  middle: { x: 0.4, y: 0.35, w: 0.2, h: 0.3 },
  'bottom-edge': { x: 0, y: 0.9, w: 1, h: 0.1 },
  'bottom-left': { x: 0, y: 0.9, w: 0.08, h: 0.1 },
  'bottom-right': { x: 0.92, y: 0.9, w: 0.08, h: 0.1 },
  'top-right': { x: 0.9, y: 0, w: 0.1, h: 0.1 },
  long: { x: 0.05, y: 0.02, w: 0.3, h: 0.3 },
} as const satisfies Record<string, Box>;

const LABELS: Record<keyof typeof BOXES, string> = {
  middle: 'Desk lamp', 'bottom-edge': 'Rug', 'bottom-left': 'Slippers', 'bottom-right': 'Umbrella stand', 'top-right': 'Wall clock', long: LONG_LABEL,
};

export const PROPS = {
  version: 1,
  props: Object.entries(BOXES).map(([id, box], i) => ({
    id, label: LABELS[id as keyof typeof BOXES],
    product: { contract: (i + 1).toString(16).padStart(2, '0').repeat(32) },
    track: [{ t: 0, box }],
  })),
};

/**
 * What a page's CSP allows beyond the strict base (`csp()`), and why: found by serving each page
 * with the base alone and reading the violations (`PLAYERS_STRICT_CSP=1` does that again).
 * Not Plyr (HTML5 video): it styles through the CSSOM (`element.style`), which CSP allows, and its
 * icons come from the site's own `/plyr.svg`. Not video.js's styles, with `VIDEOJS_NO_DYNAMIC_STYLE`.
 */
export const CSP_ALLOWANCES: Readonly<Record<string, readonly { directive: string; source: string; why: string }[]>> = (() => {
  const vjsFont = { directive: 'font-src', source: 'data:', why: 'video-js.css embeds its icon font as a data: URL' };
  const mcStyle = { directive: 'style-src', source: "'unsafe-inline'", why: 'media-chrome puts <style> elements in its custom elements\' shadow roots' };
  return {
    '/videojs': [vjsFont],
    '/videojs-late': [vjsFont],
    '/mc-inside': [mcStyle],
    '/mc-wrap': [mcStyle],
    '/hls': [{ directive: 'media-src', source: 'blob:', why: 'hls.js plays through MediaSource: the video\'s src is a blob: URL' }],
  };
})();

/** The strict base: scripts, styles, media and fetches from the site only; no inline or eval script, no frames, no plugins. */
const CSP_BASE: Record<string, string[]> = {
  'default-src': ["'none'"], 'script-src': ["'self'"], 'style-src': ["'self'"], 'img-src': ["'self'"], 'font-src': ["'self'"],
  'media-src': ["'self'"], 'connect-src': ["'self'"], 'worker-src': ["'self'"], 'frame-src': ["'none'"], 'object-src': ["'none'"],
  'base-uri': ["'none'"], 'form-action': ["'none'"],
};

/** What the page at `path` allows beyond the base (none under `PLAYERS_STRICT_CSP=1`). */
export const allowances = (path: string): readonly { directive: string; source: string; why: string }[] =>
  (process.env.PLAYERS_STRICT_CSP === '1' ? [] : CSP_ALLOWANCES[path] ?? []);

/** The page's Content-Security-Policy header. */
export const csp = (path: string): string => {
  const d = Object.fromEntries(Object.entries(CSP_BASE).map(([k, v]) => [k, [...v]]));
  for (const a of allowances(path)) d[a.directive]!.push(a.source);
  return Object.entries(d).map(([k, v]) => `${k} ${v.join(' ')}`).join('; ');
};

// ---- pages --------------------------------------------------------------------------------------

const page = (name: string, css: string[], body: string, scripts: string[]): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>StreamCo — ${name}</title>
<link rel="stylesheet" href="/site.css">${css.map((c) => `<link rel="stylesheet" href="${c}">`).join('')}
</head><body class="page-${name}">
<h1>StreamCo · tonight's film</h1>
${body}
<p><button id="fs" type="button">Fullscreen (the page's button)</button></p>
${scripts.map((s) => `<script type="module" src="${s}"></script>`).join('\n')}
</body></html>`;

const MC_BAR = `<media-control-bar><media-play-button></media-play-button><media-time-range></media-time-range><media-mute-button></media-mute-button><media-fullscreen-button></media-fullscreen-button></media-control-bar>`;
const MC_VIDEO = `<video id="film" slot="media" src="/film.mp4" muted playsinline preload="auto"></video>`;

const PAGES: Record<string, { html: string; js: string }> = {
  '/plain-contain': {
    html: page('plain-contain', [], `<dip-shoppable-video src="/props.json"><video id="film" src="/film.mp4" controls muted playsinline preload="auto"></video></dip-shoppable-video>`, ['/widget.js', '/p/plain.js']),
    js: '',
  },
  '/plain-cover': {
    html: page('plain-cover', [], `<dip-shoppable-video src="/props.json"><video id="film" src="/film.mp4" controls muted playsinline preload="auto"></video></dip-shoppable-video>`, ['/widget.js', '/p/plain.js']),
    js: '',
  },
  '/videojs': {
    html: page('videojs', ['/video-js.css'], `<div id="box"><video-js id="film" class="video-js vjs-big-play-centered" controls muted playsinline preload="auto"><source src="/film.mp4" type="video/mp4"></video-js></div>`, ['/vjs-flag.js', '/widget.js', '/p/videojs.js']),
    js: `import videojs from '/videojs.js';
import * as dip from '/widget.js';
window.__setup = 'pending';
const player = videojs('film', { muted: true });
window.player = player;
try {
  if (typeof dip.registerVideojsPlugin !== 'function') throw new Error('the embed bundle exports no registerVideojsPlugin');
  dip.registerVideojsPlugin(videojs);
  window.overlay = player.dipShoppable({ src: '/props.json' });
  window.__setup = 'ok';
} catch (e) { window.__setup = String(e); }`,
  },
  '/videojs-late': {
    html: page('videojs-late', ['/video-js.css'], `<dip-shoppable-video src="/props.json"><video-js id="film" class="video-js" controls muted playsinline preload="auto"><source src="/film.mp4" type="video/mp4"></video-js></dip-shoppable-video>`, ['/vjs-flag.js', '/widget.js', '/p/videojs-late.js']),
    js: `import videojs from '/videojs.js';
window.__setup = 'pending';
window.addEventListener('load', () => setTimeout(() => {
  window.player = videojs('film', { muted: true });
  window.__setup = 'ok';
}, 1000));`,
  },
  '/plyr': {
    html: page('plyr', ['/plyr.css'], `<div id="box"><video id="film" src="/film.mp4" controls muted playsinline preload="auto"></video></div>`, ['/widget.js', '/p/plyr.js']),
    js: `import Plyr from '/plyr.js';
import * as dip from '/widget.js';
window.__setup = 'pending';
const plyr = new Plyr('#film', { iconUrl: '/plyr.svg', blankVideo: '/film.mp4', muted: true, storage: { enabled: false } });
window.plyr = plyr;
try {
  if (typeof dip.attachToPlyr !== 'function') throw new Error('the embed bundle exports no attachToPlyr');
  window.overlay = dip.attachToPlyr(plyr, { src: '/props.json' });
  window.__setup = 'ok';
} catch (e) { window.__setup = String(e); }`,
  },
  '/mc-inside': {
    html: page('mc-inside', [], `<media-controller id="mc">${MC_VIDEO}<dip-shoppable-video for="film" src="/props.json"></dip-shoppable-video>${MC_BAR}</media-controller>`, ['/media-chrome.js', '/widget.js', '/p/ready.js']),
    js: '',
  },
  '/mc-wrap': {
    html: page('mc-wrap', [], `<dip-shoppable-video src="/props.json"><media-controller id="mc">${MC_VIDEO}${MC_BAR}</media-controller></dip-shoppable-video>`, ['/media-chrome.js', '/widget.js', '/p/ready.js']),
    js: '',
  },
  '/hls': {
    html: page('hls', [], `<dip-shoppable-video src="/props.json"><video id="film" controls muted playsinline></video></dip-shoppable-video>`, ['/widget.js', '/p/hls.js', '/p/plain.js']),
    js: `import Hls from '/hls.js';
window.__setup = 'pending';
const v = document.getElementById('film');
if (!Hls.isSupported()) window.__setup = 'hls.js: MediaSource not supported';
else {
  const hls = new Hls({ workerPath: '/hls.worker.js' });
  window.hls = hls;
  hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) console.error('hls.js fatal error', d.type, d.details); });
  hls.on(Hls.Events.MANIFEST_PARSED, () => { window.__setup = 'ok'; });
  hls.loadSource('/hls/film.m3u8');
  hls.attachMedia(v);
}`,
  },
  '/replace': {
    html: page('replace', [], `<dip-shoppable-video src="/props.json"><div class="player"><video id="film" src="/film.mp4" controls muted playsinline preload="auto"></video></div></dip-shoppable-video>`, ['/widget.js', '/p/replace.js']),
    js: '',
  },
  '/replace-for': {
    html: page('replace-for', [], `<div class="player"><video id="film" src="/film.mp4" controls muted playsinline preload="auto"></video></div><aside><dip-shoppable-video for="film" src="/props.json"></dip-shoppable-video></aside>`, ['/widget.js', '/p/replace.js']),
    js: '',
  },
  '/no-video': {
    html: page('no-video', [], `<dip-shoppable-video src="/props.json"></dip-shoppable-video>`, ['/widget.js', '/p/ready.js']),
    js: '',
  },
};

/** Page scripts shared by several pages. */
const SHARED_JS: Record<string, string> = {
  // Fullscreen of the bare <video> from the page's own button (a real click: a user gesture).
  '/p/plain.js': `if (!window.__setup) window.__setup = 'ok';
document.getElementById('fs').addEventListener('click', () => {
  document.getElementById('film').requestFullscreen().catch((e) => { window.__fsError = String(e); });
});`,
  '/p/ready.js': `window.__setup = 'ok';`,
  // 2 s after the first video has its first frame, the "player" swaps in a new <video> (a source
  // switch, an ad break…): bigger, same clip. Under for= the new one takes the old one's id.
  '/p/replace.js': `window.__setup = 'ok';
window.__replaced = false;
const old = document.getElementById('film');
const swap = () => setTimeout(() => {
  const v = document.createElement('video');
  if (document.body.classList.contains('page-replace-for')) { old.id = 'film-old'; v.id = 'film'; } else v.id = 'film-2';
  v.className = 'replacement';
  v.muted = true; v.playsInline = true; v.controls = true; v.preload = 'auto';
  v.src = '/film.mp4';
  old.replaceWith(v);
  window.__replaced = true;
}, 2000);
if (old.readyState >= 2) swap(); else old.addEventListener('loadeddata', swap, { once: true });`,
  // Set before video.js evaluates (module scripts run in document order): no <style> injection.
  '/vjs-flag.js': 'window.VIDEOJS_NO_DYNAMIC_STYLE = true;',
};

const SITE_CSS = `body{margin:16px;font:16px/1.4 system-ui,sans-serif;background:#fafafa}
h1{font-size:20px;margin:0 0 12px}
.page-plain-contain #film{display:block;width:640px;height:480px;object-fit:contain;background:#000}
.page-plain-cover #film{display:block;width:960px;height:400px;object-fit:cover;background:#000}
.page-hls #film{display:block;width:640px;height:360px;background:#000}
.page-videojs #film,.page-videojs-late #film{width:640px;height:360px}
.page-plyr #box{width:640px}
.page-mc-inside media-controller,.page-mc-wrap media-controller{display:block;width:640px;height:360px}
.page-replace video,.page-replace-for video{display:block;width:480px;height:270px;background:#000}
.page-replace video.replacement,.page-replace-for video.replacement{width:800px;height:450px}
`;

// ---- build --------------------------------------------------------------------------------------

/** Entry modules for the players (a virtual namespace, resolved from the test package's node_modules). */
const ENTRIES: Record<string, string> = {
  videojs: `export { default } from 'video.js';`,
  plyr: `export { default } from 'plyr';`,
  'media-chrome': `import 'media-chrome';`,
  hls: `export { default } from 'hls.js';`,
};

const entryPlugin: Plugin = {
  name: 'player-entries',
  setup(b) {
    b.onResolve({ filter: /^entry:/ }, (a) => ({ path: a.path.slice('entry:'.length), namespace: 'player-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'player-entry' }, (a) => ({ contents: ENTRIES[a.path]!, resolveDir: TEST_DIR, loader: 'js' }));
  },
};

/** The static ffmpeg binary from `@ffmpeg-installer/linux-x64`, made executable (npm may skip its postinstall chmod). */
export async function ffmpegBinary(scratch: string): Promise<string> {
  const shipped = join(dirname(require.resolve('@ffmpeg-installer/linux-x64/package.json')), 'ffmpeg');
  try {
    await access(shipped, constants.X_OK);
    return shipped;
  } catch {
    try {
      await chmod(shipped, 0o755);
      return shipped;
    } catch {
      // A read-only package dir: run a copy.
      const copy = join(scratch, 'ffmpeg');
      await copyFile(shipped, copy);
      await chmod(copy, 0o755);
      return copy;
    }
  }
}

async function makeVideos(ffmpeg: string, dir: string): Promise<void> {
  const src = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc=size=${CLIP.width}x${CLIP.height}:rate=${CLIP.fps}`, '-t', String(CLIP.seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', String(CLIP.fps / 2), '-keyint_min', String(CLIP.fps / 2), '-sc_threshold', '0', '-an'];
  await mkdir(join(dir, 'hls'));
  await Promise.all([
    run(ffmpeg, [...src, '-movflags', '+faststart', join(dir, 'film.mp4')]),
    run(ffmpeg, [...src, '-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod', '-hls_segment_filename', join(dir, 'hls', 'seg%d.ts'), join(dir, 'hls', 'film.m3u8')]),
  ]);
}

/**
 * `serveStatic` (harness.ts) plus byte ranges: Chromium treats a media file served without
 * `Accept-Ranges` as not seekable (`video.seekable` is empty), and the test seeks. Port 0 on 127.0.0.1.
 */
async function serveWithRanges(files: StaticFiles): Promise<{ base: string; close: () => Promise<void> }> {
  const server = createServer((req, resp) => {
    const f = files[(req.url ?? '/').split('?')[0]!];
    if (!f) {
      resp.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    const body = typeof f[1] === 'string' ? Buffer.from(f[1]) : f[1];
    const headers = { ...f[2], 'content-type': f[0], 'cache-control': 'no-store', 'accept-ranges': 'bytes' };
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (!m || (m[1] === '' && m[2] === '')) {
      resp.writeHead(200, { ...headers, 'content-length': body.length }).end(body);
      return;
    }
    const start = m[1] === '' ? Math.max(0, body.length - Number(m[2])) : Number(m[1]);
    const end = m[1] !== '' && m[2] !== '' ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
    if (start > end || start >= body.length) {
      resp.writeHead(416, { ...headers, 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    resp.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 }).end(body.subarray(start, end + 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface PlayersSite {
  /** `http://localhost:PORT`: the site's origin. */
  readonly base: string;
  /** The ffmpeg that made the clips. */
  readonly ffmpeg: string;
  /** Which of the embed bundle's exports exist (the adapters may not yet). */
  readonly exports: readonly string[];
  close(): Promise<void>;
}

export async function startPlayersSite(): Promise<PlayersSite> {
  const dir = await mkdtemp(join(tmpdir(), 'dipnet-players-'));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async (): Promise<void> => { for (const c of cleanups.reverse()) await c().catch(() => undefined); };
  try {
    const ffmpeg = await ffmpegBinary(dir);
    const out = join(dir, 'js');
    const [, built] = await Promise.all([
      makeVideos(ffmpeg, dir),
      build({
        entryPoints: {
          widget: fileURLToPath(import.meta.resolve('@dipnet/widget/embed')),
          ...Object.fromEntries(Object.keys(ENTRIES).map((k) => [k, `entry:${k}`])),
        },
        plugins: [entryPlugin], outdir: out, bundle: true, platform: 'browser', format: 'esm', target: 'chrome120',
        minify: true, legalComments: 'none', logLevel: 'error', write: true, metafile: true,
      }),
    ]);
    const widgetOut = Object.entries(built.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith('widget/src/embed.ts'));
    const exports = widgetOut?.[1].exports ?? [];

    const JS = 'text/javascript; charset=utf-8';
    const files: Record<string, readonly [string, string | Buffer, Record<string, string>?]> = {
      '/site.css': ['text/css; charset=utf-8', SITE_CSS],
      '/props.json': ['application/json', JSON.stringify(PROPS)],
      '/film.mp4': ['video/mp4', await readFile(join(dir, 'film.mp4'))],
      '/video-js.css': ['text/css; charset=utf-8', await readFile(require.resolve('video.js/dist/video-js.css'))],
      '/plyr.css': ['text/css; charset=utf-8', await readFile(require.resolve('plyr/dist/plyr.css'))],
      // Not in plyr's exports map: read it beside the package's resolved CSS.
      '/plyr.svg': ['image/svg+xml', await readFile(join(dirname(require.resolve('plyr/dist/plyr.css')), 'plyr.svg'))],
      '/hls.worker.js': [JS, await readFile(join(dirname(require.resolve('hls.js/package.json')), 'dist', 'hls.worker.js'))],
    };
    for (const name of ['widget', ...Object.keys(ENTRIES)]) files[`/${name}.js`] = [JS, await readFile(join(out, `${name}.js`))];
    for (const f of await readdir(join(dir, 'hls'))) {
      files[`/hls/${f}`] = [f.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t', await readFile(join(dir, 'hls', f))];
    }
    for (const [path, js] of Object.entries(SHARED_JS)) files[path] = [JS, js];
    for (const [path, p] of Object.entries(PAGES)) {
      files[path] = ['text/html; charset=utf-8', p.html, { 'content-security-policy': csp(path) }];
      if (p.js) files[`/p${path}.js`] = [JS, p.js];
    }
    const site = await serveWithRanges(files as StaticFiles);
    cleanups.push(() => site.close());
    // The server binds 127.0.0.1; the site is addressed as localhost.
    return { base: site.base.replace('127.0.0.1', 'localhost'), ffmpeg, exports, close };
  } catch (e) {
    await close();
    throw e;
  }
}
