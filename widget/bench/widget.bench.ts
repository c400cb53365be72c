/**
 * Widget benchmark: `<dip-shoppable-video>` in Debian's headless Chromium (never downloaded).
 *
 *   widget.bundle_gzip_kb    the element's own bundle (esbuild bundle + minify, lit included; the light client
 *                            loads lazily, so it is left out), gzip -9, KB
 *   widget.embed_adapter_gzip_kb / widget.embed_worker_gzip_kb   what the embed bundle loads on the first
 *                            product opened: the light-client adapter chunk(s) and the light-client worker, gzip -9, KB
 *   widget.wallet_pages_gzip_kb  the wallet frame's and the wallet window's scripts (both pages, shared chunks once), gzip -9, KB
 *   widget.first_hotspot_ms  video `loadedmetadata` → the rAF of the first frame that paints a hotspot
 *                            laid out inside the video box (in-page performance.now()), median of 5 loads
 *   widget.long_tasks        main-thread tasks > 50 ms ('longtask' observer, buffered) during 30 s
 *                            of looped playback with hotspots visible; target 0
 *
 * The video is a 3 s WebM the page records itself from a canvas (harness MAKE_VIDEO), served back
 * to later page loads as /film.webm. `widget.frame_update_ms_p95` is not reported: the element
 * exposes no per-frame hook. Run: npm run bench -w widget (`BENCH {json}` lines; progress on stderr)
 */
import { gzipSync } from 'node:zlib';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildEmbed, EMBED_FILES } from '../scripts/build-embed.ts';
import { launchChromium, serveStatic, MAKE_VIDEO, SCAN_DURATION } from '@dipnet/test/browser/harness';

const LOADS = 5;
const PLAY_MS = 30_000;

const T0 = Date.now();
const say = (msg: string): void => void process.stderr.write(`# [widget +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}\n`);
const bench = (name: string, value: number, unit: string): void => console.log(`BENCH ${JSON.stringify({ name, value, unit })}`);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// ---- bundle size ---------------------------------------------------------------------------

// The light client loads lazily (a dynamic import on first use): with code splitting, the
// element's own bundle is the entry chunk and what it imports statically.
// What a site loads: the embed entry (the element, the wallet frame's host side, the player adapters).
const entry = new URL('../src/embed.ts', import.meta.url).pathname;
const sized = await build({
  entryPoints: [entry], bundle: true, minify: true, splitting: true, platform: 'browser', format: 'esm', target: 'chrome120',
  outdir: '/dipnet-widget-size', write: false, metafile: true, logLevel: 'error',
});
const outputs = sized.metafile.outputs;
const entryOut = Object.keys(outputs).find((k) => outputs[k]!.entryPoint && entry.endsWith(outputs[k]!.entryPoint!))!;
const own = new Set<string>();
for (const queue = [entryOut]; queue.length;) {
  const k = queue.pop()!;
  if (own.has(k)) continue;
  own.add(k);
  for (const i of outputs[k]!.imports) if (i.kind === 'import-statement' && outputs[i.path]) queue.push(i.path);
}
const ownInputs = [...own].flatMap((k) => Object.keys(outputs[k]!.inputs));
const leaked = ownInputs.filter((p) => p.startsWith('node:') || p.includes('light-client') || p.includes('comlink'));
if (leaked.length) throw new Error(`the light client leaked into the element's own bundle: ${leaked.join(', ')}`);
const ownBytes = Buffer.concat([...own].map((k) => Buffer.from(sized.outputFiles.find((f) => f.path.endsWith(k.replace(/^.*dipnet-widget-size/, '')))!.contents)));
const gz = gzipSync(ownBytes, { level: 9 }).length;
say(`element bundle (without the lazily loaded light client): ${ownBytes.length} bytes minified, ${gz} bytes gzip -9, ${own.size} chunk(s)`);
// Pages below load one unsplit bundle.
const res = await build({
  entryPoints: [entry], bundle: true, minify: true, platform: 'browser', format: 'esm', target: 'chrome120',
  write: false, metafile: true, logLevel: 'error',
});
const js = res.outputFiles[0]!.contents;
bench('widget.bundle_gzip_kb', Math.round((gz / 1024) * 10) / 10, 'KB');

