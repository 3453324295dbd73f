import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramewiseError, type ErrorCode } from '../../src/errors.js';
import { planDecode } from '../../src/video/decode-plan.js';
import { FramePool } from '../../src/video/frame-pool.js';
import { countFrames, decodeFrames } from '../../src/video/decode.js';
import { probe } from '../../src/video/probe.js';
import type { DecodeOptions, Frame, VideoInfo } from '../../src/video/types.js';
import {
  brightCentroidX,
  corruptMiddle,
  makeColorSequence,
  makeMovingBox,
  makeRandomFile,
  makeTempDir,
  makeTruncated,
  makeVideo,
  meanColor,
  pixelAt,
  readFrameIndex,
  removeTempDir,
  storedFrameTimes,
  childProcesses,
} from '../fixtures/videos.js';

const linux = process.platform === 'linux';

let dir: string;
const files: Record<string, string> = {};

async function collect(file: string, options: DecodeOptions = {}): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const frame of decodeFrames(file, options)) frames.push(frame);
  return frames;
}

async function decodeError(file: string, options: DecodeOptions = {}): Promise<FramewiseError> {
  const err = await collect(file, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof FramewiseError)) throw new Error(`expected a FramewiseError, got ${String(err)}`);
  return err;
}

function expectCode(err: FramewiseError, code: ErrorCode): void {
  expect(err.code, err.message).toBe(code);
}

beforeAll(async () => {
  dir = await makeTempDir();
  // Frame-index videos: each frame shows its own number, so we can check which source frame
  // every decoded frame came from. Three containers with three timestamp precisions.
  files.idxMp4 = await makeVideo(dir, 'idx.mp4', { source: 'frame-index', durationSec: 4, fps: 10 });
  files.idxAvi = await makeVideo(dir, 'idx.avi', { source: 'frame-index', durationSec: 4, fps: 10, codec: 'mpeg4' });
  files.idxMkv = await makeVideo(dir, 'idx-ntsc.mkv', { source: 'frame-index', durationSec: 3, fps: 30000 / 1001 });
  files.idxTs = await makeVideo(dir, 'idx.ts', { source: 'frame-index', durationSec: 3, fps: 25 });
  files.colors = await makeColorSequence(dir, 'colors.mp4', { colors: ['red', 'lime', 'blue'], secondsEach: 1 });
  files.boxLtr = await makeMovingBox(dir, 'box-ltr.mp4', { direction: 'left-to-right', durationSec: 2 });
  files.boxRtl = await makeMovingBox(dir, 'box-rtl.webm', { direction: 'right-to-left', durationSec: 2 });
  files.plain = await makeVideo(dir, 'plain.mp4', { durationSec: 1 });
  files.rot90 = await makeVideo(dir, 'rot90.mp4', { durationSec: 1, rotate: 90 });
});

afterAll(async () => {
  await removeTempDir(dir);
});

describe('frame sampling convention: frame i = source frame on screen at start + i/fps', () => {
  // The contract (docs/video-pipeline.md): the last source frame whose stored timestamp is
  // ≤ start + i/fps + 1 ms. Frame n of a frame-index video shows n, so this is checked exactly.
  const TOLERANCE = 0.001;
  const shownAt = (t: number, stored: number[]): number => {
    let n = 0;
    while (n + 1 < stored.length && stored[n + 1]! <= t + TOLERANCE + 1e-9) n++;
    return n;
  };

  const cases: Record<string, DecodeOptions[]> = {
    // 10 fps in mp4: exact timestamps (timebase 1/10240).
    idxMp4: [
      {},
      { fps: 4 },
      { fps: 7, start: 1.05 },
      { fps: 3.3, start: 0.95, end: 2.5 },
      { start: 2.5 },
      { fps: 0.7 },
    ],
    // AVI: timebase 1/10, so a seek target of 1.05 s is not representable.
    idxAvi: [{}, { fps: 7, start: 1.05 }, { fps: 3.3, start: 0.95, end: 2.5 }],
    // 29.97 fps in Matroska: timestamps rounded to whole milliseconds.
    idxMkv: [{}, { fps: 4 }, { fps: 15, end: 1 }, { fps: 7, start: 1.05 }],
    // MPEG-TS: the first frame is stamped 1.4 s; times are still counted from the file start.
    idxTs: [{ fps: 7 }, { fps: 3.3, start: 1.05, end: 2.5 }],
  };

  // Probed once per file: ffmpeg/ffprobe start-up dominates the run time of these small clips.
  const references = new Map<string, Promise<{ info: VideoInfo; stored: number[] }>>();
  const reference = (file: string) => {
    let ref = references.get(file);
    if (!ref) {
      ref = (async () => {
        const info = await probe(file);
        const offset = info.startTimeSec ?? 0;
        return { info, stored: (await storedFrameTimes(file)).map((t) => t - offset) };
      })();
      references.set(file, ref);
    }
    return ref;
  };

  for (const [key, list] of Object.entries(cases)) {
    it.each(list)(`${key} %o`, async (options) => {
      const file = files[key]!;
      const { info, stored } = await reference(file);
      const frames = await collect(file, { ...options, info });
      const fps = options.fps ?? info.fps;
      const start = options.start ?? 0;
      const end = Math.min(options.end ?? info.durationSec, info.durationSec);
      expect(frames.length).toBe(Math.ceil((end - start) * fps - 1e-9));
      expect(frames.length).toBe(countFrames(info, options));
      frames.forEach((f, i) => {
        expect(f.index).toBe(i);
        expect(f.timeSec).toBeCloseTo(start + i / fps, 9);
        expect(readFrameIndex(f), `frame ${i} at ${f.timeSec.toFixed(4)} s`).toBe(shownAt(f.timeSec, stored));
      });
    });
  }
});

