#!/usr/bin/env node
/**
 * postinstall: fetches the binaries that two dependencies download at install time, and never
 * fails the install when a download cannot be made.
 *
 * - electron's install script downloads the Electron binary;
 * - onnxruntime-node's downloads its CUDA provider on Linux x64 (the CPU provider is in the package).
 *
 * Both fail `npm install` outright where downloads are blocked (`getaddrinfo ENOTFOUND`), so
 * package.json's allowScripts denies them and this runs them instead: where the download works,
 * everything is there as before; where it does not, the install finishes and the app runs in serve
 * mode (no Electron) and on the CPU (no CUDA). ELECTRON_SKIP_BINARY_DOWNLOAD=1 and
 * ONNXRUNTIME_NODE_INSTALL=skip skip the attempts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const TIMEOUT_MS = 5 * 60_000;
const require = createRequire(import.meta.url);

function packageDir(name) {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null; // not installed (electron is a devDependency)
  }
}

/** Runs a package's own install script; returns null on success, else a one-line reason. */
function runInstallScript(dir, script) {
  // Without npm_package_json, onnxruntime-node's script would take our postinstall for a
  // development install of its own repository and skip.
  const { npm_package_json: _ownPackage, ...env } = process.env;
  const r = spawnSync(process.execPath, [join(dir, script)], {
    cwd: dir,
    env,
    stdio: ['ignore', 'inherit', 'pipe'],
    timeout: TIMEOUT_MS,
    encoding: 'utf8',
  });
  if (r.status === 0) return null;
  const line = (r.stderr ?? '').split('\n').find((l) => /error/i.test(l)) ?? (r.stderr ?? '').trim().split('\n')[0];
  return r.error?.message ?? (line?.trim() || `exit ${r.status ?? r.signal}`);
}

const notes = [];

const electron = packageDir('electron');
if (electron && !existsSync(join(electron, 'path.txt'))) {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    notes.push('ELECTRON_SKIP_BINARY_DOWNLOAD is set: no Electron binary, `npm start` runs serve mode.');
  } else {
    const why = runInstallScript(electron, 'install.js');
    if (why || !existsSync(join(electron, 'path.txt'))) {
      notes.push(
        `The Electron binary could not be downloaded (${why ?? 'no binary after its install script'}).\n` +
          '  `npm start` runs the app in serve mode (in your browser) and `npm test` skips the Electron\n' +
          '  window spec. For the desktop app, run `node node_modules/electron/install.js` where downloads work.',
      );
    }
  }
}

const ort = packageDir('onnxruntime-node');
if (ort) {
  const why = runInstallScript(ort, join('script', 'install'));
  if (why) {
    notes.push(
      `onnxruntime-node's optional GPU files could not be downloaded (${why}).\n` +
        '  Features and models run on its CPU provider, which is part of the package.',
    );
  }
}

for (const n of notes) process.stdout.write(`\nframewise: ${n}\n`);
if (notes.length > 0) process.stdout.write('\n');
