/**
 * End-to-end checks of the shipped backbones: tfjs weights from the nsfwjs package -> ONNX in a fresh
 * cache -> onnxruntime engine, compared with the original tfjs-layers model on the wasm backend, on
 * frames rendered by ffmpeg (testsrc / mandelbrot / smptebars, the same rgb24 bytes the app decodes).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedModelPath, ensureOnnxModel } from '../../src/features/backbones/materialise.js';
import { DEFAULT_BACKBONE_ID, getBackbone, listBackbones } from '../../src/features/backbones/registry.js';
import type { BackboneManifest } from '../../src/features/backbones/registry.js';
import { createOnnxEngine } from '../../src/features/engines/onnx-engine.js';
import type { OnnxFeatureEngine } from '../../src/features/engines/onnx-engine.js';
import { createFeatureEngine } from '../../src/features/engines/select.js';
import type { FeatureEngine } from '../../src/features/types.js';

const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';

function render(source: string, size: number, count: number): Uint8Array {
  const args = ['-v', 'error', '-f', 'lavfi', '-i', `${source}=size=${size}x${size}:rate=1`];
  args.push('-frames:v', String(count), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-');
  const r = spawnSync(FFMPEG, args, { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.error?.message ?? r.stderr.toString()}`);
  const out = new Uint8Array(r.stdout);
  expect(out.length).toBe(count * size * size * 3);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function compare(a: Float32Array, b: Float32Array): { maxAbsDiff: number; maxAbs: number; relative: number } {
  let maxAbsDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs((a[i] as number) - (b[i] as number)));
    maxAbs = Math.max(maxAbs, Math.abs(b[i] as number));
  }
  return { maxAbsDiff, maxAbs, relative: maxAbsDiff / maxAbs };
}

function row(features: Float32Array, dim: number, i: number): Float32Array {
  return features.subarray(i * dim, (i + 1) * dim);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** The float32 conversion, the default backbone (its int8 forms are checked in quantize-int8.test.ts). */
const FLOAT_MOBILENET = 'mobilenet_v2_nsfwjs';
const INT8_MOBILENET = 'mobilenet_v2_nsfwjs_int8_v2';

let cacheRoot: string;
beforeAll(async () => {
  cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'framewise-backbone-'));
});
afterAll(async () => {
  await rm(cacheRoot, { recursive: true, force: true });
});

describe('backbone registry', () => {
  it('lists the shipped manifests with licence and origin', async () => {
    const all = await listBackbones();
    const ids = all.map((b) => b.id);
    expect(ids).toContain(DEFAULT_BACKBONE_ID);
    expect(ids).toContain('inception_v3_nsfwjs');
    for (const b of all) {
      expect(b.builtin).toBe(true);
      expect(b.license).toBe('MIT');
      expect(b.origin).toMatch(/nsfwjs/);
    }
    const mobilenet = await getBackbone();
    expect(mobilenet).toMatchObject({ inputWidth: 224, inputHeight: 224, featureDim: 1280, featureLayer: 'flatten_1' });
    expect(mobilenet.normalisation.scale[0]).toBeCloseTo(1 / 255, 12);
    await expect(getBackbone('nope')).rejects.toMatchObject({ code: 'BACKBONE_UNAVAILABLE' });
  });
});

