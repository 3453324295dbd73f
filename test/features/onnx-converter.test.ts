/**
 * Converter checks on small synthetic Keras models with random weights, compared against tfjs running
 * the same topology + weights (wasm backend). Covers the layer types and padding cases the shipped
 * backbones do not all exercise (asymmetric 'same' pads, dilation, depth multiplier, standalone BN,
 * Flatten of a non-1x1 map, Concatenate, pooling with 'same').
 */
import type { Tensor } from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { FramewiseError } from '../../src/errors.js';
import { dequantizeWeights } from '../../src/features/backbones/tfjs-source.js';
import { initTfjsWasm, loadTruncatedLayersModel } from '../../src/features/engines/tfjs-engine.js';
import type { KerasLayerJson, KerasModelTopology, WeightSpec } from '../../src/features/onnx/keras-types.js';
import { convertKerasToOnnx } from '../../src/features/onnx/keras-to-onnx.js';

type Tf = Awaited<ReturnType<typeof initTfjsWasm>>;

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Built {
  topology: KerasModelTopology;
  weightSpecs: WeightSpec[];
  weightData: Uint8Array;
}

class ModelMaker {
  readonly layers: KerasLayerJson[] = [];
  private readonly specs: WeightSpec[] = [];
  private readonly chunks: Float32Array[] = [];
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = rng(seed);
  }

  layer(className: string, name: string, config: Record<string, unknown>, inputs: string[]): string {
    this.layers.push({
      class_name: className,
      name,
      config: { name, trainable: false, ...config },
      inbound_nodes: inputs.length > 0 ? [inputs.map((i) => [i, 0, 0, {}])] : [],
    });
    return name;
  }

  weight(name: string, shape: number[], lo: number, hi: number): void {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = lo + (hi - lo) * this.random();
    this.specs.push({ name, shape, dtype: 'float32' });
    this.chunks.push(values);
  }

  conv(
    name: string,
    input: string,
    cin: number,
    filters: number,
    k: [number, number],
    extra: Record<string, unknown> = {},
  ): string {
    const config = {
      filters,
      kernel_size: k,
      strides: [1, 1],
      padding: 'same',
      dilation_rate: [1, 1],
      activation: 'linear',
      use_bias: false,
      data_format: 'channels_last',
      ...extra,
    };
    this.weight(`${name}/kernel`, [k[0], k[1], cin, filters], -0.5, 0.5);
    if (config.use_bias) this.weight(`${name}/bias`, [filters], -0.2, 0.2);
    return this.layer('Conv2D', name, config, [input]);
  }

  bn(name: string, input: string, channels: number, extra: Record<string, unknown> = {}): string {
    const config = { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true, ...extra };
    if (config.scale) this.weight(`${name}/gamma`, [channels], 0.5, 1.5);
    if (config.center) this.weight(`${name}/beta`, [channels], -0.3, 0.3);
    this.weight(`${name}/moving_mean`, [channels], -0.3, 0.3);
    this.weight(`${name}/moving_variance`, [channels], 0.5, 1.5);
    return this.layer('BatchNormalization', name, config, [input]);
  }

  build(input: string, output: string): Built {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const all = new Float32Array(total);
    let o = 0;
    for (const c of this.chunks) {
      all.set(c, o);
      o += c.length;
    }
    return {
      topology: {
        keras_version: '2.2.4',
        backend: 'tensorflow',
        model_config: {
          class_name: 'Model',
          config: {
            name: 'synthetic',
            layers: this.layers,
            input_layers: [[input, 0, 0]],
            output_layers: [[output, 0, 0]],
          },
        },
      },
      weightSpecs: this.specs,
      weightData: new Uint8Array(all.buffer),
    };
  }
}

type Norm = { scale: number[]; offset: number[] };
const norm: Norm = { scale: [1 / 255, 1 / 200, 1 / 127.5], offset: [0, -0.5, -1] };
/** Scale-only normalisation takes the other path: the scale is folded into the first conv. */
const scaleOnly: Norm = { scale: [1 / 255, 2 / 255, 0.5 / 255], offset: [0, 0, 0] };

