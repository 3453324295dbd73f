/** Activations, element-wise merges, concatenation, pooling, flatten and dense layers as ONNX nodes. */
import type { Converter, Value } from './keras-converter.js';
import { axisPadding, pair, unsupported, type Layer } from './keras-graph.js';
import { attr, type Attribute } from './onnx-model.js';

export function unary(cv: Converter, raw: Value, op: string, name: string, attributes?: Attribute[]): Value {
  const input = cv.materialise(raw);
  return { name: cv.graph.add(op, [input.name], name, attributes), shape: input.shape };
}

export function clip(cv: Converter, raw: Value, min: number, max: number, name: string): Value {
  const input = cv.materialise(raw);
  const out = cv.graph.add('Clip', [input.name, cv.graph.scalar(min), cv.graph.scalar(max)], name);
  return { name: out, shape: input.shape };
}

export function activation(cv: Converter, layer: Layer, input: Value, activation: unknown): Value {
  const name = `${layer.name}_act`;
  switch (activation ?? 'linear') {
    case 'linear':
      return input;
    case 'relu':
      return unary(cv, input, 'Relu', name);
    case 'relu6':
      return clip(cv, input, 0, 6, name);
    case 'sigmoid':
      return unary(cv, input, 'Sigmoid', name);
    case 'tanh':
      return unary(cv, input, 'Tanh', name);
    case 'elu':
      return unary(cv, input, 'Elu', name);
    case 'selu':
      return unary(cv, input, 'Selu', name);
    case 'softplus':
      return unary(cv, input, 'Softplus', name);
    case 'hard_sigmoid':
      // Keras 2 definition: clip(0.2 * x + 0.5, 0, 1).
      return unary(cv, input, 'HardSigmoid', name, [attr.float('alpha', 0.2), attr.float('beta', 0.5)]);
    case 'softmax':
      // Channel axis is 1 in both NCHW and [N, D].
      return unary(cv, input, 'Softmax', name, [attr.int('axis', 1)]);
    case 'swish':
    case 'silu': {
      const x = cv.materialise(input);
      const s = cv.graph.add('Sigmoid', [x.name], `${name}_sigmoid`);
      return { name: cv.graph.add('Mul', [x.name, s], name), shape: x.shape };
    }
    default:
      throw unsupported(`activation "${String(activation)}" (layer "${layer.name}") is not supported`);
  }
}

export function relu(cv: Converter, layer: Layer, input: Value): Value {
  const cfg = layer.config;
  const maxValue = cfg.max_value == null ? undefined : Number(cfg.max_value);
  const slope = Number(cfg.negative_slope ?? 0);
  const threshold = Number(cfg.threshold ?? 0);
  if (threshold !== 0) throw unsupported(`layer "${layer.name}" uses a ReLU threshold, which is not supported`);
  if (slope !== 0) {
    if (maxValue !== undefined) throw unsupported(`layer "${layer.name}" combines negative_slope and max_value`);
    return unary(cv, input, 'LeakyRelu', layer.name, [attr.float('alpha', slope)]);
  }
  return maxValue === undefined ? unary(cv, input, 'Relu', layer.name) : clip(cv, input, 0, maxValue, layer.name);
}

export function merge(cv: Converter, layer: Layer, raw: Value[]): Value {
  if (raw.length < 2) throw unsupported(`layer "${layer.name}" needs at least two inputs`);
  const inputs = raw.map((v) => cv.materialise(v));
  const shape = (inputs[0] as Value).shape;
  for (const v of inputs) {
    if (v.shape.join('x') !== shape.join('x')) {
      throw unsupported(`layer "${layer.name}" merges tensors of different shapes (broadcasting is not supported)`);
    }
  }
  const g = cv.graph;
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

export function concat(cv: Converter, layer: Layer, raw: Value[]): Value {
  const inputs = raw.map((v) => cv.materialise(v));
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
  const out = cv.graph.add(
    'Concat',
    inputs.map((v) => v.name),
    layer.name,
    [attr.int('axis', onnxAxis)],
  );
  return { name: out, shape };
}

export function pool(cv: Converter, layer: Layer, raw: Value): Value {
  const input = cv.materialise(raw);
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
    const out = cv.graph.add(average ? 'GlobalAveragePool' : 'GlobalMaxPool', [input.name], layer.name);
    return { name: out, shape: [1, 1, c] };
  }
  const attributes = [
    attr.ints('kernel_shape', [kh, kw]),
    attr.ints('strides', [sh, sw]),
    attr.ints('pads', [pt, pl, pb, pr]),
  ];
  // TF's 'same' average pooling divides by the number of real (unpadded) pixels: count_include_pad = 0.
  if (average) attributes.push(attr.int('count_include_pad', 0));
  const out = cv.graph.add(average ? 'AveragePool' : 'MaxPool', [input.name], layer.name, attributes);
  return { name: out, shape: [oh, ow, c] };
}

export function globalPool(cv: Converter, layer: Layer, raw: Value): Value {
  const input = cv.materialise(raw);
  if (input.shape.length !== 3) throw unsupported(`layer "${layer.name}" needs a 4-D input`);
  if (layer.config.keepdims === true) throw unsupported(`layer "${layer.name}" uses keepdims`);
  const op = layer.className === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool';
  const pooled = cv.graph.add(op, [input.name], `${layer.name}_pool`);
  const out = cv.graph.add('Flatten', [pooled], layer.name, [attr.int('axis', 1)]);
  return { name: out, shape: [input.shape[2] as number] };
}

export function flatten(cv: Converter, layer: Layer, raw: Value): Value {
  const input = cv.materialise(raw);
  if (input.shape.length === 1) return input;
  const [h, w, c] = input.shape as [number, number, number];
  let source = input.name;
  // Keras flattens in HWC order; back to NHWC first unless the map is 1x1 (then the orders agree).
  if (h !== 1 || w !== 1)
    source = cv.graph.add('Transpose', [source], `${layer.name}_nhwc`, [attr.ints('perm', [0, 2, 3, 1])]);
  const out = cv.graph.add('Flatten', [source], layer.name, [attr.int('axis', 1)]);
  return { name: out, shape: [h * w * c] };
}

export function dense(cv: Converter, layer: Layer, raw: Value): Value {
  const input = cv.materialise(raw);
  if (input.shape.length !== 1) throw unsupported(`layer "${layer.name}" (Dense) needs a flat input; add a Flatten`);
  const din = input.shape[0] as number;
  const units = Number(layer.config.units);
  const kernel = cv.weight(layer.name, 'kernel', [din, units]);
  const inputs = [input.name, cv.floats(`${layer.name}_W`, [din, units], kernel.values)];
  if (layer.config.use_bias !== false) {
    inputs.push(cv.floats(`${layer.name}_B`, [units], cv.weight(layer.name, 'bias', [units]).values));
  }
  return { name: cv.graph.add('Gemm', inputs, layer.name), shape: [units] };
}
