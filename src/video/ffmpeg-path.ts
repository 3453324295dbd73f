import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FramewiseError } from '../errors.js';
import { realFileCandidates } from '../util/packaged-paths.js';
import { ffmpegInstallHint } from './install-hint.js';
import { runProcess } from './process.js';

export { ffmpegInstallHint };

/** Where a binary was found; `env` = FFMPEG_PATH / FFPROBE_PATH (or a sibling of FFMPEG_PATH). */
export type FfmpegSource = 'env' | 'ffmpeg-static' | 'path';

export interface FfmpegPaths {
  ffmpeg: string;
  ffprobe: string;
  /** Where `ffmpeg` came from. */
  source: FfmpegSource;
  /** Where `ffprobe` came from; differs from `source` e.g. with ffmpeg-static but ffprobe on PATH. */
  ffprobeSource: FfmpegSource;
}

export interface ResolveFfmpegOptions {
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to `process.platform`. */
  platform?: NodeJS.Platform;
  /** Loads an optional npm package; defaults to a `createRequire` relative to this module. */
  requireModule?: (id: string) => unknown;
}

type Tool = 'ffmpeg' | 'ffprobe';

interface Found {
  file: string;
  source: FfmpegSource;
}

function notFound(detail: string, details?: Record<string, unknown>): FramewiseError {
  return new FramewiseError('FFMPEG_NOT_FOUND', `${detail} ${ffmpegInstallHint()}`, { details });
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    // Windows has no execute bit; a file with a PATHEXT extension is what counts there.
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Environment lookup that is case-insensitive on Windows (PATH vs Path), exact elsewhere. */
function envValue(env: NodeJS.ProcessEnv, key: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return env[key];
  const match = Object.keys(env).find((k) => k.toUpperCase() === key);
  return match === undefined ? undefined : env[match];
}

function executableNames(tool: Tool, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  if (platform !== 'win32') return [tool];
  const exts = (envValue(env, 'PATHEXT', platform) ?? '.EXE;.CMD;.BAT;.COM').split(';').filter((e) => e !== '');
  return exts.map((ext) => tool + ext.toLowerCase());
}

function searchPath(tool: Tool, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const dirs = (envValue(env, 'PATH', platform) ?? '').split(platform === 'win32' ? ';' : ':');
  for (const dir of dirs) {
    // An empty PATH entry means "current directory" to a shell; we deliberately don't honour that.
    if (dir === '') continue;
    for (const name of executableNames(tool, env, platform)) {
      const candidate = path.join(dir, name);
      if (isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

function fromStaticPackage(
  tool: Tool,
  requireModule: (id: string) => unknown,
  platform: NodeJS.Platform,
): string | undefined {
  let exported: unknown;
  try {
    exported = requireModule(tool === 'ffmpeg' ? 'ffmpeg-static' : 'ffprobe-static');
  } catch {
    return undefined; // optional dependency not installed
  }
  // ffmpeg-static exports the path (or null on unsupported platforms); ffprobe-static exports { path }.
  let file: unknown = exported;
  if (typeof exported === 'object' && exported !== null && 'path' in exported) file = exported.path;
  if (typeof file !== 'string' || file === '') return undefined;
  // In a packaged app the package reports a path inside app.asar, which the OS cannot execute; the
  // binary itself is unpacked next to the archive (electron-builder.yml: asarUnpack).
  for (const candidate of realFileCandidates(file)) {
    // The package can be installed while its postinstall download failed, leaving no binary.
    if (isExecutableFile(candidate, platform)) return candidate;
  }
  return undefined;
}

function fromEnv(tool: Tool, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Found | undefined {
  const key = tool === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH';
  const configured = envValue(env, key, platform);
  if (configured !== undefined && configured !== '') {
    // An explicit setting that is wrong is a configuration mistake; falling back silently would hide it.
    if (!isExecutableFile(configured, platform)) {
      throw notFound(`${key} is set to "${configured}", but there is no executable file at that path.`, {
        [key]: configured,
      });
    }
    return { file: configured, source: 'env' };
  }
  if (tool === 'ffprobe') {
    // Most ffmpeg builds ship ffprobe next to ffmpeg, so FFMPEG_PATH alone is usually enough.
    const ffmpegPath = envValue(env, 'FFMPEG_PATH', platform);
    if (ffmpegPath !== undefined && ffmpegPath !== '') {
      const dir = path.dirname(ffmpegPath);
      const ext = path.extname(ffmpegPath);
      const sibling = path.join(dir, `ffprobe${ext}`);
      if (isExecutableFile(sibling, platform)) return { file: sibling, source: 'env' };
    }
  }
  return undefined;
}

function resolveTool(
  tool: Tool,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  requireModule: (id: string) => unknown,
): Found | undefined {
  const viaEnv = fromEnv(tool, env, platform);
  if (viaEnv) return viaEnv;
  const viaPackage = fromStaticPackage(tool, requireModule, platform);
  if (viaPackage !== undefined) return { file: viaPackage, source: 'ffmpeg-static' };
  const viaPath = searchPath(tool, env, platform);
  if (viaPath !== undefined) return { file: viaPath, source: 'path' };
  return undefined;
}

const defaultRequire = createRequire(import.meta.url);

/**
 * Finds ffmpeg and ffprobe without caching: FFMPEG_PATH / FFPROBE_PATH, then the optional
 * ffmpeg-static / ffprobe-static packages, then a PATH search. Each tool is resolved on its own.
 */
export function resolveFfmpegPaths(options: ResolveFfmpegOptions = {}): FfmpegPaths {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const requireModule = options.requireModule ?? defaultRequire;
  const ffmpeg = resolveTool('ffmpeg', env, platform, requireModule);
  const ffprobe = resolveTool('ffprobe', env, platform, requireModule);
  if (!ffmpeg || !ffprobe) {
    const missing = [!ffmpeg ? 'ffmpeg' : undefined, !ffprobe ? 'ffprobe' : undefined].filter(Boolean).join(' and ');
    throw notFound(`Could not find ${missing}.`, { missing });
  }
  return { ffmpeg: ffmpeg.file, ffprobe: ffprobe.file, source: ffmpeg.source, ffprobeSource: ffprobe.source };
}

let cached: FfmpegPaths | undefined;

/** Cached {@link resolveFfmpegPaths}; a failure is not cached, so installing ffmpeg later works. */
export function getFfmpegPaths(): FfmpegPaths {
  cached ??= resolveFfmpegPaths();
  return cached;
}

/** Forget the cached lookup (tests, or after the user changed settings). */
export function resetFfmpegPathsCache(): void {
  cached = undefined;
}

/** Async form of {@link getFfmpegPaths} for callers that treat the lookup as I/O. */
export async function locateFfmpeg(): Promise<FfmpegPaths> {
  return getFfmpegPaths();
}

/** The version string ffmpeg reports, e.g. "5.1.9-0+deb12u1" or "7.1-static"; for diagnostics. */
export async function ffmpegVersion(ffmpeg = getFfmpegPaths().ffmpeg, signal?: AbortSignal): Promise<string> {
  const res = await runProcess(ffmpeg, ['-hide_banner', '-version'], {
    signal,
    purpose: 'asking ffmpeg for its version',
    maxStdoutBytes: 1024 * 1024,
  });
  const firstLine = res.stdout.toString('utf8').split('\n')[0] ?? '';
  const match = /version\s+(\S+)/.exec(firstLine);
  if (res.code !== 0 || !match?.[1]) {
    throw new FramewiseError('FFMPEG_NOT_FOUND', `"${ffmpeg}" did not answer like ffmpeg does. ${ffmpegInstallHint()}`);
  }
  return match[1];
}
