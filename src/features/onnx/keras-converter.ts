/**
 * The converter's state while it emits ONNX nodes: the graph being built, the Keras weights, and the
 * values between layers with what is still pending on them (zero padding, an input scale), so that
 * they fold into the next convolution instead of costing a pass. Each layer type maps to nodes in
 * keras-conv.ts (convolution, batch norm, padding) or keras-ops.ts (activations, merges, pooling,
 * dense).
 */
import { DataType, GraphBuilder, attr, int64Tensor } from './onnx-model.js';
import type { NamedWeight } from './keras-types.js';
import type { KerasToOnnxOptions } from './keras-to-onnx.js';
import { IDENTITY_LAYERS, unsupported, type Layer } from './keras-graph.js';
import { batchNorm, conv, zeroPadding } from './keras-conv.js';
import { activation, concat, dense, flatten, globalPool, merge, pool, relu, unary } from './keras-ops.js';

/** Padding that is pending on a value: [top, left, bottom, right] zeros not yet materialised. */
export type Pads = [number, number, number, number];

export interface Value {
  /** ONNX value name (NCHW for rank 4, [N,D] for rank 2). */
  name: string;
  /** Logical Keras shape without batch, channels last: [H,W,C] or [D]. Includes `pending` padding. */
  shape: number[];
  /** ZeroPadding2D folded into the consumer instead of being emitted. */
  pending?: Pads;
  /** Per-channel factor not yet applied (input normalisation), folded into the next conv's weights. */
  scale?: Float32Array;
}

export class Converter {
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
        return zeroPadding(this, layer, one());
      case 'Conv2D':
      case 'DepthwiseConv2D':
        return activation(this, layer, conv(this, layer, one(), fusedBn), cfg.activation);
      case 'BatchNormalization':
        return batchNorm(this, layer, one());
      case 'Activation':
        return activation(this, layer, one(), cfg.activation);
      case 'ReLU':
        return relu(this, layer, one());
      case 'LeakyReLU':
        return unary(this, one(), 'LeakyRelu', layer.name, [attr.float('alpha', Number(cfg.alpha ?? 0.3))]);
      case 'Add':
      case 'Multiply':
      case 'Maximum':
      case 'Minimum':
      case 'Subtract':
      case 'Average':
        return merge(this, layer, inputs);
      case 'Concatenate':
        return concat(this, layer, inputs);
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        return pool(this, layer, one());
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D':
        return globalPool(this, layer, one());
      case 'Flatten':
        return flatten(this, layer, one());
      case 'Dense':
        return activation(this, layer, dense(this, layer, one()), cfg.activation);
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

  weight(layer: string, param: string, shape?: number[]): NamedWeight {
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

  floats(prefix: string, dims: number[], values: Float32Array): string {
    this.parameterCount += values.length;
    return this.graph.addFloats(prefix, dims, values);
  }
}