// What a site loads from the embed bundle (npm run build -w widget): the lazily loaded adapter
// chunk(s) and the light-client worker, fetched when the viewer first opens a product.
{
  const dir = await mkdtemp(join(tmpdir(), 'dipnet-embed-size-'));
  try {
    await buildEmbed(dir);
    const gzOf = async (f: string): Promise<number> => gzipSync(await readFile(join(dir, f)), { level: 9 }).length;
    const chunks = (await readdir(join(dir, 'chunks'))).filter((f) => f.endsWith('.js'));
    const adapter = (await Promise.all(chunks.map((f) => gzOf(join('chunks', f))))).reduce((a, b) => a + b, 0);
    const worker = await gzOf(EMBED_FILES.worker);
    const element = await gzOf(EMBED_FILES.element);
    const walletJs = (await readdir(join(dir, 'wallet'), { recursive: true })).filter((f) => f.endsWith('.js'));
    const wallet = (await Promise.all(walletJs.map((f) => gzOf(join('wallet', f))))).reduce((a, b) => a + b, 0);
    say(`embed bundle: element ${element} B, adapter chunks ${adapter} B, wallet frame + window ${wallet} B, worker ${worker} B (gzip -9)`);
    bench('widget.wallet_pages_gzip_kb', Math.round((wallet / 1024) * 10) / 10, 'KB');
    bench('widget.embed_adapter_gzip_kb', Math.round((adapter / 1024) * 10) / 10, 'KB');
    bench('widget.embed_worker_gzip_kb', Math.round((worker / 1024) * 10) / 10, 'KB');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- pages ---------------------------------------------------------------------------------

const C = '1f'.repeat(32);
// Props in frame over the whole 3 s clip: one moving, one still.
const PROPS = {
  version: 1,
  props: [
    { id: 'lamp', label: 'Desk lamp', product: { contract: C }, track: [{ t: 0, box: { x: 0.1, y: 0.2, w: 0.2, h: 0.2 } }, { t: 3, box: { x: 0.6, y: 0.5, w: 0.3, h: 0.4 } }] },
    { id: 'mug', label: 'Blue mug', product: { contract: C }, track: [{ t: 0, box: { x: 0.75, y: 0.05, w: 0.2, h: 0.2 } }] },
  ],
};
const STYLE = '<style>body{margin:20px;font:16px sans-serif} #film{width:480px;height:400px;object-fit:contain;background:#000;display:block}</style>';
const page = (videoAttrs: string): string => `<!doctype html><meta charset="utf-8"><title>bench</title>${STYLE}
<h1>Tonight's film</h1>
<dip-shoppable-video src="/props.json"><video id="film" muted playsinline ${videoAttrs}></video></dip-shoppable-video>
<script type="module" src="/widget.js"></script>`;

const files: Record<string, [string, string | Buffer]> = {
  '/': ['text/html; charset=utf-8', page('')],
  '/play': ['text/html; charset=utf-8', page('loop')],
  '/widget.js': ['text/javascript; charset=utf-8', Buffer.from(js)],
  '/props.json': ['application/json', JSON.stringify(PROPS)],
};
const site = await serveStatic(files);
const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
const errors: string[] = [];
const newPage = async () => {
  const ctx = await browser.newContext({ viewport: { width: 800, height: 700 } });
  const p = await ctx.newPage();
  p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  p.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
  return { ctx, p };
};
/** Resolves once the element is defined and has read props.json. */
const WIDGET_READY = `new Promise((r) => {
  const el = document.querySelector('dip-shoppable-video');
  const done = () => customElements.whenDefined('dip-shoppable-video').then(() => r(true));
  if (customElements.get('dip-shoppable-video') && el.props.length) return r(true);
  el.addEventListener('dip-annotations-loaded', done, { once: true });
})`;

try {
  // Record the clip once, hand its bytes back to be served.
  {
    const { ctx, p } = await newPage();
    await p.goto(`${site.base}/`);
    const v = await p.evaluate(MAKE_VIDEO) as { w: number; h: number; duration: number; bytes: number };
    const b64 = await p.evaluate(`(async () => {
      const buf = new Uint8Array(await (await fetch(document.getElementById('film').src)).arrayBuffer());
      let s = ''; for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
      return btoa(s);
    })()`) as string;
    files['/film.webm'] = ['video/webm', Buffer.from(b64, 'base64')];
    say(`page recorded its video: ${v.w}×${v.h}, ${v.duration.toFixed(2)} s, ${v.bytes} bytes`);
    await ctx.close();
  }

  // First hotspot: element ready, then the video's src is set; loadedmetadata → hotspot laid out.
  const firsts: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const { ctx, p } = await newPage();
    await p.goto(`${site.base}/`);
    await p.evaluate(WIDGET_READY);
    const ms = await p.evaluate(`new Promise((resolve, reject) => {
      const v = document.getElementById('film');
      const el = document.querySelector('dip-shoppable-video');
      setTimeout(() => reject(new Error('no hotspot within 10 s')), 10000);
      // Capture on the document runs before the element's own listener on the video.
      document.addEventListener('loadedmetadata', () => {
        const t0 = performance.now();
        // Checked in rAF callbacks: once laid out there, that frame paints it.
        const check = () => {
          const b = el.shadowRoot.querySelector('button[part~="hotspot"]');
          const r = b && b.getBoundingClientRect();
          const vr = v.getBoundingClientRect();
          if (r && r.width > 0) {
            const cx = r.x + r.width / 2, cy = r.y + r.height / 2;
            if (cx > vr.left + 1 && cx < vr.right - 1 && cy > vr.top + 1 && cy < vr.bottom - 1) return resolve(performance.now() - t0);
          }
          requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }, { once: true, capture: true });
      v.src = '/film.webm';
    })`) as number;
    firsts.push(ms);
    say(`load ${i + 1}: first hotspot ${ms.toFixed(1)} ms after loadedmetadata`);
    await ctx.close();
  }
  bench('widget.first_hotspot_ms', Math.round(median(firsts) * 10) / 10, 'ms');

  // Long tasks during 30 s of looped playback with hotspots visible.
  {
    const { ctx, p } = await newPage();
    await p.goto(`${site.base}/play`);
    await p.evaluate(WIDGET_READY);
    const r = await p.evaluate(`(async () => {
      const v = document.getElementById('film');
      const el = document.querySelector('dip-shoppable-video');
      v.src = '/film.webm';
      await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
      ${SCAN_DURATION}
      const tasks = [];
      const po = new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push(e.duration); });
      await v.play();
      const start = performance.now();
      po.observe({ type: 'longtask', buffered: true });
      let samples = 0, withHotspots = 0, loops = 0, last = v.currentTime;
      const sampler = setInterval(() => {
        samples++;
        if (el.shadowRoot.querySelectorAll('button[part~="hotspot"]').length > 0) withHotspots++;
        if (v.currentTime < last) loops++;
        last = v.currentTime;
      }, 100);
      await new Promise((r) => setTimeout(r, ${PLAY_MS}));
      clearInterval(sampler);
      po.takeRecords().forEach((e) => tasks.push(e.duration));
      po.disconnect();
      const played = performance.now() - start;
      return { tasks: tasks, played, samples, withHotspots, loops, paused: v.paused, duration: v.duration, quality: { totalVideoFrames: v.getVideoPlaybackQuality().totalVideoFrames, droppedVideoFrames: v.getVideoPlaybackQuality().droppedVideoFrames } };
    })()`) as { tasks: number[]; played: number; samples: number; withHotspots: number; loops: number; paused: boolean; duration: number; quality: { totalVideoFrames: number; droppedVideoFrames: number } };
    say(`playback: ${(r.played / 1000).toFixed(1)} s, clip ${r.duration.toFixed(2)} s, ${r.loops} loops, still playing: ${!r.paused}, hotspots visible in ${r.withHotspots}/${r.samples} samples, frames ${r.quality.totalVideoFrames} (dropped ${r.quality.droppedVideoFrames})`);
    say(`long tasks: ${r.tasks.length ? r.tasks.map((d) => d.toFixed(0)).join(', ') + ' ms' : 'none'}`);
    if (r.paused || r.loops < 5 || r.withHotspots < r.samples * 0.95) throw new Error('playback did not loop with hotspots visible; long-task count would be meaningless');
    bench('widget.long_tasks', r.tasks.length, 'count');
    await ctx.close();
  }
  if (errors.length) throw new Error(`page errors:\n${errors.join('\n')}`);
} finally {
  await browser.close().catch(() => undefined);
  await site.close();
}
