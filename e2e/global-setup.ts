/**
 * Builds what the tests run: the core (dist/, tsc) and the renderer (out/renderer). Always rebuilt,
 * because testing a stale build passes or fails for the wrong reasons; set FRAMEWISE_E2E_SKIP_BUILD=1
 * to reuse existing outputs while iterating on a spec.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/paths.js';

function run(args: string[]): number {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  return r.status ?? 1;
}

export default function globalSetup(): void {
  if (process.env['FRAMEWISE_E2E_SKIP_BUILD'] === '1') return;
  const tsc = run([join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  // tsc still emits when it finds type errors. Type errors are the typecheck step's job; e2e tests
  // behaviour, so it goes on as long as the entry point was written.
  if (tsc !== 0) {
    if (!existsSync(join(ROOT, 'dist/serve/cli-serve.js'))) throw new Error('tsc -p tsconfig.build.json failed');
    process.stderr.write('warning: tsc reported type errors (above); running e2e against the emitted output\n');
  }
  const vite = run([
    join(ROOT, 'node_modules/vite/bin/vite.js'),
    'build',
    '--config',
    'renderer/vite.config.ts',
    '--logLevel',
    'warn',
  ]);
  if (vite !== 0) throw new Error('vite build (renderer) failed');
}
