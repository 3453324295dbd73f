import { readdir, realpath, stat } from 'node:fs/promises';
import { join, extname } from 'node:path';

export const VIDEO_EXTENSIONS = new Set([
  '.mp4',
  '.m4v',
  '.mov',
  '.avi',
  '.mkv',
  '.webm',
  '.mpg',
  '.mpeg',
  '.wmv',
  '.flv',
  '.ts',
  '.mts',
  '.3gp',
  '.ogv',
]);

/**
 * Expands paths to video files: files are kept as given (a non-video file is reported later by probe,
 * with a clear reason), folders are scanned recursively for video extensions. Symlink loops are
 * cut by remembering real paths.
 */
export async function expandVideoPaths(paths: string[], maxDepth = 8): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string, depth: number): Promise<void> => {
    let real: string;
    try {
      real = await realpath(dir);
    } catch {
      return;
    }
    if (seen.has(real) || depth > maxDepth) return;
    seen.add(real);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory() || e.isSymbolicLink()) {
        const st = await stat(p).catch(() => null);
        if (st?.isDirectory()) {
          await walk(p, depth + 1);
          continue;
        }
        if (!st?.isFile()) continue;
      }
      if (VIDEO_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(p);
    }
  };
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    if (st?.isDirectory()) await walk(p, 0);
    else out.push(p);
  }
  return out;
}
