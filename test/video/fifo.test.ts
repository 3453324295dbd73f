/**
 * Long decodes read ffmpeg's output through a FIFO into a reused buffer (src/video/fifo.ts). The
 * frames must be exactly those of the ordinary stdout pipe, and stopping early, aborting or
 * failing must leave no process, descriptor or FIFO behind.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames } from '../../src/video/decode.js';
import { setFifoEnabled } from '../../src/video/fifo.js';
import type { DecodeOptions } from '../../src/video/types.js';
import { makeTempDir, makeVideo, readFrameIndex, removeTempDir } from '../fixtures/videos.js';

let dir: string;
let video: string;

beforeAll(async () => {
  dir = await makeTempDir();
  video = await makeVideo(dir, 'idx.mp4', { source: 'frame-index', durationSec: 6, fps: 25 });
});
afterAll(() => removeTempDir(dir));
afterEach(() => setFifoEnabled(true));

async function indices(options: DecodeOptions): Promise<number[]> {
  const out: number[] = [];
  for await (const f of decodeFrames(video, options)) out.push(readFrameIndex(f));
  return out;
}

const openFds = (): number => readdirSync('/proc/self/fd').length;

describe.skipIf(process.platform !== 'linux')('FIFO frame reading', () => {
  it('gives the same frames as the stdout pipe', async () => {
    const options = { fps: 10, size: 64 }; // 60 frames: above the FIFO threshold
    setFifoEnabled(false);
    const viaPipe = await indices(options);
    setFifoEnabled(true);
    const viaFifo = await indices(options);
    expect(viaPipe).toHaveLength(60);
    expect(viaFifo).toEqual(viaPipe);
    // The FIFO folder of this process exists and holds only reusable FIFOs.
    const folders = readdirSync(os.tmpdir()).filter((n) => n.startsWith(`framewise-fifo-${process.pid}-`));
    expect(folders).toHaveLength(1);
  });

  it('stopping early, aborting and running twice at once leak no descriptors', async () => {
    await indices({ fps: 10, size: 64 }); // warm: the FIFO exists
    const before = openFds();
    for await (const f of decodeFrames(video, { fps: 10, size: 64 })) if (f.index === 5) break;

    const ac = new AbortController();
    const aborted = (async () => {
      for await (const f of decodeFrames(video, { fps: 10, size: 64, signal: ac.signal })) {
        if (f.index === 3) ac.abort();
      }
    })();
    await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });

    // Two decodes at once each get their own FIFO.
    const [a, b] = await Promise.all([indices({ fps: 10, size: 64 }), indices({ fps: 5, size: 32 })]);
    expect(a).toHaveLength(60);
    expect(b).toHaveLength(30);
    expect(openFds()).toBe(before);
  });

  it('a slow consumer holds ffmpeg back instead of buffering the video', async () => {
    // 600 frames of 640x480 (550 MB raw), of which the first 80 are taken slowly (2.4 s, in which
    // ffmpeg alone would decode them all): memory must not follow the decoder.
    const big = await makeVideo(dir, 'big.mp4', { durationSec: 24, fps: 25, width: 640, height: 480 });
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    for await (const f of decodeFrames(big, {})) {
      await new Promise((r) => setTimeout(r, 30));
      peak = Math.max(peak, process.memoryUsage().rss);
      if (f.index === 80) break;
    }
    expect(peak - rss0).toBeLessThan(100 * 1024 * 1024);
  });
});
