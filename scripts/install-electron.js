#!/usr/bin/env node
/**
 * postinstall: fetches the Electron binary, and never fails the install when it cannot.
 *
 * Electron's own install script downloads its binary and fails `npm install` where downloads are
 * blocked (`getaddrinfo ENOTFOUND`), so package.json's allowScripts denies it and this runs it
 * instead: where the download works the desktop app is there as before; where it does not, the
 * install finishes and `npm start` runs serve mode (the same app in a browser). Set
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1 to skip the attempt.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const TIMEOUT_MS = 5 * 60_000;

function electronDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null; // production install (electron is a devDependency)
  }
}

const dir = electronDir();
if (!dir) process.exit(0);
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  process.stdout.write('framewise: ELECTRON_SKIP_BINARY_DOWNLOAD is set; `npm start` will run serve mode.\n');
  process.exit(0);
}
if (existsSync(join(dir, 'path.txt'))) process.exit(0); // already installed (e.g. by an npm that ran its script)

const r = spawnSync(process.execPath, [join(dir, 'install.js')], {
  cwd: dir,
  stdio: ['ignore', 'inherit', 'pipe'],
  timeout: TIMEOUT_MS,
  encoding: 'utf8',
});
if (r.status === 0 && existsSync(join(dir, 'path.txt'))) process.exit(0);

const why = r.error?.message ?? (r.stderr || '').trim().split('\n')[0] ?? `exit ${r.status}`;
process.stdout.write(
  `\nframewise: the Electron binary could not be downloaded (${why || `exit ${r.status ?? r.signal}`}).\n` +
    '  Everything else is installed: `npm start` runs the app in serve mode (in your browser), and\n' +
    '  `npm test` skips the Electron window spec. To get the desktop app later, run\n' +
    '  `node node_modules/electron/install.js` where downloads work.\n\n',
);
process.exit(0);
