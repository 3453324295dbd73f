/**
 * Converts a Keras 2.x functional/sequential CNN (as exported to tfjs-layers) into an ONNX feature
 * extractor:
 *
 *   frames uint8 [N,H,W,3] (NHWC, exactly what ffmpeg's rgb24 gives us)
 *     -> Cast -> Mul(scale) [-> Add(offset)] -> Transpose to NCHW
 *     -> the Keras layers up to `featureLayer` (head dropped)
 *     -> features float32 [N,D]
 *
 * Doing the normalisation inside the graph means no per-pixel JavaScript at inference time.
 * Inference-time simplifications: BatchNormalization following a linear conv is folded into the conv's
 * weights and bias, ZeroPadding2D is folded into the next conv's pads, Dropout is dropped.
 */
import { FramewiseError } from '../../errors.js';
import type { KerasLayerJson, KerasModelTopology, NamedWeight } from './keras-types.js';
import { DataType, GraphBuilder, attr, encodeModel, int64Tensor } from './onnx-model.js';
import type { Attribute, GraphInit } from './onnx-model.js';

export interface KerasToOnnxOptions {
  /** Layer whose output becomes `features`. Default: the input of the first Dense layer (the pooled features). */
  featureLayer?: string;
  /** Applied to 0..255 input inside the graph: x * scale[c] + offset[c]. */
  normalisation: { scale: readonly number[]; offset: readonly number[] };
  inputName?: string;
  outputName?: string;
  graphName?: string;
  producerVersion?: string;
  metadata?: Record<string, string>;
  /** Rewrites the finished graph before encoding (quantization, say). */
  transformGraph?: (graph: GraphInit) => GraphInit;
}

export interface KerasToOnnxResult {
  onnx: Uint8Array;
  inputHeight: number;
  inputWidth: number;
  featureDim: number;
  featureLayer: string;
  nodeCount: number;
  parameterCount: number;
}

/** Bumped whenever the emitted graph changes, so cached conversions get rebuilt. */
export const CONVERTER_VERSION = 2;

/** Padding that is pending on a value: [top, left, bottom, right] zeros not yet materialised. */
type Pads = [number, number, number, number];

interface Value {
  /** ONNX value name (NCHW for rank 4, [N,D] for rank 2). */
  name: string;
  /** Logical Keras shape without batch, channels last: [H,W,C] or [D]. Includes `pending` padding. */
  shape: number[];
  /** ZeroPadding2D folded into the consumer instead of being emitted. */
  pending?: Pads;
  /** Per-channel factor not yet applied (input normalisation), folded into the next conv's weights. */
  scale?: Float32Array;
}

interface Layer {
  className: string;
  name: string;
  config: Record<string, unknown>;
  inputs: string[];
}

const IDENTITY_LAYERS = new Set([
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ActivityRegularization',
]);
const CONV_LAYERS = new Set(['Conv2D', 'DepthwiseConv2D']);

function unsupported(message: string, details?: Record<string, unknown>): FramewiseError {
  return new FramewiseError('BACKBONE_UNAVAILABLE', `Cannot convert the backbone to ONNX: ${message}`, { details });
}

