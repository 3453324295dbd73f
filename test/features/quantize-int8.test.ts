/**
 * The int8 backbones: the QDQ rewrite on a small graph (exact arithmetic on every CPU), a proof from
 * the graphs alone that no shipped int8 backbone can saturate an int16 pair sum (AVX2 without VNNI),
 * and the shipped int8 MobileNetV2s against their float original on real footage.
 */
import * as ort from 'onnxruntime-node';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackbone, parseManifest } from '../../src/features/backbones/registry.js';
import { createFeatureEngine } from '../../src/features/engines/select.js';
import { ensureOnnxModel } from '../../src/features/backbones/materialise.js';
import { dequantizeWeights, loadNpmTfjsModel } from '../../src/features/backbones/tfjs-source.js';
import { convertKerasToOnnx } from '../../src/features/onnx/keras-to-onnx.js';
import type { GraphInit } from '../../src/features/onnx/onnx-model.js';
import { DataType, GraphBuilder, attr, encodeModel, floatTensor } from '../../src/features/onnx/onnx-model.js';
import {
  activationTensors,
  int16PairOverflows,
  quantizeGraphQdq,
  quantizeWeightsPerChannel,
  uint8Params,
} from '../../src/features/onnx/quantize-qdq.js';
import type { FeatureEngine } from '../../src/features/types.js';
import { decodeFrames } from '../../src/video/decode.js';
import { footage, hasFootage } from '../fixtures/footage.js';

const skipFootage = process.env.FRAMEWISE_SKIP_FOOTAGE === '1' && !hasFootage();

describe('QDQ quantization helpers', () => {
  it('picks uint8 parameters that keep 0 exact and cover the range', () => {
    expect(uint8Params(0, 6)).toEqual({ scale: 6 / 255, zeroPoint: 0 });
    const p = uint8Params(-1, 3);
    expect(p.scale).toBeCloseTo(4 / 255, 9);
    expect(p.zeroPoint).toBe(64);
    // A range that excludes 0 is widened to include it.
    expect(uint8Params(2, 4)).toEqual({ scale: 4 / 255, zeroPoint: 0 });
    expect(() => uint8Params(1, 0)).toThrow(/bad calibration range/);
    expect(() => uint8Params(Number.NaN, 1)).toThrow(/bad calibration range/);
  });

  it('quantizes weights symmetrically per output channel', () => {
    const w = new Float32Array([0.6, -1, 0.25, 10, -4, 2.5]);
    const { values, scales } = quantizeWeightsPerChannel(w, 2);
    expect(Array.from(scales)).toEqual([1 / 127, 10 / 127].map(Math.fround));
    expect(Array.from(values)).toEqual([76, -127, 32, 127, -51, 32]);
    expect(() => quantizeWeightsPerChannel(w, 4)).toThrow(/do not split/);
  });
});

/** x → Conv(3x3, 2 channels) → Clip(0, 6) → Conv(1x1) → Add(x-branch conv) → y, all float. */
function tinyGraph(): ReturnType<GraphBuilder['build']> {
  const g = new GraphBuilder('tiny');
  g.addInput({ name: 'x', elemType: DataType.FLOAT, dims: [1, 1, 4, 4] });
  const w1 = g.addInitializer(
    floatTensor(
      'w1',
      [2, 1, 3, 3],
      Float32Array.from({ length: 18 }, (_, i) => (i - 9) / 10),
    ),
  );
  const b1 = g.addInitializer(floatTensor('b1', [2], new Float32Array([0.1, -0.2])));
  const c1 = g.add('Conv', ['x', w1, b1], 'c1', [attr.ints('kernel_shape', [3, 3]), attr.ints('pads', [1, 1, 1, 1])]);
  const r1 = g.add('Clip', [c1, g.scalar(0), g.scalar(6)], 'r1');
  const w2 = g.addInitializer(floatTensor('w2', [1, 2, 1, 1], new Float32Array([0.7, -0.4])));
  const c2 = g.add('Conv', [r1, w2], 'c2', [attr.ints('kernel_shape', [1, 1])]);
  const y = g.add('Add', [c2, 'x'], 'y');
  g.addOutput({ name: y, elemType: DataType.FLOAT, dims: [1, 1, 4, 4] });
  return g.build();
}

