/**
 * File paths in a packaged Electron app. electron-builder packs the app into `resources/app.asar`;
 * the files its `asarUnpack` globs match (see electron-builder.yml) are written to
 * `resources/app.asar.unpacked/` at the same relative path instead. Electron's patched `fs` and
 * `require` read such files transparently through the `app.asar/...` path, but the operating system
 * does not know about archives: a binary handed to `child_process.spawn` (ffmpeg) must be named by
 * its real path under `app.asar.unpacked`.
 *
 * Pure string functions, no Electron import: they are the identity outside a packaged app (an
 * ordinary node_modules path contains no `*.asar` segment), so the CLI and serve mode share them.
 */

/** A path segment that names an archive (`app.asar`, `app-arm64.asar`), followed by more path. */
const ASAR_SEGMENT = /(^|[\\/])([^\\/]+\.asar)(?=[\\/])/;

/** True when `file` points inside an asar archive (not at the archive file itself). */
export function isInsideAsar(file: string): boolean {
  return ASAR_SEGMENT.test(file);
}

/**
 * The path under `<archive>.asar.unpacked` that holds an unpacked file whose packaged path is
 * `file`; `file` unchanged when it is not inside an archive. Keeps the path's own separators.
 *
 * `/opt/Framewise/resources/app.asar/node_modules/ffmpeg-static/ffmpeg`
 * → `/opt/Framewise/resources/app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg`
 */
export function asarUnpackedPath(file: string): string {
  return file.replace(ASAR_SEGMENT, '$1$2.unpacked');
}

/**
 * Where to look for a file that must be real on disk, best first: the unpacked copy, then the path
 * as given (a development checkout, or an app packaged without asar). One entry when they agree.
 */
export function realFileCandidates(file: string): string[] {
  const unpacked = asarUnpackedPath(file);
  return unpacked === file ? [file] : [unpacked, file];
}

/**
 * Folders where macOS package managers put ffmpeg/ffprobe (Homebrew on Apple silicon, Homebrew on
 * Intel, MacPorts). An app started from Finder or the Dock gets launchd's PATH
 * (/usr/bin:/bin:/usr/sbin:/sbin), not the shell's, so without these `brew install ffmpeg` would
 * not be found by the packaged app although `framewise` in a terminal finds it.
 */
export const MACOS_TOOL_DIRS: readonly string[] = ['/opt/homebrew/bin', '/usr/local/bin', '/opt/local/bin'];

/**
 * The PATH a desktop app should search: on macOS the given PATH followed by {@link MACOS_TOOL_DIRS}
 * that it lacks (the user's own order still wins); elsewhere PATH unchanged (Linux desktop sessions
 * and Windows pass the user's PATH on to GUI apps).
 */
export function desktopAppSearchPath(pathValue: string | undefined, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'darwin') return pathValue;
  const dirs = (pathValue ?? '').split(':').filter((d) => d !== '');
  const missing = MACOS_TOOL_DIRS.filter((d) => !dirs.includes(d));
  return [...dirs, ...missing].join(':');
}
