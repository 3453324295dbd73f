import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramewiseError } from '../../src/errors.js';
import { probe } from '../../src/video/probe.js';
import { filmstrip, filmstripTimes, thumbnail } from '../../src/video/thumbnails.js';
import { makeColorSequence, makeTempDir, makeVideo, meanColor, removeTempDir } from '../fixtures/videos.js';

let dir: string;
let colors: string;
let rotated: string;

/** Minimal decoder for the 8-bit RGB, non-interlaced PNGs our thumbnails are. */
function decodePng(png: Buffer): { width: number; height: number; data: Uint8Array } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect([body[8], body[9], body[12]]).toEqual([8, 2, 0]); // 8-bit, RGB, not interlaced
    }
    if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= 3 ? data[y * stride + x - 3]! : 0;
      const b = y > 0 ? data[(y - 1) * stride + x]! : 0;
      const c = x >= 3 && y > 0 ? data[(y - 1) * stride + x - 3]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter ?? 0] ?? 0;
      data[y * stride + x] = (v + predictor) & 0xff;
    }
  }
  return { width, height, data };
}

/** Width and height from a baseline/progressive JPEG's SOF marker. */
function jpegSize(jpeg: Buffer): { width: number; height: number } {
  expect(jpeg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  let offset = 2;
  while (offset < jpeg.length) {
    const marker = jpeg[offset + 1]!;
    const length = jpeg.readUInt16BE(offset + 2);
    if (marker >= 0xc0 && marker <= 0xc2) {
      return { height: jpeg.readUInt16BE(offset + 5), width: jpeg.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  throw new Error('no SOF marker');
}

beforeAll(async () => {
  dir = await makeTempDir();
  colors = await makeColorSequence(dir, 'colors.mp4', { colors: ['red', 'lime', 'blue'], secondsEach: 1 });
  rotated = await makeVideo(dir, 'portrait.mp4', { rotate: 90, durationSec: 1 });
});

afterAll(async () => {
  await removeTempDir(dir);
});

describe('thumbnail', () => {
  it('PNG at a time shows the frame on screen then', async () => {
    const [r, g, b] = await Promise.all([0.5, 1.5, 2.5].map((t) => thumbnail(colors, t, { width: 16, format: 'png' })));
    const red = meanColor(decodePng(r!));
    const lime = meanColor(decodePng(g!));
    const blue = meanColor(decodePng(b!));
    expect(red[0]).toBeGreaterThan(200);
    expect(lime[1]).toBeGreaterThan(200);
    expect(blue[2]).toBeGreaterThan(200);
    expect(decodePng(r!)).toMatchObject({ width: 16, height: 12 });
  });

  it('JPEG with the height following the display aspect (rotated video is portrait)', async () => {
    expect(jpegSize(await thumbnail(colors, 0, { width: 200 }))).toEqual({ width: 200, height: 150 });
    expect(jpegSize(await thumbnail(rotated, 0.5, { width: 90 }))).toEqual({ width: 90, height: 120 });
  });

  it('times past the end show the last frame; negative times the first', async () => {
    expect(meanColor(decodePng(await thumbnail(colors, 99, { width: 8, format: 'png' })))[2]).toBeGreaterThan(200);
    expect(meanColor(decodePng(await thumbnail(colors, -5, { width: 8, format: 'png' })))[0]).toBeGreaterThan(200);
  });

  it('rejects nonsense', async () => {
    await expect(thumbnail(colors, Number.NaN)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(thumbnail(colors, 1, { width: 0 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(thumbnail(`${dir}/missing.mp4`, 1)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});

describe('filmstrip', () => {
  it('count images at the centres of equal slices', async () => {
    expect(filmstripTimes(3, 3)).toEqual([0.5, 1.5, 2.5]);
    const info = await probe(colors);
    const images = await filmstrip(colors, { count: 3, width: 16, format: 'png', info });
    expect(images).toHaveLength(3);
    const means = images.map((img) => meanColor(decodePng(img)));
    expect(means.map((m) => m.indexOf(Math.max(...m)))).toEqual([0, 1, 2]); // red, lime, blue
  });

  it('JPEG by default; count is validated; abort stops it', async () => {
    const images = await filmstrip(colors, { count: 2 });
    expect(images.map(jpegSize)).toEqual([
      { width: 160, height: 120 },
      { width: 160, height: 120 },
    ]);
    await expect(filmstrip(colors, { count: 0 })).rejects.toBeInstanceOf(FramewiseError);
    await expect(filmstrip(colors, { count: 3, signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });
});
