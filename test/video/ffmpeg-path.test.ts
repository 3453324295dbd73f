import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FramewiseError } from '../../src/errors.js';
import {
  ffmpegVersion,
  getFfmpegPaths,
  resetFfmpegPathsCache,
  resolveFfmpegPaths,
} from '../../src/video/ffmpeg-path.js';
import { probe } from '../../src/video/probe.js';
import { makeTempDir, makeVideo, removeTempDir } from '../fixtures/videos.js';

/** ffmpeg-static may be installed with its binary missing (no network at postinstall): that's unusable. */
function ffmpegStaticInstalled(): boolean {
  try {
    const binary: unknown = createRequire(import.meta.url)('ffmpeg-static');
    return typeof binary === 'string' && existsSync(binary);
  } catch {
    return false;
  }
}

let dir: string;
let binA: string; // has ffmpeg + ffprobe
let binB: string; // has only ffmpeg
let notExecutable: string;
let video: string;

async function fakeTool(folder: string, name: string, mode = 0o755): Promise<string> {
  const file = path.join(folder, name);
  await writeFile(file, '#!/bin/sh\necho "ffmpeg version 9.9-fake"\n');
  await chmod(file, mode);
  return file;
}

function catchError(fn: () => unknown): FramewiseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FramewiseError) return e;
    throw e;
  }
  throw new Error('expected a FramewiseError');
}

beforeAll(async () => {
  dir = await makeTempDir();
  binA = path.join(dir, 'bin-a');
  binB = path.join(dir, 'bin-b');
  await mkdir(binA);
  await mkdir(binB);
  await fakeTool(binA, 'ffmpeg');
  await fakeTool(binA, 'ffprobe');
  await fakeTool(binB, 'ffmpeg');
  notExecutable = await fakeTool(dir, 'ffmpeg-noexec', 0o644);
  video = await makeVideo(dir, 'clip.mp4', { durationSec: 1 });
});

afterAll(async () => {
  await removeTempDir(dir);
});

const noPackages = (): never => {
  throw new Error('Cannot find module');
};

describe('resolveFfmpegPaths', () => {
  it('prefers FFMPEG_PATH / FFPROBE_PATH', () => {
    const env = { FFMPEG_PATH: path.join(binA, 'ffmpeg'), FFPROBE_PATH: path.join(binA, 'ffprobe'), PATH: binB };
    expect(resolveFfmpegPaths({ env, requireModule: noPackages })).toEqual({
      ffmpeg: path.join(binA, 'ffmpeg'),
      ffprobe: path.join(binA, 'ffprobe'),
      source: 'env',
      ffprobeSource: 'env',
    });
  });

  it('finds ffprobe next to FFMPEG_PATH when FFPROBE_PATH is unset', () => {
    const paths = resolveFfmpegPaths({ env: { FFMPEG_PATH: path.join(binA, 'ffmpeg') }, requireModule: noPackages });
    expect(paths.ffprobe).toBe(path.join(binA, 'ffprobe'));
    expect(paths.ffprobeSource).toBe('env');
  });

  it('rejects an FFMPEG_PATH that is not an executable file instead of silently falling back', () => {
    for (const bad of [path.join(dir, 'nope', 'ffmpeg'), notExecutable, binA]) {
      const err = catchError(() =>
        resolveFfmpegPaths({ env: { FFMPEG_PATH: bad, PATH: binA }, requireModule: noPackages }),
      );
      expect(err.code).toBe('FFMPEG_NOT_FOUND');
      expect(err.message).toContain(bad);
    }
  });

  it('uses ffmpeg-static / ffprobe-static when their binaries exist', () => {
    const requireModule = (id: string): unknown =>
      id === 'ffmpeg-static' ? path.join(binA, 'ffmpeg') : { path: path.join(binA, 'ffprobe') };
    expect(resolveFfmpegPaths({ env: { PATH: binB }, requireModule })).toMatchObject({
      source: 'ffmpeg-static',
      ffprobeSource: 'ffmpeg-static',
    });
  });

  it('skips ffmpeg-static when its binary is missing (failed postinstall download) or it exports null', () => {
    for (const exported of [path.join(dir, 'missing', 'ffmpeg'), null]) {
      const paths = resolveFfmpegPaths({ env: { PATH: binA }, requireModule: () => exported });
      expect(paths).toMatchObject({ ffmpeg: path.join(binA, 'ffmpeg'), source: 'path', ffprobeSource: 'path' });
    }
  });

  it('searches PATH in order, skipping empty entries and non-executables', () => {
    const env = { PATH: ['', path.join(dir, 'missing'), binB, binA].join(':') };
    const paths = resolveFfmpegPaths({ env, requireModule: noPackages });
    expect(paths).toEqual({
      ffmpeg: path.join(binB, 'ffmpeg'),
      ffprobe: path.join(binA, 'ffprobe'),
      source: 'path',
      ffprobeSource: 'path',
    });
  });

  it('throws FFMPEG_NOT_FOUND naming all three ways to install when nothing is found', () => {
    const err = catchError(() => resolveFfmpegPaths({ env: { PATH: binB }, requireModule: noPackages }));
    expect(err.code).toBe('FFMPEG_NOT_FOUND');
    expect(err.message).toContain('ffprobe');
    expect(err.message).toContain('FFMPEG_PATH');
    expect(err.message).toContain('FFPROBE_PATH');
    expect(err.message).toContain('ffmpeg-static');
    expect(err.message).toContain('apt-get install ffmpeg');
  });
});

