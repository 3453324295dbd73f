/**
 * Bad-input corpus through the real extraction path: the onnxruntime (or tfjs fallback) engine from
 * createFeatureEngine(), real ffmpeg, and the core services (project.addVideos, features.extract).
 * Each input must end in a FramewiseError with a clear code and message, or in a correct result when
 * the input is in fact a valid video; nothing may leave a `.partial` behind, and the same engine /
 * services instance must still extract a good video afterwards.
 *
 * probe-level checks of the same files live in test/video/probe.test.ts and decode-level ones in
 * test/video/decode.test.ts; this file checks what a user sees end to end.
 */
import { chmod, copyFile, mkdir, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeatureEngine } from '../../src/features/engines/select.js';
import { extractFeatures, type ExtractResult } from '../../src/features/extract.js';
import { readFeatureFile } from '../../src/features/feature-file.js';
import type { FeatureEngine } from '../../src/features/types.js';
import { createCoreServices, type CoreServices } from '../../src/services/core-services.js';
import type { ApiEvent, JobState } from '../../src/services/contract.js';
import {
  corruptMiddle,
  makeAudioOnly,
  makeEmptyFile,
  makeRandomFile,
  makeStillImage,
  makeTempDir,
  makeTextFile,
  makeTruncated,
  makeVideo,
  removeTempDir,
} from '../fixtures/videos.js';
import {
  OutcomeTable,
  make8k,
  makeHighFps,
  makeOnePixel,
  makeSingleFrame,
  makeZeroFrames,
  mkfifo,
  outcomeOf,
  partialFiles,
  short,
} from './helpers.js';

const isRoot = process.getuid?.() === 0;

let engine: FeatureEngine;
let dir: string;
let good: string;
const table = new OutcomeTable(['input', 'path', 'outcome']);

const tidy = (s: string, n?: number): string => short(s.split(dir).join('<dir>'), n);

beforeAll(async () => {
  dir = await makeTempDir('fw-reliability-');
  [engine, good] = await Promise.all([createFeatureEngine(), makeVideo(dir, 'good.mp4', { durationSec: 2 })]);
});

afterAll(async () => {
  console.log(`\n[reliability] bad inputs (engine: ${engine?.backend})\n${table.markdown()}\n`);
  await engine?.dispose();
  await removeTempDir(dir);
});

type Expect = { code: string; message: RegExp } | { frames: number };

interface Case {
  input: string;
  make: () => Promise<string>;
  fps?: number;
  expect: Expect;
  /** Called on each progress event (e.g. to delete the file mid-way). */
  onProgress?: (file: string, phase: string) => void;
  after?: (file: string, res: ExtractResult) => Promise<void>;
}

