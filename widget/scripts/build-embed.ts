/**
 * Builds what a site embeds: `dip-shoppable-video.js` (the element; the light-client adapter is a
 * lazily loaded chunk under `chunks/`) and `dipnet-light-client.worker.js` (the light client's
 * worker, one file), ES modules for current browsers, minified.
 *
 *   npm run build -w widget            → widget/dist/
 *   node --import tsx widget/scripts/build-embed.ts <outDir>
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';

export const EMBED_FILES = { element: 'dip-shoppable-video.js', worker: 'dipnet-light-client.worker.js' } as const;

const source = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));

/** Builds the embed bundle into `outDir` (emptied first by the caller if wanted); returns the files written. */
export async function buildEmbed(outDir: string): Promise<string[]> {
  const common: BuildOptions = {
    outdir: outDir, bundle: true, format: 'esm', platform: 'browser', target: ['chrome111', 'firefox115', 'safari16.4'],
    minify: true, legalComments: 'none', logLevel: 'error', metafile: true, write: true,
  };
  // Two builds, so the page's lazy chunk and the worker share nothing: the page loads only the
  // element, then (on the first product opened) the small adapter; the worker is one file.
  const [page, worker] = await Promise.all([
    build({ ...common, entryPoints: { 'dip-shoppable-video': source('../src/embed.ts') }, splitting: true, chunkNames: 'chunks/[name]-[hash]' }),
    build({ ...common, entryPoints: { 'dipnet-light-client.worker': source('../../light-client/src/worker-entry.ts') } }),
  ]);
  return [...Object.keys(page.metafile?.outputs ?? {}), ...Object.keys(worker.metafile?.outputs ?? {})];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url)));
  const files = await buildEmbed(out);
  console.log(`embed bundle in ${out}: ${files.length} files (${EMBED_FILES.element}, ${EMBED_FILES.worker}, chunks/)`);
}