async function runGraph(graph: ReturnType<GraphBuilder['build']>, x: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeModel({ graph }), { logSeverityLevel: 3 });
  const out = await session.run({ x: new ort.Tensor('float32', x, [1, 1, 4, 4]) });
  return out[graph.outputs[0]!.name]!.data as Float32Array;
}

describe('quantizeGraphQdq', () => {
  const graph = tinyGraph();
  const x = Float32Array.from({ length: 16 }, (_, i) => Math.sin(i) * 2);

  it('names the activations to calibrate: data inputs of Conv and Add, never weights', () => {
    expect(activationTensors(graph)).toEqual(['x', 'r1', 'c2']);
  });

  it('gives the float result within the quantization step, with uint8-stored weights and int32 bias', async () => {
    const ranges = { x: [-2, 2], r1: [0, 6], c2: [-3, 3] } as const;
    const q = quantizeGraphQdq(graph, ranges);
    const types = new Map(q.initializers.map((t) => [t.name, t.dataType as number]));
    expect(types.get('w1_q')).toBe(2); // uint8, zero point 128
    expect(types.get('b1_q')).toBe(6); // int32
    expect(types.has('w1')).toBe(false); // the float weights are gone
    expect(q.nodes.filter((n) => n.opType === 'QuantizeLinear')).toHaveLength(3);
    const [want, got] = await Promise.all([runGraph(graph, x), runGraph(q, x)]);
    // Each rounding is at most half a step of its tensor: 4/255 for x and c2, 6/255 for r1.
    const tolerance = 0.1;
    const diffs = Array.from(want, (v, i) => Math.abs(v - got[i]!));
    expect(Math.max(...diffs)).toBeLessThan(tolerance);
    expect(Math.max(...diffs)).toBeGreaterThan(0); // it really is quantized
  });

  it('keeps the bias of a channel whose weights are all zero (no int32 overflow)', async () => {
    const g = new GraphBuilder('dead');
    g.addInput({ name: 'x', elemType: DataType.FLOAT, dims: [1, 1, 4, 4] });
    // Channel 1 is "dead" (gamma ≈ 0 after folding BatchNorm): zero weights, bias = beta = 2.5.
    const w = g.addInitializer(floatTensor('w', [2, 1, 1, 1], new Float32Array([0.5, 0])));
    const b = g.addInitializer(floatTensor('b', [2], new Float32Array([0.1, 2.5])));
    const y = g.add('Conv', ['x', w, b], 'y', [attr.ints('kernel_shape', [1, 1])]);
    g.addOutput({ name: y, elemType: DataType.FLOAT, dims: [1, 2, 4, 4] });
    const graph = g.build();
    const q = quantizeGraphQdq(graph, { x: [-2, 2] });
    const [want, got] = await Promise.all([runGraph(graph, x), runGraph(q, x)]);
    for (const v of got.subarray(16)) expect(v).toBeCloseTo(2.5, 4);
    expect(Math.max(...Array.from(want, (v, i) => Math.abs(v - got[i]!)))).toBeLessThan(0.02);
  });

  it('leaves a Conv in float when its weights are shared, and the graph stays valid', async () => {
    const g = new GraphBuilder('shared');
    g.addInput({ name: 'x', elemType: DataType.FLOAT, dims: [1, 1, 4, 4] });
    const w = g.addInitializer(floatTensor('w', [1, 1, 1, 1], new Float32Array([0.8])));
    const a = g.add('Conv', ['x', w], 'a', [attr.ints('kernel_shape', [1, 1])]);
    const y = g.add('Conv', [a, w], 'y', [attr.ints('kernel_shape', [1, 1])]);
    g.addOutput({ name: y, elemType: DataType.FLOAT, dims: [1, 1, 4, 4] });
    const graph = g.build();
    const q = quantizeGraphQdq(graph, { x: [-2, 2], a: [-2, 2] });
    expect(q.initializers.map((t) => t.name)).toContain('w'); // still there, still float
    expect(q.initializers.some((t) => t.name === 'w_q')).toBe(false);
    const [want, got] = await Promise.all([runGraph(graph, x), runGraph(q, x)]);
    expect(Math.max(...Array.from(want, (v, i) => Math.abs(v - got[i]!)))).toBeLessThan(0.02);
  });

  it('stores the same weight values as uint8 (zero point 128) as int8 would, and flags int8 as unsafe', async () => {
    const ranges = { x: [-2, 2], r1: [0, 6], c2: [-3, 3] } as const;
    const u8 = quantizeGraphQdq(graph, ranges);
    const s8 = quantizeGraphQdq(graph, ranges, { weightType: 'int8' });
    const raw = (g: GraphInit, name: string): Uint8Array => g.initializers.find((t) => t.name === name)!.rawData;
    expect(Array.from(raw(u8, 'w1_q'), (v) => v - 128)).toEqual(Array.from(new Int8Array(raw(s8, 'w1_q').buffer)));
    expect(Array.from(raw(u8, 'w1_zero'))).toEqual([128, 128]);
    // Full-range int8 weights (|q| = 127 here) next to uint8 activations can pass 32767 in a pair.
    expect(int16PairOverflows(s8)).toEqual(['c1', 'c2']);
    expect(int16PairOverflows(u8)).toEqual([]);
  });

  it('keeps the layers named in floatLayers in float, unrounded', async () => {
    const q = quantizeGraphQdq(graph, { x: [-2, 2], r1: [0, 6], c2: [-3, 3] }, { floatLayers: ['c1'] });
    const names = new Set(q.initializers.map((t) => t.name));
    expect(names.has('w1')).toBe(true);
    expect(names.has('w1_q')).toBe(false);
    expect(names.has('w2_q')).toBe(true);
    // x still feeds the Add, so it is rounded once there; c1 reads the float x.
    const c1 = q.nodes.find((n) => n.name === 'c1')!;
    expect(c1.inputs[0]).toBe('x');
    const [want, got] = await Promise.all([runGraph(graph, x), runGraph(q, x)]);
    expect(Math.max(...Array.from(want, (v, i) => Math.abs(v - got[i]!)))).toBeLessThan(0.1);
  });

  it('refuses ranges that do not cover the graph', () => {
    expect(() => quantizeGraphQdq(graph, { x: [-2, 2], r1: [0, 6] })).toThrow(
      /no calibrated range for 1 tensor\(s\): c2/,
    );
  });
});