describe('cached lookup', () => {
  const saved = {
    FFMPEG_PATH: process.env.FFMPEG_PATH,
    FFPROBE_PATH: process.env.FFPROBE_PATH,
    PATH: process.env.PATH,
  };

  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetFfmpegPathsCache();
  });

  it('finds the real ffmpeg on this machine and caches it', async () => {
    resetFfmpegPathsCache();
    const first = getFfmpegPaths();
    // With ffmpeg-static installed but its download missing, the lookup must fall through to PATH.
    if (!ffmpegStaticInstalled() && !process.env.FFMPEG_PATH) expect(first.source).toBe('path');
    expect(getFfmpegPaths()).toBe(first);
    expect(await ffmpegVersion(first.ffmpeg)).toMatch(/^\S+$/);
  });

  it('probe() fails with FFMPEG_NOT_FOUND when FFMPEG_PATH points nowhere and PATH is empty', async () => {
    process.env.FFMPEG_PATH = path.join(dir, 'nowhere', 'ffmpeg');
    delete process.env.FFPROBE_PATH;
    process.env.PATH = '';
    resetFfmpegPathsCache();
    const err = await probe(video).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FramewiseError);
    expect((err as FramewiseError).code).toBe('FFMPEG_NOT_FOUND');
    expect((err as FramewiseError).message).toMatch(/FFMPEG_PATH.*ffmpeg-static.*apt-get install ffmpeg/s);

    // Without FFMPEG_PATH either, nothing at all is found (unless ffmpeg-static got installed).
    if (!ffmpegStaticInstalled()) {
      delete process.env.FFMPEG_PATH;
      resetFfmpegPathsCache();
      const err2 = await probe(video).catch((e: unknown) => e);
      expect((err2 as FramewiseError).code).toBe('FFMPEG_NOT_FOUND');
    }
  });

  it.skipIf(ffmpegStaticInstalled())('a failed lookup is not cached', async () => {
    process.env.PATH = '';
    delete process.env.FFMPEG_PATH;
    delete process.env.FFPROBE_PATH;
    resetFfmpegPathsCache();
    expect(() => getFfmpegPaths()).toThrow(FramewiseError);
    process.env.PATH = saved.PATH ?? '';
    if (saved.FFMPEG_PATH !== undefined) process.env.FFMPEG_PATH = saved.FFMPEG_PATH;
    if (saved.FFPROBE_PATH !== undefined) process.env.FFPROBE_PATH = saved.FFPROBE_PATH;
    expect(getFfmpegPaths().ffmpeg).toBeTruthy();
    expect((await probe(video)).durationSec).toBeCloseTo(1, 1);
  });
});
