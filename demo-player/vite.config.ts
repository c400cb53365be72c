/** The demo is a multi-page app: the viewer (index), the studio annotation editor and the explorer. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * The studio's detector model (CenterNet, COCO) ships in `@vladmandic/human`'s package: served under
 * /models/ by the dev server and written there by the build, under its own names (the model's JSON
 * names its weights file), so nothing is fetched from anywhere else at run time.
 */
function detectorModels(): Plugin {
  const dir = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/human')), '..', 'models');
  const files = ['centernet.json', 'centernet.bin'];
  return {
    name: 'dipnet-detector-models',
    configureServer(server) {
      server.middlewares.use('/models/', (req, res, next) => {
        const f = (req.url ?? '').slice(1).split('?')[0]!;
        if (!files.includes(f)) { next(); return; }
        res.setHeader('content-type', f.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        res.end(readFileSync(join(dir, f)));
      });
    },
    generateBundle() {
      for (const f of files) this.emitFile({ type: 'asset', fileName: `models/${f}`, source: readFileSync(join(dir, f)) });
    },
  };
}

const page = (name: string): string => fileURLToPath(new URL(`./${name}.html`, import.meta.url));

export default defineConfig({
  plugins: [detectorModels()],
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: {
    target: 'es2022',
    rolldownOptions: { input: { index: page('index'), studio: page('studio'), explorer: page('explorer') } },
  },
  // The light client's worker (src/light-client.worker.ts) is an ES module worker with code splitting.
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173 },
});