let deleted = false;
const cases: Case[] = [
  {
    input: 'empty file (0 bytes) .mp4',
    make: () => makeEmptyFile(dir),
    expect: { code: 'NOT_A_VIDEO', message: /empty \(0 bytes\)/ },
  },
  {
    input: 'random bytes named .mp4',
    make: () => makeRandomFile(dir),
    expect: { code: 'CORRUPT_VIDEO', message: /random\.mp4/ },
  },
  {
    input: 'text named .mp4',
    make: () => makeTextFile(dir),
    expect: { code: 'NOT_A_VIDEO', message: /notes\.mp4/ },
  },
  {
    input: 'truncated mp4 (first half, moov missing)',
    make: async () => makeTruncated(await makeVideo(dir, 'src-trunc.mp4'), dir, 'truncated.mp4', 0.5),
    expect: { code: 'CORRUPT_VIDEO', message: /moov atom not found/ },
  },
  {
    input: 'audio only (AAC in .mp4)',
    make: () => makeAudioOnly(dir, 'audio-only.mp4'),
    expect: { code: 'NOT_A_VIDEO', message: /audio/i },
  },
  {
    input: 'PNG renamed .mp4',
    make: () => makeStillImage(dir, 'picture.mp4'),
    expect: { code: 'NOT_A_VIDEO', message: /still image/ },
  },
  {
    input: 'mp4 with zero frames (no streams)',
    make: () => makeZeroFrames(dir),
    expect: { code: 'NOT_A_VIDEO', message: /zero-frames\.mp4/ },
  },
  { input: '1×1 pixel video, 1 s', make: () => makeOnePixel(dir), expect: { frames: 4 } },
  {
    input: '8K 7680×4320 MJPEG, 1 frame',
    make: () => make8k(dir, 'eight-k-1.avi', 1),
    // By design: probe counts a one-frame MJPEG/PNG stream as a still image (a renamed photo).
    expect: { code: 'NOT_A_VIDEO', message: /still image \(mjpeg\)/ },
  },
  { input: '8K 7680×4320 MJPEG, 2 frames (0.2 s)', make: () => make8k(dir, 'eight-k-2.avi', 2), expect: { frames: 1 } },
  { input: 'single frame (0.1 s)', make: () => makeSingleFrame(dir), expect: { frames: 1 } },
  { input: '1000 fps, 0.5 s, sampled at 4 fps', make: () => makeHighFps(dir), expect: { frames: 2 } },
  {
    input: '1000 fps, 0.5 s, sampled at 240 fps (the maximum)',
    make: () => makeHighFps(dir, 'thousand-fps-240.mp4'),
    fps: 240,
    expect: { frames: 120 },
  },
  {
    input: 'fps request of 241',
    make: async () => good,
    fps: 241,
    expect: { code: 'BAD_ARGUMENT', message: /fps must be between 0 and 240/ },
  },
  {
    input: 'corrupt bytes mid-stream (4 s h264)',
    make: async () => {
      const f = await makeVideo(dir, 'corrupt-middle.mp4', { durationSec: 4 });
      await corruptMiddle(f, 4096);
      return f;
    },
    expect: { frames: 16 },
  },
  {
    input: `unicode, spaces and quotes: vidéo "clip" 'é' 名前.mp4`,
    make: () => makeVideo(dir, `vidéo "clip" 'é' 名前.mp4`),
    expect: { frames: 8 },
  },
  {
    input: 'name starting with "-" and containing ":"',
    make: () => makeVideo(dir, '-i:weird.mp4'),
    expect: { frames: 8 },
  },
  {
    input: 'missing file',
    make: async () => join(dir, 'does-not-exist.mp4'),
    expect: { code: 'FILE_NOT_FOUND', message: /not found/ },
  },
  {
    input: 'folder named .mp4',
    make: async () => {
      const f = join(dir, 'folder.mp4');
      await mkdir(f);
      return f;
    },
    expect: { code: 'FILE_UNREADABLE', message: /is a folder/ },
  },
  {
    input: 'named pipe (FIFO) named .mp4',
    make: async () => {
      const f = join(dir, 'fifo.mp4');
      await mkfifo(f);
      return f;
    },
    expect: { code: 'FILE_UNREADABLE', message: /not a regular file/ },
  },
  {
    input: 'symlink pointing to itself (ELOOP)',
    make: async () => {
      const f = join(dir, 'self-loop.mp4');
      await symlink(f, f);
      return f;
    },
    expect: { code: 'FILE_UNREADABLE', message: /too many (levels of )?symbolic links|ELOOP/i },
  },
  {
    input: isRoot ? 'chmod 000 file (running as root: still readable)' : 'chmod 000 file',
    make: async () => {
      const f = await makeVideo(dir, 'no-permission.mp4');
      await chmod(f, 0o000);
      return f;
    },
    // Root reads through the permission bits; the EACCES → FILE_UNREADABLE mapping is unit-tested in
    // test/video/probe.test.ts. As a normal user the real path is checked here.
    expect: isRoot ? { frames: 8 } : { code: 'FILE_UNREADABLE', message: /No permission/ },
  },
  {
    input: 'file deleted after the first progress event (10 s at 8 fps)',
    make: () => makeVideo(dir, 'deleted-midway.mp4', { durationSec: 10, fps: 8 }),
    fps: 8,
    // ffmpeg already holds the file open; on Linux the data stays readable until it closes it, so
    // the extraction completes with every frame.
    expect: { frames: 80 },
    onProgress: (file, phase) => {
      if (phase === 'extracting' && !deleted) {
        deleted = true;
        void unlink(file);
      }
    },
    after: async (file, res) => {
      expect(deleted).toBe(true);
      expect(existsSync(file)).toBe(false);
      const back = await readFeatureFile(res.file);
      expect(back.header.count).toBe(80);
      expect(back.times[79]).toBeCloseTo(79 / 8, 6);
    },
  },
];

