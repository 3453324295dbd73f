/**
 * Remembered probe results. Import, thumbnails, the filmstrip, proxies and extraction all probe the
 * same files, and each ffprobe run costs 0.1–0.2 s of process start-up (about 8 % of extracting a
 * one-minute video). Results are keyed by (ffprobe binary, absolute path, size, mtime in ns, inode,
 * device): a changed file is probed again, and failures are never stored.
 *
 * Two levels: a map in memory (256 files) and small JSON files under `<cache>/probes/` so that a
 * restarted app does not probe its project's videos again. The disk level is best effort: any
 * read or write problem just means running ffprobe.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { atomicWriteFile } from '../util/atomic-write.js';
import { defaultCacheRoot } from '../util/cache-root.js';
import { getFfmpegPaths } from './ffmpeg-path.js';
import type { VideoInfo } from './types.js';

const MEMORY_LIMIT = 256;
/** Files kept on disk (about 1 KB each); beyond it the oldest quarter goes. */
const DISK_LIMIT = 4000;
const memory = new Map<string, VideoInfo>();
let writesSincePrune = 0;

/** `<cache root>/probes` (see defaultCacheRoot); null, memory only, with FRAMEWISE_PROBE_CACHE=0. */
export function probeCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.FRAMEWISE_PROBE_CACHE === '0') return null;
  return path.join(defaultCacheRoot(env), 'probes');
}

export async function probeCacheKey(file: string): Promise<string | undefined> {
  try {
    const st = await stat(file, { bigint: true });
    // The ffprobe binary is part of the key: a different one (FFPROBE_PATH) may read the file differently.
    return `${getFfmpegPaths().ffprobe}\0${path.resolve(file)}\0${st.size}\0${st.mtimeNs}\0${st.ino}\0${st.dev}`;
  } catch {
    return undefined;
  }
}

function diskFile(dir: string, key: string): string {
  return path.join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
}

function looksLikeVideoInfo(v: unknown): v is VideoInfo {
  const o = v as Record<string, unknown> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.durationSec === 'number' &&
    typeof o.fps === 'number' &&
    typeof o.displayWidth === 'number' &&
    typeof o.displayHeight === 'number' &&
    typeof o.codec === 'string'
  );
}

/** The remembered result for `key`, from memory or disk; the caller gets its own copy. */
export async function recallProbe(key: string): Promise<VideoInfo | undefined> {
  const hit = memory.get(key);
  if (hit) {
    // Most recently used last, so the oldest entry is the one dropped.
    memory.delete(key);
    memory.set(key, hit);
    return { ...hit };
  }
  const dir = probeCacheDir();
  if (!dir) return undefined;
  try {
    const stored = JSON.parse(await readFile(diskFile(dir, key), 'utf8')) as { key?: unknown; info?: unknown };
    if (stored.key !== key || !looksLikeVideoInfo(stored.info)) return undefined;
    remember(key, stored.info);
    return { ...stored.info };
  } catch {
    return undefined;
  }
}

function remember(key: string, info: VideoInfo): void {
  memory.set(key, info);
  if (memory.size > MEMORY_LIMIT) memory.delete(memory.keys().next().value as string);
}

/** Disk writes not finished yet, so that clearing the folder waits for them instead of racing them. */
const writing = new Set<Promise<void>>();

/**
 * Stores a successful probe in memory and on disk; resolves once the disk entry is written (never
 * rejects: a failed write only means probing again later). probe() awaits it: a write still in
 * flight after probe() resolved raced whoever removed the folder next (an app quitting, a test
 * cleaning up, rm failing with ENOTEMPTY) and could recreate it afterwards.
 */
export async function storeProbe(key: string, info: VideoInfo): Promise<void> {
  remember(key, { ...info });
  const dir = probeCacheDir();
  if (!dir) return;
  const write = (async () => {
    await mkdir(dir, { recursive: true });
    await atomicWriteFile(diskFile(dir, key), JSON.stringify({ key, info }));
    if (++writesSincePrune >= 100) {
      writesSincePrune = 0;
      await prune(dir);
    }
  })().catch(() => undefined);
  writing.add(write);
  try {
    await write;
  } finally {
    writing.delete(write);
  }
}

async function prune(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  if (names.length <= DISK_LIMIT) return;
  const dated = await Promise.all(
    names.map(async (n) => ({
      n,
      t: await stat(path.join(dir, n)).then(
        (s) => s.mtimeMs,
        () => 0,
      ),
    })),
  );
  dated.sort((a, b) => a.t - b.t);
  for (const { n } of dated.slice(0, Math.ceil(names.length / 4)))
    await unlink(path.join(dir, n)).catch(() => undefined);
}

/** Forgets remembered results: memory only, or (`disk: true`, for benchmarks) the stored files too. */
export async function clearProbeCache(options: { disk?: boolean } = {}): Promise<void> {
  memory.clear();
  const dir = probeCacheDir();
  if (!options.disk || !dir) return;
  // A probe running concurrently may be writing; let it finish so rm does not race it.
  await Promise.all(writing);
  await rm(dir, { recursive: true, force: true });
}