export function convertKerasToOnnx(
  topology: KerasModelTopology,
  weights: ReadonlyMap<string, NamedWeight>,
  options: KerasToOnnxOptions,
): KerasToOnnxResult {
  const layers = normaliseLayers(topology);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const featureLayer = options.featureLayer ?? defaultFeatureLayer(layers);
  if (!byName.has(featureLayer)) throw unsupported(`the model has no layer named "${featureLayer}"`);

  const needed = ancestors(featureLayer, byName);
  const order = topoSort(layers.filter((l) => needed.has(l.name)));
  const inputLayers = order.filter((l) => l.className === 'InputLayer');
  if (inputLayers.length !== 1) {
    throw unsupported(
      `the feature layer depends on ${inputLayers.length} inputs; exactly one image input is supported`,
    );
  }
  const consumers = new Map<string, number>();
  for (const l of order) for (const i of l.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  consumers.set(featureLayer, (consumers.get(featureLayer) ?? 0) + 1);

  const ctx = new Converter(weights, options.graphName ?? 'framewise_backbone');
  let inputShape: [number, number] | undefined;
  const values = new Map<string, Value>();
  const fusedBn = new Map<string, Layer>(); // conv name -> the BN folded into it
  const skipped = new Set<string>();

  for (const layer of order) {
    if (layer.className !== 'BatchNormalization' || layer.inputs.length !== 1) continue;
    const producer = byName.get(layer.inputs[0] as string);
    if (
      producer &&
      CONV_LAYERS.has(producer.className) &&
      (producer.config.activation ?? 'linear') === 'linear' &&
      consumers.get(producer.name) === 1 &&
      isChannelsLastAxis(layer.config.axis)
    ) {
      fusedBn.set(producer.name, layer);
      skipped.add(layer.name);
    }
  }

  for (const layer of order) {
    if (skipped.has(layer.name)) continue;
    const inputs = layer.inputs.map((i) => {
      const v = values.get(i);
      if (!v) throw unsupported(`layer "${layer.name}" reads "${i}", which was not converted`);
      return v;
    });
    let out: Value;
    if (layer.className === 'InputLayer') {
      const result = ctx.input(layer, options);
      inputShape = [result.shape[0] as number, result.shape[1] as number];
      out = result;
    } else {
      out = ctx.layer(layer, inputs, fusedBn.get(layer.name));
    }
    values.set(layer.name, out);
    const bn = fusedBn.get(layer.name);
    if (bn) values.set(bn.name, out);
  }

  const feature = values.get(featureLayer);
  if (!feature || !inputShape) throw unsupported(`layer "${featureLayer}" is not reachable from the model input`);
  if (feature.shape.length !== 1) {
    throw unsupported(
      `feature layer "${featureLayer}" outputs shape [${feature.shape.join(', ')}]; expected a flat vector ` +
        '(pick a Flatten or global pooling layer)',
    );
  }
  const outputName = options.outputName ?? 'features';
  ctx.graph.addNode({ opType: 'Identity', inputs: [ctx.materialise(feature).name], outputs: [outputName] });
  const featureDim = feature.shape[0] as number;
  ctx.graph.addOutput({ name: outputName, elemType: DataType.FLOAT, dims: ['N', featureDim] });

  const built = ctx.graph.build();
  const graph = options.transformGraph ? options.transformGraph(built) : built;
  const onnx = encodeModel({
    graph,
    producerName: 'framewise',
    producerVersion: options.producerVersion ?? `keras-to-onnx ${CONVERTER_VERSION}`,
    metadata: options.metadata,
  });
  return {
    onnx,
    inputHeight: inputShape[0],
    inputWidth: inputShape[1],
    featureDim,
    featureLayer,
    nodeCount: graph.nodes.length,
    parameterCount: ctx.parameterCount,
  };
}

/** Flattens functional and sequential configs into one list of layers with named inputs. */
function normaliseLayers(topology: KerasModelTopology): Layer[] {
  const modelConfig = topology?.model_config;
  if (!modelConfig || typeof modelConfig !== 'object') throw unsupported('the topology has no model_config');
  const cls = modelConfig.class_name;
  const cfg = modelConfig.config;
  if (cls === 'Sequential') {
    const list = Array.isArray(cfg) ? cfg : cfg.layers;
    const out: Layer[] = [];
    let previous: string | undefined;
    list.forEach((l, i) => {
      const name = l.name ?? (l.config.name as string | undefined) ?? `layer_${i}`;
      if (previous === undefined && l.class_name !== 'InputLayer') {
        const batchInputShape = l.config.batch_input_shape;
        out.push({
          className: 'InputLayer',
          name: 'input',
          config: { batch_input_shape: batchInputShape },
          inputs: [],
        });
        previous = 'input';
      }
      out.push({ className: l.class_name, name, config: l.config, inputs: previous === undefined ? [] : [previous] });
      previous = name;
    });
    return out;
  }
  if (cls !== 'Model' && cls !== 'Functional') throw unsupported(`model class "${cls}" is not supported`);
  if (Array.isArray(cfg)) throw unsupported('functional model config has no layer list');
  return cfg.layers.map((l: KerasLayerJson) => {
    const name = l.name ?? (l.config.name as string);
    const nodes = l.inbound_nodes ?? [];
    if (nodes.length > 1) throw unsupported(`layer "${name}" is shared (called ${nodes.length} times)`);
    const refs = nodes[0] ?? [];
    const inputs = refs.map((ref) => {
      if (!Array.isArray(ref) || typeof ref[0] !== 'string') {
        throw unsupported(`layer "${name}" uses an inbound-node format this converter does not read (Keras 3?)`);
      }
      if (ref[2] !== 0) throw unsupported(`layer "${name}" reads output #${ref[2]} of "${ref[0]}"`);
      return ref[0];
    });
    return { className: l.class_name, name, config: l.config, inputs };
  });
}

function defaultFeatureLayer(layers: Layer[]): string {
  const dense = layers.find((l) => l.className === 'Dense');
  if (dense && dense.inputs.length === 1) return dense.inputs[0] as string;
  const last = layers[layers.length - 1];
  if (!last) throw unsupported('the model has no layers');
  return last.name;
}

function ancestors(start: string, byName: Map<string, Layer>): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    const layer = byName.get(name);
    if (!layer) throw unsupported(`layer "${name}" is referenced but not defined`);
    seen.add(name);
    stack.push(...layer.inputs);
  }
  return seen;
}