describe('int8 manifest validation', () => {
  const base = {
    id: 'q',
    name: 'Q',
    inputWidth: 8,
    inputHeight: 8,
    featureDim: 4,
    normalisation: { scale: [1, 1, 1], offset: [0, 0, 0] },
    source: { kind: 'npm', packageName: 'nsfwjs', modelDir: 'dist/models/mobilenet_v2' },
    license: 'MIT',
    origin: 'test',
  };
  it('accepts ranges and rejects malformed ones with the field named', () => {
    const ok = { kind: 'int8-qdq', calibration: 'test', activationRanges: { a: [0, 1] } };
    expect(parseManifest({ ...base, quantization: ok }, 'q.json').quantization?.activationRanges).toEqual({
      a: [0, 1],
    });
    expect(() => parseManifest({ ...base, quantization: { ...ok, kind: 'fp8' } }, 'q.json')).toThrow(
      /"quantization.kind" must be "int8-qdq"/,
    );
    expect(() =>
      parseManifest({ ...base, quantization: { ...ok, activationRanges: { a: [2, 1] } } }, 'q.json'),
    ).toThrow(/activationRanges.a" must be \[min, max\]/);
    const url = { kind: 'url', url: 'https://x/y.onnx', sha256: 'a'.repeat(64), bytes: 1, format: 'onnx' };
    expect(() => parseManifest({ ...base, source: url, quantization: ok }, 'q.json')).toThrow(/npm \(converted\)/);
  });
});

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

/**
 * The QDQ graph a shipped int8 backbone builds, exactly as materialise.ts builds it — or, with
 * `weightType: 'int8'`, the same graph with int8 weight storage.
 */
async function shippedQdqGraph(id: string, weightType?: 'int8'): Promise<GraphInit> {
  const spec = await getBackbone(id);
  if (spec.source.kind !== 'npm' || !spec.quantization) throw new Error(`${id} is not an int8 npm backbone`);
  const files = await loadNpmTfjsModel(spec.source);
  let quantized: GraphInit | undefined;
  const { activationRanges, floatLayers } = spec.quantization;
  convertKerasToOnnx(files.topology, dequantizeWeights(files.weightSpecs, files.weightData), {
    featureLayer: spec.featureLayer,
    normalisation: spec.normalisation,
    transformGraph: (g) => (quantized = quantizeGraphQdq(g, activationRanges, { floatLayers, weightType })),
  });
  return quantized!;
}

describe('shipped int8 backbones cannot saturate on any CPU', () => {
  for (const id of ['mobilenet_v2_nsfwjs_int8', 'mobilenet_v2_nsfwjs_int8_v2']) {
    it(`${id}: no conv has int8 weights that could overflow an int16 pair sum`, async () => {
      const graph = await shippedQdqGraph(id);
      const convs = graph.nodes.filter((n) => n.opType === 'Conv');
      expect(convs.length).toBeGreaterThan(40);
      expect(int16PairOverflows(graph)).toEqual([]);
      // …and the check sees these weights: the same graph with int8 storage is flagged.
      expect(int16PairOverflows(await shippedQdqGraph(id, 'int8')).length).toBeGreaterThan(20);
    }, 60_000);
  }
});

describe.skipIf(skipFootage)('shipped int8 MobileNetV2s vs float, on real footage', () => {
  let cacheRoot: string;
  let float: FeatureEngine;
  let int8: FeatureEngine;
  let int8v2: FeatureEngine;
  let clipFrames: Map<string, { pixels: Uint8Array; count: number }>;

  beforeAll(async () => {
    cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'fw-int8-'));
    [float, int8, int8v2] = await Promise.all([
      createFeatureEngine('mobilenet_v2_nsfwjs', { cacheRoot, strict: true }),
      createFeatureEngine('mobilenet_v2_nsfwjs_int8', { cacheRoot, strict: true }),
      createFeatureEngine('mobilenet_v2_nsfwjs_int8_v2', { cacheRoot, strict: true }),
    ]);
    clipFrames = new Map();
    const frameBytes = 224 * 224 * 3;
    for (const [name, clip] of Object.entries(footage())) {
      const frames: Uint8Array[] = [];
      for await (const fr of decodeFrames(clip.file, { fps: 8, size: 224 })) frames.push(fr.data);
      const pixels = new Uint8Array(frames.length * frameBytes);
      frames.forEach((fr, i) => pixels.set(fr, i * frameBytes));
      clipFrames.set(name, { pixels, count: frames.length });
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all([float?.dispose(), int8?.dispose(), int8v2?.dispose()]);
    await rm(cacheRoot, { recursive: true, force: true });
  });

  /** Per-frame cosine of `engine`'s features to float32's, over the named clips, sorted ascending. */
  async function cosines(engine: FeatureEngine, clips: readonly string[]): Promise<number[]> {
    const cos: number[] = [];
    for (const name of clips) {
      const { pixels, count } = clipFrames.get(name)!;
      const [a, b] = await Promise.all([float.embed(pixels, count), engine.embed(pixels, count)]);
      for (let i = 0; i < count; i++) {
        cos.push(cosine(a.subarray(i * 1280, (i + 1) * 1280), b.subarray(i * 1280, (i + 1) * 1280)));
      }
    }
    return cos.sort((x, y) => x - y);
  }

  it('int8 (v1): a smaller model close to the float features on held-out clips (cosine ≥ 0.95, median ≥ 0.98)', async () => {
    const [f, q] = await Promise.all([
      ensureOnnxModel(await getBackbone('mobilenet_v2_nsfwjs'), { cacheRoot }),
      ensureOnnxModel(await getBackbone('mobilenet_v2_nsfwjs_int8'), { cacheRoot }),
    ]);
    expect(q.bytes).toBeLessThan(f.bytes / 2);
    // Held out from calibration (scripts/calibrate-backbone.ts).
    const cos = await cosines(int8, ['cyclist2', 'ballDrop', 'realshort']);
    expect(cos.length).toBeGreaterThan(20);
    expect(cos[0]).toBeGreaterThan(0.95);
    expect(cos[cos.length >> 1]).toBeGreaterThan(0.98);
    expect(cos[cos.length - 1]).toBeLessThan(1); // not the float model under another name
  }, 120_000);

  it('int8 v2: cosine ≥ 0.99 to float32 on every frame of every clip', async () => {
    const cos = await cosines(int8v2, [...clipFrames.keys()]);
    expect(cos.length).toBeGreaterThan(200);
    expect(cos[0]).toBeGreaterThan(0.99);
    expect(cos[cos.length - 1]).toBeLessThan(1);
  }, 120_000);
});
