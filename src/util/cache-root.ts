import os from 'node:os';
import path from 'node:path';

/** `FRAMEWISE_CACHE_DIR`, else `$XDG_CACHE_HOME/framewise`, else `~/.cache/framewise`. */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FRAMEWISE_CACHE_DIR) return path.resolve(env.FRAMEWISE_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME;
  // XDG says relative values are invalid and must be ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'framewise');
}