describe('bad inputs through extractFeatures (real engine)', () => {
  for (const [i, c] of cases.entries()) {
    it(c.input, async () => {
      const file = await c.make();
      const fps = c.fps ?? 4;
      // A cache folder per case: several inputs share content with good.mp4 and would be cache hits.
      const cacheDir = join(dir, 'cache', String(i));
      let res: ExtractResult | null = null;
      let error: unknown = null;
      try {
        res = await extractFeatures(file, {
          engine,
          fps,
          cacheDir,
          onProgress: (p) => c.onProgress?.(file, p.phase),
        });
      } catch (e) {
        error = e;
      }
      if (res) table.add(c.input, 'extractFeatures', `ok: ${res.header.count} frames at ${fps} fps`);
      else {
        const o = outcomeOf(error);
        table.add(c.input, 'extractFeatures', `${o.code}: ${tidy(o.message)}`);
      }
      if ('frames' in c.expect) {
        expect(error).toBeNull();
        expect(res!.cached).toBe(false);
        expect(res!.header.count).toBe(c.expect.frames);
        expect(res!.header.featureDim).toBe(engine.featureDim);
        if (c.after) await c.after(file, res!);
      } else {
        expect(res).toBeNull();
        expect(outcomeOf(error).code).toBe(c.expect.code);
        expect(outcomeOf(error).message).toMatch(c.expect.message);
      }
      expect(await partialFiles(cacheDir)).toEqual([]);
    });
  }

  it('the same engine still extracts a good video afterwards', async () => {
    const cacheDir = join(dir, 'cache', 'good');
    const res = await extractFeatures(good, { engine, fps: 5, cacheDir });
    expect(res.cached).toBe(false);
    expect(res.header.count).toBe(10);
    table.add('good 2 s video after all of the above', 'extractFeatures', `ok: ${res.header.count} frames at 5 fps`);
  });

  it('an aborted extraction leaves no partial file and throws ABORTED', async () => {
    const ac = new AbortController();
    const cacheDir = join(dir, 'cache', 'abort');
    const long = await makeVideo(dir, 'abort-me.mp4', { durationSec: 10, fps: 8, source: 'moving-box' });
    const err = await extractFeatures(long, {
      engine,
      fps: 8,
      cacheDir,
      signal: ac.signal,
      onProgress: (p) => (p.phase === 'extracting' ? ac.abort() : undefined),
    }).catch((e: unknown) => e);
    expect(outcomeOf(err).code).toBe('ABORTED');
    expect(await partialFiles(cacheDir)).toEqual([]);
    table.add('AbortSignal fired mid-extraction', 'extractFeatures', `ABORTED: ${tidy(outcomeOf(err).message)}`);
  });
});

