/**
 * A lock file around "read the revision on disk, write the next one", so that two processes (the
 * app and the CLI) saving the same project cannot both build on one revision. `project.json.lock`
 * is created exclusively and names its owner's pid; a lock whose process is gone (kill -9 mid-save)
 * or that is far older than any save takes is broken by the next saver. The pid is written to a
 * private file first and that file is hard-linked into place, so a lock never exists without its
 * pid: a process killed between "create" and "write" would otherwise leave an empty lock that only
 * the age rule could break, a minute later.
 */
import { link, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { FramewiseError } from '../errors.js';
import { processAlive } from '../util/process-alive.js';

/** No save holds the lock this long; an older one is left over. */
const STALE_MS = 60_000;
const WAIT_MS = 15_000;
/** An empty lock (made where hard links are not supported) older than this lost its writer. */
const EMPTY_STALE_MS = 2_000;

async function isStale(file: string): Promise<boolean> {
  const [text, st] = await Promise.all([readFile(file, 'utf8').catch(() => ''), stat(file).catch(() => null)]);
  if (!st) return false; // gone already: try again
  const age = Date.now() - st.mtimeMs;
  if (text.trim() === '') return age > EMPTY_STALE_MS;
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) return true;
  return age > STALE_MS;
}

/** Creates `lock` holding this pid, atomically; throws EEXIST when it is held. */
async function createLock(lock: string): Promise<void> {
  const mine = `${lock}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(mine, String(process.pid), { mode: 0o644 });
  try {
    await link(mine, lock);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw e;
  } finally {
    await unlink(mine).catch(() => undefined);
  }
  // No hard links on this file system (FAT, some network shares): create, then write.
  const fh = await open(lock, 'wx', 0o644);
  try {
    await fh.writeFile(String(process.pid));
  } finally {
    await fh.close();
  }
}

/** Runs `fn` holding `<file>.lock`; waits (up to 15 s) for another holder to finish. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + WAIT_MS;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      await createLock(lock);
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
