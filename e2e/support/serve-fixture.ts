/**
 * A worker-scoped fixture running `framewise serve` as a child process, exactly as a user would
 * (built dist/ + out/renderer, real core services), on a random port with a temp folder holding a
 * generated video and room for a project.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test as base } from '@playwright/test';
import { ROOT } from './paths.js';
import { makeTestVideo } from './video.js';

export interface ServeInfo {
  /** Full URL with ?token=. */
  url: string;
  origin: string;
  token: string;
  /** Empty folder to create the project in. */
  projectDir: string;
  videoPath: string;
  /** Everything the server printed so far (for failure messages). */
  log(): string;
}

/** A serve-mode server of its own (a spec that restarts the server starts a second one). */
export async function startServe(tmp: string): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const entry = pathToFileURL(join(ROOT, 'dist/serve/cli-serve.js')).href;
  const code = `const { runServe } = await import(${JSON.stringify(entry)}); await runServe({ port: 0, open: false });`;
  // A script file, not `--input-type=module -e`: worker threads (training) inherit execArgv, and
  // --input-type makes them fail to start.
  const script = join(tmp, 'start-serve.mjs');
  await writeFile(script, code);
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { ...process.env, HOME: process.env['HOME'] ?? tmp, FRAMEWISE_STATE_DIR: join(tmp, 'state') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /Framewise is running at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${output}`));
    });
  });
  return { child, url, log: () => output };
}

export const test = base.extend<object, { serve: ServeInfo }>({
  serve: [
    async ({}, use) => {
      const tmp = await mkdtemp(join(tmpdir(), 'framewise-e2e-'));
      const videos = join(tmp, 'videos');
      await mkdir(videos);
      const videoPath = makeTestVideo(videos);
      const { child, url, log } = await startServe(tmp);
      const u = new URL(url);
      await use({
        url,
        origin: u.origin,
        token: u.searchParams.get('token')!,
        projectDir: join(tmp, 'project'),
        videoPath,
        log,
      });
      // SIGTERM is how a user's Ctrl+C / service manager stops it: it must exit cleanly.
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
      if (code === 'timeout') child.kill('SIGKILL');
      await rm(tmp, { recursive: true, force: true });
      if (code !== 0) throw new Error(`serve did not exit cleanly on SIGTERM (${code}):\n${log()}`);
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

export { expect } from '@playwright/test';