describe('seeking', () => {
  it('a seek that lands where nothing decodes falls back to reading from the start', async () => {
    // MPEG-TS has no index; this clip has a single keyframe, so any real seek decodes nothing.
    // Pretending it is indexed forces the seek, and the retry must still give the right frames.
    const info = await probe(files.idxTs!);
    const pretend = { ...info, formatName: 'mov,mp4,m4a,3gp,3g2,mj2' };
    const frames = await collect(files.idxTs!, { info: pretend, start: 2.5, fps: 5 });
    expect(frames.map(readFrameIndex)).toEqual([62, 67, 72]);
  });

  it('unindexed formats are decoded from the start rather than seeked', () => {
    const ts = { formatName: 'mpegts', container: 'mpegts' };
    const base = { path: '/v/a', durationSec: 10, fps: 25, displayWidth: 64, displayHeight: 64 } as VideoInfo;
    expect(planDecode({ ...base, ...ts }, { start: 5 }).args).not.toContain('-ss');
    expect(planDecode({ ...base, formatName: 'matroska,webm' }, { start: 5 }).args).toContain('-ss');
    expect(planDecode({ ...base, formatName: 'matroska,webm' }, { start: 5 }, { seek: false }).args).not.toContain(
      '-ss',
    );
  });
});

describe('frame pool', () => {
  it('gives the same frames whether buffers are fresh or recycled', async () => {
    const fresh = await collect(files.colors!, { fps: 2, size: 16 });
    const pool = new FramePool(16 * 16 * 3);
    const pooled: number[][] = [];
    for await (const f of decodeFrames(files.colors!, { fps: 2, size: 16, framePool: pool })) {
      pooled.push(Array.from(f.data.subarray(0, 6)));
      pool.give(f.data); // done with it: the next frame may land in the same buffer
    }
    expect(pooled).toEqual(fresh.map((f) => Array.from(f.data.subarray(0, 6))));
    expect(pool.available).toBeGreaterThan(0);
    // A pool for another frame size is not used.
    const other = new FramePool(10);
    expect((await collect(files.colors!, { fps: 2, size: 16, framePool: other })).length).toBe(fresh.length);
    expect(other.available).toBe(0);
  });
});

