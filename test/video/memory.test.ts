import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countFrames, decodeFrames } from '../../src/video/decode.js';
import { probe } from '../../src/video/probe.js';
import type { VideoInfo } from '../../src/video/types.js';
import { makeTempDir, makeVideo, removeTempDir, bytesWritten, childProcesses } from '../fixtures/videos.js';

// Correctness checks with generous bounds, not benchmarks: a decoder that buffered the video
// would need the whole output (~345 MB here) in memory.
const MB = 1024 * 1024;
const SIZE = { width: 320, height: 240 };
const FRAME_BYTES = SIZE.width * SIZE.height * 3;

let dir: string;
let file: string;
let info: VideoInfo;

beforeAll(async () => {
  dir = await makeTempDir();
  file = await makeVideo(dir, 'minute.mp4', { durationSec: 60, fps: 25, width: 160, height: 120 });
  info = await probe(file);
});

afterAll(async () => {
  await removeTempDir(dir);
});

describe('memory', () => {
  it('decoding a minute of video keeps memory flat', async () => {
    const expected = countFrames(info, { size: SIZE });
    expect(expected).toBe(1500);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let frames = 0;
    const t0 = performance.now();
    for await (const frame of decodeFrames(file, { info, size: SIZE })) {
      frames++;
      expect(frame.data.length).toBe(FRAME_BYTES);
      if (frames % 50 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const seconds = (performance.now() - t0) / 1000;
    const total = (frames * FRAME_BYTES) / MB;
    const growth = (peak - baseline) / MB;
    console.log(
      `decoded ${frames} frames (${total.toFixed(0)} MB of RGB) in ${seconds.toFixed(1)} s ` +
        `(${(frames / seconds).toFixed(0)} fps); peak RSS growth ${growth.toFixed(0)} MB`,
    );
    expect(frames).toBe(expected);
    expect(growth).toBeLessThan(100);
  });

  it.skipIf(process.platform !== 'linux')('a consumer that stops pulling pauses ffmpeg (backpressure)', async () => {
    const frames = decodeFrames(file, { info, size: SIZE });
    try {
      const first = await frames.next();
      expect(first.done).toBe(false);
      const [pid] = childProcesses('ffmpeg');
      expect(pid).toBeDefined();
      const rssBefore = process.memoryUsage().rss;
      await new Promise((r) => setTimeout(r, 1000));
      const written = bytesWritten(pid!) ?? 0;
      const rssGrowth = (process.memoryUsage().rss - rssBefore) / MB;
      console.log(`after 1 s idle: ffmpeg wrote ${(written / MB).toFixed(1)} MB, RSS grew ${rssGrowth.toFixed(1)} MB`);
      // Pipe buffer + Node's stream buffer + one frame is a few MB; unthrottled would be ~345 MB.
      expect(written).toBeLessThan(16 * MB);
      expect(rssGrowth).toBeLessThan(32);
    } finally {
      await frames.return();
    }
    expect(childProcesses('ffmpeg')).toEqual([]);
  });
});
