import { describe, expect, it } from 'vitest';
import { countFrames, decodeFrames } from '../../src/video/decode.js';
import { probe } from '../../src/video/probe.js';
import { thumbnail } from '../../src/video/thumbnails.js';
import type { DecodeOptions, Frame } from '../../src/video/types.js';
import { footage, hasFootage } from '../fixtures/footage.js';
import { meanColor } from '../fixtures/videos.js';

// Real clips come from scripts/fetch-footage.sh (CI runs it). Without them this file fails with
// instructions, unless FRAMEWISE_SKIP_FOOTAGE=1 says to skip on purpose.
const skip = process.env.FRAMEWISE_SKIP_FOOTAGE === '1' && !hasFootage();

async function collect(file: string, options: DecodeOptions): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const frame of decodeFrames(file, options)) frames.push(frame);
  return frames;
}

function meanAbsDiff(a: Frame, b: Frame): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

describe.skipIf(skip)('real footage', () => {
  it('probes every clip', async () => {
    const clips = footage();
    const infos = await Promise.all(Object.values(clips).map((c) => probe(c.file)));
    const summary = infos.map((i) => [i.container, i.codec, i.width, i.height, i.displayWidth, i.fps, i.hasAudio]);
    expect(summary).toEqual([
      ['avi', 'mpeg4', 400, 300, 400, 25, false], // cyclist
      ['avi', 'mpeg4', 400, 300, 400, 25, false], // cyclist2
      ['mp4', 'h264', 720, 576, 768, 25, true], // ball throw: 16:15 pixels → 768 wide
      ['avi', 'vp9', 320, 240, 320, 78125 / 417, true], // ball drop
      ['ogg', 'theora', 400, 304, 400, 25, false], // magnets: no avg_frame_rate, r_frame_rate used
      ['mp4', 'h264', 1280, 720, 1280, 20, true], // cockatoo
      ['mp4', 'h264', 320, 240, 320, 45000 / 1499, true], // realshort
    ]);
    expect(infos.map((i) => i.frameCount)).toEqual([16, 16, 255, 300, 34, 280, 36]);
  });

  it('cyclist (mpeg4/AVI): every frame at native size, with motion between frames', async () => {
    const { cyclist } = footage();
    const info = await probe(cyclist.file);
    const frames = await collect(cyclist.file, { info });
    expect(frames).toHaveLength(16);
    expect(frames.every((f) => f.width === 400 && f.height === 300)).toBe(true);
    expect(meanColor(frames[0]!).every((c) => c > 20)).toBe(true); // daylight scene, not black
    expect(meanAbsDiff(frames[0]!, frames[15]!)).toBeGreaterThan(3); // the cyclist moved
  });

  it('ball throw (h264/MP4, non-square pixels): sampled at 5 fps into 112x112', async () => {
    const { ballThrow } = footage();
    const info = await probe(ballThrow.file);
    const frames = await collect(ballThrow.file, { info, fps: 5, size: 112, fit: 'pad' });
    expect(frames).toHaveLength(countFrames(info, { fps: 5 }));
    expect(frames).toHaveLength(51);
    expect(frames[50]!.timeSec).toBeCloseTo(10, 9);
    // 768x576 padded into 112x112: 112x84 picture, 14 px bars above and below.
    expect(Array.from(frames[20]!.data.subarray(0, 112 * 3 * 10)).every((v) => v === 0)).toBe(true);
  });

  it('cockatoo (h264 720p): a 2 s segment at 224x224, and decode speed', async () => {
    const { cockatoo } = footage();
    const info = await probe(cockatoo.file);
    const segment = await collect(cockatoo.file, { info, start: 5, end: 7, size: 224, fit: 'crop' });
    expect(segment).toHaveLength(40);
    expect(segment[0]!.timeSec).toBe(5);
    expect(segment.every((f) => f.data.length === 224 * 224 * 3)).toBe(true);

    const t0 = performance.now();
    let n = 0;
    for await (const _frame of decodeFrames(cockatoo.file, { info, size: 224, fit: 'crop' })) n++;
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `cockatoo 1280x720 h264 → 224x224 RGB: ${n} frames in ${seconds.toFixed(2)} s = ${(n / seconds).toFixed(0)} fps`,
    );
    expect(n).toBe(280);
  });

  it('ball drop (vp9/AVI at 187 fps) and magnets (theora/Ogg) decode to the predicted counts', async () => {
    const { ballDrop, magnets } = footage();
    for (const clip of [ballDrop, magnets]) {
      const info = await probe(clip.file);
      const frames = await collect(clip.file, { info, fps: 10, size: 64 });
      expect(frames.length, clip.description).toBe(countFrames(info, { fps: 10 }));
    }
  });

  it('thumbnail of real footage', async () => {
    const jpeg = await thumbnail(footage().ballThrow.file, 5, { width: 192 });
    expect(jpeg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });
});