/** Kahn's algorithm, stable with respect to the config order (which Keras already writes topologically). */
function topoSort(layers: Layer[]): Layer[] {
  const names = new Set(layers.map((l) => l.name));
  const remaining = new Map(layers.map((l) => [l.name, l.inputs.filter((i) => names.has(i)).length]));
  const done = new Set<string>();
  const out: Layer[] = [];
  while (out.length < layers.length) {
    const next = layers.find((l) => !done.has(l.name) && remaining.get(l.name) === 0);
    if (!next) throw unsupported('the layer graph has a cycle');
    done.add(next.name);
    out.push(next);
    for (const l of layers) {
      if (!done.has(l.name)) {
        const count = l.inputs.filter((i) => i === next.name).length;
        if (count > 0) remaining.set(l.name, (remaining.get(l.name) as number) - count);
      }
    }
  }
  return out;
}

function isChannelsLastAxis(axis: unknown): boolean {
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  return a === undefined || a === -1 || a === 3;
}

function pair(v: unknown, what: string, layer: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return v as [number, number];
  throw unsupported(`layer "${layer}" has an unreadable ${what}: ${JSON.stringify(v)}`);
}

/** Keras padding for one spatial axis: returns [before, after, outputSize]. */
function axisPadding(size: number, kernel: number, stride: number, dilation: number, mode: string): number[] {
  const effective = (kernel - 1) * dilation + 1;
  if (mode === 'valid') return [0, 0, Math.floor((size - effective) / stride) + 1];
  // TensorFlow 'same': output = ceil(size / stride); the odd pixel of padding goes after (bottom/right).
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before, out];
}

class Converter {
  readonly graph: GraphBuilder;
  parameterCount = 0;

  constructor(
    private readonly weights: ReadonlyMap<string, NamedWeight>,
    graphName: string,
  ) {
    this.graph = new GraphBuilder(graphName);
  }

  input(layer: Layer, options: KerasToOnnxOptions): Value {
    const shape = (layer.config.batch_input_shape ?? layer.config.batch_shape) as unknown;
    if (!Array.isArray(shape) || shape.length !== 4 || shape[3] !== 3) {
      throw unsupported(`input "${layer.name}" must be [batch, height, width, 3], got ${JSON.stringify(shape)}`);
    }
    const [, h, w] = shape as [unknown, unknown, unknown];
    if (typeof h !== 'number' || typeof w !== 'number') {
      throw unsupported(`input "${layer.name}" needs a fixed height and width, got ${JSON.stringify(shape)}`);
    }
    const { scale, offset } = options.normalisation;
    if (scale.length !== 3 || offset.length !== 3) throw unsupported('normalisation needs 3 scale and 3 offset values');
    const g = this.graph;
    const frames = g.addInput({
      name: options.inputName ?? 'frames',
      elemType: DataType.UINT8,
      dims: ['N', h, w, 3],
    });
    // Transpose while still uint8 (a quarter of the bytes of float32), then widen.
    const nchw = g.add('Transpose', [frames], 'input_nchw', [attr.ints('perm', [0, 3, 1, 2])]);
    const x = g.add('Cast', [nchw], 'input_float', [attr.int('to', DataType.FLOAT)]);
    if (offset.some((o) => o !== 0)) {
      const scaled = g.add(
        'Mul',
        [x, g.addFloats('input_scale', [1, 3, 1, 1], Float32Array.from(scale))],
        'input_scaled',
      );
      const name = g.add(
        'Add',
        [scaled, g.addFloats('input_offset', [1, 3, 1, 1], Float32Array.from(offset))],
        'input_normalised',
      );
      return { name, shape: [h, w, 3] };
    }
    // Scale only: leave it pending so the first convolution folds it into its weights (no per-pixel pass).
    return { name: x, shape: [h, w, 3], scale: scale.every((v) => v === 1) ? undefined : Float32Array.from(scale) };
  }

