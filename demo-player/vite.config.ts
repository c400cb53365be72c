/** The demo is a multi-page app: the viewer (index), the studio annotation editor and the explorer. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (name: string): string => fileURLToPath(new URL(`./${name}.html`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: {
    target: 'es2022',
    rolldownOptions: { input: { index: page('index'), studio: page('studio'), explorer: page('explorer') } },
  },
  // The light client's worker (src/light-client.worker.ts) is an ES module worker with code splitting.
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173 },
});