function frames(n: number, h: number, w: number, seed: number): Uint8Array {
  const r = rng(seed);
  return Uint8Array.from({ length: n * h * w * 3 }, () => Math.floor(r() * 256));
}

async function runOnnx(model: Uint8Array, input: Uint8Array, dims: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  try {
    const out = await s.run({ frames: new ort.Tensor('uint8', input, dims) });
    return out.features!.data as Float32Array;
  } finally {
    await s.release();
  }
}

async function runTfjs(
  tf: Tf,
  built: Built,
  featureLayer: string,
  input: Uint8Array,
  dims: number[],
  normalisation: Norm = norm,
): Promise<Float32Array> {
  const { model } = await loadTruncatedLayersModel(tf, built, featureLayer);
  const x = tf.tidy(() => {
    const raw = tf.tensor4d(Float32Array.from(input), dims as [number, number, number, number]);
    return raw.mul(tf.tensor1d(normalisation.scale)).add(tf.tensor1d(normalisation.offset));
  });
  const y = model.predict(x) as Tensor;
  const data = (await y.data()) as Float32Array;
  x.dispose();
  y.dispose();
  model.dispose();
  return data;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): { diff: number; scale: number } {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return { diff, scale };
}

/** A model exercising every converter path, ending in Flatten(5x4 map) -> Dense. */
function kitchenSink(): Built {
  const m = new ModelMaker(42);
  let x = m.layer(
    'InputLayer',
    'input_1',
    { batch_input_shape: [null, 19, 15, 3], dtype: 'float32', sparse: false },
    [],
  );
  x = m.layer(
    'ZeroPadding2D',
    'pad1',
    {
      padding: [
        [1, 2],
        [0, 1],
      ],
      data_format: 'channels_last',
    },
    [x],
  );
  x = m.conv('conv1', x, 3, 8, [3, 3], { strides: [2, 2], padding: 'valid', use_bias: true });
  x = m.bn('conv1_bn', x, 8);
  x = m.layer('ReLU', 'conv1_relu', { max_value: 6, negative_slope: 0, threshold: 0 }, [x]);
  // Depthwise, stride 2 'same' on an odd size (asymmetric pads), depth multiplier 2.
  m.weight('dw/depthwise_kernel', [3, 3, 8, 2], -0.5, 0.5);
  x = m.layer(
    'DepthwiseConv2D',
    'dw',
    {
      kernel_size: [3, 3],
      strides: [2, 2],
      padding: 'same',
      depth_multiplier: 2,
      use_bias: false,
      activation: 'linear',
      dilation_rate: [1, 1],
      data_format: 'channels_last',
    },
    [x],
  );
  x = m.bn('dw_bn', x, 16, { scale: false });
  x = m.layer('Activation', 'dw_act', { activation: 'relu' }, [x]);
  // Conv with an activation before its BN: the BN cannot be folded and is emitted on its own.
  const a = m.conv('pw', x, 16, 12, [1, 1], { activation: 'relu', use_bias: true });
  const abn = m.bn('pw_bn', a, 12);
  const b = m.conv('dil', x, 16, 12, [3, 3], { dilation_rate: [2, 2] });
  const c = m.conv('rect', x, 16, 12, [1, 3]);
  let y = m.layer('Add', 'add', {}, [abn, b, c]);
  const p1 = m.layer(
    'MaxPooling2D',
    'maxpool',
    { pool_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last' },
    [y],
  );
  const p2 = m.layer(
    'AveragePooling2D',
    'avgpool',
    { pool_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last' },
    [y],
  );
  y = m.layer('Concatenate', 'concat', { axis: -1 }, [p1, p2, y]);
  y = m.layer('Dropout', 'drop', { rate: 0.5 }, [y]);
  y = m.layer('Flatten', 'flatten', { data_format: 'channels_last' }, [y]);
  const units = 10;
  m.weight('dense/kernel', [5 * 4 * 36, units], -0.1, 0.1);
  m.weight('dense/bias', [units], -0.1, 0.1);
  const d = m.layer('Dense', 'dense', { units, activation: 'tanh', use_bias: true }, [y]);
  m.weight('head/kernel', [units, 2], -0.1, 0.1);
  const head = m.layer('Dense', 'head', { units: 2, activation: 'softmax', use_bias: false }, [d]);
  return m.build('input_1', head);
}

describe('Keras -> ONNX converter', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await initTfjsWasm();
  });

  it.each([
    ['scale + offset (explicit Mul/Add)', norm],
    ['scale only (folded into the first conv)', scaleOnly],
  ])('matches tfjs on a model covering every supported layer type: %s', async (_label, normalisation) => {
    const built = kitchenSink();
    const weights = dequantizeWeights(built.weightSpecs, built.weightData);
    const result = convertKerasToOnnx(built.topology, weights, { normalisation, featureLayer: 'dense' });
    expect(result).toMatchObject({ inputHeight: 19, inputWidth: 15, featureDim: 10, featureLayer: 'dense' });
    const dims = [3, 19, 15, 3];
    const input = frames(3, 19, 15, 7);
    const onnx = await runOnnx(result.onnx, input, dims);
    const ref = await runTfjs(tf, built, 'dense', input, dims, normalisation);
    const { diff, scale } = maxAbsDiff(onnx, ref);
    expect(scale).toBeGreaterThan(0.05);
    expect(diff).toBeLessThan(1e-4 * Math.max(1, scale));
  });

  it('defaults the feature layer to the input of the first Dense layer', async () => {
    const built = kitchenSink();
    const result = convertKerasToOnnx(built.topology, dequantizeWeights(built.weightSpecs, built.weightData), {
      normalisation: norm,
    });
    expect(result.featureLayer).toBe('flatten');
    expect(result.featureDim).toBe(5 * 4 * 36);
    const dims = [2, 19, 15, 3];
    const input = frames(2, 19, 15, 9);
    const { diff, scale } = maxAbsDiff(
      await runOnnx(result.onnx, input, dims),
      await runTfjs(tf, built, 'flatten', input, dims),
    );
    expect(diff).toBeLessThan(1e-4 * Math.max(1, scale));
  });

  it('turns whole-map pooling into a global pool and reads Sequential models', async () => {
    const m = new ModelMaker(3);
    m.weight('c/kernel', [3, 3, 3, 4], -0.5, 0.5);
    const layers = [
      {
        class_name: 'Conv2D',
        config: {
          name: 'c',
          batch_input_shape: [null, 8, 8, 3],
          filters: 4,
          kernel_size: [3, 3],
          strides: [1, 1],
          padding: 'same',
          activation: 'relu',
          use_bias: false,
          data_format: 'channels_last',
          dilation_rate: [1, 1],
        },
      },
      {
        class_name: 'AveragePooling2D',
        config: { name: 'gap', pool_size: [8, 8], strides: [8, 8], padding: 'valid', data_format: 'channels_last' },
      },
      { class_name: 'Flatten', config: { name: 'f', data_format: 'channels_last' } },
    ];
    const built = m.build('x', 'y');
    built.topology = { keras_version: '2.2.4', model_config: { class_name: 'Sequential', config: layers } };
    const result = convertKerasToOnnx(built.topology, dequantizeWeights(built.weightSpecs, built.weightData), {
      normalisation: norm,
      featureLayer: 'f',
    });
    expect(result.featureDim).toBe(4);
    const dims = [2, 8, 8, 3];
    const input = frames(2, 8, 8, 5);
    const { diff, scale } = maxAbsDiff(
      await runOnnx(result.onnx, input, dims),
      await runTfjs(tf, built, 'f', input, dims),
    );
    expect(diff).toBeLessThan(1e-4 * Math.max(1, scale));
  });

  it('applies a pending input scale explicitly when no conv can absorb it', async () => {
    const m = new ModelMaker(4);
    const x = m.layer('InputLayer', 'in', { batch_input_shape: [null, 6, 6, 3] }, []);
    const p = m.layer('MaxPooling2D', 'pool', { pool_size: [2, 2], strides: [2, 2], padding: 'valid' }, [x]);
    m.layer('Flatten', 'flat', {}, [p]);
    const built = m.build('in', 'flat');
    const result = convertKerasToOnnx(built.topology, new Map(), { normalisation: scaleOnly, featureLayer: 'flat' });
    const dims = [2, 6, 6, 3];
    const input = frames(2, 6, 6, 11);
    const onnx = await runOnnx(result.onnx, input, dims);
    const { diff, scale } = maxAbsDiff(onnx, await runTfjs(tf, built, 'flat', input, dims, scaleOnly));
    expect(scale).toBeGreaterThan(0.1);
    expect(diff).toBeLessThan(1e-6);
  });

  it('throws a clear error on an unsupported layer before the feature layer, and ignores ones after it', () => {
    const make = (after: boolean): Built => {
      const m = new ModelMaker(1);
      const x = m.layer('InputLayer', 'in', { batch_input_shape: [null, 4, 4, 3] }, []);
      if (after) {
        const f = m.layer('Flatten', 'flat', {}, [x]);
        m.layer('Reshape', 'weird', { target_shape: [48] }, [f]);
      } else {
        const r = m.layer(
          'Cropping2D',
          'crop',
          {
            cropping: [
              [1, 1],
              [1, 1],
            ],
          },
          [x],
        );
        m.layer('Flatten', 'flat', {}, [r]);
      }
      return m.build('in', after ? 'weird' : 'flat');
    };
    const bad = make(false);
    let error: unknown;
    try {
      convertKerasToOnnx(bad.topology, new Map(), { normalisation: norm, featureLayer: 'flat' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FramewiseError);
    expect((error as FramewiseError).code).toBe('BACKBONE_UNAVAILABLE');
    expect((error as FramewiseError).message).toMatch(/layer type Cropping2D \(layer "crop"\) is not supported/);

    const ok = make(true);
    expect(convertKerasToOnnx(ok.topology, new Map(), { normalisation: norm, featureLayer: 'flat' }).featureDim).toBe(
      48,
    );
    expect(() => convertKerasToOnnx(ok.topology, new Map(), { normalisation: norm, featureLayer: 'nope' })).toThrow(
      /no layer named "nope"/,
    );
  });

  it('reports missing weights by name', () => {
    const m = new ModelMaker(2);
    const x = m.layer('InputLayer', 'in', { batch_input_shape: [null, 4, 4, 3] }, []);
    const c = m.layer('Conv2D', 'c', { filters: 2, kernel_size: [1, 1], padding: 'same', use_bias: false }, [x]);
    m.layer('GlobalAveragePooling2D', 'g', {}, [c]);
    const built = m.build('in', 'g');
    expect(() => convertKerasToOnnx(built.topology, new Map(), { normalisation: norm, featureLayer: 'g' })).toThrow(
      /weight "c\/kernel" is missing/,
    );
  });
});

describe('dequantizeWeights', () => {
  it('applies value = min + scale * q for uint8 and uint16, decodes float16 and float32', () => {
    const specs: WeightSpec[] = [
      { name: 'a', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.5 } },
      { name: 'b', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', min: 2, scale: 0.25 } },
      { name: 'c', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'd', shape: [1], dtype: 'float32' },
    ];
    const buf = new Uint8Array(3 + 4 + 4 + 4);
    const view = new DataView(buf.buffer);
    buf.set([0, 1, 4], 0);
    view.setUint16(3, 4, true);
    view.setUint16(5, 65535, true);
    view.setUint16(7, 0x3c00, true); // 1.0
    view.setUint16(9, 0xc000, true); // -2.0
    view.setFloat32(11, 3.25, true);
    const w = dequantizeWeights(specs, buf);
    expect(Array.from(w.get('a')!.values)).toEqual([-1, -0.5, 1]);
    expect(Array.from(w.get('b')!.values)).toEqual([3, 2 + 0.25 * 65535]);
    expect(Array.from(w.get('c')!.values)).toEqual([1, -2]);
    expect(Array.from(w.get('d')!.values)).toEqual([3.25]);
    expect(() => dequantizeWeights(specs, buf.subarray(0, 10))).toThrow(/shorter than the manifest/);
  });
});
