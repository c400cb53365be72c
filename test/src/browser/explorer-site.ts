/**
 * The explorer page (`demo-player/explorer.html`) as the explorer's browser tests open it: built
 * alone by Vite (the demo's other pages are not needed) into a temp dir while the test starts its
 * chain, then served with a demo-config.json naming the test's chain and relays.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, PageErrors, serveStatic, staticFilesIn, type StaticFiles } from './harness.ts';

const DEMO = fileURLToPath(new URL('./', import.meta.resolve('@dipnet/demo-player/package.json')));

interface ExplorerBuild {
  /** The built files by URL path. */
  readonly files: Promise<StaticFiles>;
  /** Waits for a build still running (when setup failed) and removes its output. */
  cleanup(): Promise<void>;
}

/** Starts building the explorer now; `files` resolves when it is done. */
function buildExplorer(): ExplorerBuild {
  let outDir = '';
  const files = (async () => {
    outDir = await mkdtemp(join(tmpdir(), 'dipnet-explorer-'));
    await build({
      configFile: false, root: DEMO, logLevel: 'error',
      build: { outDir, emptyOutDir: true, target: 'es2022', rolldownOptions: { input: { explorer: join(DEMO, 'explorer.html') } } },
      worker: { format: 'es' },
    });
    return staticFilesIn(outDir);
  })();
  return {
    files,
    async cleanup() {
      await files.catch(() => undefined);
      if (outDir) await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** What the explorer reads from /demo-config.json. */
export interface DemoConfig { chainId: string; genesisHash: string; relays: string[]; products: Record<string, string> }

/**
 * The explorer in headless Chromium: the build starts when this is made (so a test sets up its
 * chain meanwhile); open() serves it with `config` as /demo-config.json and axe-core (for
 * accessibility checks, same origin) and opens a page whose errors `errors` collects.
 */
export class ExplorerSession {
  private readonly build = buildExplorer();
  private site: Awaited<ReturnType<typeof serveStatic>> | undefined;
  private browser: Browser | undefined;
  readonly errors = new PageErrors();
  /** The served files by URL path; live, so a test may take the config away. */
  files: StaticFiles = {};
  /** The site's origin, once open. */
  base = '';

  async open(config: DemoConfig): Promise<Page> {
    this.files = await this.build.files;
    this.files['/demo-config.json'] = ['application/json', JSON.stringify({ ...config, multiaddrs: [] })];
    this.files['/axe.js'] = ['text/javascript; charset=utf-8', axe.source];
    this.site = await serveStatic(this.files);
    this.base = this.site.base;
    this.browser = await launchChromium();
    const page = await (await this.browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    this.errors.watch(page);
    return page;
  }

  async close(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    await this.site?.close().catch(() => undefined);
    await this.build.cleanup();
  }
}
