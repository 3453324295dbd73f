/**
 * The save lock: held locks make the next saver wait, and a lock left by a dead process is broken
 * at once, whether it names that process or (killed between create and write) names nobody.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { withFileLock } from '../../src/store/project-lock.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-lock-'));
  file = join(dir, 'project.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

it('the lock names its holder while held and is gone afterwards, leaving no private files', async () => {
  const seen = await withFileLock(file, async () => readdir(dir));
  expect(seen).toEqual(['project.json.lock']);
  expect(await readdir(dir)).toEqual([]);
});

it('a second saver waits for the first instead of building on the same revision', async () => {
  const order: string[] = [];
  const first = withFileLock(file, async () => {
    order.push('a start');
    await new Promise((r) => setTimeout(r, 150));
    order.push('a end');
  });
  await new Promise((r) => setTimeout(r, 20));
  await withFileLock(file, async () => void order.push('b'));
  await first;
  expect(order).toEqual(['a start', 'a end', 'b']);
});

it('a lock naming a dead process is broken at once', async () => {
  await writeFile(`${file}.lock`, String(deadPid()));
  const t0 = Date.now();
  expect(await withFileLock(file, async () => 'saved')).toBe('saved');
  expect(Date.now() - t0).toBeLessThan(1000);
});

it('an empty lock (its writer killed before writing the pid) is broken after 2 s, not after a minute', async () => {
  await writeFile(`${file}.lock`, '');
  const old = new Date(Date.now() - 3000);
  await utimes(`${file}.lock`, old, old);
  const t0 = Date.now();
  expect(await withFileLock(file, async () => 'saved')).toBe('saved');
  expect(Date.now() - t0).toBeLessThan(1000);
});