describe('bad inputs through the core services (project.addVideos, features.extract)', () => {
  let core: CoreServices;
  let project: string;
  let inbox: string;
  const events: ApiEvent[] = [];

  beforeAll(async () => {
    core = createCoreServices({ transport: 'serve', emit: (e) => events.push(e) });
    project = join(dir, 'project');
    inbox = join(dir, 'inbox');
    await mkdir(join(inbox, 'nested'), { recursive: true });
    await core.api['project.create']({ dir: project, name: 'Reliability' });
    await Promise.all([
      makeVideo(inbox, 'a-good.mp4'),
      makeVideo(inbox, 'b-good.mp4', { source: 'moving-box' }),
      makeVideo(inbox, 'c-good.mp4', { source: 'frame-index' }),
      makeVideo(inbox, 'd-good.mp4', { source: { kind: 'colors', colors: ['red', 'blue'] } }),
      makeVideo(join(inbox, 'nested'), `e "ünïcode" clip.mkv`),
      makeEmptyFile(inbox, 'empty.mp4'),
      makeRandomFile(inbox, 'random.mp4'),
      makeAudioOnly(inbox, 'audio.mp4'),
      makeStillImage(inbox, 'picture.mp4'),
      makeZeroFrames(inbox, 'zero.mp4'),
    ]);
    await writeFile(join(inbox, 'readme.txt'), 'not a video extension: never picked up');
    // Symlink loops: a folder that contains itself, a file link to itself, two links to each other.
    await symlink(inbox, join(inbox, 'nested', 'loop'));
    await symlink(join(inbox, 'self.mp4'), join(inbox, 'self.mp4'));
    await symlink(join(inbox, 'pong.mp4'), join(inbox, 'ping.mp4'));
    await symlink(join(inbox, 'ping.mp4'), join(inbox, 'pong.mp4'));
  });

  afterAll(async () => {
    await core?.dispose();
  });

  it('addVideos on a folder with bad files and symlink loops: adds the good ones, rejects the rest with reasons', async () => {
    const t0 = performance.now();
    const { snapshot, rejected } = await core.api['project.addVideos']({ paths: [inbox] });
    const ms = performance.now() - t0;
    const added = snapshot.project.videos.map((v) => v.path.split('/').pop()).sort();
    expect(added).toEqual(['a-good.mp4', 'b-good.mp4', 'c-good.mp4', 'd-good.mp4', `e "ünïcode" clip.mkv`]);
    const byName = Object.fromEntries(rejected.map((r) => [r.path.split('/').pop(), r]));
    expect(Object.keys(byName).sort()).toEqual(['audio.mp4', 'empty.mp4', 'picture.mp4', 'random.mp4', 'zero.mp4']);
    expect(byName['empty.mp4']!.code).toBe('NOT_A_VIDEO');
    expect(byName['random.mp4']!.code).toBe('CORRUPT_VIDEO');
    expect(byName['audio.mp4']!.code).toBe('NOT_A_VIDEO');
    expect(byName['picture.mp4']!.code).toBe('NOT_A_VIDEO');
    expect(byName['zero.mp4']!.code).toBe('NOT_A_VIDEO');
    for (const r of rejected)
      table.add(
        `folder scan: ${r.path.split('/').pop()}`,
        'project.addVideos',
        `rejected ${r.code}: ${tidy(r.message)}`,
      );
    table.add(
      'folder scan: folder symlink loop, self link, ping↔pong links',
      'project.addVideos',
      `skipped silently (not video files); scan finished in ${Math.round(ms)} ms`,
    );
    // The loop through nested/loop did not add anything twice.
    expect(new Set(added).size).toBe(added.length);
    // A symlink loop given directly (not inside a folder) is reported, not skipped.
    const direct = await core.api['project.addVideos']({ paths: [join(inbox, 'self.mp4')] });
    expect(direct.rejected).toHaveLength(1);
    expect(direct.rejected[0]!.code).toBe('FILE_UNREADABLE');
    table.add(
      'symlink loop given directly',
      'project.addVideos',
      `rejected ${direct.rejected[0]!.code}: ${tidy(direct.rejected[0]!.message)}`,
    );
  });

  it('videos broken after adding fail alone: the job finishes the others and lists every failure', async () => {
    const snap = await core.api['project.current']({});
    const byName = new Map(snap!.project.videos.map((v) => [v.path.split('/').pop()!, v]));
    // Damage three of the five after they were added (replaced, deleted, cut before its index).
    await makeRandomFile(inbox, 'b-good.mp4');
    await rm(join(inbox, 'c-good.mp4'));
    const d = join(inbox, 'd-good.mp4');
    await copyFile(d, join(dir, 'd-copy.mp4'));
    await makeTruncated(join(dir, 'd-copy.mp4'), inbox, 'd-good.mp4', 0.4);

    const { jobId } = await core.api['features.extract']({});
    const job = await core.waitForJob(jobId);
    expect(job.status).toBe('done');
    expect(job.message).toMatch(/3 failed/);
    for (const n of ['b-good.mp4', 'c-good.mp4', 'd-good.mp4']) expect(job.message).toContain(n);
    expect(job.message).toMatch(/c-good\.mp4: Video file not found/);
    table.add(
      '5 videos, 3 broken after adding (random bytes, deleted, truncated)',
      'features.extract job',
      `done, message: ${tidy(job.message ?? '', 160)}`,
    );
    const after = await core.api['project.current']({});
    expect(after!.features[byName.get('a-good.mp4')!.id]).toEqual({ cached: true, frames: 8 });
    expect(after!.features[byName.get(`e "ünïcode" clip.mkv`)!.id]).toEqual({ cached: true, frames: 8 });
    expect(after!.features[byName.get('b-good.mp4')!.id]).toEqual({ cached: false });
    expect(await partialFiles(join(project, 'features'))).toEqual([]);
    // Events carried the failure list too (what the UI shows).
    const last = events
      .filter((e): e is { type: 'job'; job: JobState } => e.type === 'job' && e.job.jobId === jobId)
      .pop();
    expect(last?.job.status).toBe('done');
  });

  it('a job whose only video is broken fails with a readable error, and the services keep working', async () => {
    const snap = await core.api['project.current']({});
    const broken = snap!.project.videos.find((v) => v.path.endsWith('b-good.mp4'))!;
    const { jobId } = await core.api['features.extract']({ videoIds: [broken.id] });
    const job = await core.waitForJob(jobId);
    expect(job.status).toBe('failed');
    // The cause's own code, not a generic DECODE_FAILED (every video failed the same way).
    expect(job.error?.code).toBe('CORRUPT_VIDEO');
    expect(job.error?.message).toContain('b-good.mp4');
    table.add(
      'job with only a broken video',
      'features.extract job',
      `failed ${job.error?.code}: ${tidy(job.error?.message ?? '')}`,
    );

    await makeVideo(inbox, 'f-late.mp4', { durationSec: 3 });
    const { snapshot } = await core.api['project.addVideos']({ paths: [join(inbox, 'f-late.mp4')] });
    const late = snapshot.project.videos.find((v) => v.path.endsWith('f-late.mp4'))!;
    const ok = await core.waitForJob((await core.api['features.extract']({ videoIds: [late.id] })).jobId);
    expect(ok).toMatchObject({ status: 'done', message: '12 frames' });
    table.add('good video added afterwards', 'features.extract job', `done: ${ok.message}`);
    expect(await partialFiles(join(project, 'features'))).toEqual([]);
  });
});
