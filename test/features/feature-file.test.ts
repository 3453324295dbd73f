import { describe, it, expect } from 'vitest';
import { mkdtemp, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FeatureWriter,
  readFeatureFile,
  readFeatureHeader,
  type FeatureFileMeta,
} from '../../src/features/feature-file.js';
import { toHalf, fromHalf } from '../../src/features/float16.js';
import { npyBytes } from '../../src/export/npy.js';

const meta = (dtype: 'float32' | 'float16', dim = 5): FeatureFileMeta => ({
  backboneId: 'test',
  featureDim: dim,
  dtype,
  fps: 4,
  inputWidth: 224,
  inputHeight: 224,
  videoHash: 'abc',
  createdAt: new Date(0).toISOString(),
});

async function writeSample(file: string, dtype: 'float32' | 'float16', frames = 7, dim = 5): Promise<Float32Array> {
  const w = await FeatureWriter.create(file, meta(dtype, dim));
  const feats = Float32Array.from({ length: frames * dim }, (_, i) => Math.sin(i) * 3);
  // Two appends of uneven size, as the extractor does with a last partial batch.
  await w.append([0, 0.25, 0.5, 0.75], feats.subarray(0, 4 * dim), 4);
  await w.append([1, 1.25, 1.5], feats.subarray(4 * dim), frames - 4);
  expect(await w.finish()).toBe(frames);
  return feats;
}

describe('feature file', () => {
  it('round-trips float32 exactly', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'fw-ff-')), 'a.fwf');
    const feats = await writeSample(file, 'float32');
    const data = await readFeatureFile(file);
    expect(data.header.count).toBe(7);
    expect(data.header.backboneId).toBe('test');
    expect(Array.from(data.times)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5]);
    expect(data.features).toEqual(feats);
  });

  it('round-trips float16 within half precision and halves the payload', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-ff-'));
    const feats = await writeSample(join(dir, 'h.fwf'), 'float16', 7, 64);
    await writeSample(join(dir, 'f.fwf'), 'float32', 7, 64);
    const data = await readFeatureFile(join(dir, 'h.fwf'));
    let maxErr = 0;
    for (let i = 0; i < feats.length; i++) maxErr = Math.max(maxErr, Math.abs(data.features[i]! - feats[i]!));
    expect(maxErr).toBeLessThan(3 * 2 ** -10);
    const h = (await readFeatureHeader(join(dir, 'h.fwf'))).fileSize;
    const f = (await readFeatureHeader(join(dir, 'f.fwf'))).fileSize;
    expect(h).toBeLessThan(f * 0.6);
  });

  it('rejects truncated, unfinished and foreign files with clear errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-ff-'));
    const file = join(dir, 'a.fwf');
    await writeSample(file, 'float32');
    await truncate(file, (await readFile(file)).length - 3);
    await expect(readFeatureFile(file)).rejects.toThrow(/truncated or corrupt/);

    const w = await FeatureWriter.create(join(dir, 'u.fwf'), meta('float32'));
    await w.append([0], new Float32Array(5), 1);
    await w.abort();
    await expect(readFeatureFile(join(dir, 'u.fwf'))).rejects.toThrow(/did not finish/);

    await writeFile(join(dir, 'x.fwf'), 'hello world, not features at all........................................');
    await expect(readFeatureFile(join(dir, 'x.fwf'))).rejects.toThrow(/not a Framewise feature file/);
    await expect(readFeatureFile(join(dir, 'missing.fwf'))).rejects.toThrow(/not found/);
  });

  it('rejects appends with too few values', async () => {
    const w = await FeatureWriter.create(join(await mkdtemp(join(tmpdir(), 'fw-ff-')), 'a.fwf'), meta('float32'));
    await expect(w.append([0, 1], new Float32Array(5), 2)).rejects.toThrow(/expected 2×5/);
    await w.abort();
  });
});

describe('float16', () => {
  it('converts known values', () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(1e6)).toBe(0x7c00);
    expect(toHalf(0)).toBe(0);
    expect(fromHalf(0x3555)).toBeCloseTo(0.33325, 5);
    expect(fromHalf(toHalf(2 ** -20))).toBeCloseTo(2 ** -20, 8);
    expect(Number.isNaN(fromHalf(toHalf(NaN)))).toBe(true);
  });
  it('round-trips all finite halves exactly', () => {
    for (let h = 0; h < 0x7c00; h++) expect(toHalf(fromHalf(h))).toBe(h);
  });
});

describe('npy', () => {
  it('writes a header numpy can read: magic, version, dtype, shape, 64-byte alignment', () => {
    const buf = npyBytes(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(buf.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const headerLen = buf.readUInt16LE(8);
    expect((10 + headerLen) % 64).toBe(0);
    const header = buf.subarray(10, 10 + headerLen).toString('latin1');
    expect(header).toContain("'descr': '<f4'");
    expect(header).toContain("'shape': (2, 3)");
    expect(
      Array.from(new Float32Array(buf.buffer.slice(buf.byteOffset + 10 + headerLen, buf.byteOffset + buf.length))),
    ).toEqual([1, 2, 3, 4, 5, 6]);
    expect(npyBytes(Float64Array.from([1]), [1]).toString('latin1')).toContain("'shape': (1,)");
    expect(() => npyBytes(new Float32Array(5), [2, 3])).toThrow(/needs 6 values/);
  });
});