describe('MobileNetV2 (nsfwjs) on onnxruntime vs tfjs-wasm', () => {
  let spec: BackboneManifest;
  let onnx: FeatureEngine;
  let tfjs: FeatureEngine;
  let frames: Uint8Array;
  const N = 8;

  beforeAll(async () => {
    spec = await getBackbone(FLOAT_MOBILENET);
    frames = concat([render('testsrc', 224, 3), render('mandelbrot', 224, 3), render('smptebars', 224, 2)]);
    const built = await ensureOnnxModel(spec, { cacheRoot });
    expect(built.origin).toBe('built');
    console.log(`[backbone] MobileNetV2 -> ONNX: ${built.ms.toFixed(0)} ms, ${(built.bytes / 1e6).toFixed(2)} MB`);
    onnx = await createFeatureEngine(FLOAT_MOBILENET, { cacheRoot });
    tfjs = await createFeatureEngine(FLOAT_MOBILENET, { prefer: 'tfjs-wasm', strict: true });
  });
  afterAll(async () => {
    await onnx?.dispose();
    await tfjs?.dispose();
  });

  it('reports the engines in use', () => {
    expect(onnx.backend).toMatch(/^onnxruntime-node 1\.\d+\.\d+ cpu \(\d+ threads/);
    expect(tfjs.backend).toMatch(/^tfjs 4\.\d+\.\d+ wasm$/);
    expect([onnx.featureDim, onnx.inputWidth, onnx.inputHeight]).toEqual([1280, 224, 224]);
  });

  it('gives [N, 1280] features numerically equal to the tfjs reference', async () => {
    const a = await onnx.embed(frames, N);
    const b = await tfjs.embed(frames, N);
    expect(a.length).toBe(N * 1280);
    expect(b.length).toBe(N * 1280);
    const stats = compare(a, b);
    console.log(
      `[backbone] MobileNetV2 onnx vs tfjs-wasm over ${N} frames: max |diff| ${stats.maxAbsDiff.toExponential(2)}, ` +
        `max |feature| ${stats.maxAbs.toFixed(3)}, relative ${stats.relative.toExponential(2)}`,
    );
    expect(stats.maxAbs).toBeGreaterThan(0.5);
    expect(stats.relative).toBeLessThan(1e-4);
    for (const v of a) expect(Number.isFinite(v)).toBe(true);
  });

  it('gives different features for different images', async () => {
    const f = await onnx.embed(frames, N);
    const testsrc = row(f, 1280, 0);
    const mandelbrot = row(f, 1280, 3);
    const bars = row(f, 1280, 6);
    expect(cosine(testsrc, mandelbrot)).toBeLessThan(0.95);
    expect(cosine(testsrc, bars)).toBeLessThan(0.95);
    expect(cosine(mandelbrot, bars)).toBeLessThan(0.95);
    // Consecutive testsrc frames differ only by the moving digits: close, but not identical.
    expect(cosine(testsrc, row(f, 1280, 1))).toBeGreaterThan(0.9);
  });

  it('gives the same per-frame features at batch 1 and batch 16', async () => {
    const sixteen = concat([frames, frames]);
    const batched = await onnx.embed(sixteen, 16);
    const single = new Float32Array(16 * 1280);
    for (let i = 0; i < 16; i++) {
      const one = await onnx.embed(sixteen.subarray(i * 224 * 224 * 3, (i + 1) * 224 * 224 * 3), 1);
      single.set(one, i * 1280);
    }
    const stats = compare(batched, single);
    expect(stats.maxAbsDiff).toBeLessThan(1e-5 * stats.maxAbs);
  });

  it('rejects input of the wrong size', async () => {
    await expect(onnx.embed(new Uint8Array(100), 1)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect((await onnx.embed(new Uint8Array(0), 0)).length).toBe(0);
  });
});

describe('ONNX cache', () => {
  it('reuses a valid file and rebuilds a corrupted or unrecorded one', async () => {
    const spec = await getBackbone(INT8_MOBILENET);
    const file = cachedModelPath(spec, cacheRoot);
    await ensureOnnxModel(spec, { cacheRoot });
    expect((await ensureOnnxModel(spec, { cacheRoot })).origin).toBe('cache');

    const bytes = await readFile(file);
    const mid = bytes.length >> 1;
    bytes[mid] = (bytes[mid] as number) ^ 0xff;
    await writeFile(file, bytes);
    const rebuilt = await ensureOnnxModel(spec, { cacheRoot });
    expect(rebuilt.origin).toBe('built');

    await truncate(file, 1000);
    expect((await ensureOnnxModel(spec, { cacheRoot })).origin).toBe('built');

    await rm(`${file}.json`);
    expect((await ensureOnnxModel(spec, { cacheRoot })).origin).toBe('built');
    const record = JSON.parse(await readFile(`${file}.json`, 'utf8')) as { sha256: string; packageName: string };
    expect(record).toMatchObject({ sha256: rebuilt.sha256, packageName: 'nsfwjs' });
    // An int8 build records which calibration it was built with: new ranges mean a rebuild.
    expect(record).toMatchObject({ quantization: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const recalibrated = { ...spec, quantization: { ...spec.quantization!, calibration: 'new ranges' } };
    expect((await ensureOnnxModel(recalibrated, { cacheRoot })).origin).toBe('built');
  });

  it('shares one build between concurrent callers', async () => {
    const spec = await getBackbone(DEFAULT_BACKBONE_ID);
    await rm(`${cachedModelPath(spec, cacheRoot)}.json`);
    const [a, b] = await Promise.all([ensureOnnxModel(spec, { cacheRoot }), ensureOnnxModel(spec, { cacheRoot })]);
    expect(a).toBe(b);
  });
});

describe('execution providers', () => {
  it('falls back to cpu when a GPU provider is unavailable', async () => {
    const spec = await getBackbone(DEFAULT_BACKBONE_ID);
    const { path: modelPath } = await ensureOnnxModel(spec, { cacheRoot });
    const engine: OnnxFeatureEngine = await createOnnxEngine(spec, modelPath, { executionProvider: 'cuda' });
    try {
      // This CPU-only machine has no CUDA; on a GPU machine the provider may load, which is fine too.
      if (engine.executionProvider === 'cpu') {
        expect(engine.fallbackReason).toMatch(/cuda/);
        expect(engine.backend).toMatch(/ cpu \(/);
      }
      expect((await engine.embed(new Uint8Array(224 * 224 * 3), 1)).length).toBe(1280);
    } finally {
      await engine.dispose();
    }
  });

  it("'auto' (the default) falls back to the CPU with the reason and gives the CPU's features", async () => {
    const spec = await getBackbone(DEFAULT_BACKBONE_ID);
    const { path: modelPath } = await ensureOnnxModel(spec, { cacheRoot });
    const frame = new Uint8Array(224 * 224 * 3).map((_, i) => (i * 37 + (i >> 9) * 11) & 255);
    const auto = await createOnnxEngine(spec, modelPath);
    const cpu = await createOnnxEngine(spec, modelPath, { executionProvider: 'cpu' });
    try {
      expect(cpu.executionProvider).toBe('cpu');
      expect(cpu.fallbackReason).toBeUndefined();
      const [a, c] = [await auto.embed(frame, 1), await cpu.embed(frame, 1)];
      let maxDiff = 0;
      for (let i = 0; i < c.length; i++) maxDiff = Math.max(maxDiff, Math.abs((a[i] ?? NaN) - (c[i] ?? NaN)));
      if (auto.executionProvider === 'cpu') {
        if (process.platform === 'linux') expect(auto.fallbackReason).toMatch(/^cuda unavailable: /);
        expect(maxDiff).toBeLessThan(1e-5);
      } else expect(maxDiff).toBeLessThan(1e-2); // a GPU's kernels round differently
    } finally {
      await auto.dispose();
      await cpu.dispose();
    }
  });
});

describe('engine selection', () => {
  it('falls back to tfjs-wasm when the ONNX model cannot be prepared, and says why', async () => {
    // A cache "folder" that is a file: the conversion cannot be written.
    const blocked = path.join(cacheRoot, 'not-a-dir');
    await writeFile(blocked, 'x');
    const fallbacks: string[] = [];
    const engine = await createFeatureEngine(FLOAT_MOBILENET, {
      cacheRoot: blocked,
      onFallback: (kind, error) => fallbacks.push(`${kind}: ${error.code}: ${error.message}`),
    });
    try {
      expect(engine.backend).toMatch(/^tfjs .* wasm$/);
      expect(fallbacks).toHaveLength(1);
      expect(fallbacks[0]).toMatch(
        /^onnx: BACKBONE_UNAVAILABLE: Cannot write the model cache file .*FRAMEWISE_CACHE_DIR/,
      );
    } finally {
      await engine.dispose();
    }
    await expect(createFeatureEngine(FLOAT_MOBILENET, { cacheRoot: blocked, strict: true })).rejects.toMatchObject({
      code: 'BACKBONE_UNAVAILABLE',
    });
  });

  it('never runs an int8 backbone on tfjs-wasm, which would give float features under the int8 id', async () => {
    const blocked = path.join(cacheRoot, 'not-a-dir-either');
    await writeFile(blocked, 'x');
    await expect(createFeatureEngine(INT8_MOBILENET, { cacheRoot: blocked })).rejects.toMatchObject({
      code: 'BACKBONE_UNAVAILABLE',
      message: expect.stringMatching(/Cannot write the model cache file/),
    });
    await expect(createFeatureEngine(INT8_MOBILENET, { prefer: 'tfjs-wasm', strict: true })).rejects.toMatchObject({
      code: 'BACKBONE_UNAVAILABLE',
      message: expect.stringMatching(/int8.*onnxruntime.*mobilenet_v2_nsfwjs/),
    });
  });
});

describe('InceptionV3 (nsfwjs)', () => {
  it('converts and matches tfjs-wasm on 2 frames', async () => {
    const spec = await getBackbone('inception_v3_nsfwjs');
    const built = await ensureOnnxModel(spec, { cacheRoot });
    console.log(`[backbone] InceptionV3 -> ONNX: ${built.ms.toFixed(0)} ms, ${(built.bytes / 1e6).toFixed(1)} MB`);
    const frames = concat([render('mandelbrot', 299, 1), render('testsrc', 299, 1)]);
    const onnx = await createFeatureEngine(spec, { cacheRoot });
    const tfjs = await createFeatureEngine(spec, { prefer: 'tfjs-wasm', strict: true });
    try {
      const a = await onnx.embed(frames, 2);
      const b = await tfjs.embed(frames, 2);
      expect(a.length).toBe(2 * 2048);
      const stats = compare(a, b);
      console.log(
        `[backbone] InceptionV3 onnx vs tfjs-wasm: max |diff| ${stats.maxAbsDiff.toExponential(2)}, relative ${stats.relative.toExponential(2)}`,
      );
      expect(stats.relative).toBeLessThan(1e-4);
    } finally {
      await onnx.dispose();
      await tfjs.dispose();
    }
  });
});
