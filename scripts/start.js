#!/usr/bin/env node
/**
 * `npm start`: the desktop app when the Electron binary is installed, otherwise serve mode (the same
 * app in a browser). Builds whatever is missing first. Options (after `npm start --`):
 *   --serve          force serve mode
 *   --port <n>       serve mode port (default: a free one)
 *   --project <dir>  open this project at start (serve mode)
 *   --no-open        do not open a browser (serve mode)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);

/**
 * Path of the Electron executable, or null. `import 'electron'` throws when the binary was never
 * downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD), so this reads the package's own path.txt instead.
 */
function electronBinary() {
  try {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const exe = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

/** Runs a build step; `output` is what it must produce: tsc writes it even when it reports type errors. */
function run(label, args, output) {
  process.stdout.write(`${label}…\n`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status === 0) return;
  if (output && existsSync(join(root, output))) {
    process.stderr.write(`warning: ${label} reported errors; starting anyway with what it produced.\n`);
    return;
  }
  process.stderr.write(`${label} failed (exit ${r.status ?? r.signal}).\n`);
  process.exit(r.status ?? 1);
}

function ensureCore() {
  const entry = 'dist/serve/cli-serve.js';
  if (!existsSync(join(root, entry))) {
    run(
      'Building the core (tsc -p tsconfig.build.json)',
      [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.build.json'],
      entry,
    );
  }
}

function startElectron(exe) {
  // The main process imports the core from dist/ (see electron.vite.config.ts).
  ensureCore();
  const built = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].every((f) =>
    existsSync(join(root, f)),
  );
  if (!built)
    run('Building the desktop app (electron-vite build)', [bin('electron-vite', 'bin/electron-vite.js'), 'build']);
  const child = spawn(exe, ['.'], { cwd: root, stdio: 'inherit' });
  const forward = (sig) => () => child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function startServe(opts) {
  ensureCore();
  if (!existsSync(join(root, 'out/renderer/index.html'))) {
    run('Building the app (vite build)', [bin('vite', 'bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts']);
  }
  const { runServe } = await import(pathToFileURL(join(root, 'dist/serve/cli-serve.js')).href);
  await runServe({
    port: opts.port === undefined ? 0 : Number(opts.port),
    open: !opts['no-open'],
    ...(opts.project ? { projectDir: opts.project } : {}),
  });
}

const { values } = parseArgs({
  options: {
    serve: { type: 'boolean' },
    port: { type: 'string' },
    project: { type: 'string' },
    'no-open': { type: 'boolean' },
  },
});

const exe = values.serve ? null : electronBinary();
if (exe) {
  startElectron(exe);
} else {
  if (!values.serve) process.stdout.write('Electron binary not found; starting serve mode\n');
  startServe(values).catch((e) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
