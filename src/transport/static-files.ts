/**
 * Serving the built renderer, for serve mode (GET /) and Electron's framewise://app protocol alike;
 * each transport reads the file and writes the response itself. Only regular files under the renderer folder are served: no
 * directory listings, and a path that resolves outside the folder (../, encoded slashes, symlinks)
 * is "not found" rather than a hint that something exists there.
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function staticMimeType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface StaticFile {
  path: string;
  size: number;
  mime: string;
}

/**
 * Maps a URL path ("/assets/index-abc.js") to a file in `root`, or null. `root` must be absolute
 * and already resolved with realpath (see {@link resolveRoot}).
 */
export async function findStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const candidate = normalize(join(root, rel));
  if (!isInside(root, candidate)) return null;
  try {
    // realpath so a symlink inside the folder cannot point outside it.
    const real = await realpath(candidate);
    if (!isInside(root, real)) return null;
    const st = await stat(real);
    if (!st.isFile()) return null;
    return { path: real, size: st.size, mime: staticMimeType(real) };
  } catch {
    return null;
  }
}

export async function resolveRoot(dir: string): Promise<string> {
  return realpath(dir);
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}
