/**
 * probe() remembers results per (ffprobe, path, size, mtime, inode): a second look at the same file
 * starts no process, a changed file is read again.
 */
import { existsSync, readdirSync } from 'node:fs';
import { chmod, copyFile, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getFfmpegPaths, resetFfmpegPathsCache } from '../../src/video/ffmpeg-path.js';
import { clearProbeCache, probe } from '../../src/video/probe.js';
import { makeTempDir, makeVideo, removeTempDir } from '../fixtures/videos.js';

let dir: string;
let counter: string;
const savedEnv = { ffprobe: process.env.FFPROBE_PATH, cache: process.env.FRAMEWISE_CACHE_DIR };

beforeAll(async () => {
  dir = await makeTempDir();
  // An ffprobe that counts its runs and then does the real work.
  counter = path.join(dir, 'runs.txt');
  const realProbe = getFfmpegPaths().ffprobe;
  const wrapper = path.join(dir, 'counting-ffprobe');
  await writeFile(wrapper, `#!/bin/sh\necho run >> '${counter}'\nexec '${realProbe}' "$@"\n`);
  await chmod(wrapper, 0o755);
  process.env.FFPROBE_PATH = wrapper;
  process.env.FRAMEWISE_CACHE_DIR = path.join(dir, 'cache');
  resetFfmpegPathsCache();
});

afterAll(async () => {
  if (savedEnv.ffprobe === undefined) delete process.env.FFPROBE_PATH;
  else process.env.FFPROBE_PATH = savedEnv.ffprobe;
  if (savedEnv.cache === undefined) delete process.env.FRAMEWISE_CACHE_DIR;
  else process.env.FRAMEWISE_CACHE_DIR = savedEnv.cache;
  resetFfmpegPathsCache();
  await removeTempDir(dir);
});

afterEach(() => clearProbeCache({ disk: true }));

async function runs(): Promise<number> {
  return (await readFile(counter, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
}

describe.skipIf(process.platform === 'win32')('probe cache', () => {
  it('answers a second probe of an unchanged file without running ffprobe', async () => {
    const file = await makeVideo(dir, 'same.mp4', { durationSec: 1 });
    const before = await runs();
    const a = await probe(file);
    const b = await probe(file);
    expect(await runs()).toBe(before + 1);
    expect(b).toEqual(a);
    // Callers get their own copy.
    b.durationSec = -1;
    expect((await probe(file)).durationSec).toBe(a.durationSec);
    // fresh: true asks ffprobe again.
    await probe(file, { fresh: true });
    expect(await runs()).toBe(before + 2);
  });

  it('probes again when the file changes (content, mtime) and reports the path it was asked for', async () => {
    const file = await makeVideo(dir, 'changing.mp4', { durationSec: 1 });
    const longer = await makeVideo(dir, 'longer.mp4', { durationSec: 2 });
    const before = await runs();
    const first = await probe(file);
    await copyFile(longer, file);
    const second = await probe(file);
    expect(second.durationSec).toBeGreaterThan(first.durationSec + 0.5);
    const stamp = new Date(Date.now() + 5000);
    await utimes(file, stamp, stamp);
    await probe(file);
    expect(await runs()).toBe(before + 3);

    const alias = path.join(dir, '.', 'changing.mp4');
    expect((await probe(alias)).path).toBe(alias);
    expect(await runs()).toBe(before + 3);
  });

  it('has the disk entry written when probe() resolves, and writes nothing after', async () => {
    // An app that quits (or a test that cleans up) right after a probe must not race a late write:
    // rm of the folder failed with ENOTEMPTY, or the write recreated it afterwards.
    const file = await makeVideo(dir, 'settled.mp4', { durationSec: 1 });
    const probes = path.join(dir, 'cache', 'probes');
    await probe(file);
    // Synchronous, so no I/O callback of a background write can run in between.
    expect(readdirSync(probes).filter((n) => n.endsWith('.json'))).toHaveLength(1);
    await rm(probes, { recursive: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(probes)).toBe(false);
  });

  it('remembers across restarts on disk (unless FRAMEWISE_PROBE_CACHE=0), and ignores a damaged entry', async () => {
    const file = await makeVideo(dir, 'restart.mp4', { durationSec: 1 });
    const before = await runs();
    const first = await probe(file);
    await clearProbeCache(); // memory only: as after a restart
    expect(await probe(file)).toEqual(first);
    expect(await runs()).toBe(before + 1);

    // A damaged file on disk is just a miss.
    const probes = path.join(dir, 'cache', 'probes');
    for (const name of await readdir(probes)) await writeFile(path.join(probes, name), '{ not json');
    await clearProbeCache();
    expect(await probe(file)).toEqual(first);
    expect(await runs()).toBe(before + 2);

    process.env.FRAMEWISE_PROBE_CACHE = '0';
    try {
      await clearProbeCache();
      await probe(file);
      expect(await runs()).toBe(before + 3);
    } finally {
      delete process.env.FRAMEWISE_PROBE_CACHE;
    }
  });

  it('does not remember failures, and a deleted file is an error, not a cached answer', async () => {
    const file = await makeVideo(dir, 'gone.mp4', { durationSec: 1 });
    await probe(file);
    await rm(file);
    await expect(probe(file)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    const bad = path.join(dir, 'bad.mp4');
    await writeFile(bad, 'not a video at all');
    const before = await runs();
    await expect(probe(bad)).rejects.toMatchObject({ code: 'NOT_A_VIDEO' });
    await expect(probe(bad)).rejects.toMatchObject({ code: 'NOT_A_VIDEO' });
    expect(await runs()).toBe(before + 2);
  });
});
