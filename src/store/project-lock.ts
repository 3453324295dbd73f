/**
 * A lock file around "read the revision on disk, write the next one", so that two processes (the
 * app and the CLI) saving the same project cannot both build on one revision. `project.json.lock`
 * is created exclusively and names its owner's pid; a lock whose process is gone (kill -9 mid-save)
 * or that is far older than any save takes is broken by the next saver.
 */
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { FramewiseError } from '../errors.js';
import { processAlive } from '../util/process-alive.js';

/** No save holds the lock this long; an older one is left over. */
const STALE_MS = 60_000;
const WAIT_MS = 15_000;

async function isStale(file: string): Promise<boolean> {
  const [text, st] = await Promise.all([readFile(file, 'utf8').catch(() => ''), stat(file).catch(() => null)]);
  if (!st) return false; // gone already: try again
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) return true;
  return Date.now() - st.mtimeMs > STALE_MS;
}

/** Runs `fn` holding `<file>.lock`; waits (up to 15 s) for another holder to finish. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + WAIT_MS;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const fh = await open(lock, 'wx', 0o644);
      try {
        await fh.writeFile(String(process.pid));
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (await isStale(lock)) {
        await unlink(lock).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline)
        throw new FramewiseError(
          'CONFLICT',
          `Another program has been saving this project for over ${WAIT_MS / 1000} s (${lock}); try again, or delete that file if no Framewise is running.`,
        );
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}