  layer(layer: Layer, inputs: Value[], fusedBn: Layer | undefined): Value {
    const cfg = layer.config;
    if ('data_format' in cfg && cfg.data_format !== 'channels_last' && cfg.data_format != null) {
      throw unsupported(`layer "${layer.name}" uses data_format ${String(cfg.data_format)}; only channels_last`);
    }
    const one = (): Value => {
      if (inputs.length !== 1) throw unsupported(`layer "${layer.name}" expects one input, got ${inputs.length}`);
      return inputs[0] as Value;
    };
    if (IDENTITY_LAYERS.has(layer.className)) return one();
    switch (layer.className) {
      case 'ZeroPadding2D':
        return this.zeroPadding(layer, one());
      case 'Conv2D':
      case 'DepthwiseConv2D':
        return this.activation(layer, this.conv(layer, one(), fusedBn), cfg.activation);
      case 'BatchNormalization':
        return this.batchNorm(layer, one());
      case 'Activation':
        return this.activation(layer, one(), cfg.activation);
      case 'ReLU':
        return this.relu(layer, one());
      case 'LeakyReLU':
        return this.unary(one(), 'LeakyRelu', layer.name, [attr.float('alpha', Number(cfg.alpha ?? 0.3))]);
      case 'Add':
      case 'Multiply':
      case 'Maximum':
      case 'Minimum':
      case 'Subtract':
      case 'Average':
        return this.merge(layer, inputs);
      case 'Concatenate':
        return this.concat(layer, inputs);
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        return this.pool(layer, one());
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D':
        return this.globalPool(layer, one());
      case 'Flatten':
        return this.flatten(layer, one());
      case 'Dense':
        return this.activation(layer, this.dense(layer, one()), cfg.activation);
      default:
        throw unsupported(`layer type ${layer.className} (layer "${layer.name}") is not supported`, {
          layer: layer.name,
          className: layer.className,
        });
    }
  }

  /** Applies pending scale and zero padding explicitly, for consumers that cannot absorb them. */
  materialise(v: Value): Value {
    let name = v.name;
    if (v.scale) {
      const dims = v.shape.length === 3 ? [1, v.scale.length, 1, 1] : [v.scale.length];
      name = this.graph.add('Mul', [name, this.graph.addFloats(`${name}_scale`, dims, v.scale)], `${name}_scaled`);
    }
    if (v.pending) {
      const [t, l, b, r] = v.pending;
      const pads = this.graph.addInitializer(
        int64Tensor(this.graph.unique(`${name}_pads`), [8], [0, 0, t, l, 0, 0, b, r]),
      );
      name = this.graph.add('Pad', [name, pads], `${name}_padded`);
    }
    return name === v.name ? v : { name, shape: v.shape };
  }