describe('frames', () => {
  it('default size is the display size; data is HxWx3 and owned by the consumer', async () => {
    const frames = await collect(files.colors!, { fps: 1 });
    expect(frames).toHaveLength(3);
    const firstCopy = Uint8Array.from(frames[0]!.data);
    for (const f of frames) {
      expect(f.width).toBe(160);
      expect(f.height).toBe(120);
      expect(f.data).toBeInstanceOf(Uint8Array);
      expect(f.data.length).toBe(160 * 120 * 3);
    }
    // Fresh arrays: keeping frame 0 while decoding on must not see it overwritten.
    expect(frames[0]!.data.buffer).not.toBe(frames[1]!.data.buffer);
    expect(frames[0]!.data).toEqual(firstCopy);
  });

  it('colours come out as RGB', async () => {
    const [red, lime, blue] = (await collect(files.colors!, { fps: 1, size: 32 })).map(meanColor);
    expect(red![0]).toBeGreaterThan(200);
    expect(red![1]).toBeLessThan(60);
    expect(red![2]).toBeLessThan(60);
    expect(lime![1]).toBeGreaterThan(200);
    expect(lime![0]).toBeLessThan(60);
    expect(blue![2]).toBeGreaterThan(200);
    expect(blue![0]).toBeLessThan(60);
  });

  it('output sizes: square number, explicit width/height', async () => {
    const [sq] = await collect(files.plain!, { size: 64, end: 0.1 });
    expect([sq!.width, sq!.height, sq!.data.length]).toEqual([64, 64, 64 * 64 * 3]);
    const [wide] = await collect(files.plain!, { size: { width: 100, height: 30 }, end: 0.1 });
    expect([wide!.width, wide!.height, wide!.data.length]).toEqual([100, 30, 100 * 30 * 3]);
  });

  it('fit modes: stretch, crop (centre) and pad (black bars)', async () => {
    // At t=0 the white 40x40 box sits at the left edge, vertically centred, on black (160x120).
    const white = (f: Frame, x: number, y: number) => pixelAt(f, x, y)[0] > 200;
    const first = async (fit: DecodeOptions['fit']) =>
      (await collect(files.boxLtr!, { size: 120, fit, end: 0.05 }))[0]!;

    const stretch = await first('stretch'); // box → x 0..30, y 40..80
    expect(white(stretch, 25, 60)).toBe(true);
    expect(white(stretch, 35, 60)).toBe(false);

    const crop = await first('crop'); // 20 px cut on each side → box x 0..20
    expect(white(crop, 15, 60)).toBe(true);
    expect(white(crop, 25, 60)).toBe(false);

    const pad = await first('pad'); // scaled to 120x90 at y 15..105 → box x 0..30, y 45..75; bars black
    expect(white(pad, 25, 60)).toBe(true);
    expect(white(pad, 25, 40)).toBe(false);
    expect(pixelAt(pad, 60, 5)).toEqual([0, 0, 0]);
    expect(pixelAt(pad, 60, 115)).toEqual([0, 0, 0]);
  });

  it('moving box: direction is visible in the frame order', async () => {
    const xs = async (file: string) => (await collect(file, { fps: 2 })).map(brightCentroidX);
    const ltr = await xs(files.boxLtr!);
    const rtl = await xs(files.boxRtl!);
    expect(ltr).toHaveLength(4);
    for (let i = 1; i < ltr.length; i++) {
      expect(ltr[i]!).toBeGreaterThan(ltr[i - 1]!);
      expect(rtl[i]!).toBeLessThan(rtl[i - 1]!);
    }
  });

  it('rotation: frames come out as displayed, i.e. the coded frame turned clockwise', async () => {
    const info = await probe(files.rot90!);
    expect(info.rotation).toBe(90);
    const [coded] = await collect(files.plain!, { end: 0.1 });
    const [shown] = await collect(files.rot90!, { end: 0.1 });
    expect([shown!.width, shown!.height]).toEqual([120, 160]);
    // Turning W x H clockwise: display (x, y) shows coded (y, H - 1 - x).
    let mismatches = 0;
    for (let y = 0; y < 160; y += 7) {
      for (let x = 0; x < 120; x += 7) {
        const a = pixelAt(shown!, x, y);
        const b = pixelAt(coded!, y, 119 - x);
        if (Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) > 2) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('variable frame rate input is resampled to evenly spaced frames', async () => {
    const file = await makeVideo(dir, 'vfr.mp4', { vfr: true, fps: 30, durationSec: 2 });
    const info = await probe(file);
    const frames = await collect(file, { info, fps: 10 });
    expect(frames.length).toBe(countFrames(info, { fps: 10 }));
    frames.forEach((f, i) => expect(f.timeSec).toBeCloseTo(i / 10, 9));
  });

  it('unicode, spaces and quotes in the file name', async () => {
    const file = path.join(dir, 'vidéo "quoted" 🎬 it\'s.mp4');
    await copyFile(files.plain!, file);
    expect(await collect(file, { fps: 5 })).toHaveLength(5);
  });
});

describe('stopping early', () => {
  let long: string;
  beforeAll(async () => {
    long = await makeVideo(dir, 'long.mp4', { durationSec: 20, fps: 25 });
  });

  it.skipIf(!linux)('break out of for-await: ffmpeg is gone when the loop ends', async () => {
    let n = 0;
    for await (const _frame of decodeFrames(long, { size: 64 })) {
      if (++n === 3) {
        expect(childProcesses('ffmpeg')).toHaveLength(1);
        break;
      }
    }
    expect(n).toBe(3);
    expect(childProcesses('ffmpeg')).toEqual([]);
  });

  it.skipIf(!linux)('abort while reading: throws ABORTED and ffmpeg is gone', async () => {
    const controller = new AbortController();
    let n = 0;
    const err = await (async () => {
      for await (const _frame of decodeFrames(long, { size: 64, signal: controller.signal })) {
        if (++n === 5) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FramewiseError);
    expectCode(err as FramewiseError, 'ABORTED');
    expect((err as FramewiseError).message).toContain(long);
    expect(n).toBeLessThan(10);
    expect(childProcesses('ffmpeg')).toEqual([]);
  });

  it.skipIf(!linux)('abort while the consumer is not pulling: the next pull throws ABORTED', async () => {
    const controller = new AbortController();
    const frames = decodeFrames(long, { size: 64, signal: controller.signal });
    expect((await frames.next()).done).toBe(false);
    controller.abort();
    const err = await frames.next().catch((e: unknown) => e);
    expectCode(err as FramewiseError, 'ABORTED');
    expect(childProcesses('ffmpeg')).toEqual([]);
    expect((await frames.next()).done).toBe(true);
  });

  it('an already-aborted signal fails before spawning anything', async () => {
    expectCode(await decodeError(long, { signal: AbortSignal.abort() }), 'ABORTED');
  });
});

describe('bad arguments and damaged files', () => {
  let info: VideoInfo;
  beforeAll(async () => {
    info = await probe(files.plain!);
  });

  it.each<[string, DecodeOptions]>([
    ['fps 0', { fps: 0 }],
    ['fps NaN', { fps: Number.NaN }],
    ['negative start', { start: -1 }],
    ['end before start', { start: 0.5, end: 0.2 }],
    ['start past the end', { start: 5 }],
    ['size 0', { size: 0 }],
    ['fractional size', { size: { width: 10.5, height: 10 } }],
    ['unknown fit', { fit: 'zoom' as DecodeOptions['fit'] }],
  ])('%s → BAD_ARGUMENT', async (_name, options) => {
    expect(() => countFrames(info, options)).toThrow(FramewiseError);
    expectCode(await decodeError(files.plain!, { ...options, info }), 'BAD_ARGUMENT');
  });

  it('end past the duration is clamped', () => {
    expect(countFrames(info, { end: 99 })).toBe(10);
  });

  it('file replaced by garbage after probing → DECODE_FAILED with ffmpeg’s reason', async () => {
    const file = path.join(dir, 'replaced.mp4');
    await copyFile(files.plain!, file);
    const before = await probe(file);
    await writeFile(file, 'garbage');
    const err = await decodeError(file, { info: before });
    expectCode(err, 'DECODE_FAILED');
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/Invalid data|moov/);
  });

  it('random bytes are reported by probe, before any decoding', async () => {
    expectCode(await decodeError(await makeRandomFile(dir, 'noise.mkv')), 'CORRUPT_VIDEO');
  });

  it('damaged bytes mid-stream are concealed: all frames still come out', async () => {
    const file = await makeVideo(dir, 'damaged.mp4', { durationSec: 3, faststart: true });
    await corruptMiddle(file, 4096, 0.6);
    const info2 = await probe(file);
    const frames = await collect(file, { info: info2, size: 32 });
    expect(frames.length).toBe(countFrames(info2, {}));
  });

  it('a file cut short (index intact) yields fewer frames than predicted, without an error', async () => {
    const whole = await makeVideo(dir, 'fast.mp4', { durationSec: 4, faststart: true });
    const cut = await makeTruncated(whole, dir, 'fast-cut.mp4', 0.5);
    const info2 = await probe(cut);
    const frames = await collect(cut, { info: info2, size: 32 });
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThan(countFrames(info2, {}));
  });
});
