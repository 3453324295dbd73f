/**
 * Finding real files in a packaged app: paths inside app.asar map to app.asar.unpacked, and ffmpeg
 * from ffmpeg-static is found there in a simulated install layout (resources/app.asar +
 * resources/app.asar.unpacked/...), as electron-builder writes it.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramewiseError } from '../../src/errors.js';
import {
  MACOS_TOOL_DIRS,
  asarUnpackedPath,
  desktopAppSearchPath,
  isInsideAsar,
  realFileCandidates,
} from '../../src/util/packaged-paths.js';
import { resolveFfmpegPaths } from '../../src/video/ffmpeg-path.js';

describe('asarUnpackedPath', () => {
  it('maps a file inside app.asar to the same path under app.asar.unpacked', () => {
    expect(asarUnpackedPath('/opt/Framewise/resources/app.asar/node_modules/ffmpeg-static/ffmpeg')).toBe(
      '/opt/Framewise/resources/app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg',
    );
    expect(
      asarUnpackedPath('/Applications/Framewise.app/Contents/Resources/app.asar/node_modules/x/bin/lib.dylib'),
    ).toBe('/Applications/Framewise.app/Contents/Resources/app.asar.unpacked/node_modules/x/bin/lib.dylib');
  });

  it('handles Windows paths and other archive names, keeping the separators', () => {
    expect(
      asarUnpackedPath('C:\\Program Files\\Framewise\\resources\\app.asar\\node_modules\\ffmpeg-static\\ffmpeg.exe'),
    ).toBe('C:\\Program Files\\Framewise\\resources\\app.asar.unpacked\\node_modules\\ffmpeg-static\\ffmpeg.exe');
    expect(asarUnpackedPath('/r/app-arm64.asar/a.node')).toBe('/r/app-arm64.asar.unpacked/a.node');
  });

  it('leaves other paths alone: outside an archive, already unpacked, the archive file itself, look-alikes', () => {
    for (const p of [
      '/home/me/framewise/node_modules/ffmpeg-static/ffmpeg',
      '/opt/Framewise/resources/app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg',
      '/opt/Framewise/resources/app.asar',
      '/data/my.asarfile/ffmpeg',
      '/data/app_asar/ffmpeg',
    ]) {
      expect(asarUnpackedPath(p)).toBe(p);
      expect(isInsideAsar(p)).toBe(false);
    }
    expect(isInsideAsar('/opt/Framewise/resources/app.asar/x')).toBe(true);
  });

  it('lists the unpacked copy first, and the path itself once when nothing maps', () => {
    expect(realFileCandidates('/r/app.asar/bin/ffmpeg')).toEqual([
      '/r/app.asar.unpacked/bin/ffmpeg',
      '/r/app.asar/bin/ffmpeg',
    ]);
    expect(realFileCandidates('/usr/bin/ffmpeg')).toEqual(['/usr/bin/ffmpeg']);
  });
});

describe('desktopAppSearchPath', () => {
  it("adds Homebrew's and MacPorts' folders after the PATH a macOS app was given, without duplicates", () => {
    expect(desktopAppSearchPath('/usr/bin:/bin:/usr/sbin:/sbin', 'darwin')).toBe(
      ['/usr/bin', '/bin', '/usr/sbin', '/sbin', ...MACOS_TOOL_DIRS].join(':'),
    );
    expect(desktopAppSearchPath('/usr/local/bin:/usr/bin', 'darwin')).toBe(
      '/usr/local/bin:/usr/bin:/opt/homebrew/bin:/opt/local/bin',
    );
    expect(desktopAppSearchPath(undefined, 'darwin')).toBe(MACOS_TOOL_DIRS.join(':'));
  });

  it('leaves PATH untouched on Linux and Windows', () => {
    expect(desktopAppSearchPath('/usr/bin:/bin', 'linux')).toBe('/usr/bin:/bin');
    expect(desktopAppSearchPath('C:\\Windows;C:\\tools', 'win32')).toBe('C:\\Windows;C:\\tools');
    expect(desktopAppSearchPath(undefined, 'linux')).toBeUndefined();
  });
});

describe('ffmpeg in a simulated packaged app', () => {
  let dir: string;
  let resources: string;
  let unpackedFfmpeg: string;
  let systemBin: string;
  /** What ffmpeg-static's index.js reports when it runs from inside the archive. */
  let reportedInsideAsar: string;

  const stub = async (file: string, mode: number): Promise<void> => {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '#!/bin/sh\necho "ffmpeg version 9.9-stub"\n');
    await chmod(file, mode);
  };
  const requireFrom =
    (reported: string) =>
    (id: string): unknown => {
      if (id === 'ffmpeg-static') return reported;
      throw new Error(`Cannot find module '${id}'`);
    };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fw-packaged-'));
    resources = path.join(dir, 'Framewise', 'resources');
    // The archive is a single file on disk: the OS cannot see into it.
    await mkdir(resources, { recursive: true });
    await writeFile(path.join(resources, 'app.asar'), 'not a real archive');
    unpackedFfmpeg = path.join(resources, 'app.asar.unpacked', 'node_modules', 'ffmpeg-static', 'ffmpeg');
    await stub(unpackedFfmpeg, 0o755);
    reportedInsideAsar = path.join(resources, 'app.asar', 'node_modules', 'ffmpeg-static', 'ffmpeg');
    // ffmpeg-static has no ffprobe: the packaged app takes it from PATH.
    systemBin = path.join(dir, 'system-bin');
    await stub(path.join(systemBin, 'ffprobe'), 0o755);
    await stub(path.join(systemBin, 'ffmpeg'), 0o755);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('spawns the unpacked binary, not the path inside app.asar that ffmpeg-static reports', () => {
    const found = resolveFfmpegPaths({
      env: { PATH: systemBin },
      platform: 'linux',
      requireModule: requireFrom(reportedInsideAsar),
    });
    expect(found.ffmpeg).toBe(unpackedFfmpeg);
    expect(found.source).toBe('ffmpeg-static');
    expect(found.ffprobe).toBe(path.join(systemBin, 'ffprobe'));
    expect(found.ffprobeSource).toBe('path');
  });

  it('falls back to PATH when the unpacked binary is missing, and fails clearly when nothing is there', async () => {
    const elsewhere = path.join(dir, 'other', 'resources', 'app.asar', 'node_modules', 'ffmpeg-static', 'ffmpeg');
    const viaPath = resolveFfmpegPaths({
      env: { PATH: systemBin },
      platform: 'linux',
      requireModule: requireFrom(elsewhere),
    });
    expect(viaPath.ffmpeg).toBe(path.join(systemBin, 'ffmpeg'));
    expect(viaPath.source).toBe('path');

    let error: unknown;
    try {
      resolveFfmpegPaths({ env: { PATH: '' }, platform: 'linux', requireModule: requireFrom(elsewhere) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FramewiseError);
    expect((error as FramewiseError).code).toBe('FFMPEG_NOT_FOUND');
  });

  it('does not take a non-executable unpacked file', async () => {
    const noexec = path.join(
      dir,
      'noexec',
      'resources',
      'app.asar.unpacked',
      'node_modules',
      'ffmpeg-static',
      'ffmpeg',
    );
    await stub(noexec, 0o644);
    const reported = path.join(dir, 'noexec', 'resources', 'app.asar', 'node_modules', 'ffmpeg-static', 'ffmpeg');
    const found = resolveFfmpegPaths({
      env: { PATH: systemBin },
      platform: 'linux',
      requireModule: requireFrom(reported),
    });
    expect(found.source).toBe('path');
  });
});
