/**
 * `framewise serve`: the app in a browser, backed by the real core services. Resolves once the
 * server has shut down (SIGINT/SIGTERM or `signal`), so the CLI can await it and then exit.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toFramewiseError } from '../errors.js';
import { createCoreServices } from '../services/core-services.js';
import { defaultStateDir } from '../util/state-dir.js';
import { openBrowser } from './open-browser.js';
import { startServer, type ServerHandle } from './server.js';

export interface RunServeOptions {
  port?: number;
  /** Open the URL in the default browser. */
  open?: boolean;
  /** Open this project at start (it can also be created or opened from the UI). */
  projectDir?: string;
  /** Default: out/renderer next to this package (what `npm run build:renderer` writes). */
  rendererDir?: string;
  /** Stops the server like SIGINT does (tests, embedding). */
  signal?: AbortSignal;
  /** Called once listening. */
  onListening?: (handle: ServerHandle) => void;
  log?: (line: string) => void;
}

/** dist/serve/ and src/serve/ are both two levels below the package root. */
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

export async function runServe(opts: RunServeOptions = {}): Promise<void> {
  const log = opts.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const rendererDir = opts.rendererDir ?? DEFAULT_RENDERER_DIR;
  if (!existsSync(join(rendererDir, 'index.html'))) {
    log(`Warning: the app is not built (${rendererDir} has no index.html). Run \`npm run build:renderer\`.`);
  }
  const server = await startServer({
    port: opts.port ?? 0,
    rendererDir,
    services: (emit) => createCoreServices({ transport: 'serve', emit, stateDir: defaultStateDir() }),
  });

  if (opts.projectDir) {
    try {
      const snap = await server.services.api['project.open']({ dir: opts.projectDir });
      log(`Opened project "${snap.project.name}" (${snap.root}).`);
    } catch (e) {
      // Keep serving: the UI can create or open a project, and shows why this one failed if retried.
      log(`Could not open project ${opts.projectDir}: ${toFramewiseError(e).message}`);
    }
  }

  log(`Framewise is running at ${server.url}`);
  log('Press Ctrl+C to stop.');
  if (opts.open) openBrowser(server.url);
  opts.onListening?.(server);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      opts.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener('abort', stop);
  });
  log('Stopping…');
  await server.close();
}
