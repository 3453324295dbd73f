/**
 * Running the real `framewise` CLI from the benches (motion classification, compositional
 * captions): one child process per command, its output collected, and dist/ rebuilt when src/ is
 * newer, since bin/framewise.js runs the built code.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const CLI = join(REPO, 'bin', 'framewise.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

export function cli(args: string[]): Promise<CliRun> {
  const t0 = performance.now();
  return new Promise((resolvePromise, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) =>
      resolvePromise({ code: code ?? 1, stdout, stderr, seconds: (performance.now() - t0) / 1000 }),
    );
  });
}

/** The CLI's own error line (`error [CODE]: …`), else the last line it wrote. */
export function cliError(r: CliRun, what: string): string {
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('='));
  const line = lines.find((l) => l.startsWith('error')) ?? lines[lines.length - 1] ?? '(no output)';
  // First sentence only: it goes into a table cell (results.json keeps no more, the CLI can repeat it).
  return `${what} exited with ${r.code}: ${line.split('. ')[0]}`;
}

/** The first JSON object the CLI printed on stdout. */
export function parseJson<T>(stdout: string): T {
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as T;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** bin/framewise.js runs dist/: rebuild it when it is missing or older than src/. */
export function ensureBuilt(log: (line: string) => void): void {
  const entry = join(REPO, 'dist', 'cli', 'main.js');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(join(REPO, 'src'))) return;
  log('building the core (npm run build:core)…');
  const r = spawnSync('npm', ['run', 'build:core'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build:core failed');
}