  private weight(layer: string, param: string, shape?: number[]): NamedWeight {
    const key = `${layer}/${param}`;
    let w = this.weights.get(key) ?? this.weights.get(`${key}:0`);
    if (!w) {
      for (const [k, candidate] of this.weights) {
        if (k.endsWith(`/${key}`) || k.endsWith(`/${key}:0`)) {
          w = candidate;
          break;
        }
      }
    }
    if (!w) throw unsupported(`weight "${key}" is missing from the weights manifest`);
    if (shape && (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i]))) {
      throw unsupported(`weight "${key}" has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    return w;
  }

  private floats(prefix: string, dims: number[], values: Float32Array): string {
    this.parameterCount += values.length;
    return this.graph.addFloats(prefix, dims, values);
  }

  private zeroPadding(layer: Layer, input: Value): Value {
    const p = layer.config.padding;
    let pads: Pads;
    if (typeof p === 'number') pads = [p, p, p, p];
    else if (Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number')) {
      // (symmetric height pad, symmetric width pad)
      const [ph, pw] = p as [number, number];
      pads = [ph, pw, ph, pw];
    } else if (Array.isArray(p) && p.length === 2 && p.every((x) => Array.isArray(x) && x.length === 2)) {
      const [[top, bottom], [left, right]] = p as [[number, number], [number, number]];
      pads = [top, left, bottom, right];
    } else {
      throw unsupported(`layer "${layer.name}" has an unreadable padding: ${JSON.stringify(p)}`);
    }
    if (input.shape.length !== 3) throw unsupported(`layer "${layer.name}" needs a 4-D input`);
    const [h, w, c] = input.shape as [number, number, number];
    const prev = input.pending ?? [0, 0, 0, 0];
    return {
      name: input.name,
      shape: [h + pads[0] + pads[2], w + pads[1] + pads[3], c],
      pending: [prev[0] + pads[0], prev[1] + pads[1], prev[2] + pads[2], prev[3] + pads[3]],
      // Zero padding commutes with a per-channel scale (0 * s = 0), so the scale stays pending.
      scale: input.scale,
    };
  }

  private conv(layer: Layer, input: Value, bn: Layer | undefined): Value {
    const cfg = layer.config;
    const depthwise = layer.className === 'DepthwiseConv2D';
    if (input.shape.length !== 3) throw unsupported(`layer "${layer.name}" needs a 4-D input`);
    const [h, w, cin] = input.shape as [number, number, number];
    const [kh, kw] = pair(cfg.kernel_size, 'kernel_size', layer.name);
    const [sh, sw] = pair(cfg.strides ?? 1, 'strides', layer.name);
    const [dh, dw] = pair(cfg.dilation_rate ?? 1, 'dilation_rate', layer.name);
    const mode = String(cfg.padding ?? 'valid');
    if (mode !== 'same' && mode !== 'valid') throw unsupported(`layer "${layer.name}" uses padding "${mode}"`);
    if ((cfg.groups ?? 1) !== 1) throw unsupported(`layer "${layer.name}" uses grouped convolution`);

    let weightsOnnx: Float32Array;
    let cout: number;
    let dims: number[];
    if (depthwise) {
      const mult = Number(cfg.depth_multiplier ?? 1);
      const k = this.weight(layer.name, 'depthwise_kernel', [kh, kw, cin, mult]);
      cout = cin * mult;
      // Keras [kh,kw,C,mult] -> ONNX grouped conv [C*mult, 1, kh, kw]; output channel = c*mult + m, as in TF.
      weightsOnnx = new Float32Array(cout * kh * kw);
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          for (let c = 0; c < cin; c++)
            for (let m = 0; m < mult; m++) {
              weightsOnnx[((c * mult + m) * kh + y) * kw + x] = k.values[((y * kw + x) * cin + c) * mult + m] as number;
            }
      dims = [cout, 1, kh, kw];
    } else {
      cout = Number(cfg.filters);
      const k = this.weight(layer.name, 'kernel', [kh, kw, cin, cout]);
      // Keras [kh,kw,Cin,Cout] -> ONNX [Cout,Cin,kh,kw].
      weightsOnnx = new Float32Array(cout * cin * kh * kw);
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          for (let i = 0; i < cin; i++)
            for (let o = 0; o < cout; o++) {
              weightsOnnx[((o * cin + i) * kh + y) * kw + x] = k.values[((y * kw + x) * cin + i) * cout + o] as number;
            }
      dims = [cout, cin, kh, kw];
    }

    if (input.scale) {
      // conv(s * x) = conv'(x) with W'[o, i] = W[o, i] * s[i] (depthwise: input channel = o / mult).
      const s = input.scale;
      const perOut = weightsOnnx.length / cout;
      const inPerOut = depthwise ? 1 : cin;
      const spatial = perOut / inPerOut;
      const mult = cout / cin;
      for (let o = 0; o < cout; o++) {
        for (let i = 0; i < inPerOut; i++) {
          const factor = s[depthwise ? Math.floor(o / mult) : i] as number;
          const base = (o * inPerOut + i) * spatial;
          for (let j = base; j < base + spatial; j++) weightsOnnx[j] = (weightsOnnx[j] as number) * factor;
        }
      }
    }

    let bias: Float32Array | undefined =
      cfg.use_bias === false ? undefined : this.weight(layer.name, 'bias', [cout]).values;
    if (bn) {
      const folded = this.foldBatchNorm(bn, cout, weightsOnnx, bias);
      bias = folded;
    }

    const [padTop, padBottom, oh] = axisPadding(h, kh, sh, dh, mode) as [number, number, number];
    const [padLeft, padRight, ow] = axisPadding(w, kw, sw, dw, mode) as [number, number, number];
    const pending = input.pending ?? [0, 0, 0, 0];
    if (oh < 1 || ow < 1) throw unsupported(`layer "${layer.name}" gets an input smaller than its kernel`);

    const inputsOnnx = [input.name, this.floats(`${layer.name}_W`, dims, weightsOnnx)];
    if (bias) inputsOnnx.push(this.floats(`${layer.name}_B`, [cout], bias));
    const out = this.graph.add('Conv', inputsOnnx, bn ? bn.name : layer.name, [
      attr.ints('kernel_shape', [kh, kw]),
      attr.ints('strides', [sh, sw]),
      attr.ints('dilations', [dh, dw]),
      attr.ints('pads', [pending[0] + padTop, pending[1] + padLeft, pending[2] + padBottom, pending[3] + padRight]),
      attr.int('group', depthwise ? cin : 1),
    ]);
    return { name: out, shape: [oh, ow, cout] };
  }

  /** Scales the conv weights in place and returns the new bias: y = gamma * (conv + b - mean) / sqrt(var + eps) + beta. */
  private foldBatchNorm(bn: Layer, channels: number, w: Float32Array, bias: Float32Array | undefined): Float32Array {
    const { gamma, beta, mean, variance, epsilon } = this.bnParams(bn, channels);
    const perChannel = w.length / channels;
    const out = new Float32Array(channels);
    for (let o = 0; o < channels; o++) {
      const k = (gamma[o] as number) / Math.sqrt((variance[o] as number) + epsilon);
      for (let j = o * perChannel; j < (o + 1) * perChannel; j++) w[j] = (w[j] as number) * k;
      out[o] = ((bias?.[o] ?? 0) - (mean[o] as number)) * k + (beta[o] as number);
    }
    return out;
  }

  private bnParams(
    bn: Layer,
    channels: number,
  ): { gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array; epsilon: number } {
    const cfg = bn.config;
    const shape = [channels];
    return {
      gamma: cfg.scale === false ? new Float32Array(channels).fill(1) : this.weight(bn.name, 'gamma', shape).values,
      beta: cfg.center === false ? new Float32Array(channels) : this.weight(bn.name, 'beta', shape).values,
      mean: this.weight(bn.name, 'moving_mean', shape).values,
      variance: this.weight(bn.name, 'moving_variance', shape).values,
      epsilon: Number(cfg.epsilon ?? 1e-3),
    };
  }

  private batchNorm(layer: Layer, raw: Value): Value {
    const input = this.materialise(raw);
    const rank4 = input.shape.length === 3;
    const axis = layer.config.axis;
    if (!isChannelsLastAxis(axis) && !(!rank4 && (axis === 1 || (Array.isArray(axis) && axis[0] === 1)))) {
      throw unsupported(`layer "${layer.name}" normalises axis ${JSON.stringify(axis)}; only the channel axis`);
    }
    const channels = input.shape[input.shape.length - 1] as number;
    const p = this.bnParams(layer, channels);
    const out = this.graph.add(
      'BatchNormalization',
      [
        input.name,
        this.floats(`${layer.name}_gamma`, [channels], p.gamma),
        this.floats(`${layer.name}_beta`, [channels], p.beta),
        this.floats(`${layer.name}_mean`, [channels], p.mean),
        this.floats(`${layer.name}_var`, [channels], p.variance),
      ],
      layer.name,
      [attr.float('epsilon', p.epsilon)],
    );
    return { name: out, shape: input.shape };
  }

  private unary(raw: Value, op: string, name: string, attributes?: Attribute[]): Value {
    const input = this.materialise(raw);
    return { name: this.graph.add(op, [input.name], name, attributes), shape: input.shape };
  }

  private clip(raw: Value, min: number, max: number, name: string): Value {
    const input = this.materialise(raw);
    const out = this.graph.add('Clip', [input.name, this.graph.scalar(min), this.graph.scalar(max)], name);
    return { name: out, shape: input.shape };
  }

  private activation(layer: Layer, input: Value, activation: unknown): Value {
    const name = `${layer.name}_act`;
    switch (activation ?? 'linear') {
      case 'linear':
        return input;
      case 'relu':
        return this.unary(input, 'Relu', name);
      case 'relu6':
        return this.clip(input, 0, 6, name);
      case 'sigmoid':
        return this.unary(input, 'Sigmoid', name);
      case 'tanh':
        return this.unary(input, 'Tanh', name);
      case 'elu':
        return this.unary(input, 'Elu', name);
      case 'selu':
        return this.unary(input, 'Selu', name);
      case 'softplus':
        return this.unary(input, 'Softplus', name);
      case 'hard_sigmoid':
        // Keras 2 definition: clip(0.2 * x + 0.5, 0, 1).
        return this.unary(input, 'HardSigmoid', name, [attr.float('alpha', 0.2), attr.float('beta', 0.5)]);
      case 'softmax':
        // Channel axis is 1 in both NCHW and [N, D].
        return this.unary(input, 'Softmax', name, [attr.int('axis', 1)]);
      case 'swish':
      case 'silu': {
        const x = this.materialise(input);
        const s = this.graph.add('Sigmoid', [x.name], `${name}_sigmoid`);
        return { name: this.graph.add('Mul', [x.name, s], name), shape: x.shape };
      }
      default:
        throw unsupported(`activation "${String(activation)}" (layer "${layer.name}") is not supported`);
    }
  }

  private relu(layer: Layer, input: Value): Value {
    const cfg = layer.config;
    const maxValue = cfg.max_value == null ? undefined : Number(cfg.max_value);
    const slope = Number(cfg.negative_slope ?? 0);
    const threshold = Number(cfg.threshold ?? 0);
    if (threshold !== 0) throw unsupported(`layer "${layer.name}" uses a ReLU threshold, which is not supported`);
    if (slope !== 0) {
      if (maxValue !== undefined) throw unsupported(`layer "${layer.name}" combines negative_slope and max_value`);
      return this.unary(input, 'LeakyRelu', layer.name, [attr.float('alpha', slope)]);
    }
    return maxValue === undefined ? this.unary(input, 'Relu', layer.name) : this.clip(input, 0, maxValue, layer.name);
  }

  private merge(layer: Layer, raw: Value[]): Value {
    if (raw.length < 2) throw unsupported(`layer "${layer.name}" needs at least two inputs`);
    const inputs = raw.map((v) => this.materialise(v));
    const shape = (inputs[0] as Value).shape;
    for (const v of inputs) {
      if (v.shape.join('x') !== shape.join('x')) {
        throw unsupported(`layer "${layer.name}" merges tensors of different shapes (broadcasting is not supported)`);
      }
    }
    const g = this.graph;
    const names = inputs.map((v) => v.name);
    let out: string;
    switch (layer.className) {
      case 'Subtract':
        if (names.length !== 2) throw unsupported(`layer "${layer.name}" subtracts more than two tensors`);
        out = g.add('Sub', names, layer.name);
        break;
      case 'Maximum':
        out = g.add('Max', names, layer.name);
        break;
      case 'Minimum':
        out = g.add('Min', names, layer.name);
        break;
      case 'Average':
        out = g.add('Mul', [g.add('Sum', names, `${layer.name}_sum`), g.scalar(1 / names.length)], layer.name);
        break;
      default: {
        const op = layer.className === 'Multiply' ? 'Mul' : 'Add';
        out = names[0] as string;
        for (let i = 1; i < names.length; i++) out = g.add(op, [out, names[i] as string], layer.name);
      }
    }
    return { name: out, shape };
  }

  private concat(layer: Layer, raw: Value[]): Value {
    const inputs = raw.map((v) => this.materialise(v));
    const rank = (inputs[0] as Value).shape.length;
    let axis = Number(layer.config.axis ?? -1);
    if (axis < 0) axis += rank + 1;
    if (axis < 1 || axis > rank) throw unsupported(`layer "${layer.name}" concatenates along axis ${axis}`);
    // Keras axes are NHWC; ONNX values are NCHW (rank 4) or [N, D] (rank 2).
    const onnxAxis = rank === 3 ? ([0, 2, 3, 1][axis] as number) : axis;
    const shape = [...(inputs[0] as Value).shape];
    shape[axis - 1] = 0;
    for (const v of inputs) {
      if (v.shape.length !== rank) throw unsupported(`layer "${layer.name}" concatenates tensors of different rank`);
      shape[axis - 1] = (shape[axis - 1] as number) + (v.shape[axis - 1] as number);
    }
    const out = this.graph.add(
      'Concat',
      inputs.map((v) => v.name),
      layer.name,
      [attr.int('axis', onnxAxis)],
    );
    return { name: out, shape };
  }

  private pool(layer: Layer, raw: Value): Value {
    const input = this.materialise(raw);
    if (input.shape.length !== 3) throw unsupported(`layer "${layer.name}" needs a 4-D input`);
    const cfg = layer.config;
    const [h, w, c] = input.shape as [number, number, number];
    const [kh, kw] = pair(cfg.pool_size ?? 2, 'pool_size', layer.name);
    const [sh, sw] = pair(cfg.strides ?? [kh, kw], 'strides', layer.name);
    const mode = String(cfg.padding ?? 'valid');
    if (mode !== 'same' && mode !== 'valid') throw unsupported(`layer "${layer.name}" uses padding "${mode}"`);
    const [pt, pb, oh] = axisPadding(h, kh, sh, 1, mode) as [number, number, number];
    const [pl, pr, ow] = axisPadding(w, kw, sw, 1, mode) as [number, number, number];
    const average = layer.className === 'AveragePooling2D';
    if (kh === h && kw === w && oh === 1 && ow === 1 && pt + pb + pl + pr === 0) {
      // Whole-map pooling (MobileNet's final 7x7 AveragePooling2D): the global op is simpler and faster.
      const out = this.graph.add(average ? 'GlobalAveragePool' : 'GlobalMaxPool', [input.name], layer.name);
      return { name: out, shape: [1, 1, c] };
    }
    const attributes = [
      attr.ints('kernel_shape', [kh, kw]),
      attr.ints('strides', [sh, sw]),
      attr.ints('pads', [pt, pl, pb, pr]),
    ];
    // TF's 'same' average pooling divides by the number of real (unpadded) pixels: count_include_pad = 0.
    if (average) attributes.push(attr.int('count_include_pad', 0));
    const out = this.graph.add(average ? 'AveragePool' : 'MaxPool', [input.name], layer.name, attributes);
    return { name: out, shape: [oh, ow, c] };
  }

  private globalPool(layer: Layer, raw: Value): Value {
    const input = this.materialise(raw);
    if (input.shape.length !== 3) throw unsupported(`layer "${layer.name}" needs a 4-D input`);
    if (layer.config.keepdims === true) throw unsupported(`layer "${layer.name}" uses keepdims`);
    const op = layer.className === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool';
    const pooled = this.graph.add(op, [input.name], `${layer.name}_pool`);
    const out = this.graph.add('Flatten', [pooled], layer.name, [attr.int('axis', 1)]);
    return { name: out, shape: [input.shape[2] as number] };
  }

  private flatten(layer: Layer, raw: Value): Value {
    const input = this.materialise(raw);
    if (input.shape.length === 1) return input;
    const [h, w, c] = input.shape as [number, number, number];
    let source = input.name;
    // Keras flattens in HWC order; back to NHWC first unless the map is 1x1 (then the orders agree).
    if (h !== 1 || w !== 1)
      source = this.graph.add('Transpose', [source], `${layer.name}_nhwc`, [attr.ints('perm', [0, 2, 3, 1])]);
    const out = this.graph.add('Flatten', [source], layer.name, [attr.int('axis', 1)]);
    return { name: out, shape: [h * w * c] };
  }

  private dense(layer: Layer, raw: Value): Value {
    const input = this.materialise(raw);
    if (input.shape.length !== 1) throw unsupported(`layer "${layer.name}" (Dense) needs a flat input; add a Flatten`);
    const din = input.shape[0] as number;
    const units = Number(layer.config.units);
    const kernel = this.weight(layer.name, 'kernel', [din, units]);
    const inputs = [input.name, this.floats(`${layer.name}_W`, [din, units], kernel.values)];
    if (layer.config.use_bias !== false) {
      inputs.push(this.floats(`${layer.name}_B`, [units], this.weight(layer.name, 'bias', [units]).values));
    }
    return { name: this.graph.add('Gemm', inputs, layer.name), shape: [units] };
  }
}
